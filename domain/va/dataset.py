"""The dated offline data behind the end-of-life and known-vulnerability checks.

``domain/va/data/dataset.json`` ships with the project: its date (``tanggal``) and source
(``sumber``) are printed in every report. A version is judged only from what the service
itself announced (nmap's product and version). A CVE is named only where the announced version
proves it: a build from a distribution (``9.2p1 Debian 2+deb12u3``) may carry the fix under the
upstream version number, so a CVE is never claimed on one.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

BERKAS = Path(__file__).resolve().parent / "data" / "dataset.json"

_DISTRO = re.compile(r"debian|ubuntu|deb\d|\bel\d|rhel|centos|fedora|suse|alpine|"
                     r"\+deb|ubuntu\d", re.IGNORECASE)


class Siklus(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    siklus: str
    eol: date | None


class ProdukEol(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    produk: str
    cocok: tuple[str, ...]
    lebih_tua_eol: bool = True
    siklus: tuple[Siklus, ...]


class CveVersi(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    cve: str
    produk: str
    cocok: tuple[str, ...]
    dari: str
    sebelum: str
    judul: str


class DatasetVA(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    tanggal: date
    sumber: str
    eol: tuple[ProdukEol, ...]
    cve: tuple[CveVersi, ...]


@cache
def dataset() -> DatasetVA:
    return DatasetVA.model_validate_json(BERKAS.read_bytes())


def angka_versi(teks: str) -> tuple[int | str, ...]:
    """A version as comparable parts: ``9.2p1`` → (9, 2, 'p', 1); ``1.3.5a`` → (1, 3, 5,
    'a')."""
    return tuple(int(b) if b.isdigit() else b for b in re.findall(r"\d+|[a-z]+",
                                                                     teks.lower()))


def _kurang(a: tuple[int | str, ...], b: tuple[int | str, ...]) -> bool:
    for x, y in zip(a, b, strict=False):
        if x == y:
            continue
        if isinstance(x, int) and isinstance(y, int):
            return x < y
        if isinstance(x, str) and isinstance(y, str):
            return x < y
        return isinstance(x, str)  # '9.8' < '9.8p1': a letter part sorts after the end
    return len(a) < len(b)


def produk_dan_versi(produk: str, versi: str) -> tuple[str, str, bool]:
    """(product key, upstream version, built by a distribution) from nmap's fields.

    MariaDB announces itself through the MySQL protocol as ``5.5.5-10.11.19-MariaDB-0+deb12u1``;
    nginx and others put the version in ``version``; Python's servers put it in the product
    or the extra information."""
    kunci = produk.lower()
    distro = bool(_DISTRO.search(versi))
    m = re.search(r"5\.5\.5-(\d+\.\d+\.\d+)-mariadb", versi.lower())
    if m:
        return "mariadb", m.group(1), distro
    m = re.search(r"python (\d+\.\d+(?:\.\d+)?)", f"{produk} {versi}".lower())
    if m:
        return "python", m.group(1), distro
    if re.search(r"or later|or earlier|\d\s*-\s*\d", versi.lower()):
        return kunci, "", distro  # nmap's guess of a range proves no version
    m = re.match(r"\s*([0-9][0-9a-z.]*)", versi.lower())
    return kunci, (m.group(1).rstrip(".") if m else ""), distro


def _cocok(pola: tuple[str, ...], kunci: str) -> bool:
    return any(p in kunci for p in pola)


def eol(produk: str, versi: str, *, pada: date) -> tuple[ProdukEol, str, date | None] | None:
    """The product's release cycle when it had ended on ``pada``: (product, cycle, end date;
    None when the version is older than every cycle listed); None when it had not or the
    data does not know the product or version."""
    kunci, v, _ = produk_dan_versi(produk, versi)
    if not v:
        return None
    angka = angka_versi(v)
    for p in dataset().eol:
        if not _cocok(p.cocok, kunci):
            continue
        for s in p.siklus:
            sik = angka_versi(s.siklus)
            if angka[:len(sik)] == sik:
                return (p, s.siklus, s.eol) if s.eol is not None and s.eol < pada else None
        tertua = min((angka_versi(s.siklus) for s in p.siklus), key=_kunci_urut)
        if p.lebih_tua_eol and _kurang(angka, tertua):
            return p, ".".join(str(b) for b in angka[:2]), None
        return None
    return None


def _kunci_urut(v: tuple[int | str, ...]) -> tuple[int, ...]:
    return tuple(b if isinstance(b, int) else 0 for b in v)


def cve(produk: str, versi: str) -> list[CveVersi]:
    """The CVEs the announced version proves (none for a distribution's build)."""
    kunci, v, distro = produk_dan_versi(produk, versi)
    if not v or distro:
        return []
    angka = angka_versi(v)
    return [c for c in dataset().cve if _cocok(c.cocok, kunci)
            and not _kurang(angka, angka_versi(c.dari)) and _kurang(angka, angka_versi(c.sebelum))]
