"""Finding an application's login the way a tester does, as rules (the requests are in
``tasks/kelaikan/login.py``).

In order, each bounded: the start page's own password form; links and buttons labelled in
Indonesian or English ("Masuk", "Login", "Log in", "Sign in", ...) or pointing at a login
path; the pages a visitor is redirected to from paths that need a login (``/admin``,
``/dasbor``, ...); the login locations of the frameworks and CMSs recognised on the start
page (``/wp-login.php`` for WordPress, ``/administrator/`` for Joomla, ...), then the common
ones. The first page with a password form is the login, found once and shared by every check
that needs it (:class:`LoginDitemukan` in the session observation).
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.halaman import IsiHalaman

LABEL_LOGIN = re.compile(
    r"\b(?:masuk|log\s*-?\s*in|login|sign\s*-?\s*in|signin|otentikasi|autentikasi"
    r"|akses\s+(?:petugas|admin|pegawai)|portal\s+pegawai|member\s+area)\b", re.I)
"""What a login link or button says, in Bahasa Indonesia or English."""
BUKAN_LOGIN = re.compile(r"log\s*-?\s*out|logout|keluar|sign\s*-?\s*out|daftar|register"
                         r"|sign\s*-?\s*up|lupa|forgot|reset|bantuan|help", re.I)
"""Labels that name something next to a login, never the login itself."""
PATH_LOGIN = re.compile(r"login|masuk|signin|sign[-_]in|log[-_]in|auth|wp-login|session/new"
                        r"|/sso\b|akses", re.I)
"""What a login link's target looks like."""

PATH_TERLINDUNGI = ("admin/", "dasbor", "dashboard", "panel/", "home", "akun")
"""Paths that usually need a login: a visitor without one is sent to the login page."""

LOKASI_LOGIN: dict[str, tuple[str, ...]] = {
    "WordPress": ("wp-login.php",),
    "Joomla": ("administrator/",),
    "Drupal": ("user/login",),
    "Laravel": ("login", "admin/login"),
    "Django": ("admin/login/", "accounts/login/"),
    "Flask": ("login", "auth/login"),
    "CodeIgniter": ("auth/login", "login", "admin/login"),
    "Ruby on Rails": ("users/sign_in", "login"),
    "Moodle": ("login/index.php",),
    "Yii": ("site/login",),
    "Symfony": ("login",),
    "Microsoft ASP.NET": ("Account/Login",),
    "Spring": ("login",),
    "Express": ("login",),
    "Java Servlet": ("login", "login.jsp"),
    "PHP": ("login.php", "admin/login.php"),
}
"""Where each framework or CMS serves its login (paths relative to the application)."""
LOKASI_UMUM = ("login", "masuk", "auth/login", "admin/login", "user/login", "wp-login.php",
               "administrator/", "login.php")
"""Common login locations, tried after the recognised framework's own."""

MAKS_TAUTAN = 3
MAKS_PENGALIHAN = 3
MAKS_LOKASI = 6
"""At most this many requests per way of looking (12 in all beyond the start page)."""


class LoginDitemukan(BaseModel):
    """Where the login is and how it was found (evidence for the report)."""

    model_config = ConfigDict(frozen=True)

    url: str
    cara: str
    """How, in Bahasa Indonesia: ``tautan 'Sign in' di / -> /portal/akses``."""


def tautan_login(isi: IsiHalaman) -> list[tuple[str, str]]:
    """(target, label) of the links, buttons and GET forms of a page that lead to a login:
    labelled as one first, then by their target; never logout/registration/help."""
    calon: list[tuple[str, str]] = []
    for t in isi.tautan:
        calon.append((t, isi.teks_tautan.get(t, "")))
    for f in isi.formulir:
        if f.method == "get" and f.action and not f.ada_sandi:
            calon += [(f.action, label) for label in f.tombol]
    berlabel = [(t, lb) for t, lb in calon
                if LABEL_LOGIN.search(lb) and not BUKAN_LOGIN.search(lb)]
    bertarget = [(t, lb) for t, lb in calon
                 if PATH_LOGIN.search(t) and not BUKAN_LOGIN.search(t)
                 and not re.search(r"\.(?:css|js|png|jpe?g|gif|svg|ico|woff2?)(?:\?|$)", t)]
    hasil: dict[str, str] = {}
    for t, lb in [*berlabel, *bertarget]:
        hasil.setdefault(t, lb)
    return list(hasil.items())


def lokasi_login(kerangka: list[str]) -> list[str]:
    """Login paths to try: the recognised frameworks' own first, then the common ones."""
    daftar = [p for k in kerangka for p in LOKASI_LOGIN.get(k, ())] + list(LOKASI_UMUM)
    return list(dict.fromkeys(daftar))
