"""input_error: the input and error-message checks of the feasibility test, each a Prefect task.

The checks send harmless markers only: a unique tag that must come back encoded, a quote
appended to a value, the product of two random numbers written in template syntax, an
encoded CR LF followed by a canary header name, a random path, a parameter sent as an
array. Inputs are the GET parameters and POST forms found by
the bounded crawl of :mod:`tasks.kelaikan.jelajah` (:func:`tasks.kelaikan.jelajah.jelajahi_situs`);
the debug and error-page checks judge one observation (:func:`amati_galat`), made even
when the crawl failed.

Evidence keeps the request (path, parameter) and the status with a short excerpt of what was
recognised; secrets found in HTML comments are named, never copied.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urljoin, urlsplit

from prefect import task

from domain.kelaikan.cek import Bukti, bukti_gabung
from domain.kelaikan.galat import galat_sql, kutip
from domain.kelaikan.halaman import Halaman, token_acak, urai
from domain.kelaikan.injeksi import konteks
from domain.kelaikan.masukan import (
    NAMA_PENGALIHAN,
    TitikGet,
    halaman_untuk,
    nilai_pengalihan,
    titik_get,
)
from domain.kelaikan.pancingan import JawabanPancingan, ObservasiGalat
from domain.kelaikan.rahasia import rahasia_halaman, rahasia_skrip
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import KlienUji
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, awal_aplikasi, pemeriksa

MAKS_PROBE_REFLEKSI = 6
MAKS_PROBE_SQL = 5
MAKS_PROBE_TEMPLAT = 5
MAKS_PROBE_HEADER = 6
AWALAN_HEADER_UJI = "X-Lpa-Uji-"
"""Name prefix of the harmless canary header of the header-injection probe."""
KUTIP_SQL = "'\""


def _titik(url: str, halaman: list[Halaman], maks: int) -> list[TitikGet]:
    """GET parameters to probe; the start page's ``?q=`` when the crawl found none."""
    titik = titik_get(url, halaman)
    if not titik:
        dasar = url.split("?")[0].split("#")[0]
        titik = [TitikGet(url=dasar, params=[("q", "")], nama="q",
                          asal=urlsplit(dasar).path or "/", url_asli=f"{dasar}?q=")]
    return titik[:maks]


# --- input_error.refleksi_canary ----------------------------------------------------------------

