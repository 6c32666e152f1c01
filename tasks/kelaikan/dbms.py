"""dbms: database-management-system checks.

:func:`amati_dbms` asks every database port of the host named in the request what it is
(``tasks/kelaikan/protokol_db.py``); the pure judges of that observation are in
``domain/kelaikan/dbms.py``. :func:`cek_satu_host` resolves both hosts; the web-side checks
(:func:`cek_galat_db_web`, :func:`cek_dump_terbuka`) go through
:class:`tasks.kelaikan.klien.KlienUji`.
"""

from __future__ import annotations

import asyncio
import re
import socket
from urllib.parse import urljoin, urlsplit

from prefect import task

from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.dbms import PORT_DB, ObservasiDbms
from domain.kelaikan.galat import galat_db
from domain.kelaikan.halaman import Halaman, token_acak, urai
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import KlienUji, ambil_pembanding
from tasks.kelaikan.protokol_db import amati_port, port_terbuka
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, pemeriksa


@task(name="dbms.amati", **OPSI_TUGAS)
async def amati_dbms(host: str, port: int | None = None) -> ObservasiDbms:
    """Which database ports of ``host`` accept connections, and what each says."""
    daftar = [port] if port else list(PORT_DB)
    terbuka = await asyncio.gather(*(port_terbuka(host, p) for p in daftar))
    buka = [p for p, ya in zip(daftar, terbuka, strict=True) if ya]
    layanan = await asyncio.gather(*(amati_port(host, p) for p in buka))
    return ObservasiDbms(host=host, port_diperiksa=daftar, layanan=list(layanan))



# --- judging the observation ----------------------------------------------------------------

def _alamat(host: str) -> set[str]:
    try:
        return {i[4][0] for i in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except socket.gaierror:
        return set()


def _lokal(alamat: set[str]) -> bool:
    return any(a.startswith("127.") or a == "::1" for a in alamat)


@pemeriksa("dbms.satu_host")
async def cek_satu_host(target: TargetUji, obs: ObservasiDbms) -> list[Bukti]:
    if not obs.layanan:
        return []
    app, db = target.host, obs.host
    a, b = await asyncio.gather(asyncio.to_thread(_alamat, app), asyncio.to_thread(_alamat, db))
    if not a or not b:
        raise TidakDapatDiuji("alamat host aplikasi atau basis data tidak dapat di-resolve")
    if not (a & b or (_lokal(a) and _lokal(b))):
        return []
    port = ", ".join(s.label.split(" ", 1)[0].rsplit(":", 1)[1] for s in obs.layanan)
    return [Bukti(
        f"host basis data {db} ({', '.join(sorted(b))}) sama dengan host aplikasi {app} "
        f"({', '.join(sorted(a))}); port basis data terbuka: {port}")]


# --- the web side -------------------------------------------------------------------------

_DUMP = re.compile(r"^-- (?:MySQL dump|MariaDB dump|PostgreSQL database dump|Dumping data)"
                   r"|^\s*CREATE TABLE\b|^\s*INSERT INTO\b|^-- phpMyAdmin SQL Dump", re.I | re.M)
BERKAS_DUMP = ("database.sql", "db.sql", "dump.sql", "backup.sql", "data.sql")
MAKS_TAUTAN_GALAT = 4
_TAUTAN_BERBAHAYA = re.compile(r"logout|keluar|hapus|delete|remove|destroy|drop|reset|batal",
                               re.I)
"""Links that might change something when followed are never fetched."""


@pemeriksa("dbms.galat_db_web")
async def cek_galat_db_web(target: TargetUji, amatan: object = None) -> list[Bukti]:
    url = target.url
    bukti = []
    async with KlienUji(url) as klien:
        awal = await klien.get(url)
        halaman: list[Halaman] = [awal]
        tautan = []
        for t in urai(awal.text).tautan:
            tujuan = klien.absolut(t, awal.url).split("#")[0]
            bagian = urlsplit(tujuan)
            if klien.dalam_cakupan(tujuan) and not re.search(
                    r"\.(?:png|jpe?g|gif|svg|ico|css|js|pdf|zip|woff2?)$", bagian.path, re.I) \
                    and not _TAUTAN_BERBAHAYA.search(tujuan):
                tautan.append(tujuan)
        for tujuan in [t for t in dict.fromkeys(tautan) if t != awal.url][:MAKS_TAUTAN_GALAT]:
            halaman.append(await klien.get(tujuan))
        halaman.append(await klien.get(urljoin(awal.url, f"/lpa-{token_acak()}")))
        for h in halaman:
            jejak = galat_db(h.text)
            if jejak:
                bukti.append(f"{h.ringkas()}: {jejak[0][0]}: {jejak[0][1]!r}")
    return bukti_gabung(list(dict.fromkeys(bukti)))


@pemeriksa("dbms.dump_terbuka")
async def cek_dump_terbuka(target: TargetUji, amatan: object = None) -> list[Bukti]:
    url = target.url
    bukti = []
    async with KlienUji(url) as klien:
        pembanding = await ambil_pembanding(klien)
        host = klien.origin[1]
        nama_situs = host.split(".")[0] if not re.fullmatch(r"[\d.]+|[\da-f:]+", host) else ""
        berkas = list(BERKAS_DUMP) + ([f"{nama_situs}.sql"] if nama_situs else [])
        for nama in berkas:
            h = await klien.get(urljoin(url, "/" + nama))
            if h.status == 200 and not pembanding.mirip_tidak_ada(h) and _DUMP.search(h.text):
                tabel = re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?[`\"]?(\w+)", h.text, re.I)
                bukti.append(f"{h.ringkas()}: dump SQL" + (
                    f" (tabel: {', '.join(list(dict.fromkeys(tabel))[:6])})" if tabel else ""))
    return bukti_gabung(bukti)


PEMERIKSA = (cek_satu_host, cek_galat_db_web, cek_dump_terbuka)
"""The probes of this module, each a task named after its check id."""

PENGAMAT: dict[str, Pengamat] = {
    "dbms": Pengamat("pengamatan port basis data", amati_dbms,
                     lambda t: (t.host_db or "", t.db_port)),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
