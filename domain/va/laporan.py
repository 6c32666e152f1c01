"""The VA report: the feasibility test's schema, with a category for hosts and services.

``laporan.json`` of a VA has the feasibility report's fields (``verdict``, ``target``,
``started``, ``finished``, ``categories``: each with ``id``, ``status``, ``reason``,
``findings``, ``checks_run``) and the same verdict rules (:func:`domain.kelaikan.
tentukan_verdict`). What it adds:

* the category ``host_dan_layanan`` (hosts and services) beside the six web categories;
* ``host`` and ``port`` on every finding (optional: a web finding carries the HTTP service it
  was found on, a host finding its host and port);
* ``hosts``: per host the open ports with service and version (the report's table);
* ``cakupan`` (the scope), ``dataset`` (the date and source of the end-of-life data) and
  ``layanan_web`` (which HTTP services the web checks ran on, and how each ended).

The web categories of several HTTP services are merged: one category per id, its findings
from every service (each naming its host and port), its status from all of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.kelaikan import (
    BOBOT_SEVERITY,
    DISENSOR,
    KATEGORI,
    SEVERITY_GAGAL,
    HasilKategori,
    LaporanKelaikan,
    Temuan,
    Verdict,
    alasan_per_cek,
    tentukan_verdict,
)
from domain.va.nmap import Layanan

KATEGORI_VA = "host_dan_layanan"
"""The hosts-and-services category id; its name reads as "Host dan layanan" wherever
:func:`domain.kelaikan.nama_kategori` names a category."""
JUDUL_KATEGORI_VA = "Host dan layanan jaringan"

KategoriVAId = Literal["struktur", "validasi_data", "otentikasi_sesi", "input_error", "dbms",
                       "lain_lain", "uji_beban", "host_dan_layanan"]


def judul_kategori(kid: str) -> str:
    return JUDUL_KATEGORI_VA if kid == KATEGORI_VA else KATEGORI.get(kid, kid)


class TemuanVA(Temuan):
    """A finding with where it was found: the host and (for a service) the port."""

    host: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)


class HasilKategoriVA(HasilKategori):
    id: KategoriVAId  # type: ignore[assignment]
    findings: list[TemuanVA] = Field(default_factory=list)  # type: ignore[assignment]

    @property
    def title(self) -> str:
        return judul_kategori(self.id)


def hasil_kategori_va(kategori: str, findings: Iterable[TemuanVA], checks_run: Iterable[str],
                      tidak_jalan: dict[str, str] | None = None) -> HasilKategoriVA:
    """As :func:`domain.kelaikan.hasil_kategori`, for findings that carry host and port."""
    findings = sorted(findings, key=lambda t: (-BOBOT_SEVERITY[t.severity], t.check_id,
                                               t.host or "", t.port or 0))
    tidak_jalan = dict(tidak_jalan or {})
    alasan = "; ".join(f"{cek}: {sebab}" for cek, sebab in tidak_jalan.items()) or None
    if any(t.severity in SEVERITY_GAGAL for t in findings):
        status = "gagal"
    elif tidak_jalan:
        status = "tidak_diuji"
    else:
        status = "lulus"
    return HasilKategoriVA(id=kategori, status=status, reason=alasan, findings=findings,
                           checks_run=list(dict.fromkeys(checks_run)))


class PortTerbuka(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    port: int
    protokol: str
    layanan: str
    """Service and version as nmap identified them (``ssh OpenSSH 9.2p1 ...``)."""
    tls: bool = False
    http: bool = False


class HostVA(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    ip: str
    peran: str
    """``aplikasi``, ``database``, ``aplikasi dan database`` or ``jaringan`` (found by a
    sweep)."""
    status: str
    """``diuji`` or why it could not be (``tidak ada port terbuka``, ...)."""
    port: list[PortTerbuka] = Field(default_factory=list)


class LayananWeb(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    url: str
    hasil: str
    """The feasibility verdict of this service, or why the web checks could not run."""


class InfoDataset(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    tanggal: date
    sumber: str


class LaporanVA(BaseModel):
    """The VA report; ``model_dump(mode="json")`` is ``laporan.json``."""

    model_config = ConfigDict(extra="forbid")

    jenis: Literal["va"] = "va"
    verdict: Verdict
    target: str
    """The addresses assessed, e.g. ``10.10.20.15, 10.10.20.16 (cakupan 10.10.20.0/24)``."""
    started: AwareDatetime
    finished: AwareDatetime
    categories: list[HasilKategoriVA]
    hosts: list[HostVA]
    cakupan: str
    dataset: InfoDataset
    layanan_web: list[LayananWeb] = Field(default_factory=list)
    pemindaian: str = ""
    """nmap's own summary line and its command (the options the scope allowed)."""

    @classmethod
    def susun(cls, *, target: str, cakupan: str, started: AwareDatetime,
              finished: AwareDatetime, categories: Sequence[HasilKategoriVA],
              hosts: Sequence[HostVA], dataset: InfoDataset,
              layanan_web: Sequence[LayananWeb] = (), pemindaian: str = "") -> LaporanVA:
        """The catalog's order (hosts and services first), the feasibility verdict rules."""
        urutan = [KATEGORI_VA, *KATEGORI]
        categories = sorted(categories, key=lambda k: urutan.index(k.id))
        ids = [k.id for k in categories]
        if len(ids) != len(set(ids)):
            raise ValueError("kategori ganda dalam laporan")
        return cls(verdict=tentukan_verdict(categories), target=target, started=started,
                   finished=finished, categories=list(categories), hosts=list(hosts),
                   cakupan=cakupan, dataset=dataset, layanan_web=list(layanan_web),
                   pemindaian=pemindaian)

    def temuan(self) -> list[tuple[str, TemuanVA]]:
        """All findings with their category id, most severe first."""
        semua = [(k.id, t) for k in self.categories for t in k.findings]
        return sorted(semua, key=lambda p: -BOBOT_SEVERITY[p[1].severity])

    def tanpa_rahasia(self, rahasia: Iterable[str]) -> LaporanVA:
        """A copy in which every given secret is replaced wherever it appears (as JSON
        writes it)."""
        teks = self.model_dump_json()
        for r in rahasia:
            if r:
                teks = teks.replace(json.dumps(r)[1:-1], DISENSOR)
        return LaporanVA.model_validate_json(teks)


