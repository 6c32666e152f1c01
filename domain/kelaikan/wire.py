"""The pure parts of the database wire protocols the dbms probe speaks: a tiny BSON codec
(MongoDB) and the MySQL/MariaDB greeting. Bytes in, values out; unit-tested on recorded
greetings."""

from __future__ import annotations

import re
import struct

CLIENT_LONG_PASSWORD = 0x1
CLIENT_SSL = 0x800
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000


def versi_dari(teks: str) -> str | None:
    """The first dotted version number in ``teks``."""
    m = re.search(r"\d+(?:\.\d+)+", teks)
    return m.group(0) if m else None


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
        return "MariaDB", versi_dari(bersih)
    return "MySQL", versi_dari(versi)


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
