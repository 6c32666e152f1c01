"""Prefect tasks over the store: each opens one transaction (one unit of work)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import task

from domain.alur import CatatanLangkah
from domain.calendar import BusinessCalendar
from domain.forms import PermohonanTersimpan, baca_formulir
from domain.sop import JenisLayanan, LangkahSOP, Peran, timeout_detik
from domain.tiket import HasilTiket, StatusTiket
from settings import get_settings
from store import db, repo, secrets
from store.models import StepRecord, Ticket
from tasks.keputusan import catat_kode_terbit
from tasks.laporan import (
    AKHIRAN_ARSIP,
    NAMA_BERKAS,
    NAMA_PDF,
    BerkasLaporan,
    siapkan_laporan,
    sisa_arsip,
)
from tasks.pelaporan import laporan_dari_tiket


def now() -> datetime:
    return datetime.now(UTC)


def _url() -> str:
    return get_settings().store_url


@dataclass(frozen=True)
class LangkahTersimpan:
    id: int
    kode: str
    step_no: int
    actor_role: str
    assignee_nip: str | None
    assignee_name: str | None
    started_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    decision: str | None
    note: str | None
    breached: bool
    code_issued: bool
    flow_run_id: str | None = None


@dataclass(frozen=True)
class TiketSnapshot:
    """A read-only picture of a ticket, safe to pass between tasks and flows."""

    nomor: str
    jenis: JenisLayanan
    nama_aplikasi: str
    instansi: str
    status: str
    hasil: str | None
    permohonan: PermohonanTersimpan
    """The ticket's form, typed (read back from the stored JSON by ``baca_formulir``)."""
    langkah: tuple[LangkahTersimpan, ...]
    diarsipkan: bool

    @property
    def catatan(self) -> list[CatatanLangkah]:
        return [CatatanLangkah(s.id, s.kode, s.finished_at is not None, s.decision)
                for s in self.langkah]

    def rekaman(self, step_id: int) -> LangkahTersimpan:
        return next(s for s in self.langkah if s.id == step_id)


def _snapshot(ticket: Ticket) -> TiketSnapshot:
    return TiketSnapshot(
        nomor=ticket.number,
        jenis=JenisLayanan(ticket.request_type),
        nama_aplikasi=ticket.application_name,
        instansi=ticket.agency,
        status=ticket.state,
        hasil=ticket.outcome,
        permohonan=baca_formulir(ticket.request_type, ticket.form),
        langkah=tuple(
            LangkahTersimpan(
                id=s.id, kode=s.code, step_no=s.step_no, actor_role=s.actor_role,
                assignee_nip=s.assignee_nip, assignee_name=s.assignee_name,
                started_at=s.started_at, due_at=s.due_at, finished_at=s.finished_at,
                decision=s.decision, note=s.note, breached=s.breached,
                code_issued=s.code_hash is not None, flow_run_id=s.flow_run_id,
            )
            for s in ticket.steps
        ),
        diarsipkan=ticket.archived_at is not None,
    )


def baca_tiket(nomor: str) -> TiketSnapshot:
    with db.session_scope(_url()) as session:
        return _snapshot(repo.get_ticket(session, nomor))


@task(name="buka-tiket", task_run_name="buka-tiket", timeout_seconds=timeout_detik("pengajuan"))
def buka_tiket(
    jenis: JenisLayanan,
    formulir: PermohonanTersimpan | dict[str, Any],
    nama_aplikasi: str,
    instansi: str,
    diterima: datetime,
    idempotency_key: str | None,
    titipan: tuple[str, str] | None = None,
) -> tuple[str, bool]:
    """Open the ticket and record step 1; keep the test account encrypted beside it.

    ``formulir`` is stored as its JSON dump, once; :func:`baca_tiket` gives it back typed.
    (A dict is stored as given: the store's own tests open tickets with partial forms.)

    ``titipan`` is (username, deposit reference): the password was deposited encrypted by
    the client and is moved to the ticket here without ever being decrypted. A deposit that
    is missing refuses the whole ticket (nothing stored).
    """
    settings = get_settings()
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        ticket, created = repo.open_ticket(
            session,
            request_type=jenis,
            form=formulir if isinstance(formulir, dict) else formulir.model_dump(mode="json"),
            application_name=nama_aplikasi,
            agency=instansi,
            received_at=diterima,
            calendar=BusinessCalendar.dari_pengaturan(settings),
            idempotency_key=idempotency_key,
            budget_factor=settings.mutu_baku_faktor,
        )
        if titipan is not None:
            if created:
                secrets.klaim_titipan(session, titipan[1], ticket.id, titipan[0], now())
            else:  # a repeat of a request already open: its own deposit is not needed
                secrets.buang_titipan(session, titipan[1])
        return ticket.number, created


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def kunci_run_proses(nomor: str) -> str:
    """The idempotency key of ticket ``nomor``'s first run (domain.pemulihan.kunci_run_tiket),
    from the moment the store says it was opened."""
    from domain.pemulihan import kunci_run_tiket

    settings = get_settings()
    with db.session_scope(settings.store_url) as session:
        return kunci_run_tiket(nomor, repo.get_ticket(session, nomor).created_at)


