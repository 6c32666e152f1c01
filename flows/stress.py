"""Uji beban: the stress-test subflow of the feasibility test (``kelaikan-uji-beban``).

From the form's load data it computes the target concurrency (Little's law × peak factor,
:mod:`domain.beban`), plans steps up to twice the target, renders the locustfile (the
form's scenario, a default browse of the given pages, or a user-supplied locustfile), runs
Locust in subprocesses (:mod:`tasks.stress`, never imported here: gevent), and returns the
``uji_beban`` category of the report with the measurements in ``beban``.

While Locust runs, a progress artifact moves in the Prefect UI; at the end a Markdown
artifact shows the verdict, the arithmetic and the per-step table. Nothing raises for a
run that could not happen: the category is then ``tidak_diuji`` with the reason.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import acreate_markdown_artifact, acreate_progress_artifact

from domain.beban import (
    DURASI_MAKS_BATAS,
    LuarCakupan,
    RingkasanBeban,
    Skenario,
    SkenarioTidakSah,
    hasil_langkah,
    kategori_uji_beban,
    muat_skenario,
    rencana_beban,
    ringkas,
    ringkasan_teks,
    sel_tahap,
    skenario_bawaan,
    skenario_terstruktur,
    target_konkurensi,
)
from domain.forms import UjiBeban
from domain.kelaikan import HasilKategori, TargetUji, kategori_tidak_diuji, sensor
from domain.opsi_beban import OpsiUjiBeban
from domain.teks import md_aman, md_kode
from flows.penamaan import nama_run
from tasks.kelaikan.artefak import kunci_artefak
from tasks.stress import Distribusi, GagalUjiBeban, jalankan_locust, siapkan_locustfile


def _skenario(beban: UjiBeban, target: TargetUji, paths: list[str] | None,
              catatan: list[str]) -> Skenario:
    """The form's scenario when it is structured; otherwise the default browse."""
    teks = beban.skenario
    if teks and skenario_terstruktur(teks):
        return muat_skenario(teks, ada_akun=target.username is not None)
    if teks:
        catatan.append("skenario pada formulir berupa teks bebas, bukan YAML/JSON; dijalankan "
                       "penjelajahan bawaan halaman aplikasi")
    return skenario_bawaan(paths or ["/"])


