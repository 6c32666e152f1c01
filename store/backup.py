"""Backup and restore of our store, with the databases' own tools.

A backup file is a tar archive holding ``manifest.json`` (engine, Alembic schema revision,
creation time, row counts of every table, SHA-256 of the dump) and the dump itself:

- SQLite: a copy of the database made with SQLite's online backup API
  (``sqlite3.Connection.backup``), consistent while the services keep writing;
- PostgreSQL: ``pg_dump -Fc`` of the store's database, taken in an exported snapshot so the
  row counts in the manifest describe exactly the dumped data.

Restore checks the file before touching the store (manifest, checksum, engine, known schema
revision), refuses a store that already holds rows unless forced, and is all or nothing:

- SQLite: the dump is checked (integrity, counts, revision) in a temporary file, then copied
  over the store with the backup API in a single step, which SQLite runs as one write
  transaction on the destination (rolled back if it fails). Replacing the file with
  ``os.replace`` instead would leave the old ``-wal``/``-shm`` files beside the new database
  and keep other processes on the old inode.
- PostgreSQL: one ``psql --single-transaction`` run drops every table of the store's schema
  (DROP, unlike DELETE, fires no row trigger, so the append-only guards do not stand in the
  way), replays ``pg_restore --clean --if-exists`` (functions and triggers included), and
  verifies every row count and the schema revision before COMMIT; any failure rolls all of
  it back. Restoring into a fresh database and renaming it would need CREATEDB rights and no
  connection to the store, which running services hold.

Tables are covered generically: whatever tables the store has, the backup carries them.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from glob import glob
from pathlib import Path
from typing import Annotated, Literal

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import Connection, func, inspect, select, table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from store import db

FORMAT = "lpa-backup"
MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 1 << 20
DUMP = {"sqlite": "store.sqlite3", "postgresql": "store.pgdump"}
ALEMBIC_TABLE = "alembic_version"
# Bookkeeping that a freshly migrated, empty store already holds rows in.
BOOKKEEPING = (ALEMBIC_TABLE, "chain_head")
# Bounds for the external tools and for waiting on locks held by running services.
TOOL_TIMEOUT_S = 3600
LOCK_WAIT_S = 30

NamaTabel = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")]


class BackupError(Exception):
    """A refused backup or restore; the message is for people (Bahasa Indonesia)."""


class Manifest(BaseModel):
    """What a backup file says about itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["lpa-backup"]
    format_version: Literal[1]
    engine: Literal["sqlite", "postgresql"]
    schema_revision: str = Field(min_length=1, max_length=64)
    created_at: datetime
    tables: dict[NamaTabel, Annotated[int, Field(ge=0)]]
    dump: str
    dump_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    dump_size: Annotated[int, Field(ge=0)]
    tool: str
    db_schema: NamaTabel | None = None


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    upgraded_to: str | None
    """The head revision the store was migrated to after the restore, if it was older."""


# --- public API ---------------------------------------------------------------------------

def backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in DUMP:
        raise BackupError(f"LPA_DATABASE_URL: mesin basis data {name!r} tidak didukung; "
                          "hanya sqlite dan postgresql")
    return name


@contextmanager
def _reachable(url: str) -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        where = make_url(url).render_as_string(hide_password=True)
        raise BackupError(f"Penyimpanan {where} tidak dapat dihubungi: {exc.orig}") from None


def backup(url: str, out: Path, *, overwrite: bool = False) -> Manifest:
    """Write a backup of the store at ``url`` to ``out`` (owner-only permissions)."""
    with _reachable(url):
        return _backup(url, Path(out), overwrite)


def restore(url: str, path: Path, *, force: bool = False) -> RestoreResult:
    """Restore the backup file ``path`` into the store at ``url``, all or nothing.

    The process's engines are disposed of (they would hold the replaced database's state);
    stop the services that use the store before a restore.
    """
    with _reachable(url):
        return _restore(url, Path(path), force)


def _backup(url: str, out: Path, overwrite: bool) -> Manifest:
    if out.exists() and not overwrite:
        raise BackupError(f"--out: berkas {out} sudah ada; pakai --force untuk menimpanya")
    if out.is_dir():
        raise BackupError(f"--out: {out} adalah direktori, bukan berkas")
    engine_name = backend(url)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lpa-backup-") as work:
        dump = Path(work) / DUMP[engine_name]
        if engine_name == "sqlite":
            tables, revision, tool, schema = _dump_sqlite(_sqlite_path(url), dump)
        else:
            tables, revision, tool, schema = _dump_postgresql(url, dump)
        manifest = Manifest(
            format=FORMAT, format_version=1, engine=engine_name, schema_revision=revision,
            created_at=datetime.now(UTC), tables=tables, dump=dump.name,
            dump_sha256=_sha256(dump), dump_size=dump.stat().st_size, tool=tool,
            db_schema=schema,
        )
        _write_archive(out, manifest, dump, compress=engine_name == "sqlite")
    return manifest


