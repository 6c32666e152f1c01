"""The JSON API for other systems (``/api/v1``): an agency's portal or a chat bot submits the
official forms and reads the status of its tickets with the agency's API token.

``POST /api/v1/permohonan/{jenis}`` with the form as JSON and an ``Idempotency-Key`` header:
201 with the ticket number and the private tracking link; the same key with the same form
again: 200 with the same ticket (and a fresh tracking link); the same key with another form:
409; an invalid form: 422 ``{"errors": [{"field", "message"}]}`` with the messages of
``lpa validate``, and no ticket, no flow run. The key is scoped to the token's agency.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from domain.errors import validasi
from domain.forms import JenisPermohonan, sidik_formulir
from portal import keamanan
from portal.rute_permohonan import ajukan, tautan_lacak
from portal.templating import halaman
from settings import Settings
from store import db, kueri, repo
from store import portal_pemohon as pp

log = logging.getLogger("lpa.portal")
router = APIRouter(tags=["API v1"])
_bearer = HTTPBearer(auto_error=False, description="Token API instansi dari `lpa token buat`.")


class TiketDibuat(BaseModel):
    nomor_tiket: str = Field(description="Nomor tiket, mis. LPA-2026-000123.",
                             examples=["LPA-2026-000123"])
    tautan_status: str = Field(
        description="Tautan pelacakan pribadi tiket di portal (rahasia: teruskan hanya "
                    "kepada pemohon).")


class GalatIsian(BaseModel):
    field: str = Field(description="Jalur isian bertitik, mis. `pemohon.nip`.")
    message: str = Field(description="Pesan kesalahan dalam Bahasa Indonesia.")


class DaftarGalat(BaseModel):
    errors: list[GalatIsian]


class Pesan(BaseModel):
    detail: str = Field(description="Penjelasan dalam Bahasa Indonesia.")


class LangkahTiket(BaseModel):
    no: int = Field(description="Nomor langkah SOP (1–7).")
    kode: str = Field(description="Kode langkah, mis. `disposisi_kadis`.")
    pelaksana: str = Field(description="Peran pelaksana langkah.")
    mulai: str | None = Field(description="Waktu mulai (ISO 8601, UTC).")
    jatuh_tempo: str | None = Field(description="Batas waktu menurut mutu baku (ISO 8601).")
    selesai: str | None = Field(description="Waktu selesai (ISO 8601), kosong bila berjalan.")
    keputusan: str | None = Field(description="Keputusan pejabat, bila ada.")
    terlambat: bool = Field(description="Melewati mutu baku.")


class StatusTiket(BaseModel):
    tiket: str = Field(description="Nomor tiket.")
    jenis: str = Field(description="Jenis permohonan.")
    aplikasi: str = Field(description="Nama aplikasi.")
    status: str = Field(description="Status tiket.")
    hasil: str | None = Field(description="Hasil layanan setelah diarsipkan.")
    uraian_hasil: str = Field(description="Kedudukan tiket dalam satu kalimat.")
    nomor_agenda: str | None = Field(description="Nomor buku agenda setelah diarsipkan.")
    langkah: list[LangkahTiket]


_POLA_KUNCI = r"^[A-Za-z0-9._:\-]{1,100}$"


def galat_permintaan(exc: RequestValidationError) -> list[dict[str, Any]]:
    """FastAPI's own validation errors (body, path, header) as ``{"field", "message"}``
    pairs in Bahasa Indonesia."""
    from domain.errors import pesan_aturan

    hasil = []
    for e in exc.errors():
        lokasi = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "path",
                                                                         "header", "query"))
        pesan = pesan_aturan(e.get("type", ""), e.get("ctx")) or "tidak sah"
        if e.get("type") == "json_invalid":
            pesan = "badan permintaan bukan JSON yang sah"
        elif e.get("type") == "dict_type":
            pesan = "badan permintaan harus berupa objek JSON (formulir)"
        if not lokasi:
            lokasi = "formulir" if tuple(e.get("loc", ())) == ("body",) else "permintaan"
        hasil.append({"field": lokasi, "message": f"{lokasi}: {pesan}"})
    return hasil


def token_api(request: Request,
              kredensial: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
              ) -> pp.TokenApi:
    """The caller's live API token, or 401 (audited)."""
    settings: Settings = request.app.state.settings
    raw = kredensial.credentials if kredensial else ""
    with db.session_scope(settings.store_url) as session:
        token = pp.cari_token_api(session, raw, datetime.now(UTC))
        if token is not None:
            session.expunge(token)
            return token
    raise keamanan.Ditolak(
        401, "Token API tidak ada, tidak dikenal atau sudah dicabut. Kirim header "
             "Authorization: Bearer <token> dengan token dari operator (lpa token buat).",
        alasan="token_api_tidak_sah" if raw else "token_api_tidak_ada",
        header={"WWW-Authenticate": "Bearer"})


def kunci_api(instansi: str, kunci: str) -> str:
    """The submission's idempotency key: the caller's key within its agency."""
    return "api-" + hashlib.sha256(f"{instansi}\n{kunci}".encode()).hexdigest()[:40]


