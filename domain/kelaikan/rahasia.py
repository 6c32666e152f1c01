"""Secrets left in what a page ships to every visitor: HTML comments and scripts, in
Indonesian as in English (``kata sandi``, ``sandi``, ``akun``, ``kredensial``, a user/password
pair written ``admin / Rahasia#1``) and as key material (a private key, an AWS key, a GitHub
token, a connection string with a password).

Only the kind of secret is reported, never its value. A value counts only when it looks like
one: six characters or more, with a digit or a sign, not a template placeholder, not advice
("kata sandi: minimal delapan karakter"). In script code a value counts only as a quoted
literal (``password = input.value`` is code, not a secret), and values the browser must have
anyway (CSRF tokens, nonces, public map and API keys) are left alone.

The check ``input_error`` makes of it reads one observation (:class:`ObservasiRahasia`: the
crawled pages and the application's own script files they load, fetched by
``tasks/kelaikan/input.py``) and is judged here (:func:`nilai_komentar_rahasia`).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.halaman import Halaman, urai

KOMENTAR_HTML = re.compile(r"<!--(.*?)-->", re.S)
SKRIP_INLINE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
KOMENTAR_JS = re.compile(r"/\*(.*?)\*/|(?<![:\"'\\])//([^\n]*)", re.S)

_KUNCI = (r"pass(?:word|wd)?|pwd|sandi|kata[ _-]?sandi|katasandi|kredensial|credentials?"
          r"|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?key|access[_-]?token"
          r"|auth[_-]?token|token|private[_-]?key")
PASANGAN_KOMENTAR = re.compile(rf"\b({_KUNCI})\b(?:[ \t]+[\w-]+){{0,2}}\s*[:=]\s*([^\s<>]+)",
                               re.I)
"""``key: value`` in a comment (``sandi admin: ...`` too): the value as written."""
PASANGAN_SKRIP = re.compile(
    r"""["']?\b(\w*?(?:password|passwd|pwd|sandi|secret|kredensial|credential|privatekey"""
    r"""|private_key)\w*|pass|db_?pass)\b["']?\s*[:=]\s*(["'`])([^"'`\n]{1,200})\2""", re.I)
"""``key = "value"`` in script code: only a quoted literal counts."""
PASANGAN_AKUN = re.compile(
    r"\b(akun|user(?:name)?|pengguna|nama pengguna|login|admin|kredensial|credentials?)\b"
    r"(?:[ \t]+[\w-]+){0,2}\s*[:=]?\s*([\w.@-]{3,40})\s*(?:/|\|)\s*(\S{6,80})", re.I)
