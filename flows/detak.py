"""The availability heartbeat: every few minutes in service hours, did the service answer?

Records one beat (Prefect API, our store, the serving deployments; see tasks/detak.py for
what each means) and one bounded HTTP check of every production application. Outside
service hours (08:00-16:00 WIB on working days of the business calendar) it records
nothing: the catalog's 90 % promise is about working hours. ``domain.ketersediaan`` turns
the beats into availability, counting missing beats as down.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_run_logger

from domain.calendar import BusinessCalendar
from settings import get_settings
from tasks.detak import DEPLOYMENT_LAYANAN, catat_detak, cek_aplikasi_produksi, periksa_layanan


@flow(name="detak-layanan", flow_run_name="detak-layanan", timeout_seconds=120)
async def detak_layanan(deployments: list[str] | None = None) -> dict[str, object]:
    """One beat; returns what was recorded (``dicatat`` False outside service hours)."""
    logger = get_run_logger()
    now = datetime.now(UTC)
    if not BusinessCalendar.dari_pengaturan(get_settings()).is_open(now):
        return {"dicatat": False}
    hasil = await periksa_layanan(tuple(deployments or DEPLOYMENT_LAYANAN))
    catat_detak(hasil, now)
    aplikasi = await cek_aplikasi_produksi(now)
    if not hasil.answered:
        logger.warning("Layanan tidak menjawab penuh: %s", hasil.detail)
    for a in aplikasi:
        if not a.ok:
            logger.warning("Aplikasi produksi %s tidak menjawab: %s", a.url, a.error)
    return {"dicatat": True, "menjawab": hasil.answered,
            "aplikasi_ok": sum(a.ok for a in aplikasi), "aplikasi": len(aplikasi)}
