"""Starting again the ticket runs that died (rules in domain/pemulihan).

Run by every SLA-watch pass and by ``lpa lanjutkan``. The new run gets the idempotency key
``pulih-<dead run id>``, so two passes (or a pass and an operator) make one replacement, and
each replacement is audited in the store with the dead run and the new one. A ticket whose
intake died after opening it, before its run was created, gets that run under the intake's
own key (``proses-<ticket>``), which the server also keeps unique.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from prefect import get_run_logger, task
from prefect.cache_policies import NONE
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterEndTime,
    FlowRunFilterName,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.sorting import FlowRunSort
from sqlalchemy import select

from domain.pemulihan import MAKS_PEMULIHAN, kunci_pemulihan, mati_tanpa_sengaja
from lpa.settings import get_settings
from store import db, repo
from store.models import AuditEvent, StepRecord, Ticket

ALUR = "proses-tiket"
DEPLOYMENT = f"{ALUR}/proses-tiket"
JENDELA = timedelta(days=30)
"""How far back a pass looks for dead runs (a dead run older than this was seen before)."""
YATIM_SETELAH = timedelta(minutes=10)
"""A ticket with only its intake step this long after opening has lost its run's creation."""


class TidakDapatDilanjutkan(Exception):
    """Why ``lpa lanjutkan`` refuses, in Bahasa Indonesia."""


@dataclass(frozen=True)
class Pemulihan:
    nomor: str
    run_lama: str | None
    run_baru: str
    alasan: str


def _filter_alur() -> FlowFilter:
    return FlowFilter(name=FlowFilterName(any_=[ALUR]))


def run_tiket(client: SyncPrefectClient, nomor: str) -> list[FlowRun]:
    """The ticket's ``proses-tiket`` runs, newest first (names start with the ticket number)."""
    runs = client.read_flow_runs(
        flow_filter=_filter_alur(),
        flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_=nomor)),
        sort=FlowRunSort.EXPECTED_START_TIME_DESC,
        limit=200,
    )
    return [r for r in runs if r.parameters.get("nomor_tiket") == nomor]


def _mulai_ulang(client: SyncPrefectClient, nomor: str, kunci: str,
                 tags: list[str]) -> FlowRun:
    deployment = client.read_deployment_by_name(DEPLOYMENT)
    return client.create_flow_run_from_deployment(
        deployment.id, parameters={"nomor_tiket": nomor}, name=nomor, tags=tags,
        idempotency_key=kunci,
    )


