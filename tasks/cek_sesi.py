"""otentikasi_sesi: authentication and session-management checks, each a Prefect task.

:func:`amati_sesi` observes once: the start page (scheme, redirect, HSTS), the login page(s),
forms and Set-Cookie attributes, and, with the test account, a whole login journey: cookies
before login, login, the page after login (is it protected? cacheable?), a replay of the
pre-login cookies (fixation), logout, and a replay of the old session after logout; then
the forms of the bounded crawl of :func:`tasks.cek_validasi.jelajahi` (for the anti-CSRF
check). The
judging tasks read that observation. :func:`cek_enumerasi_pengguna` and
:func:`cek_tanpa_penguncian` send their own (failed) logins.

Cookie values and session ids live only in memory during the journey: the observation keeps
names, attributes and yes/no answers, and evidence shows ``[nilai]`` where an id was.
Failed logins for the lockout check use a random user name that does not exist, so no
account of the agency (the test account included) can end up locked.
"""

from __future__ import annotations

import copy
import difflib
import html as html_mod
import json
import re
import time
from http.cookiejar import Cookie
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from prefect import task
from pydantic import BaseModel, ConfigDict

from domain.kelaikan import CEK, TargetUji, Temuan
from tasks.cek_validasi import jelajahi
from tasks.kelaikan_cek import (
    TidakDapatDiuji,
    _data_formulir,
    _opsi_tugas,
)
from tasks.kelaikan_http import DiluarCakupan, Formulir, Halaman, KlienUji, token_acak, urai

_TAUTAN_LOGIN = re.compile(r"login|masuk|signin|sign-in|log-in|auth", re.I)
_TAUTAN_LOGOUT = re.compile(r"logout|log-out|keluar|signout|sign-out|sign_out|logoff", re.I)
_TOKEN_CSRF = re.compile(r"csrf|xsrf|_token|authenticity|verificationtoken|nonce|token", re.I)
_COOKIE_SESI = re.compile(r"sess|sid|token|auth|login|remember|jwt", re.I)
_COOKIE_BUKAN_SESI = re.compile(r"csrf|xsrf", re.I)
"""CSRF cookies (Laravel's XSRF-TOKEN) are read by scripts on purpose: not session ids."""
_NAMA_PENGGUNA = re.compile(r"user|email|login|nip|nama|akun|name", re.I)
_PARAM_SESI = re.compile(
    r"(?:^|[;?&])(phpsessid|jsessionid|aspsessionid\w*|asp\.net_sessionid|sid|sessionid"
    r"|session_id|sessid|sess_id|cfid|cftoken)=([^&;#]+)", re.I,
)
_PARAM_SESI_KHUSUS = {"phpsessid", "jsessionid", "asp.net_sessionid", "cfid", "cftoken"}
MAKS_HALAMAN_LOGIN = 2
HSTS_MINIMUM = 15_552_000
"""180 days, in seconds: a shorter HSTS max-age counts as missing."""
PERCOBAAN_GAGAL = 6
"""Failed logins sent by the lockout check (a lockout after 5 is expected)."""
JEDA_BERARTI = 5.0
"""Seconds an answer must slow down by to count as throttling (waits for the shared rate
limiter's slots are part of every measured time and stay well below this)."""


# --- The observation -------------------------------------------------------------------------

class FormulirTeramati(BaseModel):
    model_config = ConfigDict(frozen=True)

    halaman: str
    action: str
    method: str
    ada_sandi: bool
    ada_token: bool


class CookieTeramati(BaseModel):
    model_config = ConfigDict(frozen=True)

    sumber: str
    """The request that set it, e.g. ``GET /masuk``."""
    nama: str
    atribut: dict[str, str]
    """Lower-case attribute names -> values ('' for flags); never the cookie's value."""
    dari_login: bool = False


