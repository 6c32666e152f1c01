"""berkas: what the struktur checks request and what they recorded, as plain data.

The struktur checks (exposed files and folders) start from :class:`DasarStruktur`: how the
target answers paths that do not exist (:class:`domain.kelaikan.pembanding.Pembanding`) and
its start page. From it, :func:`rencana_berkas` plans every path the seven file checks ask
for (about 60 requests for a site at ``/``, a short curated list, never a dictionary
attack), and ``tasks/kelaikan/struktur.py`` records each answer, or why none came, in one
:class:`ObservasiBerkas`. The robots.txt/sitemap check plans in stages
(:func:`rencana_robots`, :func:`peta_dari_robots`, :func:`calon_tersembunyi`) and is
recorded as :class:`ObservasiRobots`. The judges (``domain/kelaikan/nilai_struktur.py``)
read these only; a path is there only when :func:`ada` says so (never a "soft 404").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict

from domain.identitas import ekstraktor_domain
from domain.kelaikan.cek import TidakDapatDiuji
from domain.kelaikan.halaman import Halaman, urai
from domain.kelaikan.masukan import origin
from domain.kelaikan.pembanding import Pembanding
from domain.kelaikan.struktur import (
    VCS,
    baca_robots,
    baca_sitemap,
    daftar_isi_folder,
    path_sensitif,
)


class DasarStruktur(BaseModel):
    """The soft-404 baseline and the start page, read once for all struktur checks."""

    model_config = ConfigDict(frozen=True)

    pembanding: Pembanding
    awal: Halaman


# --- the soft-404 rule ------------------------------------------------------------------------

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


def ada(h: Halaman | None, pembanding: Pembanding, status: Iterable[int] = (200,)) -> bool:
    """An answer with one of ``status`` that is not the target's answer for a missing path."""
    return h is not None and h.status in tuple(status) and not tidak_ada(h, pembanding)


def listing_seperti_404(pembanding: Pembanding) -> bool:
    """The site's own not-found page looks like a folder listing: listings cannot be told."""
    return daftar_isi_folder(pembanding.folder.text) or daftar_isi_folder(pembanding.berkas.text)


# --- what was asked and what came back --------------------------------------------------------

class Jawaban(BaseModel):
    """Answers by requested URL: the response, None when the server cut the connection (a
    WAF resetting it), or in :attr:`gagal` why no answer came (timeout, refused)."""

    model_config = ConfigDict(frozen=True)

    halaman: dict[str, Halaman | None] = {}
    gagal: dict[str, str] = {}

    def jawaban(self, daftar: list[str]) -> list[Halaman | None]:
        """The answers to ``daftar``, in order. A URL that got no answer makes the check
        that needed it not tested (its reason), as does a server that cut every one off."""
        for url in daftar:
            if url in self.gagal:
                raise TidakDapatDiuji(self.gagal[url])
        hasil = [self.halaman[url] for url in daftar]
        if hasil and all(h is None for h in hasil):
            raise TidakDapatDiuji("server memutus setiap permintaan uji")
        return hasil


Kelompok = Literal["vcs", "konfigurasi", "listing", "cadangan", "diagnostik", "panel",
                   "manifest"]
"""The file checks' groups of requests, one per check."""


class ObservasiBerkas(Jawaban):
    """Every request the seven file checks planned (:func:`rencana_berkas`) and its answer."""

    pembanding: Pembanding
    rencana: dict[Kelompok, list[str]]
    """The URLs each group asked for, in order (a URL shared by two groups is sent once)."""


class ObservasiRobots(Jawaban):
    """robots.txt and the sitemaps read, and the hidden paths they named that were asked."""

    pembanding: Pembanding
    robots: list[str]
    """``/robots.txt`` and ``/sitemap.xml``."""
    peta: list[str] = []
    """A further in-scope sitemap named in robots.txt."""
    tersembunyi: dict[str, str] = {}
    """Each requested hidden path's URL and where it was named (``robots.txt /admin/``)."""


