"""Step 5's automated follow-up (uji kelaikan) and step 6 (the report)."""

from __future__ import annotations

from prefect import get_run_logger, tags

from domain.forms import PermohonanPembangunan, PermohonanUjiKelayakan, PermohonanVA
from domain.kelaikan import LaporanKelaikan, TargetUji
from domain.laporan import HasilKelaikan, UjiTidakJalan
from domain.opsi_beban import OpsiUjiBeban
from domain.skpl import periksa_skpl
from domain.sop import timeout_detik
from flows.intake import tag_tiket
from flows.kelaikan import kelaikan
from flows.penamaan import untuk_tiket
from settings import get_settings
from tasks import tiket as t
from tasks.kelaikan.laporan import tulis_laporan_kelaikan
from tasks.pelaporan import (
    buat_laporan,
    kelaikan_path,
    simpan_kelaikan,
    terbitkan_artefak_laporan,
)

__all__ = ["buat_laporan", "pemeriksaan_skpl", "terbitkan_artefak_laporan", "uji_kelaikan"]


def pemeriksaan_skpl(tiket: t.TiketSnapshot) -> str:
    """The automatic check of the attached requirements document, for the officer to read.

    The catalog prescribes the outline of a "Spesifikasi Kebutuhan Aplikasi"; the officer
    sees which sections are missing before writing the recommendation.
    """
    form = tiket.permohonan
    teks = form.dokumen_spesifikasi if isinstance(form, PermohonanPembangunan) else None
    if not teks:
        return ("**Pemeriksaan otomatis SKPL:** tidak ada dokumen Spesifikasi Kebutuhan "
                "Aplikasi yang dilampirkan.")
    hasil = periksa_skpl(teks)
    return f"**Pemeriksaan otomatis SKPL:** {hasil.ringkasan}"


def target_dari_formulir(tiket: t.TiketSnapshot) -> TargetUji:
    """The test target named in the approved request, and nothing else: the feasibility
    form's URL and optional database host and port, or the VA form's addresses."""
    form = tiket.permohonan
    akun = t.akun_uji(tiket.nomor)
    port = network = None
    if isinstance(form, PermohonanUjiKelayakan):
        url, port = str(form.url_aplikasi), form.port_database
    elif isinstance(form, PermohonanVA):
        host = form.ip_aplikasi
        url = f"http://[{host}]/" if ":" in host else f"http://{host}/"
        network = form.ip_jaringan
    else:
        raise ValueError(f"Tiket {tiket.nomor} ({tiket.jenis.label}) tidak memuat target uji")
    return TargetUji(
        url=url,
        username=akun[0] if akun else None,
        password=akun[1] if akun else None,
        db_host=form.ip_database,
        db_port=port,
        network=network,
    )


async def uji_kelaikan(tiket: t.TiketSnapshot, step_id: int) -> None:
    logger = get_run_logger()
    settings = get_settings()
    batas = timeout_detik("uji_kelaikan") * settings.mutu_baku_faktor
    form = tiket.permohonan
    if isinstance(form, PermohonanVA):
        # the VA form's hosts and services, then the web checks on every HTTP(S) service
        from flows.va import va_untuk_tiket

        await va_untuk_tiket(tiket, step_id, batas)
        return
    target = target_dari_formulir(tiket)
    stress = isinstance(form, PermohonanUjiKelayakan) and "stress_test" in form.jenis_pengujian
    beban = form.uji_beban if isinstance(form, PermohonanUjiKelayakan) and stress else None
    opsi_beban = OpsiUjiBeban(durasi_maks=settings.uji_beban_durasi_maks,
                              p95_ms=settings.uji_beban_p95_ms)
    if stress:
        # the stress run must fit in the step's wall-clock bound, with room for the rest
        batas = max(batas, settings.uji_beban_durasi_maks + 300)
    try:
        # runs named after the ticket and tagged like it, so an operator finds them in the UI
        with untuk_tiket(tiket.nomor), tags(*tag_tiket(tiket.jenis, tiket.instansi)):
            # the flow's result is laporan.json (its persisted result, `lpa kelaikan`'s
            # file): validated into the model once, here, and kept as that model
            laporan = LaporanKelaikan.model_validate(
                await kelaikan.with_options(timeout_seconds=max(batas, 60))(
                    target, stress=stress, beban=beban, opsi_beban=opsi_beban))
        hasil: HasilKelaikan = laporan
        catatan = f"Hasil uji kelaikan: {laporan.verdict}"
    except Exception as exc:  # noqa: BLE001 - any failure of the test is reported, not hidden
        # The test itself could not run (target unreachable, timeout...): the ticket still
        # gets its report saying so, with no verdict, and the officer follows up.
        alasan = f"Uji kelaikan tidak dapat dijalankan: {exc}"
        hasil = UjiTidakJalan(target=str(target.url), ringkasan=alasan)
        catatan = alasan
    simpan_kelaikan(tiket.nomor, hasil)
    if isinstance(hasil, LaporanKelaikan):
        # the full feasibility report the office hands the agency, beside the ticket's own
        folder = kelaikan_path(tiket.nomor).parent / "kelaikan"
        tulis_laporan_kelaikan(hasil, folder, target.rahasia())
    logger.info("Uji kelaikan %s: %s", tiket.nomor, catatan)
    t.selesaikan_langkah(tiket.nomor, step_id, catatan=catatan)
