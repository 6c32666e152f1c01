"""otentikasi_sesi: the failed-login probes, user enumeration and lockout.

They send their own (failed) logins, after the session observation's login journey so that
nothing they send can disturb it. The lockout check fails the test account's own login (a
tester's lockout test): at most six failures, then the right password once; the report's
description of the check announces that the account may stay locked for a while.
"""

from __future__ import annotations

import difflib
import html as html_mod
import json
import re
import time
from urllib.parse import urljoin, urlsplit

import httpx

from domain.kelaikan.cek import Bukti, TidakDapatDiuji
from domain.kelaikan.halaman import Halaman, token_acak, urai
from domain.kelaikan.sesi import ObservasiSesi
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import KlienUji
from tasks.kelaikan.login import ada_form_sandi
from tasks.kelaikan.sesi import data_login, kirim_login
from tasks.kelaikan.umum import Pengamat, pemeriksa

PERCOBAAN_GAGAL = 6
"""Failed logins sent by the lockout check (a lockout after 5 is expected)."""
JEDA_BERARTI = 5.0
"""Seconds an answer must slow down by to count as throttling (waits for the shared rate
limiter's slots are part of every measured time and stay well below this)."""

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
    form = next((f for f in urai(segar.text).formulir if f.adalah_login), None)
    if form is None:
        raise TidakDapatDiuji("formulir login tidak muncul lagi saat diminta ulang")
    data = data_login(form, username, password)
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


def _url_login(obs: ObservasiSesi) -> str | None:
    return obs.login.url if obs.login is not None else None


@pemeriksa("otentikasi_sesi.enumerasi_pengguna")
async def cek_enumerasi_pengguna(target: TargetUji, obs: ObservasiSesi) -> list[Bukti]:
    """Unknown user vs known user with a wrong password: one failed login each, at the login
    the session observation found."""
    url_login = _url_login(obs)
    async with KlienUji(target.url) as klien:
        bukti = await _daftar_pengguna_framework(klien)
        if url_login and target.username:
            tak_dikenal = f"lpa-uji-{token_acak()}"
            sandi_salah = f"Salah-{token_acak()}"
            a, _ = await _login_gagal(klien, url_login, tak_dikenal, sandi_salah)
            b, _ = await _login_gagal(klien, url_login, target.username, sandi_salah)
            buang = [tak_dikenal, target.username, sandi_salah]
            teks_a, teks_b = _teks_terlihat(a, buang), _teks_terlihat(b, buang)
            di = f"POST {urlsplit(url_login).path or '/'}"
            if _tanda(a) != _tanda(b):
                bukti.append(
                    f"{di}: login nama pengguna tidak terdaftar -> {a.status} {_tanda(a)[1]}, "
                    f"akun uji dengan kata sandi salah -> {b.status} {_tanda(b)[1]}")
            elif teks_a != teks_b:
                pa, pb = _beda_pesan(teks_a, teks_b)
                bukti.append(f"{di}: pesan untuk nama pengguna tidak terdaftar: \"{pa}\"; "
                             f"untuk kata sandi salah: \"{pb}\"")
        elif not bukti:
            raise TidakDapatDiuji(
                (obs.alasan_login or "formulir login tidak ditemukan") if not url_login
                else "akun uji tidak diberikan: pesan login tidak dapat dibandingkan")
    if not bukti:
        return []
    return [Bukti("; ".join(bukti))]


@pemeriksa("otentikasi_sesi.tanpa_penguncian")
async def cek_tanpa_penguncian(target: TargetUji, obs: ObservasiSesi) -> list[Bukti]:
    """At most :data:`PERCOBAAN_GAGAL` failed logins for the test account's user name (a
    random, unregistered one without an account), at the login the session observation
    found, then, with the account, one login with the right password: is anything slowed
    down, refused or challenged? The test account may stay locked for a while afterwards:
    the check's description in the report says so."""
    url_login = _url_login(obs)
    if url_login is None:
        raise TidakDapatDiuji(obs.alasan_login or "formulir login tidak ditemukan")
    nama = target.username or f"lpa-uji-{token_acak()}"
    siapa = f"akun uji '{nama}'" if target.username else "satu nama pengguna acak"
    async with KlienUji(target.url) as klien:
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
            teks = _teks_terlihat(h, [nama, sandi])
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
        lalu = ""
        if target.username and target.password:
            # a silent lockout refuses even the right password: that is a lockout too
            segar = await klien.get(url_login)
            hasil = await kirim_login(klien, segar, target.username,
                                      target.password.get_secret_value())
            if hasil is None or hasil[1].status >= 400 or ada_form_sandi(hasil[1]):
                return []
            lalu = f"; sesudahnya kata sandi yang benar langsung diterima ({hasil[0]})"
    return [Bukti(
        f"{PERCOBAAN_GAGAL} percobaan login gagal berturut-turut untuk {siapa} ke "
        f"POST {urlsplit(url_login).path} dijawab sama ({', '.join(ringkas)}) tanpa "
        f"penguncian, jeda, maupun CAPTCHA{lalu}")]


PEMERIKSA = (cek_enumerasi_pengguna, cek_tanpa_penguncian)
"""The probes of this module, each a task named after its check id."""

PENGAMAT: dict[str, Pengamat] = {}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
