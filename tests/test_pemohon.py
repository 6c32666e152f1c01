"""What the requester is told (issue 11): the outcome of an archived ticket with its report
attached (tasks/pemohon.py), and who returned a request for completion (tasks/pejabat.py).

Against a real store (SQLite and PostgreSQL); the mail lands in the development outbox.
The same mails on a real Prefect server: tests/test_sop_flows.py.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import bantu
import pytest
from sqlalchemy import select

from domain.calendar import BusinessCalendar
from domain.sop import JenisLayanan, langkah
from domain.tiket import HasilTiket
from settings import Settings
from store import db, repo
from store.models import AuditEvent
from tasks.notifikasi import baca_kotak_keluar

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
_kal = BusinessCalendar.dari_pengaturan
KADIS = ("197203151998031002", "Drs. Hendra Saputra, M.Si.")
PJ = ["fitriani@bkd.babelprov.go.id", "yoga.saputra@babelprov.go.id"]


@pytest.fixture
def pengaturan(store_url: str, tmp_path: Path, pengaturan_uji: bantu.Pengaturan) -> Settings:
    return pengaturan_uji(data_dir=tmp_path / "data", database_url=store_url,
                          roster_file=ROOT / "config" / "roster.yaml", notifikasi="berkas")


def _form() -> dict[str, Any]:
    return json.loads((ROOT / "tests" / "fixtures" / "forms" / "va.json").read_text())


def tiket_diarsipkan(settings: Settings, *, ditolak: bool, pdf: bool = True) -> str:
    """A ticket decided at step 2 (refused or approved), reported and archived, with the
    report files where step 7 keeps them."""
    with db.session_scope(settings.store_url) as s:
        ticket, _ = repo.open_ticket(
            s, request_type=JenisLayanan.VA, form=_form(), application_name="SIPP",
            agency="BKD", received_at=T0, calendar=_kal(settings), opened_at=T0)
        step = repo.start_step(s, ticket, langkah("disposisi_kadis"), T0, _kal(settings),
                               assignee_nip=KADIS[0], assignee_name=KADIS[1])
        repo.finish_step(s, step, T0 + timedelta(minutes=5),
                         decision="tolak" if ditolak else "setuju",
                         note="Sudah ada aplikasi sejenis." if ditolak else None)
        repo.close_ticket(s, ticket, HasilTiket.DITOLAK if ditolak else HasilTiket.DISETUJUI,
                          T0 + timedelta(minutes=6))
        folder = settings.laporan_dir / ticket.number
        folder.mkdir(parents=True)
        html = folder / "laporan.html"
        html.write_text("<html><body>Laporan akhir</body></html>", encoding="utf-8")
        if pdf:
            (folder / "laporan.pdf").write_bytes(b"%PDF-1.7 laporan akhir")
        repo.archive_ticket(s, ticket, at=T0 + timedelta(minutes=7), summary="uji",
                            report_path=str(html),
                            report_sha256=hashlib.sha256(html.read_bytes()).hexdigest())
        return ticket.number


def surat(settings: Settings, nomor: str) -> list[dict[str, Any]]:
    return [m for m in baca_kotak_keluar(settings.outbox_dir) if m["tiket"] == nomor]


def lampiran_eml(settings: Settings, pesan: dict[str, Any]) -> list[tuple[str, bytes]]:
    msg = BytesParser(policy=policy.default).parse(
        (settings.outbox_dir / pesan["berkas"]).open("rb"))
    return [(p.get_filename(), p.get_payload(decode=True)) for p in msg.iter_attachments()]


def test_a_refused_ticket_tells_both_penanggung_jawab_with_the_pdf_attached(
        pengaturan: Settings) -> None:
    from tasks.pemohon import kabari_hasil_layanan

    nomor = tiket_diarsipkan(pengaturan, ditolak=True)
    assert kabari_hasil_layanan.fn(nomor)
    [pesan] = surat(pengaturan, nomor)
    assert pesan["jenis"] == "permohonan_ditolak" and pesan["kepada"] == PJ
    for teks in ("DITOLAK", "Sudah ada aplikasi sejenis.", "Kepala Dinas Kominfo",
                 "Drs. Hendra Saputra", "langkah 2", "AGD-", "terlampir (laporan.pdf)"):
        assert teks in pesan["isi"], teks
    assert str(pengaturan.laporan_dir) not in pesan["isi"]  # no server path
    assert lampiran_eml(pengaturan, pesan) == [("laporan.pdf", b"%PDF-1.7 laporan akhir")]
    # once: a run that comes back after the archive sends nothing again
    assert not kabari_hasil_layanan.fn(nomor)
    assert len(surat(pengaturan, nomor)) == 1
    with db.session_scope(pengaturan.store_url) as s:
        [dikirim] = s.scalars(select(AuditEvent).where(
            AuditEvent.kind == "hasil_layanan_dikirim")).all()
        assert dikirim.detail["kepada"] == PJ
        assert dikirim.detail["lampiran"][0]["nama"] == "laporan.pdf"


def test_a_finished_ticket_without_a_pdf_gets_the_html_attached(pengaturan: Settings) -> None:
    from tasks.pemohon import kabari_hasil_layanan

    nomor = tiket_diarsipkan(pengaturan, ditolak=False, pdf=False)
    assert kabari_hasil_layanan.fn(nomor)
    [pesan] = surat(pengaturan, nomor)
    assert pesan["jenis"] == "layanan_selesai" and pesan["kepada"] == PJ
    assert "SELESAI" in pesan["isi"] and "Catatan penolakan" not in pesan["isi"]
    assert lampiran_eml(pengaturan, pesan) == [
        ("laporan.html", b"<html><body>Laporan akhir</body></html>")]


def test_a_report_changed_after_the_archive_is_not_attached(pengaturan: Settings) -> None:
    from tasks.pemohon import kabari_hasil_layanan

    nomor = tiket_diarsipkan(pengaturan, ditolak=True)
    (pengaturan.laporan_dir / nomor / "laporan.html").write_text("dipalsukan")
    assert kabari_hasil_layanan.fn(nomor)
    [pesan] = surat(pengaturan, nomor)
    assert pesan["lampiran"] == [] and "salinannya dapat diminta" in pesan["isi"]


def test_the_return_mail_names_the_official_and_the_step(pengaturan: Settings,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from domain.sop import LANGKAH_KELENGKAPAN
    from tasks import pejabat
    from tasks.tiket import baca_tiket

    with db.session_scope(pengaturan.store_url) as s:
        ticket, _ = repo.open_ticket(
            s, request_type=JenisLayanan.VA, form=_form(), application_name="SIPP",
            agency="BKD", received_at=T0, calendar=_kal(pengaturan), opened_at=T0)
        step = repo.start_step(s, ticket, langkah("disposisi_kadis"), T0,
                               _kal(pengaturan), assignee_nip=KADIS[0],
                               assignee_name=KADIS[1])
        repo.finish_step(s, step, T0, decision="kembalikan", note="Lampirkan surat.")
        kembali = repo.start_step(s, ticket, LANGKAH_KELENGKAPAN, T0, _kal(pengaturan),
                                  clock_stopped=True)
        nomor, kembali_id = ticket.number, kembali.id
    monkeypatch.setattr(pejabat, "simpan_hash_kode", lambda *a: None)
    pemohon = _form()["pemohon"]
    pejabat.terbitkan_kode.fn(baca_tiket(nomor), kembali_id, LANGKAH_KELENGKAPAN, tuple(PJ),
                              pemohon["nip"], pemohon["nama"], None, None, "Lampirkan surat.")
    [pesan] = surat(pengaturan, nomor)
    assert pesan["jenis"] == "pengembalian" and pesan["kepada"] == PJ
    for teks in ("Dikembalikan oleh", "Kepala Dinas Kominfo, Drs. Hendra Saputra",
                 "Dikembalikan pada", "langkah 2: Kadis Kominfo", "Lampirkan surat.",
                 f"lpa lengkapi {nomor} --nip"):
        assert teks in pesan["isi"], teks
