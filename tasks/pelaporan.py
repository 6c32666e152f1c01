"""Gathering a ticket's report from the store (SOP step 6)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact

from domain.laporan import (
    BarisDisposisi,
    BarisLangkah,
    HasilKelaikan,
    LaporanTiket,
    baca_hasil_kelaikan,
)
from domain.sop import JenisLayanan, Peran, langkah, timeout_detik
from settings import get_settings
from store import db, repo
from store.models import Ticket
from tasks.laporan import render_laporan_markdown, tulis_laporan


def _label(role: str | None) -> str | None:
    return Peran(role).label if role else None


def kelaikan_path(nomor: str) -> Path:
    return get_settings().laporan_dir / nomor / "kelaikan.json"


def simpan_kelaikan(nomor: str, hasil: HasilKelaikan) -> Path:
    """Step 5's outcome as ``kelaikan.json``: the model dumped once (read back with
    :func:`baca_kelaikan`)."""
    path = kelaikan_path(nomor)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(hasil.model_dump_json(indent=2), encoding="utf-8")
    return path


def baca_kelaikan(nomor: str) -> HasilKelaikan | None:
    """The ticket's ``kelaikan.json`` as the model it was dumped from; None without one."""
    path = kelaikan_path(nomor)
    return baca_hasil_kelaikan(path.read_bytes()) if path.exists() else None


def susun_laporan(nomor: str) -> LaporanTiket:
    """The working report of step 6, as the store has the ticket now."""
    with db.session_scope(get_settings().store_url) as session:
        return laporan_dari_tiket(repo.get_ticket(session, nomor), datetime.now(UTC))


def laporan_dari_tiket(ticket: Ticket, dibuat_pada: datetime, *,
                       nomor_agenda: str | None = None,
                       diarsipkan: datetime | None = None) -> LaporanTiket:
    """The report of ``ticket`` as loaded in an open session (step 7 passes the ticket of
    its own unit of work, with the agenda number it is about to store). An archived ticket's
    report carries its agenda entry's number and time unless they are given."""
    if nomor_agenda is None and ticket.agenda_entry is not None:
        nomor_agenda, diarsipkan = ticket.agenda_entry.number, ticket.agenda_entry.archived_at
    return LaporanTiket(
        nomor=ticket.number,
        jenis=JenisLayanan(ticket.request_type).label,
        nama_aplikasi=ticket.application_name,
        instansi=ticket.agency,
        status=ticket.state,
        hasil=ticket.outcome,
        dibuat=ticket.created_at,
        ditutup=ticket.closed_at,
        formulir=ticket.form,
        langkah=[
            BarisLangkah(
                nomor=s.step_no, kode=s.code, aktivitas=langkah(s.code).aktivitas,
                pelaksana=_label(s.actor_role) or "-",
                petugas=f"{s.assignee_name} (NIP {s.assignee_nip})"
                if s.assignee_nip else None,
                mulai=s.started_at, jatuh_tempo=s.due_at, selesai=s.finished_at,
                terlambat=s.breached, keputusan=s.decision, catatan=s.note,
            )
            for s in ticket.steps
        ],
        disposisi=[
            BarisDisposisi(
                waktu=d.decided_at, dari=_label(d.from_role) or "-", nip=d.from_nip,
                keputusan=d.decision, instruksi=d.instruction, kepada=_label(d.to_role),
            )
            for d in ticket.dispositions
        ],
        dibuat_pada=dibuat_pada,
        kelaikan=baca_kelaikan(ticket.number),
        nomor_agenda=nomor_agenda,
        diarsipkan=diarsipkan,
    )


@task(name="buat-laporan", task_run_name="laporan-{nomor}",
      timeout_seconds=timeout_detik("laporan"))
def buat_laporan(nomor: str) -> str:
    """Render the report to HTML on disk and as a Markdown artifact in the Prefect UI."""
    laporan = susun_laporan(nomor)
    path = tulis_laporan(laporan, get_settings().laporan_dir)
    terbitkan_artefak_laporan(laporan)
    return str(path)


def terbitkan_artefak_laporan(laporan: LaporanTiket | str) -> None:
    """The report as the ticket's Markdown artifact (a new version of the same key): the
    working one at step 6, the final one with its agenda number after step 7."""
    if isinstance(laporan, str):
        laporan = susun_laporan(laporan)
    create_markdown_artifact(
        key=f"laporan-{laporan.nomor.lower()}",
        markdown=render_laporan_markdown(laporan),
        description=f"Laporan tiket {laporan.nomor}"
        + (f" (diarsipkan, {laporan.nomor_agenda})" if laporan.nomor_agenda else ""),
    )
