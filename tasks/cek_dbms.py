"""dbms: database-management-system checks, each a Prefect task.

:func:`amati_dbms` opens one polite connection per open database port of the host named in
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

At most one credential try per database (the brief allows three), nothing is written, and
every step has a timeout. The web-side checks (:func:`cek_galat_db_web`,
:func:`cek_dump_terbuka`) go through :class:`tasks.kelaikan_http.KlienUji`.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import ssl
import struct
from datetime import date
from urllib.parse import urljoin, urlsplit

from prefect import task
from pydantic import BaseModel, ConfigDict

from domain.kelaikan import CEK, TargetUji, Temuan
from domain.kelaikan_sesi_dbms_lain import siklus_eol
from tasks.kelaikan_cek import BATAS_WAKTU_TCP, TidakDapatDiuji, _opsi_tugas
from tasks.kelaikan_http import Halaman, KlienUji, ambil_pembanding, token_acak, urai

PORT_DB: dict[int, str] = {
    3306: "MySQL/MariaDB", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle",
    27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch", 5984: "CouchDB",
    11211: "Memcached",
}
"""Ports probed when the request names a database host but no port."""
JENIS_PORT: dict[int, str] = {
    3306: "mysql", 5432: "postgresql", 1433: "mssql", 1521: "oracle", 27017: "mongodb",
    6379: "redis", 9200: "elasticsearch", 5984: "couchdb", 11211: "memcached",
}
BATAS_WAKTU_PROTOKOL = 4.0
"""Seconds for one protocol exchange (connect, greeting, answer)."""
NAMA_APLIKASI = "lpa-uji-kelaikan"


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


def _versi_dari(teks: str) -> str | None:
    m = re.search(r"\d+(?:\.\d+)+", teks)
    return m.group(0) if m else None


# --- MySQL / MariaDB ---------------------------------------------------------------------

CLIENT_LONG_PASSWORD = 0x1
CLIENT_SSL = 0x800
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000


async def _paket_mysql(pembaca: asyncio.StreamReader) -> tuple[int, bytes]:
    kepala = await asyncio.wait_for(pembaca.readexactly(4), BATAS_WAKTU_PROTOKOL)
    panjang = int.from_bytes(kepala[:3], "little")
    return kepala[3], await asyncio.wait_for(pembaca.readexactly(panjang), BATAS_WAKTU_PROTOKOL)


def _kirim_paket_mysql(penulis: asyncio.StreamWriter, urutan: int, isi: bytes) -> None:
    penulis.write(len(isi).to_bytes(3, "little") + bytes([urutan & 0xFF]) + isi)


def urai_salam_mysql(isi: bytes) -> tuple[str, int, str]:
    """Server version, capability flags and auth plugin of a protocol-10 greeting."""
    if not isi or isi[0] != 10:
        raise ValueError("bukan salam protokol MySQL 10")
    akhir = isi.index(b"\0", 1)
    versi = isi[1:akhir].decode("latin-1")
    pos = akhir + 1 + 4 + 8 + 1  # connection id, auth data part 1, filler
    kemampuan = int.from_bytes(isi[pos:pos + 2], "little")
    pos += 2
    plugin = ""
    if len(isi) > pos:
        pos += 1 + 2  # charset, status
        kemampuan |= int.from_bytes(isi[pos:pos + 2], "little") << 16
        pos += 2
        panjang_auth = isi[pos]
        pos += 1 + 10
        if kemampuan & CLIENT_SECURE_CONNECTION:
            pos += max(13, panjang_auth - 8)
        if kemampuan & CLIENT_PLUGIN_AUTH and pos < len(isi):
            plugin = isi[pos:].split(b"\0", 1)[0].decode("latin-1")
    return versi, kemampuan, plugin


def produk_mysql(versi: str) -> tuple[str, str | None]:
    """(product, version) from a MySQL greeting's version string."""
    if "mariadb" in versi.lower():
        bersih = versi[6:] if versi.startswith("5.5.5-") else versi
        return "MariaDB", _versi_dari(bersih)
    return "MySQL", _versi_dari(versi)


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
            versi=_versi_dari(versi_mentah or ""), banner=(versi_mentah or "")[:80] or None,
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
                         versi=_versi_dari(jawab), banner=jawab[:80], tls=False,
                         tanpa_otentikasi="perintah version dijawab tanpa otentikasi")
    finally:
        await _tutup(penulis)


# --- MongoDB (a tiny BSON) -----------------------------------------------------------------

