"""The operators' list of open tickets: ``/operator`` (signed-in staff only).

Every open ticket with its agency, request type, current step, assignee, due time (WIB),
share of the mutu baku used and late flag: ``klien.operasi.tiket_terbuka``, the figures of
``lpa status`` and the SLA watch. Filters are GET parameters of a plain form (agency, type,
step, late only). Each row links to the ticket's timeline for staff
(``/operator/tiket/<nomor>``, no requester's token needed) and to its run in Prefect's UI.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from domain.pesan import format_waktu_wib
from domain.sop import LANGKAH, JenisLayanan
from portal import sesi
from portal.rute_keputusan import audit_penolakan
from portal.templating import halaman
from settings import Settings

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
    """The ticket's timeline as the requester's tracking page shows it, for staff."""
    if sesi.pengguna_saat_ini(request) is None:
        return _tolak_tamu(request)
    from portal import rute_lacak

    linimasa = getattr(rute_lacak, "halaman_linimasa", None)
    if linimasa is not None:
        return linimasa(request, nomor, untuk_staf=True)
    return _linimasa_sederhana(request, nomor)


def _linimasa_sederhana(request: Request, nomor: str) -> Response:
    """The ticket's steps from ``klien.operasi.status`` (until the tracking page's own
    timeline is there to share)."""
    from datetime import datetime

    from fastapi import HTTPException

    from klien import operasi

    try:
        data = operasi.status(_settings(request), nomor)
    except Exception as exc:  # noqa: BLE001 - unknown number: a plain 404 page
        raise HTTPException(404) from exc

    def wib(teks: str | None) -> str | None:
        return format_waktu_wib(datetime.fromisoformat(teks)) if teks else None

    langkah = [{**s, "aktivitas": LANGKAH[s["kode"]].aktivitas if s["kode"] in LANGKAH
                else s["kode"], "mulai": wib(s["mulai"]), "jatuh_tempo": wib(s["jatuh_tempo"]),
                "selesai": wib(s["selesai"])} for s in data["langkah"]]
    return halaman(request, "operator_tiket.html", {"data": data, "langkah": langkah})