def _restore(url: str, path: Path, force: bool) -> RestoreResult:
    engine_name = backend(url)
    with tempfile.TemporaryDirectory(prefix="lpa-restore-") as work, \
            _open_archive(Path(path), Path(work)) as (manifest, dump):
        if manifest.engine != engine_name:
            raise BackupError(
                f"Berkas cadangan {path} dibuat dari {manifest.engine}, sedangkan penyimpanan "
                f"tujuan {engine_name}; pulihkan ke mesin basis data yang sama"
            )
        script = ScriptDirectory.from_config(db.alembic_config())
        try:
            script.get_revision(manifest.schema_revision)
        except CommandError:
            raise BackupError(
                f"Berkas cadangan {path} memakai revisi skema {manifest.schema_revision!r} "
                "yang tidak dikenal versi lpa ini (lebih baru?); pakai lpa versi yang membuatnya"
            ) from None
        occupied = stored_rows(url)
        if occupied and not force:
            raise BackupError(
                f"Penyimpanan tujuan tidak kosong ({occupied} baris); pemulihan akan "
                "menggantikan seluruh isinya. Pakai --force bila memang itu maksudnya"
            )
        db.dispose_all()
        if engine_name == "sqlite":
            _restore_sqlite(_sqlite_path(url), dump, manifest)
        else:
            _restore_postgresql(url, dump, manifest)
    head = script.get_current_head()
    upgraded = None
    if manifest.schema_revision != head:
        db.upgrade(url)
        upgraded = head
    db.dispose_all()
    return RestoreResult(manifest=manifest, upgraded_to=upgraded)


def stored_rows(url: str) -> int:
    """Rows held by the store's tables (the Alembic revision and chain heads not counted)."""
    if backend(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.exists():
            return 0
        # A plain reader: the store's engine would take the write lock (BEGIN IMMEDIATE).
        conn = sqlite3.connect(path, timeout=min(5, LOCK_WAIT_S))
        try:
            tables, _ = _sqlite_facts(conn)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"Penyimpanan SQLite {path} tidak dapat dibaca: {exc}") from None
        finally:
            conn.close()
    else:
        with db.engine(url).connect() as conn:
            tables = _count_rows(conn)
    return sum(n for name, n in tables.items() if name not in BOOKKEEPING)


# --- the archive ----------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_archive(out: Path, manifest: Manifest, dump: Path, *, compress: bool) -> None:
    # Written beside the target and renamed, so a failed backup leaves no half file behind.
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o600)  # the store holds personal data and code hashes
        body = manifest.model_dump_json(indent=2).encode()
        with tarfile.open(tmp, "w:gz" if compress else "w") as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(time.time()), 0o600
            tar.addfile(info, io.BytesIO(body))
            tar.add(dump, arcname=manifest.dump, recursive=False)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def _open_archive(path: Path, work: Path) -> Iterator[tuple[Manifest, Path]]:
    """Read and check a backup file; yields its manifest and the dump extracted to ``work``."""
    if not path.is_file():
        raise BackupError(f"Berkas cadangan {path} tidak ditemukan")
    rusak = f"Berkas {path} bukan berkas cadangan lpa yang utuh"
    try:
        with tarfile.open(path, "r:*") as tar:
            member = _regular_member(tar, MANIFEST)
            if member is None:
                raise BackupError(f"{rusak}: tidak ada {MANIFEST}")
            if member.size > MANIFEST_MAX_BYTES:
                raise BackupError(f"{rusak}: {MANIFEST} lebih dari {MANIFEST_MAX_BYTES} bita")
            raw = tar.extractfile(member).read()  # type: ignore[union-attr]
            try:
                manifest = Manifest.model_validate_json(raw)
            except ValidationError as exc:
                first = exc.errors(include_input=False)[0]
                field = ".".join(str(p) for p in first["loc"]) or "(isi)"
                raise BackupError(
                    f"{rusak}: {MANIFEST} tidak sah pada kolom {field!r} ({first['msg']})"
                ) from None
            if manifest.dump != DUMP[manifest.engine]:
                raise BackupError(f"{rusak}: kolom 'dump' harus {DUMP[manifest.engine]!r}")
            member = _regular_member(tar, manifest.dump)
            if member is None:
                raise BackupError(f"{rusak}: tidak ada {manifest.dump}")
            dump = work / manifest.dump
            digest = hashlib.sha256()
            source = tar.extractfile(member)
            assert source is not None
            with dump.open("wb") as f:
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    digest.update(chunk)
                    f.write(chunk)
    except tarfile.ReadError:
        raise BackupError(f"{rusak}: bukan arsip tar yang dapat dibaca") from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{rusak}: {exc.__class__.__name__}: {exc}") from None
    if digest.hexdigest() != manifest.dump_sha256 or dump.stat().st_size != manifest.dump_size:
        raise BackupError(f"{rusak}: sidik SHA-256 {manifest.dump} tidak cocok dengan "
                          f"{MANIFEST} (berkas rusak atau diubah)")
    yield manifest, dump


