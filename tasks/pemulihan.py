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
from uuid import UUID

from prefect import get_run_logger, task
from prefect.cache_policies import NONE
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterEndTime,
    FlowRunFilterId,
    FlowRunFilterName,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.client.schemas.sorting import FlowRunSort

from domain.pemulihan import (
    MAKS_PEMULIHAN,
    PROSES_TIKET,
    kunci_pemulihan,
    mati_tanpa_sengaja,
)
from settings import get_settings
from store import chain, db, kueri, repo
from tasks.tiket import kunci_run_proses

ALUR = PROSES_TIKET.split("/")[0]
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


def _hidup(runs: list[FlowRun]) -> list[FlowRun]:
    """The runs not yet in a final state (scheduled, running, suspended...)."""
    return [r for r in runs if not (r.state and r.state.is_final())]


def _ganti(client: SyncPrefectClient, nomor: str, lama: FlowRun | None, alasan: str,
           actor: str | None = None) -> Pemulihan:
    """Create the ticket's replacement run (once per dead run: its key) and audit it."""
    kunci = kunci_pemulihan(str(lama.id)) if lama else kunci_run_proses(nomor)
    deployment = client.read_deployment_by_name(PROSES_TIKET)
    baru = client.create_flow_run_from_deployment(
        deployment.id, parameters={"nomor_tiket": nomor}, name=nomor,
        tags=list(lama.tags) if lama else [], idempotency_key=kunci,
    )
    run_lama = str(lama.id) if lama else None
    with db.session_scope(get_settings().store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        # Two passes at once (the SLA watch's and `lpa lanjutkan`) get the same run by its key;
        # it is recorded once (the transaction holds the audit chain's head, so the check and
        # the write are one step).
        chain.lock_head(session, chain.AUDIT)
        if kueri.audit_event_with(session, ticket.id, "tiket_dipulihkan", "run_baru",
                                  str(baru.id)) is None:
            repo.audit(session, "tiket_dipulihkan", ticket=ticket, actor=actor,
                       run_lama=run_lama, run_baru=str(baru.id), alasan=alasan)
    return Pemulihan(nomor, run_lama, str(baru.id), alasan)


def _tiket_terbuka(session) -> dict[str, tuple[int, datetime]]:
    """Number → (id, opened) of every ticket not yet archived."""
    return {number: (ticket_id, dibuka)
            for number, ticket_id, dibuka in kueri.unarchived_tickets(session)}


def _run_tercatat(session, ticket_ids: list[int],
                  tercatat: dict[int, list[dict]]) -> set[UUID]:
    """Every run the store knows for these tickets: on their steps, or started to recover."""
    ids: set[str] = kueri.step_run_ids(session, ticket_ids)
    ids |= {d["run_baru"] for riwayat in tercatat.values() for d in riwayat if d.get("run_baru")}
    hasil: set[UUID] = set()
    for r in ids:
        try:
            hasil.add(UUID(str(r)))
        except ValueError:
            continue
    return hasil


def _selesai_tanpa_arsip(client: SyncPrefectClient, ids: set[UUID],
                         sekarang: datetime) -> list[FlowRun]:
    """The Completed runs among ``ids`` (runs of open tickets): forced there by hand.

    Asked by id, not by state alone: every archived ticket's run is Completed too, and
    those must not crowd the dead runs out of one page.
    """
    urut = sorted(ids)
    hasil: list[FlowRun] = []
    for i in range(0, len(urut), 200):
        hasil += client.read_flow_runs(
            flow_filter=_filter_alur(),
            flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=urut[i:i + 200]),
                state=FlowRunFilterState(type=FlowRunFilterStateType(
                    any_=[StateType.COMPLETED])),
                end_time=FlowRunFilterEndTime(after_=sekarang - JENDELA),
            ),
            limit=200,
        )
    return hasil


def _masih_terbuka(nomor: str) -> bool:
    """Read again just before acting: a ticket archived since the pass began is done."""
    with db.session_scope(get_settings().store_url) as session:
        ticket = repo.find_ticket(session, nomor)
        return ticket is not None and ticket.archived_at is None


def _yatim(session, terbuka: dict[str, tuple[int, datetime]], sekarang: datetime) -> list[str]:
    """Open tickets that never got past their intake step, opened a while ago."""
    ids = {i: n for n, (i, dibuka) in terbuka.items() if dibuka <= sekarang - YATIM_SETELAH}
    if not ids:
        return []
    lanjut = kueri.tickets_past_intake(session, ids)
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
        tercatat = kueri.audit_details(session, "tiket_dipulihkan",
                                       [i for i, _ in terbuka.values()])
        yatim = _yatim(session, terbuka, sekarang)
        ticket_ids = {n: i for n, (i, _) in terbuka.items()}
        dikenal = _run_tercatat(session, list(ticket_ids.values()), tercatat)
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
        mati += _selesai_tanpa_arsip(client, dikenal, sekarang)
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
            if _hidup(run_tiket(client, nomor)):
                continue  # the ticket has a live run already (started by an operator)
            if not _masih_terbuka(nomor):
                continue  # archived since the pass began: its run completed normally
            try:
                p = _ganti(client, nomor, run, f"{state.type.value}: {state.message or '-'}")
            except Exception as exc:  # noqa: BLE001 - the next pass tries again
                logger.error("Tiket %s: run pengganti tidak dapat dibuat: %s", nomor, exc)
                continue
            riwayat.append({"run_lama": p.run_lama})
            tercatat[ticket_ids[nomor]] = riwayat
            hasil.append(p)
            logger.warning("Tiket %s: run %s %s; dilanjutkan oleh run %s", nomor, run.id,
                           p.alasan, p.run_baru)
        for nomor in yatim:
            if run_tiket(client, nomor):
                continue
            try:
                p = _ganti(client, nomor, None, "intake berhenti sebelum run tiket dibuat")
            except Exception as exc:  # noqa: BLE001 - the next pass tries again
                logger.error("Tiket %s: run tiket tidak dapat dibuat: %s", nomor, exc)
                continue
            hasil.append(p)
            logger.warning("Tiket %s: %s; dimulai run %s", nomor, p.alasan, p.run_baru)
    return hasil


def tiket_dapat_dilanjutkan(nomor: str) -> str:
    """The ticket's number as stored, if it exists and is not archived (asked of the store
    alone, so ``lpa lanjutkan`` refuses an unknown ticket whether or not Prefect is up)."""
    settings = get_settings()
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        if ticket.archived_at is not None:
            raise TidakDapatDilanjutkan(f"Tiket {ticket.number} sudah diarsipkan")
        return ticket.number


def lanjutkan(nomor: str, operator: str | None = None) -> Pemulihan:
    """An operator starts the ticket's run again (after a cancel, or past the automatic limit)."""
    nomor = tiket_dapat_dilanjutkan(nomor)
    with get_client(sync_client=True) as client:
        runs = run_tiket(client, nomor)
        if hidup := _hidup(runs):
            r = hidup[0]
            raise TidakDapatDilanjutkan(
                f"Tiket {nomor} masih punya run aktif {r.id} ({r.state.name if r.state else '?'})"
            )
        lama = runs[0] if runs else None
        keadaan = lama.state.name if lama and lama.state else "tanpa run"
        return _ganti(client, nomor, lama, f"dilanjutkan operator (run terakhir: {keadaan})",
                      actor=operator)
