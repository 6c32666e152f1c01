"""The tracking page and submitting through the portal: the timeline of the seven steps (late
steps marked, times in WIB), a return with its note and the form to answer it, unknown
links refused and audited without the token; against a real Prefect stack, pressing the
button twice opens one ticket and the tracking link is mailed once to both penanggung jawab."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from portal_bantu import buka_formulir, contoh, isian_browser, portal
from sqlalchemy import func, select

from domain.calendar import BusinessCalendar
from domain.sop import JenisLayanan, langkah
from portal.batas import MAKS_CATATAN
from settings import Settings
from store import db, repo
from store import portal_pemohon as pp
from store.models import AuditEvent, Ticket
from tasks.notifikasi import baca_kotak_keluar


def _tiket_dengan_pengembalian(data_dir: Path) -> str:
    """A VA ticket: step 1 done, step 2 returned late by the Kepala Dinas, the requester
    asked to complete it; its raw tracking token."""
    settings = Settings(data_dir=data_dir)
    db.upgrade(settings.store_url)
    kalender = BusinessCalendar.dari_pengaturan(settings)
    awal = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 09:00 WIB
    with db.session_scope(settings.store_url) as s:
        ticket, _ = repo.open_ticket(s, request_type=JenisLayanan.VA, form=contoh("va"),
                                     application_name="SIPO", agency="DPMPTSP",
                                     received_at=awal, calendar=kalender, opened_at=awal)
        kadis = repo.start_step(s, ticket, langkah("disposisi_kadis"),
                                awal + timedelta(minutes=5), kalender,
                                assignee_nip="196805121990031004", assignee_name="Kadis Uji")
        repo.finish_step(s, kadis, awal + timedelta(hours=2), decision="kembalikan",
                         note="Surat permohonan belum ditandatangani <b>pemohon</b>.")
        repo.start_step(s, ticket, langkah("kelengkapan"), awal + timedelta(hours=2),
                        kalender, assignee_nip="199001052015031001", clock_stopped=True)
        return pp.buat_tautan_lacak(s, ticket.id, "portal", awal)


def test_tracking_page_timeline_late_step_return_and_answer_form(tmp_path) -> None:
    token = _tiket_dengan_pengembalian(tmp_path)
    client = portal(tmp_path)
    r = client.get(f"/lacak/{token}")
    assert r.status_code == 200
    html = r.text
    assert html.count('<tr id="langkah-') == 7
    baris = re.findall(r'<tr id="langkah-(\d)" class="([^"]*)">', html)
    assert baris[0] == ("1", "selesai") and baris[1] == ("2", "terlambat")
    assert "Selasa, 1 Desember 2026 pukul 09.00 WIB" in html
    assert "30 menit" in html and "Kadis Kominfo melakukan disposisi" in html
    assert "Surat permohonan belum ditandatangani &lt;b&gt;pemohon&lt;/b&gt;." in html
    assert f'action="/lacak/{token}/lengkapi"' in html and 'name="catatan"' in html
    assert "Laporan tersedia di sini setelah tiket diarsipkan" in html
    assert r.headers["referrer-policy"] == "no-referrer"


def test_answer_without_note_or_csrf_is_refused(tmp_path) -> None:
    token = _tiket_dengan_pengembalian(tmp_path)
    client = portal(tmp_path)
    r = client.post(f"/lacak/{token}/lengkapi", data={"catatan": "sudah"})
    assert r.status_code == 403
    csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(f"/lacak/{token}").text).group(1)
    r = client.post(f"/lacak/{token}/lengkapi", data={"csrf_token": csrf, "catatan": " "})
    assert r.status_code == 422
    assert re.search(r'data-galat-untuk="catatan"[^>]*>Catatan kelengkapan \(catatan\): '
                     r'wajib diisi', r.text)
    # the page's limit is the server's; one character over is refused beside the field,
    # what was typed kept
    assert f'maxlength="{MAKS_CATATAN}"' in r.text
    panjang = "sudah dilengkapi " + "x" * MAKS_CATATAN
    r = client.post(f"/lacak/{token}/lengkapi", data={"csrf_token": csrf, "catatan": panjang})
    assert r.status_code == 422
    assert re.search(r'data-galat-untuk="catatan"[^>]*>Catatan kelengkapan \(catatan\): '
                     rf'terlalu panjang; maksimal {MAKS_CATATAN} karakter<', r.text)
    assert panjang + "</textarea>" in r.text


def test_unknown_tracking_link_is_404_and_audited_without_the_token(tmp_path) -> None:
    client = portal(tmp_path)
    palsu = "x" * 43
    r = client.get(f"/lacak/{palsu}")
    assert r.status_code == 404 and "Tautan pelacakan ini tidak dikenal" in r.text
    with db.session_scope(Settings(data_dir=tmp_path).store_url) as s:
        rinci = s.scalars(select(AuditEvent.detail).where(
            AuditEvent.kind == "portal_ditolak")).all()
    assert rinci[-1]["alasan"] == "tautan_lacak_tidak_dikenal"
    assert rinci[-1]["jalur"] == "/lacak/<token>" and palsu not in str(rinci)


# --- against a real Prefect stack --------------------------------------------------------

def test_double_submit_opens_one_ticket_and_mails_the_link_once(stack) -> None:
    settings = stack.settings
    client = portal(settings.data_dir, **{k: v for k, v in settings.model_dump().items()
                                          if k != "data_dir"})
    data = contoh("va") | {"nama_aplikasi": "Portal Ganda"}
    csrf, token = buka_formulir(client, "va")
    isi = dict([("csrf_token", csrf), ("token_formulir", token),
                *isian_browser("va", data)])
    pertama = client.post("/permohonan/va", data=isi,
                          files={"lampiran.surat_permohonan": ("surat.pdf", b"%PDF-1.4\n%%EOF\n",
                                                               "application/pdf")})
    kedua = client.post("/permohonan/va", data=isi)
    assert pertama.status_code == 200 and kedua.status_code == 200, pertama.text
    nomor = re.search(r'id="nomor-tiket">([^<]+)<', pertama.text).group(1)
    assert re.fullmatch(r"LPA-\d{4}-\d{6}", nomor)
    assert re.search(r'id="nomor-tiket">([^<]+)<', kedua.text).group(1) == nomor
    with db.session_scope(settings.store_url) as s:
        assert s.scalar(select(func.count()).select_from(Ticket).where(
            Ticket.application_name == "Portal Ganda")) == 1
    surat = [p for p in baca_kotak_keluar(settings.outbox_dir)
             if p.get("tiket") == nomor and p.get("jenis") == "tautan_lacak"]
    assert len(surat) == 1
    assert set(surat[0]["kepada"]) == {data["penanggung_jawab_struktural"]["email"],
                                       data["penanggung_jawab_teknis"]["email"]}
    tautan = re.search(r'id="tautan-lacak">([^<]+)<', pertama.text).group(1)
    halaman = client.get(tautan.removeprefix(settings.portal_url)).text
    assert nomor in halaman and 'id="daftar-lampiran"' in halaman and "surat.pdf" in halaman
    unduh = client.get(re.search(r'href="(/lacak/[^"]+/lampiran/\d+)"', halaman).group(1))
    assert unduh.headers["content-type"] == "application/pdf"
    assert unduh.headers["content-disposition"].startswith("attachment")
    assert unduh.headers["x-content-type-options"] == "nosniff"


def test_return_answered_from_the_tracking_page_and_reports_offered_when_done(stack) -> None:
    from sop_bantu import wait_for_step

    from klien import operasi
    from lpa.demo import pejabat_memutus, tunggu_arsip

    settings = stack.settings
    nomor = operasi.submit(settings, contoh("va") | {"nama_aplikasi": "Lacak Kembali"}, "va")
    with db.session_scope(settings.store_url) as s:
        token = pp.buat_tautan_lacak(s, repo.get_ticket(s, nomor).id, "portal",
                                     datetime.now(UTC))
    pejabat_memutus(settings, nomor, keputusan="kembalikan",
                    catatan="Lampirkan surat permohonan yang ditandatangani.")
    wait_for_step(stack, nomor, "kelengkapan")
    client = portal(settings.data_dir, **{k: v for k, v in settings.model_dump().items()
                                          if k != "data_dir"})
    html = client.get(f"/lacak/{token}").text
    assert "Lampirkan surat permohonan yang ditandatangani." in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    r = client.post(f"/lacak/{token}/lengkapi",
                    data={"csrf_token": csrf, "catatan": "Surat sudah dilampirkan"})
    assert r.status_code == 200, r.text
    assert 'id="formulir-lengkapi"' not in r.text
    wait_for_step(stack, nomor, "disposisi_kadis")
    with db.session_scope(settings.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        kelengkapan = next(x for x in ticket.steps if x.code == "kelengkapan")
        assert kelengkapan.note == "Surat sudah dilampirkan"
        assert s.scalar(select(func.count()).where(
            AuditEvent.kind == "keputusan_via_portal", AuditEvent.ticket_id == ticket.id)) == 1
    assert "Riwayat pengembalian" in client.get(f"/lacak/{token}").text
    for _ in range(3):
        pejabat_memutus(settings, nomor)
    tunggu_arsip(settings, nomor)
    html = client.get(f"/lacak/{token}").text
    laporan = re.findall(rf'href="(/lacak/{re.escape(token)}/laporan/[^"]+)"', html)
    assert any(u.endswith(".pdf") for u in laporan), html
    unduh = client.get(next(u for u in laporan if u.endswith(".pdf")))
    assert unduh.status_code == 200 and unduh.content.startswith(b"%PDF")
    assert unduh.headers["content-disposition"].startswith("attachment")
    assert client.get(f"/lacak/{token}/laporan/..%2Fkunci.portal").status_code == 404


def test_a_run_not_created_after_the_answer_leaves_the_ticket_open_and_named(stack,
                                                                            caplog) -> None:
    """The intake run is created after the answer is sent (decision 26). When the Prefect
    server refuses it, the ticket the answer named stays open with its tracking link mailed,
    and the log names the ticket and the recovery (``lpa lanjutkan``)."""
    import logging
    import uuid
    from dataclasses import replace

    from portal.rute_permohonan import ajukan

    settings = stack.settings
    data = contoh("va") | {"nama_aplikasi": "Portal Tanpa Run"}
    nomor, _, sesudahnya = ajukan(settings, "va", data, "portal-uji-tanpa-run", "portal")
    pengaturan, jenis, _, pembukaan, tersimpan, tautan = sesudahnya.args
    assert pembukaan is not None and pembukaan.nomor == nomor
    # a deployment the server does not have: create_flow_run answers 404
    hilang = replace(pembukaan, deployment=str(uuid.uuid4()))
    with caplog.at_level(logging.WARNING, logger="lpa.portal"):
        sesudahnya.func(pengaturan, jenis, nomor, hilang, tersimpan, tautan)
    pesan = [r.getMessage() for r in caplog.records if r.name == "lpa.portal"]
    assert any(nomor in p and f"lpa lanjutkan {nomor}" in p for p in pesan), pesan
    with db.session_scope(settings.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        assert ticket.archived_at is None and ticket.flow_run_id is None
    surat = [p for p in baca_kotak_keluar(settings.outbox_dir)
             if p.get("tiket") == nomor and p.get("jenis") == "tautan_lacak"]
    assert len(surat) == 1