def _regular_member(tar: tarfile.TarFile, name: str) -> tarfile.TarInfo | None:
    try:
        member = tar.getmember(name)
    except KeyError:
        return None
    return member if member.isfile() else None


def _count_rows(conn: Connection, schema: str | None = None) -> dict[str, int]:
    names = sorted(inspect(conn).get_table_names(schema=schema))
    return {
        name: conn.execute(select(func.count()).select_from(table(name, schema=schema)))
        .scalar_one()
        for name in names
    }


# --- SQLite -------------------------------------------------------------------------------

def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("LPA_DATABASE_URL: basis data SQLite harus berupa berkas, "
                          "bukan :memory:")
    return Path(database)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_facts(conn: sqlite3.Connection) -> tuple[dict[str, int], str | None]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    tables = {n: conn.execute(f"SELECT count(*) FROM {_quote(n)}").fetchone()[0] for n in names}
    revision = None
    if ALEMBIC_TABLE in tables:
        row = conn.execute(f"SELECT version_num FROM {ALEMBIC_TABLE}").fetchone()
        revision = row[0] if row else None
    return tables, revision


def _copy_sqlite(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """The whole database in one backup step, giving up after LOCK_WAIT_S of busy retries."""
    deadline = time.monotonic() + LOCK_WAIT_S

    def progress(status: int, _remaining: int, _total: int) -> None:
        # Python retries a busy step without end; this bounds the wait.
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                and time.monotonic() > deadline:
            raise BackupError(f"Basis data SQLite terkunci lebih dari {LOCK_WAIT_S} detik; "
                              "hentikan layanan yang sedang menulis lalu coba lagi")

    source.backup(target, pages=-1, progress=progress, sleep=0.25)


def _dump_sqlite(path: Path, dump: Path) -> tuple[dict[str, int], str, str, None]:
    if not path.is_file():
        raise BackupError(f"Penyimpanan SQLite {path} tidak ditemukan")
    source = sqlite3.connect(path, timeout=5)
    try:
        target = sqlite3.connect(dump)
        try:
            _copy_sqlite(source, target)
            # One self-contained file in the archive, no -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            tables, revision = _sqlite_facts(target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Penyimpanan SQLite {path} tidak dapat dibaca: {exc}") from None
    finally:
        source.close()
    if revision is None:
        raise BackupError(f"{path} bukan penyimpanan lpa: tabel {ALEMBIC_TABLE} tidak ada "
                          "atau kosong")
    return tables, revision, f"sqlite {sqlite3.sqlite_version}", None


def _restore_sqlite(path: Path, dump: Path, manifest: Manifest) -> None:
    source = sqlite3.connect(dump)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"Isi {manifest.dump} rusak (integrity_check: {check}); "
                              "penyimpanan tidak diubah")
        tables, revision = _sqlite_facts(source)
        differ = sorted(n for n in tables.keys() | manifest.tables.keys()
                        if tables.get(n) != manifest.tables.get(n))
        if differ or revision != manifest.schema_revision:
            raise BackupError(
                f"Isi {manifest.dump} tidak sesuai {MANIFEST} (jumlah baris tabel "
                f"{', '.join(differ) or '-'}; revisi {revision}); penyimpanan tidak diubah"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(path, timeout=min(5, LOCK_WAIT_S))
        try:
            _copy_sqlite(source, target)
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Pemulihan SQLite gagal, penyimpanan tidak diubah: {exc}") from None
    finally:
        source.close()


# --- PostgreSQL ------------------------------------------------------------------------------

def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as a libpq conninfo string, and the environment carrying the password.

    The password travels in ``PGPASSWORD``, never on a command line others can read.
    """
    parsed: URL = make_url(url)
    fields: dict[str, str] = {}
    for key, value in (("host", parsed.host), ("port", parsed.port),
                       ("user", parsed.username), ("dbname", parsed.database)):
        if value is not None:
            fields[key] = str(value)
    for key, value in parsed.query.items():
        fields[key] = value if isinstance(value, str) else value[-1]
    conninfo = " ".join(
        f"{k}='" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for k, v in fields.items()
    )
    env = {**os.environ}
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    return conninfo, env


def _tool(name: str, server_major: int) -> str:
    """The client tool of the server's major version if installed, else the one on PATH."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}"]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    candidates += sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if not os.access(candidate, os.X_OK):
            continue
        found = re.search(r"(\d+)(?:\.\d+)?", _run([candidate, "--version"], os.environ).stdout)
        if found and int(found.group(1)) >= server_major:
            return candidate
    raise BackupError(
        f"{name} untuk PostgreSQL {server_major} atau lebih baru tidak ditemukan; pasang "
        f"postgresql-client-{server_major}"
    )


def _run(args: list[str], env: dict[str, str], stdin: int | None = None
         ) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, env=env, stdin=stdin, capture_output=True, text=True,
                              timeout=TOOL_TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise BackupError(f"Program {args[0]} tidak ditemukan") from None
    except subprocess.TimeoutExpired:
        raise BackupError(f"{Path(args[0]).name} tidak selesai dalam {TOOL_TIMEOUT_S} detik"
                          ) from None


def _server_major(conn: Connection) -> int:
    return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _dump_postgresql(url: str, dump: Path) -> tuple[dict[str, int], str, str, str]:
    conninfo, env = _libpq(url)
    with db.engine(url).connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        # The counts and pg_dump see the same snapshot, whatever the services write meanwhile.
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        tables = _count_rows(conn)
        if ALEMBIC_TABLE not in tables:
            raise BackupError(f"Basis data {make_url(url).database} bukan penyimpanan lpa: "
                              f"tabel {ALEMBIC_TABLE} tidak ada")
        revision = conn.execute(text(f"SELECT version_num FROM {ALEMBIC_TABLE}")).scalar()
        if revision is None:
            raise BackupError(f"Tabel {ALEMBIC_TABLE} kosong: penyimpanan belum dimigrasi")
        pg_dump = _tool("pg_dump", _server_major(conn))
        done = _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-owner",
                     "--no-privileges", f"--file={dump}", f"--dbname={conninfo}"], env)
        conn.rollback()
    if done.returncode != 0:
        raise BackupError(f"pg_dump gagal: {done.stderr.strip()[-800:]}")
    version = _run([pg_dump, "--version"], env).stdout.strip()
    return tables, revision, version, schema


