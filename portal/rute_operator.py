"""The operators' list of open tickets: ``/operator`` (signed-in staff only).

Every open ticket with its agency, request type, current step, assignee, due time (WIB),
share of the mutu baku used and late flag: ``klien.operasi.tiket_terbuka``, the figures of
``lpa status`` and the SLA watch. Filters are GET parameters of a plain form (agency, type,
step, late only). Each row links to the ticket's timeline for staff
(``/operator/tiket/<nomor>``, no requester's token needed) and to its run in Prefect's UI.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.pesan import format_waktu_wib
from domain.sop import LANGKAH, JenisLayanan
from portal import sesi
from portal.rute_keputusan import audit_penolakan
from portal.templating import halaman
from settings import Settings
from store import db, repo
from store.models import Ticket

router = APIRouter()

PILIHAN_JENIS = [(j.value, j.label) for j in JenisLayanan]
PILIHAN_LANGKAH = [(kode, f"{sop.nomor}. {sop.aktivitas}") for kode, sop in LANGKAH.items()]


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _tolak_tamu(request: Request) -> Response:
    """Nobody signed in: to the sign-in page (audited)."""
    audit_penolakan(_settings(request), request, "operator_perlu_masuk", request.url.path)
    return RedirectResponse("/masuk", status_code=303)


def _saring(request: Request) -> dict[str, Any]:
    q = request.query_params
    jenis = q.get("jenis") or ""
    langkah = q.get("langkah") or ""
    return {
        "instansi": (q.get("instansi") or "").strip()[:200],
        "jenis": jenis if jenis in dict(PILIHAN_JENIS) else "",
        "langkah": langkah if langkah in LANGKAH else "",
        "terlambat": q.get("terlambat") in ("1", "on", "ya"),
    }


def baris_operator(settings: Settings, saring: dict[str, Any]) -> list[dict[str, Any]]:
    from klien import operasi
    from klien.lingkungan import url_ui_run

    daftar = operasi.tiket_terbuka(settings, instansi=saring["instansi"] or None,
                                   jenis=saring["jenis"] or None,
                                   hanya_terlambat=saring["terlambat"])
    hasil = []
    for t in daftar:
        if saring["langkah"] and t.langkah != saring["langkah"]:
            continue
        sop = LANGKAH.get(t.langkah) if t.langkah else None
        hasil.append({
            "tiket": t.tiket, "aplikasi": t.aplikasi, "instansi": t.instansi,
            "jenis": JenisLayanan(t.jenis).label if t.jenis in JenisLayanan._value2member_map_
            else t.jenis,
            "langkah": f"{sop.nomor}. {sop.aktivitas}" if sop else "-",
            "kode_langkah": t.langkah or "",
            "petugas": t.nama or t.pelaksana or "-", "nip": t.nip,
            "jatuh_tempo": format_waktu_wib(t.jatuh_tempo) if t.jatuh_tempo else
            "jam layanan berhenti",
            "persen": None if t.persen_terpakai is None else round(t.persen_terpakai),
            "terlambat": t.terlambat, "url_run": url_ui_run(t.flow_run_id),
        })
    return hasil


@router.get("/operator", response_class=HTMLResponse, include_in_schema=False)
def operator(request: Request) -> Response:
    if sesi.pengguna_saat_ini(request) is None:
        return _tolak_tamu(request)
    saring = _saring(request)
    baris = baris_operator(_settings(request), saring)
    return halaman(request, "operator.html", {
        "baris": baris, "saring": saring, "pilihan_jenis": PILIHAN_JENIS,
        "pilihan_langkah": PILIHAN_LANGKAH, "jumlah_terlambat": sum(b["terlambat"]
                                                                  for b in baris)})


@router.get("/operator/tiket/{nomor}", response_class=HTMLResponse, include_in_schema=False)
def operator_tiket(request: Request, nomor: str) -> Response:
    """The ticket's tracking page (portal/rute_lacak.py, ``lacak.html``) for staff: the
    same timeline, attachments and reports, without the requester's token or their form."""
    if sesi.pengguna_saat_ini(request) is None:
        return _tolak_tamu(request)
    from portal import rute_lacak

    settings = _settings(request)
    with db.session_scope(settings.store_url) as session:
        ticket = _tiket(session, nomor)
        konteks = rute_lacak._konteks(settings, ticket)
        return halaman(request, "lacak.html", {**konteks, "token": None, "untuk_staf": True,
                                               "dasar_url": f"/operator/tiket/{nomor}"})


def _tiket(session: Any, nomor: str) -> Ticket:
    ticket = repo.find_ticket(session, nomor)
    if ticket is None:
        raise HTTPException(404)
    return ticket


@router.get("/operator/tiket/{nomor}/lampiran/{lampiran_id}", include_in_schema=False)
def operator_lampiran(request: Request, nomor: str, lampiran_id: int) -> Response:
    if sesi.pengguna_saat_ini(request) is None:
        return _tolak_tamu(request)
    from portal.rute_keputusan import unduh_lampiran_tiket

    settings = _settings(request)
    with db.session_scope(settings.store_url) as session:
        ticket_id = _tiket(session, nomor).id
    return unduh_lampiran_tiket(settings, ticket_id, lampiran_id)


@router.get("/operator/tiket/{nomor}/laporan/{nama}", include_in_schema=False)
def operator_laporan(request: Request, nomor: str, nama: str) -> Response:
    if sesi.pengguna_saat_ini(request) is None:
        return _tolak_tamu(request)
    from portal import lampiran, rute_lacak

    settings = _settings(request)
    with db.session_scope(settings.store_url) as session:
        selesai = _tiket(session, nomor).agenda_entry is not None
    berkas = {p.name: p for p in rute_lacak._laporan(settings, nomor)} if selesai else {}
    if nama not in berkas:
        raise HTTPException(404)
    mime = lampiran.PDF if nama.endswith(".pdf") else "text/html"
    return lampiran.unduhan(berkas[nama], nama, mime)