def _markdown(r: RingkasanBeban, url: str) -> str:
    # The URL, the reason and the notes may carry text from the request or from Locust's
    # output: made inert (domain.teks).
    label = {"lulus": "LULUS", "gagal": "GAGAL", "tidak_valid": "TIDAK VALID"}
    kap = "-" if r.capacity_users is None else (
        f"{'≥ ' if r.capacity_is_lower_bound else ''}{r.capacity_users}")
    baris = [
        f"# Uji beban: **{label[r.putusan]}**", "",
        f"- Aplikasi: {md_kode(url)}",
        f"- Target: **{r.target_users}** pengguna serentak; kapasitas: **{kap}** "
        f"(p95 ≤ {r.p95_threshold_ms:g} ms, galat < {r.error_rate_threshold * 100:g} %)",
        f"- Keterangan: {md_aman(r.alasan)}",
        f"- Perhitungan: {md_aman(r.arithmetic)}",
        f"- Generator beban jenuh: {'ya' if r.generator_saturated else 'tidak'}", "",
        "| Pengguna | Req/detik | p50 ms | p95 ms | p99 ms | Galat | CPU generator |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in r.steps:
        p50, p95, p99, cpu = sel_tahap(s)
        baris.append(f"| {s.users} | {s.rps:.1f} | {p50} | {p95} | "
                     f"{p99} | {s.error_rate * 100:.2f} % | {cpu} |")
    baris += [f"- Catatan: {md_aman(c)}" for c in r.notes]
    return "\n".join(baris)


async def laksanakan_uji_beban(
    target: TargetUji, beban: UjiBeban, opsi: OpsiUjiBeban | None = None, *,
    prefect: bool = True,
) -> HasilKategori:
    """The whole stress test with the options ``opsi`` (defaults when None); with
    ``prefect`` False it runs without a Prefect server (no artifacts, the Locust task called
    as a plain function)."""
    opsi = opsi or OpsiUjiBeban()
    log = get_run_logger() if prefect else None
    rahasia = target.rahasia()
    catatan: list[str] = []
    locustfile, kerja = opsi.locustfile, opsi.kerja
    try:
        if not 0 < opsi.durasi_maks <= DURASI_MAKS_BATAS:
            raise ValueError(f"durasi maksimum harus lebih dari 0 dan paling lama "
                             f"{DURASI_MAKS_BATAS:g} detik")
        if opsi.p95_ms <= 0:
            raise ValueError("ambang p95 harus lebih dari 0 ms")
        sasaran = target_konkurensi(beban.pengguna_per_hari, beban.jam_efektif_per_hari,
                                    beban.durasi_transaksi_menit, opsi.faktor_puncak)
        rencana = rencana_beban(
            sasaran.target, jumlah_langkah=opsi.jumlah_langkah,
            durasi_langkah=opsi.durasi_langkah, pemanasan=opsi.pemanasan,
            durasi_maks=opsi.durasi_maks, maks_pengguna=opsi.maks_pengguna,
            maks_permintaan=opsi.maks_permintaan)
        distribusi = Distribusi(processes=opsi.processes, master_bind=opsi.master_bind,
                                expect_workers=opsi.expect_workers,
                                tunggu_workers=opsi.tunggu_workers)
        skenario = None if locustfile else _skenario(beban, target, opsi.paths, catatan)
    except SkenarioTidakSah as exc:
        return kategori_tidak_diuji("uji_beban", sensor(str(exc), rahasia) or "")
    except ValueError as exc:
        return kategori_tidak_diuji("uji_beban", f"uji beban tidak dapat disiapkan: {exc}")
    if log:
        log.info("Uji beban %s: %s; %d tahap sampai %d pengguna, %.0f detik", target.url,
                 sasaran.aritmetika(), len(rencana.langkah), rencana.puncak,
                 rencana.durasi_total)
    sementara = kerja is None
    folder = Path(kerja) if kerja else Path(tempfile.mkdtemp(prefix="lpa-beban-"))
    try:
        berkas = siapkan_locustfile(folder, rencana, skenario,
                                    Path(locustfile) if locustfile else None)
        if locustfile:
            catatan.append("memakai locustfile dari pemohon; tahap beban diatur lpa")
        progress_id = None
        if prefect:
            progress_id = await acreate_progress_artifact(
                0.0, key=kunci_artefak(target.url, "uji-beban-progres"),
                description=f"Uji beban {md_aman(target.url)}: {len(rencana.langkah)} tahap sampai "
                            f"{rencana.puncak} pengguna serentak")
        jalankan = jalankan_locust if prefect else jalankan_locust.fn
        mentah = await jalankan(
            target.url, berkas, rencana, folder, distribusi,
            username=target.username, password=target.password, progress_id=progress_id)
    except GagalUjiBeban as exc:
        if log:
            log.warning("Uji beban %s tidak dapat dijalankan", target.url)
        return kategori_tidak_diuji(
            "uji_beban", sensor(f"uji beban tidak dapat dijalankan: {exc}", rahasia) or "")
    finally:
        if sementara:
            shutil.rmtree(folder, ignore_errors=True)
    steps = [hasil_langkah(s["users"], s["histogram"], s["requests"], s["failures"],
                           s["detik"], s["cpu"]) for s in mentah["langkah"]]
    if mentah.get("terlewat"):
        catatan.append("tahap tanpa pengukuran: " + ", ".join(map(str, mentah["terlewat"])))
    if mentah.get("alasan"):
        catatan.append(str(mentah["alasan"]))
    if mentah["dihentikan"]:
        catatan.append("Locust dihentikan pada batas waktu uji")
    if mentah["peringatan_cpu"] and not any(s.generator_saturated for s in steps):
        catatan.append("Locust sempat memperingatkan CPU generator di atas 90 % (sesaat)")
    ringkasan = ringkas(sasaran, rencana, steps, opsi.p95_ms,
                        selesai=bool(mentah.get("selesai")), catatan=catatan,
                        workers=mentah.get("workers"), load_seconds=mentah.get("detik_beban"),
                        cakupan=LuarCakupan.dari_hitungan(mentah.get("cakupan")))
    if log:
        log.info("%s", ringkasan_teks(ringkasan))
    if prefect:
        await acreate_markdown_artifact(
            _markdown(ringkasan, target.url), key=kunci_artefak(target.url, "uji-beban"),
            description="Uji beban: kapasitas, target dan hasil per tahap")
    return kategori_uji_beban(ringkasan)


@flow(name="kelaikan-uji-beban", flow_run_name=nama_run("uji_beban"),
      timeout_seconds=DURASI_MAKS_BATAS + 600)
async def uji_beban_flow(
    target: TargetUji, beban: UjiBeban, opsi: OpsiUjiBeban | None = None,
) -> HasilKategori:
    """Stress-test the application named in an approved request.

    ``beban``: the form's load data (users per day, effective hours, transaction minutes,
    optional scenario). ``opsi``: how hard, how long and where Locust runs
    (:class:`domain.opsi_beban.OpsiUjiBeban`: a user-supplied locustfile, the pages of the
    default browse, the thresholds, the distributed mode, a folder to keep Locust's files).
    """
    return await laksanakan_uji_beban(target, beban, opsi)


def ringkasan_dari(hasil: HasilKategori) -> RingkasanBeban | None:
    """The measurements carried by an ``uji_beban`` category, when it has them."""
    return RingkasanBeban.model_validate(hasil.beban) if hasil.beban else None


__all__ = ["laksanakan_uji_beban", "ringkasan_dari", "uji_beban_flow"]
