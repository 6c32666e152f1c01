"""Data services: one polite, read-only probe each, and one default-account try.

Redis ``PING``, MongoDB ``listDatabases``, Elasticsearch ``GET /``, Memcached ``stats``:
each answers only when no authentication is asked. MySQL/MariaDB ``root`` and PostgreSQL
``postgres`` are tried once each with an empty password (the installers' default), and the
connection is closed at once; nothing is read or written. FTP: one ``anonymous`` login, then
``QUIT``.
"""

from __future__ import annotations

import asyncio
import ftplib
import struct

import httpx
from prefect import task
from prefect.cache_policies import NONE

from domain.va.cek import ObservasiData, ObservasiFTP

BATAS_DETIK = 10.0
BACA_MAKS = 64 * 1024


async def _tanya(host: str, port: int, kirim: bytes) -> bytes:
    """Send ``kirim`` on one TCP connection and read the first answer (bounded)."""
    baca, tulis = await asyncio.wait_for(asyncio.open_connection(host, port), BATAS_DETIK)
    try:
        tulis.write(kirim)
        await tulis.drain()
        return await asyncio.wait_for(baca.read(BACA_MAKS), BATAS_DETIK)
    finally:
        tulis.close()
        try:
            await tulis.wait_closed()
        except OSError:
            pass


def _ringkas(data: bytes, n: int = 80) -> str:
    teks = data.decode("utf-8", errors="replace").strip()
    return teks[:n].replace("\r", " ").replace("\n", " ")


async def redis(host: str, port: int) -> ObservasiData:
    jawab = await _tanya(host, port, b"PING\r\n")
    return ObservasiData(jenis="Redis", tanpa_otentikasi=jawab.startswith(b"+PONG"),
                         bukti=f"PING dijawab {_ringkas(jawab)!r}")


async def memcached(host: str, port: int) -> ObservasiData:
    jawab = await _tanya(host, port, b"stats\r\n")
    return ObservasiData(jenis="Memcached", tanpa_otentikasi=jawab.startswith(b"STAT "),
                         bukti=f"stats dijawab {_ringkas(jawab, 40)!r}")


def _bson(doc: dict[str, int | str]) -> bytes:
    isi = b""
    for k, v in doc.items():
        if isinstance(v, int):
            isi += b"\x10" + k.encode() + b"\x00" + struct.pack("<i", v)
        else:
            b = v.encode() + b"\x00"
            isi += b"\x02" + k.encode() + b"\x00" + struct.pack("<i", len(b)) + b
    return struct.pack("<i", len(isi) + 5) + isi + b"\x00"


async def mongodb(host: str, port: int) -> ObservasiData:
    badan = struct.pack("<I", 0) + b"\x00" + _bson({"listDatabases": 1, "nameOnly": 1,
                                                    "$db": "admin"})
    pesan = struct.pack("<iiii", 16 + len(badan), 1, 0, 2013) + badan  # OP_MSG
    jawab = await _tanya(host, port, pesan)
    terbuka = b"databases" in jawab and b"errmsg" not in jawab
    return ObservasiData(jenis="MongoDB", tanpa_otentikasi=terbuka,
                         bukti="listDatabases " + ("dijawab dengan daftar basis data"
                                                   if terbuka else "ditolak"))


async def elasticsearch(host: str, port: int, tls: bool) -> ObservasiData:
    url = f"{'https' if tls else 'http'}://{host}:{port}/"
    async with httpx.AsyncClient(verify=False, timeout=BATAS_DETIK,  # noqa: S501 - probing
                                 follow_redirects=False, trust_env=False) as klien:
        r = await klien.get(url)
    terbuka = r.status_code == 200 and "cluster_name" in r.text
    return ObservasiData(jenis="Elasticsearch", tanpa_otentikasi=terbuka,
                         bukti=f"GET / dijawab HTTP {r.status_code}")


def _mysql_root(host: str, port: int) -> ObservasiData:
    import pymysql

    try:
        pymysql.connect(host=host, port=port, user="root", password="",
                        connect_timeout=BATAS_DETIK).close()
    except pymysql.err.OperationalError as exc:
        kode = exc.args[0] if exc.args else "?"
        return ObservasiData(jenis="MySQL/MariaDB", bukti=f"root tanpa kata sandi ditolak "
                                                          f"(kode {kode})")
    return ObservasiData(jenis="MySQL/MariaDB", kredensial_kosong="root",
                         bukti="koneksi diterima dan langsung ditutup")


def _postgres(host: str, port: int) -> ObservasiData:
    import psycopg

    try:
        psycopg.connect(host=host, port=port, user="postgres", password="",
                        dbname="postgres", connect_timeout=int(BATAS_DETIK),
                        sslmode="prefer").close()
    except psycopg.OperationalError as exc:
        alasan = str(exc).strip().splitlines()[-1][:120] if str(exc).strip() else "ditolak"
        return ObservasiData(jenis="PostgreSQL",
                             bukti=f"postgres tanpa kata sandi ditolak ({alasan})")
    return ObservasiData(jenis="PostgreSQL", kredensial_kosong="postgres",
                         bukti="koneksi diterima dan langsung ditutup")


@task(name="va.data", cache_policy=NONE, persist_result=False, timeout_seconds=60)
async def amati_data(jenis: str, host: str, port: int, tls: bool = False) -> ObservasiData:
    """One probe of the data service of kind ``jenis`` (:data:`domain.va.cek.JENIS_DATA`)."""
    if jenis == "redis":
        return await redis(host, port)
    if jenis == "memcached":
        return await memcached(host, port)
    if jenis == "mongodb":
        return await mongodb(host, port)
    if jenis == "elasticsearch":
        return await elasticsearch(host, port, tls)
    if jenis == "mysql":
        return await asyncio.to_thread(_mysql_root, host, port)
    if jenis == "postgresql":
        return await asyncio.to_thread(_postgres, host, port)
    return ObservasiData(jenis=jenis, bukti="tidak ada percobaan untuk jenis ini")


def _ftp_anonim(host: str, port: int) -> ObservasiFTP:
    with ftplib.FTP(timeout=BATAS_DETIK) as ftp:
        ftp.connect(host, port)
        try:
            balasan = ftp.login("anonymous", "lpa-va@localhost")
        except ftplib.error_perm as exc:
            return ObservasiFTP(anonim=False, balasan=str(exc)[:80])
        try:
            ftp.quit()
        except (OSError, ftplib.Error):
            pass
        return ObservasiFTP(anonim=True, balasan=balasan[:80])


@task(name="va.ftp", cache_policy=NONE, persist_result=False, timeout_seconds=60)
async def amati_ftp(host: str, port: int) -> ObservasiFTP:
    return await asyncio.to_thread(_ftp_anonim, host, port)
