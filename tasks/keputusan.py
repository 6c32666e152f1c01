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

Who may decide is asked of the roster *when the attempt is judged*, not when the step
started: if the post changed hands while the step waited (a Plh. appointed, a Plt. ended,
an officer deactivated), the step first passes to the new holder (:func:`alihkan_bila_berganti`):
the step's assignee is changed and its code voided in one transaction (audited as
``langkah_dialihkan`` with the old and new NIP), then a new code is mailed to the new
holder and its hash stored (mail before hash, as for every code), and the official it was
taken from is told, without a code. The SLA watch does the same for every waiting step on
each pass (:func:`alihkan_yang_berganti`), so the new holder gets the mail even if nobody
tries, and issues again a replacement code whose mail failed or was cut short.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from domain.kode import buat_kode, hash_kode, kode_cocok
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
    ringkasan_penolakan,
)
from domain.pesan import pesan_kode_keputusan, pesan_langkah_dialihkan, pesan_langkah_dikunci
from domain.roster import Pejabat, Roster, RosterTidakSah
from domain.sop import LANGKAH, Peran, langkah
from settings import Settings, get_settings
from store import chain, db, kueri, portal_pejabat, repo
from store.models import AuditEvent, StepRecord, Ticket
from tasks.notifikasi import Pesan, saluran_dari_pengaturan

log = logging.getLogger(__name__)

DITOLAK = "keputusan_ditolak"
DIKUNCI = "langkah_dikunci"
KODE_TERBIT = "kode_diterbitkan"
DIALIHKAN = "langkah_dialihkan"
GAGAL_KIRIM = "notifikasi_gagal"

TENGGANG_TERBIT_ULANG = timedelta(seconds=60)
"""A step passed to a new holder whose code is still missing this long after the handover
(or after its mail failed) gets a new one from the SLA watch; shorter waits belong to the
process that made the handover and is sending the mail."""
MAKS_GAGAL_KIRIM = 5
"""Failed mails of a replacement code after which the watch stops trying (operator's turn)."""

LANGKAH_PEJABAT = frozenset(
    kode for kode, sop in LANGKAH.items() if sop.menunggu_orang and sop.pelaksana is not Peran.OPD
)
"""Steps that wait for an official of the roster (not the requester)."""


@lru_cache(maxsize=4)
def _roster_dari(path: Path, mtime_ns: int, ukuran: int) -> Roster:
    return Roster.from_yaml_text(path.read_text(encoding="utf-8"))


def baca_roster(settings: Settings) -> Roster:
    """The roster file, re-read when it changes (a new Plh. takes effect without restart)."""
    path = settings.roster_file.resolve()
    info = path.stat()
    return _roster_dari(path, info.st_mtime_ns, info.st_size)


def roster_kini(settings: Settings) -> Roster | None:
    """The roster as it is now, or None (logged) while the file is unreadable or invalid:
    a decision is then judged against the step's stored assignee, nothing is passed on."""
    try:
        return baca_roster(settings)
    except (OSError, RosterTidakSah) as exc:
        log.warning("Roster %s tidak dapat dibaca; pemegang langkah tidak diperiksa: %s",
                    settings.roster_file, exc)
        return None


def ui_flow_run_url(flow_run_id: str | None) -> str | None:
    """The Prefect UI page of a run, where an official can press Resume (the same address
    the portal's operators' list links to: ``klien.lingkungan.url_ui_run``)."""
    from klien.lingkungan import url_ui_run

    return url_ui_run(flow_run_id)


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
    return kueri.audit_events(session, ticket_id, DITOLAK)


def _riwayat(session: Session, ticket_id: int,
             step_id: int) -> tuple[list[Percobaan], datetime | None]:
    """The refusals charged to the step, and when its code was issued (if recorded)."""
    percobaan = [Percobaan(e.at, jenis_dari_catatan(e.detail))
                 for e in _penolakan(session, ticket_id) if e.detail.get("step_id") == step_id]
    terbit = kueri.audit_events(session, ticket_id, KODE_TERBIT)
    sejak = max((e.at for e in terbit if e.detail.get("step_id") == step_id), default=None)
    return percobaan, sejak


def _langkah_kode(step: StepRecord, mantan: frozenset[str] = frozenset()) -> LangkahKode:
    return LangkahKode(step.id, step.assignee_nip, step.code_hash, step.finished_at is not None,
                       mantan)


