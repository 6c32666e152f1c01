"""The operators' list of open tickets: ``/operator`` (signed-in staff only).

Every open ticket with its agency, request type, current step, assignee, due time (WIB),
share of the mutu baku used and late flag: ``klien.operasi.tiket_terbuka``, the figures of
``lpa status`` and the SLA watch. Filters are GET parameters of a plain form (agency, type,
step, late only); the list is paged (:data:`PER_HALAMAN` rows, ``?halaman=N``, plain links
that keep the filters), the counts are of the whole filtered list. Each row links to the
ticket's timeline for staff (``/operator/tiket/<nomor>``, no requester's token needed) and
to its run in Prefect's UI.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.pesan import format_waktu_wib
from domain.sop import LANGKAH, JenisLayanan
from portal import sesi
from portal.batas import MAKS_INSTANSI
from portal.rute_keputusan import audit_penolakan
from portal.templating import halaman
from settings import Settings
from store import db, repo
from store.models import Ticket

router = APIRouter()

PILIHAN_JENIS = [(j.value, j.label) for j in JenisLayanan]
PILIHAN_LANGKAH = [(kode, f"{sop.nomor}. {sop.aktivitas}") for kode, sop in LANGKAH.items()]
PER_HALAMAN = 50
"""Rows per page of ``/operator``; ``?halaman=N`` picks the page, the filters kept in the
links."""


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _tolak_tamu(request: Request) -> Response:
    """Nobody signed in: to the sign-in page (audited)."""
    audit_penolakan(_settings(request), request, "operator_perlu_masuk", request.url.path)
    return RedirectResponse("/masuk", status_code=303)


def _saring(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    """(the filters as given, Indonesian errors by field). A filter that breaks its limit
    is not applied; one naming no type or step the portal knows is ignored."""
    q = request.query_params
    jenis = q.get("jenis") or ""
    langkah = q.get("langkah") or ""
    instansi = (q.get("instansi") or "").strip()
    galat = {}
    if len(instansi) > MAKS_INSTANSI:
        galat["instansi"] = (f"Instansi (instansi): terlalu panjang; maksimal {MAKS_INSTANSI} "
                             "karakter")
        instansi = ""
    return {
        "instansi": instansi,
        "jenis": jenis if jenis in dict(PILIHAN_JENIS) else "",
        "langkah": langkah if langkah in LANGKAH else "",
        "terlambat": q.get("terlambat") in ("1", "on", "ya"),
    }, galat


def _nomor_halaman(request: Request) -> int:
    nilai = request.query_params.get("halaman") or ""
    return int(nilai) if nilai.isdigit() and 0 < len(nilai) < 7 and int(nilai) > 0 else 1


def tiket_tersaring(settings: Settings, saring: dict[str, Any], halaman: int = 1) -> Any:
    """Page ``halaman`` of the open tickets passing the filters, soonest due first, with the
    filtered list's counts (``klien.operasi.halaman_tiket_terbuka``: paged in the query)."""
    from klien import operasi

    return operasi.halaman_tiket_terbuka(
        settings, instansi=saring["instansi"] or None, jenis=saring["jenis"] or None,
        langkah=saring["langkah"] or None, hanya_terlambat=saring["terlambat"],
        batas=PER_HALAMAN, mulai=(halaman - 1) * PER_HALAMAN)


def baris_operator(daftar: list[Any]) -> list[dict[str, Any]]:
    """The table's rows of ``daftar`` (one page of it)."""
    from klien.lingkungan import url_ui_run

    hasil = []
    for t in daftar:
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


def _tautan_halaman(saring: dict[str, Any], nomor: int) -> str:
    """``/operator`` with the filters in force and page ``nomor``."""
    q = {k: v for k, v in (("instansi", saring["instansi"]), ("jenis", saring["jenis"]),
                           ("langkah", saring["langkah"])) if v}
    if saring["terlambat"]:
        q["terlambat"] = "1"
    if nomor > 1:
        q["halaman"] = str(nomor)
    return "/operator" + ("?" + urlencode(q) if q else "")


@router.get("/operator", response_class=HTMLResponse, include_in_schema=False)
def operator(request: Request) -> Response:
    if sesi.pengguna_saat_ini(request) is None:
        return _tolak_tamu(request)
    saring, galat = _saring(request)
    if galat:
        audit_penolakan(_settings(request), request, "saringan_operator_tidak_sah",
                        request.url.path, medan=sorted(galat))
    nomor = _nomor_halaman(request)
    hasil = tiket_tersaring(_settings(request), saring, nomor)
    jumlah_halaman = max(1, -(-hasil.jumlah // PER_HALAMAN))
    if nomor > jumlah_halaman:  # past the end (the list shrank): its last page
        nomor = jumlah_halaman
        hasil = tiket_tersaring(_settings(request), saring, nomor)
    awal = (nomor - 1) * PER_HALAMAN
    return halaman(request, "operator.html", {
        "baris": baris_operator(hasil.tiket), "saring": saring,
        "galat": galat, "pilihan_jenis": PILIHAN_JENIS, "pilihan_langkah": PILIHAN_LANGKAH,
        "jumlah": hasil.jumlah, "jumlah_terlambat": hasil.jumlah_terlambat,
        "halaman": {"nomor": nomor, "jumlah": jumlah_halaman, "dari": awal + 1,
                    "sampai": min(awal + PER_HALAMAN, hasil.jumlah),
                    "pertama": _tautan_halaman(saring, 1) if nomor > 1 else None,
                    "sebelum": _tautan_halaman(saring, nomor - 1) if nomor > 1 else None,
                    "sesudah": _tautan_halaman(saring, nomor + 1)
                    if nomor < jumlah_halaman else None,
                    "terakhir": _tautan_halaman(saring, jumlah_halaman)
                    if nomor < jumlah_halaman else None}},
        422 if galat else 200)


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