@pemeriksa("input_error.refleksi_canary")
async def cek_refleksi_canary(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    url = target.url
    token = token_acak()
    mentah = f"<lpa{token}>"
    penanda = f"lpa{token}\"'{mentah}"
    bukti = []
    async with KlienUji(url) as klien:
        for t in _titik(url, halaman, MAKS_PROBE_REFLEKSI):
            h = await klien.get(t.dengan(penanda))
            if h.html and mentah in h.text:
                bukti.append(f"GET {t.path} parameter '{t.nama}' -> {h.status}: penanda "
                             f"{mentah} kembali tanpa encoding "
                             f"(di halaman: {konteks(h.text, mentah)!r})")
    return bukti_gabung(bukti)


# --- input_error.galat_sql ----------------------------------------------------------------------

def _sql_baru(jawaban: Halaman, dasar: Halaman | None) -> tuple[str, str] | None:
    lama = galat_sql(dasar.text) if dasar is not None else {}
    baru = [(k, v) for k, v in galat_sql(jawaban.text).items() if k not in lama]
    return baru[0] if baru else None


@pemeriksa("input_error.galat_sql")
async def cek_galat_sql(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    """GET parameters only: a quote in a valid POST submission would be stored by a
    well-behaved application (a name may contain a quote), which a test must not cause."""
    url = target.url
    titik = [t for t in titik_get(url, halaman)
             if not NAMA_PENGALIHAN.match(t.nama)][:MAKS_PROBE_SQL]
    bukti = []
    async with KlienUji(url) as klien:
        for t in titik:
            dasar = halaman_untuk(halaman, t.url_asli) or await klien.get(t.url_asli)
            h = await klien.get(t.dengan(t.nilai + KUTIP_SQL))
            sql = _sql_baru(h, dasar)
            if sql:
                bukti.append(f"GET {t.path} parameter '{t.nama}' = {t.nilai + KUTIP_SQL!r} -> "
                             f"{h.status}: {sql[0]}: {sql[1]!r}")
    return bukti_gabung(bukti)


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


@pemeriksa("input_error.evaluasi_templat")
async def cek_evaluasi_templat(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    url = target.url
    bukti = []
    async with KlienUji(url) as klien:
        for t in [t for t in _titik(url, halaman, MAKS_PROBE_TEMPLAT + 2)
                  if not NAMA_PENGALIHAN.match(t.nama)][:MAKS_PROBE_TEMPLAT]:
            penanda, muatan, hasil = muatan_templat()
            h = await klien.get(t.dengan(muatan))
            if dievaluasi(h.text, penanda, hasil):
                bukti.append(f"GET {t.path} parameter '{t.nama}' = {muatan!r} -> {h.status}: "
                             f"hasil perkalian {hasil} muncul setelah penanda")
    return bukti_gabung(bukti)


# --- input_error.injeksi_header ----------------------------------------------------------------

def titik_header(url: str, halaman: list[Halaman]) -> list[TitikGet]:
    """GET parameters to probe for header injection: redirect-like ones first (by name or
    value: they end up in ``Location``), then the others, at most :data:`MAKS_PROBE_HEADER`."""
    titik = titik_get(url, halaman)
    pengalihan = [t for t in titik if NAMA_PENGALIHAN.match(t.nama) or nilai_pengalihan(t.nilai)]
    return (pengalihan + [t for t in titik if t not in pengalihan])[:MAKS_PROBE_HEADER]


def muatan_header(nilai: str) -> tuple[str, str]:
    """(canary header name, value to send): the original value, CR LF, then the canary
    header line; ``urlencode`` turns CR LF into ``%0D%0A``."""
    nama = f"{AWALAN_HEADER_UJI}{token_acak()}"
    return nama, f"{nilai}\r\n{nama}: lpa"


@pemeriksa("input_error.injeksi_header")
async def cek_injeksi_header(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    """One GET per parameter, redirects not followed, the response head read raw
    (:meth:`KlienUji.kepala_mentah`): a finding only when the canary is a header line of its
    own, never when it merely appears inside another header's value."""
    url = target.url
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
                             f"header sisipan muncul di jawaban: {kutip(disisipkan, 100)!r}")
    return bukti_gabung(bukti)


TITIK_DEBUG = ("_ignition/health-check", "console", "_profiler/", "telescope")
"""Well-known debug endpoints requested by the error-page observation."""
MAKS_TITIK_GALAT = 2
"""GET parameters the error-page observation provokes (three requests each)."""
RUSAK = "%E0%A4%A"
"""A malformed percent-encoding (a truncated UTF-8 sequence)."""


# --- input_error.mode_debug, input_error.jejak_galat: one observation, two pure judges ---

@task(name="input_error.amati_galat", **OPSI_TUGAS)
async def amati_galat(target: TargetUji, halaman: list[Halaman]) -> ObservasiGalat:
    """What a tester sends to see the error and debug pages (:mod:`domain.kelaikan.pancingan`):
    unknown paths, the debug endpoints, and for up to :data:`MAKS_TITIK_GALAT` GET parameters
    of the crawl (numeric first) the parameter as an array, a quote after a numeric value and
    a malformed encoding."""
    url = target.url
    awal = awal_aplikasi(url)
    akar = urljoin(url, "/")
    token = token_acak()
    kirim: list[tuple[str, str, bool]] = [
        (urljoin(awal, f"lpa-{token}/"), "path acak", False),
        (urljoin(awal, f"lpa-{token}.php"), "path acak .php", False),
        *((urljoin(akar, p), f"titik debug /{p}", False) for p in TITIK_DEBUG),
    ]
    titik = [t for t in titik_get(url, halaman) if not NAMA_PENGALIHAN.match(t.nama)]
    titik = sorted(titik, key=lambda t: not t.nilai.isdigit())[:MAKS_TITIK_GALAT]
    for t in titik:
        kirim.append((t.dengan(t.nilai, f"{t.nama}[]"),
                      f"parameter '{t.nama}' sebagai larik", True))
        if t.nilai.isdigit():
            kirim.append((t.dengan(t.nilai + "'"),
                          f"tanda kutip pada parameter angka '{t.nama}'", True))
        kirim.append((t.dengan_mentah(RUSAK), f"encoding rusak pada parameter '{t.nama}'", True))
    obs = ObservasiGalat()
    async with KlienUji(url) as klien:
        for alamat, pancingan, parameter in kirim:
            h = await klien.get(alamat)
            obs.jawaban.append(JawabanPancingan(pancingan=pancingan, halaman=h,
                                                parameter=parameter))
    return obs


# --- input_error.komentar_rahasia ---------------------------------------------------------------

MAKS_SKRIP = 3
"""Same-origin script files read by the secrets check (after the pages' own)."""
_PUSTAKA_UMUM = re.compile(r"jquery|bootstrap|popper|vue|react|angular|lodash|moment|chart"
                           r"|select2|datatables|fontawesome|swiper|slick|\.min\.js", re.I)
"""Well-known libraries: nobody leaves the agency's secrets in them."""


@pemeriksa("input_error.komentar_rahasia")
async def cek_komentar_rahasia(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    """The crawled pages' HTML comments and inline scripts, then at most :data:`MAKS_SKRIP`
    of the application's own script files they load."""
    bukti = []
    skrip: list[str] = []
    for h in halaman:
        for tempat, jenis in rahasia_halaman(h.text):
            bukti.append(f"{h.ringkas()}: {tempat} memuat {', '.join(jenis)} (nilai disensor)")
        if h.html:
            skrip += [urljoin(h.url, s) for s in urai(h.text).tautan
                      if urlsplit(s).path.endswith(".js") and not _PUSTAKA_UMUM.search(s)]
    async with KlienUji(target.url) as klien:
        for alamat in [s for s in dict.fromkeys(skrip) if klien.dalam_cakupan(s)][:MAKS_SKRIP]:
            h = await klien.get(alamat)
            jenis = rahasia_skrip(h.text) if h.status == 200 else []
            if jenis:
                bukti.append(f"{h.ringkas()}: skrip memuat {', '.join(jenis)} (nilai "
                             "disensor)")
    return bukti_gabung(bukti)


PEMERIKSA = (
    cek_refleksi_canary,
    cek_galat_sql,
    cek_evaluasi_templat,
    cek_injeksi_header,
    cek_komentar_rahasia,
)
"""The probes of this category, each a task named after its check id."""


PENGAMAT: dict[str, Pengamat] = {
    "galat": Pengamat("pancingan halaman galat", amati_galat, dasar="jelajah"),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