class ObservasiSesi(BaseModel):
    """What the session checks judge: forms and cookies seen, never cookie values."""

    formulir: list[FormulirTeramati] = []
    cookie: list[CookieTeramati] = []
    login_dicoba: bool = False
    # transport
    url_awal: str = ""
    skema: str = ""
    status_awal: int | None = None
    ke_https: str | None = None
    """Where the start page redirected when that was https:// (not followed: off scope)."""
    hsts: str | None = None
    # the login journey (test account)
    login_berhasil: bool | None = None
    alasan_login: str | None = None
    """Why the journey stopped (Bahasa Indonesia), when it did."""
    halaman_auth: str | None = None
    """Path of the page reached after login."""
    auth_terlindungi: bool | None = None
    """That page turns a client without the session away."""
    cache_control: str | None = None
    pragma: str | None = None
    cookie_pra_login: list[str] = []
    """Names of the session cookies held before login."""
    fiksasi: bool | None = None
    """The pre-login cookies alone open the page after login."""
    logout: str | None = None
    """How logout was done (``GET /keluar``), None when no logout control was found."""
    sesi_setelah_logout: bool | None = None
    url_sesi: list[str] = []
    """Observed URLs carrying a session id (values replaced by ``[nilai]``)."""


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


def cookie_sesi(nama: str) -> bool:
    return bool(_COOKIE_SESI.search(nama)) and not _COOKIE_BUKAN_SESI.search(nama)


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


def _data_login(form: Formulir, username: str, password: str) -> dict[str, str] | None:
    teks = [i for i in form.isian_bernama() if i.jenis in ("text", "email")]
    pengguna = next((i for i in teks if _NAMA_PENGGUNA.search(i.nama)), teks[0] if teks else None)
    sandi = next((i for i in form.isian if i.jenis == "password"), None)
    if pengguna is None or sandi is None or not sandi.nama:
        return None
    return _data_formulir(form, {pengguna.nama: username, sandi.nama: password})


async def _kirim_login(
    klien: KlienUji, halaman: Halaman, username: str, password: str,
) -> tuple[str, Halaman] | None:
    """Log in through the first password form of ``halaman``; return ``POST <path>`` and the
    answer (in-scope redirects followed)."""
    form = next((f for f in urai(halaman.text).formulir if f.ada_sandi), None)
    if form is None:
        return None
    data = _data_login(form, username, password)
    if data is None:
        return None
    tujuan = klien.absolut(form.action, halaman.url)
    return f"POST {urlsplit(tujuan).path or '/'}", await klien.post(tujuan, data=data)


def _ada_form_sandi(halaman: Halaman) -> bool:
    return any(f.ada_sandi for f in urai(halaman.text).formulir)


async def cari_halaman_login(klien: KlienUji, awal: Halaman,
                             obs: ObservasiSesi | None = None) -> list[Halaman]:
    """The start page when it has a password form, else up to two linked login pages."""
    if _ada_form_sandi(awal):
        return [awal]
    isi = urai(awal.text)
    calon = [t for t in isi.tautan
             if _TAUTAN_LOGIN.search(t) or _TAUTAN_LOGIN.search(isi.teks_tautan.get(t, ""))]
    hasil = []
    for tautan in list(dict.fromkeys(calon))[:MAKS_HALAMAN_LOGIN]:
        url = klien.absolut(tautan, awal.url)
        if klien.dalam_cakupan(url):
            h = await klien.get(url)
            if obs is not None:
                _catat(obs, h)
            if _ada_form_sandi(h):
                hasil.append(h)
    return hasil


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
            and not _ada_form_sandi(h))


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
    hasil = await _kirim_login(klien, segar, target.username,
                               target.password.get_secret_value())
    if hasil is None:
        obs.alasan_login = "kolom nama pengguna/kata sandi formulir login tidak dikenali"
        return
    obs.login_dicoba = True
    sumber, jawaban = hasil
    _catat(obs, jawaban, sumber_login=sumber)
    terlihat.append(jawaban)
    if jawaban.status >= 400 or _ada_form_sandi(jawaban):
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
    tautan = [t for t in isi.tautan if _TAUTAN_LOGOUT.search(t)
              or _TAUTAN_LOGOUT.search(isi.teks_tautan.get(t, ""))]
    form = next((f for f in isi.formulir if _TAUTAN_LOGOUT.search(f.action or "")), None)
    if form is not None:
        tujuan = klien.absolut(form.action, auth.url)
        if klien.dalam_cakupan(tujuan):
            obs.logout = f"{form.method.upper()} {urlsplit(tujuan).path}"
            await klien.kirim(form.method.upper(), tujuan, data=_data_formulir(form, {}))
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


