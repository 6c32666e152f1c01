"""otentikasi_sesi: what the session observation holds, and the pure judges of it.

``tasks/kelaikan/sesi.py`` observes once (:class:`ObservasiSesi`): the start page (scheme,
redirect, HSTS), the login page(s), forms and Set-Cookie attributes, and, with the test
account, a whole login journey (cookies before login, login, the page after login, a replay
of the pre-login cookies, logout, a replay of the old session). The judges here read that
observation only: no I/O, unit-tested on recorded observations. Cookie values and session
ids never enter the observation: it keeps names, attributes and yes/no answers.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import Bukti, TidakDapatDiuji
from domain.kelaikan.login import LoginDitemukan

TAUTAN_LOGOUT = re.compile(r"logout|log-out|keluar|signout|sign-out|sign_out|logoff", re.I)
COOKIE_SESI = re.compile(r"sess|sid|token|auth|login|remember|jwt", re.I)
COOKIE_BUKAN_SESI = re.compile(r"csrf|xsrf", re.I)
"""CSRF cookies (Laravel's XSRF-TOKEN) are read by scripts on purpose: not session ids."""
HSTS_MINIMUM = 15_552_000
"""180 days, in seconds: a shorter HSTS max-age counts as missing."""


def cookie_sesi(nama: str) -> bool:
    return bool(COOKIE_SESI.search(nama)) and not COOKIE_BUKAN_SESI.search(nama)


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
    login: LoginDitemukan | None = None
    """Where the login is and how it was found (found once, shared by every check)."""
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



def nilai_login_http(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    if not any(f.ada_sandi for f in obs.formulir):
        raise TidakDapatDiuji("formulir login tidak ditemukan di halaman awal maupun "
                              "tautan login-nya")
    bukti = []
    for f in obs.formulir:
        if f.ada_sandi and "http" in (urlsplit(f.halaman).scheme, urlsplit(f.action).scheme):
            bukti.append(f"formulir login di {f.halaman} dikirim ke {f.action}")
    bukti = list(dict.fromkeys(bukti))
    return [Bukti("; ".join(bukti))] if bukti else []


def nilai_tanpa_https(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    if obs.skema != "http" or obs.ke_https:
        return []
    if obs.status_awal is None or obs.status_awal >= 500:
        raise TidakDapatDiuji("halaman awal tidak menjawab dengan benar")
    return [Bukti(
        f"GET {obs.url_awal} -> {obs.status_awal}: halaman dilayani melalui HTTP tanpa "
        "pengalihan ke https://")]


def max_age(hsts: str) -> int | None:
    m = re.search(r"max-age\s*=\s*\"?(\d+)", hsts, re.I)
    return int(m.group(1)) if m else None


def nilai_tanpa_hsts(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    if obs.skema != "https":
        return []  # plain HTTP is judged by otentikasi_sesi.tanpa_https
    if not obs.hsts:
        bukti = f"GET {obs.url_awal} -> {obs.status_awal} tanpa header Strict-Transport-Security"
    else:
        umur = max_age(obs.hsts)
        if umur is not None and umur >= HSTS_MINIMUM:
            return []
        bukti = (f"GET {obs.url_awal} -> {obs.status_awal}: Strict-Transport-Security: "
                 f"{obs.hsts} (max-age kurang dari 180 hari)")
    return [Bukti(bukti)]


# --- cookies ------------------------------------------------------------------------------

def cookie_sesi_teramati(obs: ObservasiSesi) -> list[CookieTeramati]:
    return [c for c in obs.cookie
            if (c.dari_login and not COOKIE_BUKAN_SESI.search(c.nama)) or cookie_sesi(c.nama)]


def atribut_kurang(obs: ObservasiSesi, atribut: str) -> list[Bukti]:
    """Session cookies set without ``atribut``, each with every response that set it so
    (the ones set at login marked: a tester checks those, not only the first page's)."""
    kurang: dict[str, list[str]] = {}
    for c in cookie_sesi_teramati(obs):
        nilai = c.atribut.get(atribut)
        tidak_ada = nilai is None or (atribut == "samesite" and nilai.lower() == "none")
        if tidak_ada:
            sumber = f"{c.sumber} (saat login)" if c.dari_login else c.sumber
            daftar = kurang.setdefault(c.nama, [])
            if sumber not in daftar:
                daftar.append(sumber)
    if not kurang:
        return []
    bukti = "; ".join(f"cookie '{nama}' dari {', '.join(sumber[:3])}"
                      for nama, sumber in kurang.items())
    return [Bukti(f"{bukti}: atribut {atribut} tidak ada")]


def nilai_cookie_httponly(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    return atribut_kurang(obs, "httponly")


def nilai_cookie_secure(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    return atribut_kurang(obs, "secure")


def nilai_cookie_samesite(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    return atribut_kurang(obs, "samesite")


def nilai_id_sesi_di_url(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    if not obs.url_sesi:
        return []
    return [Bukti(
        "URL memuat ID sesi: " + "; ".join(obs.url_sesi[:5]))]


# --- the login journey --------------------------------------------------------------------

def perlu_perjalanan(obs: ObservasiSesi) -> None:
    if not obs.login_berhasil or not obs.auth_terlindungi:
        raise TidakDapatDiuji(obs.alasan_login or "login dengan akun uji tidak berhasil")


def nilai_fiksasi_sesi(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    perlu_perjalanan(obs)
    if not obs.fiksasi:
        return []
    return [Bukti(
        f"GET {obs.halaman_auth} dengan cookie sebelum login saja "
        f"({', '.join(obs.cookie_pra_login)}) -> 200 sesudah akun uji login: halaman itu "
        "terbuka, ID sesi tidak diganti saat login")]


def nilai_sesi_setelah_logout(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    perlu_perjalanan(obs)
    if obs.logout is None or obs.sesi_setelah_logout is None:
        raise TidakDapatDiuji(obs.alasan_login or "logout tidak dapat dilakukan")
    if not obs.sesi_setelah_logout:
        return []
    return [Bukti(
        f"sesudah logout ({obs.logout}), GET {obs.halaman_auth} dengan cookie sesi lama -> "
        "200: halaman itu masih terbuka")]


def cache_aman(cache_control: str | None, pragma: str | None) -> bool:
    arahan = {a.strip().split("=")[0].lower(): a.strip() for a in (cache_control or "").split(",")
              if a.strip()}
    if "no-store" in arahan:
        return True
    max_age_nol = re.search(r"max-age\s*=\s*0\b", cache_control or "", re.I) is not None
    return "private" in arahan and ("no-cache" in arahan or max_age_nol)


def nilai_cache_halaman(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    perlu_perjalanan(obs)
    if cache_aman(obs.cache_control, obs.pragma):
        return []
    header = f"Cache-Control: {obs.cache_control}" if obs.cache_control else \
        "tanpa header Cache-Control"
    return [Bukti(
        f"GET {obs.halaman_auth} sesudah login -> 200, {header}")]


# --- forms --------------------------------------------------------------------------------

def nilai_tanpa_csrf(obs: ObservasiSesi, target: object = None) -> list[Bukti]:
    """Every state-changing (POST) form seen (start page, login page(s), the journey, the
    bounded crawl), once per action, with the pages that carry it."""
    per_action: dict[str, list[str]] = {}
    for f in obs.formulir:
        if f.method == "post" and not f.ada_token and not TAUTAN_LOGOUT.search(f.action):
            halaman = per_action.setdefault(urlsplit(f.action).path or "/", [])
            asal = urlsplit(f.halaman).path or "/"
            if asal not in halaman:
                halaman.append(asal)
    bukti = [f"POST {action} (formulir di {', '.join(asal)})"
             for action, asal in per_action.items()]
    if not bukti:
        return []
    return [Bukti(
        "; ".join(bukti) + ": tidak ada isian token anti-CSRF")]
