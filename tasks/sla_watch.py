"""The store side of the SLA watch: claiming thresholds, recording breaches, sending once.

Exactly-once per (step, threshold) rests on the store: a threshold is *claimed* by inserting
its ``sla_warning`` row (unique per step and threshold) in the same transaction that records
the breach and its audit event; only the watch that committed the claim sends the mail, and
marks it sent afterwards. A restart finds the row and sends nothing again. A send that
failed (SMTP down) records its error and is retried by a later pass, at most
``MAKS_PERCOBAAN`` times in all; a crash between sending and marking leaves no error and is
not retried (a lost warning is preferred to a repeated one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from prefect import task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NONE
from sqlalchemy.exc import IntegrityError

from domain.calendar import WIB, BusinessCalendar
from domain.pesan import pesan_eskalasi
from domain.pesan_sla import pesan_peringatan_sla
from domain.roster import Pejabat
from domain.sla import AMBANG_PELANGGARAN, ambang_tercapai, persen_terpakai
from domain.sop import Peran, langkah
from domain.teks import md_aman
from settings import get_settings
from store import db, kueri, repo
from store.models import SlaWarning, StepRecord, Ticket
from tasks.keputusan import alihkan_yang_berganti
from tasks.notifikasi import Pesan, saluran_dari_pengaturan
from tasks.pejabat import roster

MAKS_PERCOBAAN = 5
AMBANG_BERISIKO = 50
"""Steps at or past this share of their budget appear in the watch's table artifact."""


@dataclass(frozen=True)
class Peringatan:
    """One claimed warning to send."""

    warning_id: int
    ambang: int
    nomor: str
    nama_aplikasi: str
    instansi: str
    kode: str
    actor_role: str
    assignee_nip: str | None
    jatuh_tempo: datetime


@dataclass(frozen=True)
class LangkahBerisiko:
    nomor: str
    nama_aplikasi: str
    instansi: str
    kode: str
    actor_role: str
    petugas: str | None
    mulai: datetime
    jatuh_tempo: datetime
    persen: float


@dataclass
class HasilKlaim:
    kirim: list[Peringatan] = field(default_factory=list)
    berisiko: list[LangkahBerisiko] = field(default_factory=list)
    terlambat_baru: int = 0


def _peringatan(w: SlaWarning, step: StepRecord, ticket: Ticket) -> Peringatan:
    assert step.due_at is not None
    return Peringatan(w.id, w.threshold, ticket.number, ticket.application_name, ticket.agency,
                      step.code, step.actor_role, step.assignee_nip, step.due_at)


@task(name="klaim-peringatan-sla", cache_policy=NONE)
def klaim_peringatan(sekarang: datetime) -> HasilKlaim:
    """Claim every threshold newly reached by an open step; record and audit breaches.

    Of several thresholds first seen in one pass (the watch was down), only the highest is
    sent; the others are recorded as passed (``notify`` False) so they never go out late.
    """
    settings = get_settings()
    calendar = BusinessCalendar.dari_pengaturan(settings)
    hasil = HasilKlaim()
    with db.session_scope(settings.store_url) as session:
        rows = kueri.open_steps_due(session)
        ada = kueri.sla_thresholds(session, [s.id for s, _ in rows])
        for step, ticket in rows:
            assert step.due_at is not None
            persen = persen_terpakai(step.started_at, step.due_at, sekarang, calendar) or 0.0
            if persen >= AMBANG_BERISIKO:
                hasil.berisiko.append(LangkahBerisiko(
                    ticket.number, ticket.application_name, ticket.agency, step.code,
                    step.actor_role, step.assignee_name, step.started_at, step.due_at, persen))
            baru = [t for t in ambang_tercapai(step.started_at, step.due_at, sekarang, calendar)
                    if t not in ada.get(step.id, set())]
            if not baru:
                continue
            try:
                with session.begin_nested():
                    klaim = [SlaWarning(step_id=step.id, threshold=t, reached_at=sekarang,
                                        notify=t == baru[-1], attempts=1 if t == baru[-1] else 0)
                             for t in baru]
                    session.add_all(klaim)
                    session.flush()
                    for t in baru:
                        repo.audit(session, "peringatan_sla", ticket=ticket, at=sekarang,
                                   step_id=step.id, langkah=step.code, ambang=t,
                                   dikirim=t == baru[-1])
                    if AMBANG_PELANGGARAN in baru and repo.mark_breached(session, step, sekarang):
                        hasil.terlambat_baru += 1
                        repo.audit(session, "langkah_terlambat", ticket=ticket, at=sekarang,
                                   step_id=step.id, langkah=step.code,
                                   jatuh_tempo=step.due_at.isoformat())
            except IntegrityError:
                continue  # another watch claimed this step's threshold first
            hasil.kirim.append(_peringatan(klaim[-1], step, ticket))
        # Sends that failed earlier: claimed again (error cleared) by one watch only.
        for w, step, ticket in kueri.failed_warnings(session, MAKS_PERCOBAAN):
            if kueri.claim_failed_warning(session, w):
                hasil.kirim.append(_peringatan(w, step, ticket))
    return hasil


def _pejabat(peran: Peran | None, nomor: str, nip: str | None) -> Pejabat | None:
    if peran is None or peran is Peran.OPD:
        return None
    r = roster()
    if nip:
        for p in r.pejabat:
            if p.nip == nip and p.peran is peran:
                return p
    return r.pemegang(peran, nomor)


