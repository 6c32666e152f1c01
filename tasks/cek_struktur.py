"""struktur: the folder/file-structure checks of the feasibility test, each a Prefect task.

:func:`amati_dasar` asks once how the target answers paths that do not exist (a random file
and folder, :class:`tasks.kelaikan_http.Pembanding`) and reads the start page; every check
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
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import tldextract
import yaml
from prefect import task
from pydantic import BaseModel, ConfigDict

from domain.kelaikan import CEK, Temuan
from tasks.kelaikan_cek import TidakDapatDiuji, _awal, _dasar_probe, _kutip, _opsi_tugas
from tasks.kelaikan_http import Halaman, KlienUji, Pembanding, ambil_pembanding, urai

PARALEL = 4
"""Probes of one check in flight at once (the per-target rate limit still applies)."""


class DasarStruktur(BaseModel):
    """The soft-404 baseline and the start page, read once for all struktur checks."""

    model_config = ConfigDict(frozen=True)

    pembanding: Pembanding
    awal: Halaman


@task(name="struktur.dasar", **_opsi_tugas)
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


def _tampak_html(teks: str) -> bool:
    kepala = teks[:2000].lower()
    return "<html" in kepala or "<!doctype html" in kepala or "<body" in kepala


def _url_probe(url: str, path: Iterable[str]) -> list[str]:
    path = list(path)
    return list(dict.fromkeys(urljoin(dasar, p) for dasar in _dasar_probe(url) for p in path))


def _ukuran(h: Halaman) -> str:
    panjang = h.header("content-length")
    n = int(panjang) if panjang and panjang.isdigit() else len(h.text.encode("utf-8", "replace"))
    return f"{n} bita" if n < 10_000 else f"{n / 1024:.0f} KB"


def _temuan(cek_id: str, bukti: list[str], **kwargs: Any) -> list[Temuan]:
    bukti = list(dict.fromkeys(bukti))
    return [CEK[cek_id].temuan("; ".join(bukti), **kwargs)] if bukti else []


# --- struktur.vcs_terbuka ---------------------------------------------------------------------

def _git_head(teks: str) -> bool:
    return bool(re.fullmatch(r"\s*(ref: refs/[\w./\-]+|[0-9a-f]{40}|[0-9a-f]{64})\s*", teks))


def _svn_wc(teks: str) -> bool:
    return teks.startswith("SQLite format 3")


def _hg_requires(teks: str) -> bool:
    baris = [b.strip() for b in teks.splitlines() if b.strip()]
    dikenal = {"revlogv1", "store", "fncache", "dotencode", "generaldelta", "sparserevlog",
               "share-safe", "persistent-nodemap", "revlog-compression-zstd"}
    return bool(baris) and all(re.fullmatch(r"[a-z0-9\-]+", b) for b in baris) and \
        bool(dikenal & set(baris))


_VCS: dict[str, Callable[[str], bool]] = {
    ".git/HEAD": _git_head, ".svn/wc.db": _svn_wc, ".hg/requires": _hg_requires,
}


@task(name="struktur.vcs_terbuka", **_opsi_tugas)
async def cek_vcs_terbuka(url: str, dasar: DasarStruktur) -> list[Temuan]:
    bukti = []
    async with KlienUji(url) as klien:
        daftar = _url_probe(url, _VCS)
        for alamat, h in zip(daftar, await ambil_semua(klien, daftar), strict=True):
            cocok = _VCS[next(p for p in _VCS if alamat.endswith(p))]
            if _ada(h, dasar.pembanding) and cocok(h.text):
                isi = "SQLite" if alamat.endswith("wc.db") else h.text.strip().splitlines()[0]
                bukti.append(f"{h.ringkas()}, isi: {_kutip(isi, 60)!r}")
    return _temuan("struktur.vcs_terbuka", bukti)


# --- struktur.env_terbuka ---------------------------------------------------------------------

BERKAS_KONFIGURASI = (
    ".env", ".env.local", ".env.production", ".env.prod", ".env.backup", ".env.bak", ".env.old",
    "config.json", "appsettings.json", "config.yml", ".htpasswd",
)
_BARIS_ENV = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")
_KUNCI_RAHASIA = re.compile(r"PASS|PWD|SECRET|KEY|TOKEN|CREDENTIAL|PRIVATE", re.I)
_NILAI_KOSONG = {"", '""', "''", "null", "none", "changeme", "secret", "xxx", "true", "false"}
_STRING_KONEKSI = re.compile(r"(?:password|pwd)\s*=\s*[^;\s'\"]+", re.I)
_HASH_SANDI = re.compile(r"^[^:\s]+:(\$(?:apr1|2[abxy]?|5|6)\$\S+|\{SHA\}\S+|[./0-9A-Za-z]{13})$")
MAKS_SIMPUL = 5000


def kunci_rahasia_env(teks: str) -> list[str] | None:
    """Secret-looking keys with a value, when ``teks`` is an env file; else None."""
    if _tampak_html(teks):
        return None
    baris = [b.strip() for b in teks.splitlines() if b.strip() and not b.strip().startswith("#")]
    cocok = [m for m in (_BARIS_ENV.match(b) for b in baris) if m]
    if len(cocok) < 2 or len(cocok) < 0.7 * len(baris):
        return None
    return [m.group(1) for m in cocok
            if _KUNCI_RAHASIA.search(m.group(1))
            and m.group(2).strip().lower() not in _NILAI_KOSONG]


def _telusuri(data: object, awalan: str = "") -> Iterator[tuple[str, object]]:
    """(dotted key, scalar value) of nested dicts/lists, at most :data:`MAKS_SIMPUL` nodes
    (a YAML alias bomb stays cheap)."""
    tumpukan: list[tuple[str, object]] = [(awalan, data)]
    simpul = 0
    while tumpukan and simpul < MAKS_SIMPUL:
        kunci, nilai = tumpukan.pop()
        simpul += 1
        if isinstance(nilai, dict):
            tumpukan += [(f"{kunci}.{k}" if kunci else str(k), v) for k, v in nilai.items()]
        elif isinstance(nilai, list):
            tumpukan += [(kunci, v) for v in nilai[:200]]
        else:
            yield kunci, nilai


def kunci_rahasia_terstruktur(teks: str, jenis: str) -> list[str] | None:
    """Secret-looking keys with a value in a JSON or YAML config; None when not a config."""
    if _tampak_html(teks):
        return None
    try:
        data = json.loads(teks) if jenis == "json" else yaml.safe_load(teks)
    except (ValueError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    hasil = []
    for kunci, nilai in _telusuri(data):
        if not isinstance(nilai, str | int) or isinstance(nilai, bool):
            continue
        teks_nilai = str(nilai).strip()
        nama = kunci.rsplit(".", 1)[-1]
        if (_KUNCI_RAHASIA.search(nama) and teks_nilai.lower() not in _NILAI_KOSONG) or \
                _STRING_KONEKSI.search(teks_nilai):
            hasil.append(kunci)
    return sorted(set(hasil))


def rahasia_konfigurasi(nama_berkas: str, teks: str) -> tuple[str, list[str]] | None:
    """(what, secret-looking key names) when ``teks`` is a config file carrying secrets."""
    if nama_berkas == ".htpasswd":
        akun = [b for b in teks.splitlines() if _HASH_SANDI.match(b.strip())]
        return ("hash kata sandi", [f"{len(akun)} akun"]) if akun else None
    if nama_berkas.endswith(".json"):
        kunci = kunci_rahasia_terstruktur(teks, "json")
    elif nama_berkas.endswith((".yml", ".yaml")):
        kunci = kunci_rahasia_terstruktur(teks, "yaml")
    else:
        kunci = kunci_rahasia_env(teks)
    return ("kunci rahasia berisi nilai", kunci) if kunci else None


@task(name="struktur.env_terbuka", **_opsi_tugas)
async def cek_env_terbuka(url: str, dasar: DasarStruktur) -> list[Temuan]:
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
    return _temuan("struktur.env_terbuka", bukti)


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


@task(name="struktur.listing_direktori", **_opsi_tugas)
async def cek_listing_direktori(url: str, dasar: DasarStruktur) -> list[Temuan]:
    pembanding = dasar.pembanding
    if _LISTING.search(pembanding.folder.text) or _LISTING.search(pembanding.berkas.text):
        raise TidakDapatDiuji("halaman 'tidak ditemukan' situs ini sendiri menyerupai daftar "
                              "isi folder")
    bukti = []
    async with KlienUji(url) as klien:
        calon = [klien.absolut(f) for f in _folder_dari_tautan(klien, dasar.awal)]
        calon += [urljoin(_awal(url), f) for f in _FOLDER_UMUM]
        daftar = list(dict.fromkeys(calon))[:MAKS_FOLDER]
        for h in await ambil_semua(klien, daftar):
            if _ada(h, pembanding) and _LISTING.search(h.text):
                berkas = len(re.findall(r"<a\s+href=", h.text, re.I))
                bukti.append(f"{h.ringkas()}: daftar isi folder ({berkas} tautan)")
    return _temuan("struktur.listing_direktori", bukti)


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
_DUMP = re.compile(r"^-- (?:MySQL dump|MariaDB dump|PostgreSQL database dump|phpMyAdmin SQL "
                   r"Dump|Dumping data)|^\s*CREATE TABLE\b|^\s*INSERT INTO\b", re.I | re.M)
_KODE = re.compile(r"\s*(?:<\?php\b|<\?=|<%@|<%=?\s|#!/)", re.I)


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
        [urlsplit(urljoin(_awal(url), s)).path for s in SKRIP_BAWAAN]
    daftar = []
    for path in skrip:
        folder, _, nama = path.rpartition("/")
        daftar += [urljoin(url, f"{folder}/{v.format(nama)}") for v in VARIAN_CADANGAN]
    arsip = list(ARSIP_CADANGAN) + [n + e for n in nama_situs(url) for e in EKSTENSI_ARSIP_SITUS]
    daftar += _url_probe(url, arsip)
    return list(dict.fromkeys(daftar))[:MAKS_PROBE_CADANGAN]


def jenis_cadangan(teks: str) -> str | None:
    """What a backup probe returned, when it is recognisably a backup; else None."""
    if teks.startswith("PK\x03\x04"):
        return "arsip ZIP"
    if teks.startswith(("\x1f\ufffd\x08", "\x1f\x8b\x08")):
        return "arsip gzip"
    if teks.startswith("Rar!\x1a\x07"):
        return "arsip RAR"
    if teks.startswith("7z") and teks[2:6].endswith("'\x1c"):
        return "arsip 7z"
    if teks[257:262] == "ustar":
        return "arsip tar"
    if teks.startswith("b0VIM"):
        return "berkas swap vim"
    if _KODE.match(teks):
        return "kode sumber"
    if not _tampak_html(teks) and _DUMP.search(teks[:20_000]):
        return "dump SQL"
    return None


@task(name="struktur.berkas_cadangan", **_opsi_tugas)
async def cek_berkas_cadangan(url: str, dasar: DasarStruktur) -> list[Temuan]:
    bukti = []
    async with KlienUji(url) as klien:
        for h in await ambil_semua(klien, _path_cadangan(url, dasar.awal)):
            if _ada(h, dasar.pembanding):
                jenis = jenis_cadangan(h.text)
                if jenis:
                    bukti.append(f"{h.ringkas()} ({jenis}, {_ukuran(h)}; isi tidak disimpan)")
    return _temuan("struktur.berkas_cadangan", bukti)


# --- struktur.halaman_diagnostik --------------------------------------------------------------

HALAMAN_DIAGNOSTIK = ("phpinfo.php", "info.php", "test.php", "i.php", "php_info.php")
_PHPINFO = re.compile(r"<title>phpinfo\(\)</title>|>PHP Version [\d.]+<|<h2>PHP License</h2>",
                      re.I)
_HALAMAN_UJI = re.compile(
    r"Apache2 (?:Ubuntu|Debian) Default Page|Test Page for the (?:Apache|Nginx) HTTP Server"
    r"|<title>Welcome to nginx!</title>|<title>IIS Windows Server</title>|<h1>It works!</h1>",
    re.I,
)


@task(name="struktur.halaman_diagnostik", **_opsi_tugas)
async def cek_halaman_diagnostik(url: str, dasar: DasarStruktur) -> list[Temuan]:
    bukti = []
    async with KlienUji(url) as klien:
        for h in await ambil_semua(klien, _url_probe(url, HALAMAN_DIAGNOSTIK)):
            if not _ada(h, dasar.pembanding):
                continue
            if _PHPINFO.search(h.text):
                versi = re.search(r"PHP Version ([\d.]+)", h.text)
                bukti.append(f"{h.ringkas()}: keluaran phpinfo()"
                             + (f" (PHP {versi.group(1)})" if versi else ""))
            elif _HALAMAN_UJI.search(h.text):
                bukti.append(f"{h.ringkas()}: halaman uji bawaan web server")
    return _temuan("struktur.halaman_diagnostik", bukti)


# --- struktur.panel_admin ---------------------------------------------------------------------

PANEL_ADMIN: dict[str, str] = {
    "phpmyadmin/": "phpMyAdmin", "pma/": "phpMyAdmin", "adminer.php": "Adminer",
    "adminer/": "Adminer", "server-status": "status Apache", "server-info": "info Apache",
    "manager/html": "Tomcat Manager",
}
_TANDA_PANEL: dict[str, re.Pattern[str]] = {
    "phpMyAdmin": re.compile(r"<title>[^<]*phpMyAdmin|name=\"pma_username\"", re.I),
    "Adminer": re.compile(r"<title>[^<]*Adminer\b|name=\"auth\[driver\]\"|adminer\.org", re.I),
    "status Apache": re.compile(r"Apache Server Status for", re.I),
    "info Apache": re.compile(r"Apache Server Information", re.I),
    "Tomcat Manager": re.compile(r"Tomcat Web Application Manager", re.I),
}


def panel_dikenali(jenis: str, h: Halaman) -> bool:
    if jenis == "Tomcat Manager" and h.status == 401:
        return "tomcat manager" in (h.header("www-authenticate") or "").lower()
    return _TANDA_PANEL[jenis].search(h.text) is not None


@task(name="struktur.panel_admin", **_opsi_tugas)
async def cek_panel_admin(url: str, dasar: DasarStruktur) -> list[Temuan]:
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
    return _temuan("struktur.panel_admin", bukti)


# --- struktur.manifest_dependensi -------------------------------------------------------------

MANIFEST = ("composer.json", "composer.lock", "package.json", "package-lock.json", "yarn.lock",
            "requirements.txt", "Gemfile.lock", "pom.xml")
_BARIS_REQUIREMENTS = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._\-]*(?:\[[\w,\s\-]+\])?\s*(?:(==|>=|<=|~=|!=|>|<)\s*[\w.*+!\-]+"
    r"(?:\s*,\s*(?:==|>=|<=|~=|!=|>|<)\s*[\w.*+!\-]+)*)?\s*(?:;.*)?$"
)


def _json_dict(teks: str) -> dict[str, Any] | None:
    if _tampak_html(teks):
        return None
    try:
        data = json.loads(teks)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _paket_dari(peta: object) -> list[str]:
    return [f"{k} {v}" for k, v in peta.items() if isinstance(v, str)] \
        if isinstance(peta, dict) else []


def paket_manifest(nama: str, teks: str) -> list[str] | None:
    """``name version`` of the packages a dependency manifest lists; None when ``teks`` is not
    that manifest."""
    if nama in ("composer.json", "package.json"):
        data = _json_dict(teks)
        if data is None:
            return None
        kunci = ("require", "require-dev") if nama == "composer.json" else \
            ("dependencies", "devDependencies")
        if not any(k in data for k in kunci) and not (
                nama == "package.json" and "name" in data and "version" in data):
            return None
        return [p for k in kunci for p in _paket_dari(data.get(k))]
    if nama == "composer.lock":
        data = _json_dict(teks)
        if data is None or not isinstance(data.get("packages"), list):
            return None
        return [f"{p.get('name')} {p.get('version', '')}".strip()
                for k in ("packages", "packages-dev") for p in data.get(k) or []
                if isinstance(p, dict)]
    if nama == "package-lock.json":
        data = _json_dict(teks)
        if data is None or "lockfileVersion" not in data:
            return None
        paket = data.get("packages") or data.get("dependencies") or {}
        return [f"{k.rsplit('node_modules/', 1)[-1]} {v.get('version', '')}".strip()
                for k, v in paket.items() if k and isinstance(v, dict)]
    if _tampak_html(teks):
        return None
    if nama == "yarn.lock":
        entri = re.findall(r'^"?(@?[^@\s"][^@\s"]*)@[^\n]*:\n\s+version:? "?([\w.\-+]+)', teks,
                           re.M)
        if "yarn lockfile" not in teks[:300] and not entri:
            return None
        return [f"{n} {v}" for n, v in entri]
    if nama == "requirements.txt":
        baris = [b.strip() for b in teks.splitlines()
                 if b.strip() and not b.strip().startswith(("#", "-r ", "-e ", "--"))]
        cocok = [m for m in (_BARIS_REQUIREMENTS.match(b) for b in baris) if m]
        if not baris or not any(m.group(1) for m in cocok) or len(cocok) < 0.8 * len(baris):
            return None
        return [m.group(0).split(";")[0].replace(" ", "") for m in cocok]
    if nama == "Gemfile.lock":
        if not re.search(r"^GEM\s*$", teks, re.M) or "specs:" not in teks:
            return None
        return [f"{n} {v}" for n, v in re.findall(r"^ {4}([\w.\-]+) \(([\w.\-]+)\)$", teks, re.M)]
    if nama == "pom.xml":
        if "<project" not in teks or "<artifactId>" not in teks:
            return None
        return [f"{a} {v}" for a, v in re.findall(
            r"<artifactId>([^<]+)</artifactId>\s*<version>([^<]+)</version>", teks)]
    return None


@task(name="struktur.manifest_dependensi", **_opsi_tugas)
async def cek_manifest_dependensi(url: str, dasar: DasarStruktur) -> list[Temuan]:
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
    return _temuan("struktur.manifest_dependensi", bukti)


# --- struktur.robots_tersembunyi --------------------------------------------------------------

MAKS_PATH_TERSEMBUNYI = 5
KATA_SENSITIF = frozenset({
    "admin", "administrator", "adm", "backup", "backups", "bak", "cadangan", "old", "lama",
    "config", "conf", "konfigurasi", "private", "privat", "rahasia", "internal", "secret",
    "test", "tes", "testing", "uji", "coba", "ujicoba", "dev", "devel", "development",
    "staging", "debug", "db", "database", "sql", "dump", "log", "logs", "phpmyadmin",
    "adminer", "install", "installer", "setup", "tmp", "temp", "git", "svn", "env", "cpanel",
    "panel", "manager", "console", "swagger",
})
_BARIS_ROBOTS = re.compile(r"^\s*(user-agent|disallow|allow|sitemap)\s*:\s*(\S*)", re.I | re.M)


def path_sensitif(path: str) -> bool:
    return any(k in KATA_SENSITIF for k in re.split(r"[/_\-.]+", path.lower()) if k)


def baca_robots(teks: str) -> tuple[list[str], list[str]] | None:
    """(Allow/Disallow paths, Sitemap URLs) of a robots.txt; None when it is not one."""
    if _tampak_html(teks):
        return None
    baris = _BARIS_ROBOTS.findall(teks)
    if not baris:
        return None
    path = []
    for jenis, nilai in baris:
        if jenis.lower() in ("disallow", "allow") and nilai.startswith("/"):
            nilai = nilai.rstrip("$").removesuffix("*")
            if "*" not in nilai and nilai != "/":
                path.append(nilai)
    peta = [nilai for jenis, nilai in baris if jenis.lower() == "sitemap" and nilai]
    return list(dict.fromkeys(path)), peta


def baca_sitemap(teks: str) -> list[str] | None:
    if "<urlset" not in teks[:2000] and "<sitemapindex" not in teks[:2000]:
        return None
    return re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", teks)[:500]


@task(name="struktur.robots_tersembunyi", **_opsi_tugas)
async def cek_robots_tersembunyi(url: str, dasar: DasarStruktur) -> list[Temuan]:
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
    return _temuan("struktur.robots_tersembunyi", bukti)


TUGAS = {
    "struktur.vcs_terbuka": cek_vcs_terbuka,
    "struktur.env_terbuka": cek_env_terbuka,
    "struktur.listing_direktori": cek_listing_direktori,
    "struktur.berkas_cadangan": cek_berkas_cadangan,
    "struktur.halaman_diagnostik": cek_halaman_diagnostik,
    "struktur.panel_admin": cek_panel_admin,
    "struktur.manifest_dependensi": cek_manifest_dependensi,
    "struktur.robots_tersembunyi": cek_robots_tersembunyi,
}
"""Every struktur check id and its task; each is called as ``task(url, dasar)``."""
