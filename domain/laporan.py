"""What a ticket report (SOP step 6, "Laporan") says: plain data, filled from the store.

The templates in ``templates/`` format it; nothing else decides what goes into a report.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from domain.forms import FORM_TERSIMPAN_BY_JENIS
from domain.kelaikan import (
    CEK,
    LABEL_SEBAB,
    TINDAKAN_UMUM,
    HasilKategori,
    LaporanKelaikan,
    alasan_per_cek,
    nama_kategori,
    sebab_tidak_diuji,
    tindakan_pemohon,
)
from domain.sop import JenisLayanan
from domain.va.laporan import LaporanVA

# --- step 5's outcome, as the ticket keeps it ------------------------------------------------

class UjiTidakJalan(BaseModel):
    """Step 5's outcome when the feasibility test could not run at all: no verdict, why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    verdict: None = None
    target: str
    """The application URL only: never credentials."""
    ringkasan: str
    """Why the test could not run (target unreachable, timeout...)."""
    categories: list[HasilKategori] = Field(default_factory=list, max_length=0)
    """Always empty: kept so that ``kelaikan.json`` has one shape for every reader."""


HasilKelaikan = LaporanKelaikan | LaporanVA | UjiTidakJalan
"""What a ticket keeps of its feasibility test (``kelaikan.json``): the report (a VA
ticket's: :class:`domain.va.laporan.LaporanVA`, the same schema with hosts and services), or
why there is none. Dumped once to the file (tasks/pelaporan.simpan_kelaikan), validated once
when read (:func:`baca_hasil_kelaikan`); every reader uses the model."""

_HASIL_KELAIKAN: TypeAdapter[HasilKelaikan] = TypeAdapter(HasilKelaikan)


def baca_hasil_kelaikan(teks: str | bytes) -> HasilKelaikan:
    """``kelaikan.json`` as the model it was dumped from."""
    return _HASIL_KELAIKAN.validate_json(teks)


# --- the form, labelled by its own titles ------------------------------------------------

IDENTITAS: tuple[str, ...] = ("pemohon", "penanggung_jawab_struktural",
                              "penanggung_jawab_teknis")
"""The identity blocks of every form, shown first and in this order."""


def kelas_formulir(jenis: JenisLayanan | str | None) -> type[BaseModel] | None:
    """The model a ticket of ``jenis`` keeps its form as (None for an unknown type)."""
    return FORM_TERSIMPAN_BY_JENIS.get(str(getattr(jenis, "value", jenis)))


def _model_isian(kelas: type[BaseModel] | None, kunci: str) -> type[BaseModel] | None:
    """The model field ``kunci`` of ``kelas`` holds (``X`` or ``X | None``), else None."""
    info = kelas.model_fields.get(kunci) if kelas is not None else None
    if info is None:
        return None
    for calon in (info.annotation, *typing.get_args(info.annotation)):
        if isinstance(calon, type) and issubclass(calon, BaseModel):
            return calon
    return None


def judul_isian(kelas: type[BaseModel] | None, kunci: str) -> str:
    """The title the form gives field ``kunci`` (``Field(title=...)``, the one description
    of the forms); a key the form does not have (a form stored under older rules) reads as
    its words."""
    info = kelas.model_fields.get(kunci) if kelas is not None else None
    if info is not None and info.title:
        return info.title
    teks = str(kunci).replace("_", " ").strip()
    return teks[:1].upper() + teks[1:]


def berlabel(kelas: type[BaseModel] | None, nilai: Any) -> Any:
    """A stored form value with every key replaced by its field's title, nested models
    included (``penanggung_jawab_teknis.email`` → "Penanggung jawab teknis" /
    "Alamat surat elektronik")."""
    if isinstance(nilai, Mapping):
        return {judul_isian(kelas, k): berlabel(_model_isian(kelas, k), v)
                for k, v in nilai.items()}
    if isinstance(nilai, list | tuple):
        return [berlabel(kelas, v) for v in nilai]
    return nilai


def formulir_berlabel(jenis: JenisLayanan | str | None, formulir: Mapping[str, Any],
                      ) -> tuple[list[tuple[str, Any]], dict[str, Any]]:
    """The stored form as a report shows it: the identity blocks (title, labelled value)
    first, in :data:`IDENTITAS` order, then the rest, labelled."""
    kelas = kelas_formulir(jenis)
    sisa = dict(formulir)
    identitas = [(judul_isian(kelas, k), berlabel(_model_isian(kelas, k), sisa.pop(k)))
                 for k in IDENTITAS if k in sisa]
    return identitas, berlabel(kelas, sisa)


@dataclass(frozen=True)
class BarisLangkah:
    """One step of the ticket as it happened."""

    nomor: int
    kode: str
    aktivitas: str
    pelaksana: str
    """The post (label), e.g. "Kepala Dinas Kominfo"."""
    petugas: str | None
    """Name and NIP of the person assigned, when one was."""
    mulai: datetime
    jatuh_tempo: datetime | None
    """None while the clock was stopped (waiting on the requester)."""
    selesai: datetime | None
    terlambat: bool
    keputusan: str | None
    catatan: str | None


@dataclass(frozen=True)
class BarisDisposisi:
    waktu: datetime
    dari: str
    nip: str
    keputusan: str
    instruksi: str | None
    kepada: str | None


