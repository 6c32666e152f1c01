"""The private tracking page of a ticket, ``/lacak/<token>``: the seven steps with actor,
mutu baku, due and done times in WIB and late steps marked; a returned request with the
official's note and a form to answer it; the attachments; the reports once done.

The token in the path is the only credential: whoever holds it is the requester. It is
never written to the audit trail (a refusal names ``/lacak/<token>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from domain.sop import JenisLayanan, LangkahSOP, rencana_langkah
from domain.tiket import Keputusan
from portal import keamanan, lampiran
from portal.batas import MAKS_CATATAN
from portal.templating import halaman
from settings import Settings
from store import db
from store import portal_pemohon as pp
from store.models import StepRecord, Ticket

router = APIRouter(include_in_schema=False)
JALUR = "/lacak/<token>"
LAPORAN = (".pdf", ".html")


@dataclass(frozen=True)
class BarisLangkah:
    nomor: int
    aktivitas: str
    pelaksana: str
    mutu_baku: timedelta
    mutu_baku_min: timedelta | None
    mulai: datetime | None
    jatuh_tempo: datetime | None
    selesai: datetime | None
    keputusan: str | None
    petugas: str | None
    terlambat: bool
    keadaan: str


def _baris(rencana: LangkahSOP, records: list[StepRecord], sekarang: datetime) -> BarisLangkah:
    r = records[-1] if records else None
    terlambat = bool(r and (r.breached or (r.due_at is not None and (
        (r.finished_at or sekarang) > r.due_at))))
    keadaan = "belum" if r is None else ("selesai" if r.finished_at else "berjalan")
    return BarisLangkah(rencana.nomor, rencana.aktivitas, rencana.pelaksana.label,
                        rencana.mutu_baku, rencana.mutu_baku_min,
                        r.started_at if r else None, r.due_at if r else None,
                        r.finished_at if r else None, r.decision if r else None,
                        r.assignee_name if r else None, terlambat, keadaan)


def _tiket(request: Request, session: Any, token: str) -> Ticket:
    request.state.jalur_audit = JALUR
    ticket = pp.tiket_dari_lacak(session, token)
    if ticket is None:
        raise keamanan.Ditolak(404, "Tautan pelacakan ini tidak dikenal. Periksa tautan pada "
                                    "surel pemberitahuan permohonan Anda.",
                               alasan="tautan_lacak_tidak_dikenal")
    return ticket


def _laporan(settings: Settings, nomor: str) -> list[Path]:
    folder = settings.laporan_dir / nomor
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in LAPORAN)


def _konteks(settings: Settings, ticket: Ticket) -> dict[str, Any]:
    sekarang = datetime.now(UTC)
    per_kode: dict[str, list[StepRecord]] = {}
    for s in ticket.steps:
        per_kode.setdefault(s.code, []).append(s)
    jenis = JenisLayanan(ticket.request_type)
    baris = [_baris(r, per_kode.get(r.kode, []), sekarang) for r in rencana_langkah(jenis)]
    dikembalikan = [s for s in ticket.steps if s.decision == Keputusan.KEMBALIKAN.value]
    kelengkapan = next((s for s in ticket.steps
                        if s.code == "kelengkapan" and s.finished_at is None), None)
    selesai = ticket.agenda_entry is not None
    return {
        "tiket": ticket, "layanan": jenis, "langkah": baris,
        "pengembalian": [(s, next((r for r in ticket.steps if r.code == "kelengkapan"
                                   and r.started_at >= s.finished_at), None)
                          if s.finished_at else None) for s in dikembalikan],
        "menunggu_kelengkapan": kelengkapan,
        "lampiran": [(b.id, b.nama_berkas, lampiran.JENIS_LAMPIRAN.get(b.jenis, b.jenis))
                     for b in pp.lampiran_tiket_sesi(ticket)],
        "laporan": [p.name for p in _laporan(settings, ticket.number)] if selesai else [],
        "selesai": selesai,
    }


@router.api_route("/lacak/{token}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def lacak(request: Request, token: str) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    with db.session_scope(settings.store_url) as session:
        ticket = _tiket(request, session, token)
        konteks = _konteks(settings, ticket)
        # no message from the query string: a crafted link would show its text in the
        # portal's own green box
        return halaman(request, "lacak.html", {**konteks, "token": token, "pesan": None})


@router.api_route("/lacak/{token}/lampiran/{lampiran_id}", methods=["GET", "HEAD"])
def unduh_lampiran(request: Request, token: str, lampiran_id: int) -> Response:
    settings: Settings = request.app.state.settings
    with db.session_scope(settings.store_url) as session:
        ticket = _tiket(request, session, token)
        berkas = next((b for b in pp.lampiran_tiket_sesi(ticket) if b.id == lampiran_id), None)
        if berkas is None:
            raise keamanan.Ditolak(404, "Lampiran tidak ditemukan.", alasan="lampiran_tidak_ada")
        return lampiran.unduhan(Path(berkas.path), berkas.nama_berkas, berkas.mime)


@router.api_route("/lacak/{token}/laporan/{nama}", methods=["GET", "HEAD"])
def unduh_laporan(request: Request, token: str, nama: str) -> Response:
    settings: Settings = request.app.state.settings
    with db.session_scope(settings.store_url) as session:
        ticket = _tiket(request, session, token)
        nomor, selesai = ticket.number, ticket.agenda_entry is not None
    berkas = {p.name: p for p in _laporan(settings, nomor)} if selesai else {}
    if nama not in berkas:
        raise keamanan.Ditolak(404, "Laporan tidak ditemukan.", alasan="laporan_tidak_ada")
    mime = lampiran.PDF if nama.endswith(".pdf") else "text/html"
    return lampiran.unduhan(berkas[nama], nama, mime)


PESAN_DILENGKAPI = "Jawaban kelengkapan Anda tercatat; permohonan diproses kembali."


@router.post("/lacak/{token}/lengkapi", response_class=HTMLResponse)
async def lengkapi(request: Request, token: str) -> Response:
    """The requester answers a return (what ``lpa lengkapi`` does, without NIP or code: the
    tracking link is the credential; the run receives a one-time portal authorisation)."""
    await keamanan.periksa_csrf(request)
    keamanan.batasi(request, "lengkapi")
    settings: Settings = request.app.state.settings
    kiriman = await request.form()
    catatan = str(kiriman.get("catatan") or "").strip()
    with db.session_scope(settings.store_url) as session:
        ticket = _tiket(request, session, token)
        nomor = ticket.number
        langkah = next((s for s in ticket.steps
                        if s.code == "kelengkapan" and s.finished_at is None), None)
        step_id = langkah.id if langkah else None
    if step_id is None:
        raise keamanan.Ditolak(409, "Permohonan ini tidak sedang menunggu kelengkapan dari "
                                    "Anda.", alasan="lengkapi_tidak_menunggu")
    if not catatan or len(catatan) > MAKS_CATATAN:
        keamanan.audit_penolakan(request, "lengkapi_catatan_tidak_sah", status=422,
                                 panjang=len(catatan))
        pesan = ("Catatan kelengkapan (catatan): wajib diisi; tuliskan apa yang telah "
                 "dilengkapi atau diperbaiki") if not catatan else \
            f"Catatan kelengkapan (catatan): terlalu panjang; maksimal {MAKS_CATATAN} karakter"
        with db.session_scope(settings.store_url) as session:
            ticket = _tiket(request, session, token)
            return halaman(request, "lacak.html", {
                **_konteks(settings, ticket), "token": token, "pesan": None,
                "galat": {"catatan": pesan}, "isian": {"catatan": catatan}}, 422)
    from klien.operasi import GagalOperasi
    from klien.pemohon import lengkapi_dari_lacak

    try:
        await run_in_threadpool(lengkapi_dari_lacak, settings, nomor, step_id, catatan)
    except GagalOperasi as exc:
        raise keamanan.Ditolak(409, f"Jawaban belum tercatat: {exc}",
                               alasan="lengkapi_ditolak") from None
    with db.session_scope(settings.store_url) as session:
        ticket = _tiket(request, session, token)
        return halaman(request, "lacak.html", {**_konteks(settings, ticket), "token": token,
                                               "pesan": PESAN_DILENGKAPI})
