"""``lpa evaluate`` (the periodic evaluation on demand) and ``lpa produksi`` (mark an
application that passed its feasibility test as in production).

``lpa evaluate --period 2026-11`` runs the same ``flows/evaluasi.py`` flow the monthly
schedule runs, writes ``evaluasi.html``, ``evaluasi.md``, ``evaluasi.csv`` and
``evaluasi.json`` to ``--out`` (default ``$LPA_DATA_DIR/laporan/evaluasi/<period>/``) and
prints a summary, or the figures as JSON with ``--json``. Prefect: like ``lpa kelaikan``,
the configured server when ``PREFECT_API_URL`` is set, else Prefect's ephemeral one.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from domain.evaluasi import periode


def _gagal(pesan: str, kode: int = 2) -> typer.Exit:
    typer.secho(pesan, err=True, fg=typer.colors.RED)
    return typer.Exit(kode)


def _persen(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}%".replace(".", ",")


def _ringkasan(data: dict[str, Any]) -> str:
    pr, tek, imp = data["prosedur"], data["teknis"], data["implementasi"]
    baris = [f"Evaluasi periode {data['periode']}", "", "Prosedur (langkah selesai, % tepat "
             "waktu, median/P90 jam kerja):"]
    for r in pr["per_langkah"]:
        baris.append(f"  {r['label'][:60]:60} {r['jumlah']:4} {_persen(r['persen_tepat']):>7}"
                     f"  {r['median_jam'] or 0:.2f}/{r['p90_jam'] or 0:.2f}")
    if not pr["per_langkah"]:
        baris.append("  (tidak ada langkah yang selesai dalam periode)")
    baris.append(f"Tunggakan: {sum(b['jumlah'] for b in pr['backlog'])} langkah")
    baris.append("Uji kelaikan: " + ", ".join(f"{k} {v}" for k, v in tek["verdict"].items()))
    for u in tek["uji_ulang"]:
        baru = ", ".join(t["check_id"] for t in u["baru"]) or "tidak ada"
        baris.append(f"Uji ulang {u['nomor']} {u['url']}: {u['verdict'] or u['galat']}; "
                     f"temuan baru: {baru}")
    lay = imp["layanan"]
    baris.append(f"Ketersediaan layanan (jam layanan): {_persen(lay['persen'])} "
                 f"({lay['slot_jawab']}/{lay['slot_total']} slot; janji 90%)")
    baris += ["", "Berkas:"] + [f"  {k}: {v}" for k, v in data["berkas"].items()]
    return "\n".join(baris)


def evaluate(
    period: Annotated[str, typer.Option(help="Periode TTTT-BB, mis. 2026-11.")],
    as_json: Annotated[bool, typer.Option("--json", help="Cetak angka evaluasi sebagai JSON.")]
    = False,
    out: Annotated[Path | None, typer.Option(help="Folder laporan (bawaan: "
                                                  "$LPA_DATA_DIR/laporan/evaluasi/PERIODE).")]
    = None,
    uji_ulang: Annotated[bool, typer.Option(help="Uji ulang keamanan aplikasi produksi.")]
    = True,
) -> None:
    """Evaluasi berkala: prosedur, teknis (uji kelaikan) dan implementasi (ketersediaan)."""
    try:
        periode(period)
    except ValueError as exc:
        raise _gagal(str(exc)) from None
    from lpa.perintah_kelaikan import _siapkan_prefect

    typer.echo(f"Prefect: {_siapkan_prefect()}", err=True)
    from flows.evaluasi import evaluasi
    from settings import get_settings
    from store import db

    db.upgrade(get_settings().store_url)
    try:
        data = asyncio.run(evaluasi(period=period, keluaran=str(out) if out else None,
                                    uji_ulang=uji_ulang))
    except Exception as exc:  # noqa: BLE001 - the operator gets the reason, not a traceback
        raise _gagal(f"Evaluasi gagal: {exc}", 1) from None
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else _ringkasan(data))


def produksi(
    tiket: Annotated[str, typer.Argument(help="Nomor tiket uji kelaikan, mis. LPA-2026-000001.")],
    url: Annotated[str | None, typer.Option(help="Alamat aplikasi produksi (bawaan: alamat "
                                                 "yang diuji).")] = None,
    nonaktif: Annotated[bool, typer.Option("--nonaktif", help="Aplikasi tidak lagi produksi.")]
    = False,
) -> None:
    """Tandai aplikasi yang lulus uji kelaikan sebagai produksi (diuji ulang tiap evaluasi)."""
    from settings import get_settings
    from store import db
    from store.repo import StoreError
    from tasks.evaluasi import GagalProduksi, tandai_produksi

    db.upgrade(get_settings().store_url)
    try:
        hasil = tandai_produksi(tiket, url, aktif=not nonaktif)
    except (GagalProduksi, StoreError) as exc:
        raise _gagal(str(exc), 1) from None
    if hasil["aktif"]:
        typer.echo(f"{hasil['tiket']} ({hasil['aplikasi']}) ditandai produksi: {hasil['url']}")
    else:
        typer.echo(f"{hasil['tiket']} ({hasil['aplikasi']}) tidak lagi ditandai produksi.")
