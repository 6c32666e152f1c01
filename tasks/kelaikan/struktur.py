"""struktur: the folder/file-structure checks of the feasibility test, each a Prefect task.

:func:`amati_dasar` asks once how the target answers paths that do not exist (a random file
and folder, :class:`tasks.kelaikan.klien.Pembanding`) and reads the start page; every check
judges its probes against that baseline, so a "soft 404" (200 with a generic page for any
path) is never a finding. On top of that, a probe is a finding only when its content is
recognised (a git HEAD, an env file with secrets, a ZIP header, phpinfo() output, ...).

The probes are a short curated list (about 60 requests for a site at ``/``), never a
dictionary attack; they are sent at most :data:`PARALEL` at a time, through the client's
shared rate limiter. Evidence keeps the request, status, what was recognised and sizes,
never the secrets or data found.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

import httpx
import tldextract
from prefect import task
from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.galat import kutip
from domain.kelaikan.halaman import Halaman, urai
from domain.kelaikan.struktur import (
    HALAMAN_UJI,
    PHPINFO,
    VCS,
    baca_robots,
    baca_sitemap,
    jenis_cadangan,
    paket_manifest,
    panel_dikenali,
    path_sensitif,
    rahasia_konfigurasi,
)
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import KlienUji, Pembanding, ambil_pembanding
from tasks.kelaikan.umum import (
    OPSI_TUGAS,
    Pengamat,
    awal_aplikasi,
    dasar_probe,
    pemeriksa,
    url_target,
)

PARALEL = 4
"""Probes of one check in flight at once (the per-target rate limit still applies)."""


class DasarStruktur(BaseModel):
    """The soft-404 baseline and the start page, read once for all struktur checks."""

    model_config = ConfigDict(frozen=True)

    pembanding: Pembanding
    awal: Halaman


@task(name="struktur.dasar", **OPSI_TUGAS)
async def amati_dasar(url: str) -> DasarStruktur:
    """How the target answers a random missing file and folder, and its start page."""
    async with KlienUji(url) as klien:
        pembanding = await ambil_pembanding(klien)
        awal = await klien.get(url)
    return DasarStruktur(pembanding=pembanding, awal=awal)


# --- shared -----------------------------------------------------------------------------------

async def ambil_semua(klien: KlienUji, daftar: Iterable[str]) -> list[Halaman | None]:
    """GET every URL, :data:`PARALEL` at a time. A probe the server cuts off (a WAF resetting
    the connection) gives None; a timeout or refused connection fails the check."""
    daftar = list(daftar)
    batas = asyncio.Semaphore(PARALEL)
    hasil: list[Halaman | None] = [None] * len(daftar)

    async def satu(i: int, url: str) -> None:
        async with batas:
            try:
                hasil[i] = await klien.get(url)
            except (httpx.RemoteProtocolError, httpx.ReadError):
                hasil[i] = None

    try:
        async with asyncio.TaskGroup() as grup:
            for i, url in enumerate(daftar):
                grup.create_task(satu(i, url))
    except BaseExceptionGroup as grup_galat:  # the first failure is the check's reason
        galat = grup_galat.exceptions[0]
        while isinstance(galat, BaseExceptionGroup):
            galat = galat.exceptions[0]
        raise galat from None
    if daftar and all(h is None for h in hasil):
        raise TidakDapatDiuji("server memutus setiap permintaan uji")
    return hasil


def _judul(teks: str, hapus: Iterable[str]) -> str:
    m = re.search(r"<title[^>]*>(.*?)</title>", teks[:5000], re.I | re.S)
    judul = m.group(1) if m else ""
    for bagian in sorted(hapus, key=len, reverse=True):
        judul = judul.replace(bagian, "")
    return " ".join(judul.split()).lower()


def _penggal_path(path: str, token: str = "") -> list[str]:
    return [path, token, *(b for b in re.split(r"[/?&=]", path) if len(b) >= 3)]


def tidak_ada(h: Halaman, pembanding: Pembanding) -> bool:
    """The target's answer for a missing path? The shared similarity rule, refined: a page
    that looks like the not-found page but has a title of its own (the path removed from
    both titles) is a real page with the site's layout, not a soft 404."""
    if not pembanding.mirip_tidak_ada(h):
        return False
    judul = _judul(h.text, _penggal_path(h.path))
    dasar = {_judul(d.text, _penggal_path(d.path, pembanding.token))
             for d in (pembanding.berkas, pembanding.folder) if d.status == h.status}
    return not judul or judul in dasar


def _ada(h: Halaman | None, pembanding: Pembanding, status: Iterable[int] = (200,)) -> bool:
    return h is not None and h.status in tuple(status) and not tidak_ada(h, pembanding)


