"""The store on SQLite and on the real PostgreSQL: schema, numbering, atomicity, guards."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, StatementError

from domain.calendar import WIB, BusinessCalendar, add_business_time
from domain.sop import JenisLayanan, langkah
from domain.tiket import HasilTiket, StatusTiket
from store import db, repo
from store.models import AgendaEntry, AuditEvent, Base, StepRecord, Ticket

CAL = BusinessCalendar()
# Monday 30 November 2026, 09:00 WIB: an ordinary working day.
SENIN_0900 = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)


def _open(session, key: str | None = None, at: datetime = SENIN_0900, **kw):
    return repo.open_ticket(
        session,
        request_type=kw.pop("request_type", JenisLayanan.UJI_KELAYAKAN),
        form=kw.pop("form", {"nama_aplikasi": "SIMPEG"}),
        application_name="SIMPEG",
        agency="Badan Kepegawaian Daerah",
        received_at=at,
        opened_at=at + timedelta(minutes=5),
        calendar=CAL,
        idempotency_key=key,
        **kw,
    )


def _count(url: str, model) -> int:
    with db.session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_migrations_match_models(store_url: str) -> None:
    with db.engine(store_url).connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_open_ticket_records_step_one_against_its_mutu_baku(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        ticket, created = _open(s)
        assert created
    with db.session_scope(store_url) as s:
        ticket = repo.get_ticket(s, ticket.number)
        assert ticket.number == "LPA-2026-000001"
        assert ticket.state == StatusTiket.DIPROSES
        [step] = ticket.steps
        assert (step.step_no, step.code, step.actor_role) == (1, "pengajuan", "opd")
        assert step.started_at == SENIN_0900
        assert step.due_at == add_business_time(SENIN_0900, langkah("pengajuan").mutu_baku, CAL)
        assert step.due_at == datetime(2026, 11, 30, 12, 0, tzinfo=WIB)
        assert step.finished_at == SENIN_0900 + timedelta(minutes=5)
        assert not step.breached
        assert step.started_at.tzinfo is not None
        kinds = s.scalars(select(AuditEvent.kind)).all()
        assert kinds == ["tiket_dibuka"]


def test_ticket_numbers_are_sequential_per_year(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        a, _ = _open(s)
        b, _ = _open(s)
        c, _ = _open(s, at=datetime(2027, 1, 4, 9, 0, tzinfo=WIB))
    assert [a.number, b.number, c.number] == [
        "LPA-2026-000001", "LPA-2026-000002", "LPA-2027-000001"]


def test_same_idempotency_key_opens_one_ticket(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        first, created_first = _open(s, key="portal-req-42")
    with db.session_scope(store_url) as s:
        again, created_again = _open(s, key="portal-req-42")
    assert created_first and not created_again
    assert again.number == first.number
    assert _count(store_url, Ticket) == 1
    assert _count(store_url, StepRecord) == 1


def test_failure_leaves_nothing_half_stored(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        _open(s)
    with pytest.raises(RuntimeError), db.session_scope(store_url) as s:
        _open(s, key="akan-gagal")
        raise RuntimeError("gangguan setelah tiket ditulis")
    assert _count(store_url, Ticket) == 1
    assert _count(store_url, StepRecord) == 1
    assert _count(store_url, AuditEvent) == 1
    # The failed attempt did not consume a number either.
    with db.session_scope(store_url) as s:
        nxt, _ = _open(s)
    assert nxt.number == "LPA-2026-000002"


def test_unserialisable_form_is_refused_whole(store_url: str) -> None:
    # SQLAlchemy wraps the JSON encoder's TypeError on SQLite; psycopg raises it bare.
    with pytest.raises((StatementError, TypeError), match="not JSON serializable"), \
            db.session_scope(store_url) as s:
        _open(s, form={"tidak_bisa": object()})
    assert _count(store_url, Ticket) == 0
    assert _count(store_url, StepRecord) == 0


def test_audit_events_are_append_only(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        _open(s)
    for statement in ("UPDATE audit_event SET kind = 'palsu'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="hanya boleh ditambah"):
            with db.session_scope(store_url) as s:
                s.execute(text(statement))
    assert _count(store_url, AuditEvent) == 1


def test_one_audit_event_by_a_detail_value(store_url: str) -> None:
    """The recovery check reads the one record of (ticket, kind, run), not the kind's all."""
    from store import kueri

    with db.session_scope(store_url) as s:
        a, _ = _open(s)
        b, _ = _open(s)
        pertama = repo.audit(s, "tiket_dipulihkan", ticket=a, run_lama=None, run_baru="r-1")
        repo.audit(s, "tiket_dipulihkan", ticket=a, run_lama="r-1", run_baru="r-2")
        repo.audit(s, "tiket_dipulihkan", ticket=a, run_baru="r-1")  # a repeat: first wins
        repo.audit(s, "lain", ticket=a, run_baru="r-3")
        repo.audit(s, "tiket_dipulihkan", ticket=b, run_baru="r-4")
        ids = (a.id, b.id, pertama.id)
    with db.session_scope(store_url) as s:
        a_id, b_id, pertama_id = ids
        dapat = kueri.audit_event_with(s, a_id, "tiket_dipulihkan", "run_baru", "r-1")
        assert dapat is not None and dapat.id == pertama_id
        kedua = kueri.audit_event_with(s, a_id, "tiket_dipulihkan", "run_baru", "r-2")
        assert kedua is not None and kedua.detail["run_lama"] == "r-1"
        assert kueri.audit_event_with(s, a_id, "tiket_dipulihkan", "run_lama", "r-1") == kedua
        # another kind, another ticket, a value no record holds
        assert kueri.audit_event_with(s, a_id, "tiket_dipulihkan", "run_baru", "r-3") is None
        assert kueri.audit_event_with(s, a_id, "tiket_dipulihkan", "run_baru", "r-4") is None
        assert kueri.audit_event_with(s, b_id, "tiket_dipulihkan", "run_baru", "r-4") is not None
        assert kueri.audit_event_with(s, a_id, "tiket_dipulihkan", "run_baru", "r-9") is None


