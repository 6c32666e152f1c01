"""``lpa stress``: the stress part of the feasibility test on its own.

Writes ``DIR/uji_beban.json`` (the ``uji_beban`` category exactly as in ``laporan.json``),
``DIR/uji_beban.html`` (table and charts) and ``DIR/locust/`` (the locustfile, Locust's log and
CSV statistics), prints a summary, and exits 0 (pass), 1 (fail) or 2 (could not run, or the
result is not valid).

With a Prefect server reachable (``PREFECT_API_URL``, else the ``lpa up`` server of the
settings) the test runs as the ``kelaikan-uji-beban`` flow, visible in the UI with its
progress artifact; without one it runs the same code without orchestration.

Distributed: ``--master-bind HOST:PORT --expect-workers N`` starts the Locust master there;
on each worker machine run (with the same Python environment)::

    LPA_UJI_USERNAME=... LPA_UJI_PASSWORD=... \\
        python -m locust -f - --worker --master-host HOST --master-port PORT

(``-f -`` downloads the locustfile from the master; the test account only when the scenario
logs in).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from domain.beban import (
    DURASI_LANGKAH_DEFAULT,
    DURASI_MAKS_DEFAULT,
    FAKTOR_PUNCAK_DEFAULT,
    JUMLAH_LANGKAH_DEFAULT,
    P95_DEFAULT_MS,
    PEMANASAN_DEFAULT,
    SkenarioTidakSah,
    muat_skenario,
    ringkasan_teks,
)
from domain.errors import terjemahkan
from domain.forms import UjiBeban
from domain.kelaikan import TargetUji
from domain.opsi_beban import OpsiUjiBeban
from lpa.sandi_uji import ENV_SANDI, SandiTidakAda, sandi_akun_uji

KODE = {"lulus": 0, "gagal": 1, "tidak_valid": 2}

HALAMAN = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Uji beban {url}</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto}}
table{{border-collapse:collapse;margin:1rem 0}}td,th{{border:1px solid #ccc;padding:.3rem .6rem}}
.lewat-batas td{{background:#fdecea}}figure{{margin:1rem 0}}</style></head>
<body>{isi}</body></html>
"""


def _gagal(pesan: str, kode: int = 2) -> typer.Exit:
    typer.secho(pesan, err=True, fg=typer.colors.RED)
    return typer.Exit(kode)


def _prefect_tersedia() -> bool:
    """Point Prefect at a reachable server; False when there is none (run standalone)."""

    from klien import lingkungan
    from settings import get_settings

    try:
        lingkungan.arahkan(get_settings())
    except lingkungan.ServerTidakMenjawab:
        return False
    return True


def data_beban(pengguna_per_hari: int, jam_efektif: float, durasi_transaksi: float,
               skenario: Path | None, *, ada_akun: bool) -> tuple[str | None, UjiBeban]:
    """The load data as the form carries it, and a user-supplied locustfile if any; a clear
    message (exit 2) for a missing or invalid scenario or impossible figures."""
    locustfile, teks_skenario = None, None
    if skenario is not None:
        if not skenario.is_file():
            raise _gagal(f"--skenario: berkas {skenario} tidak ditemukan")
        if skenario.suffix == ".py":
            locustfile = str(skenario.resolve())
        else:
            teks_skenario = skenario.read_text(encoding="utf-8")
            try:
                muat_skenario(teks_skenario, ada_akun=ada_akun)
            except SkenarioTidakSah as exc:
                raise _gagal("\n".join(["Skenario pengujian tidak sah:", *exc.galat])) from None
    try:
        beban = UjiBeban(pengguna_per_hari=pengguna_per_hari, jam_efektif_per_hari=jam_efektif,
                         durasi_transaksi_menit=durasi_transaksi, skenario=teks_skenario)
    except ValidationError as exc:
        raise _gagal("\n".join(g["message"] for g in terjemahkan(exc, UjiBeban))) from None
    return locustfile, beban


