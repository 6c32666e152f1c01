"""The working report's path is a column of step 6 (migration ``0006``), not note text.

On SQLite and on the real PostgreSQL: a store at ``0005`` whose step 6 wrote its path into
its note gets the path as the column; an archived ticket's frozen rows are left alone; down
to ``0005`` and up again keeps the archive guards of ``0001`` on ``step_record``.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from store import db
from store.models import StepRecord

BOTH = pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)


def _alembic(url: str, target: str, down: bool = False) -> None:
    cfg = db.alembic_config()
    with db.engine(url).begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, target)
    db.dispose_all()


def _ticket(conn, id_: int, archived: bool) -> None:
    at = "'2026-11-30 04:00:00'" if archived else "NULL"
    conn.execute(text(
        "INSERT INTO ticket (id, number, year, request_type, application_name, agency, "
        "form, state, outcome, created_at, updated_at, closed_at, archived_at) VALUES "
        f"({id_}, 'LPA-2026-00000{id_}', 2026, 'va', 'Lama', 'Dinas', '{{}}', 'ditutup', "
        f"'disetujui', '2026-11-30 02:00:00', '2026-11-30 04:00:00', "
        f"'2026-11-30 03:00:00', {at})"))
    conn.execute(text(
        "INSERT INTO step_record (id, ticket_id, step_no, code, actor_role, started_at, "
        "finished_at, note, breached) VALUES "
        f"({id_}, {id_}, 6, 'laporan', 'petugas_service_desk', '2026-11-30 03:00:00', "
        f"'2026-11-30 03:01:00', 'Laporan: /laporan/LPA-{id_}/laporan.html', false)"))


@BOTH
def test_step_six_notes_become_the_report_path_column(store_url: str) -> None:
    _alembic(store_url, "0005", down=True)
    with db.engine(store_url).begin() as conn:
        _ticket(conn, 1, archived=False)
        _ticket(conn, 2, archived=True)
    _alembic(store_url, "0006")
    with db.session_scope(store_url) as s:
        paths = dict(s.execute(select(StepRecord.id, StepRecord.report_path)).all())
        notes = set(s.scalars(select(StepRecord.note)))
    assert paths == {1: "/laporan/LPA-1/laporan.html", 2: None}
    assert notes == {"Laporan: /laporan/LPA-1/laporan.html",
                     "Laporan: /laporan/LPA-2/laporan.html"}
    # down and up again: the archived ticket's steps are still frozen
    _alembic(store_url, "0005", down=True)
    _alembic(store_url, "head")
    with pytest.raises(DBAPIError, match="arsip"), db.engine(store_url).begin() as conn:
        conn.execute(text("UPDATE step_record SET note = 'diubah' WHERE id = 2"))
    with db.engine(store_url).begin() as conn:  # an open ticket's step may still change
        conn.execute(text("UPDATE step_record SET report_path = 'x' WHERE id = 1"))