def _close_and_archive(url: str, number: str, at: datetime) -> AgendaEntry:
    with db.session_scope(url) as s:
        ticket = repo.get_ticket(s, number)
        repo.close_ticket(s, ticket, HasilTiket.DISETUJUI, at)
        return repo.archive_ticket(s, ticket, at=at, summary="Selesai")


def test_archive_gives_yearly_agenda_numbers_and_freezes_the_ticket(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        t1, _ = _open(s)
        t2, _ = _open(s)
    at = SENIN_0900 + timedelta(hours=2)
    e1 = _close_and_archive(store_url, t1.number, at)
    e2 = _close_and_archive(store_url, t2.number, at)
    assert (e1.number, e2.number) == ("AGD-2026-000001", "AGD-2026-000002")
    with db.session_scope(store_url) as s:
        ticket = repo.get_ticket(s, t1.number)
        assert ticket.state == StatusTiket.DIARSIPKAN
        with pytest.raises(repo.StoreError, match="sudah diarsipkan"):
            repo.set_state(s, ticket, StatusTiket.DIPROSES, at)
    # The database itself refuses, even to someone bypassing our code.
    for statement in (
        f"UPDATE ticket SET state = 'diproses' WHERE number = '{t1.number}'",
        f"DELETE FROM ticket WHERE number = '{t1.number}'",
        f"UPDATE step_record SET note = 'x' WHERE ticket_id = {t1.id}",
        "UPDATE agenda_entry SET summary = 'x'",
        "DELETE FROM agenda_entry",
    ):
        with pytest.raises(DBAPIError, match="diarsipkan|buku agenda"):
            with db.session_scope(store_url) as s:
                s.execute(text(statement))
    assert _count(store_url, AgendaEntry) == 2


def test_archive_needs_a_closed_ticket(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        ticket, _ = _open(s)
        with pytest.raises(repo.StoreError, match="belum ditutup"):
            repo.archive_ticket(s, ticket, at=SENIN_0900, summary="-")


def test_step_finished_after_due_is_breached(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        ticket, _ = _open(s)
        step = repo.start_step(s, ticket, langkah("disposisi_kadis"), SENIN_0900, CAL)
        assert step.due_at == SENIN_0900 + timedelta(minutes=30)
        assert not repo.mark_breached(s, step, SENIN_0900 + timedelta(minutes=10))
        assert repo.mark_breached(s, step, SENIN_0900 + timedelta(minutes=31))
        assert not repo.mark_breached(s, step, SENIN_0900 + timedelta(minutes=40))
        late = repo.start_step(s, ticket, langkah("disposisi_kabid"), SENIN_0900, CAL)
        repo.finish_step(s, late, SENIN_0900 + timedelta(hours=1), decision="setuju")
        assert late.breached
        with pytest.raises(repo.StoreError, match="sudah selesai"):
            repo.finish_step(s, late, SENIN_0900 + timedelta(hours=2))


def test_datetimes_come_back_aware_in_utc(store_url: str) -> None:
    with db.session_scope(store_url) as s:
        ticket, _ = _open(s)
    with db.session_scope(store_url) as s:
        step = s.scalars(select(StepRecord)).one()
        assert step.started_at.tzinfo is not None
        assert step.started_at.utcoffset() == timedelta(0)
        assert step.started_at == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_concurrent_intake_gets_unique_numbers(store_url: str) -> None:
    def one(i: int) -> str:
        with db.session_scope(store_url) as s:
            ticket, _ = _open(s, key=f"k-{i % 6}")
            return ticket.number

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(one, range(18)))
    # Six distinct keys → six tickets, numbered 1..6 without gaps; repeats got the same ticket.
    assert sorted(set(numbers)) == [f"LPA-2026-{i:06d}" for i in range(1, 7)]
    assert _count(store_url, Ticket) == 6


def test_concurrent_archiving_gets_unique_consecutive_agenda_numbers(store_url: str) -> None:
    """Issue 11: agenda numbers, like ticket numbers, under concurrent archiving: no number
    twice, none skipped, and the agenda chain stays one line."""
    with db.session_scope(store_url) as s:
        numbers = [_open(s, key=f"arsip-{i}")[0].number for i in range(12)]
    at = SENIN_0900 + timedelta(hours=2)
    with ThreadPoolExecutor(max_workers=6) as pool:
        entries = list(pool.map(lambda n: _close_and_archive(store_url, n, at).number, numbers))
    assert sorted(entries) == [f"AGD-2026-{i:06d}" for i in range(1, 13)]
    assert _count(store_url, AgendaEntry) == 12
    from store.chain import verify

    with db.engine(store_url).connect() as conn:
        reports = verify(conn)
    assert all(r.intact for r in reports), reports


def test_upgrade_from_many_threads_at_once(pg_server: str) -> None:
    """Every lpa verb upgrades the store before it reads; officials deciding in parallel
    threads of one process must not trip over Alembic (its command API is not re-entrant:
    unserialised, a fresh PostgreSQL store gives DuplicateTable and KeyError('script'))."""
    import threading

    from conftest import _create_pg_database, _drop_pg_database

    name, url = _create_pg_database(pg_server)
    errors: list[BaseException] = []

    def upgrade() -> None:
        try:
            db.upgrade(url)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=upgrade) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert errors == []
        with db.session_scope(url) as session:
            assert session.execute(text("select count(*) from ticket")).scalar_one() == 0
    finally:
        db.dispose_all()
        _drop_pg_database(pg_server, name)


def test_open_tickets_and_waiting_steps_queries(store_url: str) -> None:
    """``lpa status`` and ``lpa inbox`` read these: each open ticket once, at its newest
    unfinished step; filters by agency part (case and LIKE wildcards aside), type, assignee,
    lateness; soonest due first, a stopped clock last; archived tickets never."""
    with db.session_scope(store_url) as s:
        a, _ = _open(s)  # BKD, uji-kelayakan
        late = repo.start_step(s, a, langkah("disposisi_kadis"), SENIN_0900, CAL,
                               assignee_nip="197203151998031002")
        b, _ = _open(s, request_type=JenisLayanan.VA)
        repo.start_step(s, b, langkah("disposisi_kadis"), SENIN_0900 + timedelta(days=1), CAL)
        c, _ = _open(s)
        repo.start_step(s, c, langkah("kelengkapan"), SENIN_0900, CAL, clock_stopped=True)
        d, _ = _open(s)
        repo.close_ticket(s, d, HasilTiket.DISETUJUI, SENIN_0900)
        repo.archive_ticket(s, d, at=SENIN_0900, summary="selesai")
        numbers = [a.number, b.number, c.number]
    later = SENIN_0900 + timedelta(hours=2)
    with db.session_scope(store_url) as s:
        rows = repo.open_tickets(s)
        assert [(t.number, st.code if st else None) for t, st in rows] == [
            (numbers[0], "disposisi_kadis"), (numbers[1], "disposisi_kadis"),
            (numbers[2], "kelengkapan")]
        assert [t.number for t, _ in repo.open_tickets(s, agency="KEPEGAWAIAN")] == numbers
        assert repo.open_tickets(s, agency="dinas") == []
        assert repo.open_tickets(s, agency="%") == []
        assert [t.number for t, _ in repo.open_tickets(s, request_type="va")] == [numbers[1]]
        assert [st.id for _, st in repo.open_tickets(
            s, assignee_nip="197203151998031002")] == [late.id]
        assert [t.number for t, _ in repo.open_tickets(s, late_at=later)] == [numbers[0]]
        # paged in the query, in the same order; the counts are of the whole filtered list
        assert [t.number for t, _ in repo.open_tickets(s, limit=2)] == numbers[:2]
        assert [t.number for t, _ in repo.open_tickets(s, limit=2, offset=2)] == numbers[2:]
        assert [t.number for t, _ in repo.open_tickets(s, step_code="kelengkapan")] == [
            numbers[2]]
        assert repo.count_open_tickets(s, later) == (3, 1)
        assert repo.count_open_tickets(s, later, late_only=True) == (1, 1)
        assert repo.count_open_tickets(s, later, step_code="disposisi_kadis") == (2, 1)
        assert repo.count_open_tickets(s, later, agency="dinas") == (0, 0)
        waiting = repo.waiting_steps(s, {"disposisi_kadis"}, "197203151998031002")
        assert [(st.id, t.number) for st, t in waiting] == [(late.id, numbers[0])]
