"""One ticket's life after intake: SOP steps 2-7, as one top-level run that suspends
whenever a person must act, and re-runs from the top when resumed (see flows/disposition)."""

from __future__ import annotations

from prefect import flow, get_client, get_run_logger
from prefect.context import get_run_context

from domain.alur import JenisAksi, aksi_berikutnya, ditolak
from domain.sop import LANGKAH_KELENGKAPAN, LangkahSOP, Peran
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

_KEPADA = {
    "disposisi_kadis": Peran.KABID_EGOV,
    "disposisi_kabid": Peran.PRANATA_KOMPUTER,
    "perintah_prakom": Peran.PETUGAS_SERVICE_DESK,
}


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
    if langkah is LANGKAH_KELENGKAPAN:
        pengembali = [s for s in tiket.langkah if s.decision == Keputusan.KEMBALIKAN][-1]
        pemohon = tiket.permohonan.pemohon
        return t.mulai_langkah(tiket.nomor, langkah, flow_run_id,
                               petugas=(pemohon.nip, pemohon.nama),
                               jam_berhenti=True, step_no=pengembali.step_no)
    petugas = None
    if langkah.menunggu_orang:
        nip, nama, _ = petugas_langkah(tiket, langkah)
        petugas = (nip, nama)
    return t.mulai_langkah(tiket.nomor, langkah, flow_run_id, petugas=petugas)


async def _jalankan(tiket: t.TiketSnapshot, langkah: LangkahSOP, step_id: int,
                    flow_run_id: str) -> None:
    kode = langkah.kode
    if kode == LANGKAH_KELENGKAPAN.kode:
        pengembali = [s for s in tiket.langkah if s.decision == Keputusan.KEMBALIKAN][-1]
        masukan = await tunggu_keputusan(
            tiket, langkah, step_id, KelengkapanPemohon, flow_run_id,
            penerima_pemohon(tiket), catatan_pengembalian=pengembali.note,
        )
        t.selesaikan_langkah(tiket.nomor, step_id, catatan=masukan.catatan or "Dilengkapi")
    elif kode in _KEPADA or kode == "rekomendasi":
        _, _, email = petugas_langkah(tiket, langkah)
        skpl = pemeriksaan_skpl(tiket) if kode == "rekomendasi" else None
        masukan = await tunggu_keputusan(tiket, langkah, step_id, KeputusanPejabat,
                                         flow_run_id, (email,), tambahan=skpl)
        catatan = masukan.catatan
        if skpl:
            catatan = f"{catatan}\n\n{skpl}".strip()
        t.catat_keputusan(tiket.nomor, step_id, masukan.nip, masukan.keputusan,
                          catatan, _KEPADA.get(kode), disposisi=kode in _KEPADA)
    elif kode == "hosting_integrasi":
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
    elif kode == "uji_kelaikan":
        await uji_kelaikan(tiket, step_id)
    elif kode == "laporan":
        hasil = HasilTiket.DITOLAK if ditolak(tiket.catatan) else HasilTiket.DISETUJUI
        t.tutup_tiket(tiket.nomor, hasil)
        path = buat_laporan(tiket.nomor)
        t.selesaikan_langkah(tiket.nomor, step_id, catatan="Laporan kerja dibuat",
                              laporan=path)
    elif kode == "arsip":
        # the final report (both steps, agenda number) is rendered and hashed in here
        hasil = "ditolak" if ditolak(tiket.catatan) else "selesai"
        t.arsipkan_tiket(
            tiket.nomor, step_id,
            f"{tiket.jenis.label} {tiket.nama_aplikasi} ({tiket.instansi}): {hasil}",
        )
        kabari_hasil_layanan(tiket.nomor)  # both penanggung jawab: outcome, report attached
        terbitkan_artefak_laporan(tiket.nomor)  # the final report in the UI as well
    else:  # pragma: no cover - the SOP table and this dispatch must agree
        raise RuntimeError(f"Langkah tanpa pelaksana: {kode}")
