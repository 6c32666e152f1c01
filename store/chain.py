"""Hash chains over the audit events and the agenda book: tampering becomes detectable.

Each row of ``audit_event`` and ``agenda_entry`` carries

- ``chain_seq``: its place in the table's chain, 1, 2, 3, ... without gaps;
- ``chain_content``: the canonical JSON of what the row says (for an agenda entry, also the
  archived ticket's number, outcome, state and times, and the report's SHA-256);
- ``chain_prev``: the ``chain_hash`` of the row before it (:data:`GENESIS` for the first);
- ``chain_hash``: ``sha256(chain_prev + "\\n" + chain_content)``.

The table ``chain_head`` keeps, per chain, the sequence number and hash of the last row, so
rows deleted at the end, or a whole table emptied, are noticed too. A writer locks its chain's
head row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every transaction already holds
the write lock, ``BEGIN IMMEDIATE``) until its transaction ends, so two writers can never
fork a chain. Lock order, where a transaction takes both: the agenda chain, then the audit
chain (:func:`store.repo.archive_ticket`).

:func:`verify` recomputes both chains from the rows as they are now and names the first
broken link. It is for evidence against anyone who changes rows behind lpa's back without
rewriting the chain from that point on: whoever can rewrite every later row consistently
(the database owner, anyone holding the SQLite file) is caught only by comparing the head
with a copy kept elsewhere (``lpa audit verifikasi`` prints it; ``--kepala`` checks it).

The canonical form is shared by the store, the migration that chained existing rows
(``0005``) and the verifier: change it only with a migration that re-chains.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from store.models import AgendaEntry, AuditEvent, ChainHead, Ticket

AUDIT = "audit_event"
AGENDA = "agenda_entry"
CHAINS = (AUDIT, AGENDA)
GENESIS = "0" * 64
_HEAD = ChainHead.__table__

# The ticket columns an agenda entry vouches for (the ticket is frozen once archived).
TICKET_FIELDS = ("number", "request_type", "application_name", "agency", "outcome", "state",
                 "closed_at", "archived_at")
AUDIT_FIELDS = ("at", "ticket_id", "kind", "actor", "detail")
AGENDA_FIELDS = ("ticket_id", "year", "seq", "number", "archived_at", "summary", "report_path",
                 "report_sha256")


# --- the canonical form -----------------------------------------------------------------------

def _plain(value: Any) -> Any:
    """A value as it reads back from either database: UTC ISO times, JSON-native data."""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite hands naive UTC back through plain SQL
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict | list | tuple):
        return json.loads(json.dumps(value))
    return value


def canonical(content: Mapping[str, Any]) -> str:
    return json.dumps({k: _plain(v) for k, v in content.items()}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def link_hash(prev: str, content: str) -> str:
    return hashlib.sha256(f"{prev}\n{content}".encode()).hexdigest()


def audit_content(seq: int, values: Mapping[str, Any]) -> str:
    return canonical({"chain_seq": seq, **{f: values[f] for f in AUDIT_FIELDS}})


def agenda_content(seq: int, values: Mapping[str, Any], ticket: Mapping[str, Any]) -> str:
    return canonical({
        "chain_seq": seq,
        **{f: values[f] for f in AGENDA_FIELDS},
        "ticket": {f: _plain(ticket[f]) for f in TICKET_FIELDS},
    })


# --- writing ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    seq: int
    prev: str
    hash: str
    content: str

    def columns(self) -> dict[str, Any]:
        return {"chain_seq": self.seq, "chain_prev": self.prev, "chain_hash": self.hash,
                "chain_content": self.content}


def lock_head(session: Session | Connection, chain: str) -> tuple[int, str]:
    """Lock ``chain``'s head until the transaction ends; its (seq, hash)."""
    row = session.execute(
        select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.name == chain).with_for_update()
    ).one_or_none()
    if row is None:
        raise RuntimeError(f"Kepala rantai {chain} tidak ada di tabel chain_head: "
                           "penyimpanan belum dimigrasi atau kepala rantai dihapus")
    return row.seq, row.hash


def next_link(session: Session, chain: str, content_of: Any) -> Link:
    """Lock the head and make the next link; ``content_of(seq)`` gives the canonical content."""
    seq, prev = lock_head(session, chain)
    content = content_of(seq + 1)
    return Link(seq + 1, prev, link_hash(prev, content), content)


def advance_head(session: Session | Connection, chain: str, link: Link) -> None:
    session.execute(update(_HEAD).where(_HEAD.c.name == chain)
                    .values(seq=link.seq, hash=link.hash))


# --- verifying ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    """The first broken link of a chain: where, and what differs (Bahasa Indonesia)."""

    table: str
    row_id: int | None
    seq: int | None
    what: str


@dataclass(frozen=True)
class ChainReport:
    table: str
    rows: int
    head_seq: int | None
    head_hash: str | None
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _differences(recorded: Any, current: Any, prefix: str = "") -> list[str]:
    if isinstance(recorded, dict) and isinstance(current, dict):
        out: list[str] = []
        for key in sorted(recorded.keys() | current.keys()):
            name = f"{prefix}{key}"
            if key not in current:
                out.append(f"{name} tercatat {_short(recorded[key])}, sekarang tidak ada")
            elif key not in recorded:
                out.append(f"{name} tidak tercatat, sekarang {_short(current[key])}")
            elif recorded[key] != current[key]:
                out.extend(_differences(recorded[key], current[key], f"{name}."))
        return out
    return [f"{prefix.rstrip('.')} tercatat {_short(recorded)}, sekarang {_short(current)}"]


