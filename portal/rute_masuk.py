"""Staff sign-in without a password, sign-out, and ``/saya`` (the steps waiting for me).

``/masuk``: a NIP or roster address → a one-time sign-in link mailed to the roster address.
The answer is the same whether or not the person exists, and requests are rate limited per
client address and per name asked for. ``/masuk/<token>`` shows a button (a mail scanner
that follows links uses up nothing); pressing it uses the link and starts a session
(portal/sesi.py). ``/keluar`` (POST with CSRF) ends it. ``/saya`` lists every step waiting
for the signed-in official (as Plt./Plh. too: whoever the roster names now), each opening
the same decision page as a mailed link (``/saya/langkah/<id>``), deciding without a code.
"""

from __future__ import annotations

import typing
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from limits import parse as parse_batas
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool

from domain.identitas import Email
from domain.pesan import format_waktu_wib, pesan_tautan_masuk
from domain.sop import Peran
from portal import keamanan, sesi
from portal.rute_keputusan import (
    Sasaran,
    audit_penolakan,
    putuskan,
    tampilkan,
    unduh_lampiran,
)
from portal.templating import halaman
from settings import Settings
from store import db, portal_pejabat, repo
from store.models import StepRecord

router = APIRouter()

LANGKAH_PEJABAT = frozenset({"disposisi_kadis", "disposisi_kabid", "perintah_prakom",
                             "rekomendasi", "hosting_integrasi"})
"""The steps an official of the roster decides (tasks/keputusan.LANGKAH_PEJABAT)."""
PESAN_TERKIRIM = ("Bila NIP atau alamat surel tersebut terdaftar sebagai pegawai layanan, "
                  "tautan masuk telah dikirim ke alamat surel yang tercatat. Periksa kotak "
                  "masuk Anda; tautan berlaku {menit} menit dan hanya sekali pakai.")
_PERAN_DARI_LABEL = {p.label: p for p in Peran}
MAKS_NIP_ATAU_SUREL = next(m.max_length for m in typing.get_args(Email)[1:]
                           if getattr(m, "max_length", None))
"""The longest ``nip_atau_surel``: the longest address the forms take (domain.identitas.Email,
320); an 18-digit NIP, spaced, is far shorter. On the page (maxlength) and on the server."""


def _pembatas_sasaran(request: Request) -> MovingWindowRateLimiter:
    """Sign-in requests per name asked for (beside the per-address limit of keamanan); one
    per application, in its process's memory."""
    pembatas = getattr(request.app.state, "pembatas_masuk", None)
    if pembatas is None:
        pembatas = request.app.state.pembatas_masuk = MovingWindowRateLimiter(MemoryStorage())
    return pembatas


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _sekarang() -> datetime:
    return datetime.now(UTC)


@router.get("/masuk", response_class=HTMLResponse, include_in_schema=False)
def formulir_masuk(request: Request) -> HTMLResponse:
    return halaman(request, "masuk_formulir.html", {"galat": {}, "isian": {},
                                                     "maks": MAKS_NIP_ATAU_SUREL})


def _kirim_tautan(settings: Settings, request: Request, nip_atau_surel: str) -> None:
    """Mail a sign-in link if the roster knows the person; audit the request either way."""
    pejabat = sesi.cari_staf(settings, nip_atau_surel)
    with db.session_scope(settings.store_url) as session:
        raw = portal_pejabat.buat_tautan_masuk(
            session, pejabat.nip, timedelta(minutes=settings.portal_tautan_masuk_menit),
            _sekarang()) if pejabat else None
        repo.audit(session, "tautan_masuk_diminta",
                   actor=f"portal:{keamanan.alamat_klien(request)}",
                   nip=pejabat.nip if pejabat else None, dikenal=pejabat is not None)
    if pejabat is None or raw is None:
        return
    from klien import operasi

    tautan = f"{settings.portal_url.rstrip('/')}/masuk/{raw}"
    subjek, isi = pesan_tautan_masuk(nama=pejabat.nama, sebutan=pejabat.sebutan, tautan=tautan,
                                     berlaku_menit=int(settings.portal_tautan_masuk_menit))
    try:
        operasi.kirim_surel(settings, (pejabat.email,), subjek, isi, "tautan_masuk")
    except Exception as exc:  # noqa: BLE001 - the same answer; the operator sees the audit
        with db.session_scope(settings.store_url) as session:
            repo.audit(session, "notifikasi_gagal", jenis="tautan_masuk", kepada=pejabat.nip,
                       galat=(str(exc) or type(exc).__name__)[:300])


