"""input_error: the input and error-message checks of the feasibility test, each a Prefect task.

The checks send harmless markers only: a unique tag that must come back encoded, a quote
appended to a value, the product of two random numbers written in template syntax, an
encoded CR LF followed by a canary header name, a random path, a parameter sent as an
array. Inputs are the GET parameters and POST forms found by
the bounded crawl of :mod:`tasks.cek_validasi` (:func:`tasks.cek_validasi.jelajahi_situs`);
the debug and error-page checks need no crawl (:data:`BUTUH_JELAJAH` says which do).

Evidence keeps the request (path, parameter) and the status with a short excerpt of what was
recognised; secrets found in HTML comments are named, never copied.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urljoin, urlsplit

from prefect import task

from domain.kelaikan import CEK, Severity, Temuan
from tasks.cek_validasi import (
    _NAMA_PENGALIHAN,
    TitikGet,
    _nilai_pengalihan,
    galat_sql,
    halaman_untuk,
    titik_get,
)
from tasks.kelaikan_cek import _awal, _kutip, _opsi_tugas
from tasks.kelaikan_http import Halaman, KlienUji, token_acak

MAKS_PROBE_REFLEKSI = 6
MAKS_PROBE_SQL = 5
MAKS_PROBE_TEMPLAT = 5
MAKS_PROBE_HEADER = 6
AWALAN_HEADER_UJI = "X-Lpa-Uji-"
"""Name prefix of the harmless canary header of the header-injection probe."""
KUTIP_SQL = "'\""


def _temuan(cek_id: str, bukti: list[str], severity: Severity | None = None) -> list[Temuan]:
    bukti = list(dict.fromkeys(bukti))
    return [CEK[cek_id].temuan("; ".join(bukti), severity=severity)] if bukti else []


def _titik(url: str, halaman: list[Halaman], maks: int) -> list[TitikGet]:
    """GET parameters to probe; the start page's ``?q=`` when the crawl found none."""
    titik = titik_get(url, halaman)
    if not titik:
        dasar = url.split("?")[0].split("#")[0]
        titik = [TitikGet(url=dasar, params=[("q", "")], nama="q",
                          asal=urlsplit(dasar).path or "/", url_asli=f"{dasar}?q=")]
    return titik[:maks]


# --- input_error.refleksi_canary ----------------------------------------------------------------

@task(name="input_error.refleksi_canary", **_opsi_tugas)
async def cek_refleksi_canary(url: str, halaman: list[Halaman]) -> list[Temuan]:
    token = token_acak()
    mentah = f"<lpa{token}>"
    penanda = f"lpa{token}\"'{mentah}"
    bukti = []
    async with KlienUji(url) as klien:
        for t in _titik(url, halaman, MAKS_PROBE_REFLEKSI):
            h = await klien.get(t.dengan(penanda))
            if h.html and mentah in h.text:
                bukti.append(f"GET {t.path} parameter '{t.nama}' -> {h.status}: penanda "
                             f"{mentah} kembali tanpa encoding")
    return _temuan("input_error.refleksi_canary", bukti)


# --- input_error.galat_sql ----------------------------------------------------------------------

def _sql_baru(jawaban: Halaman, dasar: Halaman | None) -> tuple[str, str] | None:
    lama = galat_sql(dasar.text) if dasar is not None else {}
    baru = [(k, v) for k, v in galat_sql(jawaban.text).items() if k not in lama]
    return baru[0] if baru else None


@task(name="input_error.galat_sql", **_opsi_tugas)
async def cek_galat_sql(url: str, halaman: list[Halaman]) -> list[Temuan]:
    """GET parameters only: a quote in a valid POST submission would be stored by a
    well-behaved application (a name may contain a quote), which a test must not cause."""
    titik = [t for t in titik_get(url, halaman)
             if not _NAMA_PENGALIHAN.match(t.nama)][:MAKS_PROBE_SQL]
    bukti = []
    async with KlienUji(url) as klien:
        for t in titik:
            dasar = halaman_untuk(halaman, t.url_asli) or await klien.get(t.url_asli)
            h = await klien.get(t.dengan(t.nilai + KUTIP_SQL))
            sql = _sql_baru(h, dasar)
            if sql:
                bukti.append(f"GET {t.path} parameter '{t.nama}' = {t.nilai + KUTIP_SQL!r} -> "
                             f"{h.status}: {sql[0]}: {sql[1]!r}")
    return _temuan("input_error.galat_sql", bukti)


# --- input_error.evaluasi_templat ---------------------------------------------------------------

