"""The ``lpa`` command. Output for people is in Bahasa Indonesia; JSON output is for programs.

Every verb imports what it needs inside its function: the command starts in a fraction of
a second whatever the verb, and ``lpa --help`` lists them all without importing Prefect,
the form models, Alembic, Locust or the report renderer (bench/bench_verbs.py).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from domain.calendar import WIB, BusinessCalendar, add_business_time, parse_business_duration
from domain.sop import JenisLayanan
from klien import galat, lingkungan
from lpa import bahasa_cli
from settings import get_settings

# Before anything imports Prefect: no telemetry or analytics from this process or its children.
lingkungan.matikan_telemetri()
bahasa_cli.bantuan_berbahasa_indonesia()

app = typer.Typer(
    help="lpa: Layanan Pembangunan Aplikasi (SC-04/EGOTIK/2023) Diskominfo Babel.",
    no_args_is_help=True,
    add_completion=False,
    # Typer's own traceback printer shows local variables (a form, a password): never.
    pretty_exceptions_enable=False,
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(f"Berkas {path} tidak ditemukan") from None
    except UnicodeDecodeError as exc:
        raise _fail(f"Berkas {path} bukan teks UTF-8 (bita ke-{exc.start + 1} tidak sah); "
                    "simpan ulang formulir sebagai UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _fail(f"Berkas {path} bukan JSON yang sah: baris {exc.lineno}, "
                    f"kolom {exc.colno}") from None
    except OSError as exc:
        raise _fail(f"Berkas {path} tidak dapat dibaca ({exc.strerror or exc})") from None
    if not isinstance(data, dict):
        raise _fail(f"Berkas {path} harus berisi satu objek JSON (formulir)")
    akun = data.get("akun_uji")
    if isinstance(akun, dict) and isinstance(akun.get("password"), str):
        galat.rahasiakan(akun["password"])
    return data


@app.command()
def validate(
    form: Annotated[Path, typer.Argument(help="Formulir dalam JSON.")],
    jenis: Annotated[
        JenisLayanan | None,
        typer.Option(help="Jenis formulir; tanpa ini ditebak dari isinya."),
    ] = None,
) -> None:
    """Periksa formulir permohonan; cetak {"valid", "errors"}; keluar 0 bila sah, 1 bila tidak."""
    from domain.errors import validasi
    from domain.forms import detect_jenis

    data = _read_json(form)
    jenis_value = jenis.value if jenis else detect_jenis(data)
    if jenis_value is None:
        errors = [{
            "field": "jenis",
            "message": "Jenis formulir tidak dapat ditebak; sebutkan --jenis "
                       "pembangunan, uji-kelayakan atau va",
        }]
    else:
        _, errors = validasi(jenis_value, data)
    typer.echo(json.dumps({"valid": not errors, "errors": errors}, ensure_ascii=False, indent=2))
    raise typer.Exit(0 if not errors else 1)


@app.command()
def due(
    start: Annotated[str, typer.Option(help="Waktu mulai ISO 8601 dengan zona, mis. "
                                            "2026-11-30T09:00:00+07:00.")],
    duration: Annotated[str, typer.Option(help="Mutu baku: 30m, 3h, 5d (1d = 8 jam kerja).")],
) -> None:
    """Hitung jatuh tempo: waktu mulai ditambah waktu layanan (jam kerja, WIB)."""
    try:
        mulai = datetime.fromisoformat(start)
    except ValueError:
        raise _fail(f"--start: {start!r} bukan waktu ISO 8601 yang sah") from None
    try:
        durasi = parse_business_duration(duration)
        hasil = add_business_time(mulai, durasi, BusinessCalendar.dari_pengaturan(get_settings()))
    except ValueError as exc:
        raise _fail(f"{exc}") from None
    typer.echo(hasil.astimezone(WIB).isoformat())


def _prefect_api() -> None:
    """Point Prefect at the service's server (see klien/lingkungan.py), or say it is not up."""
    try:
        lingkungan.arahkan(get_settings())
    except lingkungan.ServerTidakMenjawab as exc:
        raise _fail(str(exc)) from None


