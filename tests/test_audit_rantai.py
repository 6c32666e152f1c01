"""The audit trail and the agenda book: hash chains, and what the database refuses.

On SQLite and on the real PostgreSQL: the chains are built by normal use; a REPLACE, an
UPDATE or DELETE by someone who lifted the triggers, and an emptied table are each found by
``lpa audit verifikasi`` with the right first broken link; concurrent writers keep one
chain. On PostgreSQL, the service's role (``lpa db hak-akses``) may only add to the audit
trail and the agenda book, and never changes the schema.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import bantu
import pytest
from alembic import command
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from domain.calendar import WIB, BusinessCalendar
from domain.sop import JenisLayanan
from domain.tiket import HasilTiket
from settings import get_settings
from store import chain, db, repo
from store.models import AgendaEntry, AuditEvent

CAL = BusinessCalendar()
SENIN = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
REPORT_SHA = "ab" * 32

BOTH = pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)
SQLITE = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


# --- helpers --------------------------------------------------------------------------------

def _open(session, i: int):
    ticket, _ = repo.open_ticket(
        session, request_type=JenisLayanan.PEMBANGUNAN, form={"nama_aplikasi": f"App {i}"},
        application_name=f"App {i}", agency="Dinas Kominfo", received_at=SENIN,
        opened_at=SENIN + timedelta(minutes=i), calendar=CAL, idempotency_key=f"k-{i}")
    return ticket


def _archive(url: str, number: str, outcome: HasilTiket = HasilTiket.DISETUJUI) -> None:
    at = SENIN + timedelta(hours=2)
    with db.session_scope(url) as s:
        ticket = repo.get_ticket(s, number)
        repo.close_ticket(s, ticket, outcome, at)
        repo.archive_ticket(s, ticket, at=at, summary=f"Ringkasan {number} é ✓",
                            report_path=f"/laporan/{number}.html", report_sha256=REPORT_SHA)


def _fill(url: str, tickets: int = 3, archived: int = 2) -> list[str]:
    """Tickets through the store's own functions: 3 audit events per archived ticket, 2 for
    an open one, one agenda entry per archived ticket."""
    numbers = []
    for i in range(tickets):
        with db.session_scope(url) as s:
            ticket = _open(s, i)
            repo.audit(s, "catatan", ticket=ticket, actor="uji", urutan=i,
                       rincian={"teks": "é ✓", "angka": [1, 2.5]})
            numbers.append(ticket.number)
    for number in numbers[:archived]:
        _archive(url, number, HasilTiket.DISETUJUI)
    return numbers


def _verify(url: str, anchors=None) -> dict[str, chain.ChainReport]:
    with db.engine(url).connect() as conn:
        reports = chain.verify(conn, anchors)
        conn.rollback()
    return {r.table: r for r in reports}


def _ids(url: str, model) -> list[int]:
    with db.session_scope(url) as s:
        return list(s.scalars(select(model.id).order_by(model.chain_seq)))


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _privileged(url: str, *statements: str,
                tables: tuple[str, ...] = ("audit_event", "agenda_entry", "ticket",
                                           "chain_head")) -> None:
    """What someone who can lift the guards does: on SQLite anyone holding the file drops
    the triggers; on PostgreSQL the tables' owner disables them (ALTER TABLE succeeds)."""
    if _is_sqlite(url):
        conn = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        try:
            marks = ",".join("?" * len(tables))
            triggers = conn.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                f"AND tbl_name IN ({marks})", tables).fetchall()
            conn.execute("BEGIN IMMEDIATE")
            for name, _ in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                conn.execute(statement)
            for _, sql in triggers:
                conn.execute(sql)
            conn.execute("COMMIT")
        finally:
            conn.close()
        return
    with db.engine(url).begin() as conn:
        for table in tables:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for statement in statements:
            conn.exec_driver_sql(statement)
        for table in tables:
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def _replace_sqlite(url: str, table: str, row_id: int, **changes: object) -> None:
    """INSERT OR REPLACE of a row with some columns changed, triggers left in place."""
    conn = sqlite3.connect(make_url(url).database or "", isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        values = ", ".join(f":{c}" if c in changes else c for c in columns)
        conn.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) "
                     f"SELECT {values} FROM {table} WHERE id = :row_id",
                     {**changes, "row_id": row_id})
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE id = ?", (row_id,)
                            ).fetchone()[0] == 1
    finally:
        conn.close()


