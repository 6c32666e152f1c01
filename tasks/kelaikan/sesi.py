"""otentikasi_sesi: authentication and session-management checks, each a Prefect task.

:func:`amati_sesi` observes once: the start page (scheme, redirect, HSTS), the login page(s),
forms and Set-Cookie attributes, and, with the test account, a whole login journey: cookies
before login, login, the page after login (is it protected? cacheable?), a replay of the
pre-login cookies (fixation), logout, and a replay of the old session after logout; then
the forms of the bounded crawl of :func:`tasks.kelaikan.jelajah.jelajahi` (for the anti-CSRF
check). The pure judges of ``domain/kelaikan/sesi.py`` read that observation; the failed
logins (user enumeration, lockout) are the observation of ``tasks/kelaikan/login_gagal.py``,
made after this one.

Cookie values and session ids live only in memory during the journey: the observation keeps
names, attributes and yes/no answers, and evidence shows ``[nilai]`` where an id was.
"""

from __future__ import annotations

import copy
import html as html_mod
import re
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from prefect import task

from domain.kelaikan.halaman import Formulir, Halaman, urai
from domain.kelaikan.login import LoginDitemukan
from domain.kelaikan.masukan import data_formulir
from domain.kelaikan.sesi import (
    TAUTAN_LOGOUT,
    CookieTeramati,
    FormulirTeramati,
    ObservasiSesi,
    cookie_sesi,
)
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.jelajah import jelajahi
from tasks.kelaikan.klien import DiluarCakupan, KlienUji
from tasks.kelaikan.login import ada_form_sandi, temukan_login
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat

_TOKEN_CSRF = re.compile(r"csrf|xsrf|_token|authenticity|verificationtoken|nonce|token", re.I)
_NAMA_PENGGUNA = re.compile(r"user|email|login|nip|nama|akun|name", re.I)
_PARAM_SESI = re.compile(
    r"(?:^|[;?&])(phpsessid|jsessionid|aspsessionid\w*|asp\.net_sessionid|sid|sessionid"
    r"|session_id|sessid|sess_id|cfid|cftoken)=([^&;#]+)", re.I,
)
_PARAM_SESI_KHUSUS = {"phpsessid", "jsessionid", "asp.net_sessionid", "cfid", "cftoken"}


# --- The observation -------------------------------------------------------------------------

def urai_set_cookie(baris: str) -> tuple[str, str, dict[str, str]]:
    """Name, value and attributes of one Set-Cookie header."""
    bagian = [b.strip() for b in baris.split(";")]
    nama, _, nilai = bagian[0].partition("=")
    atribut = {}
    for b in bagian[1:]:
        if b:
            k, _, v = b.partition("=")
            atribut[k.strip().lower()] = v.strip()
    return nama.strip(), nilai.strip(), atribut


def _dihapus(nilai: str, atribut: dict[str, str]) -> bool:
    return not nilai or atribut.get("max-age") == "0" or "1970" in atribut.get("expires", "")


def _catat(obs: ObservasiSesi, halaman: Halaman, sumber_login: str | None = None) -> None:
    sumber = sumber_login or f"{halaman.method} {halaman.path}"
    dari_login = sumber_login is not None
    for baris in halaman.set_cookie:
        nama, nilai, atribut = urai_set_cookie(baris)
        if nama and not _dihapus(nilai, atribut):
            obs.cookie.append(CookieTeramati(sumber=sumber, nama=nama, atribut=atribut,
                                             dari_login=dari_login))
    _catat_formulir(obs, halaman)


def _catat_formulir(obs: ObservasiSesi, halaman: Halaman) -> None:
    for form in urai(halaman.text).formulir:
        obs.formulir.append(FormulirTeramati(
            halaman=halaman.url, action=urljoin(halaman.url, form.action) if form.action
            else halaman.url, method=form.method, ada_sandi=form.ada_sandi,
            ada_token=any(i.jenis == "hidden" and _TOKEN_CSRF.search(i.nama) and i.nilai
                          for i in form.isian),
        ))


def data_login(form: Formulir, username: str, password: str) -> dict[str, str] | None:
    teks = [i for i in form.isian_bernama() if i.jenis in ("text", "email")]
    pengguna = next((i for i in teks if _NAMA_PENGGUNA.search(i.nama)), teks[0] if teks else None)
    sandi = next((i for i in form.isian if i.jenis == "password"), None)
    if pengguna is None or sandi is None or not sandi.nama:
        return None
    return data_formulir(form, {pengguna.nama: username, sandi.nama: password})


