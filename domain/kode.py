"""One-time decision codes: proof that a decision comes from the person who got the mail.

A NIP is no secret (it is printed on letters), so a decision also needs the code mailed to
the assigned holder. Only a salted, slow hash of the code is stored, so a copy of the
database does not let anybody decide.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

ALFABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Digits and capitals without 0/O, 1/I/L: read aloud or retyped from a phone without doubt."""

PANJANG_KODE = 8
ITERASI = 200_000
_ALGORITMA = "pbkdf2_sha256"
_PANJANG_GARAM = 16
_MAKS_ITERASI = 10_000_000
_TANDA_PEMISAH = str.maketrans("", "", "-\u2010\u2011\u2012\u2013\u2014\u2212_")


def buat_kode() -> str:
    """A fresh code such as ``K7M2-QX9P`` (about 40 bits, from the OS random source)."""
    kode = "".join(secrets.choice(ALFABET) for _ in range(PANJANG_KODE))
    return f"{kode[:4]}-{kode[4:]}"


def normalisasi_kode(text: str) -> str:
    """The code as typed, without spaces or dashes (also typographic ones), upper-cased."""
    return "".join(text.split()).translate(_TANDA_PEMISAH).upper()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(kode: str, garam: bytes, iterasi: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", kode.encode("utf-8"), garam, iterasi)


def hash_kode(kode: str) -> str:
    """``pbkdf2_sha256$<iter>$<salt_b64>$<hash_b64>`` (about 90 characters)."""
    bersih = normalisasi_kode(kode)
    if not bersih:
        raise ValueError("Kode keputusan kosong")
    garam = secrets.token_bytes(_PANJANG_GARAM)
    return f"{_ALGORITMA}${ITERASI}${_b64(garam)}${_b64(_derive(bersih, garam, ITERASI))}"


def kode_cocok(kode: str, tersimpan: str) -> bool:
    """True when ``kode`` matches the stored hash; never raises (a bad input is just False)."""
    try:
        if not isinstance(kode, str) or not isinstance(tersimpan, str):
            return False
        bersih = normalisasi_kode(kode)
        if not bersih or len(bersih) > 64:
            return False
        algoritma, iterasi_teks, garam_b64, hash_b64 = tersimpan.split("$")
        if algoritma != _ALGORITMA or not iterasi_teks.isdigit():
            return False
        iterasi = int(iterasi_teks)
        if not 1 <= iterasi <= _MAKS_ITERASI:
            return False
        garam = base64.b64decode(garam_b64, validate=True)
        harapan = base64.b64decode(hash_b64, validate=True)
        if not garam or len(harapan) != hashlib.sha256().digest_size:
            return False
        return hmac.compare_digest(_derive(bersih, garam, iterasi), harapan)
    except (ValueError, binascii.Error, UnicodeError):
        return False