@pytest.fixture
def settings_env(store_url: str, tmp_path: Path, pengaturan_uji: bantu.Pengaturan
                 ) -> str:
    pengaturan_uji(database_url=store_url, data_dir=tmp_path / "data", database_url_migrasi=None,
                   migrasi_otomatis=None)
    return store_url


def _cli(*args: str):
    from lpa.cli import app

    return CliRunner().invoke(app, list(args))


# --- the chains -----------------------------------------------------------------------------

@BOTH
def test_normal_use_builds_both_chains(store_url: str) -> None:
    numbers = _fill(store_url)
    reports = _verify(store_url)
    audit, agenda = reports["audit_event"], reports["agenda_entry"]
    assert audit.intact and agenda.intact
    assert (audit.rows, audit.head_seq) == (8, 8)
    assert (agenda.rows, agenda.head_seq) == (2, 2)
    with db.session_scope(store_url) as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.chain_seq for e in events] == list(range(1, 9))
        assert events[0].chain_prev == chain.GENESIS
        assert all(b.chain_prev == a.chain_hash for a, b in zip(events, events[1:], strict=False))
        assert audit.head_hash == events[-1].chain_hash
        entry = s.scalars(select(AgendaEntry).order_by(AgendaEntry.id)).first()
        assert entry is not None and entry.report_sha256 == REPORT_SHA
        vouched = json.loads(entry.chain_content)
        assert vouched["ticket"]["number"] == numbers[0]
        assert vouched["ticket"]["outcome"] == "disetujui"
        assert vouched["report_sha256"] == REPORT_SHA


@SQLITE
@pytest.mark.parametrize("case", ["audit", "agenda", "outcome"])
def test_sqlite_replace_is_detected(store_url: str, case: str) -> None:
    """REPLACE's implicit delete fires no delete trigger: SQLite lets it through, the chain
    catches it."""
    numbers = _fill(store_url)
    audit_ids, agenda_ids = _ids(store_url, AuditEvent), _ids(store_url, AgendaEntry)
    if case == "audit":
        _replace_sqlite(store_url, "audit_event", audit_ids[2], kind="dipalsukan")
        table, row_id, seq, what = "audit_event", audit_ids[2], 3, \
            'kind tercatat "tiket_dibuka", sekarang "dipalsukan"'
    elif case == "agenda":
        _replace_sqlite(store_url, "agenda_entry", agenda_ids[1], summary="diganti")
        table, row_id, seq, what = "agenda_entry", agenda_ids[1], 2, 'summary tercatat "Ring'
    else:
        with db.session_scope(store_url) as s:
            ticket_id = repo.get_ticket(s, numbers[0]).id
        _replace_sqlite(store_url, "ticket", ticket_id, outcome="ditolak")
        table, row_id, seq, what = "agenda_entry", agenda_ids[0], 1, \
            'ticket.outcome tercatat "disetujui", sekarang "ditolak"'
    reports = _verify(store_url)
    broken = reports[table].broken
    assert broken is not None
    assert (broken.table, broken.row_id, broken.seq) == (table, row_id, seq)
    assert what in broken.what
    other = "agenda_entry" if table == "audit_event" else "audit_event"
    assert reports[other].intact


@BOTH
def test_update_by_someone_who_lifted_the_guards_is_detected(store_url: str) -> None:
    numbers = _fill(store_url)
    audit_ids, agenda_ids = _ids(store_url, AuditEvent), _ids(store_url, AgendaEntry)
    with db.session_scope(store_url) as s:
        ticket_id = repo.get_ticket(s, numbers[1]).id
    _privileged(store_url,
                f"UPDATE audit_event SET actor = 'orang lain' WHERE id = {audit_ids[3]}",
                f"UPDATE ticket SET outcome = 'ditolak' WHERE id = {ticket_id}")
    reports = _verify(store_url)
    audit, agenda = reports["audit_event"].broken, reports["agenda_entry"].broken
    assert audit is not None and agenda is not None
    assert (audit.row_id, audit.seq) == (audit_ids[3], 4)
    assert 'actor tercatat "uji", sekarang "orang lain"' in audit.what
    assert (agenda.row_id, agenda.seq) == (agenda_ids[1], 2)
    assert 'ticket.outcome tercatat "disetujui", sekarang "ditolak"' in agenda.what