def ringkas_galat(exc: BaseException) -> str:
    """An exception as one line a report or a person may read: its type and the first line
    of its message (never a traceback)."""
    baris = str(exc).strip().splitlines()
    return type(exc).__name__ + (f": {baris[0][:300]}" if baris else "")


def tandai(temuan: Iterable[Temuan], host: str | None, port: int | None) -> list[TemuanVA]:
    """Findings of the feasibility test, marked with the service they were found on."""
    return [TemuanVA(**t.model_dump(), host=host, port=port) for t in temuan]


def gabung_kategori_web(per_layanan: Sequence[tuple[Layanan, LaporanKelaikan | str]],
                        host_db: str | None) -> list[HasilKategoriVA]:
    """The web categories of every HTTP service merged, one per id.

    ``per_layanan``: each HTTP service with its feasibility report, or the reason its web
    checks could not run. A finding of the database host's own checks (``dbms.*`` apart from
    what the web pages show) names the database host; every other names the HTTP service.
    A category that could not run on one service is ``tidak_diuji`` there: its checks keep
    the reason, prefixed with the service.
    """
    temuan: dict[str, list[TemuanVA]] = {}
    jalan: dict[str, list[str]] = {}
    tidak: dict[str, dict[str, str]] = {}
    for layanan, hasil in per_layanan:
        asal = f"{layanan.host}:{layanan.port}"
        if isinstance(hasil, str):
            for kid in KATEGORI:
                if kid == "uji_beban":
                    continue
                tidak.setdefault(kid, {})[f"{kid}.semua"] = f"{asal}: {hasil}"
            continue
        for k in hasil.categories:
            for t in k.findings:
                db = t.check_id.startswith("dbms.") and t.check_id not in (
                    "dbms.galat_db_web", "dbms.dump_terbuka")
                host, port = (host_db, None) if db and host_db else (layanan.host, layanan.port)
                temuan.setdefault(k.id, []).extend(tandai([t], host, port))
            jalan.setdefault(k.id, []).extend(k.checks_run)
            per_cek, alasan_kat = alasan_per_cek(k.reason)
            for cid, sebab in per_cek.items():
                tidak.setdefault(k.id, {})[cid] = f"{asal}: {sebab}"
            if alasan_kat:
                tidak.setdefault(k.id, {})[f"{k.id}.semua"] = f"{asal}: {alasan_kat}"
    ids = [kid for kid in KATEGORI if kid in temuan or kid in jalan or kid in tidak]
    return [hasil_kategori_va(kid, temuan.get(kid, []), jalan.get(kid, []), tidak.get(kid))
            for kid in ids]

