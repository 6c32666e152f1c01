"""Attempts at deciding a waiting step, checked against the store (rules in domain/percobaan).

One check serves both doors. ``lpa decide`` and ``lpa lengkapi`` run it *before* they resume
a run, so a wrong NIP or code, or an attempt on a locked step, is refused, audited and
answered at once and wakes no flow process. The ticket's run runs it again on the input it
was resumed with: the only check on the Prefect UI's path, a second one on ours.

Every refusal is one ``keputusan_ditolak`` audit event: ``step_id`` (the step charged),
``sasaran`` (the step the attempt was made for), ``jenis`` and ``alasan`` (why), ``sumber``
(``lpa`` or ``run``), ``run`` (the flow run aimed at) and, for a run's refusal, ``kunci``
(the suspend key whose input it refused). The lockout is replayed from these events; the
attempt that starts a lockout also writes ``langkah_dikunci`` and mails the official with
their superior in copy, once. Judging and recording hold the audit chain's head
(store/chain.py: ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite transactions take the write
lock up front), which every audit writer takes anyway, so concurrent attempts cannot all
slip under the limit, and no new lock order arises.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.percobaan import (
    ALASAN,
    SALAH,
    Kunci,
    LangkahKode,
    Penolakan,
    Percobaan,
    bersihkan_nip,
    jenis_dari_catatan,
    keadaan_kunci,
    mulai_terkunci,
    pesan_penolakan,
    putuskan,
)
from domain.pesan import pesan_langkah_dikunci
from domain.roster import Pejabat, Roster
from domain.sop import Peran, langkah
from lpa.settings import Settings, get_settings
from store import chain, db, repo
from store.models import AuditEvent, StepRecord, Ticket
from tasks.notifikasi import Pesan, saluran_dari_pengaturan

log = logging.getLogger(__name__)

DITOLAK = "keputusan_ditolak"
DIKUNCI = "langkah_dikunci"
KODE_TERBIT = "kode_diterbitkan"


@dataclass(frozen=True)
class HasilPercobaan:
    """The answer to one attempt."""

    jenis: Penolakan | None
    """None: the attempt may decide the step."""
    pesan: str
    """For the person deciding (Bahasa Indonesia); empty when accepted."""
    step_id: int
    """The step the attempt was charged to."""

    @property
    def diterima(self) -> bool:
        return self.jenis is None


def durasi_kunci(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.kode_kunci_menit)


def _now() -> datetime:
    return datetime.now(UTC)


def _penolakan(session: Session, ticket_id: int) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent)
        .where(AuditEvent.ticket_id == ticket_id, AuditEvent.kind == DITOLAK)
        .order_by(AuditEvent.id)
    ))


def _riwayat(session: Session, ticket_id: int,
             step_id: int) -> tuple[list[Percobaan], datetime | None]:
    """The refusals charged to the step, and when its code was issued (if recorded)."""
    percobaan = [Percobaan(e.at, jenis_dari_catatan(e.detail))
                 for e in _penolakan(session, ticket_id) if e.detail.get("step_id") == step_id]
    terbit = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.ticket_id == ticket_id, AuditEvent.kind == KODE_TERBIT)
    )
    sejak = max((e.at for e in terbit if e.detail.get("step_id") == step_id), default=None)
    return percobaan, sejak


def _langkah_kode(step: StepRecord) -> LangkahKode:
    return LangkahKode(step.id, step.assignee_nip, step.code_hash, step.finished_at is not None)


def periksa_percobaan(
    settings: Settings,
    nomor: str,
    step_id: int,
    masukan: Mapping[str, Any],
    *,
    sumber: Literal["lpa", "run"],
    flow_run_id: str | None = None,
    kunci: str | None = None,
    sekarang: datetime | None = None,
) -> HasilPercobaan:
    """Judge an attempt on step ``step_id`` of ticket ``nomor``; audit it when refused.

    ``masukan`` is the decision input (``nip``, ``kode``, ``keputusan``, ``catatan``).
    Accepted attempts are not recorded here: the step's decision records them.
    """
    maks, durasi = settings.kode_percobaan_maks, durasi_kunci(settings)
    nip = bersihkan_nip(masukan.get("nip", ""))
    kode = str(masukan.get("kode", ""))
    keputusan = str(masukan.get("keputusan", "setuju"))
    catatan = str(masukan.get("catatan", ""))
    # 1. Judge outside any write transaction: the code's hash is slow on purpose.
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        sasaran = next(s for s in ticket.steps if s.id == step_id)
        lainnya = [_langkah_kode(s) for s in ticket.steps if s.code_hash and s.id != step_id]
        percobaan, sejak = _riwayat(session, ticket.id, step_id)
        putusan = putuskan(nip, kode, keputusan, catatan, _langkah_kode(sasaran), lainnya,
                           keadaan_kunci(percobaan, sekarang or _now(), maks, durasi, sejak))
    # 2. Record against the lockout state as it is now, one attempt at a time.
    dikunci: datetime | None = None
    surat: Pesan | None = None
    with db.session_scope(settings.store_url) as session:
        chain.lock_head(session, chain.AUDIT)
        ticket = repo.get_ticket(session, nomor)
        sasaran = next(s for s in ticket.steps if s.id == step_id)
        at = sekarang or _now()
        percobaan, sejak = _riwayat(session, ticket.id, step_id)
        kunci_kini = keadaan_kunci(percobaan, at, maks, durasi, sejak)
        jenis = putusan.jenis
        dibebankan = putusan.step_id
        if kunci_kini.terkunci and sasaran.finished_at is None:
            # Locked meanwhile by someone else's attempts: refused, even with the right code.
            jenis, dibebankan = Penolakan.TERKUNCI, step_id
        if jenis is None:
            return HasilPercobaan(None, "", step_id)
        if jenis in SALAH and dibebankan == step_id:
            dikunci = mulai_terkunci(percobaan, Percobaan(at, jenis), maks, durasi, sejak)
            kunci_kini = keadaan_kunci([*percobaan, Percobaan(at, jenis)], at, maks, durasi,
                                       sejak)
        dibebankan_ke = next(s for s in ticket.steps if s.id == dibebankan)
        detail: dict[str, Any] = {
            "step_id": dibebankan, "langkah": dibebankan_ke.code, "sasaran": step_id,
            "jenis": jenis.value, "alasan": ALASAN[jenis], "sumber": sumber,
            "run": flow_run_id,
        }
        if kunci is not None:
            detail["kunci"] = kunci
        if jenis is Penolakan.TERKUNCI and kunci_kini.sampai is not None:
            detail["sampai"] = kunci_kini.sampai.isoformat()
        repo.audit(session, DITOLAK, ticket=ticket, actor=nip or None, at=at, **detail)
        if dikunci is not None:
            repo.audit(session, DIKUNCI, ticket=ticket, at=at, step_id=step_id,
                       langkah=sasaran.code, percobaan=maks, sampai=dikunci.isoformat())
            surat = _surat_terkunci(settings, ticket, sasaran, maks, dikunci)
    if dikunci is not None:
        _kirim_surat_terkunci(settings, nomor, step_id, surat)
    return HasilPercobaan(jenis, pesan_penolakan(jenis, kunci_kini, maks, durasi, dikunci),
                          dibebankan)


def _pejabat(roster: Roster, peran: Peran, nip: str | None, nomor: str) -> Pejabat | None:
    for p in roster.pejabat:
        if nip and p.nip == nip and p.peran is peran:
            return p
    try:
        return roster.pemegang(peran, nomor)
    except ValueError:
        return None


def _surat_terkunci(settings: Settings, ticket: Ticket, step: StepRecord, percobaan: int,
                    sampai: datetime) -> Pesan | None:
    """The lockout mail: to the assignee, copy to the superior (the requester: both PJ)."""
    peran = Peran(step.actor_role)
    kepada: tuple[str, ...]
    tembusan: tuple[str, ...] = ()
    nama_atasan = None
    if peran is Peran.OPD:
        form = ticket.form or {}
        kepada = tuple(a for a in (
            (form.get("penanggung_jawab_struktural") or {}).get("email"),
            (form.get("penanggung_jawab_teknis") or {}).get("email"),
        ) if a)
        nama = step.assignee_name or "Pemohon"
    else:
        roster = Roster.from_yaml_text(settings.roster_file.read_text(encoding="utf-8"))
        pelaksana = _pejabat(roster, peran, step.assignee_nip, ticket.number)
        atasan = _pejabat(roster, peran.atasan, None, ticket.number) if peran.atasan else None
        kepada = (pelaksana.email,) if pelaksana else ()
        tembusan = (atasan.email,) if atasan else ()
        nama = pelaksana.nama if pelaksana else (step.assignee_name or "-")
        nama_atasan = atasan.nama if atasan else None
    if not kepada and not tembusan:
        return None
    subjek, isi = pesan_langkah_dikunci(
        nomor_tiket=ticket.number, nama_aplikasi=ticket.application_name,
        instansi=ticket.agency, langkah=langkah(step.code).aktivitas, nama=nama,
        percobaan=percobaan, sampai=sampai, nama_atasan=nama_atasan)
    return Pesan(kepada=kepada or tembusan, tembusan=tembusan if kepada else (),
                 subjek=subjek, isi=isi, jenis="langkah_dikunci", tiket=ticket.number)


def _kirim_surat_terkunci(settings: Settings, nomor: str, step_id: int,
                          surat: Pesan | None) -> None:
    """Send once (the lockout is already recorded); a failure is audited, not retried."""
    galat = "tidak ada penerima" if surat is None else None
    if surat is not None:
        try:
            saluran_dari_pengaturan(settings).kirim(surat)
        except Exception as exc:  # noqa: BLE001 - the lockout holds; the operator is told
            galat = str(exc) or type(exc).__name__
    if galat:
        log.warning("Surel penguncian langkah %s tiket %s tidak terkirim: %s", step_id, nomor,
                    galat)
        with db.session_scope(settings.store_url) as session:
            repo.audit(session, "notifikasi_gagal", ticket=repo.get_ticket(session, nomor),
                       jenis="langkah_dikunci", step_id=step_id, galat=galat)


def catat_kode_terbit(session: Session, step: StepRecord) -> None:
    """Audit that the step's code was issued: attempts count from here."""
    repo.audit(session, KODE_TERBIT, ticket=step.ticket, step_id=step.id, langkah=step.code)