def _catat(nomor: str, run_lama: str | None, run_baru: str, alasan: str,
           actor: str | None = None) -> None:
    with db.session_scope(get_settings().store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        repo.audit(session, "tiket_dipulihkan", ticket=ticket, actor=actor, run_lama=run_lama,
                   run_baru=run_baru, alasan=alasan)


def _tiket_terbuka(session) -> dict[str, Ticket]:
    rows = session.scalars(select(Ticket).where(Ticket.archived_at.is_(None))).all()
    return {t.number: t for t in rows}


def _pemulihan_tercatat(session, ticket_ids: list[int]) -> dict[int, list[dict]]:
    tercatat: dict[int, list[dict]] = {}
    for ticket_id, detail in session.execute(
        select(AuditEvent.ticket_id, AuditEvent.detail)
        .where(AuditEvent.kind == "tiket_dipulihkan", AuditEvent.ticket_id.in_(ticket_ids))
    ):
        tercatat.setdefault(ticket_id, []).append(detail)
    return tercatat


def _yatim(session, terbuka: dict[str, Ticket], sekarang: datetime) -> list[str]:
    """Open tickets that never got past their intake step, opened a while ago."""
    if not terbuka:
        return []
    ids = {t.id: n for n, t in terbuka.items() if t.created_at <= sekarang - YATIM_SETELAH}
    if not ids:
        return []
    lanjut = set(session.scalars(
        select(StepRecord.ticket_id)
        .where(StepRecord.ticket_id.in_(list(ids)), StepRecord.code != "pengajuan")
    ))
    return sorted(n for i, n in ids.items() if i not in lanjut)


@task(name="pulihkan-tiket-terhenti", cache_policy=NONE)
def pulihkan_tiket_terhenti(sekarang: datetime) -> list[Pemulihan]:
    """Start a new run for every open ticket whose run died without anyone meaning it to."""
    logger = get_run_logger()
    settings = get_settings()
    with db.session_scope(settings.store_url) as session:
        terbuka = _tiket_terbuka(session)
        if not terbuka:
            return []
        tercatat = _pemulihan_tercatat(session, [t.id for t in terbuka.values()])
        yatim = _yatim(session, terbuka, sekarang)
        ticket_ids = {n: t.id for n, t in terbuka.items()}
    hasil: list[Pemulihan] = []
    with get_client(sync_client=True) as client:
        mati = client.read_flow_runs(
            flow_filter=_filter_alur(),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(
                    any_=[StateType.CRASHED, StateType.CANCELLED])),
                end_time=FlowRunFilterEndTime(after_=sekarang - JENDELA),
            ),
            sort=FlowRunSort.END_TIME_DESC,
            limit=200,
        )
        for run in mati:
            nomor = run.parameters.get("nomor_tiket")
            state = run.state
            if nomor not in ticket_ids or state is None:
                continue
            if not mati_tanpa_sengaja(state.type.value, state.message):
                continue
            riwayat = tercatat.get(ticket_ids[nomor], [])
            if any(d.get("run_lama") == str(run.id) for d in riwayat):
                continue
            if len(riwayat) >= MAKS_PEMULIHAN:
                logger.error("Tiket %s: run %s mati lagi setelah %d pemulihan; perlu operator "
                             "(lpa lanjutkan %s)", nomor, run.id, len(riwayat), nomor)
                continue
            if any(not (r.state and r.state.is_final()) for r in run_tiket(client, nomor)):
                continue  # the ticket has a live run already (started by an operator)
            try:
                baru = _mulai_ulang(client, nomor, kunci_pemulihan(str(run.id)),
                                    list(run.tags))
            except Exception as exc:  # noqa: BLE001 - the next pass tries again
                logger.error("Tiket %s: run pengganti tidak dapat dibuat: %s", nomor, exc)
                continue
            alasan = f"{state.type.value}: {state.message or '-'}"
            _catat(nomor, str(run.id), str(baru.id), alasan)
            riwayat.append({"run_lama": str(run.id)})
            tercatat[ticket_ids[nomor]] = riwayat
            hasil.append(Pemulihan(nomor, str(run.id), str(baru.id), alasan))
            logger.warning("Tiket %s: run %s %s; dilanjutkan oleh run %s", nomor, run.id,
                           alasan, baru.id)
        for nomor in yatim:
            if run_tiket(client, nomor):
                continue
            try:
                baru = _mulai_ulang(client, nomor, f"proses-{nomor}", [])
            except Exception as exc:  # noqa: BLE001 - the next pass tries again
                logger.error("Tiket %s: run tiket tidak dapat dibuat: %s", nomor, exc)
                continue
            alasan = "intake berhenti sebelum run tiket dibuat"
            _catat(nomor, None, str(baru.id), alasan)
            hasil.append(Pemulihan(nomor, None, str(baru.id), alasan))
            logger.warning("Tiket %s: %s; dimulai run %s", nomor, alasan, baru.id)
    return hasil


def lanjutkan(nomor: str, operator: str | None = None) -> Pemulihan:
    """An operator starts the ticket's run again (after a cancel, or past the automatic limit)."""
    settings = get_settings()
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        if ticket.archived_at is not None:
            raise TidakDapatDilanjutkan(f"Tiket {ticket.number} sudah diarsipkan")
        nomor = ticket.number
    with get_client(sync_client=True) as client:
        runs = run_tiket(client, nomor)
        hidup = [r for r in runs if not (r.state and r.state.is_final())]
        if hidup:
            r = hidup[0]
            raise TidakDapatDilanjutkan(
                f"Tiket {nomor} masih punya run aktif {r.id} ({r.state.name if r.state else '?'})"
            )
        lama = runs[0] if runs else None
        kunci = kunci_pemulihan(str(lama.id)) if lama else f"proses-{nomor}"
        baru = _mulai_ulang(client, nomor, kunci, list(lama.tags) if lama else [])
    keadaan = lama.state.name if lama and lama.state else "tanpa run"
    alasan = f"dilanjutkan operator (run terakhir: {keadaan})"
    _catat(nomor, str(lama.id) if lama else None, str(baru.id), alasan, actor=operator)
    return Pemulihan(nomor, str(lama.id) if lama else None, str(baru.id), alasan)