def _restore_postgresql(url: str, dump: Path, manifest: Manifest) -> None:
    conninfo, env = _libpq(url)
    with db.engine(url).connect() as conn:
        major = _server_major(conn)
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        existing = sorted(inspect(conn).get_table_names())
    if manifest.db_schema and manifest.db_schema != schema:
        raise BackupError(f"Berkas cadangan memakai skema {manifest.db_schema!r}, penyimpanan "
                          f"tujuan {schema!r}")
    script = dump.with_suffix(".sql")
    # The whole SQL script first: psql must never commit a restore cut short by pg_restore.
    done = _run([_tool("pg_restore", major), "--clean", "--if-exists", "--no-owner",
                 "--no-privileges", f"--file={script}", str(dump)], env)
    if done.returncode != 0:
        raise BackupError(f"pg_restore gagal membaca {manifest.dump}: "
                          f"{done.stderr.strip()[-800:]}")
    q = f"{_quote(schema)}."
    wipe = f"SET lock_timeout = '{LOCK_WAIT_S}s';"
    if existing:
        wipe += " DROP TABLE IF EXISTS " + ", ".join(q + _quote(t) for t in existing) \
            + " CASCADE;"
    checks = [
        f"IF (SELECT count(*) FROM {q}{_quote(name)}) <> {count} THEN "
        f"RAISE EXCEPTION 'jumlah baris tabel {name} tidak sama dengan manifest ({count})'; "
        "END IF;"
        for name, count in manifest.tables.items()
    ]
    revision = manifest.schema_revision.replace("'", "''")
    checks.append(
        f"IF (SELECT max(version_num) FROM {q}{ALEMBIC_TABLE}) IS DISTINCT FROM '{revision}' "
        "THEN RAISE EXCEPTION 'revisi skema tidak sama dengan manifest'; END IF;"
    )
    verify = "DO $lpa$ BEGIN " + " ".join(checks) + " END $lpa$;"
    psql = _tool("psql", major)
    with script.open("rb") as stdin:
        done = _run([psql, "--no-psqlrc", "--quiet", "--single-transaction",
                     "--set=ON_ERROR_STOP=1", f"--dbname={conninfo}", "-c", wipe,
                     "-f", "-", "-c", verify], env, stdin=stdin.fileno())
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if "ERROR" in line] \
            or done.stderr.strip().splitlines()[-3:]
        raise BackupError("Pemulihan PostgreSQL dibatalkan seluruhnya, penyimpanan tidak "
                          f"diubah: {' '.join(errors)[-800:]}")