"""``akun admin / Rahasia#1``: a user and a password written as a pair."""
RAHASIA_LANGSUNG: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("string koneksi berkredensial", re.compile(r"\b[a-z][a-z0-9+.\-]*://[^\s/:@<>\"']+:"
                                                r"[^\s/@<>\"']+@", re.I)),
    ("kunci privat", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("kunci akses AWS", re.compile(r"\bAKIA[0-9A-Z]{16}\b")),
    ("kunci Google API", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("token GitHub", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b")),
)
PUBLIK_DI_SKRIP = frozenset({"kunci Google API"})
"""Keys a browser page must carry to work (Google Maps browser keys): not a leak in a script."""
_BUKAN_NILAI = re.compile(r"\{\{|\$\{|<\?|\*\*\*|xxx|\.\.\.|changeme|placeholder|contoh|example"
                          r"|your[_-]|anda|isi_?di|<|>|^https?://|^/|^\d{4}-\d{2}-\d{2}", re.I)
_KUNCI_PUBLIK = re.compile(r"csrf|xsrf|nonce|public|publishable|site_?key|recaptcha", re.I)


def nilai_rahasia(nilai: str) -> bool:
    """A value that looks like a real secret: long enough, not a placeholder, not a plain
    word (``kata sandi: minimal`` is advice, not a password)."""
    nilai = nilai.strip("'\",;)(")
    return len(nilai) >= 6 and not _BUKAN_NILAI.search(nilai) and \
        bool(re.search(r"\d|[^\w\s]", nilai))


def _dalam_teks(isi: str) -> list[str]:
    """Secrets in free text (a comment of either language)."""
    jenis: list[str] = []
    for k in PASANGAN_KOMENTAR.finditer(isi):
        if nilai_rahasia(k.group(2)) and not _KUNCI_PUBLIK.search(k.group(1)):
            jenis.append(f"'{k.group(1).lower()}' berisi nilai")
    for k in PASANGAN_AKUN.finditer(isi):
        if nilai_rahasia(k.group(3)):
            jenis.append("pasangan akun/sandi")
    return jenis + [nama for nama, pola in RAHASIA_LANGSUNG if pola.search(isi)]


def rahasia_komentar(teks: str) -> list[str]:
    """What kinds of secret the HTML comments of ``teks`` carry (never the values)."""
    jenis: list[str] = []
    for m in KOMENTAR_HTML.finditer(teks):
        isi = m.group(1)
        if isi.lstrip().startswith("[if"):
            continue  # an Internet Explorer conditional comment
        jenis += _dalam_teks(isi)
    return list(dict.fromkeys(jenis))


def rahasia_skrip(kode: str) -> list[str]:
    """What kinds of secret script code carries: in its comments as in any text, in its code
    only as quoted literals assigned to a password- or secret-like name."""
    jenis: list[str] = []
    for m in KOMENTAR_JS.finditer(kode):
        jenis += _dalam_teks(m.group(1) or m.group(2) or "")
    tanpa_komentar = KOMENTAR_JS.sub(" ", kode)
    for k in PASANGAN_SKRIP.finditer(tanpa_komentar):
        if nilai_rahasia(k.group(3)) and not _KUNCI_PUBLIK.search(k.group(1)):
            jenis.append(f"'{k.group(1)}' berisi nilai")
    jenis += [nama for nama, pola in RAHASIA_LANGSUNG
              if nama not in PUBLIK_DI_SKRIP and pola.search(tanpa_komentar)]
    return list(dict.fromkeys(jenis))


def skrip_inline(teks: str) -> list[str]:
    """The code of the inline scripts of a page (not JSON data blocks)."""
    return [m.group(2) for m in SKRIP_INLINE.finditer(teks)
            if "json" not in m.group(1).lower() and m.group(2).strip()]


def rahasia_halaman(teks: str) -> list[tuple[str, list[str]]]:
    """(where, kinds) for a page: its HTML comments, its inline scripts."""
    hasil = []
    komentar = rahasia_komentar(teks)
    if komentar:
        hasil.append(("komentar HTML", komentar))
    skrip = list(dict.fromkeys(j for s in skrip_inline(teks) for j in rahasia_skrip(s)))
    if skrip:
        hasil.append(("skrip", skrip))
    return hasil


# --- the check: pages and scripts read, then judged ---------------------------------------------

MAKS_SKRIP = 3
"""Same-origin script files read (after the pages' own scripts)."""
PUSTAKA_UMUM = re.compile(r"jquery|bootstrap|popper|vue|react|angular|lodash|moment|chart"
                          r"|select2|datatables|fontawesome|swiper|slick|\.min\.js", re.I)
"""Well-known libraries: nobody leaves the agency's secrets in them."""


def skrip_dimuat(halaman: list[Halaman]) -> list[str]:
    """The script files the HTML pages load (absolute, once each, in order), well-known
    libraries left out; the observer keeps the in-scope ones, at most :data:`MAKS_SKRIP`."""
    skrip: list[str] = []
    for h in halaman:
        if h.html:
            skrip += [urljoin(h.url, s) for s in urai(h.text).tautan
                      if urlsplit(s).path.endswith(".js") and not PUSTAKA_UMUM.search(s)]
    return list(dict.fromkeys(skrip))


class ObservasiRahasia(BaseModel):
    """What the secrets check reads: the crawled pages and the script files fetched."""

    model_config = ConfigDict(frozen=True)

    halaman: list[Halaman] = []
    skrip: list[Halaman] = []
    gagal: str | None = None
    """A script file that got no answer (``GET /js/a.js: <why>``); the files after it were
    not read."""


def nilai_komentar_rahasia(obs: ObservasiRahasia, target: object = None) -> list[Bukti]:
    """The pages' HTML comments and inline scripts, then the script files (status 200): the
    kinds of secret, each where it was found, the values never copied."""
    if obs.gagal:
        raise TidakDapatDiuji(obs.gagal)
    bukti = [f"{h.ringkas()}: {tempat} memuat {', '.join(jenis)} (nilai disensor)"
             for h in obs.halaman for tempat, jenis in rahasia_halaman(h.text)]
    for h in obs.skrip:
        jenis = rahasia_skrip(h.text) if h.status == 200 else []
        if jenis:
            bukti.append(f"{h.ringkas()}: skrip memuat {', '.join(jenis)} (nilai disensor)")
    return bukti_gabung(bukti)
