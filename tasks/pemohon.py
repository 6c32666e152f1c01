"""Telling the requester how their request ended: one mail when the ticket is archived.

Both penanggung jawab of the form (struktural and teknis) receive the outcome (finished, or
refused with the official's note), the agenda number and the final report as an attachment:
``laporan.pdf`` kept beside the archived ``laporan.html``, or the HTML itself when there is
no PDF (a path on our server is of no use to an agency). The report is read from where the
agenda entry says it was archived, and only if it is still the file the entry vouches for.

Once per ticket: a ``hasil_layanan_dikirim`` audit event records it, so a ticket's run that
comes back after the archive sends nothing twice. A mail that fails is audited
(``notifikasi_gagal``) and logged; it never fails the ticket, which is archived already.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE

from domain.forms import alamat_penanggung_jawab, baca_formulir
from domain.laporan import baca_hasil_kelaikan
from domain.pesan import pesan_hasil_layanan
from domain.sop import JenisLayanan, Peran, langkah
from domain.tiket import HasilTiket, Keputusan
from settings import Settings, get_settings
from store import db, kueri, repo
from store.models import Ticket
from tasks.keputusan import roster_kini
from tasks.notifikasi import Lampiran, Pesan, saluran_dari_pengaturan

log = logging.getLogger(__name__)

TERKIRIM = "hasil_layanan_dikirim"
LAMPIRAN_MAKS = 15 * 1024 * 1024
"""Reports larger than this are not attached (mail relays refuse big messages)."""


def _lampiran(path: str | None, sha256_html: str | None) -> Lampiran | None:
    """The archived report to attach: the PDF beside it, else the HTML; None if neither
    is there (or the HTML is no longer the file the agenda entry vouches for)."""
    if not path:
        return None
    html = Path(path)
    pdf = html.with_name("laporan.pdf")
    if html.is_file():
        isi = html.read_bytes()
        if sha256_html and hashlib.sha256(isi).hexdigest() != sha256_html:
            log.warning("Laporan %s tidak sama dengan yang diarsipkan; tidak dilampirkan", html)
            return None
        if pdf.is_file() and pdf.stat().st_size <= LAMPIRAN_MAKS:
            return Lampiran("laporan.pdf", "application/pdf", pdf.read_bytes())
        if len(isi) <= LAMPIRAN_MAKS:
            return Lampiran("laporan.html", "text/html", isi)
    return None


def _verdict(settings: Settings, ticket: Ticket) -> tuple[bool, str | None]:
    """(had a feasibility test, its verdict or None when it could not judge)."""
    if not any(s.code == "uji_kelaikan" and s.finished_at for s in ticket.steps):
        return False, None
    try:
        hasil = baca_hasil_kelaikan(
            (settings.laporan_dir / ticket.number / "kelaikan.json").read_bytes())
    except (OSError, ValueError):  # no file, or not step 5's outcome (ValidationError)
        return True, None
    return True, hasil.verdict


def _penolak(settings: Settings, ticket: Ticket) -> tuple[str | None, str | None, str | None]:
    """(at which step, by whom, the note) of the refusal that ended the ticket."""
    tolak = [s for s in ticket.steps if s.decision == Keputusan.TOLAK.value]
    if not tolak:
        return None, None, None
    s = tolak[-1]
    peran = Peran(s.actor_role)
    roster = roster_kini(settings)
    entri = next((p for p in roster.pejabat if p.nip == s.assignee_nip and p.peran is peran),
                 None) if roster else None
    sebutan = entri.sebutan if entri else peran.label
    oleh = f"{sebutan}, {s.assignee_name}" if s.assignee_name else sebutan
    return f"langkah {s.step_no}: {langkah(s.code).aktivitas}", oleh, s.note


def susun_pesan_hasil(settings: Settings, nomor: str) -> Pesan | None:
    """The outcome mail of archived ticket ``nomor``; None when there is nobody to tell."""
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        entry = ticket.agenda_entry
        kepada = alamat_penanggung_jawab(baca_formulir(ticket.request_type, ticket.form))
        if entry is None or not kepada:
            return None
        ditolak = ticket.outcome == HasilTiket.DITOLAK.value
        diuji, verdict = _verdict(settings, ticket)
        pada, oleh, catatan = _penolak(settings, ticket) if ditolak else (None, None, None)
        lampiran = _lampiran(entry.report_path, entry.report_sha256)
        subjek, isi = pesan_hasil_layanan(
            nomor_tiket=ticket.number, nama_aplikasi=ticket.application_name,
            instansi=ticket.agency, jenis_layanan=JenisLayanan(ticket.request_type).label,
            ditolak=ditolak, nomor_agenda=entry.number, diarsipkan=entry.archived_at,
            verdict=verdict, diuji=diuji, ditolak_pada=pada, ditolak_oleh=oleh,
            catatan=catatan, lampiran=lampiran.nama if lampiran else None)
    return Pesan(kepada=kepada, subjek=subjek, isi=isi,
                 jenis="permohonan_ditolak" if ditolak else "layanan_selesai", tiket=nomor,
                 lampiran=(lampiran,) if lampiran else ())


def _sudah_dikirim(settings: Settings, nomor: str) -> bool:
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        return kueri.count_audit_events(session, ticket.id, TERKIRIM) > 0


@task(name="kabari-pemohon", task_run_name="kabari-pemohon", cache_policy=NONE)
def kabari_hasil_layanan(nomor: str) -> bool:
    """Mail both penanggung jawab the outcome of archived ticket ``nomor`` with its report,
    once. True when a mail went out now."""
    settings = get_settings()
    if _sudah_dikirim(settings, nomor):
        return False
    galat = None
    pesan = None
    try:
        pesan = susun_pesan_hasil(settings, nomor)
        if pesan is not None:
            saluran_dari_pengaturan(settings).kirim(pesan)
    except Exception as exc:  # noqa: BLE001 - the ticket is archived; the operator is told
        galat = str(exc) or type(exc).__name__
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        if galat is not None:
            log.warning("Surel hasil layanan %s tidak terkirim: %s", nomor, galat)
            repo.audit(session, "notifikasi_gagal", ticket=ticket, jenis="hasil_layanan",
                       galat=galat)
            return False
        if pesan is None:
            log.warning("Tiket %s: tidak ada alamat penanggung jawab; hasil tidak dikirim", nomor)
            return False
        repo.audit(session, TERKIRIM, ticket=ticket, jenis=pesan.jenis,
                   kepada=list(pesan.kepada),
                   lampiran=[lmp.ringkas() for lmp in pesan.lampiran])
    return True
