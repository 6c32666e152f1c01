"""The officials' decision page: ``/keputusan/<token>`` (a mailed personal link) and
``/saya/langkah/<id>`` (signed in, rute_masuk.py) show the same page and decide the same way.

The page shows the ticket's essentials, the form, the attachments, the decisions so far
with their notes, the due time and, for the recommendation, the SKPL outline check. Three
buttons (setuju, tolak, kembalikan) and a note, required for the last two.

Deciding: the portal, having verified the link (or the session), writes a one-time,
short-lived authorisation for (ticket, step, NIP) in the store and resumes the run with it
in place of the code (``klien.operasi.putuskan_portal``); the run checks it like a code
and audits it as via portal. The answer is the true outcome: "Keputusan diterima" only when
the store shows the step decided, else the precise reason. A link is used up by a decision
that was recorded; one whose attempt was not recorded while its step still waits for the
same official is given back, so the official can try again.

The raw link token is in the URL only: never in the store (its SHA-256 is), the audit trail
(paths are written ``/keputusan/…``), the run input or a log of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from domain.forms import baca_formulir
from domain.pesan import format_waktu_wib
from domain.skpl import periksa_skpl
from domain.sop import JenisLayanan, Peran, langkah
from domain.tautan import PESAN_TAUTAN, TautanMati, catatan_wajib, tautan_mati
from portal import keamanan
from portal.batas import MAKS_CATATAN
from portal.templating import halaman
from settings import Settings
from store import db, portal_pejabat, portal_pemohon, repo
from store.models import StepRecord, Ticket

router = APIRouter()

KEPUTUSAN = ("setuju", "tolak", "kembalikan")
LABEL_KEPUTUSAN = {"setuju": "Setuju", "tolak": "Tolak", "kembalikan": "Kembalikan"}
_HOSTING = {"domain": ("Domain", 253), "hosting": ("Hosting", 500),
            "integrasi": ("Integrasi", 2000)}
"""Step 5b's fields (flows/disposition.CatatanHosting): label and longest value."""


def _sekarang() -> datetime:
    return datetime.now(UTC)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


@dataclass(frozen=True)
class Sasaran:
    """Who decides which step, and through which door."""

    nomor: str
    step_id: int
    nip: str
    via: str
    """``tautan`` or ``sesi``."""
    tautan_id: int | None = None


def audit_penolakan(settings: Settings, request: Request, alasan: str, jalur: str,
                    nomor: str | None = None, **rinci: Any) -> None:
    """A refusal on the staff side, audited without the token (``jalur`` is given masked)."""
    try:
        with db.session_scope(settings.store_url) as session:
            ticket = repo.find_ticket(session, nomor) if nomor else None
            repo.audit(session, "portal_ditolak", ticket=ticket,
                       actor=f"portal:{keamanan.alamat_klien(request)}", alasan=alasan,
                       metode=request.method, jalur=jalur, **rinci)
    except Exception:  # noqa: BLE001 - the person still gets an answer
        keamanan.log.exception("audit of a portal refusal failed")


# --- what the page shows ------------------------------------------------------------------

def _nilai(v: Any) -> str:
    if isinstance(v, set | frozenset):
        return _nilai(sorted(v, key=str))
    if isinstance(v, list | tuple):
        return ", ".join(_nilai(x) for x in v) or "-"
    if isinstance(v, bool):
        return "Ya" if v else "Tidak"
    if v is None or v == "":
        return "-"
    return str(v)


def rincian_formulir(form: BaseModel) -> list[dict[str, Any]]:
    """The ticket's typed form (``domain.forms.baca_formulir``) as rows (label, value, long
    text?), in the model's (the catalog's) order, labels from its fields' titles."""
    baris: list[dict[str, Any]] = []

    def jalan(model: BaseModel, awalan: str) -> None:
        for nama, info in type(model).model_fields.items():
            nilai = getattr(model, nama)
            judul = info.title or nama.replace("_", " ").capitalize()
            if isinstance(nilai, BaseModel):
                jalan(nilai, f"{awalan}{judul} › ")
                continue
            teks = _nilai(nilai)
            baris.append({"medan": nama, "label": awalan + judul, "nilai": teks,
                          "panjang": len(teks) > 200 or "\n" in teks})

    jalan(form, "")
    return baris


