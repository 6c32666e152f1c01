"""``lpa backup`` and ``lpa restore``: our store (``LPA_DATABASE_URL``) to and from one file.

The work is done by :mod:`store.backup`; these verbs only report, in Bahasa Indonesia, and exit
0 on success, 1 when the backup or restore was refused or failed (nothing changed).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from settings import get_settings

if TYPE_CHECKING:  # store.backup (Alembic) is imported when the verb runs, not by `lpa`
    from store.backup import Manifest


def _gagal(pesan: str) -> typer.Exit:
    typer.secho(pesan, err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _ringkasan(manifest: Manifest) -> str:
    baris = ", ".join(f"{nama} {jumlah}" for nama, jumlah in manifest.tables.items()
                      if nama != "alembic_version")
    return (f"mesin {manifest.engine}, revisi skema {manifest.schema_revision}, "
            f"dibuat {manifest.created_at.isoformat(timespec='seconds')}; baris: {baris}")


def backup(
    out: Annotated[Path, typer.Option("--out", help="Berkas cadangan yang ditulis (tar).")],
    force: Annotated[bool, typer.Option("--force", help="Timpa --out bila sudah ada.")] = False,
) -> None:
    """Cadangkan penyimpanan lpa (SQLite atau PostgreSQL) ke satu berkas."""
    from store.backup import BackupError
    from store.backup import backup as backup_store

    try:
        manifest = backup_store(get_settings().store_url, out, overwrite=force)
    except BackupError as exc:
        raise _gagal(str(exc)) from None
    typer.echo(f"Cadangan ditulis ke {out}: {_ringkasan(manifest)}")


def restore(
    berkas: Annotated[Path, typer.Argument(help="Berkas cadangan dari lpa backup.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Ganti seluruh isi penyimpanan yang tidak kosong.")] = False,
) -> None:
    """Pulihkan penyimpanan lpa dari berkas cadangan (semua atau tidak sama sekali)."""
    from store.backup import BackupError
    from store.backup import restore as restore_store

    try:
        # Replacing tables is the owner's work: LPA_DATABASE_URL_MIGRASI when it is set.
        hasil = restore_store(get_settings().migration_url, berkas, force=force)
    except BackupError as exc:
        raise _gagal(str(exc)) from None
    typer.echo(f"Penyimpanan dipulihkan dari {berkas}: {_ringkasan(hasil.manifest)}")
    if hasil.upgraded_to:
        typer.echo(f"Skema dinaikkan ke revisi {hasil.upgraded_to}.")
    typer.echo("Pemulihan penyimpanan lpa tidak memulihkan basis data Prefect: lihat "
               "docs/backup.md.")