@task(name="otentikasi_sesi.amati", **_opsi_tugas)
async def amati_sesi(target: TargetUji) -> ObservasiSesi:
    """Start page, login page(s) and, with a test account, the login journey."""
    obs = ObservasiSesi(url_awal=target.url, skema=urlsplit(target.url).scheme)
    terlihat: list[Halaman] = []
    async with KlienUji(target.url) as klien:
        awal = await klien.get(target.url)
        terlihat.append(awal)
        obs.status_awal = awal.status
        if awal.keluar_cakupan and urlsplit(awal.keluar_cakupan).scheme == "https":
            obs.ke_https = awal.keluar_cakupan
        obs.hsts = awal.header("strict-transport-security")
        _catat(obs, awal)
        halaman_login = await cari_halaman_login(klien, awal, obs)
        terlihat += halaman_login
        if not halaman_login:
            obs.alasan_login = "formulir login tidak ditemukan di halaman awal maupun " \
                               "tautan login-nya"
        elif target.username is None:
            obs.alasan_login = "akun uji tidak diberikan"
        else:
            await _perjalanan_login(klien, halaman_login[0], target, obs, terlihat)
        nilai = {c.value for c in _jar(klien) if c.value and cookie_sesi(c.name)}
    obs.url_sesi = _url_sesi(terlihat, nilai)
    await _catat_formulir_jelajah(obs, target.url)
    return obs


async def _catat_formulir_jelajah(obs: ObservasiSesi, url: str) -> None:
    """The forms of the bounded crawl (:func:`tasks.cek_validasi.jelajahi`, anonymous, its
    own client, after the journey so that it cannot disturb it): only forms are recorded,
    their cookies are not (the cookie checks judge the start page, login and journey). A
    failed crawl leaves the forms already seen."""
    async with KlienUji(url) as penjelajah:
        try:
            halaman = await jelajahi(penjelajah, url)
        except (httpx.HTTPError, DiluarCakupan):
            return
    for h in halaman:
        _catat_formulir(obs, h)


# --- transport ----------------------------------------------------------------------------

@task(name="otentikasi_sesi.login_http", **_opsi_tugas)
async def cek_login_http(obs: ObservasiSesi) -> list[Temuan]:
    if not any(f.ada_sandi for f in obs.formulir):
        raise TidakDapatDiuji("formulir login tidak ditemukan di halaman awal maupun "
                              "tautan login-nya")
    bukti = []
    for f in obs.formulir:
        if f.ada_sandi and "http" in (urlsplit(f.halaman).scheme, urlsplit(f.action).scheme):
            bukti.append(f"formulir login di {f.halaman} dikirim ke {f.action}")
    bukti = list(dict.fromkeys(bukti))
    return [CEK["otentikasi_sesi.login_http"].temuan("; ".join(bukti))] if bukti else []


@task(name="otentikasi_sesi.tanpa_https", **_opsi_tugas)
async def cek_tanpa_https(obs: ObservasiSesi) -> list[Temuan]:
    if obs.skema != "http" or obs.ke_https:
        return []
    if obs.status_awal is None or obs.status_awal >= 500:
        raise TidakDapatDiuji("halaman awal tidak menjawab dengan benar")
    return [CEK["otentikasi_sesi.tanpa_https"].temuan(
        f"GET {obs.url_awal} -> {obs.status_awal}: halaman dilayani melalui HTTP tanpa "
        "pengalihan ke https://")]


def _max_age(hsts: str) -> int | None:
    m = re.search(r"max-age\s*=\s*\"?(\d+)", hsts, re.I)
    return int(m.group(1)) if m else None


@task(name="otentikasi_sesi.tanpa_hsts", **_opsi_tugas)
async def cek_tanpa_hsts(obs: ObservasiSesi) -> list[Temuan]:
    if obs.skema != "https":
        return []  # plain HTTP is judged by otentikasi_sesi.tanpa_https
    if not obs.hsts:
        bukti = f"GET {obs.url_awal} -> {obs.status_awal} tanpa header Strict-Transport-Security"
    else:
        umur = _max_age(obs.hsts)
        if umur is not None and umur >= HSTS_MINIMUM:
            return []
        bukti = f"Strict-Transport-Security: {obs.hsts} (max-age kurang dari 180 hari)"
    return [CEK["otentikasi_sesi.tanpa_hsts"].temuan(bukti)]


# --- cookies ------------------------------------------------------------------------------

def _cookie_sesi(obs: ObservasiSesi) -> list[CookieTeramati]:
    return [c for c in obs.cookie
            if (c.dari_login and not _COOKIE_BUKAN_SESI.search(c.nama)) or cookie_sesi(c.nama)]


