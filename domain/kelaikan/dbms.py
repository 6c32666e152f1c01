"""dbms: what the database observation holds, and the pure judges of it.

``tasks/kelaikan/dbms.py`` opens one polite connection per open database port of the host
named in the request (the wire protocols are in ``tasks/kelaikan/protokol_db.py``) and
records each service as a :class:`LayananDb`; the judges here read that record only.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import Bukti, bukti_gabung
from domain.kelaikan.eol import siklus_eol

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
    host: str
    port_diperiksa: list[int]
    layanan: list[LayananDb] = []


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
