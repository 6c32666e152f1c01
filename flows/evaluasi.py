"""Periodic evaluation: procedure, technical side, and applications in use, for one month.

Scheduled monthly (the previous month, on the 1st at 07:00 WIB) and runnable on demand
(``lpa evaluate --period 2026-11``). Reads like the catalog's evaluation:

1. procedure: per SOP step the share within mutu baku, median and p90 business time,
   breaches; the backlog by step and age; per agency and per request type;
2. technical: the period's feasibility tests (verdicts, most frequent findings), and a
   re-run of the security part (``flows/kelaikan.py``, no stress test) against every
   application that passed and is marked in production, with what is new since its last run;
3. implementation: the applications' availability (bounded HTTP checks by the heartbeat,
   and one now) and the service's own measured availability against the 90 % promise;

then the report: HTML with charts, a Markdown artifact, CSV and JSON of the figures.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger

from domain.evaluasi import periode, periode_lalu
from domain.kelaikan import TargetUji
from flows.kelaikan import kelaikan
from tasks.evaluasi import (
    daftar_produksi,
    hitung_ketersediaan_periode,
    kumpulkan_kelaikan,
    kumpulkan_prosedur,
    simpan_uji_ulang,
    tulis_evaluasi,
)

BATAS_UJI_ULANG_DETIK = 20 * 60
"""Wall-clock bound of one application's re-run."""


async def uji_ulang_keamanan(periode_label: str) -> list[dict[str, Any]]:
    """The security categories again, one production application after the other."""
    logger = get_run_logger()
    hasil = []
    for app in daftar_produksi():
        mulai = datetime.now(UTC)
        try:
            laporan = await kelaikan.with_options(timeout_seconds=BATAS_UJI_ULANG_DETIK)(
                TargetUji(url=app["url"]), stress=False)
            galat = None
        except Exception as exc:  # noqa: BLE001 - an unreachable app is reported, not fatal
            laporan, galat = None, f"Uji ulang tidak dapat dijalankan: {exc}"
            logger.warning("Uji ulang %s gagal: %s", app["url"], exc)
        hasil.append(simpan_uji_ulang(app, periode_label, mulai, laporan, galat))
    return hasil


@flow(name="evaluasi", flow_run_name="evaluasi · {period}", timeout_seconds=3 * 3600)
async def evaluasi(period: str | None = None, keluaran: str | None = None,
                   uji_ulang: bool = True) -> dict[str, Any]:
    """Evaluate ``period`` (``TTTT-BB``; default: last month); returns the figures."""
    p = periode(period) if period else periode_lalu(datetime.now(UTC))
    prosedur = kumpulkan_prosedur(p)
    teknis = kumpulkan_kelaikan(p)
    teknis["uji_ulang"] = await uji_ulang_keamanan(p.label) if uji_ulang else []
    implementasi = await hitung_ketersediaan_periode(p)
    data = {"periode": p.label, "mulai": p.mulai.isoformat(), "selesai": p.selesai.isoformat(),
            "dibuat": datetime.now(UTC).isoformat(), "prosedur": prosedur, "teknis": teknis,
            "implementasi": implementasi}
    data["berkas"] = tulis_evaluasi(data, keluaran)
    get_run_logger().info("Evaluasi %s selesai: %s", p.label, data["berkas"]["html"])
    return data