async def kirim_login(
    klien: KlienUji, halaman: Halaman, username: str, password: str,
) -> tuple[str, Halaman] | None:
    """Log in through the first password form of ``halaman``; return ``POST <path>`` and the
    answer (in-scope redirects followed)."""
    form = next((f for f in urai(halaman.text).formulir if f.adalah_login), None)
    if form is None:
        return None
    data = data_login(form, username, password)
    if data is None:
        return None
    tujuan = klien.absolut(form.action, halaman.url)
    return f"POST {urlsplit(tujuan).path or '/'}", await klien.post(tujuan, data=data)


# --- cookie jar helpers (values stay in memory only) ------------------------------------

def _jar(klien: KlienUji) -> Any:
    return klien._klien.cookies.jar  # noqa: SLF001 - the client's own cookie jar


def _cookie_sesi_di(klien: KlienUji) -> list[Cookie]:
    return [copy.copy(c) for c in _jar(klien) if cookie_sesi(c.name) and c.value]


def _pasang(klien: KlienUji, cookies: list[Cookie]) -> None:
    jar = _jar(klien)
    jar.clear()
    for c in cookies:
        jar.set_cookie(copy.copy(c))


def _terbuka(h: Halaman, acuan: Halaman) -> bool:
    """``h`` shows the same protected page as ``acuan`` (not a redirect to login)."""
    return (h.status == 200 and urlsplit(h.url).path == urlsplit(acuan.url).path
            and not ada_form_sandi(h))


def _url_sesi(halaman: list[Halaman], nilai_sesi: set[str]) -> list[str]:
    """URLs on these pages (links, actions, redirects) that carry a session id."""
    temuan: list[str] = []
    for h in halaman:
        calon = [h.url, *h.pengalihan, h.header("location") or ""]
        isi = urai(h.text) if h.html else None
        if isi is not None:
            calon += isi.tautan + [f.action for f in isi.formulir]
        for url in calon:
            if not url:
                continue
            url = html_mod.unescape(url)
            teks = url
            ada = False
            for m in _PARAM_SESI.finditer(url):
                khusus = m.group(1).lower() in _PARAM_SESI_KHUSUS
                if khusus or re.fullmatch(r"[A-Za-z0-9,%_-]{16,}", m.group(2)):
                    ada = True  # generic names (sid, sessionid) only with an id-like value
                    teks = teks.replace(m.group(2), "[nilai]")
            for nilai in nilai_sesi:
                if len(nilai) >= 8 and nilai in teks:
                    ada = True
                    teks = teks.replace(nilai, "[nilai]")
            if ada:
                bagian = urlsplit(urljoin(h.url, teks))
                temuan.append(f"{bagian.path}{'?' + bagian.query if bagian.query else ''}"
                              f" (di {h.path})")
    return list(dict.fromkeys(temuan))


async def _perjalanan_login(klien: KlienUji, halaman_login: Halaman, target: TargetUji,
                            obs: ObservasiSesi, terlihat: list[Halaman]) -> None:
    """Login, protected page, fixation replay, logout, replay after logout."""
    assert target.username is not None and target.password is not None
    segar = await klien.get(halaman_login.url)  # fresh token and pre-login session
    terlihat.append(segar)
    pra = _cookie_sesi_di(klien)
    obs.cookie_pra_login = sorted({c.name for c in pra})
    hasil = await kirim_login(klien, segar, target.username,
                               target.password.get_secret_value())
    if hasil is None:
        obs.alasan_login = "kolom nama pengguna/kata sandi formulir login tidak dikenali"
        return
    obs.login_dicoba = True
    sumber, jawaban = hasil
    _catat(obs, jawaban, sumber_login=sumber)
    terlihat.append(jawaban)
    if jawaban.status >= 400 or ada_form_sandi(jawaban):
        obs.login_berhasil = False
        obs.alasan_login = (f"login dengan akun uji tidak berhasil ({sumber} -> "
                            f"{jawaban.status}, formulir login tampil lagi)"
                            if jawaban.status < 400 else
                            f"login dengan akun uji tidak berhasil ({sumber} -> "
                            f"{jawaban.status})")
        return
    obs.login_berhasil = True
    auth = await klien.get(jawaban.url)
    terlihat.append(auth)
    obs.halaman_auth = auth.path
    obs.cache_control = auth.header("cache-control")
    obs.pragma = auth.header("pragma")
    pasca = _cookie_sesi_di(klien)
    async with KlienUji(target.url) as asing:
        tanpa = await asing.get(auth.url)
        obs.auth_terlindungi = not _terbuka(tanpa, auth)
        if not obs.auth_terlindungi:
            obs.alasan_login = (f"halaman sesudah login ({auth.path}) juga terbuka tanpa "
                                "login, sehingga sesi tidak dapat dinilai")
            return
        if pra:
            _pasang(asing, pra)
            obs.fiksasi = _terbuka(await asing.get(auth.url), auth)
        else:
            obs.fiksasi = False
    # logout: a link or a form whose target or text says so
    isi = urai(auth.text)
    tautan = [t for t in isi.tautan if TAUTAN_LOGOUT.search(t)
              or TAUTAN_LOGOUT.search(isi.teks_tautan.get(t, ""))]
    form = next((f for f in isi.formulir if TAUTAN_LOGOUT.search(f.action or "")), None)
    if form is not None:
        tujuan = klien.absolut(form.action, auth.url)
        if klien.dalam_cakupan(tujuan):
            obs.logout = f"{form.method.upper()} {urlsplit(tujuan).path}"
            await klien.kirim(form.method.upper(), tujuan, data=data_formulir(form, {}))
    if obs.logout is None:
        for t in tautan:
            tujuan = klien.absolut(t, auth.url)
            if klien.dalam_cakupan(tujuan):
                obs.logout = f"GET {urlsplit(tujuan).path}"
                await klien.get(tujuan)
                break
    if obs.logout is None:
        obs.alasan_login = "tautan atau tombol logout tidak ditemukan di halaman sesudah login"
        return
    async with KlienUji(target.url) as lama:
        _pasang(lama, pasca)
        obs.sesi_setelah_logout = _terbuka(await lama.get(auth.url), auth)