# --- what to request --------------------------------------------------------------------------

BERKAS_KONFIGURASI = (
    ".env", ".env.local", ".env.production", ".env.prod", ".env.backup", ".env.bak", ".env.old",
    "config.json", "appsettings.json", "config.yml", ".htpasswd",
)
FOLDER_UMUM = ("uploads/", "upload/", "files/", "images/", "assets/", "backup/")
MAKS_FOLDER = 8
SKRIP = re.compile(r"\.(?:php\d?|phtml|asp|aspx|jsp|cfm|cgi|pl)$", re.I)
SKRIP_BAWAAN = ("index.php", "config.php")
VARIAN_CADANGAN = ("{}.bak", "{}~", "{}.old", ".{}.swp")
ARSIP_CADANGAN = ("backup.zip", "backup.tar.gz", "backup.sql", "database.sql", "www.zip",
                  "site.zip")
EKSTENSI_ARSIP_SITUS = (".zip", ".tar.gz", ".sql")
MAKS_SKRIP = 2
MAKS_PROBE_CADANGAN = 30
HALAMAN_DIAGNOSTIK = ("phpinfo.php", "info.php", "test.php", "i.php", "php_info.php")
PANEL_ADMIN: dict[str, str] = {
    "phpmyadmin/": "phpMyAdmin", "pma/": "phpMyAdmin", "adminer.php": "Adminer",
    "adminer/": "Adminer", "server-status": "status Apache", "server-info": "info Apache",
    "manager/html": "Tomcat Manager",
}
"""Admin panels asked at the site root, and what each is."""
MANIFEST = ("composer.json", "composer.lock", "package.json", "package-lock.json", "yarn.lock",
            "requirements.txt", "Gemfile.lock", "pom.xml")
MAKS_PATH_TERSEMBUNYI = 5


def url_probe(url: str, path: Iterable[str]) -> list[str]:
    """Each file at the site root, and in the application's folder when it is deeper."""
    dasar = list(dict.fromkeys([urljoin(url, "/"), urljoin(url, ".")]))
    path = list(path)
    return list(dict.fromkeys(urljoin(d, p) for d in dasar for p in path))


def _dalam_cakupan(url: str, alamat: str) -> bool:
    return origin(alamat) == origin(url)


def folder_dari_tautan(url: str, halaman: Halaman) -> list[str]:
    """Every in-scope folder (and its parents) the page's links lie in, as absolute URLs."""
    folder: list[str] = []
    for tautan in urai(halaman.text).tautan:
        alamat = urljoin(halaman.url, tautan)
        if not _dalam_cakupan(url, alamat):
            continue
        bagian = [b for b in urlsplit(alamat).path.split("/")[:-1] if b]
        for i in range(1, len(bagian) + 1):
            folder.append(urljoin(url, "/" + "/".join(bagian[:i]) + "/"))
    return list(dict.fromkeys(folder))


def nama_situs(url: str) -> list[str]:
    """Names an archive of the site is likely called: the host's first label and the
    registrable name (``perizinan``, ``babelprov``) and the application's folder."""
    host = (urlsplit(url).hostname or "").lower()
    nama: list[str] = []
    if host and not re.fullmatch(r"[\d.]+|[\da-f:]+", host):
        label = host.split(".")[0]
        if label != "www":
            nama.append(label)
        domain = ekstraktor_domain()(host).domain  # offline, imported on first use
        if domain:
            nama.append(domain)
    folder = [b for b in urlsplit(url).path.split("/") if b]
    if folder and "." not in folder[0]:
        nama.append(folder[0])
    return list(dict.fromkeys(n for n in nama if re.fullmatch(r"[\w\-]{2,40}", n)))[:3]