def formulir_tiket(ticket: Ticket) -> BaseModel | None:
    """The ticket's form as its model; None (logged) when the stored JSON no longer
    validates: the page then says so instead of failing."""
    try:
        return baca_formulir(ticket.request_type, ticket.form or {})
    except ValidationError:
        keamanan.log.exception("stored form of %s does not validate", ticket.number)
        return None


def _ukuran(n: int) -> str:
    return f"{n / 1024:.0f} kB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _lampiran(session: Any, ticket_id: int) -> list[dict[str, Any]]:
    """The ticket's attachments as the requester's side stored them (store/portal_pemohon)."""
    return [{"id": lamp.id, "label": lamp.jenis.replace("_", " ").capitalize(),
             "nama": lamp.nama_berkas, "ukuran": _ukuran(lamp.ukuran), "sha256": lamp.sha256}
            for lamp in portal_pemohon.lampiran_tiket(session, ticket_id)]


def unduh_lampiran(settings: Settings, step_id: int, lampiran_id: int) -> Response:
    """One attachment of the step's ticket, as a download."""
    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, step_id)
        if step is None:
            raise HTTPException(404)
        ticket_id = step.ticket_id
    return unduh_lampiran_tiket(settings, ticket_id, lampiran_id)


def unduh_lampiran_tiket(settings: Settings, ticket_id: int, lampiran_id: int) -> Response:
    """One attachment of a ticket, as a download (portal/lampiran.unduhan)."""
    from portal import lampiran

    with db.session_scope(settings.store_url) as session:
        lamp = session.get(portal_pemohon.Lampiran, lampiran_id)
        if lamp is None or lamp.ticket_id != ticket_id:
            raise HTTPException(404)
        path = Path(lamp.path)
        nama, mime = lamp.nama_berkas, lamp.mime
    if not path.is_absolute():
        path = settings.data_dir / path
    if not path.is_file():
        raise HTTPException(404)
    return lampiran.unduhan(path, nama, mime)


def _riwayat(ticket: Ticket) -> list[dict[str, Any]]:
    """The decisions so far (dispositions and returns), with their notes."""
    return [
        {"no": s.step_no, "langkah": langkah(s.code).aktivitas,
         "oleh": s.assignee_name or Peran(s.actor_role).label,
         "peran": Peran(s.actor_role).label, "keputusan": s.decision,
         "catatan": s.note or "", "waktu": format_waktu_wib(s.finished_at)}
        for s in ticket.steps if s.finished_at is not None and s.decision
    ]


def _skpl(form: BaseModel | None) -> dict[str, Any]:
    teks = getattr(form, "dokumen_spesifikasi", None) or ""
    if not teks.strip():
        return {"ada": False}
    hasil = periksa_skpl(teks)
    return {"ada": True, "ringkasan": hasil.ringkasan, "lengkap": hasil.lengkap,
            "bagian": [{"judul": getattr(t.bagian, "judul", str(t.bagian)),
                        "ditemukan": t.ditemukan, "baris": t.baris}
                       for t in hasil.bagian]}


def konteks_langkah(settings: Settings, step_id: int) -> dict[str, Any]:
    """Everything the decision page shows about step ``step_id`` and its ticket."""
    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, step_id)
        assert step is not None
        ticket = step.ticket
        sop = langkah(step.code)
        form = formulir_tiket(ticket)
        return {
            "tiket": {"nomor": ticket.number, "aplikasi": ticket.application_name,
                      "instansi": ticket.agency,
                      "jenis": JenisLayanan(ticket.request_type).label,
                      "diterima": format_waktu_wib(ticket.created_at)},
            "langkah": {"id": step.id, "no": step.step_no, "kode": step.code,
                        "aktivitas": sop.aktivitas, "peran": Peran(step.actor_role).label,
                        "petugas": step.assignee_name, "nip": step.assignee_nip,
                        "mulai": format_waktu_wib(step.started_at),
                        "jatuh_tempo": format_waktu_wib(step.due_at) if step.due_at else None,
                        "terlambat": step.breached or (step.due_at is not None
                                                       and _sekarang() >= step.due_at)},
            "formulir": rincian_formulir(form) if form is not None else None,
            "lampiran": _lampiran(session, ticket.id),
            "riwayat": _riwayat(ticket),
            "skpl": _skpl(form) if step.code == "rekomendasi" else None,
            "hosting": [(k, label, maks) for k, (label, maks) in _HOSTING.items()]
            if step.code == "hosting_integrasi" else [],
            "pilihan": [(k, LABEL_KEPUTUSAN[k]) for k in KEPUTUSAN],
        }