@dataclass(frozen=True)
class LaporanTiket:
    nomor: str
    jenis: str
    """Label of the request type, e.g. "Uji Kelayakan Aplikasi"."""
    nama_aplikasi: str
    instansi: str
    status: str
    hasil: str | None
    dibuat: datetime
    ditutup: datetime | None
    formulir: dict[str, Any]
    """The validated form as stored (secrets already removed)."""
    langkah: list[BarisLangkah]
    disposisi: list[BarisDisposisi]
    dibuat_pada: datetime
    """When this report was produced."""
    kelaikan: HasilKelaikan | None = None
    """The feasibility-test result for uji-kelayakan / VA tickets (``kelaikan.json``)."""
    catatan_tindak_lanjut: list[str] = field(default_factory=list)
    """Notes written by the officer; the feasibility result's own notes are added to them
    (:attr:`tindak_lanjut`)."""
    nomor_agenda: str | None = None
    """The agenda-book number: set only in the final report rendered at step 7."""
    diarsipkan: datetime | None = None
    """When the ticket was written in the agenda book (the final report only)."""

    @property
    def jenis_layanan(self) -> JenisLayanan | None:
        """The request type whose label :attr:`jenis` is."""
        return next((j for j in JenisLayanan if j.label == self.jenis), None)

    @property
    def tindak_lanjut(self) -> list[str]:
        """Everything the requester must act on: the officer's notes, then those the
        feasibility result calls for. Never empty when the verdict carries notes."""
        return [*self.catatan_tindak_lanjut, *catatan_kelaikan(self.kelaikan)]


_TINGKAT_TINDAK_LANJUT = frozenset({"tinggi", "sedang", "rendah"})
"""Severities that call for a follow-up (``info`` does not)."""


def _kalimat(teks: object) -> str:
    teks = str(teks or "").strip()
    return teks if not teks or teks.endswith((".", "!", "?")) else teks + "."


def tidak_dijalankan(kategori: HasilKategori) -> list[tuple[str, list[str]]]:
    """What of one category did not run, in words: (reason, titles of the checks it
    stopped), one entry per reason; no titles when the whole category was not tested."""
    per_cek, alasan_kategori = alasan_per_cek(kategori.reason)
    if alasan_kategori:
        return [(alasan_kategori, [])]
    if not per_cek and kategori.status == "tidak_diuji":
        return [("alasannya tidak tercatat", [])]
    kelompok: dict[str, list[str]] = {}
    for cid, sebab in per_cek.items():
        kelompok.setdefault(sebab, []).append(CEK[cid].judul if cid in CEK else cid)
    return list(kelompok.items())


def catatan_kelaikan(kelaikan: HasilKelaikan | None) -> list[str]:
    """The follow-up notes a feasibility result calls for, in words, for the requester.

    Each finding above ``info`` (what, how bad, the fix), and each check that did not run:
    grouped by reason, named by title, said to be "tidak diminta dalam permohonan" or "tidak
    dapat diuji" (:func:`domain.kelaikan.sebab_tidak_diuji`), with what the requester should
    do so that it can run (:func:`domain.kelaikan.tindakan_pemohon`). A verdict other than
    LAYAK always yields at least one note; a test that could not run at all says so.
    """
    if kelaikan is None:
        return []
    if isinstance(kelaikan, UjiTidakJalan):
        sebab = kelaikan.ringkasan or "sebabnya tidak tercatat"
        return [f"Uji kelaikan tidak dapat dijalankan: {_kalimat(sebab)} Yang perlu dilakukan "
                f"pemohon: {TINDAKAN_UMUM}."]
    verdict = kelaikan.verdict
    catatan: list[str] = []
    ada_temuan = False
    for kat in kelaikan.categories:
        nama = nama_kategori(kat.id)
        for t in kat.findings:
            if t.severity not in _TINGKAT_TINDAK_LANJUT:
                continue
            ada_temuan = True
            saran = _kalimat(t.recommendation)
            catatan.append(f"{nama}: temuan tingkat {t.severity}, {_kalimat(t.title)}"
                           + (f" Perbaikan: {saran}" if saran else ""))
        for sebab, judul in tidak_dijalankan(kat):
            # not requested (no data given) reads apart from could not be tested
            jenis = sebab_tidak_diuji(sebab)
            apa = LABEL_SEBAB[jenis] + (f" ({len(judul)} pemeriksaan: {'; '.join(judul)})"
                                        if judul else "")
            syarat = ("Katalog layanan mensyaratkan pengujian ini untuk putusan LAYAK. "
                      if jenis == "tidak_diminta" else "")
            catatan.append(f"{nama}: {apa} — {_kalimat(sebab)} {syarat}Yang perlu dilakukan "
                           f"pemohon: {tindakan_pemohon(sebab)}.")
    if ada_temuan:
        catatan.append("Setelah temuan di atas diperbaiki, ajukan uji ulang agar putusan "
                       "kelaikan diperbarui.")
    if not catatan and verdict != "LAYAK":
        catatan.append("Putusan uji kelaikan memuat catatan yang rinciannya tidak tercatat; "
                       "mintalah rincian kepada petugas service desk.")
    return catatan