def muatan_templat() -> tuple[str, str, str]:
    """(marker, payload, expected product): two random four-digit factors in the syntax of
    Jinja2/Twig/Nunjucks, FreeMarker/JSP EL/Thymeleaf, ERB/EJS and Ruby/Pug interpolation,
    between unique markers."""
    a, b = 1000 + secrets.randbelow(9000), 1000 + secrets.randbelow(9000)
    penanda = f"lpa{token_acak()}"
    muatan = f"{penanda}a{{{{{a}*{b}}}}}b${{{a}*{b}}}c<%= {a}*{b} %>d#{{{a}*{b}}}e"
    return penanda, muatan, str(a * b)


def dievaluasi(teks: str, penanda: str, hasil: str) -> bool:
    """The product appears right after the marker (within the reflected payload)."""
    for m in re.finditer(re.escape(penanda), teks):
        if hasil in teks[m.end(): m.end() + 120]:
            return True
    return False


@task(name="input_error.evaluasi_templat", **_opsi_tugas)
async def cek_evaluasi_templat(url: str, halaman: list[Halaman]) -> list[Temuan]:
    bukti = []
    async with KlienUji(url) as klien:
        for t in [t for t in _titik(url, halaman, MAKS_PROBE_TEMPLAT + 2)
                  if not _NAMA_PENGALIHAN.match(t.nama)][:MAKS_PROBE_TEMPLAT]:
            penanda, muatan, hasil = muatan_templat()
            h = await klien.get(t.dengan(muatan))
            if dievaluasi(h.text, penanda, hasil):
                bukti.append(f"GET {t.path} parameter '{t.nama}' = {muatan!r} -> {h.status}: "
                             f"hasil perkalian {hasil} muncul setelah penanda")
    return _temuan("input_error.evaluasi_templat", bukti)


# --- input_error.injeksi_header ----------------------------------------------------------------

def titik_header(url: str, halaman: list[Halaman]) -> list[TitikGet]:
    """GET parameters to probe for header injection: redirect-like ones first (by name or
    value: they end up in ``Location``), then the others, at most :data:`MAKS_PROBE_HEADER`."""
    titik = titik_get(url, halaman)
    pengalihan = [t for t in titik if _NAMA_PENGALIHAN.match(t.nama) or _nilai_pengalihan(t.nilai)]
    return (pengalihan + [t for t in titik if t not in pengalihan])[:MAKS_PROBE_HEADER]


def muatan_header(nilai: str) -> tuple[str, str]:
    """(canary header name, value to send): the original value, CR LF, then the canary
    header line; ``urlencode`` turns CR LF into ``%0D%0A``."""
    nama = f"{AWALAN_HEADER_UJI}{token_acak()}"
    return nama, f"{nilai}\r\n{nama}: lpa"


@task(name="input_error.injeksi_header", **_opsi_tugas)
async def cek_injeksi_header(url: str, halaman: list[Halaman]) -> list[Temuan]:
    """One GET per parameter, redirects not followed, the response head read raw
    (:meth:`KlienUji.kepala_mentah`): a finding only when the canary is a header line of its
    own, never when it merely appears inside another header's value."""
    bukti = []
    async with KlienUji(url) as klien:
        for t in titik_header(url, halaman):
            nama, muatan = muatan_header(t.nilai)
            try:
                kepala = await klien.kepala_mentah(t.dengan(muatan))
            except ConnectionError:
                continue  # the server dropped the connection: nothing was injected
            disisipkan = kepala.ada(nama)
            if disisipkan:
                bukti.append(f"GET {t.path} parameter '{t.nama}' = "
                             f"{t.nilai + '%0D%0A' + nama + ': lpa'!r} -> {kepala.status}: "
                             f"header sisipan muncul di jawaban: {_kutip(disisipkan, 100)!r}")
    return _temuan("input_error.injeksi_header", bukti)


# --- input_error.mode_debug ---------------------------------------------------------------------

TITIK_DEBUG = ("_ignition/health-check", "console", "_profiler/", "telescope")
TANDA_DEBUG: tuple[tuple[str, re.Pattern[str], bool], ...] = tuple(
    (nama, re.compile(pola, re.I | re.S), kritis) for nama, pola, kritis in (
        ("Django DEBUG = True", r"You(?:'|&#39;|&#x27;|&rsquo;)re seeing this error because you"
                                r" have <code>DEBUG = True</code>", False),
        ("debugger/konsol Werkzeug", r"__debugger__=yes|Werkzeug Debugger|The debugger caught "
                                     r"an exception", True),
        ("Laravel Ignition (dapat menjalankan perintah)",
         r"\"can_execute_commands\"\s*:\s*true", True),
        ("Laravel Ignition", r"window\.ignite\b|@facade/ignition|spatie/laravel-ignition"
                             r"|\"can_execute_commands\"\s*:\s*false", False),
        ("Whoops (mode debug)", r"Whoops\\Handler|class=\"Whoops container\"", False),
        ("Symfony Profiler", r"<title>\s*Symfony Profiler|sf-toolbar-block|Symfony Web Debug "
                             r"Toolbar", False),
        ("Laravel Telescope", r"window\.Telescope\s*=|/vendor/telescope/app\.js", False),
        ("Rails (mode development)", r"Action Controller: Exception caught|Rails\.root:", False),
        ("CodeIgniter (ENVIRONMENT=development)", r"A PHP Error was encountered|An uncaught "
                                                   r"Exception was encountered"
                                                   r"|CodeIgniter\\Debug\\", False),
    )
)


