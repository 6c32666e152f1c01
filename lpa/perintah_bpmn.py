"""``lpa bpmn --out DIR``: the SOP as BPMN 2.0 (``DIR/sop.bpmn``) and its picture
(``DIR/sop.svg``), both generated from the SOP table (``domain/bpmn.py``, ``domain/bpmn_svg.py``).

It writes those two files and nothing else, so ``lpa bpmn --out docs/`` refreshes the system
documentation's diagram in place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from domain.calendar import BusinessCalendar
from settings import get_settings

BERKAS_BPMN, BERKAS_SVG = "sop.bpmn", "sop.svg"


def bpmn(
    out: Annotated[Path, typer.Option("--out", help="Folder tujuan sop.bpmn dan sop.svg.")],
) -> None:
    """Tulis SOP sebagai BPMN 2.0 (sop.bpmn) beserta gambarnya (sop.svg)."""
    from domain.bpmn import bpmn_xml, diagram_sop
    from domain.bpmn_svg import svg

    diagram = diagram_sop(BusinessCalendar.dari_pengaturan(get_settings()))
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / BERKAS_BPMN).write_text(bpmn_xml(diagram), encoding="utf-8")
        (out / BERKAS_SVG).write_text(svg(diagram), encoding="utf-8")
    except OSError as exc:
        typer.secho(f"Gagal menulis diagram ke {out}: {exc.strerror or exc}", err=True,
                    fg=typer.colors.RED)
        raise typer.Exit(1) from None
    typer.echo(f"Ditulis: {out / BERKAS_BPMN} dan {out / BERKAS_SVG}")
