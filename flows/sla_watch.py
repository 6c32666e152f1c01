"""SLA watch: warnings at 50 % and 75 % of an open step's mutu baku, escalation at 100 %.

Scheduled every few minutes (deployments/serve.py, prefect.yaml). Each threshold of each
step is sent once, ever (claimed in the store before it is sent); the breach at 100 % is
recorded on the step and audited; the wait itself goes on (the official still decides).
A table artifact lists the late and at-risk steps. While a request is returned to the
requester the clock is stopped and nothing is counted. Each pass also hands a waiting step
whose post changed hands in the roster to the holder now, with a new code to them
(tasks/keputusan), and starts again the ticket runs that died (crashed, or cancelled by
their runner stopping; tasks/pemulihan).
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_run_logger

from tasks.pemulihan import pulihkan_tiket_terhenti
from tasks.sla_watch import alihkan_pemegang, kirim_peringatan, klaim_peringatan, terbitkan_tabel


@flow(name="sla-watch", flow_run_name="sla-watch")
def sla_watch(sekarang: datetime | None = None) -> dict[str, int]:
    """One pass of the watch at ``sekarang`` (default: now); returns what it did."""
    logger = get_run_logger()
    now = sekarang or datetime.now(UTC)
    dialihkan = alihkan_pemegang(now)  # first: warnings then go to who holds the step now
    klaim = klaim_peringatan(now)
    terkirim = sum(kirim_peringatan(item, now) for item in klaim.kirim)
    terbitkan_tabel(klaim.berisiko)
    for item in klaim.kirim:
        logger.warning("Tiket %s langkah %s: %d%% mutu baku terpakai (jatuh tempo %s)",
                       item.nomor, item.kode, item.ambang, item.jatuh_tempo.isoformat())
    dipulihkan = pulihkan_tiket_terhenti(now)
    return {"diklaim": len(klaim.kirim), "terkirim": terkirim,
            "terlambat_baru": klaim.terlambat_baru, "berisiko": len(klaim.berisiko),
            "dipulihkan": len(dipulihkan), "dialihkan": dialihkan}