def akun_uji(nomor: str) -> tuple[str, str] | None:
    settings = get_settings()
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        box = secrets.fernet(_secret(settings.kunci_enkripsi), settings.key_file)
        return secrets.load_credential(session, box, ticket.id)


@task(name="mulai-langkah", task_run_name="mulai-{langkah.kode}")
def mulai_langkah(
    nomor: str,
    langkah: LangkahSOP,
    flow_run_id: str | None,
    petugas: tuple[str, str] | None = None,
    jam_berhenti: bool = False,
    step_no: int | None = None,
) -> int:
    """Record the start of a step with its due time (or with the clock stopped)."""
    settings = get_settings()
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        at = now()
        step = repo.start_step(
            session, ticket, langkah, at, BusinessCalendar.dari_pengaturan(settings),
            assignee_nip=petugas[0] if petugas else None,
            assignee_name=petugas[1] if petugas else None,
            flow_run_id=flow_run_id,
            clock_stopped=jam_berhenti,
            budget_factor=settings.mutu_baku_faktor,
        )
        if step_no is not None:
            step.step_no = step_no
        if jam_berhenti:
            repo.set_state(session, ticket, StatusTiket.DIKEMBALIKAN, at)
        elif ticket.state == StatusTiket.DIKEMBALIKAN:
            repo.set_state(session, ticket, StatusTiket.DIPROSES, at)
        repo.audit(session, "langkah_dimulai", ticket=ticket, at=at, langkah=langkah.kode,
                   step_id=step.id, petugas_nip=petugas[0] if petugas else None,
                   jatuh_tempo=step.due_at.isoformat() if step.due_at else None)
        return step.id


@task(name="pindahkan-run-langkah")
def pindahkan_run(nomor: str, step_id: int, flow_run_id: str) -> None:
    """A step started by a run that died now waits in ``flow_run_id`` (its replacement)."""
    with db.session_scope(_url()) as session:
        ticket = repo.get_ticket(session, nomor)
        step = repo.get_step(session, ticket, step_id)
        lama, step.flow_run_id = step.flow_run_id, flow_run_id
        repo.audit(session, "langkah_pindah_run", ticket=ticket, step_id=step_id,
                   langkah=step.code, run_lama=lama, run_baru=flow_run_id)


@task(name="simpan-hash-kode")
def simpan_hash_kode(step_id: int, code_hash: str) -> None:
    with db.session_scope(_url()) as session:
        step = session.get(StepRecord, step_id)
        assert step is not None
        step.code_hash = code_hash
        catat_kode_terbit(session, step)  # wrong attempts on the step count from here


@task(name="tolak-keputusan-tidak-sah")
def catat_keputusan_tidak_sah(nomor: str, step_id: int, nip: str, alasan: str) -> None:
    with db.session_scope(_url()) as session:
        ticket = repo.get_ticket(session, nomor)
        repo.audit(session, "keputusan_ditolak", ticket=ticket, actor=nip, step_id=step_id,
                   alasan=alasan)


@task(name="catat-keputusan", task_run_name="catat-keputusan-{step_id}")
def catat_keputusan(
    nomor: str,
    step_id: int,
    nip: str,
    keputusan: str,
    catatan: str | None,
    kepada: Peran | None,
    disposisi: bool,
) -> None:
    """Finish the step with the official's decision (and a disposisi for steps 2-4)."""
    with db.session_scope(_url()) as session:
        ticket = repo.get_ticket(session, nomor)
        step = repo.get_step(session, ticket, step_id)
        at = now()
        repo.finish_step(session, step, at, decision=keputusan, note=catatan or None)
        if disposisi:
            repo.record_disposition(
                session, step, from_nip=nip, decision=keputusan, instruction=catatan or None,
                to_role=kepada.value if kepada else None, decided_at=at,
            )
        repo.audit(session, "keputusan_diterima", ticket=ticket, actor=nip, at=at,
                   step_id=step_id, langkah=step.code, keputusan=keputusan)