def tanda_debug(teks: str) -> list[tuple[str, bool]]:
    """(debug-page signature, whether it can run code) found in ``teks``."""
    return [(nama, kritis) for nama, pola, kritis in TANDA_DEBUG if pola.search(teks)]


@task(name="input_error.mode_debug", **_opsi_tugas)
async def cek_mode_debug(url: str, halaman: list[Halaman]) -> list[Temuan]:
    dilihat: dict[str, list[str]] = {}
    kritis = False
    async with KlienUji(url) as klien:
        akar = urljoin(url, "/")
        daftar = [urljoin(_awal(url), f"lpa-{token_acak()}/"),
                  *(urljoin(akar, p) for p in TITIK_DEBUG)]
        for alamat in daftar:
            h = await klien.get(alamat)
            for nama, dapat_menjalankan in tanda_debug(h.text):
                kritis = kritis or dapat_menjalankan
                dilihat.setdefault(nama, []).append(h.ringkas())
    bukti = [f"{nama}: {jawaban[0]}" + (f" (dan {len(jawaban) - 1} jawaban lain)"
                                        if len(jawaban) > 1 else "")
             for nama, jawaban in dilihat.items()]
    return _temuan("input_error.mode_debug", bukti, severity="tinggi" if kritis else None)


# --- input_error.jejak_galat --------------------------------------------------------------------

JEJAK_GALAT: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (nama, re.compile(pola, re.I)) for nama, pola in (
        ("traceback Python", r"Traceback \(most recent call last\)"),
        ("error PHP", r"<b>(?:Fatal error|Warning|Parse error|Notice)</b>:"
                      r"|(?:Fatal error|Parse error): .{0,300} on line \d+"),
        ("stack trace PHP", r"Stack trace:\s*(?:<br\s*/?>)?\s*#0"),
        ("stack trace Java", r"\bat [a-z][\w$]*(?:\.[\w$]+)+\([\w$]+\.java:\d+\)"),
        ("stack trace .NET", r"Server Error in '[^']*' Application|<b>\s*Stack Trace:\s*</b>"
                             r"|\bat [\w.]+\(.*\) in [A-Z]:\\[^:]+:line \d+"),
        ("stack trace Node.js", r"\bat [\w.<>]+ \((?:/|[A-Z]:\\)[^)]+\.js:\d+:\d+\)"),
        ("path server", r"/var/www/|/home/\w+/public_html/|/usr/share/nginx/|/srv/www/"
                        r"|[A-Z]:\\inetpub\\|[A-Z]:\\xampp\\"),
    )
)
_VERSI_GALAT = re.compile(
    r"\b(?:Apache(?:-Coyote)?/\d+\.\d+[\w.\-]*(?: \([^)<]{1,30}\))?|nginx/\d+\.\d+[\w.]*"
    r"|Microsoft-IIS/\d+\.\d+|Apache Tomcat/\d+\.\d+[\w.\-]*|PHP/\d+\.\d+[\w.\-]*"
    r"|Jetty\(\d[\w.\-]*\)|openresty/\d[\w.]*|LiteSpeed/\d[\w.]*|Werkzeug/\d[\w.]*"
    r"|Python/\d\.\d+[\w.]*|ASP\.NET Version:\s*\d[\w.]*)"
)


