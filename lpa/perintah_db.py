"""``lpa db migrasi`` and ``lpa db hak-akses``: the store's schema and the service's rights.

Both connect with ``LPA_DATABASE_URL_MIGRASI`` (the role that owns the tables), or
``LPA_DATABASE_URL`` when it is unset (development: one role, SQLite). The services
themselves then run with ``LPA_MIGRASI_OTOMATIS=false`` as a role that may only add to the
audit trail and the agenda book (deployments/produksi.md, :mod:`store.roles`).
Exit 0 on success, 1 when refused (nothing changed).
"""

from __future__ import annotations

from typing import Annotated

import typer

from settings import get_settings

app = typer.Typer(help="Skema dan hak akses penyimpanan lpa.", no_args_is_help=True,
                  add_completion=False)


def _gagal(pesan: str) -> typer.Exit:
    typer.secho(pesan, err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _beri(url: str, peran: str) -> list[str]:
    from sqlalchemy.exc import DBAPIError

    from store import db, roles

    try:
        with db.engine(url).begin() as conn:
            return roles.grant(conn, peran)
    except roles.RoleError as exc:
        raise _gagal(str(exc)) from None
    except DBAPIError as exc:
        raise _gagal(f"Hak akses tidak diberikan (tidak ada yang berubah): {exc.orig}") from None


@app.command()
def migrasi(
    peran_aplikasi: Annotated[str | None, typer.Option(
        "--peran-aplikasi", help="Sesudah migrasi, beri peran layanan ini hak aksesnya "
        "(PostgreSQL; sama dengan lpa db hak-akses).")] = None,
) -> None:
    """Naikkan skema penyimpanan ke revisi terbaru, sebagai pemilik tabel."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from store import db

    url = get_settings().migration_url
    where = make_url(url).render_as_string(hide_password=True)
    try:
        sebelum = db.current_revision(url)
        db.upgrade(url, migrate=True)
        sesudah = db.current_revision(url)
    except db.SchemaError as exc:
        raise _gagal(str(exc)) from None
    except DBAPIError as exc:
        raise _gagal(f"Migrasi {where} gagal (tidak ada yang berubah): {exc.orig}") from None
    if sebelum == sesudah:
        typer.echo(f"Skema {where} sudah pada revisi terbaru {sesudah}.")
    else:
        typer.echo(f"Skema {where} dinaikkan dari revisi {sebelum or '(kosong)'} ke {sesudah}.")
    if peran_aplikasi:
        _beri(url, peran_aplikasi)
        typer.echo(f"Hak akses peran {peran_aplikasi} diperbarui.")


@app.command("hak-akses")
def hak_akses(
    peran: Annotated[str, typer.Argument(help="Peran basis data yang dipakai layanan, "
                                              "mis. lpa_app.")],
    sql: Annotated[bool, typer.Option("--sql", help="Cetak perintah SQL-nya saja, tanpa "
                                                    "menjalankannya.")] = False,
) -> None:
    """Beri peran layanan hak aksesnya: jejak audit dan buku agenda hanya SELECT dan INSERT."""
    from store import db, roles

    url = get_settings().migration_url
    if sql:
        try:
            with db.engine(url).connect() as conn:
                perintah = roles.grant_statements(conn, peran)
                conn.rollback()
        except roles.RoleError as exc:
            raise _gagal(str(exc)) from None
        typer.echo("\n".join(f"{p};" for p in perintah))
        return
    perintah = _beri(url, peran)
    typer.echo(f"Hak akses peran {peran} diperbarui ({len(perintah)} perintah): tabel "
               f"{', '.join(roles.APPEND_ONLY)} hanya SELECT dan INSERT; "
               f"{', '.join(roles.ADVANCE_ONLY)} SELECT dan UPDATE (maju satu langkah); "
               "tabel lain SELECT, INSERT, UPDATE, DELETE; tanpa hak mengubah skema.")