def susun_pesan(item: Peringatan) -> Pesan | None:
    """The mail of one warning: 50/75 % to the actor; 100 % to the actor, copy to the superior."""
    peran = Peran(item.actor_role)
    pelaksana = _pejabat(peran, item.nomor, item.assignee_nip)
    sop = langkah(item.kode)
    if item.ambang < AMBANG_PELANGGARAN:
        if pelaksana is None:
            return None
        subjek, isi = pesan_peringatan_sla(
            nomor_tiket=item.nomor, nama_aplikasi=item.nama_aplikasi, instansi=item.instansi,
            langkah=sop.aktivitas, nama=pelaksana.nama, ambang=item.ambang,
            jatuh_tempo=item.jatuh_tempo, ada_atasan=peran.atasan is not None)
        return Pesan(kepada=(pelaksana.email,), subjek=subjek, isi=isi,
                     jenis=f"peringatan_sla_{item.ambang}", tiket=item.nomor)
    atasan = _pejabat(peran.atasan, item.nomor, None)
    if pelaksana is None and atasan is None:
        return None
    # The copy to the superior is mentioned only when one is sent (the Kepala Dinas has no
    # superior; with no actor on record the superior is the addressee, not a copy).
    ditembuskan = atasan if pelaksana is not None and atasan is not None else None
    tujuan = pelaksana or atasan
    assert tujuan is not None
    subjek, isi = pesan_eskalasi(
        nomor_tiket=item.nomor, nama_aplikasi=item.nama_aplikasi, instansi=item.instansi,
        langkah=sop.aktivitas, nama=tujuan.nama, jatuh_tempo=item.jatuh_tempo,
        nama_atasan=ditembuskan.nama if ditembuskan else None)
    return Pesan(kepada=(tujuan.email,),
                 tembusan=(ditembuskan.email,) if ditembuskan else (), subjek=subjek,
                 isi=isi, jenis="eskalasi", tiket=item.nomor)


@task(name="kirim-peringatan-sla", task_run_name="peringatan-{item.nomor}-{item.ambang}",
      cache_policy=NONE)
def kirim_peringatan(item: Peringatan, sekarang: datetime) -> bool:
    """Send one claimed warning and mark it sent; a failure is recorded for a later retry."""
    settings = get_settings()
    galat: str | None = None
    try:
        pesan = susun_pesan(item)
        if pesan is not None:
            saluran_dari_pengaturan(settings).kirim(pesan)
        else:
            galat = None  # nobody holds the post: nothing to send, nothing to retry
    except Exception as exc:  # noqa: BLE001 - recorded, retried by a later pass
        galat = str(exc) or type(exc).__name__
    with db.session_scope(settings.store_url) as session:
        kueri.mark_warning_sent(session, item.warning_id, sekarang, galat)
    return galat is None


@task(name="alihkan-langkah-berganti-pemegang", cache_policy=NONE)
def alihkan_pemegang(sekarang: datetime) -> int:
    """Hand every waiting step whose post changed hands (a Plh. appointed, a Plt. ended) to
    the holder now, with a new code to them; see tasks/keputusan. Returns how many."""
    return len(alihkan_yang_berganti(get_settings(), sekarang))


_LABEL_PERAN = {p.value: p.label for p in Peran}


def _pendek(teks: str, maks: int = 40) -> str:
    return teks if len(teks) <= maks else teks[: maks - 1].rstrip() + "…"


@task(name="tabel-langkah-berisiko", cache_policy=NONE)
def terbitkan_tabel(berisiko: list[LangkahBerisiko]) -> None:
    """The Prefect UI table of late and at-risk open steps, most used budget first."""
    create_table_artifact(
        key="sla-langkah-berisiko", table=baris_tabel_berisiko(berisiko),
        description=f"Langkah terbuka yang terlambat atau telah memakai ≥{AMBANG_BERISIKO}% "
                    f"mutu baku: {len(berisiko)} langkah",
    )


def baris_tabel_berisiko(berisiko: list[LangkahBerisiko]) -> list[dict[str, str]]:
    """The rows of that table (one row saying so when there is nothing at risk)."""
    # Key columns first and long texts shortened, so the table fits a 1400 px screen; no
    # cell starts with "N." (Prefect renders cells as Markdown: that is a numbered list).
    baris = [
        {
            "Tiket": b.nomor,
            "Status": "TERLAMBAT" if b.persen >= AMBANG_PELANGGARAN else "berisiko",
            "Terpakai": f"{b.persen:.0f}%",
            "Langkah": f"langkah {langkah(b.kode).nomor} · {b.kode}",
            "Jatuh tempo (WIB)": b.jatuh_tempo.astimezone(WIB).strftime("%d-%m %H:%M"),
            "Pelaksana": _pendek(b.petugas or _LABEL_PERAN.get(b.actor_role, b.actor_role)),
            "Aplikasi": _pendek(md_aman(b.nama_aplikasi)),
            "Instansi": _pendek(md_aman(b.instansi)),
        }
        for b in sorted(berisiko, key=lambda b: -b.persen)
    ] or [{"Tiket": "-", "Status": "Tidak ada langkah terlambat atau berisiko",
           "Terpakai": "-", "Langkah": "-", "Jatuh tempo (WIB)": "-", "Pelaksana": "-",
           "Aplikasi": "-", "Instansi": "-"}]
    return baris