def bson(dokumen: dict[str, object]) -> bytes:
    isi = b""
    for kunci, nilai in dokumen.items():
        nama = kunci.encode() + b"\0"
        if isinstance(nilai, bool):
            isi += b"\x08" + nama + (b"\x01" if nilai else b"\x00")
        elif isinstance(nilai, int):
            isi += b"\x10" + nama + struct.pack("<i", nilai)
        elif isinstance(nilai, str):
            data = nilai.encode() + b"\0"
            isi += b"\x02" + nama + struct.pack("<i", len(data)) + data
        else:
            raise TypeError(type(nilai))
    return struct.pack("<i", len(isi) + 5) + isi + b"\0"


def urai_bson(data: bytes) -> dict[str, object]:
    hasil: dict[str, object] = {}
    pos, akhir = 4, struct.unpack_from("<i", data)[0] - 1
    while pos < akhir:
        jenis = data[pos]
        ujung = data.index(b"\0", pos + 1)
        kunci = data[pos + 1:ujung].decode()
        pos = ujung + 1
        if jenis == 0x01:
            hasil[kunci] = struct.unpack_from("<d", data, pos)[0]
            pos += 8
        elif jenis in (0x02, 0x0D, 0x0E):
            n = struct.unpack_from("<i", data, pos)[0]
            hasil[kunci] = data[pos + 4:pos + 3 + n].decode("utf-8", "replace")
            pos += 4 + n
        elif jenis in (0x03, 0x04):
            n = struct.unpack_from("<i", data, pos)[0]
            anak = urai_bson(data[pos:pos + n])
            hasil[kunci] = list(anak.values()) if jenis == 0x04 else anak
            pos += n
        elif jenis == 0x05:
            n = struct.unpack_from("<i", data, pos)[0]
            pos += 5 + n
        elif jenis == 0x07:
            pos += 12
        elif jenis == 0x08:
            hasil[kunci] = data[pos] == 1
            pos += 1
        elif jenis in (0x09, 0x11, 0x12):
            hasil[kunci] = struct.unpack_from("<q", data, pos)[0]
            pos += 8
        elif jenis in (0x0A, 0x06, 0x7F, 0xFF):
            hasil[kunci] = None
        elif jenis == 0x10:
            hasil[kunci] = struct.unpack_from("<i", data, pos)[0]
            pos += 4
        elif jenis == 0x13:
            pos += 16
        else:
            break
    return hasil


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


@task(name="dbms.amati", **_opsi_tugas)
async def amati_dbms(host: str, port: int | None = None) -> ObservasiDbms:
    """Which database ports of ``host`` accept connections, and what each says."""
    daftar = [port] if port else list(PORT_DB)
    terbuka = await asyncio.gather(*(port_terbuka(host, p) for p in daftar))
    buka = [p for p, ya in zip(daftar, terbuka, strict=True) if ya]
    layanan = await asyncio.gather(*(amati_port(host, p) for p in buka))
    return ObservasiDbms(host=host, port_diperiksa=daftar, layanan=list(layanan))


# --- judging the observation ----------------------------------------------------------------

def _temuan(cek_id: str, bukti: list[str]) -> list[Temuan]:
    return [CEK[cek_id].temuan("; ".join(bukti))] if bukti else []


@task(name="dbms.port_terjangkau", **_opsi_tugas)
async def cek_port_db(obs: ObservasiDbms) -> list[Temuan]:
    bukti = [f"{s.label} menerima koneksi TCP" for s in obs.layanan]
    if not bukti:
        return []
    return [CEK["dbms.port_terjangkau"].temuan("; ".join(bukti) + " dari lokasi penguji")]


@task(name="dbms.banner_versi", **_opsi_tugas)
async def cek_banner_versi(obs: ObservasiDbms) -> list[Temuan]:
    return _temuan("dbms.banner_versi", [
        f"{s.label}: {s.banner!r}" for s in obs.layanan if s.banner and s.versi])


@task(name="dbms.versi_eol", **_opsi_tugas)
async def cek_versi_eol(obs: ObservasiDbms, pada: date | None = None) -> list[Temuan]:
    hari = pada or date.today()
    bukti = []
    for s in obs.layanan:
        eol = siklus_eol(s.produk or "", s.versi, hari)
        if eol:
            bukti.append(f"{s.label} versi {s.versi}: siklus {s.produk} {eol[0]} berakhir "
                         f"dukungannya {eol[1]:%d-%m-%Y}")
    return _temuan("dbms.versi_eol", bukti)


@task(name="dbms.tanpa_tls", **_opsi_tugas)
async def cek_tanpa_tls(obs: ObservasiDbms) -> list[Temuan]:
    bukti = []
    for s in obs.layanan:
        if s.tls is False:
            if s.jenis == "mysql":
                bukti.append(f"{s.label}: salam server tanpa bendera CLIENT_SSL")
            elif s.jenis == "postgresql":
                bukti.append(f"{s.label}: SSLRequest dijawab 'N'")
            else:
                bukti.append(f"{s.label}: protokol dijawab dalam teks biasa (tanpa TLS)")
    return _temuan("dbms.tanpa_tls", bukti)


