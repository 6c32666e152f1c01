"""The database wire protocols of the dbms category: just enough of each to read its
greeting, plain asyncio sockets, standard library only.


One polite connection one polite connection per open database port of the host named in
the request and speaks just enough of each protocol to read its greeting: the product and
version, whether TLS is offered, and whether an empty/default credential or no credential
at all is accepted. Raw sockets, standard library only:

* MySQL/MariaDB: the server's greeting (version, CLIENT_SSL flag), then **one** handshake
  response as ``root`` with an empty password, then COM_QUIT.
* PostgreSQL: SSLRequest (TLS offered?), then **one** StartupMessage as ``postgres``
  without a password: AuthenticationOk means ``trust``; the version comes from the
  ParameterStatus ``server_version``; then Terminate. A password request ends the probe.
* Redis: ``PING``, and ``INFO server`` only when PING was answered without AUTH; ``QUIT``.
* MongoDB: ``buildInfo`` and ``listDatabases`` (nameOnly) in OP_MSG.
* Elasticsearch / CouchDB: ``GET /`` (and CouchDB ``GET /_all_dbs``) over HTTP.
* Memcached: ``version``.
* SQL Server, Oracle: the TCP port only.

At most one credential try per database, nothing is written, and every step has a timeout.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import ssl
import struct

from domain.kelaikan.cek import TidakDapatDiuji
from domain.kelaikan.dbms import PORT_DB, LayananDb
from domain.kelaikan.wire import (
    CLIENT_LONG_PASSWORD,
    CLIENT_PLUGIN_AUTH,
    CLIENT_PROTOCOL_41,
    CLIENT_SECURE_CONNECTION,
    CLIENT_SSL,
    bson,
    produk_mysql,
    urai_bson,
    urai_salam_mysql,
    versi_dari,
)

BATAS_WAKTU_TCP = 3.0
JENIS_PORT: dict[int, str] = {
    3306: "mysql", 5432: "postgresql", 1433: "mssql", 1521: "oracle", 27017: "mongodb",
    6379: "redis", 9200: "elasticsearch", 5984: "couchdb", 11211: "memcached",
}
BATAS_WAKTU_PROTOKOL = 4.0
"""Seconds for one protocol exchange (connect, greeting, answer)."""
NAMA_APLIKASI = "lpa-uji-kelaikan"


# --- small protocol helpers --------------------------------------------------------------

async def _buka(host: str, port: int, batas_waktu: float = BATAS_WAKTU_TCP,
                ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.wait_for(asyncio.open_connection(host, port), batas_waktu)


async def _tutup(penulis: asyncio.StreamWriter) -> None:
    penulis.close()
    try:
        await asyncio.wait_for(penulis.wait_closed(), 2)
    except (OSError, TimeoutError, ssl.SSLError):
        pass


async def port_terbuka(host: str, port: int, batas_waktu: float = BATAS_WAKTU_TCP) -> bool:
    """Whether a TCP connection to host:port is accepted (nothing is sent)."""
    try:
        _, penulis = await _buka(host, port, batas_waktu)
    except socket.gaierror:
        raise TidakDapatDiuji(f"host basis data {host!r} tidak dikenal (DNS)") from None
    except (TimeoutError, OSError):
        return False
    await _tutup(penulis)
    return True


# --- MySQL / MariaDB ---------------------------------------------------------------------


async def _paket_mysql(pembaca: asyncio.StreamReader) -> tuple[int, bytes]:
    kepala = await asyncio.wait_for(pembaca.readexactly(4), BATAS_WAKTU_PROTOKOL)
    panjang = int.from_bytes(kepala[:3], "little")
    return kepala[3], await asyncio.wait_for(pembaca.readexactly(panjang), BATAS_WAKTU_PROTOKOL)


def _kirim_paket_mysql(penulis: asyncio.StreamWriter, urutan: int, isi: bytes) -> None:
    penulis.write(len(isi).to_bytes(3, "little") + bytes([urutan & 0xFF]) + isi)


async def probe_mysql(host: str, port: int) -> LayananDb:
    pembaca, penulis = await _buka(host, port)
    try:
        _, salam = await _paket_mysql(pembaca)
        if salam[:1] == b"\xff":
            pesan = salam[3:].decode("utf-8", "replace").lstrip("#").strip()
            return LayananDb(host=host, port=port, jenis="mysql", produk="MySQL/MariaDB",
                             catatan=f"server menolak koneksi: {pesan[:120]}")
        versi_mentah, kemampuan, plugin = urai_salam_mysql(salam)
        produk, versi = produk_mysql(versi_mentah)
        tls = bool(kemampuan & CLIENT_SSL)
        # one polite try: root with an empty password
        bendera = (CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION
                   | CLIENT_PLUGIN_AUTH)
        isi = (struct.pack("<IIB", bendera, 1 << 24, 45) + b"\0" * 23 + b"root\0" + b"\0"
               + (plugin or "mysql_native_password").encode() + b"\0")
        _kirim_paket_mysql(penulis, 1, isi)
        await penulis.drain()
        urutan, jawab = await _paket_mysql(pembaca)
        if jawab[:1] == b"\xfe":  # auth switch: the empty password again
            _kirim_paket_mysql(penulis, urutan + 1, b"")
            await penulis.drain()
            urutan, jawab = await _paket_mysql(pembaca)
        diterima = jawab[:1] == b"\x00"
        if diterima:
            _kirim_paket_mysql(penulis, 0, b"\x01")  # COM_QUIT
            await penulis.drain()
        return LayananDb(
            host=host, port=port, jenis="mysql", produk=produk, versi=versi,
            banner=versi_mentah[:80], tls=tls,
            kredensial_bawaan="root tanpa kata sandi" if diterima else None,
        )
    finally:
        await _tutup(penulis)


# --- PostgreSQL ---------------------------------------------------------------------------

def _konteks_tls() -> ssl.SSLContext:
    konteks = ssl.create_default_context()
    konteks.check_hostname = False
    konteks.verify_mode = ssl.CERT_NONE
    return konteks


async def _pesan_pg(pembaca: asyncio.StreamReader) -> tuple[bytes, bytes]:
    kepala = await asyncio.wait_for(pembaca.readexactly(5), BATAS_WAKTU_PROTOKOL)
    panjang = int.from_bytes(kepala[1:], "big") - 4
    return kepala[:1], await asyncio.wait_for(pembaca.readexactly(panjang), BATAS_WAKTU_PROTOKOL)


def _galat_pg(isi: bytes) -> str:
    bidang = {b[:1]: b[1:].decode("utf-8", "replace") for b in isi.split(b"\0") if b}
    return bidang.get(b"M", "galat")


async def probe_postgresql(host: str, port: int) -> LayananDb:
    pembaca, penulis = await _buka(host, port)
    try:
        penulis.write(struct.pack(">II", 8, 80877103))  # SSLRequest
        await penulis.drain()
        jawab = await asyncio.wait_for(pembaca.readexactly(1), BATAS_WAKTU_PROTOKOL)
        tls = jawab == b"S"
        if tls:
            await penulis.start_tls(_konteks_tls(), server_hostname=None)
        parameter = (b"user\0postgres\0database\0postgres\0application_name\0"
                     + NAMA_APLIKASI.encode() + b"\0\0")
        penulis.write(struct.pack(">II", 8 + len(parameter), 196608) + parameter)
        await penulis.drain()
        jenis, isi = await _pesan_pg(pembaca)
        if jenis == b"E":
            return LayananDb(host=host, port=port, jenis="postgresql", produk="PostgreSQL",
                             tls=tls, catatan=f"login postgres ditolak: {_galat_pg(isi)[:120]}")
        if jenis != b"R" or len(isi) < 4:
            raise ValueError("jawaban PostgreSQL tidak dikenal")
        kode = int.from_bytes(isi[:4], "big")
        if kode != 0:
            return LayananDb(host=host, port=port, jenis="postgresql", produk="PostgreSQL",
                             tls=tls, catatan="kata sandi diminta untuk postgres (versi tidak "
                                              "diungkapkan sebelum login)")
        versi_mentah = None
        for _ in range(64):
            jenis, isi = await _pesan_pg(pembaca)
            if jenis == b"S":
                nama, _, nilai = isi.partition(b"\0")
                if nama == b"server_version":
                    versi_mentah = nilai.rstrip(b"\0").decode("utf-8", "replace")
            elif jenis in (b"Z", b"E"):
                break
        penulis.write(b"X" + struct.pack(">I", 4))  # Terminate
        await penulis.drain()
        return LayananDb(
            host=host, port=port, jenis="postgresql", produk="PostgreSQL",
            versi=versi_dari(versi_mentah or ""), banner=(versi_mentah or "")[:80] or None,
            tls=tls, kredensial_bawaan="postgres tanpa kata sandi (trust)",
        )
    finally:
        await _tutup(penulis)


# --- Redis, Memcached ---------------------------------------------------------------------

async def _baris(pembaca: asyncio.StreamReader) -> bytes:
    return await asyncio.wait_for(pembaca.readline(), BATAS_WAKTU_PROTOKOL)


async def probe_redis(host: str, port: int) -> LayananDb:
    pembaca, penulis = await _buka(host, port)
    try:
        penulis.write(b"PING\r\n")
        await penulis.drain()
        jawab = (await _baris(pembaca)).decode("utf-8", "replace").strip()
        if not jawab or jawab[:1] not in "+-":
            raise ValueError("jawaban Redis tidak dikenal")
        if jawab != "+PONG":
            penulis.write(b"QUIT\r\n")
            await penulis.drain()
            return LayananDb(host=host, port=port, jenis="redis", produk="Redis", tls=False,
                             catatan=f"PING dijawab {jawab[:80]!r}")
        penulis.write(b"INFO server\r\n")
        await penulis.drain()
        kepala = (await _baris(pembaca)).decode().strip()
        teks = ""
        if kepala.startswith("$"):
            panjang = int(kepala[1:])
            teks = (await asyncio.wait_for(pembaca.readexactly(panjang + 2),
                                           BATAS_WAKTU_PROTOKOL)).decode("utf-8", "replace")
        penulis.write(b"QUIT\r\n")
        await penulis.drain()
        m = re.search(r"^redis_version:(\S+)", teks, re.M)
        versi = m.group(1) if m else None
        return LayananDb(host=host, port=port, jenis="redis", produk="Redis", versi=versi,
                         banner=f"redis_version:{versi}" if versi else None, tls=False,
                         tanpa_otentikasi="PING dan INFO server dijawab tanpa AUTH")
    finally:
        await _tutup(penulis)


async def probe_memcached(host: str, port: int) -> LayananDb:
    pembaca, penulis = await _buka(host, port)
    try:
        penulis.write(b"version\r\n")
        await penulis.drain()
        jawab = (await _baris(pembaca)).decode("utf-8", "replace").strip()
        if not jawab.startswith("VERSION"):
            raise ValueError("jawaban Memcached tidak dikenal")
        penulis.write(b"quit\r\n")
        await penulis.drain()
        return LayananDb(host=host, port=port, jenis="memcached", produk="Memcached",
                         versi=versi_dari(jawab), banner=jawab[:80], tls=False,
                         tanpa_otentikasi="perintah version dijawab tanpa otentikasi")
    finally:
        await _tutup(penulis)


# --- MongoDB (a tiny BSON) -----------------------------------------------------------------

async def _perintah_mongo(pembaca: asyncio.StreamReader, penulis: asyncio.StreamWriter,
                          nomor: int, perintah: dict[str, object]) -> dict[str, object]:
    isi = struct.pack("<I", 0) + b"\x00" + bson(perintah)
    penulis.write(struct.pack("<iiii", 16 + len(isi), nomor, 0, 2013) + isi)
    await penulis.drain()
    kepala = await asyncio.wait_for(pembaca.readexactly(16), BATAS_WAKTU_PROTOKOL)
    panjang, _, _, kode = struct.unpack("<iiii", kepala)
    data = await asyncio.wait_for(pembaca.readexactly(panjang - 16), BATAS_WAKTU_PROTOKOL)
    if kode != 2013 or data[4:5] != b"\x00":
        raise ValueError("jawaban MongoDB tidak dikenal")
    return urai_bson(data[5:])


async def probe_mongodb(host: str, port: int) -> LayananDb:
    pembaca, penulis = await _buka(host, port)
    try:
        info = await _perintah_mongo(pembaca, penulis, 1, {"buildInfo": 1, "$db": "admin"})
        versi = str(info.get("version")) if info.get("version") else None
        daftar = await _perintah_mongo(pembaca, penulis, 2, {
            "listDatabases": 1, "nameOnly": True, "$db": "admin"})
        terbuka = daftar.get("ok") in (1, 1.0) and "databases" in daftar
        return LayananDb(  # answered in the clear: no TLS on this port
            host=host, port=port, jenis="mongodb", produk="MongoDB", versi=versi,
            banner=f"version {versi}" if versi else None, tls=False,
            tanpa_otentikasi="listDatabases dijawab tanpa login" if terbuka else None,
        )
    finally:
        await _tutup(penulis)


# --- Elasticsearch / CouchDB (HTTP) -----------------------------------------------------------

async def _http_get(host: str, port: int, path: str) -> tuple[int, str]:
    pembaca, penulis = await _buka(host, port)
    try:
        penulis.write(f"GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nUser-Agent: "
                      f"{NAMA_APLIKASI}\r\nAccept: application/json\r\n\r\n".encode())
        await penulis.drain()
        data = b""
        while len(data) < 65536:  # HTTP/1.0: the server closes when it is done
            bagian = await asyncio.wait_for(pembaca.read(65536), BATAS_WAKTU_PROTOKOL)
            if not bagian:
                break
            data += bagian
    finally:
        await _tutup(penulis)
    kepala, _, badan = data.decode("utf-8", "replace").partition("\r\n\r\n")
    m = re.match(r"HTTP/\d(?:\.\d)? (\d{3})", kepala)
    if not m:
        raise ValueError("bukan jawaban HTTP")
    return int(m.group(1)), badan


async def probe_http_db(host: str, port: int) -> LayananDb:
    status, badan = await _http_get(host, port, "/")
    try:
        data = json.loads(badan)
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if "couchdb" in data:
        versi = str(data.get("version") or "") or None
        status_db, _ = await _http_get(host, port, "/_all_dbs")
        return LayananDb(
            host=host, port=port, jenis="couchdb", produk="CouchDB", versi=versi,
            banner=f"CouchDB {versi}" if versi else None, tls=False,
            tanpa_otentikasi="GET /_all_dbs dijawab 200 tanpa login" if status_db == 200
            else None)
    versi_es = data.get("version", {}).get("number") if isinstance(data.get("version"),
                                                                    dict) else None
    if status == 200 and versi_es:
        return LayananDb(host=host, port=port, jenis="elasticsearch", produk="Elasticsearch",
                         versi=str(versi_es), banner=f"version.number {versi_es}", tls=False,
                         tanpa_otentikasi="GET / dijawab 200 tanpa kredensial")
    if status == 401 and port == 9200:
        return LayananDb(host=host, port=port, jenis="elasticsearch", produk="Elasticsearch",
                         tls=False, catatan="GET / meminta kredensial")
    raise ValueError("layanan HTTP bukan Elasticsearch/CouchDB")


# --- identification ---------------------------------------------------------------------

PROBE = {
    "mysql": probe_mysql, "postgresql": probe_postgresql, "redis": probe_redis,
    "memcached": probe_memcached, "mongodb": probe_mongodb,
    "elasticsearch": probe_http_db, "couchdb": probe_http_db,
}


async def _salam_pasif(host: str, port: int) -> bytes:
    """What a server-first protocol (MySQL) says unasked within a second."""
    pembaca, penulis = await _buka(host, port)
    try:
        return await asyncio.wait_for(pembaca.read(512), 1.0)
    except TimeoutError:
        return b""
    finally:
        await _tutup(penulis)


async def amati_port(host: str, port: int) -> LayananDb:
    """Identify the database on an open port and read what it says."""
    jenis = JENIS_PORT.get(port)
    if jenis in ("mssql", "oracle"):
        return LayananDb(host=host, port=port, jenis=jenis, produk=PORT_DB[port],
                         catatan="hanya port yang diperiksa (tanpa banner)")
    urutan = [jenis] if jenis else []
    if not jenis:
        salam = await _salam_pasif(host, port)
        if len(salam) > 5 and salam[4] == 10:
            urutan = ["mysql"]
        elif not salam:
            urutan = ["postgresql", "redis", "elasticsearch", "memcached"]
    galat = ""
    for calon in urutan:
        try:
            return await PROBE[calon](host, port)
        except (OSError, TimeoutError, ValueError, IndexError, struct.error,
                asyncio.IncompleteReadError, ssl.SSLError, UnicodeDecodeError) as exc:
            galat = galat or f"{calon}: {type(exc).__name__}"
    return LayananDb(host=host, port=port, jenis="tidak_dikenal",
                     catatan="protokol tidak dikenali" + (f" ({galat})" if galat else ""))