def masukan_terpakai(nomor: str, step_id: int) -> int:
    """How many inputs the ticket's runs consumed and refused for this step.

    The suspend key of the step's next wait is ``langkah-<step>-<this>``: it advances only
    when a run refuses an input, never on refusals ``lpa decide`` made without resuming
    (those would move the key past an input still waiting to be read).
    """
    with db.session_scope(get_settings().store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        return sum(
            1 for e in _penolakan(session, ticket.id)
            if (e.detail.get("sumber") == "run" and e.detail.get("sasaran") == step_id)
            or ("sumber" not in e.detail and e.detail.get("step_id") == step_id)
        )


def penolakan_run(settings: Settings, nomor: str, flow_run_id: str,
                  kunci: str) -> dict[str, Any] | None:
    """The run's refusal of the input given to its wait ``kunci``, if it refused it."""
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        for e in reversed(_penolakan(session, ticket.id)):
            if e.detail.get("run") == flow_run_id and e.detail.get("kunci") == kunci:
                return dict(e.detail)
    return None


def pesan_penolakan_tercatat(settings: Settings, nomor: str, detail: Mapping[str, Any]) -> str:
    """The person's message for a refusal the run recorded (lockout state as of now)."""
    jenis = jenis_dari_catatan(detail) or Penolakan.KODE_SALAH
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        percobaan, sejak = _riwayat(session, ticket.id, int(detail.get("sasaran") or 0))
    keadaan: Kunci = keadaan_kunci(percobaan, _now(), settings.kode_percobaan_maks,
                                   durasi_kunci(settings), sejak)
    return pesan_penolakan(jenis, keadaan, settings.kode_percobaan_maks, durasi_kunci(settings))
