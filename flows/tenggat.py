"""Deadline watch: a human step past its mutu baku is recorded as breached and escalated
to the actor and the actor's superior; the wait itself goes on (the official still decides).

Scheduled every minute by deployments/serve.py; the SLA-watch issue extends it with
50/75 % warnings.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_run_logger

from domain.roster import Pejabat
from domain.sop import Peran, langkah
from tasks.pejabat import kirim_eskalasi, roster
from tasks.tenggat import tandai_terlambat


def _pejabat(peran: Peran | None, nomor: str, nip: str | None) -> Pejabat | None:
    if peran is None or peran is Peran.OPD:
        return None
    r = roster()
    if nip:
        for p in r.pejabat:
            if p.nip == nip and p.peran is peran:
                return p
    return r.pemegang(peran, nomor)


@flow(name="pengawas-tenggat", flow_run_name="pengawas-tenggat")
def pengawas_tenggat() -> int:
    """Escalate every newly breached step; returns how many were escalated."""
    logger = get_run_logger()
    terlambat = tandai_terlambat(datetime.now(UTC))
    for item in terlambat:
        peran = Peran(item.actor_role)
        pelaksana = _pejabat(peran, item.nomor, item.assignee_nip)
        atasan = _pejabat(peran.atasan, item.nomor, None)
        kirim_eskalasi(item.nomor, item.nama_aplikasi, item.instansi, langkah(item.kode),
                       pelaksana, atasan, item.jatuh_tempo)
        logger.warning("Tiket %s langkah %s melewati mutu baku (jatuh tempo %s)",
                       item.nomor, item.kode, item.jatuh_tempo.isoformat())
    return len(terlambat)