@BOTH
def test_deleted_rows_are_detected_as_gaps(store_url: str) -> None:
    _fill(store_url)
    audit_ids, agenda_ids = _ids(store_url, AuditEvent), _ids(store_url, AgendaEntry)
    _privileged(store_url, f"DELETE FROM audit_event WHERE id = {audit_ids[2]}",
                f"DELETE FROM agenda_entry WHERE id = {agenda_ids[-1]}")
    reports = _verify(store_url)
    audit, agenda = reports["audit_event"].broken, reports["agenda_entry"].broken
    assert audit is not None and agenda is not None
    # The middle row: the link after the gap names it.
    assert (audit.row_id, audit.seq) == (audit_ids[3], 4)
    assert f"urutan #3 tidak ada setelah id {audit_ids[1]} (#2): baris dihapus" in audit.what
    # The last row: only the head still knows it.
    assert (agenda.row_id, agenda.seq) == (None, 2)
    assert "kepala rantai mencatat #2, tabel hanya sampai #1" in agenda.what
    assert "dihapus dari ujung rantai" in agenda.what


@BOTH
def test_emptied_tables_are_detected(store_url: str) -> None:
    _fill(store_url)
    if _is_sqlite(store_url):
        emptied = ("DELETE FROM audit_event", "DELETE FROM agenda_entry")
    else:
        # The owner is refused by the TRUNCATE trigger until they disable it.
        for table in ("audit_event", "agenda_entry", "chain_head"):
            with pytest.raises(DBAPIError, match="tidak boleh|hanya boleh"), \
                    db.engine(store_url).begin() as conn:
                conn.execute(text(f"TRUNCATE {table} CASCADE"))
        emptied = ("TRUNCATE audit_event, agenda_entry",)
    _privileged(store_url, *emptied)
    reports = _verify(store_url)
    for table, head in (("audit_event", 8), ("agenda_entry", 2)):
        broken = reports[table].broken
        assert broken is not None and reports[table].rows == 0
        assert broken.table == table
        assert f"kepala rantai mencatat #{head}, tabel hanya sampai #0" in broken.what
        assert "tabel dikosongkan" in broken.what


@BOTH
def test_a_consistent_rewrite_is_caught_by_a_head_recorded_elsewhere(store_url: str) -> None:
    """The limit of a chain inside the store: whoever rewrites every later link and the head
    leaves an intact chain; the head an operator noted earlier does not match any more."""
    _fill(store_url)
    noted = _verify(store_url)["audit_event"]
    anchor = {"audit_event": (noted.head_seq, noted.head_hash)}
    with db.engine(store_url).connect() as conn:
        rows = conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.chain_seq)).all()
    statements, prev = [], rows[3].chain_prev
    for i, row in enumerate(rows[3:]):
        values = dict(row._mapping)
        if i == 0:
            values["kind"] = "ditulis_ulang"
        content = chain.audit_content(row.chain_seq, values)
        digest = chain.link_hash(prev, content)
        statements.append(
            f"UPDATE audit_event SET kind = '{values['kind']}', chain_prev = '{prev}', "
            f"chain_hash = '{digest}', chain_content = '{content}' WHERE id = {row.id}")
        prev = digest
    statements.append(f"UPDATE chain_head SET hash = '{prev}' WHERE name = 'audit_event'")
    _privileged(store_url, *statements)
    assert _verify(store_url)["audit_event"].intact
    broken = _verify(store_url, anchor)["audit_event"].broken
    assert broken is not None and broken.seq == noted.head_seq
    assert "rantai ditulis ulang" in broken.what


@BOTH
def test_concurrent_writers_keep_one_chain(store_url: str) -> None:
    numbers = _fill(store_url, tickets=6, archived=0)

    def work(i: int) -> None:
        for k in range(5):
            with db.session_scope(store_url) as s:
                repo.audit(s, "serentak", actor=f"utas-{i}", k=k)
        if i < len(numbers):
            _archive(store_url, numbers[i])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(8)))
    reports = _verify(store_url)
    audit, agenda = reports["audit_event"], reports["agenda_entry"]
    assert audit.intact, audit.broken
    assert agenda.intact, agenda.broken
    # 6 tickets × 2 events, 8 threads × 5, 6 archives.
    assert (audit.rows, audit.head_seq) == (12 + 40 + 6, 58)
    assert (agenda.rows, agenda.head_seq) == (6, 6)


