"""``lpa kelaikan``: the feasibility test on its own, without a ticket.

Runs the same ``flows/kelaikan.py`` flow the SOP runs, writes ``DIR/laporan.json`` and
``DIR/laporan.html``, prints a summary and exits

* 0: LAYAK;
* 1: not LAYAK (``LAYAK_DENGAN_CATATAN`` or ``TIDAK_LAYAK``);
* 2: the test could not run (bad arguments, target unreachable, no category testable, the
  flow failed): a message on stderr and no report files at all.

Prefect: the service's server (``LPA_PREFECT_API_URL``, else ``PREFECT_API_URL``, else the
``lpa up`` default) when it answers, so the run is visible in its UI; otherwise a temporary
server of Prefect's own, started for this run (analytics off, start-up bounded by
``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``, 120 s here), and the command says so.

The test account's password comes from ``LPA_UJI_PASSWORD`` or a hidden prompt, never the
command line (lpa/sandi_uji.py). It never reaches stdout, stderr, logs or the report.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from domain.beban import DURASI_MAKS_BATAS, DURASI_MAKS_DEFAULT, P95_DEFAULT_MS
from domain.errors import terjemahkan
from domain.kelaikan import (
    KATEGORI,
    LaporanKelaikan,
    TargetUji,
    UjiTidakDapatDinilai,
    alasan_verdict,
)
from domain.opsi_beban import OpsiUjiBeban
from lpa.perintah_stress import data_beban
from lpa.sandi_uji import ENV_SANDI, SandiTidakAda, sandi_akun_uji

LABEL_VERDICT = {
    "LAYAK": "LAYAK",
    "LAYAK_DENGAN_CATATAN": "LAYAK DENGAN CATATAN",
    "TIDAK_LAYAK": "TIDAK LAYAK",
}
LABEL_STATUS = {"lulus": "lulus", "gagal": "GAGAL", "tidak_diuji": "tidak diuji"}


def _gagal(pesan: str, rahasia: list[str] | None = None) -> typer.Exit:
    for r in rahasia or []:
        if r:
            pesan = pesan.replace(r, "[disensor]")
    typer.secho(pesan, err=True, fg=typer.colors.RED)
    return typer.Exit(2)


OPSI = {"url": "--url", "username": "--username", "password": ENV_SANDI,
        "db_host": "--db-host", "db_port": "--db-port"}


def _pesan_validasi(exc: ValidationError) -> str:
    """Our validators speak Bahasa Indonesia already; pydantic's own rules are translated."""
    terjemahan = terjemahkan(exc, TargetUji)
    baris = []
    for err, alih in zip(exc.errors(include_url=False, include_input=False), terjemahan,
                         strict=True):
        lokasi = ".".join(str(b) for b in err.get("loc", ()))
        opsi = OPSI.get(lokasi, lokasi)
        if err.get("type") == "value_error":
            pesan = str(err.get("msg", "")).removeprefix("Value error, ")
        else:
            pesan = alih["message"].split(": ", 1)[-1]
        baris.append(f"- {opsi + ': ' if opsi else ''}{pesan}")
    return "Argumen tidak sah:\n" + "\n".join(baris)


def _siapkan_prefect() -> str:
    """The service's Prefect server when it answers, else a temporary one; say which.

    Must run before Prefect is first imported (klien/lingkungan.py explains why)."""
    from klien.lingkungan import server_atau_sementara
    from settings import get_settings

    return server_atau_sementara(get_settings())


def _ringkasan(laporan: LaporanKelaikan, berkas: tuple[Path, Path]) -> str:
    baris = [f"Uji kelaikan {laporan.target}: {LABEL_VERDICT[laporan.verdict]}",
             f"Waktu uji: {(laporan.finished - laporan.started).total_seconds():.1f} detik", ""]
    lebar = max((len(KATEGORI[k.id]) for k in laporan.categories), default=0)
    for k in laporan.categories:
        jumlah = {s: sum(t.severity == s for t in k.findings)
                  for s in ("tinggi", "sedang", "rendah", "info")}
        temuan = ", ".join(f"{n} {s}" for s, n in jumlah.items() if n) or "tanpa temuan"
        baris.append(f"  {KATEGORI[k.id]:<{lebar}} {LABEL_STATUS[k.status]:<12} {temuan}")
    alasan = alasan_verdict(laporan.categories)
    if alasan:  # not requested apart from could not be tested, and what to do
        baris += ["", "Mengapa bukan LAYAK:", *(f"  - {a}" for a in alasan)]
    temuan = laporan.temuan()
    if temuan:
        baris += ["", "Temuan utama:"]
        for _, t in temuan[:10]:
            baris.append(f"  [{t.severity}] {t.title} ({t.check_id})")
        if len(temuan) > 10:
            baris.append(f"  ... dan {len(temuan) - 10} temuan lain (lihat laporan)")
    baris += ["", f"Laporan: {berkas[0]}", f"         {berkas[1]}"]
    return "\n".join(baris)