def _url_probe(url: str, path: Iterable[str]) -> list[str]:
    path = list(path)
    return list(dict.fromkeys(urljoin(dasar, p) for dasar in dasar_probe(url) for p in path))


def _ukuran(h: Halaman) -> str:
    panjang = h.header("content-length")
    n = int(panjang) if panjang and panjang.isdigit() else len(h.text.encode("utf-8", "replace"))
    return f"{n} bita" if n < 10_000 else f"{n / 1024:.0f} KB"


# --- struktur.vcs_terbuka ---------------------------------------------------------------------

@pemeriksa("struktur.vcs_terbuka")
async def cek_vcs_terbuka(target: TargetUji, dasar: DasarStruktur) -> list[Bukti]:
    url = target.url
    bukti = []
    async with KlienUji(url) as klien:
        daftar = _url_probe(url, VCS)
        for alamat, h in zip(daftar, await ambil_semua(klien, daftar), strict=True):
            cocok = VCS[next(p for p in VCS if alamat.endswith(p))]
            if _ada(h, dasar.pembanding) and cocok(h.text):
                isi = "SQLite" if alamat.endswith("wc.db") else h.text.strip().splitlines()[0]
                bukti.append(f"{h.ringkas()}, isi: {kutip(isi, 60)!r}")
    return bukti_gabung(bukti)


# --- struktur.env_terbuka ---------------------------------------------------------------------

BERKAS_KONFIGURASI = (
    ".env", ".env.local", ".env.production", ".env.prod", ".env.backup", ".env.bak", ".env.old",
    "config.json", "appsettings.json", "config.yml", ".htpasswd",
)
@pemeriksa("struktur.env_terbuka")
async def cek_env_terbuka(target: TargetUji, dasar: DasarStruktur) -> list[Bukti]:
    url = target.url
    bukti = []
    async with KlienUji(url) as klien:
        daftar = _url_probe(url, BERKAS_KONFIGURASI)
        for alamat, h in zip(daftar, await ambil_semua(klien, daftar), strict=True):
            if not _ada(h, dasar.pembanding):
                continue
            rahasia = rahasia_konfigurasi(alamat.rsplit("/", 1)[-1], h.text)
            if rahasia:
                apa, kunci = rahasia
                bukti.append(f"{h.ringkas()}, {apa}: {', '.join(kunci[:8])} "
                             "(nilai tidak disimpan)")
    return bukti_gabung(bukti)


# --- struktur.listing_direktori ---------------------------------------------------------------

_LISTING = re.compile(
    r"<title>\s*Index of /|<h1>\s*Index of /|Directory listing for /|\[To Parent Directory\]"
    r"|<title>\s*Directory Listing For",
    re.I,
)
_FOLDER_UMUM = ("uploads/", "upload/", "files/", "images/", "assets/", "backup/")
MAKS_FOLDER = 8


def _folder_dari_tautan(klien: KlienUji, halaman: Halaman) -> list[str]:
    folder: list[str] = []
    for tautan in urai(halaman.text).tautan:
        url = klien.absolut(tautan, halaman.url)
        if not klien.dalam_cakupan(url):
            continue
        path = urlsplit(url).path
        bagian = [b for b in path.split("/")[:-1] if b]
        for i in range(1, len(bagian) + 1):
            folder.append("/" + "/".join(bagian[:i]) + "/")
    return list(dict.fromkeys(folder))


@pemeriksa("struktur.listing_direktori")
async def cek_listing_direktori(target: TargetUji, dasar: DasarStruktur) -> list[Bukti]:
    url = target.url
    pembanding = dasar.pembanding
    if _LISTING.search(pembanding.folder.text) or _LISTING.search(pembanding.berkas.text):
        raise TidakDapatDiuji("halaman 'tidak ditemukan' situs ini sendiri menyerupai daftar "
                              "isi folder")
    bukti = []
    async with KlienUji(url) as klien:
        calon = [klien.absolut(f) for f in _folder_dari_tautan(klien, dasar.awal)]
        calon += [urljoin(awal_aplikasi(url), f) for f in _FOLDER_UMUM]
        daftar = list(dict.fromkeys(calon))[:MAKS_FOLDER]
        for h in await ambil_semua(klien, daftar):
            if _ada(h, pembanding) and _LISTING.search(h.text):
                berkas = len(re.findall(r"<a\s+href=", h.text, re.I))
                bukti.append(f"{h.ringkas()}: daftar isi folder ({berkas} tautan)")
    return bukti_gabung(bukti)