def _pengalihan(session: Session, ticket_id: int, step_id: int) -> list[AuditEvent]:
    """The step's handovers to a new holder, oldest first."""
    return [e for e in kueri.audit_events(session, ticket_id, DIALIHKAN)
            if e.detail.get("step_id") == step_id]


def _mantan(session: Session, ticket_id: int, step_id: int) -> frozenset[str]:
    """NIPs of the officials the step was taken from."""
    return frozenset(e.detail["nip_lama"] for e in _pengalihan(session, ticket_id, step_id)
                     if e.detail.get("nip_lama"))


def periksa_percobaan(
    settings: Settings,
    nomor: str,
    step_id: int,
    masukan: Mapping[str, Any],
    *,
    sumber: Literal["lpa", "portal", "run"],
    flow_run_id: str | None = None,
    kunci: str | None = None,
    sekarang: datetime | None = None,
) -> HasilPercobaan:
    """Judge an attempt on step ``step_id`` of ticket ``nomor``; audit it when refused.

    ``masukan`` is the decision input (``nip``, ``kode``, ``keputusan``, ``catatan``).
    Accepted attempts are not recorded here: the step's decision records them. ``kode`` may
    be a portal authorisation (``portal:...``, :func:`otorisasi_sah`) in place of the mailed
    code; the run's acceptance of one is audited as ``keputusan_via_portal``.
    """
    maks, durasi = settings.kode_percobaan_maks, durasi_kunci(settings)
    nip = bersihkan_nip(masukan.get("nip", ""))
    kode = str(masukan.get("kode", ""))
    keputusan = str(masukan.get("keputusan", "setuju"))
    catatan = str(masukan.get("catatan", ""))
    # 0. Who holds the post now: a step whose holder changed passes to the new one first.
    alihkan_bila_berganti(settings, nomor, step_id, sekarang=sekarang)
    # 1. Judge outside any write transaction: the code's hash is slow on purpose.
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        sasaran = next(s for s in ticket.steps if s.id == step_id)
        lainnya = [_langkah_kode(s) for s in ticket.steps if s.code_hash and s.id != step_id]
        percobaan, sejak = _riwayat(session, ticket.id, step_id)
        pemegang = sasaran.assignee_name
        otorisasi = otorisasi_sah(session, kode, ticket.id, step_id, nip, sumber,
                                  sekarang or _now())
        cocok = _cocok_dengan(otorisasi is not None, sasaran.code_hash)
        putusan = putuskan(nip, kode, keputusan, catatan,
                           _langkah_kode(sasaran, _mantan(session, ticket.id, step_id)),
                           lainnya,
                           keadaan_kunci(percobaan, sekarang or _now(), maks, durasi, sejak),
                           cocok)
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
            if otorisasi is not None and sumber == "run":
                _stempel_otorisasi(session, ticket, otorisasi, at)
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
    return HasilPercobaan(jenis, pesan_penolakan(jenis, kunci_kini, maks, durasi, dikunci,
                                                 pemegang=pemegang),
                          dibebankan)


# --- the portal's authorisation in place of the code ---------------------------------------

VIA_PORTAL = "keputusan_via_portal"


def otorisasi_sah(session: Session, kode: str, ticket_id: int, step_id: int, nip: str,
                  sumber: str, sekarang: datetime) -> int | None:
    """The id of the portal authorisation ``kode`` if it may decide step ``step_id`` of the
    ticket as ``nip`` now, else None (then it is judged as a wrong code).

    Bound to ticket, step and NIP; good until it expires, except that the run may check
    again one it already accepted (a re-run after a crash returns the same input): the step
    it decided is finished by then, so it can never decide anything else.
    """
    if not portal_pejabat.adalah_otorisasi(kode):
        return None
    o = portal_pejabat.cari_otorisasi(session, kode)
    if o is None or o.ticket_id != ticket_id or o.step_id != step_id or o.nip != nip:
        return None
    if sekarang >= o.expires_at and not (sumber == "run" and o.used_at is not None):
        return None
    return o.id


def _cocok_dengan(otorisasi: bool, code_hash: str | None):  # noqa: ANN202
    """The code matcher for one attempt: a valid authorisation matches its step's code."""
    def cocok(kode: str, h: str) -> bool:
        if portal_pejabat.adalah_otorisasi(kode):
            return otorisasi and h == code_hash
        return kode_cocok(kode, h)
    return cocok