def _cek_atribut(obs: ObservasiSesi, cek_id: str, atribut: str) -> list[Temuan]:
    kurang: dict[str, str] = {}
    for c in _cookie_sesi(obs):
        nilai = c.atribut.get(atribut)
        tidak_ada = nilai is None or (atribut == "samesite" and nilai.lower() == "none")
        if tidak_ada:
            kurang.setdefault(c.nama, c.sumber)
    if not kurang:
        return []
    bukti = "; ".join(f"cookie '{nama}' dari {sumber}" for nama, sumber in kurang.items())
    return [CEK[cek_id].temuan(f"{bukti}: atribut {atribut} tidak ada")]


@task(name="otentikasi_sesi.cookie_httponly", **_opsi_tugas)
async def cek_cookie_httponly(obs: ObservasiSesi) -> list[Temuan]:
    return _cek_atribut(obs, "otentikasi_sesi.cookie_httponly", "httponly")


@task(name="otentikasi_sesi.cookie_secure", **_opsi_tugas)
async def cek_cookie_secure(obs: ObservasiSesi) -> list[Temuan]:
    return _cek_atribut(obs, "otentikasi_sesi.cookie_secure", "secure")


@task(name="otentikasi_sesi.cookie_samesite", **_opsi_tugas)
async def cek_cookie_samesite(obs: ObservasiSesi) -> list[Temuan]:
    return _cek_atribut(obs, "otentikasi_sesi.cookie_samesite", "samesite")


@task(name="otentikasi_sesi.id_sesi_di_url", **_opsi_tugas)
async def cek_id_sesi_di_url(obs: ObservasiSesi) -> list[Temuan]:
    if not obs.url_sesi:
        return []
    return [CEK["otentikasi_sesi.id_sesi_di_url"].temuan(
        "URL memuat ID sesi: " + "; ".join(obs.url_sesi[:5]))]


# --- the login journey --------------------------------------------------------------------

def _perlu_perjalanan(obs: ObservasiSesi) -> None:
    if not obs.login_berhasil or not obs.auth_terlindungi:
        raise TidakDapatDiuji(obs.alasan_login or "login dengan akun uji tidak berhasil")


@task(name="otentikasi_sesi.fiksasi_sesi", **_opsi_tugas)
async def cek_fiksasi_sesi(obs: ObservasiSesi) -> list[Temuan]:
    _perlu_perjalanan(obs)
    if not obs.fiksasi:
        return []
    return [CEK["otentikasi_sesi.fiksasi_sesi"].temuan(
        f"cookie sebelum login ({', '.join(obs.cookie_pra_login)}) saja sudah membuka "
        f"{obs.halaman_auth} sesudah akun uji login: ID sesi tidak diganti saat login")]


@task(name="otentikasi_sesi.sesi_setelah_logout", **_opsi_tugas)
async def cek_sesi_setelah_logout(obs: ObservasiSesi) -> list[Temuan]:
    _perlu_perjalanan(obs)
    if obs.logout is None or obs.sesi_setelah_logout is None:
        raise TidakDapatDiuji(obs.alasan_login or "logout tidak dapat dilakukan")
    if not obs.sesi_setelah_logout:
        return []
    return [CEK["otentikasi_sesi.sesi_setelah_logout"].temuan(
        f"sesudah logout ({obs.logout}), cookie sesi lama masih membuka {obs.halaman_auth}")]


def cache_aman(cache_control: str | None, pragma: str | None) -> bool:
    arahan = {a.strip().split("=")[0].lower(): a.strip() for a in (cache_control or "").split(",")
              if a.strip()}
    if "no-store" in arahan:
        return True
    max_age_nol = re.search(r"max-age\s*=\s*0\b", cache_control or "", re.I) is not None
    return "private" in arahan and ("no-cache" in arahan or max_age_nol)


@task(name="otentikasi_sesi.cache_halaman_terotentikasi", **_opsi_tugas)
async def cek_cache_halaman(obs: ObservasiSesi) -> list[Temuan]:
    _perlu_perjalanan(obs)
    if cache_aman(obs.cache_control, obs.pragma):
        return []
    header = f"Cache-Control: {obs.cache_control}" if obs.cache_control else \
        "tanpa header Cache-Control"
    return [CEK["otentikasi_sesi.cache_halaman_terotentikasi"].temuan(
        f"GET {obs.halaman_auth} sesudah login -> 200, {header}")]


# --- forms --------------------------------------------------------------------------------