# --- struktur.berkas_cadangan -----------------------------------------------------------------

_SKRIP = re.compile(r"\.(?:php\d?|phtml|asp|aspx|jsp|cfm|cgi|pl)$", re.I)
SKRIP_BAWAAN = ("index.php", "config.php")
VARIAN_CADANGAN = ("{}.bak", "{}~", "{}.old", ".{}.swp")
ARSIP_CADANGAN = ("backup.zip", "backup.tar.gz", "backup.sql", "database.sql", "www.zip",
                  "site.zip")
EKSTENSI_ARSIP_SITUS = (".zip", ".tar.gz", ".sql")
MAKS_SKRIP = 2
MAKS_PROBE_CADANGAN = 30
_PENGURAI_DOMAIN = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
"""The Public Suffix List snapshot shipped with tldextract: no network, no cache files."""
def nama_situs(url: str) -> list[str]:
    """Names an archive of the site is likely called: the host's first label and the
    registrable name (``perizinan``, ``babelprov``) and the application's folder."""
    host = (urlsplit(url).hostname or "").lower()
    nama: list[str] = []
    if host and not re.fullmatch(r"[\d.]+|[\da-f:]+", host):
        label = host.split(".")[0]
        if label != "www":
            nama.append(label)
        domain = _PENGURAI_DOMAIN(host).domain
        if domain:
            nama.append(domain)
    folder = [b for b in urlsplit(url).path.split("/") if b]
    if folder and "." not in folder[0]:
        nama.append(folder[0])
    return list(dict.fromkeys(n for n in nama if re.fullmatch(r"[\w\-]{2,40}", n)))[:3]


def _path_cadangan(url: str, awal: Halaman) -> list[str]:
    """Absolute URLs of the backup probes, the curated list bounded by
    :data:`MAKS_PROBE_CADANGAN`."""
    skrip: list[str] = []
    for tautan in [awal.url, *urai(awal.text).tautan]:
        alamat = urljoin(awal.url, tautan)
        bagian = urlsplit(alamat)
        if (bagian.scheme, bagian.netloc) == urlsplit(url)[:2] and _SKRIP.search(bagian.path):
            skrip.append(bagian.path)
    skrip = list(dict.fromkeys(skrip))[:MAKS_SKRIP] or \
        [urlsplit(urljoin(awal_aplikasi(url), s)).path for s in SKRIP_BAWAAN]
    daftar = []
    for path in skrip:
        folder, _, nama = path.rpartition("/")
        daftar += [urljoin(url, f"{folder}/{v.format(nama)}") for v in VARIAN_CADANGAN]
    arsip = list(ARSIP_CADANGAN) + [n + e for n in nama_situs(url) for e in EKSTENSI_ARSIP_SITUS]
    daftar += _url_probe(url, arsip)
    return list(dict.fromkeys(daftar))[:MAKS_PROBE_CADANGAN]


@pemeriksa("struktur.berkas_cadangan")
async def cek_berkas_cadangan(target: TargetUji, dasar: DasarStruktur) -> list[Bukti]:
    url = target.url
    bukti = []
    async with KlienUji(url) as klien:
        for h in await ambil_semua(klien, _path_cadangan(url, dasar.awal)):
            if _ada(h, dasar.pembanding):
                jenis = jenis_cadangan(h.text)
                if jenis:
                    bukti.append(f"{h.ringkas()} ({jenis}, {_ukuran(h)}; isi tidak disimpan)")
    return bukti_gabung(bukti)


# --- struktur.halaman_diagnostik --------------------------------------------------------------

HALAMAN_DIAGNOSTIK = ("phpinfo.php", "info.php", "test.php", "i.php", "php_info.php")
@pemeriksa("struktur.halaman_diagnostik")
async def cek_halaman_diagnostik(target: TargetUji, dasar: DasarStruktur) -> list[Bukti]:
    url = target.url
    bukti = []
    async with KlienUji(url) as klien:
        for h in await ambil_semua(klien, _url_probe(url, HALAMAN_DIAGNOSTIK)):
            if not _ada(h, dasar.pembanding):
                continue
            if PHPINFO.search(h.text):
                versi = re.search(r"PHP Version ([\d.]+)", h.text)
                bukti.append(f"{h.ringkas()}: keluaran phpinfo()"
                             + (f" (PHP {versi.group(1)})" if versi else ""))
            elif HALAMAN_UJI.search(h.text):
                bukti.append(f"{h.ringkas()}: halaman uji bawaan web server")
    return bukti_gabung(bukti)


# --- struktur.panel_admin ---------------------------------------------------------------------

