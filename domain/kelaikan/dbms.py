"""dbms: what the database observations hold, and the pure judges of them.

``tasks/kelaikan/dbms.py`` opens one polite connection per open database port of the host
named in the request (the wire protocols are in ``tasks/kelaikan/protokol_db.py``), records
each service as a :class:`LayananDb` and the addresses of that host and of the application's
(:class:`ObservasiDbms`). On the web side it records the start page, a few of its links and
a missing page (database errors shown), and the answers to common dump file names with the
soft-404 baseline (:class:`ObservasiWebDb`). The judges here read those records only.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.eol import siklus_eol
from domain.kelaikan.galat import galat_db
from domain.kelaikan.halaman import Halaman, urai
from domain.kelaikan.masukan import origin
from domain.kelaikan.pembanding import Pembanding

PORT_DB: dict[int, str] = {
    3306: "MySQL/MariaDB", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle",
    27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch", 5984: "CouchDB",
    11211: "Memcached",
}
"""Ports probed when the request names a database host but no port."""


class LayananDb(BaseModel):
    """One open database port as the probe saw it (never a password or data)."""

    model_config = ConfigDict(frozen=True)

    host: str
    port: int
    jenis: str
    """mysql, postgresql, redis, mongodb, elasticsearch, couchdb, memcached, mssql, oracle,
    or ``tidak_dikenal``."""
    produk: str | None = None
    """MySQL, MariaDB, PostgreSQL, Redis, ... as in the end-of-life table."""
    versi: str | None = None
    banner: str | None = None
    """The version string exactly as the service sent it (shortened)."""
    tls: bool | None = None
    """TLS offered on this port; None when unknown."""
    kredensial_bawaan: str | None = None
    """The default account that was accepted, e.g. "root tanpa kata sandi"."""
    tanpa_otentikasi: str | None = None
    """The read-only command answered without any authentication."""
    catatan: str | None = None
    """What the probe could not learn, and why."""

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port} ({self.produk or PORT_DB.get(self.port, self.jenis)})"


class ObservasiDbms(BaseModel):
    """The database host named in the request: what its ports answered, and its addresses
    beside the application's."""

    model_config = ConfigDict(frozen=True)

    host: str
    port_diperiksa: list[int]
    layanan: list[LayananDb] = []
    alamat: list[str] | None = None
    """The database host's IP addresses; None when not resolved, [] when unresolvable."""
    host_aplikasi: str | None = None
    """The application's host (the target URL's); None when not observed."""
    alamat_aplikasi: list[str] | None = None
    """The application host's IP addresses; None when not resolved, [] when unresolvable."""


# --- judging the observation ---------------------------------------------------------------

def nilai_port_terjangkau(obs: ObservasiDbms, target: object = None) -> list[Bukti]:
    bukti = [f"{s.label} menerima koneksi TCP" for s in obs.layanan]
    if not bukti:
        return []
    return [Bukti("; ".join(bukti) + " dari lokasi penguji")]


def nilai_banner_versi(obs: ObservasiDbms, target: object = None) -> list[Bukti]:
    return bukti_gabung([
        f"{s.label}: {s.banner!r}" for s in obs.layanan if s.banner and s.versi])


def nilai_versi_eol(obs: ObservasiDbms, target: object = None,
                    pada: date | None = None) -> list[Bukti]:
    hari = pada or date.today()
    bukti = []
    for s in obs.layanan:
        eol = siklus_eol(s.produk or "", s.versi, hari)
        if eol:
            bukti.append(f"{s.label} versi {s.versi}: siklus {s.produk} {eol[0]} berakhir "
                         f"dukungannya {eol[1]:%d-%m-%Y}")
    return bukti_gabung(bukti)


def nilai_tanpa_tls(obs: ObservasiDbms, target: object = None) -> list[Bukti]:
    bukti = []
    for s in obs.layanan:
        if s.tls is False:
            if s.jenis == "mysql":
                bukti.append(f"{s.label}: salam server tanpa bendera CLIENT_SSL")
            elif s.jenis == "postgresql":
                bukti.append(f"{s.label}: SSLRequest dijawab 'N'")
            else:
                bukti.append(f"{s.label}: protokol dijawab dalam teks biasa (tanpa TLS)")
    return bukti_gabung(bukti)


def nilai_kredensial_bawaan(obs: ObservasiDbms, target: object = None) -> list[Bukti]:
    return bukti_gabung([
        f"{s.label}: login {s.kredensial_bawaan} diterima (satu percobaan, koneksi langsung "
        "ditutup)" for s in obs.layanan if s.kredensial_bawaan])


def nilai_tanpa_otentikasi(obs: ObservasiDbms, target: object = None) -> list[Bukti]:
    return bukti_gabung([
        f"{s.label}: {s.tanpa_otentikasi}" for s in obs.layanan if s.tanpa_otentikasi])


def _lokal(alamat: set[str]) -> bool:
    return any(a.startswith("127.") or a == "::1" for a in alamat)


