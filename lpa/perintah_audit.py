"""``lpa audit verifikasi``: are the audit trail and the agenda book as lpa wrote them?

Recomputes both hash chains (:mod:`store.chain`) from the rows as they are now and names the
first broken link of each: table, id, sequence number and what differs. Exit 0 when both
are intact, 1 when one is broken, 2 when the check could not run. Reads only: it works
with the service's role and never migrates the store.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from settings import get_settings

if TYPE_CHECKING:  # imported when the verb runs, not by every `lpa` command
    from store import chain

app = typer.Typer(help="Jejak audit dan buku agenda.", no_args_is_help=True,
                  add_completion=False)

_KEPALA = re.compile(r"^(?P<tabel>[a-z_]+):(?P<urutan>\d+):(?P<hash>[0-9a-fA-F]{64})$")


def _gagal(pesan: str) -> typer.Exit:
    typer.secho(pesan, err=True, fg=typer.colors.RED)
    return typer.Exit(2)


def _jangkar(nilai: list[str]) -> dict[str, tuple[int, str]]:
    from store import chain

    jangkar: dict[str, tuple[int, str]] = {}
    for teks in nilai:
        cocok = _KEPALA.match(teks.strip())
        if cocok is None or cocok["tabel"] not in chain.CHAINS:
            raise _gagal(f"--kepala: {teks!r} bukan TABEL:URUTAN:HASH (TABEL "
                         f"{' atau '.join(chain.CHAINS)}, HASH 64 digit heksadesimal)")
        jangkar[cocok["tabel"]] = (int(cocok["urutan"]), cocok["hash"].lower())
    return jangkar


def _laporan(hasil: chain.ChainReport) -> str:
    if hasil.broken is None:
        kepala = f"kepala {hasil.table}:{hasil.head_seq}:{hasil.head_hash}" if hasil.head_seq \
            else "rantai masih kosong"
        return f"Rantai {hasil.table}: utuh, {hasil.rows} baris; {kepala}"
    putus = hasil.broken
    letak = f"tabel {putus.table}"
    if putus.row_id is not None:
        letak += f", id {putus.row_id}"
    if putus.seq is not None:
        letak += f" (urutan #{putus.seq})"
    return f"Rantai {hasil.table}: RUSAK. Tautan pertama yang putus: {letak}: {putus.what}"


@app.command()
def verifikasi(
    kepala: Annotated[list[str] | None, typer.Option(
        "--kepala", help="Kepala rantai yang dicatat sebelumnya di luar penyimpanan, "
        "TABEL:URUTAN:HASH (mis. audit_event:42:<hash>); boleh berulang.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON untuk program.")
                       ] = False,
) -> None:
    """Periksa rantai hash jejak audit dan buku agenda; keluar 0 bila utuh, 1 bila rusak."""
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from store import chain, db

    jangkar = _jangkar(kepala or [])
    url = get_settings().store_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise _gagal(f"Penyimpanan SQLite {parsed.database} belum ada")
    try:
        revisi = db.current_revision(url)
        head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
        if revisi != head:
            raise _gagal(f"Skema penyimpanan pada revisi {revisi or '(kosong)'}, pemeriksaan "
                         f"memerlukan {head}: jalankan `lpa db migrasi` dulu")
        with db.engine(url).connect() as conn:
            if conn.dialect.name == "postgresql":
                # One snapshot for every row and both heads, whatever is written meanwhile.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            hasil = chain.verify(conn, jangkar)
            conn.rollback()
    except DBAPIError as exc:
        raise _gagal(f"Penyimpanan tidak dapat diperiksa: {exc.orig}") from None
    utuh = all(h.intact for h in hasil)
    if as_json:
        typer.echo(json.dumps([{
            "table": h.table, "intact": h.intact, "rows": h.rows, "head_seq": h.head_seq,
            "head_hash": h.head_hash,
            "broken": None if h.broken is None else {
                "table": h.broken.table, "id": h.broken.row_id, "seq": h.broken.seq,
                "what": h.broken.what},
        } for h in hasil], ensure_ascii=False, indent=2))
    else:
        for h in hasil:
            typer.secho(_laporan(h), fg=None if h.intact else typer.colors.RED)
        if utuh:
            typer.echo("Catat kepala rantai di luar penyimpanan (mis. di laporan evaluasi "
                       "bulanan); kelak `lpa audit verifikasi --kepala <kepala itu>` "
                       "memastikan rantai tidak ditulis ulang sejak itu.")
    raise typer.Exit(0 if utuh else 1)