@router.post("/masuk", response_class=HTMLResponse, include_in_schema=False)
async def minta_tautan(request: Request) -> HTMLResponse:
    await keamanan.periksa_csrf(request)
    settings = _settings(request)
    keamanan.batasi(request, "masuk", settings.portal_batas_masuk)
    form = await request.form()
    isian = str(form.get("nip_atau_surel") or "").strip()
    if not isian or len(isian) > MAKS_NIP_ATAU_SUREL:
        kosong = not isian
        audit_penolakan(settings, request,
                        "masuk_tanpa_isian" if kosong else "masuk_terlalu_panjang", "/masuk")
        pesan = "Isi NIP (18 angka) atau alamat surel dinas Anda." if kosong else \
            ("NIP atau alamat surel (nip_atau_surel): terlalu panjang; maksimal "
             f"{MAKS_NIP_ATAU_SUREL} karakter")
        return halaman(request, "masuk_formulir.html",
                       {"galat": {"nip_atau_surel": pesan}, "isian": {},
                        "maks": MAKS_NIP_ATAU_SUREL}, 422)
    item = parse_batas(settings.portal_batas_masuk)
    if not _pembatas_sasaran(request).hit(item, "masuk-sasaran", "".join(isian.lower().split())):
        raise keamanan.Ditolak(429, "Terlalu banyak permintaan tautan masuk untuk nama ini. "
                                    "Coba lagi nanti.", alasan="batas_masuk_sasaran",
                               header={"Retry-After": "900"})
    await run_in_threadpool(_kirim_tautan, settings, request, isian)
    return halaman(request, "masuk_terkirim.html", {
        "pesan": PESAN_TERKIRIM.format(menit=int(settings.portal_tautan_masuk_menit))})


@router.get("/masuk/{token}", response_class=HTMLResponse, include_in_schema=False)
def konfirmasi_masuk(request: Request, token: str) -> HTMLResponse:
    request.state.jalur_audit = "/masuk/…"
    return halaman(request, "masuk_konfirmasi.html", {"aksi": f"/masuk/{token}"})


_PESAN_MASUK_GAGAL = {
    "tidak_dikenal": "Tautan masuk ini tidak dikenal. Periksa bahwa alamatnya tersalin utuh "
                     "dari surel, atau minta tautan baru.",
    "sudah_dipakai": "Tautan masuk ini sudah dipakai; setiap tautan hanya berlaku sekali. "
                     "Minta tautan baru.",
    "kedaluwarsa": "Masa berlaku tautan masuk ini sudah habis. Minta tautan baru.",
    "bukan_staf": "NIP ini tidak lagi tercatat aktif dalam roster; hubungi operator layanan.",
}


def _pakai_tautan_masuk(settings: Settings, token: str) -> tuple[str | None, str]:
    with db.session_scope(settings.store_url) as session:
        return portal_pejabat.pakai_tautan_masuk(session, token, _sekarang())


@router.post("/masuk/{token}", include_in_schema=False)
async def masuk(request: Request, token: str) -> Response:
    request.state.jalur_audit = "/masuk/…"
    await keamanan.periksa_csrf(request)
    settings = _settings(request)
    keamanan.batasi(request, "masuk", settings.portal_batas_masuk)
    nip, alasan = await run_in_threadpool(_pakai_tautan_masuk, settings, token)
    staf = sesi.staf(settings, nip, "") if nip else None
    if nip and staf is None:
        alasan = "bukan_staf"
    if staf is None:
        audit_penolakan(settings, request, f"tautan_masuk_{alasan}", "/masuk/…", nip=nip)
        return halaman(request, "masuk_gagal.html", {"pesan": _PESAN_MASUK_GAGAL[alasan]},
                       410 if alasan != "tidak_dikenal" else 404)
    respons = RedirectResponse("/saya", status_code=303)
    await run_in_threadpool(sesi.mulai, settings, respons, staf.nip, staf.nama,
                            sesi.https(settings))
    with db.session_scope(settings.store_url) as session:
        repo.audit(session, "staf_masuk", actor=staf.nip,
                   alamat=keamanan.alamat_klien(request))
    return respons


@router.post("/keluar", include_in_schema=False)
async def keluar(request: Request) -> Response:
    await keamanan.periksa_csrf(request)
    settings = _settings(request)
    respons = RedirectResponse("/masuk?keluar=1", status_code=303)
    nip = await run_in_threadpool(sesi.akhiri, settings, request, respons)
    if nip:
        with db.session_scope(settings.store_url) as session:
            repo.audit(session, "staf_keluar", actor=nip)
    return respons


# --- /saya --------------------------------------------------------------------------------

