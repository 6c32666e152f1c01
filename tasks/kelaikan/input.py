"""input_error: the observations of the error pages and of the secrets left in pages, each
a Prefect task that sends and records (the judges are pure: :mod:`domain.kelaikan.pancingan`,
:mod:`domain.kelaikan.rahasia`).

Both build on the bounded crawl of :mod:`tasks.kelaikan.jelajah`
(:func:`tasks.kelaikan.jelajah.jelajahi_situs`): :func:`amati_galat` sends what a tester
sends to see the error and debug pages (made even when the crawl failed); :func:`amati_skrip`
reads the application's own script files the crawled pages load. The requests to the GET
parameters (markers, quotes, template expressions, CR LF, traversal, arithmetic) are made by
:mod:`tasks.kelaikan.injeksi`.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from prefect import task

from domain.kelaikan.halaman import Halaman, token_acak
from domain.kelaikan.masukan import NAMA_PENGALIHAN, titik_get
from domain.kelaikan.pancingan import JawabanPancingan, ObservasiGalat
from domain.kelaikan.rahasia import MAKS_SKRIP, ObservasiRahasia, skrip_dimuat
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import KlienUji
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, alasan_galat, awal_aplikasi

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


# --- input_error.komentar_rahasia: the pages and the scripts they load ---

@task(name="input_error.amati_skrip", **OPSI_TUGAS)
async def amati_skrip(target: TargetUji, halaman: list[Halaman]) -> ObservasiRahasia:
    """The crawled pages as they are, and at most :data:`MAKS_SKRIP` of the application's
    own (in-scope) script files they load; a file that gets no answer is recorded and ends
    the reading."""
    skrip: list[Halaman] = []
    async with KlienUji(target.url) as klien:
        for alamat in [s for s in skrip_dimuat(halaman) if klien.dalam_cakupan(s)][:MAKS_SKRIP]:
            try:
                skrip.append(await klien.get(alamat))
            except Exception as exc:  # recorded: the secrets check is then not tested
                path = urlsplit(alamat).path or "/"
                return ObservasiRahasia(halaman=halaman, skrip=skrip,
                                        gagal=f"GET {path}: {alasan_galat(exc)}")
    return ObservasiRahasia(halaman=halaman, skrip=skrip)


PENGAMAT: dict[str, Pengamat] = {
    "galat": Pengamat("pancingan halaman galat", amati_galat, dasar="jelajah",
                      tanpa_dasar=[]),
    "skrip": Pengamat("pembacaan skrip", amati_skrip, dasar="jelajah"),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
