"""Engines, sessions and migrations for the store (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:  # Alembic is imported only when the schema must be looked at closely
    from alembic.config import Config

_MIGRATIONS = Path(__file__).parent / "migrations"
_engines: dict[str, Engine] = {}
_lock = threading.Lock()
_migrate_lock = threading.Lock()
_upgraded: set[str] = set()


def _sqlite_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work beside one writer.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # Take the write lock up front: a deferred transaction that reads and then writes fails
    # at once with "database is locked" when another writer got in between, instead of waiting.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def engine(url: str) -> Engine:
    """One engine per URL for the life of the process.

    A bare ``postgresql://`` URL is taken to mean psycopg 3, the driver we install.
    """
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    key = parsed.render_as_string(hide_password=False)
    with _lock:
        if key not in _engines:
            if parsed.get_backend_name() == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                eng = create_engine(parsed)
                event.listen(eng, "connect", _sqlite_connect)
                event.listen(eng, "begin", _sqlite_begin)
            else:
                eng = create_engine(parsed, pool_pre_ping=True)
            _engines[key] = eng
        return _engines[key]


def dispose_all() -> None:
    with _lock:
        for eng in set(_engines.values()):
            eng.dispose()
        _engines.clear()
        _upgraded.clear()


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


class SchemaError(RuntimeError):
    """The store's schema is older than this code and may not be migrated from here;
    the message is for people (Bahasa Indonesia)."""


def current_revision(url: str) -> str | None:
    """The store's Alembic revision (None for an empty store); reads only."""
    from alembic.migration import MigrationContext

    with engine(url).connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
        connection.rollback()
    return heads[0] if heads else None


_REVISI = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*[\"']([^\"']+)[\"']", re.M)
_SEBELUM = re.compile(
    r"^down_revision\s*(?::[^=]+)?=\s*(?:None|[\"']([^\"']+)[\"'])\s*$", re.M)


@lru_cache(maxsize=1)
def _head_tanpa_alembic() -> str | None:
    """The newest migration's revision, read from the files of ``migrations/versions``
    without importing Alembic (which costs a verb a good part of its start); None when the
    history is not one plain line (then :func:`upgrade` asks Alembic)."""
    revisi: dict[str, str | None] = {}
    for path in (_MIGRATIONS / "versions").glob("*.py"):
        teks = path.read_text(encoding="utf-8")
        rev, sebelum = _REVISI.search(teks), _SEBELUM.search(teks)
        if rev is None or sebelum is None:
            return None
        revisi[rev.group(1)] = sebelum.group(1)
    heads = set(revisi) - {s for s in revisi.values() if s}
    return heads.pop() if len(heads) == 1 else None


def _sudah_terbaru(url: str) -> bool:
    """Whether the store is at the newest revision, by one plain query (no Alembic)."""
    head = _head_tanpa_alembic()
    if head is None:
        return False
    try:
        with engine(url).connect() as connection:
            versi = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            connection.rollback()
    except DBAPIError:  # an empty store has no alembic_version table yet
        return False
    return [v for (v,) in versi] == [head]


def upgrade(url: str, *, migrate: bool | None = None) -> None:
    """Bring the store at ``url`` to the newest schema (Alembic ``upgrade head``).

    A store already at the newest revision is only read (the service's database role in
    production has no right to change the schema: deployments/produksi.md). ``migrate``
    (default: the setting ``LPA_MIGRASI_OTOMATIS``) False makes an older store an error
    instead of a migration.

    Once per URL and process (until :func:`dispose_all`): the commands call this before
    every read, and Alembic's command API is neither cheap nor safe to run from two threads
    at once, so calls are serialised.
    """
    with _migrate_lock:
        if url in _upgraded:
            return
        if _sudah_terbaru(url):
            _upgraded.add(url)
            return
        from alembic import command
        from alembic.script import ScriptDirectory

        cfg = alembic_config()
        head = ScriptDirectory.from_config(cfg).get_current_head()
        current = current_revision(url)
        if current != head:
            if migrate is None:
                from settings import get_settings

                migrate = get_settings().migrasi_otomatis
            if not migrate:
                raise SchemaError(
                    f"Skema penyimpanan pada revisi {current or '(kosong)'}, versi lpa ini "
                    f"memerlukan {head}, dan migrasi otomatis dimatikan "
                    "(LPA_MIGRASI_OTOMATIS=false): jalankan `lpa db migrasi` sebagai pemilik "
                    "tabel (LPA_DATABASE_URL_MIGRASI)"
                )
            try:
                with engine(url).begin() as connection:
                    cfg.attributes["connection"] = connection
                    command.upgrade(cfg, "head")
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != "42501":  # insufficient_privilege
                    raise
                raise SchemaError(
                    f"Skema penyimpanan pada revisi {current or '(kosong)'} perlu dinaikkan ke "
                    f"{head}, tetapi peran basis data ini tidak berhak mengubah skema: "
                    "jalankan `lpa db migrasi` sebagai pemilik tabel (LPA_DATABASE_URL_MIGRASI)"
                ) from None
        _upgraded.add(url)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """One session per unit of work: commit at the end, roll everything back on error."""
    factory = sessionmaker(engine(url), expire_on_commit=False)
    with factory() as session:
        with session.begin():
            yield session
