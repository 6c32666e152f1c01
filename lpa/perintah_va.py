"""``lpa va``: the vulnerability assessment of hosts and services, without a ticket.

Runs the same ``flows/va.py`` flow (and subflows) a VA ticket's step 5 runs, writes
``DIR/laporan.json``, ``DIR/laporan.html`` and ``DIR/laporan.pdf``, prints a summary and exits

* 0: LAYAK;
* 1: not LAYAK (``LAYAK_DENGAN_CATATAN`` or ``TIDAK_LAYAK``);
* 2: the assessment could not run (bad arguments, an address outside the scope, nmap
  missing, no open port on the hosts, the flow failed): a message on stderr, no report.

Prefect: the service's server when it answers, else a temporary one (as ``lpa kelaikan``).
The web checks' test account: ``--username``, its password from ``LPA_UJI_PASSWORD`` or a
hidden prompt, never the command line (lpa/sandi_uji.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr, ValidationError

from domain.va.cakupan import CakupanVA
from lpa.sandi_uji import ENV_SANDI, SandiTidakAda, sandi_akun_uji

LABEL_VERDICT = {"LAYAK": "LAYAK", "LAYAK_DENGAN_CATATAN": "LAYAK DENGAN CATATAN",
                 "TIDAK_LAYAK": "TIDAK LAYAK"}


def _gagal(pesan: str, rahasia: list[str] | None = None) -> typer.Exit:
    for r in rahasia or []:
        if r:
            pesan = pesan.replace(r, "[disensor]")
    typer.secho(pesan, err=True, fg=typer.colors.RED)
    return typer.Exit(2)


OPSI = {"ip_aplikasi": "--ip-aplikasi", "ip_database": "--ip-database",
        "ip_jaringan": "--ip-jaringan", "sapu": "--sapu"}


def _pesan_validasi(exc: ValidationError) -> str:
    baris = []
    for err in exc.errors(include_url=False, include_input=False):
        lokasi = ".".join(str(b) for b in err.get("loc", ()))
        pesan = str(err.get("msg", "")).removeprefix("Value error, ")
        baris.append(f"- {OPSI.get(lokasi, lokasi) + ': ' if lokasi else ''}{pesan}")
    return "Argumen tidak sah:\n" + "\n".join(baris)


def _ringkasan(laporan: object, berkas: list[Path]) -> str:
    from domain.kelaikan import alasan_verdict
    from domain.va.laporan import LaporanVA, judul_kategori

    assert isinstance(laporan, LaporanVA)
    baris = [f"Vulnerability assessment {laporan.target} (cakupan {laporan.cakupan}): "
             f"{LABEL_VERDICT[laporan.verdict]}",
             f"Waktu: {(laporan.finished - laporan.started).total_seconds():.1f} detik; data "
             f"EOL/CVE bertanggal {laporan.dataset.tanggal:%d-%m-%Y}", ""]
    for h in laporan.hosts:
        baris.append(f"Host {h.ip} ({h.peran}):")
        baris += [f"  {p.port}/{p.protokol:<4} {p.layanan}" for p in h.port] or \
            ["  tidak ada port terbuka"]
    alasan = alasan_verdict(laporan.categories)
    if alasan:
        baris += ["", "Mengapa bukan LAYAK:", *(f"  - {a}" for a in alasan)]
    temuan = laporan.temuan()
    if temuan:
        baris += ["", "Temuan utama:"]
        for kid, t in temuan[:15]:
            lokasi = f"{t.host or '-'}{f':{t.port}' if t.port else ''}"
            baris.append(f"  [{t.severity}] {lokasi} {t.title} ({judul_kategori(kid)})")
        if len(temuan) > 15:
            baris.append(f"  ... dan {len(temuan) - 15} temuan lain (lihat laporan)")
    baris += ["", "Laporan:", *(f"  {b}" for b in berkas)]
    return "\n".join(baris)


def va(
    ip_aplikasi: Annotated[str, typer.Option(
        "--ip-aplikasi", help="Alamat IP server aplikasi.")],
    out: Annotated[Path, typer.Option(
        "--out", help="Folder keluaran: laporan.json, laporan.html dan laporan.pdf.")],
    ip_database: Annotated[str | None, typer.Option(
        "--ip-database", help="Alamat IP server basis data.")] = None,
    ip_jaringan: Annotated[str | None, typer.Option(
        "--ip-jaringan", help="Jaringan dalam cakupan (CIDR); tanpa ini hanya kedua host "
                              "yang dihubungi.")] = None,
    sapu: Annotated[bool, typer.Option(
        "--sapu", help="Sapu juga host lain di IP jaringan (paling luas /24).")] = False,
    tanpa_web: Annotated[bool, typer.Option(
        "--tanpa-web", help="Tanpa uji kelaikan web pada layanan HTTP(S) yang ditemukan.",
    )] = False,
    username: Annotated[str | None, typer.Option(
        "--username", envvar="LPA_UJI_USERNAME",
        help=f"Akun uji untuk pemeriksaan web; kata sandinya dari variabel {ENV_SANDI}, atau "
             "ditanyakan di terminal tanpa ditampilkan.")] = None,
) -> None:
    """Vulnerability assessment host dan layanan tanpa tiket: tulis DIR/laporan.json,
    .html dan .pdf; keluar 0 bila LAYAK, 1 bila tidak, 2 bila tidak dapat dijalankan."""
    try:
        cakupan = CakupanVA(ip_aplikasi=ip_aplikasi, ip_database=ip_database,
                            ip_jaringan=ip_jaringan, sapu=sapu)
    except ValidationError as exc:
        raise _gagal(_pesan_validasi(exc)) from None
    try:
        password = sandi_akun_uji(username)
    except SandiTidakAda as exc:
        raise _gagal(str(exc)) from None
    rahasia = [password] if password else []
    if username is None and password is not None:
        raise _gagal(f"Variabel {ENV_SANDI} berisi kata sandi akun uji tanpa --username: "
                     "akun uji membutuhkan keduanya.")
    if out.exists() and not out.is_dir():
        raise _gagal(f"--out {out} sudah ada dan bukan folder.")
    from tasks.va.pindai import AlatTidakAda, program_nmap

    try:
        program_nmap()
    except AlatTidakAda as exc:
        raise _gagal(f"Vulnerability assessment tidak dapat dijalankan: {exc}.") from None

    from klien.lingkungan import server_atau_sementara
    from settings import get_settings

    server = server_atau_sementara(get_settings())
    typer.echo(f"Menilai {', '.join(cakupan.host_bernama())} dalam cakupan {cakupan.jaringan} "
               f"(Prefect: {server}) ...", err=True)
    from domain.va.laporan import LaporanVA, ringkas_galat
    from flows.va import VATidakDapatDijalankan
    from flows.va import va as alur_va
    from tasks.va.laporan import RahasiaBocor, tulis_laporan_va

    try:
        hasil = asyncio.run(alur_va(cakupan, web=not tanpa_web, username=username,
                                    password=SecretStr(password) if password else None))
        laporan = LaporanVA.model_validate(hasil)
    except Exception as exc:  # noqa: BLE001 - the assessment itself failed: exit 2
        sebab = str(exc) if isinstance(exc, VATidakDapatDijalankan) else ringkas_galat(exc)
        raise _gagal(f"Vulnerability assessment tidak dapat dijalankan: {sebab}", rahasia) \
            from None
    try:
        berkas = tulis_laporan_va(laporan, out, rahasia)
    except (OSError, RahasiaBocor) as exc:
        raise _gagal(f"Laporan VA tidak dapat ditulis: {exc}", rahasia) from None
    typer.echo(_ringkasan(laporan, berkas))
    raise typer.Exit(0 if laporan.verdict == "LAYAK" else 1)