@BOTH
def test_chain_head_only_advances(store_url: str) -> None:
    _fill(store_url, tickets=1, archived=0)
    for statement in ("UPDATE chain_head SET seq = seq + 5 WHERE name = 'audit_event'",
                      "UPDATE chain_head SET seq = 0 WHERE name = 'audit_event'",
                      "DELETE FROM chain_head"):
        with pytest.raises(DBAPIError, match="kepala rantai hanya boleh maju"), \
                db.engine(store_url).begin() as conn:
            conn.execute(text(statement))
    assert _verify(store_url)["audit_event"].intact


@BOTH
def test_migration_chains_rows_already_there(store_url: str) -> None:
    """An installation at 0004: its rows are chained by 0005, and the chain is verifiable;
    down to 0004 and up again gives the same chain."""
    cfg = db.alembic_config()
    with db.engine(store_url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    db.dispose_all()
    with db.engine(store_url).begin() as conn:
        conn.execute(text(
            "INSERT INTO ticket (id, number, year, request_type, application_name, agency, "
            "form, state, outcome, created_at, updated_at, closed_at, archived_at) VALUES "
            "(7, 'LPA-2026-000007', 2026, 'va', 'Lama', 'Dinas', '{}', 'diarsipkan', "
            "'ditolak', '2026-11-30 02:00:00', '2026-11-30 04:00:00', '2026-11-30 03:00:00', "
            "'2026-11-30 04:00:00')"))
        for kind, at in (("tiket_dibuka", "2026-11-30 02:00:00"),
                         ("tiket_diarsipkan", "2026-11-30 04:00:00.25")):
            conn.execute(text("INSERT INTO audit_event (at, ticket_id, kind, detail) "
                              f"VALUES ('{at}', 7, '{kind}', '{{\"a\": [1, \"é\"]}}')"))
        conn.execute(text(
            "INSERT INTO agenda_entry (ticket_id, year, seq, number, archived_at, summary) "
            "VALUES (7, 2026, 1, 'AGD-2026-000001', '2026-11-30 04:00:00', 'Lama')"))
    db.dispose_all()
    db.upgrade(store_url)
    first = _verify(store_url)
    assert first["audit_event"].intact and first["agenda_entry"].intact
    assert (first["audit_event"].rows, first["agenda_entry"].rows) == (2, 1)
    # New rows continue the migrated chain.
    with db.session_scope(store_url) as s:
        repo.audit(s, "sesudah_migrasi")
    assert _verify(store_url)["audit_event"].head_seq == 3
    # Down and up again: the same links for the same rows.
    with db.engine(store_url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    db.dispose_all()
    db.upgrade(store_url)
    again = _verify(store_url)
    assert again["audit_event"].intact and again["audit_event"].head_seq == 3
    assert again["agenda_entry"].head_hash == first["agenda_entry"].head_hash
    _privileged(store_url, "UPDATE ticket SET outcome = 'disetujui' WHERE id = 7")
    broken = _verify(store_url)["agenda_entry"].broken
    assert broken is not None and "ticket.outcome" in broken.what


@SQLITE
def test_archive_task_records_the_reports_hash(settings_env: str) -> None:
    import hashlib

    from domain.sop import langkah
    from tasks import tiket

    url = settings_env
    [number] = _fill(url, tickets=1, archived=0)
    with db.session_scope(url) as s:
        repo.close_ticket(s, repo.get_ticket(s, number), HasilTiket.DITOLAK,
                          SENIN + timedelta(hours=1))
    step_id = tiket.mulai_langkah.fn(number, langkah("arsip"), "run-arsip")
    tiket.arsipkan_tiket.fn(number, step_id, "Ringkasan")  # renders the final report
    report = get_settings().laporan_dir / number / "laporan.html"
    with db.session_scope(url) as s:
        entry = s.scalars(select(AgendaEntry)).one()
        assert entry.report_path == str(report)
        assert entry.report_sha256 == hashlib.sha256(report.read_bytes()).hexdigest()
        vouched = json.loads(entry.chain_content)
        assert vouched["report_sha256"] == entry.report_sha256
        assert vouched["ticket"]["outcome"] == "ditolak"
    assert all(r.intact for r in _verify(url).values())


# --- lpa audit verifikasi -------------------------------------------------------------------

@BOTH
def test_cli_verifikasi_exit_codes(settings_env: str) -> None:
    url = settings_env
    _fill(url)
    done = _cli("audit", "verifikasi")
    assert done.exit_code == 0, done.output
    head = _verify(url)["audit_event"].head_hash
    assert f"Rantai audit_event: utuh, 8 baris; kepala audit_event:8:{head}" in done.output
    assert "Rantai agenda_entry: utuh, 2 baris; kepala agenda_entry:2:" in done.output
    anchored = _cli("audit", "verifikasi", "--kepala", f"audit_event:8:{head}")
    assert anchored.exit_code == 0, anchored.output
    wrong = _cli("audit", "verifikasi", "--kepala", f"audit_event:8:{'0' * 64}")
    assert wrong.exit_code == 1 and "rantai ditulis ulang" in wrong.output
    bad = _cli("audit", "verifikasi", "--kepala", "audit_event:8")
    assert bad.exit_code == 2 and "TABEL:URUTAN:HASH" in bad.output

    audit_ids = _ids(url, AuditEvent)
    if _is_sqlite(url):
        _replace_sqlite(url, "audit_event", audit_ids[5], detail='{"urutan": 99}')
    else:
        _privileged(url, f"UPDATE audit_event SET detail = '{{\"urutan\": 99}}' "
                         f"WHERE id = {audit_ids[5]}")
    broken = _cli("audit", "verifikasi")
    assert broken.exit_code == 1, broken.output
    assert (f"Rantai audit_event: RUSAK. Tautan pertama yang putus: tabel audit_event, "
            f"id {audit_ids[5]} (urutan #6): isi baris berubah: detail.rincian tercatat "
            '{"angka": [1, 2.5], "teks": "é ✓"}, sekarang tidak ada; detail.urutan '
            "tercatat 2, sekarang 99") in broken.output
    assert "Rantai agenda_entry: utuh" in broken.output
    as_json = _cli("audit", "verifikasi", "--json")
    assert as_json.exit_code == 1
    parsed = json.loads(as_json.output)
    assert [(r["table"], r["intact"]) for r in parsed] == [("audit_event", False),
                                                          ("agenda_entry", True)]
    assert parsed[0]["broken"]["id"] == audit_ids[5]


@SQLITE
def test_cli_verifikasi_cannot_check(settings_env: str, tmp_path: Path,
                                     pengaturan_uji: bantu.Pengaturan) -> None:
    pengaturan_uji(database_url=f"sqlite:///{tmp_path / 'tidak-ada.db'}")
    done = _cli("audit", "verifikasi")
    assert done.exit_code == 2 and "belum ada" in done.output
    assert not (tmp_path / "tidak-ada.db").exists()
    refused = _cli("db", "hak-akses", "lpa_app")
    assert refused.exit_code == 1 and "hanya ada di PostgreSQL" in refused.output


# --- PostgreSQL: the service's role may only add --------------------------------------------

@pytest.fixture
def pg_roles(pg_server: str) -> Iterator[tuple[str, str, str, str]]:
    """A fresh database owned by a fresh owner role, and a fresh service role:
    (owner URL, service URL, owner role, service role); everything dropped afterwards."""
    suffix = uuid.uuid4().hex[:10]
    owner, service, name = f"lpa_owner_{suffix}", f"lpa_app_{suffix}", f"lpa_test_{suffix}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} LOGIN"))
        conn.execute(text(f"CREATE ROLE {service} LOGIN"))
        conn.execute(text(f"CREATE DATABASE {name} OWNER {owner}"))
    base = make_url(pg_server).set(database=name)
    owner_url = base.set(username=owner).render_as_string(hide_password=False)
    service_url = base.set(username=service).render_as_string(hide_password=False)
    try:
        yield owner_url, service_url, owner, service
    finally:
        db.dispose_all()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"DROP ROLE IF EXISTS {service}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {owner}"))
        admin.dispose()