# --- the link -----------------------------------------------------------------------------

def periksa_tautan(settings: Settings, token: str) -> tuple[Sasaran | None, TautanMati | None]:
    """The step a decision link may decide now, or why it is dead."""
    with db.session_scope(settings.store_url) as session:
        tautan = portal_pejabat.cari_tautan_keputusan(session, token)
        if tautan is None:
            return None, TautanMati.TIDAK_DIKENAL
        step = session.get(StepRecord, tautan.step_id)
        assert step is not None
        mati = tautan_mati(dikenal=True, dipakai=tautan.used_at is not None,
                           kedaluwarsa_pada=tautan.expires_at, sekarang=_sekarang(),
                           langkah_selesai=step.finished_at is not None,
                           nip_tautan=tautan.nip, nip_pemegang=step.assignee_nip)
        if mati is not None:
            return None, mati
        return Sasaran(step.ticket.number, step.id, tautan.nip, "tautan", tautan.id), None


def _halaman_mati(request: Request, alasan: TautanMati, jalur: str,
                  nomor: str | None = None) -> HTMLResponse:
    settings = _settings(request)
    audit_penolakan(settings, request, alasan.value, jalur, nomor)
    status = 404 if alasan is TautanMati.TIDAK_DIKENAL else 410
    return halaman(request, "pejabat_tautan_mati.html",
                   {"pesan": PESAN_TAUTAN[alasan], "alasan": alasan.value}, status)


@router.get("/keputusan/{token}", response_class=HTMLResponse, include_in_schema=False)
def buka_tautan(request: Request, token: str) -> HTMLResponse:
    request.state.jalur_audit = "/keputusan/…"
    settings = _settings(request)
    sasaran, mati = periksa_tautan(settings, token)
    if sasaran is None:
        assert mati is not None
        return _halaman_mati(request, mati, "/keputusan/…")
    return tampilkan(request, sasaran, f"/keputusan/{token}")


@router.get("/keputusan/{token}/lampiran/{lampiran_id}", include_in_schema=False)
def lampiran_tautan(request: Request, token: str, lampiran_id: int) -> Response:
    request.state.jalur_audit = "/keputusan/…/lampiran"
    settings = _settings(request)
    sasaran, mati = periksa_tautan(settings, token)
    if sasaran is None:
        assert mati is not None
        return _halaman_mati(request, mati, "/keputusan/…/lampiran")
    return unduh_lampiran(settings, sasaran.step_id, lampiran_id)


@router.post("/keputusan/{token}", response_class=HTMLResponse, include_in_schema=False)
async def kirim_tautan(request: Request, token: str) -> HTMLResponse:
    request.state.jalur_audit = "/keputusan/…"
    await keamanan.periksa_csrf(request)
    settings = _settings(request)
    keamanan.batasi(request, "keputusan", settings.portal_batas_keputusan)
    sasaran, mati = await run_in_threadpool(periksa_tautan, settings, token)
    if sasaran is None:
        assert mati is not None
        return _halaman_mati(request, mati, "/keputusan/…")
    return await putuskan(request, sasaran, f"/keputusan/{token}", "/keputusan/…")


# --- shared by the link and the signed-in door ---------------------------------------------

def tampilkan(request: Request, sasaran: Sasaran, aksi: str,
              galat: dict[str, str] | None = None, isian: dict[str, str] | None = None,
              status: int = 200) -> HTMLResponse:
    """The decision page for ``sasaran``, posting to ``aksi``."""
    konteks = konteks_langkah(_settings(request), sasaran.step_id)
    konteks.update({"aksi": aksi, "galat": galat or {}, "isian": isian or {},
                    "jumlah_galat": len(galat or {}), "via": sasaran.via})
    return halaman(request, "pejabat_keputusan.html", konteks, status)