PANEL_ADMIN: dict[str, str] = {
    "phpmyadmin/": "phpMyAdmin", "pma/": "phpMyAdmin", "adminer.php": "Adminer",
    "adminer/": "Adminer", "server-status": "status Apache", "server-info": "info Apache",
    "manager/html": "Tomcat Manager",
}
@pemeriksa("struktur.panel_admin")
async def cek_panel_admin(target: TargetUji, dasar: DasarStruktur) -> list[Bukti]:
    url = target.url
    bukti = []
    akar = urljoin(url, "/")
    async with KlienUji(url) as klien:
        daftar = [urljoin(akar, p) for p in PANEL_ADMIN]
        for path, h in zip(PANEL_ADMIN, await ambil_semua(klien, daftar), strict=True):
            jenis = PANEL_ADMIN[path]
            if _ada(h, dasar.pembanding, (200, 401)) and panel_dikenali(jenis, h):
                login = " (halaman login)" if h.status == 401 or any(
                    f.ada_sandi for f in urai(h.text).formulir) else ""
                bukti.append(f"{h.ringkas()}: {jenis}{login}")
    return bukti_gabung(bukti)


# --- struktur.manifest_dependensi -------------------------------------------------------------

MANIFEST = ("composer.json", "composer.lock", "package.json", "package-lock.json", "yarn.lock",
            "requirements.txt", "Gemfile.lock", "pom.xml")
@pemeriksa("struktur.manifest_dependensi")
async def cek_manifest_dependensi(target: TargetUji, dasar: DasarStruktur) -> list[Bukti]:
    url = target.url
    bukti = []
    async with KlienUji(url) as klien:
        daftar = _url_probe(url, MANIFEST)
        for alamat, h in zip(daftar, await ambil_semua(klien, daftar), strict=True):
            if not _ada(h, dasar.pembanding):
                continue
            paket = paket_manifest(alamat.rsplit("/", 1)[-1], h.text)
            if paket is not None:
                contoh = f" (mis. {', '.join(paket[:3])})" if paket else ""
                bukti.append(f"{h.ringkas()}: {len(paket)} paket{contoh}")
    return bukti_gabung(bukti)


# --- struktur.robots_tersembunyi --------------------------------------------------------------

MAKS_PATH_TERSEMBUNYI = 5
@pemeriksa("struktur.robots_tersembunyi")
async def cek_robots_tersembunyi(target: TargetUji, dasar: DasarStruktur) -> list[Bukti]:
    url = target.url
    akar = urljoin(url, "/")
    async with KlienUji(url) as klien:
        robots, sitemap = await ambil_semua(klien, [urljoin(akar, "robots.txt"),
                                                    urljoin(akar, "sitemap.xml")])
        calon: dict[str, str] = {}
        isi_robots = baca_robots(robots.text) if robots and robots.status == 200 else None
        peta = [sitemap] if sitemap and sitemap.status == 200 else []
        if isi_robots:
            for path in isi_robots[0]:
                calon.setdefault(urlsplit(urljoin(akar, path)).path, f"robots.txt {path}")
            lain = [s for s in isi_robots[1] if klien.dalam_cakupan(s)
                    and urlsplit(s).path != "/sitemap.xml"][:1]
            peta += [h for h in await ambil_semua(klien, lain) if h and h.status == 200]
        for h in peta:
            for loc in baca_sitemap(h.text) or []:
                if klien.dalam_cakupan(loc):
                    calon.setdefault(urlsplit(loc).path, f"sitemap {urlsplit(h.url).path}")
        tertaut = {urlsplit(klien.absolut(t, dasar.awal.url)).path
                   for t in urai(dasar.awal.text).tautan}
        tertaut |= {"/", urlsplit(url).path}
        pilihan = [p for p in calon if p not in tertaut and path_sensitif(p)]
        pilihan = pilihan[:MAKS_PATH_TERSEMBUNYI]
        bukti = []
        for path, h in zip(pilihan, await ambil_semua(klien, [urljoin(akar, p) for p in pilihan]),
                           strict=True):
            if _ada(h, dasar.pembanding, (200, 401, 403)):
                bukti.append(f"{calon[path]} -> GET {path} -> {h.status}")
    return bukti_gabung(bukti)


PEMERIKSA = (cek_vcs_terbuka, cek_env_terbuka, cek_listing_direktori, cek_berkas_cadangan,
             cek_halaman_diagnostik, cek_panel_admin, cek_manifest_dependensi,
             cek_robots_tersembunyi)
"""The probes of this category, each a task named after its check id."""

PENGAMAT = {"dasar_struktur": Pengamat("pembanding soft-404", amati_dasar, url_target)}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