def stress(
    url: Annotated[str, typer.Option(help="Alamat aplikasi yang diuji (http/https).")],
    pengguna_per_hari: Annotated[int, typer.Option(
        help="Estimasi maksimum pengguna per hari (formulir).")],
    jam_efektif: Annotated[float, typer.Option(help="Jam efektif pengaksesan per hari.")],
    durasi_transaksi: Annotated[float, typer.Option(
        help="Lama satu transaksi pengguna, dalam menit.")],
    out: Annotated[Path, typer.Option(help="Direktori hasil.")],
    skenario: Annotated[Path | None, typer.Option(
        help="Skenario YAML/JSON, atau locustfile (.py) buatan pemohon.")] = None,
    p95_ms: Annotated[float, typer.Option(
        help="Ambang waktu respons p95 dalam milidetik.")] = P95_DEFAULT_MS,
    durasi_maks: Annotated[float, typer.Option(
        help="Batas lama seluruh uji, dalam detik.")] = DURASI_MAKS_DEFAULT,
    faktor_puncak: Annotated[float, typer.Option(
        help="Faktor jam tersibuk terhadap rata-rata.")] = FAKTOR_PUNCAK_DEFAULT,
    jumlah_langkah: Annotated[int, typer.Option(
        help="Jumlah tahap beban sampai 2× target.")] = JUMLAH_LANGKAH_DEFAULT,
    durasi_langkah: Annotated[float, typer.Option(
        help="Lama tiap tahap, detik.")] = DURASI_LANGKAH_DEFAULT,
    pemanasan: Annotated[float, typer.Option(
        help="Detik awal tiap tahap yang tidak dihitung.")] = PEMANASAN_DEFAULT,
    path: Annotated[list[str] | None, typer.Option(
        help="Halaman penjelajahan bawaan bila tanpa skenario (boleh berulang).")] = None,
    username: Annotated[str | None, typer.Option(
        help="Nama pengguna akun uji (untuk langkah login skenario); kata sandinya dari "
             f"variabel lingkungan {ENV_SANDI}, atau ditanyakan tanpa ditampilkan bila "
             "dijalankan di terminal.")] = None,
    processes: Annotated[int, typer.Option(
        help="Proses worker lokal: -1 semua core, 0 satu proses.")] = -1,
    master_bind: Annotated[str | None, typer.Option(
        help="Mode terdistribusi: master Locust mendengarkan di HOST:PORT.")] = None,
    expect_workers: Annotated[int, typer.Option(
        help="Mode terdistribusi: jumlah worker yang ditunggu.")] = 0,
    tunggu_workers: Annotated[float, typer.Option(
        help="Mode terdistribusi: detik menunggu worker.")] = 60.0,
) -> None:
    """Uji beban (stress test): kapasitas pengguna serentak aplikasi terhadap target formulir."""
    from flows.stress import laksanakan_uji_beban, ringkasan_dari, uji_beban_flow
    from tasks.stress import render_html

    try:
        password = sandi_akun_uji(username)
    except SandiTidakAda as exc:
        raise _gagal(str(exc)) from None
    try:
        target = TargetUji(url=url, username=username, password=password)
    except ValidationError as exc:
        raise _gagal("; ".join(e["msg"].removeprefix("Value error, ")
                               for e in exc.errors(include_input=False))) from None
    locustfile, beban = data_beban(pengguna_per_hari, jam_efektif, durasi_transaksi, skenario,
                                   ada_akun=target.username is not None)
    out.mkdir(parents=True, exist_ok=True)
    opsi = OpsiUjiBeban(
        locustfile=locustfile, paths=path, p95_ms=p95_ms, faktor_puncak=faktor_puncak,
        durasi_maks=durasi_maks, jumlah_langkah=jumlah_langkah, durasi_langkah=durasi_langkah,
        pemanasan=pemanasan, processes=processes, master_bind=master_bind,
        expect_workers=expect_workers, tunggu_workers=tunggu_workers,
        kerja=str((out / "locust").resolve()))
    if master_bind:
        host, _, port = master_bind.rpartition(":")
        typer.echo(f"Master Locust di {master_bind}; jalankan di tiap mesin worker:\n"
                   f"  python -m locust -f - --worker --master-host {host} --master-port {port}")
    if _prefect_tersedia():
        hasil = asyncio.run(uji_beban_flow(target, beban, opsi))
    else:
        typer.echo("Server Prefect tidak terjangkau; uji beban dijalankan tanpa orkestrasi.")
        hasil = asyncio.run(laksanakan_uji_beban(target, beban, opsi, prefect=False))
    (out / "uji_beban.json").write_text(
        json.dumps(hasil.model_dump(mode="json"), ensure_ascii=False, indent=2),
        encoding="utf-8")
    ringkasan = ringkasan_dari(hasil)
    if ringkasan is None:
        raise _gagal(f"Uji beban tidak dapat dijalankan: {hasil.reason}")
    (out / "uji_beban.html").write_text(
        HALAMAN.format(url=target.url, isi=render_html(ringkasan)), encoding="utf-8")
    typer.echo(ringkasan_teks(ringkasan))
    typer.echo(f"Hasil: {out / 'uji_beban.json'}, {out / 'uji_beban.html'}")
    raise typer.Exit(KODE[ringkasan.putusan])