@task(name="otentikasi_sesi.amati", **OPSI_TUGAS)
async def amati_sesi(target: TargetUji) -> ObservasiSesi:
    """Start page, the login found once (:func:`tasks.kelaikan.login.temukan_login`, else the
    first page of the bounded crawl with a password form) and, with a test account, the login
    journey; then the forms of the crawl."""
    obs = ObservasiSesi(url_awal=target.url, skema=urlsplit(target.url).scheme)
    terlihat: list[Halaman] = []
    jelajah: list[Halaman] | None = None
    async with KlienUji(target.url) as klien:
        awal = await klien.get(target.url)
        terlihat.append(awal)
        obs.status_awal = awal.status
        if awal.keluar_cakupan and urlsplit(awal.keluar_cakupan).scheme == "https":
            obs.ke_https = awal.keluar_cakupan
        obs.hsts = awal.header("strict-transport-security")
        _catat(obs, awal)
        ditemukan = await temukan_login(klien, awal, lambda h: _catat(obs, h))
        if ditemukan is None:
            # the crawl (anonymous, its own client) is made anyway for the forms: a login
            # page it reaches is the login another check would have seen
            jelajah = await _jelajah(target.url)
            h = next((h for h in jelajah if ada_form_sandi(h)), None)
            if h is not None:
                _catat(obs, h)
                ditemukan = h, LoginDitemukan(
                    url=h.url, cara=f"formulir login di {h.path} (hasil penjelajahan halaman)")
        if ditemukan is None:
            obs.alasan_login = ("formulir login tidak ditemukan (halaman awal, tautan dan "
                                "tombol masuk, pengalihan dari halaman terlindungi, lokasi "
                                "login framework, penjelajahan halaman)")
        else:
            halaman_login, obs.login = ditemukan
            terlihat.append(halaman_login)
            if target.username is None:
                obs.alasan_login = "akun uji tidak diberikan"
            else:
                await _perjalanan_login(klien, halaman_login, target, obs, terlihat)
        nilai = {c.value for c in _jar(klien) if c.value and cookie_sesi(c.name)}
    obs.url_sesi = _url_sesi(terlihat, nilai)
    for h in jelajah if jelajah is not None else await _jelajah(target.url):
        _catat_formulir(obs, h)
    return obs


async def _jelajah(url: str) -> list[Halaman]:
    """The bounded crawl (:func:`tasks.kelaikan.jelajah.jelajahi`, anonymous, its own client,
    so that it cannot disturb the journey): only its forms are recorded, not its cookies (the
    cookie checks judge the start page, login and journey). A failed crawl gives nothing."""
    async with KlienUji(url) as penjelajah:
        try:
            return await jelajahi(penjelajah, url)
        except (httpx.HTTPError, DiluarCakupan):
            return []


PENGAMAT: dict[str, Pengamat] = {
    "sesi": Pengamat("pengamatan sesi", amati_sesi),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