def kelaikan(
    url: Annotated[str, typer.Option("--url", help="Alamat aplikasi yang diuji (http/https).")],
    out: Annotated[Path, typer.Option(
        "--out", help="Folder keluaran: laporan.json dan laporan.html ditulis di sini.")],
    username: Annotated[str | None, typer.Option(
        "--username", envvar="LPA_UJI_USERNAME",
        help=f"Nama pengguna akun uji; kata sandinya dari variabel {ENV_SANDI}, atau ditanyakan "
             "di terminal tanpa ditampilkan. Tidak pernah ditulis ke laporan atau log.")] = None,
    db_host: Annotated[str | None, typer.Option(
        "--db-host", help="Host basis data yang diuji (kategori DBMS).")] = None,
    db_port: Annotated[int | None, typer.Option(
        "--db-port", help="Port basis data; tanpa ini semua port basis data umum diperiksa.",
    )] = None,
    no_stress: Annotated[bool, typer.Option(
        "--no-stress", help="Tanpa uji beban (stress test).")] = False,
    pengguna_per_hari: Annotated[int | None, typer.Option(
        "--pengguna-per-hari", help="Uji beban: estimasi maksimum pengguna per hari.")] = None,
    jam_efektif: Annotated[float | None, typer.Option(
        "--jam-efektif", help="Uji beban: jam efektif pengaksesan per hari.")] = None,
    durasi_transaksi: Annotated[float | None, typer.Option(
        "--durasi-transaksi", help="Uji beban: lama satu transaksi pengguna, menit.")] = None,
    skenario: Annotated[Path | None, typer.Option(
        "--skenario", help="Uji beban: skenario YAML/JSON, atau locustfile (.py).")] = None,
    p95_ms: Annotated[float, typer.Option(
        "--p95-ms", help="Uji beban: ambang waktu respons p95, milidetik.")] = P95_DEFAULT_MS,
    durasi_maks: Annotated[float, typer.Option(
        "--durasi-maks", help="Uji beban: batas lama uji beban, detik.")] = DURASI_MAKS_DEFAULT,
) -> None:
    """Uji kelaikan tanpa tiket: tulis DIR/laporan.json dan DIR/laporan.html; keluar 0 bila
    LAYAK, 1 bila tidak, 2 bila uji tidak dapat dijalankan."""
    try:
        password = sandi_akun_uji(username)
    except SandiTidakAda as exc:
        raise _gagal(str(exc)) from None
    rahasia = [password] if password else []
    try:
        target = TargetUji(url=url, username=username, password=password, db_host=db_host,
                           db_port=db_port)
    except ValidationError as exc:
        raise _gagal(_pesan_validasi(exc), rahasia) from None
    if out.exists() and not out.is_dir():
        raise _gagal(f"--out {out} sudah ada dan bukan folder.")
    beban, opsi_beban = None, None
    angka_beban = (pengguna_per_hari, jam_efektif, durasi_transaksi)
    if not no_stress and any(a is not None for a in angka_beban):
        if any(a is None for a in angka_beban):
            raise _gagal("Uji beban membutuhkan --pengguna-per-hari, --jam-efektif dan "
                         "--durasi-transaksi bersama-sama (atau --no-stress).")
        if not 0 < durasi_maks <= DURASI_MAKS_BATAS:
            raise _gagal(f"--durasi-maks: harus lebih dari 0 dan paling lama "
                         f"{DURASI_MAKS_BATAS:g} detik")
        if p95_ms <= 0:
            raise _gagal("--p95-ms: harus lebih dari 0")
        locustfile, beban = data_beban(pengguna_per_hari or 0, jam_efektif or 0,
                                       durasi_transaksi or 0, skenario,
                                       ada_akun=target.username is not None)
        opsi_beban = OpsiUjiBeban(locustfile=locustfile, p95_ms=p95_ms, durasi_maks=durasi_maks)
    elif skenario is not None and not no_stress:
        raise _gagal("--skenario hanya berlaku bersama data uji beban (--pengguna-per-hari, "
                     "--jam-efektif, --durasi-transaksi).")

    server = _siapkan_prefect()
    from tasks.kelaikan.umum import TargetTidakTerjangkau, periksa_target

    # the cheap question first: without an answering application there is nothing to test
    try:
        asyncio.run(periksa_target.fn(target.url))
    except TargetTidakTerjangkau as exc:
        raise _gagal(str(exc), rahasia) from None

    typer.echo(f"Menguji {target.url} (Prefect: {server}) ...", err=True)
    from flows.kelaikan import TENGGANG_LAPORAN, alasan_batas, batas_uji
    from flows.kelaikan import kelaikan as alur_kelaikan
    from tasks.kelaikan.laporan import RahasiaBocor, tulis_laporan_kelaikan

    # the flow's own bound (LPA_UJI_BATAS_TOTAL) cuts what still runs and reports it; the
    # wall-clock timeout behind it only catches what that could not stop
    batas = batas_uji(beban is not None and not no_stress, durasi_maks) + TENGGANG_LAPORAN
    try:
        hasil = asyncio.run(alur_kelaikan.with_options(timeout_seconds=batas)(
            target, stress=not no_stress, beban=beban, opsi_beban=opsi_beban))
        laporan = LaporanKelaikan.model_validate(hasil)
    except TargetTidakTerjangkau as exc:
        raise _gagal(str(exc), rahasia) from None
    except UjiTidakDapatDinilai as exc:
        raise _gagal(f"Uji tidak dapat dinilai: {exc}", rahasia) from None
    except TimeoutError:
        raise _gagal(f"Uji kelaikan tidak dapat diselesaikan: {alasan_batas(batas)}.",
                     rahasia) from None
    except Exception as exc:  # noqa: BLE001 - the test itself failed: exit 2, no report
        pesan = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
        raise _gagal(f"Uji kelaikan tidak dapat dijalankan: {type(exc).__name__}"
                     + (f": {pesan}" if pesan else ""), rahasia) from None
    try:
        berkas = tulis_laporan_kelaikan(laporan, out, rahasia)
    except (OSError, RahasiaBocor) as exc:
        raise _gagal(f"Laporan tidak dapat ditulis: {exc}", rahasia) from None
    typer.echo(_ringkasan(laporan.tanpa_rahasia(rahasia), berkas))
    raise typer.Exit(0 if laporan.verdict == "LAYAK" else 1)
