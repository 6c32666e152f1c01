"""The SOP of SC-04/EGOTIK/2023, "Pengajuan Layanan Pembangunan Aplikasi", as data.

This table exists once. Task timeouts, due dates, report columns, the roster's posts and
the documentation's diagrams are all derived from it; nothing else repeats its numbers.

Mutu baku ("quality standard") is a budget of *business* time: service hours 08:00-16:00
WIB on working days, so one working day ("hari kerja") is eight hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

HARI_KERJA = timedelta(hours=8)
"""One working day of business time."""


class Peran(StrEnum):
    """The actors (columns "PELAKSANA") of the SOP table."""

    OPD = "opd"
    KEPALA_DINAS = "kepala_dinas"
    KABID_EGOV = "kabid_egov"
    PRANATA_KOMPUTER = "pranata_komputer"
    PETUGAS_SERVICE_DESK = "petugas_service_desk"

    @property
    def label(self) -> str:
        return _LABEL_PERAN[self]

    @property
    def atasan(self) -> Peran | None:
        """The superior an escalation goes to (the disposition chain upwards)."""
        return _ATASAN[self]


_LABEL_PERAN = {
    Peran.OPD: "User PD/Entitas Lainnya",
    Peran.KEPALA_DINAS: "Kepala Dinas Kominfo",
    Peran.KABID_EGOV: "Kepala Bidang e-Government dan Statistik",
    Peran.PRANATA_KOMPUTER: "Pranata Komputer Fungsi Aplikasi dan Pemberdayaan TIK",
    Peran.PETUGAS_SERVICE_DESK: "Petugas Service Desk",
}
_ATASAN: dict[Peran, Peran | None] = {
    Peran.OPD: None,
    Peran.KEPALA_DINAS: None,
    Peran.KABID_EGOV: Peran.KEPALA_DINAS,
    Peran.PRANATA_KOMPUTER: Peran.KABID_EGOV,
    Peran.PETUGAS_SERVICE_DESK: Peran.PRANATA_KOMPUTER,
}


class JenisLayanan(StrEnum):
    """The three request forms, named as the ``lpa`` command names them."""

    PEMBANGUNAN = "pembangunan"
    UJI_KELAYAKAN = "uji-kelayakan"
    VA = "va"

    @property
    def label(self) -> str:
        return {
            JenisLayanan.PEMBANGUNAN: "Pembangunan Aplikasi",
            JenisLayanan.UJI_KELAYAKAN: "Uji Kelayakan Aplikasi",
            JenisLayanan.VA: "Vulnerability Assessment",
        }[self]


class TindakLanjut(StrEnum):
    """Step 5's three follow-ups ("Petugas service desk melakukan tindak lanjut")."""

    REKOMENDASI = "rekomendasi"
    HOSTING_INTEGRASI = "hosting_integrasi"
    UJI_KELAIKAN = "uji_kelaikan"


class JenisLangkah(StrEnum):
    """What kind of work a step is: the ticket's run has one handler per kind
    (flows/layanan.py), so the table, not the step's code, decides how a step is done."""

    PENGAJUAN = "pengajuan"
    """Step 1: the request comes in (the intake run, before the ticket's own run)."""
    DISPOSISI = "disposisi"
    """Steps 2-4: an official decides and disposes the request to the next post."""
    KEPUTUSAN = "keputusan"
    """An officer decides and writes a note (the recommendation, with the automatic check
    of the attached requirements document)."""
    CATATAN = "catatan"
    """An officer decides and records what was done (domain, hosting, integration)."""
    UJI = "uji"
    """An automated follow-up: the feasibility test, no person waits."""
    LAPORAN = "laporan"
    """The ticket is closed and its working report rendered."""
    ARSIP = "arsip"
    """The final report goes into the agenda book."""
    KELENGKAPAN = "kelengkapan"
    """Not an SOP step: the requester completes a returned request."""


@dataclass(frozen=True)
class LangkahSOP:
    """One row of the SOP table."""

    nomor: int
    kode: str
    aktivitas: str
    pelaksana: Peran
    kelengkapan: str
    mutu_baku: timedelta
    keluaran: str
    menunggu_orang: bool
    """True when the step waits for a person's decision or record (a suspended run)."""
    mutu_baku_min: timedelta | None = None
    """Lower end of a range ("3-5 hari kerja"); the due time uses the upper end."""
    tindak_lanjut: TindakLanjut | None = None
    jenis: JenisLangkah = field(kw_only=True)
    """What kind of work the step is (:class:`JenisLangkah`)."""

    @property
    def label(self) -> str:
        return f"{self.nomor}. {self.aktivitas}"