def _perlu_masuk(request: Request) -> Response:
    audit_penolakan(_settings(request), request, "perlu_masuk", request.url.path)
    return RedirectResponse("/masuk", status_code=303)


def langkah_saya(settings: Settings, staf: sesi.Staf) -> list[dict[str, Any]]:
    """Every step waiting for ``staf``: assigned to them, or theirs now by the roster
    (a Plh./Plt. appointed while it waited)."""
    from klien import operasi

    roster = sesi.roster(settings)
    hasil = []
    for m in operasi.inbox(settings):
        if m.langkah not in LANGKAH_PEJABAT:
            continue
        peran = _PERAN_DARI_LABEL.get(m.peran)
        if roster is not None and peran is not None:
            milik = roster.boleh_memutus(peran, staf.nip, m.tiket, m.nip)
        else:  # roster unreadable: the step's stored assignee decides
            milik = m.nip == staf.nip
        if milik:
            hasil.append({"tiket": m.tiket, "langkah": m.langkah, "no": m.step_no,
                          "peran": m.peran, "petugas": m.nama,
                          "jatuh_tempo": format_waktu_wib(m.jatuh_tempo) if m.jatuh_tempo
                          else None, "terlambat": m.terlambat, "siap": m.kode_terbit,
                          "dialihkan": m.nip != staf.nip, "step_id": m.step_id})
    return hasil


@router.get("/saya", response_class=HTMLResponse, include_in_schema=False)
def saya(request: Request) -> Response:
    staf = sesi.pengguna_saat_ini(request)
    if staf is None:
        return _perlu_masuk(request)
    return halaman(request, "masuk_saya.html",
                   {"daftar": langkah_saya(_settings(request), staf), "staf": staf})


def sasaran_sesi(settings: Settings, staf: sesi.Staf, step_id: int) -> Sasaran | None:
    """The step as ``staf`` may decide it now, else None (finished, not theirs)."""
    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, step_id)
        if step is None or step.code not in LANGKAH_PEJABAT or step.finished_at is not None \
                or step.code_hash is None:
            return None
        nomor, peran, nip = step.ticket.number, Peran(step.actor_role), step.assignee_nip
    roster = sesi.roster(settings)
    boleh = roster.boleh_memutus(peran, staf.nip, nomor, nip) if roster is not None \
        else nip == staf.nip
    return Sasaran(nomor, step_id, staf.nip, "sesi") if boleh else None


def _bukan_milik(request: Request, step_id: int) -> HTMLResponse:
    audit_penolakan(_settings(request), request, "langkah_bukan_milik_staf", request.url.path,
                    step_id=step_id, nip=sesi.pengguna_saat_ini(request).nip)  # type: ignore[union-attr]
    return halaman(request, "pejabat_tautan_mati.html", {
        "pesan": "Langkah ini tidak sedang menunggu keputusan Anda: sudah diputus, belum "
                 "siap diputus, atau dipegang pejabat lain menurut roster.",
        "alasan": "bukan_milik"}, 403)


@router.get("/saya/langkah/{step_id}", response_class=HTMLResponse, include_in_schema=False)
def buka_langkah(request: Request, step_id: int) -> Response:
    staf = sesi.pengguna_saat_ini(request)
    if staf is None:
        return _perlu_masuk(request)
    sasaran = sasaran_sesi(_settings(request), staf, step_id)
    if sasaran is None:
        return _bukan_milik(request, step_id)
    return tampilkan(request, sasaran, f"/saya/langkah/{step_id}")


@router.get("/saya/langkah/{step_id}/lampiran/{lampiran_id}", include_in_schema=False)
def lampiran_langkah(request: Request, step_id: int, lampiran_id: int) -> Response:
    staf = sesi.pengguna_saat_ini(request)
    if staf is None:
        return _perlu_masuk(request)
    if sasaran_sesi(_settings(request), staf, step_id) is None:
        return _bukan_milik(request, step_id)
    return unduh_lampiran(_settings(request), step_id, lampiran_id)


@router.post("/saya/langkah/{step_id}", response_class=HTMLResponse, include_in_schema=False)
async def kirim_langkah(request: Request, step_id: int) -> Response:
    await keamanan.periksa_csrf(request)
    staf = sesi.pengguna_saat_ini(request)
    if staf is None:
        return _perlu_masuk(request)
    settings = _settings(request)
    keamanan.batasi(request, "keputusan", settings.portal_batas_keputusan)
    sasaran = await run_in_threadpool(sasaran_sesi, settings, staf, step_id)
    if sasaran is None:
        return _bukan_milik(request, step_id)
    jalur = f"/saya/langkah/{step_id}"
    return await putuskan(request, sasaran, jalur, jalur)