@task(name="selesaikan-langkah", task_run_name="selesai-{step_id}")
def selesaikan_langkah(nomor: str, step_id: int, catatan: str | None = None,
                       keputusan: str | None = None, laporan: str | None = None) -> None:
    """Finish a step; ``laporan`` is the path of the report it rendered (step 6)."""
    with db.session_scope(_url()) as session:
        ticket = repo.get_ticket(session, nomor)
        step = repo.get_step(session, ticket, step_id)
        at = now()
        repo.finish_step(session, step, at, decision=keputusan, note=catatan)
        if laporan is not None:
            step.report_path = laporan
        repo.audit(session, "langkah_selesai", ticket=ticket, at=at, step_id=step_id,
                   langkah=step.code)


@task(name="tutup-tiket")
def tutup_tiket(nomor: str, hasil: HasilTiket) -> None:
    with db.session_scope(_url()) as session:
        ticket = repo.get_ticket(session, nomor)
        if ticket.state == StatusTiket.DITUTUP:
            return
        at = now()
        repo.close_ticket(session, ticket, hasil, at)
        repo.audit(session, "tiket_ditutup", ticket=ticket, at=at, hasil=hasil.value)


@task(name="arsipkan-tiket", timeout_seconds=timeout_detik("arsip"))
def arsipkan_tiket(nomor: str, step_id: int, ringkasan: str) -> str:
    """Step 7: the agenda-book entry, with the final report; returns the agenda number.

    One unit of work: the test account is deleted, the step finished, the agenda number
    taken, the final report rendered (every step done, agenda number, archive time) into
    temporary files beside ``laporan.html``/``laporan.pdf``, and the HTML's SHA-256 stored
    with the entry (the PDF's in the audit event), so the agenda chain vouches for exactly
    the file kept. The files are moved in place only after the commit: a failure before it
    leaves nothing (no agenda number used, the working report untouched); a stop between the
    commit and the move is finished by :func:`pasang_laporan_arsip`.
    """
    settings = get_settings()
    pasang_laporan_arsip(nomor)  # what an earlier attempt left behind, first
    siap: list[BerkasLaporan] = []
    try:
        with db.session_scope(settings.store_url) as session:
            ticket = repo.get_ticket(session, nomor)
            step = repo.get_step(session, ticket, step_id)
            at = now()
            secrets.delete_credential(session, ticket.id)
            repo.finish_step(session, step, at, note="Diarsipkan di buku agenda")

            def laporan_akhir(nomor_agenda: str, pada: datetime) -> tuple[str, str]:
                laporan = laporan_dari_tiket(ticket, pada, nomor_agenda=nomor_agenda,
                                             diarsipkan=pada)
                siap.append(siapkan_laporan(laporan, settings.laporan_dir,
                                            akhiran=AKHIRAN_ARSIP))
                return str(siap[-1].html), siap[-1].sha256[NAMA_BERKAS]

            entry = repo.archive_ticket(session, ticket, at=at, summary=ringkasan,
                                        report=laporan_akhir)
            repo.audit(session, "laporan_diarsipkan", ticket=ticket, at=at,
                       nomor_agenda=entry.number, laporan=entry.report_path,
                       html_sha256=siap[-1].sha256[NAMA_BERKAS],
                       pdf_sha256=siap[-1].sha256.get(NAMA_PDF))
            nomor_agenda = entry.number
    except BaseException:
        for berkas in siap:
            berkas.buang()
        raise
    siap[-1].pasang()
    return nomor_agenda


def pasang_laporan_arsip(nomor: str) -> bool:
    """Finish what a step 7 stopped between its commit and the move left behind: the final
    report whose hash the agenda entry holds is moved in place; any other leftover temporary
    report (an attempt rolled back) is deleted. True when a report was moved in place."""
    folder = get_settings().laporan_dir / nomor
    sisa = sisa_arsip(folder)
    if not sisa:
        return False
    with db.session_scope(_url()) as session:
        ticket = repo.find_ticket(session, nomor)
        entry = ticket.agenda_entry if ticket is not None else None
        tersimpan = entry.report_sha256 if entry is not None else None
    dipasang = False
    for html in sisa:
        tanda = html.name[len(f".{NAMA_BERKAS}."):-len(AKHIRAN_ARSIP)]
        pdf = folder / f".{NAMA_PDF}.{tanda}{AKHIRAN_ARSIP}"
        if not dipasang and tersimpan and _sha256_berkas(str(html)) == tersimpan:
            if pdf.exists():
                os.replace(pdf, folder / NAMA_PDF)
            os.replace(html, folder / NAMA_BERKAS)
            dipasang = True
        else:
            html.unlink(missing_ok=True)
            pdf.unlink(missing_ok=True)
    return dipasang


def _sha256_berkas(path: str | None) -> str | None:
    """SHA-256 of a report file, None when there is none."""
    if not path or not Path(path).is_file():
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
