"""``lpa token buat|cabut|daftar``: per-agency tokens of the portal's JSON API.

A token is shown once, when made; the store keeps only its SHA-256. A revoked token is
refused at once by every portal process (each request looks it up).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from settings import get_settings

app = typer.Typer(help="Token API instansi untuk API portal (/api/v1).", no_args_is_help=True,
                  add_completion=False)


@app.command("buat")
def buat(
    instansi: Annotated[str, typer.Option("--instansi", help="Nama instansi pemilik token.")],
    keterangan: Annotated[str | None, typer.Option(
        "--keterangan", help="Catatan, mis. sistem yang memakainya.")] = None,
) -> None:
    """Buat token API untuk satu instansi; token hanya ditampilkan sekali ini."""
    from store import db
    from store import portal_pemohon as pp

    instansi = " ".join(instansi.split())
    if not instansi or len(instansi) > 200:
        typer.secho("--instansi: wajib diisi, paling panjang 200 karakter", err=True,
                    fg=typer.colors.RED)
        raise typer.Exit(2)
    settings = get_settings()
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        token_id, raw = pp.buat_token_api(session, instansi, keterangan, datetime.now(UTC))
        from store import repo

        repo.audit(session, "token_api_dibuat", actor="lpa", token_id=token_id,
                   instansi=instansi)
    typer.echo(f"Token API #{token_id} untuk {instansi} (simpan sekarang; tidak ditampilkan "
               "lagi):")
    typer.echo(raw)


@app.command("cabut")
def cabut(token_id: Annotated[int, typer.Argument(help="Nomor token (lpa token daftar).")]
          ) -> None:
    """Cabut token API; permintaan dengan token itu langsung ditolak."""
    from store import db, repo
    from store import portal_pemohon as pp

    settings = get_settings()
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        token = pp.cabut_token_api(session, token_id, datetime.now(UTC))
        if token is None:
            typer.secho(f"Token #{token_id} tidak ada", err=True, fg=typer.colors.RED)
            raise typer.Exit(1)
        repo.audit(session, "token_api_dicabut", actor="lpa", token_id=token_id,
                   instansi=token.instansi)
        instansi = token.instansi
    typer.echo(f"Token API #{token_id} ({instansi}) dicabut.")


@app.command("daftar")
def daftar(as_json: Annotated[bool, typer.Option("--json", help="Keluaran JSON.")] = False
           ) -> None:
    """Daftar token API: nomor, instansi, dibuat, terakhir dipakai, dicabut."""
    from store import db
    from store import portal_pemohon as pp

    settings = get_settings()
    db.upgrade(settings.store_url)

    def iso(t: datetime | None) -> str | None:
        return t.isoformat() if t else None

    with db.session_scope(settings.store_url) as session:
        baris = [{"id": t.id, "instansi": t.instansi, "keterangan": t.keterangan,
                  "dibuat": iso(t.created_at), "terakhir_dipakai": iso(t.last_used_at),
                  "dicabut": iso(t.revoked_at)} for t in pp.daftar_token_api(session)]
    if as_json:
        typer.echo(json.dumps(baris, ensure_ascii=False, indent=2))
        return
    if not baris:
        typer.echo("Belum ada token API.")
        return
    for b in baris:
        keadaan = f"dicabut {b['dicabut']}" if b["dicabut"] else "aktif"
        typer.echo(f"#{b['id']}  {b['instansi']}  dibuat {b['dibuat']}  terakhir dipakai "
                   f"{b['terakhir_dipakai'] or '-'}  {keadaan}"
                   + (f"  ({b['keterangan']})" if b["keterangan"] else ""))