def _stempel_otorisasi(session: Session, ticket: Ticket, otorisasi_id: int,
                       at: datetime) -> None:
    """The run accepted a portal authorisation: used from now, audited once as via portal."""
    o = session.get(portal_pejabat.OtorisasiPortal, otorisasi_id)
    if o is None or o.used_at is not None:
        return
    o.used_at = at
    repo.audit(session, VIA_PORTAL, ticket=ticket, actor=o.nip, at=at, step_id=o.step_id,
               via=o.via)


def tautan_keputusan(settings: Settings, nomor: str, step_id: int, nip: str) -> str | None:
    """A new personal decision link for the step's assignee (stored hashed), for the mail
    beside the code; None for a requester's step."""
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        step = next(s for s in ticket.steps if s.id == step_id)
        if step.code not in LANGKAH_PEJABAT or not nip:
            return None
        raw = portal_pejabat.buat_tautan_keputusan(
            session, ticket.id, step_id, nip,
            timedelta(days=settings.portal_tautan_keputusan_hari), _now())
    return f"{settings.portal_url.rstrip('/')}/keputusan/{raw}"


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
        from pydantic import ValidationError

        from domain.forms import alamat_penanggung_jawab, baca_formulir

        try:  # the stored form, typed (domain.forms.baca_formulir)
            kepada = alamat_penanggung_jawab(baca_formulir(ticket.request_type, ticket.form))
        except ValidationError:  # a stored form that no longer validates: nobody to mail
            log.warning("lockout mail of %s: the stored form does not validate", ticket.number)
            kepada = ()
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


def ringkasan_dialog(settings: Settings, nomor: str, step_id: int,
                     sekarang: datetime | None = None) -> str | None:
    """The line the resume dialog shows after refused attempts on the step: how many, and
    why the last one was refused (NIP, code, lockout until when, used code)."""
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        ditujukan = [e for e in _penolakan(session, ticket.id)
                     if e.detail.get("sasaran", e.detail.get("step_id")) == step_id]
        percobaan, sejak = _riwayat(session, ticket.id, step_id)
    if not ditujukan:
        return None
    kunci = keadaan_kunci(percobaan, sekarang or _now(), settings.kode_percobaan_maks,
                          durasi_kunci(settings), sejak)
    return ringkasan_penolakan(len(ditujukan), jenis_dari_catatan(ditujukan[-1].detail), kunci,
                               settings.kode_percobaan_maks)


# --- a waiting step passes to whoever holds the post now ---------------------------------

@dataclass(frozen=True)
class Pengalihan:
    """A waiting step handed to a new holder (or its replacement code issued again)."""

    nomor: str
    step_id: int
    langkah: str
    nip_lama: str | None
    nip_baru: str
    kode_terkirim: bool
    """Whether the new holder's code went out (else the watch tries again later)."""


def _pejabat_tercatat(roster: Roster, peran: Peran, nip: str | None) -> Pejabat | None:
    """The roster entry of ``nip`` in ``peran``, active or not (for their address)."""
    if not nip:
        return None
    entri = [p for p in roster.pejabat if p.nip == nip and p.peran is peran]
    return next((p for p in entri if p.aktif), entri[0] if entri else None)


def alihkan_bila_berganti(settings: Settings, nomor: str, step_id: int, *,
                          sekarang: datetime | None = None,
                          roster: Roster | None = None) -> Pengalihan | None:
    """Pass waiting step ``step_id`` to the holder of its post now, if that changed.

    Nothing happens for a finished step, a requester's step, while the roster cannot be
    read, or when the assignee still holds the post (``Roster.boleh_memutus``). A step
    whose code was never issued is only reassigned: its run issues the code.
    """
    with db.session_scope(settings.store_url) as session:
        ticket = repo.find_ticket(session, nomor)
        step = next((s for s in ticket.steps if s.id == step_id), None) if ticket else None
        if (ticket is None or step is None or step.finished_at is not None
                or ticket.archived_at is not None or step.code not in LANGKAH_PEJABAT):
            return None
        peran, kode_langkah = Peran(step.actor_role), step.code
        lama_nip, lama_nama, lama_hash = step.assignee_nip, step.assignee_name, step.code_hash
        pernah = bool(_pengalihan(session, ticket.id, step_id))
    roster = roster or roster_kini(settings)
    if roster is None or (lama_nip and roster.boleh_memutus(peran, lama_nip, nomor, lama_nip)):
        return None
    baru = roster.pemegang_langkah(peran, nomor, lama_nip)
    at = sekarang or _now()
    if not _klaim_pengalihan(settings, nomor, step_id, lama_nip, lama_hash, baru, at):
        return None  # someone else handed it over (or it was decided) meanwhile
    log.info("Tiket %s langkah %s dialihkan dari NIP %s kepada NIP %s (%s)", nomor,
             kode_langkah, lama_nip, baru.nip, baru.sebutan)
    terkirim = False
    if lama_hash is not None or pernah:
        dari = f"{lama_nama} (NIP {lama_nip})" if lama_nip else None
        terkirim = _terbitkan_kode_pengganti(settings, nomor, step_id, baru, dari)
        lama = _pejabat_tercatat(roster, peran, lama_nip)
        if lama is not None:
            _kabari_pemegang_lama(settings, nomor, step_id, lama, baru)
    return Pengalihan(nomor, step_id, kode_langkah, lama_nip, baru.nip, terkirim)