def _rows(conn: Connection, table: str) -> list[tuple[int, Mapping[str, Any], str]]:
    """(id, row, canonical content recomputed from the row as it is now), in chain order."""
    if table == AUDIT:
        result = conn.execute(select(AuditEvent.__table__).order_by(
            AuditEvent.chain_seq, AuditEvent.id))
        return [(r.id, r._mapping, audit_content(r.chain_seq, r._mapping)) for r in result]
    entry, ticket = AgendaEntry.__table__, Ticket.__table__
    result = conn.execute(
        select(entry, *(ticket.c[f].label(f"ticket_{f}") for f in TICKET_FIELDS),
               ticket.c.id.label("ticket_found"))
        .outerjoin(ticket, ticket.c.id == entry.c.ticket_id)
        .order_by(entry.c.chain_seq, entry.c.id))
    out = []
    for r in result:
        m = r._mapping
        if m["ticket_found"] is None:
            current = "{}"  # the ticket is gone: nothing it vouched for is left
        else:
            current = agenda_content(r.chain_seq, m, {f: m[f"ticket_{f}"] for f in TICKET_FIELDS})
        out.append((r.id, m, current))
    return out


def _verify_chain(conn: Connection, table: str, head: tuple[int, str] | None) -> ChainReport:
    rows = _rows(conn, table)
    expected, prev, prev_id = 1, GENESIS, None
    broken: Break | None = None
    for row_id, row, current in rows:
        seq = row["chain_seq"]
        if seq != expected:
            where = f"setelah id {prev_id} (#{expected - 1})" if prev_id else "di awal rantai"
            missing = f"#{expected}" if seq == expected + 1 else f"#{expected} sampai #{seq - 1}"
            broken = Break(table, row_id, seq,
                           f"urutan {missing} tidak ada {where}: baris dihapus")
            break
        if row["chain_prev"] != prev:
            before = f"baris #{seq - 1} (id {prev_id})" if prev_id else "awal rantai"
            broken = Break(table, row_id, seq,
                           f"chain_prev tidak sama dengan hash {before}: baris sebelumnya "
                           "diubah bersama hash-nya, atau baris ini disisipkan")
            break
        if link_hash(row["chain_prev"], row["chain_content"]) != row["chain_hash"]:
            broken = Break(table, row_id, seq,
                           "chain_hash tidak sama dengan hash isi yang tercatat "
                           "(chain_content atau chain_hash diubah)")
            break
        if current != row["chain_content"]:
            if current == "{}":
                what = f"tiket id {row['ticket_id']} yang diarsipkan entri ini tidak ada lagi"
            else:
                diffs = _differences(json.loads(row["chain_content"]), json.loads(current))
                what = "isi baris berubah: " + "; ".join(diffs)
            broken = Break(table, row_id, seq, what)
            break
        expected, prev, prev_id = seq + 1, row["chain_hash"], row_id
    last = expected - 1
    if broken is None:
        if head is None:
            broken = Break(table, None, None, "kepala rantai (tabel chain_head) tidak ada")
        elif head[0] > last:
            gone = "seluruh baris hilang (tabel dikosongkan, mis. TRUNCATE)" if last == 0 \
                else f"baris #{last + 1} sampai #{head[0]} hilang (dihapus dari ujung rantai)"
            broken = Break(table, None, last + 1,
                           f"kepala rantai mencatat #{head[0]}, tabel hanya sampai #{last}: "
                           + gone)
        elif head[0] < last:
            extra = rows[head[0]][0]
            broken = Break(table, extra, head[0] + 1,
                           f"baris #{head[0] + 1} dan sesudahnya tidak tercatat di kepala rantai "
                           f"(#{head[0]}): ditambahkan di luar lpa")
        elif head[1] != prev:
            broken = Break(table, prev_id, last,
                           "hash kepala rantai tidak sama dengan hash baris terakhir")
    return ChainReport(table, len(rows), head[0] if head else None, head[1] if head else None,
                       broken)


def _check_anchor(conn: Connection, table: str, seq: int, digest: str) -> Break | None:
    """Does row #seq still have the hash recorded outside the store earlier?"""
    model = AuditEvent if table == AUDIT else AgendaEntry
    row = conn.execute(select(model.id, model.chain_hash).where(model.chain_seq == seq)).first()
    if row is None:
        return Break(table, None, seq, f"baris #{seq}, yang kepalanya dicatat di luar "
                                       "penyimpanan, tidak ada lagi")
    if row.chain_hash != digest.lower():
        return Break(table, row.id, seq,
                     f"hash baris #{seq} ({row.chain_hash[:16]}...) tidak sama dengan kepala "
                     f"yang dicatat di luar penyimpanan ({digest[:16]}...): rantai ditulis ulang "
                     "sejak itu")
    return None


def verify(conn: Connection, anchors: Mapping[str, tuple[int, str]] | None = None
           ) -> list[ChainReport]:
    """Both chains, read in one transaction (a consistent snapshot on PostgreSQL).

    ``anchors`` maps a chain to a (seq, hash) recorded outside the store earlier (printed by
    ``lpa audit verifikasi``): it catches a chain rewritten consistently from some row on.
    """
    heads = {r.name: (r.seq, r.hash) for r in conn.execute(select(_HEAD))}
    reports = []
    for table in CHAINS:
        report = _verify_chain(conn, table, heads.get(table))
        if report.intact and anchors and table in anchors:
            broken = _check_anchor(conn, table, *anchors[table])
            if broken is not None:
                report = ChainReport(table, report.rows, report.head_seq, report.head_hash,
                                     broken)
        reports.append(report)
    return reports
