"""``lpa rahasia bersihkan``: remove test-account passwords already stored by Prefect.

Before issue 10, ``lpa submit`` and the documented raw API call sent the whole feasibility
form, password included, as the intake run's parameter, so Prefect's database kept it (also
for rejected forms). This command, run once by an operator on an existing installation,
rewrites every flow run's parameters with each password-looking value masked, deletes
artifacts that contain one of the passwords found, and reports log lines that still do
(the Prefect API cannot edit logs). ``--vacuum`` then compacts a SQLite Prefect database so
that the old bytes do not linger in free pages.
"""

from __future__ import annotations

import base64
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from klien import lingkungan
from settings import get_settings

if TYPE_CHECKING:  # httpx is imported when the verb runs, not by every `lpa` command
    import httpx

SAMARAN = "**********"
KUNCI_RAHASIA = {"password", "kata_sandi", "sandi", "passwd"}

app = typer.Typer(help="Rahasia yang terlanjur tersimpan di basis data Prefect.",
                  no_args_is_help=True)


def samarkan_parameter(nilai: Any) -> tuple[Any, set[str]]:
    """``nilai`` with every password-looking key's value masked, and the values found."""
    temuan: set[str] = set()

    def jalan(v: Any) -> Any:
        if isinstance(v, dict):
            hasil = {}
            for k, isi in v.items():
                if str(k).lower() in KUNCI_RAHASIA and isinstance(isi, str) and isi != SAMARAN:
                    temuan.add(isi)
                    hasil[k] = SAMARAN
                else:
                    hasil[k] = jalan(isi)
            return hasil
        if isinstance(v, list):
            return [jalan(x) for x in v]
        return v

    return jalan(nilai), temuan


def _klien(api: str) -> httpx.Client:
    import httpx

    headers = {}
    auth = os.environ.get("PREFECT_API_AUTH_STRING")
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return httpx.Client(base_url=api.rstrip("/") + "/", headers=headers, timeout=60)


def _halaman(klien: httpx.Client, path: str, body: dict[str, Any] | None = None):
    offset = 0
    while True:
        jawab = klien.post(path, json={**(body or {}), "limit": 200, "offset": offset})
        jawab.raise_for_status()
        isi = jawab.json()
        yield from isi
        if len(isi) < 200:
            return
        offset += 200


def bersihkan_prefect(api: str) -> dict[str, Any]:
    """Mask stored passwords in every flow run; return what was done and what remains."""
    runs: list[str] = []
    rahasia: set[str] = set()
    with _klien(api) as klien:
        for run in list(_halaman(klien, "flow_runs/filter")):
            baru, temuan = samarkan_parameter(run.get("parameters") or {})
            if temuan:
                klien.patch(f"flow_runs/{run['id']}", json={"parameters": baru}).raise_for_status()
                runs.append(run["id"])
                rahasia |= temuan
        artefak: list[str] = []
        log: list[str] = []
        if rahasia:
            for a in list(_halaman(klien, "artifacts/filter")):
                teks = f"{a.get('data')} {a.get('description')}"
                if any(r in teks for r in rahasia):
                    klien.delete(f"artifacts/{a['id']}").raise_for_status()
                    artefak.append(a["id"])
            for baris in _halaman(klien, "logs/filter"):
                if any(r in (baris.get("message") or "") for r in rahasia):
                    log.append(baris["id"])
    return {"run": runs, "artefak": artefak, "log_tersisa": log, "jumlah_rahasia": len(rahasia)}


def vacuum_sqlite(path: Path) -> None:
    """Rewrite the database without free pages, then fold the WAL back and empty it (the
    old bytes are in both)."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        conn.execute("VACUUM")
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise sqlite3.OperationalError("WAL masih dipakai pembaca lain")
    finally:
        conn.close()


@app.command("bersihkan")
def bersihkan(
    vacuum: Annotated[bool, typer.Option(
        "--vacuum", help="Sesudahnya padatkan basis data Prefect SQLite (lpa up) agar bita "
                         "lama tidak tersisa di halaman kosong.")] = False,
) -> None:
    """Samarkan kata sandi akun uji yang tersimpan di parameter run Prefect (run intake lama)."""
    settings = get_settings()
    try:
        api = lingkungan.arahkan(settings)
    except lingkungan.ServerTidakMenjawab as exc:
        typer.secho(str(exc), err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None
    hasil = bersihkan_prefect(api)
    typer.echo(f"{len(hasil['run'])} run disamarkan parameternya; "
               f"{len(hasil['artefak'])} artefak dihapus.")
    if hasil["log_tersisa"]:
        typer.secho(f"{len(hasil['log_tersisa'])} baris log Prefect masih memuat kata sandi; "
                    "API Prefect tidak dapat mengubah log: hapus baris itu di basis data "
                    "Prefect (docs/08-security.md).", err=True, fg=typer.colors.YELLOW)
    if vacuum:
        db = settings.data_dir / "prefect" / "prefect.db"
        if not db.exists():
            typer.secho(f"Basis data Prefect SQLite {db} tidak ada; --vacuum dilewati "
                        "(PostgreSQL: jalankan VACUUM FULL pada tabel flow_run).", err=True)
        else:
            try:
                vacuum_sqlite(db)
                typer.echo(f"{db} dipadatkan.")
            except sqlite3.Error as exc:
                typer.secho(f"{db} tidak dapat dipadatkan ({exc}); hentikan `lpa up` lalu "
                            "ulangi dengan --vacuum.", err=True, fg=typer.colors.YELLOW)
    raise typer.Exit(1 if hasil["log_tersisa"] else 0)
