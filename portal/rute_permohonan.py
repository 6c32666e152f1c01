"""The requesters' pages: the landing page, the three forms, the answer with the ticket.

A form page carries a form token (``token_formulir``) besides the CSRF token; the token
becomes the idempotency key of the submission (``portal-`` + a hash of it), so pressing the
button twice, or sending the corrected form again, opens one ticket.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from domain.errors import GalatValidasi, validasi
from domain.forms import baca_formulir
from domain.sop import SOP, JenisLayanan
from portal import formulir, keamanan, lampiran
from portal.templating import halaman
from settings import Settings
from store import db, repo
from store import portal_pemohon as pp

if TYPE_CHECKING:
    from klien.operasi import Pembukaan

log = logging.getLogger("lpa.portal")
router = APIRouter(include_in_schema=False)

FIELD_TOKEN = "token_formulir"
_POLA_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def beranda(request: Request) -> HTMLResponse:
    return halaman(request, "beranda.html", {"jenis": list(JenisLayanan), "sop": SOP})


def _jenis(jenis: str) -> JenisLayanan:
    try:
        return JenisLayanan(jenis)
    except ValueError:
        from starlette.exceptions import HTTPException

        raise HTTPException(404) from None


def _halaman_formulir(request: Request, jenis: JenisLayanan, token: str,
                      nilai: dict[str, Any], galat: dict[str, list[str]],
                      berkas: dict[str, str], status_code: int = 200) -> HTMLResponse:
    bentuk = formulir.formulir(jenis.value)
    jumlah = len(galat)
    return halaman(request, "formulir.html", {
        "jenis": jenis, "bentuk": bentuk, "nilai": nilai, "galat": galat, "jumlah_galat": jumlah,
        "token_formulir": token, "berkas": berkas,
        "lampiran": [(k, lampiran.JENIS_LAMPIRAN[k])
                     for k in lampiran.LAMPIRAN_PER_JENIS[jenis.value]],
        "maks_mb": request.app.state.settings.unggah_maks_mb,
    }, status_code)


@router.api_route("/permohonan/{jenis}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def halaman_permohonan(request: Request, jenis: str) -> HTMLResponse:
    return _halaman_formulir(request, _jenis(jenis), secrets.token_urlsafe(24), {}, {}, {})


def kunci_formulir(token: str) -> str:
    """The idempotency key of a portal submission (the raw form token stays in the page)."""
    return "portal-" + hashlib.sha256(token.encode()).hexdigest()[:40]


@router.post("/permohonan/{jenis}", response_class=HTMLResponse)
async def kirim_permohonan(request: Request, jenis: str) -> HTMLResponse:
    layanan = _jenis(jenis)
    _ukuran_wajar(request, layanan.value)
    await keamanan.periksa_csrf(request)
    keamanan.batasi(request, "kirim")
    settings: Settings = request.app.state.settings
    kiriman = await request.form()
    token = kiriman.get(FIELD_TOKEN)
    if not isinstance(token, str) or not _POLA_TOKEN.match(token):
        raise keamanan.Ditolak(400, "Formulir ini tidak lengkap (token formulir tidak ada). "
                                    "Muat ulang halaman formulir, lalu kirim kembali.",
                               alasan="token_formulir_tidak_sah")
    kunci = kunci_formulir(token)
    bentuk = formulir.formulir(layanan.value)
    data = formulir.baca(bentuk, kiriman)
    galat_berkas, berkas = await run_in_threadpool(_terima_lampiran, settings, layanan.value,
                                                   kunci, kiriman)
    if layanan is JenisLayanan.UJI_KELAYAKAN:
        dok = data.setdefault("dokumentasi", {})
        for jenis_berkas, isian in lampiran.DOKUMENTASI.items():
            if jenis_berkas in berkas:
                dok[isian] = True
    form, galat = validasi(layanan.value, data)
    if form is None or galat_berkas:
        semua: list[GalatValidasi] = [*galat, *galat_berkas]
        per_isian = formulir.galat_per_isian(bentuk, galat)
        for g in galat_berkas:
            per_isian.setdefault(g["field"], []).append(g["message"])
        keamanan.audit_penolakan(request, "formulir_tidak_sah", jenis=layanan.value,
                                 isian=sorted({g["field"] for g in semua}))
        return _halaman_formulir(request, layanan, token, formulir.nilai_ketikan(bentuk, kiriman),
                                 per_isian, berkas, 422)
    from klien.operasi import GagalOperasi, KunciBentrok

    try:
        nomor, tautan, sesudahnya = await run_in_threadpool(
            ajukan, settings, layanan.value, data, kunci, "portal")
    except KunciBentrok:
        raise keamanan.Ditolak(
            409, "Formulir ini sudah diajukan sebelumnya dengan isi yang berbeda, dan tidak "
                 "diajukan lagi. Untuk permohonan baru, buka formulir baru dari beranda.",
            alasan="kunci_formulir_bentrok") from None
    except GagalOperasi as exc:
        log.warning("portal submission not opened: %s", exc)
        return halaman(request, "galat.html", {
            "judul": "Permohonan belum dapat diproses",
            "pesan": "Permohonan Anda belum tercatat karena layanan sedang tidak dapat "
                     "memprosesnya. Tekan tombol kirim sekali lagi beberapa saat lagi: "
                     "permohonan yang sama tidak akan tercatat dua kali."}, 503)
    respons = halaman(request, "diterima.html", {
        "nomor": nomor, "tautan": tautan_lacak(settings, tautan), "layanan": layanan,
        "aplikasi": data.get("nama_aplikasi")})
    respons.background = BackgroundTask(sesudahnya)  # the run and the mail, after the answer
    return respons


_RUANG_ISIAN = 2_000_000
"""Bytes a form's text fields may take besides its attachments (the longest text field is
200,000 characters)."""


def _ukuran_wajar(request: Request, jenis: str) -> None:
    """Refuse (413) a body larger than the form's attachments and text can be, before it is
    read; the attachments' own limit is checked one by one afterwards."""
    settings: Settings = request.app.state.settings
    batas = _RUANG_ISIAN + len(lampiran.LAMPIRAN_PER_JENIS[jenis]) * int(
        settings.unggah_maks_mb * 1_000_000)
    try:
        panjang = int(request.headers.get("content-length") or 0)
    except ValueError:
        panjang = 0
    if panjang > batas:
        raise keamanan.Ditolak(
            413, "Kiriman terlalu besar. Setiap lampiran paling besar "
                 + f"{settings.unggah_maks_mb:g}".replace(".", ",") + " MB.",
            alasan="kiriman_terlalu_besar")