def url_cadangan(url: str, awal: Halaman) -> list[str]:
    """The backup probes: variants of the scripts the start page names (or index.php and
    config.php) and archives, bounded by :data:`MAKS_PROBE_CADANGAN`."""
    skrip: list[str] = []
    for tautan in [awal.url, *urai(awal.text).tautan]:
        bagian = urlsplit(urljoin(awal.url, tautan))
        if (bagian.scheme, bagian.netloc) == urlsplit(url)[:2] and SKRIP.search(bagian.path):
            skrip.append(bagian.path)
    skrip = list(dict.fromkeys(skrip))[:MAKS_SKRIP] or \
        [urlsplit(urljoin(url, s)).path for s in SKRIP_BAWAAN]
    daftar = []
    for path in skrip:
        folder, _, nama = path.rpartition("/")
        daftar += [urljoin(url, f"{folder}/{v.format(nama)}") for v in VARIAN_CADANGAN]
    arsip = list(ARSIP_CADANGAN) + [n + e for n in nama_situs(url) for e in EKSTENSI_ARSIP_SITUS]
    daftar += url_probe(url, arsip)
    return list(dict.fromkeys(daftar))[:MAKS_PROBE_CADANGAN]


def rencana_berkas(url: str, dasar: DasarStruktur) -> dict[Kelompok, list[str]]:
    """Every URL the file checks ask for, by check. Listings are not asked for when the
    site's own not-found page looks like one (that check cannot tell)."""
    folder = [*folder_dari_tautan(url, dasar.awal), *(urljoin(url, f) for f in FOLDER_UMUM)]
    akar = urljoin(url, "/")
    return {
        "vcs": url_probe(url, VCS),
        "konfigurasi": url_probe(url, BERKAS_KONFIGURASI),
        "listing": [] if listing_seperti_404(dasar.pembanding)
        else list(dict.fromkeys(folder))[:MAKS_FOLDER],
        "cadangan": url_cadangan(url, dasar.awal),
        "diagnostik": url_probe(url, HALAMAN_DIAGNOSTIK),
        "panel": [urljoin(akar, p) for p in PANEL_ADMIN],
        "manifest": url_probe(url, MANIFEST),
    }


def rencana_robots(url: str) -> list[str]:
    akar = urljoin(url, "/")
    return [urljoin(akar, "robots.txt"), urljoin(akar, "sitemap.xml")]


def _robots(robots: Halaman | None) -> tuple[list[str], list[str]] | None:
    return baca_robots(robots.text) if robots and robots.status == 200 else None


def peta_dari_robots(url: str, robots: Halaman | None) -> list[str]:
    """The one further in-scope sitemap robots.txt names, to read too."""
    isi = _robots(robots)
    return [s for s in isi[1] if _dalam_cakupan(url, s)
            and urlsplit(s).path != "/sitemap.xml"][:1] if isi else []


def calon_tersembunyi(url: str, awal: Halaman, robots: Halaman | None,
                      peta: Iterable[Halaman | None]) -> dict[str, str]:
    """The paths robots.txt and the sitemaps name that the start page does not link and whose
    name is sensitive (at most :data:`MAKS_PATH_TERSEMBUNYI`): URL -> where it was named."""
    akar = urljoin(url, "/")
    calon: dict[str, str] = {}
    isi = _robots(robots)
    for path in isi[0] if isi else []:
        calon.setdefault(urlsplit(urljoin(akar, path)).path, f"robots.txt {path}")
    for h in peta:
        for loc in (baca_sitemap(h.text) or []) if h and h.status == 200 else []:
            if _dalam_cakupan(url, loc):
                calon.setdefault(urlsplit(loc).path, f"sitemap {urlsplit(h.url).path}")
    tertaut = {urlsplit(urljoin(awal.url, t)).path for t in urai(awal.text).tautan}
    tertaut |= {"/", urlsplit(url).path}
    pilihan = [p for p in calon if p not in tertaut and path_sensitif(p)]
    return {urljoin(akar, p): calon[p] for p in pilihan[:MAKS_PATH_TERSEMBUNYI]}