def _masukan(form: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(the fields as typed, Indonesian errors by field)."""
    isian = {"keputusan": str(form.get("keputusan") or ""),
             "catatan": str(form.get("catatan") or "")}
    galat: dict[str, str] = {}
    for k, (label, maks) in _HOSTING.items():
        isian[k] = str(form.get(k) or "").strip()
        if len(isian[k]) > maks:
            galat[k] = f"{label} ({k}): terlalu panjang; maksimal {maks} karakter"
    if isian["keputusan"] not in KEPUTUSAN:
        galat["keputusan"] = "Pilih salah satu keputusan: Setuju, Tolak atau Kembalikan."
    elif pesan := catatan_wajib(isian["keputusan"], isian["catatan"]):
        galat["catatan"] = pesan
    if len(isian["catatan"]) > MAKS_CATATAN:
        galat["catatan"] = (f"Instruksi / catatan (catatan): terlalu panjang; maksimal "
                            f"{MAKS_CATATAN} karakter")
    return isian, galat


def _tercatat(settings: Settings, step_id: int) -> dict[str, Any] | None:
    """The step's recorded decision, read back from the store (None: not decided)."""
    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, step_id)
        if step is None or step.finished_at is None:
            return None
        return {"keputusan": step.decision, "catatan": step.note or "",
                "waktu": format_waktu_wib(step.finished_at), "oleh": step.assignee_name,
                "nip": step.assignee_nip}


def _pakai_tautan(settings: Settings, tautan_id: int) -> bool:
    with db.session_scope(settings.store_url) as session:
        return portal_pejabat.pakai_tautan_keputusan(session, tautan_id, _sekarang())


def _lepas_tautan_bila_menunggu(settings: Settings, sasaran: Sasaran) -> None:
    """Give the link back when its step still waits for the same official."""
    if sasaran.tautan_id is None:
        return
    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, sasaran.step_id)
        if step is not None and step.finished_at is None and step.assignee_nip == sasaran.nip:
            portal_pejabat.lepas_tautan_keputusan(session, sasaran.tautan_id)


async def putuskan(request: Request, sasaran: Sasaran, aksi: str,
                   jalur_audit: str) -> HTMLResponse:
    """Check the form, decide through klien.operasi, answer with the true outcome."""
    from klien import operasi

    settings = _settings(request)
    form = await request.form()
    isian, galat = _masukan(form)
    if galat:
        audit_penolakan(settings, request, "formulir_keputusan_tidak_sah", jalur_audit,
                        sasaran.nomor, medan=sorted(galat), step_id=sasaran.step_id)
        return tampilkan(request, sasaran, aksi, galat, isian, 422)
    if sasaran.tautan_id is not None and \
            not await run_in_threadpool(_pakai_tautan, settings, sasaran.tautan_id):
        return _halaman_mati(request, TautanMati.SUDAH_DIPAKAI, jalur_audit, sasaran.nomor)
    tambahan = {k: isian[k] for k in _HOSTING if isian[k]}
    alasan = None
    try:
        await run_in_threadpool(operasi.putuskan_portal, settings, sasaran.nomor,
                                sasaran.step_id, sasaran.nip, sasaran.via,
                                isian["keputusan"], isian["catatan"].strip(), tambahan)
    except operasi.GagalOperasi as exc:
        alasan = str(exc)
    except Exception as exc:  # noqa: BLE001 - Prefect or the store unreachable: say so
        keamanan.catat_galat(settings, exc, request)
        alasan = ("Layanan keputusan sedang tidak dapat dihubungi; keputusan belum terkirim. "
                  "Coba lagi beberapa saat lagi.")
    tercatat = await run_in_threadpool(_tercatat, settings, sasaran.step_id)
    diterima = alasan is None and tercatat is not None
    if not diterima:
        await run_in_threadpool(_lepas_tautan_bila_menunggu, settings, sasaran)
        audit_penolakan(settings, request, "keputusan_tidak_tercatat", jalur_audit,
                        sasaran.nomor, step_id=sasaran.step_id, via=sasaran.via,
                        sebab=(alasan or "langkah belum tercatat selesai")[:500])
    konteks = await run_in_threadpool(konteks_langkah, settings, sasaran.step_id)
    konteks.update({"diterima": diterima, "alasan": alasan, "tercatat": tercatat,
                    "dikirim": LABEL_KEPUTUSAN.get(isian["keputusan"]), "via": sasaran.via})
    return halaman(request, "pejabat_hasil.html", konteks, 200 if diterima else 409)