def _klaim_pengalihan(settings: Settings, nomor: str, step_id: int, lama_nip: str | None,
                      lama_hash: str | None, baru: Pejabat, at: datetime) -> bool:
    """Reassign the step and void its code in one transaction, if nobody changed it since
    it was read (compare-and-set under the audit chain's lock): only one handover wins."""
    with db.session_scope(settings.store_url) as session:
        chain.lock_head(session, chain.AUDIT)
        ticket = repo.get_ticket(session, nomor)
        step = next(s for s in ticket.steps if s.id == step_id)
        if step.finished_at is not None or step.assignee_nip != lama_nip \
                or step.code_hash != lama_hash:
            return False
        lama_nama = step.assignee_name
        step.assignee_nip, step.assignee_name, step.code_hash = baru.nip, baru.nama, None
        repo.audit(session, DIALIHKAN, ticket=ticket, at=at, step_id=step_id,
                   langkah=step.code, nip_lama=lama_nip, nama_lama=lama_nama,
                   nip_baru=baru.nip, nama_baru=baru.nama, status_baru=baru.status,
                   kode_lama_dibatalkan=lama_hash is not None)
        return True


def _terbitkan_kode_pengganti(settings: Settings, nomor: str, step_id: int, baru: Pejabat,
                              dari: str | None) -> bool:
    """Mail the step's new holder a new code, then store its hash (mail before hash, as
    for every code: a crash in between leaves the step without a code, and the watch issues
    another). A failed mail is audited; the watch tries again. True when the code stands."""
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        step = next(s for s in ticket.steps if s.id == step_id)
        if step.finished_at is not None or step.assignee_nip != baru.nip \
                or step.code_hash is not None:
            return False
        peran = Peran(step.actor_role)
        data = {"nomor_tiket": ticket.number, "nama_aplikasi": ticket.application_name,
                "instansi": ticket.agency, "langkah": langkah(step.code).aktivitas,
                "jatuh_tempo": step.due_at, "tautan_ui": ui_flow_run_url(step.flow_run_id)}
        kode_langkah = step.code
    kode = buat_kode()
    tautan = tautan_keputusan(settings, nomor, step_id, baru.nip)
    subjek, isi = pesan_kode_keputusan(**data, nama=baru.nama, nip=baru.nip, kode=kode,
                                       sebutan=baru.sebutan, dialihkan_dari=dari,
                                       ada_atasan=peran.atasan is not None,
                                       tautan_keputusan=tautan)
    try:
        saluran_dari_pengaturan(settings).kirim(Pesan(
            kepada=(baru.email,), subjek=subjek, isi=isi, jenis="kode_keputusan", tiket=nomor))
    except Exception as exc:  # noqa: BLE001 - audited; the watch issues another code
        galat = str(exc) or type(exc).__name__
        log.warning("Kode pengganti tiket %s langkah %s tidak terkirim: %s", nomor,
                    kode_langkah, galat)
        with db.session_scope(settings.store_url) as session:
            repo.audit(session, GAGAL_KIRIM, ticket=repo.get_ticket(session, nomor),
                       jenis="kode_keputusan", step_id=step_id, langkah=kode_langkah,
                       kepada=baru.nip, galat=galat)
        return False
    code_hash = hash_kode(kode)
    with db.session_scope(settings.store_url) as session:
        chain.lock_head(session, chain.AUDIT)
        step = session.get(StepRecord, step_id)
        assert step is not None
        if step.finished_at is not None or step.assignee_nip != baru.nip \
                or step.code_hash is not None:
            return False  # handed on again meanwhile: the code just mailed is void
        step.code_hash = code_hash
        catat_kode_terbit(session, step)
    return True