SOP: tuple[LangkahSOP, ...] = (
    LangkahSOP(
        1, "pengajuan", "User OPD melakukan pengajuan layanan", Peran.OPD,
        "", timedelta(hours=3), "Email, Surat, Telepon, Chat, Portal", menunggu_orang=False,
        jenis=JenisLangkah.PENGAJUAN,
    ),
    LangkahSOP(
        2, "disposisi_kadis", "Kadis Kominfo melakukan disposisi kepada Kabid eGotik",
        Peran.KEPALA_DINAS, "Surat Permohonan", timedelta(minutes=30), "Disposisi",
        menunggu_orang=True, jenis=JenisLangkah.DISPOSISI,
    ),
    LangkahSOP(
        3, "disposisi_kabid",
        "Kabid eGotik melakukan disposisi kepada Pranata Komputer Fungsi Aplikasi dan "
        "Pemberdayaan TIK",
        Peran.KABID_EGOV, "Surat Permohonan dan disposisi kadis", timedelta(minutes=15),
        "Disposisi", menunggu_orang=True, jenis=JenisLangkah.DISPOSISI,
    ),
    LangkahSOP(
        4, "perintah_prakom",
        "Pranata Komputer Fungsi Aplikasi dan Pemberdayaan TIK melakukan perintah kepada "
        "petugas service desk",
        Peran.PRANATA_KOMPUTER, "Surat Permohonan, disposisi kadis dan disposisi kabid eGotik",
        timedelta(minutes=15), "Disposisi", menunggu_orang=True,
        jenis=JenisLangkah.DISPOSISI,
    ),
    LangkahSOP(
        5, TindakLanjut.REKOMENDASI.value,
        "Petugas service desk melakukan tindak lanjut: pembuatan rekomendasi",
        Peran.PETUGAS_SERVICE_DESK, "Pembuatan rekomendasi", 5 * HARI_KERJA, "Catatan",
        menunggu_orang=True, mutu_baku_min=3 * HARI_KERJA,
        tindak_lanjut=TindakLanjut.REKOMENDASI, jenis=JenisLangkah.KEPUTUSAN,
    ),
    LangkahSOP(
        5, TindakLanjut.HOSTING_INTEGRASI.value,
        "Petugas service desk melakukan tindak lanjut: pemberian hosting domain dan "
        "pengintegrasian",
        Peran.PETUGAS_SERVICE_DESK, "Pemberian hosting domain dan pengintegrasian",
        5 * HARI_KERJA, "Catatan", menunggu_orang=True, mutu_baku_min=1 * HARI_KERJA,
        tindak_lanjut=TindakLanjut.HOSTING_INTEGRASI, jenis=JenisLangkah.CATATAN,
    ),
    LangkahSOP(
        5, TindakLanjut.UJI_KELAIKAN.value,
        "Petugas service desk melakukan tindak lanjut: pengujian kelaikan",
        Peran.PETUGAS_SERVICE_DESK, "Pengujian kelaikan", 5 * HARI_KERJA, "Catatan",
        menunggu_orang=False, mutu_baku_min=1 * HARI_KERJA,
        tindak_lanjut=TindakLanjut.UJI_KELAIKAN, jenis=JenisLangkah.UJI,
    ),
    LangkahSOP(
        6, "laporan", "Membuat laporan", Peran.PETUGAS_SERVICE_DESK, "Catatan",
        timedelta(hours=1), "Laporan", menunggu_orang=False, jenis=JenisLangkah.LAPORAN,
    ),
    LangkahSOP(
        7, "arsip", "Menyimpan laporan sebagai bukti", Peran.PETUGAS_SERVICE_DESK,
        "Buku agenda", timedelta(minutes=15), "Arsip", menunggu_orang=False,
        jenis=JenisLangkah.ARSIP,
    ),
)

LANGKAH: dict[str, LangkahSOP] = {langkah.kode: langkah for langkah in SOP}
"""Steps by code."""

TINDAK_LANJUT_PER_JENIS: dict[JenisLayanan, tuple[TindakLanjut, ...]] = {
    # A development request is first recommended, then hosted and integrated.
    JenisLayanan.PEMBANGUNAN: (TindakLanjut.REKOMENDASI, TindakLanjut.HOSTING_INTEGRASI),
    JenisLayanan.UJI_KELAYAKAN: (TindakLanjut.UJI_KELAIKAN,),
    JenisLayanan.VA: (TindakLanjut.UJI_KELAIKAN,),
}


def rencana_langkah(jenis: JenisLayanan) -> tuple[LangkahSOP, ...]:
    """The steps one ticket of ``jenis`` goes through, in order."""
    tindak_lanjut = {t.value for t in TINDAK_LANJUT_PER_JENIS[jenis]}
    return tuple(
        langkah
        for langkah in SOP
        if langkah.tindak_lanjut is None or langkah.kode in tindak_lanjut
    )


def langkah(kode: str) -> LangkahSOP:
    """The SOP row with this code; a clear error for an unknown one."""
    try:
        return LANGKAH[kode]
    except KeyError:
        raise KeyError(f"Langkah SOP tidak dikenal: {kode!r}") from None


def kepada(langkah: LangkahSOP) -> Peran | None:
    """Whom a disposition step disposes the request to: who acts in the next row of the
    table (step 2 → Kabid, 3 → Pranata Komputer, 4 → Petugas Service Desk); None for any
    other kind of step."""
    if langkah.jenis is not JenisLangkah.DISPOSISI:
        return None
    berikut = next(b for b in SOP if b.nomor > langkah.nomor)
    return berikut.pelaksana


def timeout_detik(kode: str) -> float:
    """Wall-clock bound of an automated step: its mutu baku as plain seconds.

    Business time is never shorter than wall time, so this bound never fires before the
    business-time due date would.
    """
    return langkah(kode).mutu_baku.total_seconds()


LANGKAH_KELENGKAPAN = LangkahSOP(
    0, "kelengkapan",
    "Pemohon melengkapi berkas permohonan yang dikembalikan",
    Peran.OPD, "Catatan pengembalian", timedelta(0), "Berkas lengkap", menunggu_orang=True,
    jenis=JenisLangkah.KELENGKAPAN,
)
"""Not an SOP step: while the requester completes a returned request the clock is stopped.

Its record carries no due time; the step that returned the request starts again afterwards
with a fresh budget.
"""

LANGKAH[LANGKAH_KELENGKAPAN.kode] = LANGKAH_KELENGKAPAN