def tautan_lacak(settings: Settings, raw: str) -> str:
    return settings.portal_url.rstrip("/") + "/lacak/" + raw


def _terima_lampiran(settings: Settings, jenis: str, kunci: str,
                     kiriman: Any) -> tuple[list[GalatValidasi], dict[str, str]]:
    """Check and store the attachments sent; (errors, {kind: file name} of every attachment
    this submission holds, also from an earlier send of the same form)."""
    galat: list[GalatValidasi] = []
    maks = int(settings.unggah_maks_mb * 1_000_000)
    sekarang = datetime.now(UTC)
    for jenis_berkas in lampiran.LAMPIRAN_PER_JENIS[jenis]:
        path = f"lampiran.{jenis_berkas}"
        berkas = kiriman.get(path)
        if not isinstance(berkas, UploadFile) or not berkas.filename:
            continue
        isi = berkas.file.read(maks + 1)
        mime, salah = lampiran.periksa(isi, berkas.filename, maks)
        label = lampiran.JENIS_LAMPIRAN[jenis_berkas]
        if salah or mime is None:
            galat.append({"field": path, "message": f"{label} ({path}): {salah}"})
            continue
        sha, disimpan = lampiran.simpan(settings.data_dir / "lampiran", isi)
        with db.session_scope(settings.store_url) as session:
            pp.simpan_lampiran(session, kunci, jenis_berkas,
                               lampiran.nama_aman(berkas.filename, mime), mime, len(isi), sha,
                               str(disimpan), sekarang)
    with db.session_scope(settings.store_url) as session:
        ada = {b.jenis: b.nama_berkas for b in pp.lampiran_kunci(session, kunci)}
    return galat, ada


def ajukan(settings: Settings, jenis: str, data: dict[str, Any], kunci: str, sumber: str,
           token_api_id: int | None = None,
           instansi_api: str | None = None) -> tuple[str, str, Callable[[], None]]:
    """Open the ticket (or find the one this key opened), bind the attachments, make a
    tracking link. (number, raw tracking token, what follows the answer): the ticket's
    intake run and, the first time, the tracking link mailed to both penanggung jawab
    (:func:`susulan`), run after the answer is sent (decision 26)."""
    from klien.operasi import Pembukaan, buka_tiket

    pembukaan = buka_tiket(settings, data, jenis, key=kunci)
    baru = pembukaan if isinstance(pembukaan, Pembukaan) else None
    nomor = baru.nomor if baru else str(pembukaan)
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        pertama = not pp.sudah_ada_tautan(session, ticket.id)
        pp.ikat_lampiran(session, kunci, ticket.id)
        raw = pp.buat_tautan_lacak(session, ticket.id, sumber, datetime.now(UTC),
                                   token_api_id, instansi_api)
        tersimpan = ticket.form if pertama else None
    return nomor, raw, partial(susulan, settings, jenis, nomor, baru, tersimpan,
                               tautan_lacak(settings, raw))


def susulan(settings: Settings, jenis: str, nomor: str, pembukaan: Pembukaan | None,
            tersimpan: dict[str, Any] | None, tautan: str) -> None:
    """After the answer: create the intake run of a ticket just opened, then mail the
    tracking link (the first link only). Neither failure touches the ticket: a run not
    created is started by the recovery (the SLA watch's pass, ``lpa lanjutkan``), a mail not
    sent is logged; the requester's page already shows the number and the link."""
    from klien.operasi import GagalOperasi, mulai_intake
    from klien.pemohon import kirim_tautan_lacak

    if pembukaan is not None:
        try:
            mulai_intake(pembukaan)
        except GagalOperasi as exc:
            log.warning("intake run of %s not created: %s", nomor, exc)
    if tersimpan is not None:
        try:  # the typed form (a stored form that no longer validates: logged, not mailed)
            kirim_tautan_lacak(settings, nomor, baca_formulir(jenis, tersimpan),
                               JenisLayanan(jenis).label, tautan)
        except Exception:  # noqa: BLE001 - the ticket is open; the page shows the link
            log.exception("tracking link of %s not mailed", nomor)