def jejak_galat(teks: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(signature name, excerpt) of the stack-trace/error signatures in ``teks``, and the
    software versions it names."""
    jejak = []
    for nama, pola in JEJAK_GALAT:
        m = pola.search(teks)
        if m:
            potongan = re.sub(r"<[^>]*>?", " ", teks[m.start():m.end() + 100])
            jejak.append((nama, _kutip(potongan)))
    versi = list(dict.fromkeys(m.group(0) for m in _VERSI_GALAT.finditer(teks)))[:4]
    return jejak, versi


@task(name="input_error.jejak_galat", **_opsi_tugas)
async def cek_jejak_galat(url: str, halaman: list[Halaman]) -> list[Temuan]:
    """Two 404s (random paths) and, when the crawl found a GET parameter, one 500 attempt
    with that parameter sent as an array."""
    token = token_acak()
    probe = [urljoin(_awal(url), f"lpa-{token}"), urljoin(_awal(url), f"lpa-{token}.php")]
    titik = [t for t in titik_get(url, halaman) if not _NAMA_PENGALIHAN.match(t.nama)]
    if titik:
        angka = [t for t in titik if t.nilai.isdigit()]
        t = (angka or titik)[0]
        probe.append(t.dengan(t.nilai, f"{t.nama}[]"))
    bukti: list[str] = []
    kutipan = ""
    hanya_versi = True
    async with KlienUji(url) as klien:
        for alamat in probe:
            h = await klien.get(alamat)
            if h.status < 400:
                continue  # not an error page (a soft 404 is judged by struktur)
            jejak, versi = jejak_galat(h.text)
            if jejak:
                hanya_versi = False
                kutipan = kutipan or jejak[0][1]
            if jejak or versi:
                apa = [n for n, _ in jejak] + ([f"versi {', '.join(versi)}"] if versi else [])
                bukti.append(f"{h.ringkas()}: {', '.join(apa)}")
    if not bukti:
        return []
    teks = "; ".join(bukti) + (f"; kutipan: {kutipan!r}" if kutipan else "")
    return _temuan("input_error.jejak_galat", [teks],
                   severity="rendah" if hanya_versi else None)


# --- input_error.komentar_rahasia ---------------------------------------------------------------

_KOMENTAR = re.compile(r"<!--(.*?)-->", re.S)
_PASANGAN_RAHASIA = re.compile(
    r"\b(pass(?:word|wd)?|pwd|sandi|kata[ _]?sandi|secret|client[_-]?secret|api[_-]?key|apikey"
    r"|access[_-]?key|access[_-]?token|auth[_-]?token|token|private[_-]?key)\b\s*[:=]\s*"
    r"([^\s<>]+)", re.I,
)
RAHASIA_LANGSUNG: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("string koneksi berkredensial", re.compile(r"\b[a-z][a-z0-9+.\-]*://[^\s/:@<>]+:[^\s/@<>]+@",
                                                re.I)),
    ("kunci privat", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("kunci akses AWS", re.compile(r"\bAKIA[0-9A-Z]{16}\b")),
    ("kunci Google API", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b")),
    ("token GitHub", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b")),
)
_BUKAN_NILAI = re.compile(r"\{\{|\$\{|<\?|\*\*\*|xxx|\.\.\.|changeme|placeholder|contoh|example",
                          re.I)


def _nilai_rahasia(nilai: str) -> bool:
    """A value that looks like a real secret: long enough, not a placeholder, not a plain
    word (``kata sandi: minimal`` is advice, not a password)."""
    nilai = nilai.strip("'\",;)(")
    return len(nilai) >= 6 and not _BUKAN_NILAI.search(nilai) and \
        bool(re.search(r"\d|[^\w\s]", nilai))


def rahasia_komentar(teks: str) -> list[str]:
    """What kinds of secret the HTML comments of ``teks`` carry (never the values)."""
    jenis: list[str] = []
    for m in _KOMENTAR.finditer(teks):
        isi = m.group(1)
        if isi.lstrip().startswith("[if"):
            continue  # an Internet Explorer conditional comment
        for k in _PASANGAN_RAHASIA.finditer(isi):
            if _nilai_rahasia(k.group(2)):
                jenis.append(f"'{k.group(1).lower()}' berisi nilai")
        jenis += [nama for nama, pola in RAHASIA_LANGSUNG if pola.search(isi)]
    return list(dict.fromkeys(jenis))


@task(name="input_error.komentar_rahasia", **_opsi_tugas)
async def cek_komentar_rahasia(url: str, halaman: list[Halaman]) -> list[Temuan]:
    """Reads the crawled pages only: no request of its own."""
    bukti = []
    for h in halaman:
        jenis = rahasia_komentar(h.text)
        if jenis:
            bukti.append(f"{h.ringkas()}: komentar HTML memuat {', '.join(jenis)} (nilai "
                         "disensor)")
    return _temuan("input_error.komentar_rahasia", bukti)


TUGAS = {
    "input_error.refleksi_canary": cek_refleksi_canary,
    "input_error.galat_sql": cek_galat_sql,
    "input_error.evaluasi_templat": cek_evaluasi_templat,
    "input_error.injeksi_header": cek_injeksi_header,
    "input_error.mode_debug": cek_mode_debug,
    "input_error.jejak_galat": cek_jejak_galat,
    "input_error.komentar_rahasia": cek_komentar_rahasia,
}
"""Every input_error check id and its task; each is called as ``task(url, halaman)`` with the
pages of :func:`tasks.cek_validasi.jelajahi_situs`."""
BUTUH_JELAJAH = frozenset(TUGAS) - {"input_error.mode_debug", "input_error.jejak_galat"}
"""Checks that cannot run without the crawl; the others run with ``halaman=[]``."""