@router.post(
    "/api/v1/permohonan/{jenis}", status_code=201, response_model=TiketDibuat,
    summary="Ajukan permohonan layanan",
    description="Mengajukan satu formulir resmi (JSON, isian sama dengan formulir portal dan "
                "`lpa validate`). Header `Idempotency-Key` wajib: kunci yang sama dengan "
                "formulir yang sama mengembalikan tiket yang sama (200); kunci yang sama "
                "dengan formulir lain ditolak (409). Formulir tidak sah dijawab 422 dengan "
                "pesan per isian, tanpa tiket.",
    responses={200: {"model": TiketDibuat, "description": "Tiket yang sudah dibuka dengan "
                                                           "kunci ini."},
               401: {"model": Pesan, "description": "Token API tidak sah."},
               409: {"model": Pesan, "description": "Kunci dipakai untuk formulir lain."},
               422: {"model": DaftarGalat, "description": "Formulir tidak sah."},
               429: {"model": Pesan, "description": "Terlalu banyak permintaan."}},
)
async def ajukan_permohonan(
    request: Request,
    jenis: JenisPermohonan,
    formulir: Annotated[dict[str, Any], Body(description="Isi formulir sebagai objek JSON.")],
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", pattern=_POLA_KUNCI,
                                           description="Kunci unik permohonan dari "
                                                       "pemanggil.")],
    token: Annotated[pp.TokenApi, Depends(token_api)],
) -> JSONResponse:
    keamanan.batasi(request, "kirim")
    settings: Settings = request.app.state.settings
    form, galat = validasi(jenis, formulir)
    if form is None:
        keamanan.audit_penolakan(request, "formulir_tidak_sah", jenis=jenis,
                                 instansi=token.instansi,
                                 isian=sorted({g["field"] for g in galat}))
        return JSONResponse({"errors": galat}, 422)
    kunci = kunci_api(token.instansi, idempotency_key)
    with db.session_scope(settings.store_url) as session:
        ada = kueri.ticket_by_key(session, kunci)
        if ada is not None and sidik_formulir(ada.form) != sidik_formulir(
                form.model_dump(mode="json")):
            raise _bentrok(ada.number)
        sudah = ada is not None
    from klien.operasi import GagalOperasi, KunciBentrok

    try:
        nomor, raw, sesudahnya = await run_in_threadpool(
            ajukan, settings, jenis, formulir, kunci, "api", token.id, token.instansi)
    except KunciBentrok:
        raise _bentrok(None) from None
    except GagalOperasi as exc:
        log.warning("API submission not opened: %s", exc)
        return JSONResponse({"detail": "Permohonan belum dapat diproses; kirim lagi dengan "
                                       "kunci yang sama beberapa saat lagi."}, 503)
    return JSONResponse({"nomor_tiket": nomor, "tautan_status": tautan_lacak(settings, raw)},
                        200 if sudah else 201,
                        background=BackgroundTask(sesudahnya))  # the run, after the answer


def _bentrok(nomor: str | None) -> keamanan.Ditolak:
    return keamanan.Ditolak(
        409, "Idempotency-Key ini sudah dipakai untuk formulir lain"
             + (f" (tiket {nomor})" if nomor else "") + "; formulir ini TIDAK diajukan.",
        alasan="kunci_idempoten_bentrok")


@router.get(
    "/api/v1/tiket/{nomor}", response_model=StatusTiket, summary="Status tiket",
    description="Status satu tiket yang diajukan dengan token instansi yang sama: langkah "
                "SOP, waktu mulai, jatuh tempo dan selesai, keterlambatan, hasil.",
    responses={401: {"model": Pesan}, 404: {"model": Pesan,
                                            "description": "Tiket tidak ada bagi instansi "
                                                           "ini."}},
)
def status_tiket(request: Request, nomor: str,
                 token: Annotated[pp.TokenApi, Depends(token_api)]) -> dict[str, Any]:
    from klien.operasi import status

    settings: Settings = request.app.state.settings
    with db.session_scope(settings.store_url) as session:
        ticket = repo.find_ticket(session, nomor.strip().upper())
        boleh = ticket is not None and pp.terlihat_oleh_instansi(session, ticket.id,
                                                                 token.instansi)
        nomor = ticket.number if ticket else nomor
    if not boleh:
        raise keamanan.Ditolak(404, f"Tiket {nomor} tidak ditemukan bagi instansi ini.",
                               alasan="tiket_api_bukan_milik")
    data = status(settings, nomor)
    data["langkah"] = [{k: s[k] for k in LangkahTiket.model_fields} for s in data["langkah"]]
    return data


@router.get("/api/docs", include_in_schema=False, response_class=HTMLResponse)
def dokumentasi(request: Request) -> HTMLResponse:
    """The API's description as a plain page (Swagger UI would need inline script and a CDN,
    both refused by our CSP); the machine-readable one is ``/api/openapi.json``."""
    skema = request.app.openapi()
    operasi = [(path, metode.upper(), isi) for path, per_metode in skema["paths"].items()
               for metode, isi in per_metode.items()]
    return halaman(request, "api_docs.html", {"skema": skema, "operasi": operasi})