def _sqlstate(exc: pytest.ExceptionInfo[DBAPIError]) -> str | None:
    return getattr(exc.value.orig, "sqlstate", None)


@pytest.mark.postgres
def test_service_role_may_only_add_to_audit_and_agenda(
        pg_roles: tuple[str, str, str, str], tmp_path: Path,
        pengaturan_uji: bantu.Pengaturan) -> None:
    owner_url, service_url, _owner, service = pg_roles
    pengaturan_uji(database_url=service_url, database_url_migrasi=owner_url,
                   data_dir=tmp_path / "data", migrasi_otomatis="false")
    # An installation at 0004, its rows written before the chains existed.
    cfg = db.alembic_config()
    with db.engine(owner_url).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
        conn.execute(text(
            "INSERT INTO ticket (number, year, request_type, application_name, agency, "
            "form, state, created_at, updated_at) VALUES ('LPA-2026-000042', 2026, 'va', "
            "'Lama', 'Dinas', '{}', 'diproses', now(), now())"))
        conn.execute(text("INSERT INTO audit_event (at, ticket_id, kind, detail) "
                          "SELECT now(), id, 'tiket_dibuka', '{}' FROM ticket"))
    granted = _cli("db", "hak-akses", service)
    assert granted.exit_code == 0, granted.output
    # The service never changes the schema: with migration off it refuses an old one,
    # and even when asked to migrate its role has no right to.
    with pytest.raises(db.SchemaError, match="LPA_MIGRASI_OTOMATIS=false"):
        db.upgrade(service_url)
    with pytest.raises(db.SchemaError, match="tidak berhak mengubah skema"):
        db.upgrade(service_url, migrate=True)
    # The owner migrates (0005 chains the row already there) and grants again.
    migrated = _cli("db", "migrasi", "--peran-aplikasi", service)
    assert migrated.exit_code == 0, migrated.output
    assert f"dari revisi 0004 ke {db._head_tanpa_alembic()}" in migrated.output
    db.upgrade(service_url)  # at head: only read
    assert _cli("db", "hak-akses", service, "--sql").output.count("GRANT") >= 10

    # The service works: it opens, audits and archives (INSERT and SELECT).
    numbers = _fill(service_url, tickets=2, archived=1)
    assert numbers == ["LPA-2026-000001", "LPA-2026-000002"]
    reports = _verify(service_url)
    assert reports["audit_event"].intact and reports["audit_event"].rows == 1 + 4 + 1
    assert reports["agenda_entry"].intact and reports["agenda_entry"].rows == 1

    refused = []
    for table in ("audit_event", "agenda_entry"):
        refused += [f"UPDATE {table} SET chain_content = chain_content",
                    f"DELETE FROM {table}",
                    f"TRUNCATE {table}",
                    f"ALTER TABLE {table} DISABLE TRIGGER USER",
                    f"ALTER TABLE {table} DISABLE TRIGGER ALL",
                    f"DROP TABLE {table}"]
    refused += ["TRUNCATE chain_head", "DELETE FROM chain_head",
                "INSERT INTO chain_head (name, seq, hash) VALUES ('x', 0, 'x')",
                "ALTER TABLE ticket DISABLE TRIGGER USER",
                "CREATE TABLE bayangan (id int)",
                "CREATE TRIGGER t BEFORE INSERT ON audit_event FOR EACH ROW "
                "EXECUTE FUNCTION lpa_forbid('x')"]
    for statement in refused:
        with pytest.raises(DBAPIError) as exc, db.engine(service_url).begin() as conn:
            conn.execute(text(statement))
        assert _sqlstate(exc) == "42501", (statement, exc.value)  # insufficient privilege
    # The head moves only by one, and the guards of archived tickets still hold.
    for statement in ("UPDATE chain_head SET seq = seq + 2",
                      "UPDATE chain_head SET hash = 'palsu'"):
        with pytest.raises(DBAPIError, match="kepala rantai"), \
                db.engine(service_url).begin() as conn:
            conn.execute(text(statement))
    with pytest.raises(DBAPIError, match="diarsipkan"), \
            db.engine(service_url).begin() as conn:
        conn.execute(text("UPDATE ticket SET outcome = 'ditolak' "
                          "WHERE archived_at IS NOT NULL"))
    with db.engine(service_url).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one() == 6
    assert _cli("audit", "verifikasi").exit_code == 0

    # The owner, by contrast, can lift the guards: the chain is what tells.
    _privileged(owner_url, "UPDATE ticket SET outcome = 'ditolak' "
                           "WHERE archived_at IS NOT NULL")
    broken = _cli("audit", "verifikasi")
    assert broken.exit_code == 1
    assert "Rantai agenda_entry: RUSAK" in broken.output and "ticket.outcome" in broken.output


@pytest.mark.postgres
def test_grants_refuse_an_owner_or_superuser(pg_roles: tuple[str, str, str, str],
                                             pengaturan_uji: bantu.Pengaturan) -> None:
    owner_url, _service_url, owner, _service = pg_roles
    pengaturan_uji(database_url=owner_url, database_url_migrasi=None)
    assert _cli("db", "migrasi").exit_code == 0
    for role, message in ((owner, "pemilik tabel"), ("postgres", "superuser"),
                          ("tidak_ada_peran_ini", "tidak ada")):
        done = _cli("db", "hak-akses", role)
        assert done.exit_code == 1 and message in done.output, done.output