def _kabari_pemegang_lama(settings: Settings, nomor: str, step_id: int, lama: Pejabat,
                          baru: Pejabat) -> None:
    """Tell the official the step was taken from that their code no longer works."""
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        step = next(s for s in ticket.steps if s.id == step_id)
        subjek, isi = pesan_langkah_dialihkan(
            nomor_tiket=ticket.number, nama_aplikasi=ticket.application_name,
            instansi=ticket.agency, langkah=langkah(step.code).aktivitas, nama=lama.nama,
            kepada=f"{baru.sebutan}, {baru.nama}")
    try:
        saluran_dari_pengaturan(settings).kirim(Pesan(
            kepada=(lama.email,), subjek=subjek, isi=isi, jenis="langkah_dialihkan",
            tiket=nomor))
    except Exception as exc:  # noqa: BLE001 - a courtesy; the handover stands
        galat = str(exc) or type(exc).__name__
        log.warning("Surel pengalihan tiket %s tidak terkirim: %s", nomor, galat)
        with db.session_scope(settings.store_url) as session:
            repo.audit(session, GAGAL_KIRIM, ticket=repo.get_ticket(session, nomor),
                       jenis="langkah_dialihkan", step_id=step_id, galat=galat)


def alihkan_yang_berganti(settings: Settings,
                          sekarang: datetime | None = None) -> list[Pengalihan]:
    """The SLA watch's pass over every step waiting for an official: hand over the steps
    whose post changed hands, and issue again a replacement code that did not go out."""
    sekarang = sekarang or _now()
    roster = roster_kini(settings)
    if roster is None:
        return []
    berganti: list[tuple[str, int]] = []
    tanpa_kode: list[tuple[str, int, str, str]] = []
    with db.session_scope(settings.store_url) as session:
        rows = repo.waiting_steps(session, set(LANGKAH_PEJABAT))
        for step, ticket in rows:
            peran = Peran(step.actor_role)
            if step.assignee_nip and roster.boleh_memutus(peran, step.assignee_nip,
                                                          ticket.number, step.assignee_nip):
                if step.code_hash is None and step.assignee_nip:
                    tanpa_kode.append((ticket.number, step.id, step.assignee_nip,
                                       step.actor_role))
                continue
            if step.code_hash is not None or _pengalihan(session, ticket.id, step.id):
                berganti.append((ticket.number, step.id))
            # never issued and never handed over: the step's run issues its code
        ulang: list[tuple[str, int, Pejabat, str | None, str]] = []
        for nomor, step_id, nip, peran_ in tanpa_kode:
            ticket = repo.get_ticket(session, nomor)
            alih = _pengalihan(session, ticket.id, step_id)
            if not alih:
                continue  # its run is about to issue the first code
            gagal = [e for e in kueri.audit_events(session, ticket.id, GAGAL_KIRIM)
                     if e.detail.get("step_id") == step_id
                     and e.detail.get("jenis") == "kode_keputusan"]
            terakhir = max([alih[-1].at, *(e.at for e in gagal)])
            if len(gagal) >= MAKS_GAGAL_KIRIM or sekarang - terakhir < TENGGANG_TERBIT_ULANG:
                continue
            pejabat = _pejabat_tercatat(roster, Peran(peran_), nip)
            if pejabat is not None:
                d = alih[-1].detail
                dari = f"{d.get('nama_lama')} (NIP {d['nip_lama']})" if d.get("nip_lama") \
                    else None
                ulang.append((nomor, step_id, pejabat, dari, str(d.get("langkah", ""))))
    hasil = []
    for nomor, step_id in berganti:
        alih = alihkan_bila_berganti(settings, nomor, step_id, sekarang=sekarang,
                                     roster=roster)
        if alih is not None:
            hasil.append(alih)
    for nomor, step_id, pejabat, dari, kode_langkah in ulang:
        terkirim = _terbitkan_kode_pengganti(settings, nomor, step_id, pejabat, dari)
        hasil.append(Pengalihan(nomor, step_id, kode_langkah, pejabat.nip, pejabat.nip,
                                terkirim))
    return hasil