@task(name="otentikasi_sesi.tanpa_csrf", **_opsi_tugas)
async def cek_tanpa_csrf(obs: ObservasiSesi) -> list[Temuan]:
    """Every state-changing (POST) form seen (start page, login page(s), the journey, the
    bounded crawl), once per action, with the pages that carry it."""
    per_action: dict[str, list[str]] = {}
    for f in obs.formulir:
        if f.method == "post" and not f.ada_token and not _TAUTAN_LOGOUT.search(f.action):
            halaman = per_action.setdefault(urlsplit(f.action).path or "/", [])
            asal = urlsplit(f.halaman).path or "/"
            if asal not in halaman:
                halaman.append(asal)
    bukti = [f"POST {action} (formulir di {', '.join(asal)})"
             for action, asal in per_action.items()]
    if not bukti:
        return []
    return [CEK["otentikasi_sesi.tanpa_csrf"].temuan(
        "; ".join(bukti) + ": tidak ada isian token anti-CSRF")]


# --- failed logins: enumeration and lockout -----------------------------------------------

_PESAN_KUNCI = re.compile(
    r"terkunci|dikunci|diblokir|terblokir|terlalu banyak|coba lagi (?:dalam|setelah|nanti)"
    r"|tunggu \d+|too many|locked|lockout|temporarily|try again (?:in|later)|captcha"
    r"|g-recaptcha|h-captcha|cf-turnstile|rate limit", re.I,
)


def _teks_terlihat(halaman: Halaman, buang: list[str]) -> str:
    """Visible text of an answer, without tags, attribute values or the given strings."""
    teks = re.sub(r"<(script|style)\b.*?</\1>", " ", halaman.text, flags=re.S | re.I)
    teks = re.sub(r"<[^>]*>", "\n", teks)
    teks = html_mod.unescape(teks)
    for b in buang:
        if b:
            teks = teks.replace(b, "")
    baris = [" ".join(b.split()) for b in teks.splitlines()]
    return "\n".join(b for b in baris if b)


def _tanda(h: Halaman) -> tuple[int, str]:
    lokasi = h.header("location") or ""
    return h.status, urlsplit(urljoin(h.url, lokasi)).path if lokasi else urlsplit(h.url).path


async def _login_gagal(klien: KlienUji, url_login: str, username: str,
                       password: str) -> tuple[Halaman, float]:
    segar = await klien.get(url_login)
    form = next((f for f in urai(segar.text).formulir if f.ada_sandi), None)
    if form is None:
        raise TidakDapatDiuji("formulir login tidak muncul lagi saat diminta ulang")
    data = _data_login(form, username, password)
    if data is None:
        raise TidakDapatDiuji("kolom nama pengguna/kata sandi formulir login tidak dikenali")
    mulai = time.monotonic()
    jawaban = await klien.kirim("POST", klien.absolut(form.action, segar.url), data=data,
                                ikuti=False)
    return jawaban, time.monotonic() - mulai


def _beda_pesan(a: str, b: str) -> tuple[str, str]:
    """The first differing line of each text."""
    la, lb = a.splitlines(), b.splitlines()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, la, lb).get_opcodes():
        if op != "equal":
            return (" / ".join(la[i1:i2])[:120] or "(kosong)",
                    " / ".join(lb[j1:j2])[:120] or "(kosong)")
    return "", ""


async def _daftar_pengguna_framework(klien: KlienUji) -> list[str]:
    """Public user listings of common frameworks (WordPress REST API, author archives)."""
    bukti = []
    for path in ("/wp-json/wp/v2/users", "/?rest_route=/wp/v2/users"):
        h = await klien.get(path)
        if h.status != 200:
            continue
        try:
            data = json.loads(h.text)
        except ValueError:
            continue
        if isinstance(data, list) and data and all(isinstance(d, dict) for d in data) \
                and any("slug" in d for d in data):
            nama = [str(d.get("slug")) for d in data if d.get("slug")][:5]
            bukti.append(f"{h.ringkas()}: daftar {len(data)} pengguna ({', '.join(nama)})")
            break
    h = await klien.kirim("GET", "/?author=1", ikuti=False)
    lokasi = h.header("location") or ""
    m = re.search(r"/author/([^/?#]+)", lokasi)
    if 300 <= h.status < 400 and m:
        bukti.append(f"GET /?author=1 -> {h.status} ke /author/{m.group(1)}/: nama pengguna "
                     "terungkap")
    return bukti


