"""One ticket's life after intake: SOP steps 2-7, as one top-level run that suspends
whenever a person must act, and re-runs from the top when resumed (see flows/disposition).

How a step is done is decided by its kind in the SOP table (``domain.sop.JenisLangkah``):
one handler per kind, chosen from :data:`PELAKSANA`; whom a disposition goes to is the
table's too (``domain.sop.kepada``). No step is recognised here by its code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prefect import flow, get_client, get_run_logger
from prefect.context import get_run_context

from domain.alur import JenisAksi, aksi_berikutnya, ditolak
from domain.sop import JenisLangkah, LangkahSOP, kepada
from domain.tiket import HasilTiket, Keputusan
from flows.disposition import (
    CatatanHosting,
    KelengkapanPemohon,
    KeputusanPejabat,
    penerima_pemohon,
    petugas_langkah,
    tunggu_keputusan,
)
from flows.penamaan import nama_run_tiket
from flows.tindak_lanjut import (
    buat_laporan,
    pemeriksaan_skpl,
    terbitkan_artefak_laporan,
    uji_kelaikan,
)
from tasks import tiket as t
from tasks.pemohon import kabari_hasil_layanan


async def _beri_nama(flow_run_id: str, nomor: str, langkah: LangkahSOP) -> None:
    """Name the run after the ticket and its current step, for operators in the UI."""
    async with get_client() as client:
        await client.update_flow_run(
            flow_run_id, name=f"{nomor} · langkah {langkah.nomor} {langkah.kode}"
        )


@flow(name="proses-tiket", flow_run_name=nama_run_tiket)
async def proses_tiket(nomor_tiket: str) -> str:
    """Drive ticket ``nomor_tiket`` to the agenda book; returns its agenda number."""
    logger = get_run_logger()
    flow_run_id = str(get_run_context().flow_run.id)
    while True:
        tiket = t.baca_tiket(nomor_tiket)
        aksi = aksi_berikutnya(tiket.jenis, tiket.catatan)
        if aksi.jenis is JenisAksi.SELESAI:
            if t.pasang_laporan_arsip(nomor_tiket):  # a run stopped right after step 7
                logger.info("Laporan akhir %s dipasang", nomor_tiket)
            logger.info("Tiket %s selesai dan diarsipkan", nomor_tiket)
            return nomor_tiket
        langkah = aksi.langkah
        assert langkah is not None
        if aksi.jenis is JenisAksi.MULAI:
            await _beri_nama(flow_run_id, nomor_tiket, langkah)
            _mulai(tiket, langkah, flow_run_id)
            continue
        assert aksi.catatan_id is not None
        await _jalankan(tiket, langkah, aksi.catatan_id, flow_run_id)


def _mulai(tiket: t.TiketSnapshot, langkah: LangkahSOP, flow_run_id: str) -> int:
    if langkah.jenis is JenisLangkah.KELENGKAPAN:
        pengembali = _pengembali(tiket)
        pemohon = tiket.permohonan.pemohon
        return t.mulai_langkah(tiket.nomor, langkah, flow_run_id,
                               petugas=(pemohon.nip, pemohon.nama),
                               jam_berhenti=True, step_no=pengembali.step_no)
    petugas = None
    if langkah.menunggu_orang:
        nip, nama, _ = petugas_langkah(tiket, langkah)
        petugas = (nip, nama)
    return t.mulai_langkah(tiket.nomor, langkah, flow_run_id, petugas=petugas)


def _pengembali(tiket: t.TiketSnapshot) -> t.LangkahTersimpan:
    """The step that returned the request for completion (the last one)."""
    return [s for s in tiket.langkah if s.decision == Keputusan.KEMBALIKAN][-1]


async def _jalankan(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
                    flow_run_id: str) -> None:
    pelaksana = PELAKSANA.get(langkah.jenis)
    if pelaksana is None:  # pragma: no cover - tests/test_sop.py: every kind has one
        raise RuntimeError(f"Langkah tanpa pelaksana: {langkah.kode} ({langkah.jenis})")
    await pelaksana(tiket, langkah, step_id, flow_run_id)


# --- one handler per kind of step ---------------------------------------------------------

async def _kelengkapan(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
                       flow_run_id: str) -> None:
    """The requester completes a returned request; the clock is stopped meanwhile."""
    masukan = await tunggu_keputusan(
        tiket, langkah, step_id, KelengkapanPemohon, flow_run_id,
        penerima_pemohon(tiket), catatan_pengembalian=_pengembali(tiket).note,
    )
    t.selesaikan_langkah(tiket.nomor, step_id, catatan=masukan.catatan or "Dilengkapi")


async def _disposisi(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
                     flow_run_id: str) -> None:
    """An official decides and disposes the request to the post the table names next."""
    _, _, email = petugas_langkah(tiket, langkah)
    masukan = await tunggu_keputusan(tiket, langkah, step_id, KeputusanPejabat,
                                     flow_run_id, (email,))
    t.catat_keputusan(tiket.nomor, step_id, masukan.nip, masukan.keputusan,
                      masukan.catatan, kepada(langkah), disposisi=True)


async def _keputusan(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
                     flow_run_id: str) -> None:
    """An officer decides and writes a note, beside the automatic SKPL check."""
    _, _, email = petugas_langkah(tiket, langkah)
    skpl = pemeriksaan_skpl(tiket)
    masukan = await tunggu_keputusan(tiket, langkah, step_id, KeputusanPejabat,
                                     flow_run_id, (email,), tambahan=skpl)
    catatan = f"{masukan.catatan}\n\n{skpl}".strip()
    t.catat_keputusan(tiket.nomor, step_id, masukan.nip, masukan.keputusan,
                      catatan, None, disposisi=False)


async def _catatan(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
                   flow_run_id: str) -> None:
    """An officer decides and records the domain, hosting and integration done."""
    _, _, email = petugas_langkah(tiket, langkah)
    masukan = await tunggu_keputusan(tiket, langkah, step_id, CatatanHosting,
                                     flow_run_id, (email,))
    catatan = "; ".join(
        f"{label}: {nilai}" for label, nilai in (
            ("Domain", masukan.domain), ("Hosting", masukan.hosting),
            ("Integrasi", masukan.integrasi), ("Catatan", masukan.catatan),
        ) if nilai
    )
    t.catat_keputusan(tiket.nomor, step_id, masukan.nip, masukan.keputusan,
                      catatan, None, disposisi=False)


async def _uji(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
               flow_run_id: str) -> None:
    await uji_kelaikan(tiket, step_id)


async def _laporan(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
                   flow_run_id: str) -> None:
    """The ticket is closed and its working report rendered; the step keeps its path."""
    hasil = HasilTiket.DITOLAK if ditolak(tiket.catatan) else HasilTiket.DISETUJUI
    t.tutup_tiket(tiket.nomor, hasil)
    path = buat_laporan(tiket.nomor)
    t.selesaikan_langkah(tiket.nomor, step_id, catatan="Laporan dibuat", laporan=path)


async def _arsip(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
                 flow_run_id: str) -> None:
    # the final report (both steps, agenda number) is rendered and hashed in here
    hasil = "ditolak" if ditolak(tiket.catatan) else "selesai"
    t.arsipkan_tiket(
        tiket.nomor, step_id,
        f"{tiket.jenis.label} {tiket.nama_aplikasi} ({tiket.instansi}): {hasil}",
    )
    kabari_hasil_layanan(tiket.nomor)  # both penanggung jawab: outcome, report attached
    terbitkan_artefak_laporan(tiket.nomor)  # the final report in the UI as well


Pelaksana = Callable[[t.TiketSnapshot, LangkahSOP, int, str], Awaitable[None]]

PELAKSANA: dict[JenisLangkah, Pelaksana] = {
    JenisLangkah.KELENGKAPAN: _kelengkapan,
    JenisLangkah.DISPOSISI: _disposisi,
    JenisLangkah.KEPUTUSAN: _keputusan,
    JenisLangkah.CATATAN: _catatan,
    JenisLangkah.UJI: _uji,
    JenisLangkah.LAPORAN: _laporan,
    JenisLangkah.ARSIP: _arsip,
}
"""The handler of each kind of step the ticket's run does (step 1 is the intake's)."""