@task(name="dbms.kredensial_bawaan", **_opsi_tugas)
async def cek_kredensial_bawaan(obs: ObservasiDbms) -> list[Temuan]:
    return _temuan("dbms.kredensial_bawaan", [
        f"{s.label}: login {s.kredensial_bawaan} diterima (satu percobaan, koneksi langsung "
        "ditutup)" for s in obs.layanan if s.kredensial_bawaan])


@task(name="dbms.tanpa_otentikasi", **_opsi_tugas)
async def cek_tanpa_otentikasi(obs: ObservasiDbms) -> list[Temuan]:
    return _temuan("dbms.tanpa_otentikasi", [
        f"{s.label}: {s.tanpa_otentikasi}" for s in obs.layanan if s.tanpa_otentikasi])


def _alamat(host: str) -> set[str]:
    try:
        return {i[4][0] for i in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}
    except socket.gaierror:
        return set()


def _lokal(alamat: set[str]) -> bool:
    return any(a.startswith("127.") or a == "::1" for a in alamat)


@task(name="dbms.satu_host", **_opsi_tugas)
async def cek_satu_host(target: TargetUji, obs: ObservasiDbms) -> list[Temuan]:
    if not obs.layanan:
        return []
    app, db = target.host, obs.host
    a, b = await asyncio.gather(asyncio.to_thread(_alamat, app), asyncio.to_thread(_alamat, db))
    if not a or not b:
        raise TidakDapatDiuji("alamat host aplikasi atau basis data tidak dapat di-resolve")
    if not (a & b or (_lokal(a) and _lokal(b))):
        return []
    port = ", ".join(s.label.split(" ", 1)[0].rsplit(":", 1)[1] for s in obs.layanan)
    return [CEK["dbms.satu_host"].temuan(
        f"host basis data {db} ({', '.join(sorted(b))}) sama dengan host aplikasi {app} "
        f"({', '.join(sorted(a))}); port basis data terbuka: {port}")]


# --- the web side -------------------------------------------------------------------------

GALAT_DB: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (nama, re.compile(pola, re.I)) for nama, pola in (
        ("PDO/SQLSTATE", r"SQLSTATE\[\w+\]"),
        ("MySQL", r"You have an error in your SQL syntax|mysqli?_(?:connect|query|fetch_\w+|"
                  r"num_rows)\(\)|Access denied for user '[^']*'@|Unknown database '"
                  r"|MySQL server has gone away|Can't connect to (?:local )?MySQL server"),
        ("CodeIgniter", r"A Database Error Occurred|Unable to connect to your database server"),
        ("PostgreSQL", r"pg_(?:connect|query|exec)\(\)|PG::\w+Error|psql: error"
                       r"|could not connect to server: |FATAL: {1,2}(?:password authentication"
                       r"|database \"[^\"]+\" does not exist|role \"[^\"]+\" does not exist)"),
        ("SQL Server", r"Microsoft OLE DB Provider for SQL Server|\[Microsoft\]\[ODBC SQL Server"
                       r"|Unclosed quotation mark after the character string"),
        ("Oracle", r"\bORA-\d{5}\b"),
        ("SQLite", r"SQLite3::|sqlite3\.OperationalError|SQLITE_ERROR"),
        ("MongoDB", r"MongoError|MongoServerError|MongoNetworkError"),
    )
)
_DUMP = re.compile(r"^-- (?:MySQL dump|MariaDB dump|PostgreSQL database dump|Dumping data)"
                   r"|^\s*CREATE TABLE\b|^\s*INSERT INTO\b|^-- phpMyAdmin SQL Dump", re.I | re.M)
BERKAS_DUMP = ("database.sql", "db.sql", "dump.sql", "backup.sql", "data.sql")
MAKS_TAUTAN_GALAT = 4
_TAUTAN_BERBAHAYA = re.compile(r"logout|keluar|hapus|delete|remove|destroy|drop|reset|batal",
                               re.I)
"""Links that might change something when followed are never fetched."""


def galat_db(teks: str) -> list[tuple[str, str]]:
    hasil = []
    for nama, pola in GALAT_DB:
        m = pola.search(teks)
        if m:
            potongan = re.sub(r"<[^>]*>?", " ", teks[max(0, m.start() - 20):m.end() + 80])
            hasil.append((nama, " ".join(potongan.split())[:140]))
    return hasil


@task(name="dbms.galat_db_web", **_opsi_tugas)
async def cek_galat_db_web(url: str) -> list[Temuan]:
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
    return _temuan("dbms.galat_db_web", list(dict.fromkeys(bukti)))


@task(name="dbms.dump_terbuka", **_opsi_tugas)
async def cek_dump_terbuka(url: str) -> list[Temuan]:
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
    return _temuan("dbms.dump_terbuka", bukti)