@task(name="otentikasi_sesi.enumerasi_pengguna", **_opsi_tugas)
async def cek_enumerasi_pengguna(target: TargetUji) -> list[Temuan]:
    """Unknown user vs known user with a wrong password: one failed login each."""
    async with KlienUji(target.url) as klien:
        bukti = await _daftar_pengguna_framework(klien)
        awal = await klien.get(target.url)
        halaman_login = await cari_halaman_login(klien, awal)
        if halaman_login and target.username:
            url_login = halaman_login[0].url
            tak_dikenal = f"lpa-uji-{token_acak()}"
            sandi_salah = f"Salah-{token_acak()}"
            a, _ = await _login_gagal(klien, url_login, tak_dikenal, sandi_salah)
            b, _ = await _login_gagal(klien, url_login, target.username, sandi_salah)
            buang = [tak_dikenal, target.username, sandi_salah]
            teks_a, teks_b = _teks_terlihat(a, buang), _teks_terlihat(b, buang)
            if _tanda(a) != _tanda(b):
                bukti.append(
                    f"login nama pengguna tidak terdaftar -> {a.status} {_tanda(a)[1]}, "
                    f"akun uji dengan kata sandi salah -> {b.status} {_tanda(b)[1]}")
            elif teks_a != teks_b:
                pa, pb = _beda_pesan(teks_a, teks_b)
                bukti.append(f"pesan untuk nama pengguna tidak terdaftar: \"{pa}\"; untuk "
                             f"kata sandi salah: \"{pb}\"")
        elif not bukti:
            raise TidakDapatDiuji(
                "formulir login tidak ditemukan" if not halaman_login
                else "akun uji tidak diberikan: pesan login tidak dapat dibandingkan")
    if not bukti:
        return []
    return [CEK["otentikasi_sesi.enumerasi_pengguna"].temuan("; ".join(bukti))]


@task(name="otentikasi_sesi.tanpa_penguncian", **_opsi_tugas)
async def cek_tanpa_penguncian(url: str) -> list[Temuan]:
    """Six failed logins for one random, non-existent user name: is anything slowed down,
    refused or challenged?"""
    async with KlienUji(url) as klien:
        awal = await klien.get(url)
        halaman_login = await cari_halaman_login(klien, awal)
        if not halaman_login:
            raise TidakDapatDiuji("formulir login tidak ditemukan di halaman awal maupun "
                                  "tautan login-nya")
        url_login = halaman_login[0].url
        nama = f"lpa-uji-{token_acak()}"
        buang = [nama]
        acuan: Halaman | None = None
        waktu_acuan = 0.0
        teks_acuan = ""
        ringkas = []
        for i in range(PERCOBAAN_GAGAL):
            sandi = f"Salah-{token_acak()}"
            try:
                h, detik = await _login_gagal(klien, url_login, nama, sandi)
            except httpx.TimeoutException:
                if i == 0:
                    raise
                return []  # answers stopped coming after repeated failures: a tarpit
            ringkas.append(str(h.status))
            teks = _teks_terlihat(h, [*buang, sandi])
            if acuan is None:
                acuan, waktu_acuan, teks_acuan = h, detik, teks
                if h.status == 429 or (_PESAN_KUNCI.search(teks) and h.status >= 400):
                    return []
                continue
            if h.status in (429, 423, 503) or _tanda(h) != _tanda(acuan):
                return []
            if teks != teks_acuan and _PESAN_KUNCI.search(teks) \
                    and not _PESAN_KUNCI.search(teks_acuan):
                return []
            if detik > waktu_acuan + JEDA_BERARTI:
                return []
    return [CEK["otentikasi_sesi.tanpa_penguncian"].temuan(
        f"{PERCOBAAN_GAGAL} percobaan login gagal berturut-turut untuk satu nama pengguna ke "
        f"POST {urlsplit(url_login).path} dijawab sama ({', '.join(ringkas)}) tanpa "
        "penguncian, jeda, maupun CAPTCHA")]


__all__ = [
    "ObservasiSesi", "amati_sesi", "cek_cache_halaman", "cek_cookie_httponly",
    "cek_cookie_samesite", "cek_cookie_secure", "cek_enumerasi_pengguna", "cek_fiksasi_sesi",
    "cek_id_sesi_di_url", "cek_login_http", "cek_sesi_setelah_logout", "cek_tanpa_csrf",
    "cek_tanpa_hsts", "cek_tanpa_https", "cek_tanpa_penguncian",
]