def nilai_satu_host(obs: ObservasiDbms, target: object = None) -> list[Bukti]:
    """The database host is the application's host (a shared address, or both on this
    machine's loopback) and a database port is open there."""
    if not obs.layanan:
        return []
    a, b = set(obs.alamat_aplikasi or ()), set(obs.alamat or ())
    if not a or not b:
        raise TidakDapatDiuji("alamat host aplikasi atau basis data tidak dapat di-resolve")
    if not (a & b or (_lokal(a) and _lokal(b))):
        return []
    port = ", ".join(str(s.port) for s in obs.layanan)
    return [Bukti(
        f"host basis data {obs.host} ({', '.join(sorted(b))}) sama dengan host aplikasi "
        f"{obs.host_aplikasi} ({', '.join(sorted(a))}); port basis data terbuka: {port}")]


# --- the web side ----------------------------------------------------------------------------

BERKAS_DUMP = ("database.sql", "db.sql", "dump.sql", "backup.sql", "data.sql")
"""Common dump file names asked for at the site's root (and ``<site name>.sql``)."""
MAKS_TAUTAN_GALAT = 4
"""Links of the start page fetched to look for database errors."""
_DUMP = re.compile(r"^-- (?:MySQL dump|MariaDB dump|PostgreSQL database dump|Dumping data)"
                   r"|^\s*CREATE TABLE\b|^\s*INSERT INTO\b|^-- phpMyAdmin SQL Dump", re.I | re.M)
_ASET = re.compile(r"\.(?:png|jpe?g|gif|svg|ico|css|js|pdf|zip|woff2?)$", re.I)
_TAUTAN_BERBAHAYA = re.compile(r"logout|keluar|hapus|delete|remove|destroy|drop|reset|batal",
                               re.I)
"""Links that might change something when followed are never fetched."""


class ObservasiWebDb(BaseModel):
    """What the web-side database checks judge: pages and dump paths, as answered."""

    model_config = ConfigDict(frozen=True)

    halaman: list[Halaman] = []
    """The start page, up to :data:`MAKS_TAUTAN_GALAT` of its links, a random missing path."""
    halaman_gagal: dict[str, str] = {}
    """URL -> why, for a page of those that did not answer."""
    pembanding: Pembanding | None = None
    """How the target answers paths that do not exist; None when that failed."""
    dump: list[Halaman] = []
    """The answers to :func:`berkas_dump`."""
    dump_gagal: dict[str, str] = {}
    """URL (or ``pembanding``) -> why, for a request of the dump part that failed."""


def tautan_galat(awal: Halaman) -> list[str]:
    """Links of the start page worth a look for database errors: absolute, without
    fragment, in page order, once each, not the page itself, no static files, none that
    might change something (the observer keeps those in scope, the first
    :data:`MAKS_TAUTAN_GALAT`)."""
    tautan = []
    for t in urai(awal.text).tautan:
        tujuan = urljoin(awal.url, t).split("#")[0]
        if not _ASET.search(urlsplit(tujuan).path) and not _TAUTAN_BERBAHAYA.search(tujuan):
            tautan.append(tujuan)
    return [t for t in dict.fromkeys(tautan) if t != awal.url]


def berkas_dump(url: str) -> list[str]:
    """Dump file names to ask for at the root of ``url``'s site: the common ones, and
    ``<site name>.sql`` when the host is a name (not an IP address)."""
    host = origin(url)[1]
    nama_situs = host.split(".")[0] if not re.fullmatch(r"[\d.]+|[\da-f:]+", host) else ""
    return list(BERKAS_DUMP) + ([f"{nama_situs}.sql"] if nama_situs else [])


def _galat_tanpa_bukti(gagal: dict[str, str]) -> None:
    if gagal:
        url, alasan = next(iter(gagal.items()))
        path = url if url == "pembanding" else (urlsplit(url).path or "/")
        raise TidakDapatDiuji(f"{path}: {alasan}")


def nilai_galat_db_web(obs: ObservasiWebDb, target: object = None) -> list[Bukti]:
    """A database error message (SQLSTATE, mysqli_connect, ORA-, ...) on any page seen."""
    bukti = []
    for h in obs.halaman:
        jejak = galat_db(h.text)
        if jejak:
            bukti.append(f"{h.ringkas()}: {jejak[0][0]}: {jejak[0][1]!r}")
    if not bukti:
        _galat_tanpa_bukti(obs.halaman_gagal)
    return bukti_gabung(bukti)


def nilai_dump_terbuka(obs: ObservasiWebDb, target: object = None) -> list[Bukti]:
    """A dump file name answered 200 with SQL dump content, unlike a missing path."""
    if obs.pembanding is None:
        _galat_tanpa_bukti(obs.dump_gagal)
        raise TidakDapatDiuji("jawaban untuk path acak tidak teramati")
    bukti = []
    for h in obs.dump:
        if h.status == 200 and not obs.pembanding.mirip_tidak_ada(h) and _DUMP.search(h.text):
            tabel = re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?[`\"]?(\w+)", h.text, re.I)
            bukti.append(f"{h.ringkas()}: dump SQL" + (
                f" (tabel: {', '.join(list(dict.fromkeys(tabel))[:6])})" if tabel else ""))
    if not bukti:
        _galat_tanpa_bukti(obs.dump_gagal)
    return bukti_gabung(bukti)