def _run(operation):  # type: ignore[no-untyped-def]
    from klien.operasi import GagalOperasi
    from store.repo import StoreError

    try:
        return operation()
    except GagalOperasi as exc:
        raise _fail(str(exc), exc.code) from None
    except StoreError as exc:
        raise _fail(str(exc), 1) from None


@app.command()
def submit(
    form: Annotated[Path, typer.Argument(help="Formulir dalam JSON.")],
    jenis: Annotated[JenisLayanan | None, typer.Option(help="Jenis formulir.")] = None,
    key: Annotated[str | None, typer.Option(
        help="Kunci idempoten; bawaan: sidik jari isi formulir.")] = None,
) -> None:
    """Ajukan permohonan (seperti portal): buat run intake, cetak nomor tiket."""
    from klien import operasi

    data = _read_json(form)  # the file's own faults first, before any server is asked
    _prefect_api()
    nomor = _run(lambda: operasi.submit(get_settings(), data, jenis.value if jenis else None,
                                        key))
    typer.echo(nomor)


@app.command()
def inbox(
    nip: Annotated[str | None, typer.Option(
        help="Hanya untuk NIP ini (boleh berspasi, mis. \"19720315 199803 1 002\").")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON.")] = False,
) -> None:
    """Keputusan yang sedang menunggu: tiket, langkah, pejabat, jatuh tempo, run."""
    from rich.console import Console
    from rich.table import Table

    from klien import operasi

    items = _run(lambda: operasi.inbox(get_settings(), nip))
    if as_json:
        typer.echo(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
        return
    table = Table(title="Menunggu keputusan")
    for column in ("Tiket", "Langkah", "Pejabat", "NIP", "Jatuh tempo (WIB)", "Run"):
        table.add_column(column)
    for i in items:
        tempo = i.jatuh_tempo.astimezone(WIB).strftime("%d-%m-%Y %H:%M") if i.jatuh_tempo \
            else "jam berhenti"
        if i.terlambat:
            tempo += " TERLAMBAT"
        table.add_row(i.tiket, f"{i.step_no} {i.langkah}", f"{i.nama} ({i.peran})",
                      i.nip or "-", tempo, i.flow_run_id or "-")
    Console().print(table)


@app.command()
def decide(
    tiket: Annotated[str, typer.Argument(help="Nomor tiket, mis. LPA-2026-000001.")],
    nip: Annotated[str, typer.Option(help="NIP Anda.")],
    code: Annotated[str, typer.Option(help="Kode keputusan sekali pakai dari surel.")],
    decision: Annotated[str, typer.Option(help="setuju | tolak | kembalikan")],
    note: Annotated[str, typer.Option(help="Instruksi / catatan disposisi.")] = "",
    domain: Annotated[str, typer.Option(help="(Langkah hosting) domain.")] = "",
    hosting: Annotated[str, typer.Option(help="(Langkah hosting) server/VM.")] = "",
    integrasi: Annotated[str, typer.Option(help="(Langkah hosting) integrasi.")] = "",
) -> None:
    """Putuskan langkah yang menunggu (melanjutkan run yang ditangguhkan)."""
    from klien import operasi

    if decision not in ("setuju", "tolak", "kembalikan"):
        raise _fail("--decision harus salah satu dari: setuju, tolak, kembalikan")
    _prefect_api()
    extra = {"domain": domain, "hosting": hosting, "integrasi": integrasi}
    langkah = _run(lambda: operasi.decide(get_settings(), tiket, nip, code, decision, note,
                                          extra))
    typer.echo(f"Keputusan '{decision}' untuk {tiket.upper()} langkah {langkah} diterima.")


@app.command()
def lengkapi(
    tiket: Annotated[str, typer.Argument(help="Nomor tiket.")],
    nip: Annotated[str, typer.Option(help="NIP pemohon.")],
    code: Annotated[str, typer.Option(help="Kode dari surel pengembalian.")],
    note: Annotated[str, typer.Option(help="Apa yang dilengkapi.")] = "",
) -> None:
    """Pemohon menyatakan berkas yang dikembalikan sudah dilengkapi."""
    from klien import operasi

    _prefect_api()
    _run(lambda: operasi.lengkapi(get_settings(), tiket, nip, code, note))
    typer.echo(f"Kelengkapan tiket {tiket.upper()} diterima; layanan berlanjut.")


@app.command()
def lanjutkan(
    tiket: Annotated[str, typer.Argument(help="Nomor tiket.")],
    operator: Annotated[str | None, typer.Option(help="Nama/NIP operator (untuk audit).")] = None,
) -> None:
    """Mulai lagi run tiket yang berhenti (dibatalkan operator, atau gagal dipulihkan)."""
    from tasks.pemulihan import TidakDapatDilanjutkan, tiket_dapat_dilanjutkan
    from tasks.pemulihan import lanjutkan as mulai_lagi

    try:
        _run(lambda: tiket_dapat_dilanjutkan(tiket))  # the store first: Prefect may be down
        _prefect_api()
        hasil = _run(lambda: mulai_lagi(tiket, operator))
    except TidakDapatDilanjutkan as exc:
        raise _fail(str(exc), 1) from None
    typer.echo(f"Tiket {hasil.nomor} dilanjutkan oleh run {hasil.run_baru} ({hasil.alasan}).")


def _wib(value: datetime | str | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(WIB).strftime("%d-%m-%Y %H:%M")


@app.command()
def status(
    tiket: Annotated[str | None, typer.Argument(
        help="Nomor tiket; tanpa ini: daftar tiket yang masih terbuka.")] = None,
    instansi: Annotated[str | None, typer.Option(
        help="(Daftar) hanya instansi yang namanya memuat teks ini.")] = None,
    jenis: Annotated[JenisLayanan | None, typer.Option(
        help="(Daftar) hanya jenis layanan ini.")] = None,
    terlambat: Annotated[bool, typer.Option(
        "--terlambat", help="(Daftar) hanya langkah yang melewati jatuh tempo.")] = False,
    nip: Annotated[str | None, typer.Option(
        help="(Daftar) hanya langkah yang ditugaskan kepada NIP ini.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON.")] = False,
) -> None:
    """Tanpa nomor tiket: daftar tiket terbuka (langkah, petugas, jatuh tempo, mutu baku
    terpakai). Dengan nomor tiket: hasilnya dan langkah-langkahnya dengan waktu, keputusan
    dan tanda terlambat."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from klien import operasi

    if tiket is None:
        _daftar_terbuka(instansi, jenis.value if jenis else None, terlambat, nip, as_json)
        return
    if instansi or jenis or terlambat or nip:
        raise _fail("--instansi, --jenis, --terlambat dan --nip hanya untuk daftar tiket "
                    "terbuka (tanpa nomor tiket)")
    data = _run(lambda: operasi.status(get_settings(), tiket))
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return

    # the application's name is the requester's text: never Rich markup
    table = Table(title=f"{data['tiket']} · {escape(data['aplikasi'])} · {data['status']}"
                  + (f" · {data['nomor_agenda']}" if data["nomor_agenda"] else ""))
    for column in ("No", "Langkah", "Mulai", "Jatuh tempo", "Selesai", "Keputusan", "Terlambat"):
        table.add_column(column)
    for s in data["langkah"]:
        table.add_row(str(s["no"]), s["kode"], _wib(s["mulai"]), _wib(s["jatuh_tempo"]),
                      _wib(s["selesai"]), s["keputusan"] or "-", "YA" if s["terlambat"] else "")
    console = Console()
    console.print(table)
    console.print(f"Hasil        : {escape(data['uraian_hasil'])}", highlight=False)
    if data["verdict_kelaikan"]:
        console.print(f"Uji kelaikan : {data['verdict_kelaikan'].replace('_', ' ')}",
                      highlight=False)
    if data["nomor_agenda"]:
        console.print(f"Nomor agenda : {data['nomor_agenda']}", highlight=False)


def _daftar_terbuka(instansi: str | None, jenis: str | None, terlambat: bool,
                    nip: str | None, as_json: bool) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from klien import operasi

    items = _run(lambda: operasi.tiket_terbuka(get_settings(), instansi=instansi, jenis=jenis,
                                               nip=nip, hanya_terlambat=terlambat))
    if as_json:
        typer.echo(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
        return
    disaring = bool(instansi or jenis or terlambat or nip)
    if not items:
        typer.echo("Tidak ada tiket terbuka" + (" yang cocok dengan saringan." if disaring
                                                 else "."))
        return
    table = Table(title=f"Tiket terbuka ({len(items)})")
    for column in ("Tiket / jenis", "Instansi", "Langkah", "Petugas", "Jatuh tempo (WIB)",
                   "Terpakai"):
        # on a narrow screen a cell folds: a ticket number or NIP is never cut off
        table.add_column(column, overflow="fold")
    for i in items:
        petugas = i.nama or i.pelaksana or "-"
        if i.nip:
            petugas += f"\n{i.nip}"
        if i.langkah is None:
            tempo, terpakai = "-", "-"
        elif i.jatuh_tempo is None:
            tempo, terpakai = "jam berhenti", "-"
        else:
            tempo, terpakai = _wib(i.jatuh_tempo), f"{i.persen_terpakai or 0:.0f} %"
        if i.terlambat:
            tempo += "\nTERLAMBAT"
        # agency and names are people's text: never Rich markup
        table.add_row(f"{i.tiket}\n{i.jenis}", escape(i.instansi),
                      f"{i.step_no} {i.langkah}" if i.langkah else "(beralih langkah)",
                      escape(petugas), tempo, terpakai)
    Console().print(table)


@app.command()
def up(
    port: Annotated[int, typer.Option(help="Port server Prefect (127.0.0.1).")] = 4200,
    portal_port: Annotated[int | None, typer.Option(
        "--portal-port", help="Port portal (bawaan: LPA_PORTAL_PORT, 8080).")] = None,
) -> None:
    """Nyalakan server Prefect (SQLite), sajikan semua deployment, dan nyalakan portal;
    Ctrl-C menghentikan."""
    import time

    from lpa import server

    # Ctrl-C, SIGTERM from a service manager, SIGHUP: all stop everything cleanly (also when
    # started in the background, where SIGINT would otherwise be ignored)
    server.henti_pada_sinyal()
    settings = get_settings()
    for alamat, nomor, apa, pilihan in (
            ("127.0.0.1", port, "server Prefect", "--port"),
            (settings.portal_host, portal_port or settings.portal_port, "portal",
             "--portal-port atau LPA_PORTAL_PORT")):
        if server.port_dipakai(alamat, nomor):
            raise _fail(f"Port {nomor} di {alamat} (untuk {apa}) sudah dipakai proses lain "
                        f"(mungkin `lpa up` yang lain). Hentikan proses itu, atau pilih port "
                        f"lain dengan {pilihan}.")
    from store import db

    db.upgrade(settings.store_url)
    api = f"http://127.0.0.1:{port}/api"
    env = server.prefect_env(settings, api)
    logs = settings.data_dir / "log"
    with server.Kelompok() as kelompok:
        try:
            prefect, serve = server.nyalakan(kelompok, env, port, logs)
            portal, portal_url = server.nyalakan_portal(kelompok, env, settings, logs,
                                                        port=portal_port)
            typer.echo(f"Portal     : {portal_url}")
            typer.echo(f"Prefect UI : {api.removesuffix('/api')}")
            typer.echo(f"Prefect API: {api}")
            typer.echo(f"Log        : {logs}")
            typer.echo("Siap menerima permohonan. Ctrl-C untuk berhenti.")
            while prefect.alive() and serve.alive() and portal.alive():
                time.sleep(1)
            raise _fail("Server Prefect, penyaji atau portal berhenti; lihat log di "
                        + str(logs))
        except KeyboardInterrupt:
            typer.echo("Berhenti...")
        except RuntimeError as exc:
            raise _fail(str(exc)) from None


@app.command()
def demo(
    keep: Annotated[bool, typer.Option(help="Biarkan server menyala sesudahnya (Ctrl-C).")]
    = False,
) -> None:
    """Satu permohonan uji kelayakan melalui ketujuh langkah SOP, dengan pejabat otomatis."""
    from rich.console import Console

    from klien.operasi import GagalOperasi
    from lpa import server
    from lpa.demo import run_demo

    # Ctrl-C, SIGTERM, SIGHUP: the demo stops every process it started, then ends
    server.henti_pada_sinyal()
    try:
        run_demo(get_settings(), Console(), keep=keep)
    except KeyboardInterrupt:
        typer.echo("Demo dihentikan; semua proses yang dinyalakannya sudah berhenti.")
        raise typer.Exit(130) from None
    except (GagalOperasi, RuntimeError) as exc:
        raise _fail(f"Demo gagal: {exc}") from None


from lpa.perintah_stress import stress  # noqa: E402 - the command lives in its own module

app.command(name="stress")(stress)

from lpa.perintah_kelaikan import kelaikan  # noqa: E402 - the command lives in its own module

app.command(name="kelaikan")(kelaikan)

from lpa.perintah_va import va  # noqa: E402 - the command lives in its own module

app.command(name="va")(va)

from lpa.perintah_backup import backup, restore  # noqa: E402 - the commands live in their own module

app.command(name="backup")(backup)
app.command(name="restore")(restore)

from lpa.perintah_rahasia import app as rahasia_app  # noqa: E402 - own module

app.add_typer(rahasia_app, name="rahasia")

from lpa.perintah_bpmn import bpmn  # noqa: E402 - the command lives in its own module

app.command(name="bpmn")(bpmn)

from lpa.perintah_evaluasi import evaluate, produksi  # noqa: E402 - own module

app.command(name="evaluate")(evaluate)
app.command(name="produksi")(produksi)

from lpa.perintah_audit import app as audit_app  # noqa: E402 - own module
from lpa.perintah_db import app as db_app  # noqa: E402 - own module

app.add_typer(audit_app, name="audit")
app.add_typer(db_app, name="db")

from lpa.perintah_token import app as token_app  # noqa: E402 - own module

app.add_typer(token_app, name="token")


def main(argv: list[str] | None = None) -> None:
    """The console entry point: a person never sees a traceback.

    An unexpected error prints one Indonesian sentence and the path of a log file that
    holds the details, secrets masked (klien/galat.py); exit status 3.
    """
    try:
        # not standalone: Typer hands its usage errors to us instead of printing them in
        # English (lpa/bahasa_cli.py words them in Bahasa Indonesia)
        hasil = app(args=argv, standalone_mode=False)
    except KeyboardInterrupt:
        typer.secho("Dihentikan.", err=True)
        sys.exit(130)
    except bahasa_cli.Dibatalkan:
        typer.secho("Dibatalkan.", err=True)
        sys.exit(1)
    except bahasa_cli.GalatKlik as exc:
        if type(exc).__name__ != "NoArgsIsHelpError":  # the help was shown already
            typer.secho(bahasa_cli.pesan_galat_pemakaian(exc), err=True, fg=typer.colors.RED)
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the one place that catches everything
        perintah = galat.perintah_dari_argv(argv)
        log = galat.catat(exc, perintah)
        typer.secho(galat.pesan(exc, perintah, log), err=True, fg=typer.colors.RED)
        sys.exit(3)
    # not standalone, Typer returns the exit status of typer.Exit (and a command's value)
    sys.exit(hasil if isinstance(hasil, int) and not isinstance(hasil, bool) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
