"""The report kept in the agenda book (SOP step 7) is the final one, and the book vouches for it.

A feasibility ticket goes through every step with the store's own tasks, on SQLite and on the
real PostgreSQL: step 6 writes the working report, step 7 renders the final report (both steps
done, agenda number, archive time), and the agenda entry stores the SHA-256 of exactly the file
on disk. A report that cannot be rendered leaves nothing half stored; a report rendered and
archived but not yet moved into place (a crash in between) is put in place on the next run.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bantu
import pytest
from sqlalchemy import select

from domain.kelaikan import (
    ALASAN_TANPA_DB,
    KATEGORI_KEAMANAN,
    LaporanKelaikan,
    hasil_kategori,
)
from domain.sop import JenisLayanan, Peran, langkah
from domain.tiket import HasilTiket
from settings import get_settings
from store import db, repo
from store.models import AgendaEntry, AuditEvent
from tasks import laporan as render
from tasks import tiket
from tasks.pelaporan import simpan_kelaikan, susun_laporan

BOTH = pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True)
SQLITE = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)

NIP = {"disposisi_kadis": "197203151998031004", "disposisi_kabid": "198001012005011002",
       "perintah_prakom": "199002022015031001"}
KEPADA = {"disposisi_kadis": Peran.KABID_EGOV, "disposisi_kabid": Peran.PRANATA_KOMPUTER,
          "perintah_prakom": Peran.PETUGAS_SERVICE_DESK}
PER_HOST = ("dbms.port_terjangkau", "dbms.banner_versi", "dbms.versi_eol", "dbms.tanpa_tls",
            "dbms.kredensial_bawaan", "dbms.tanpa_otentikasi", "dbms.satu_host")


@pytest.fixture
def store(store_url: str, tmp_path: Path, pengaturan_uji: bantu.Pengaturan) -> str:
    pengaturan_uji(database_url=store_url, data_dir=tmp_path / "data", kunci_enkripsi=None)
    return store_url


def kelaikan_dbms_tidak_diuji() -> LaporanKelaikan:
    """The case of issue 11: every category passes, the DBMS host was not named."""
    mulai = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    kategori = [hasil_kategori(k, [], [f"{k}.contoh"]) for k in KATEGORI_KEAMANAN
                if k != "dbms"]
    kategori.append(hasil_kategori("dbms", [], ["dbms.galat_db_web", "dbms.dump_terbuka"],
                                   {c: ALASAN_TANPA_DB for c in PER_HOST}))
    laporan = LaporanKelaikan.susun("http://127.0.0.1:8080/", mulai,
                                    mulai + timedelta(minutes=3), kategori)
    assert laporan.verdict == "LAYAK_DENGAN_CATATAN"
    return laporan


def _sampai_langkah_7() -> tuple[str, int, Path]:
    """A feasibility ticket through steps 1-6 as flows/layanan.py runs them; returns its
    number, the id of step 7 (started) and the working report written at step 6."""
    nomor, _ = tiket.buka_tiket.fn(
        JenisLayanan.UJI_KELAYAKAN,
        {"nama_aplikasi": "SIPELADA", "url_aplikasi": "http://127.0.0.1:8080/"},
        "SIPELADA", "Dinas Pertanian", datetime.now(UTC), "kunci-arsip", None)
    for kode in ("disposisi_kadis", "disposisi_kabid", "perintah_prakom"):
        sid = tiket.mulai_langkah.fn(nomor, langkah(kode), "run", (NIP[kode], "Pejabat"))
        tiket.catat_keputusan.fn(nomor, sid, NIP[kode], "setuju", "Lanjut", KEPADA[kode], True)
    s5 = tiket.mulai_langkah.fn(nomor, langkah("uji_kelaikan"), "run")
    simpan_kelaikan(nomor, kelaikan_dbms_tidak_diuji())
    tiket.selesaikan_langkah.fn(nomor, s5, "Hasil uji kelaikan: LAYAK_DENGAN_CATATAN")
    s6 = tiket.mulai_langkah.fn(nomor, langkah("laporan"), "run")
    tiket.tutup_tiket.fn(nomor, HasilTiket.DISETUJUI)
    kerja = render.tulis_laporan(susun_laporan(nomor), get_settings().laporan_dir)
    tiket.selesaikan_langkah.fn(nomor, s6, "Laporan dibuat", laporan=str(kerja))
    s7 = tiket.mulai_langkah.fn(nomor, langkah("arsip"), "run")
    return nomor, s7, kerja


def _teks(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _teks_pdf(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split())
                    for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sisa_sementara(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@BOTH
def test_archived_report_is_final_and_its_hash_is_in_the_agenda_book(store: str) -> None:
    nomor, s7, kerja = _sampai_langkah_7()
    html_kerja = kerja.read_text(encoding="utf-8")
    # step 6 was still running when the working copy was made, step 7 not started
    assert '<span class="status berjalan">berjalan</span>' in html_kerja
    assert langkah("arsip").aktivitas not in html_kerja

    agenda = tiket.arsipkan_tiket.fn(nomor, s7, "Uji Kelayakan SIPELADA: selesai")

    assert re.fullmatch(r"AGD-\d{4}-\d{6}", agenda)
    with db.session_scope(store) as s:
        entry = s.scalars(select(AgendaEntry)).one()
        archived_at = entry.archived_at
        assert entry.number == agenda
        assert entry.report_path == str(kerja)
        assert entry.report_sha256 == _sha(kerja)
        # step 6 names its working report in its own column (0006), not in its note
        s6 = next(st for st in entry.ticket.steps if st.code == "laporan")
        assert (s6.report_path, s6.note) == (str(kerja), "Laporan dibuat")
    # the file the agenda book vouches for is the final report
    pdf = kerja.with_name("laporan.pdf")
    html = kerja.read_text(encoding="utf-8")
    teks = _teks(html)
    assert 'class="status berjalan"' not in html
    assert langkah("arsip").aktivitas in teks and langkah("laporan").aktivitas in teks
    assert teks.count("tepat waktu") == 7
    assert f"Nomor agenda {agenda}" in teks
    assert f"Diarsipkan {render.tanggal_wib(archived_at)}" in teks
    assert "Status Diarsipkan" in teks
    teks_pdf = _teks_pdf(pdf)
    assert agenda in teks_pdf
    assert "Menyimpan laporan sebagai bukti" in teks_pdf
    assert teks_pdf.count("tepat waktu") == 7
    # the PDF's hash is vouched for by the audit chain; nothing is left aside
    with db.session_scope(store) as s:
        detail = s.scalars(select(AuditEvent.detail).where(
            AuditEvent.kind == "laporan_diarsipkan")).one()
    assert detail["nomor_agenda"] == agenda
    assert detail["html_sha256"] == _sha(kerja)
    assert detail["pdf_sha256"] == _sha(pdf)
    assert _sisa_sementara(kerja.parent) == []
    # read again from the store (the UI artifact after step 7), it is the final report too
    ulang = susun_laporan(nomor)
    assert (ulang.nomor_agenda, ulang.diarsipkan) == (agenda, archived_at)


@SQLITE
def test_a_step_id_of_another_ticket_is_refused(store: str) -> None:
    """A step is finished only as a step of its own ticket (store.repo.get_step), with an
    error that names both, not an assert that ``python -O`` would drop."""
    nomor, s7, _ = _sampai_langkah_7()
    lain, _ = tiket.buka_tiket.fn(JenisLayanan.VA, {"nama_aplikasi": "Lain"}, "Lain", "Dinas",
                                  datetime.now(UTC), "kunci-lain", None)
    with pytest.raises(repo.StoreError, match=f"bukan langkah tiket {lain}"):
        tiket.selesaikan_langkah.fn(lain, s7, "salah tiket")
    tiket.selesaikan_langkah.fn(nomor, s7, "tiket sendiri")


@SQLITE
def test_a_report_that_cannot_be_rendered_leaves_nothing_half_stored(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    nomor, s7, kerja = _sampai_langkah_7()
    sebelum = kerja.read_bytes()

    def rusak(html: str) -> bytes:
        raise RuntimeError("WeasyPrint gagal")

    monkeypatch.setattr(render, "render_pdf", rusak)
    with pytest.raises(RuntimeError, match="WeasyPrint gagal"):
        tiket.arsipkan_tiket.fn(nomor, s7, "ringkasan")
    with db.session_scope(store) as s:
        ticket = repo.get_ticket(s, nomor)
        assert ticket.archived_at is None and ticket.state == "ditutup"
        assert s.scalars(select(AgendaEntry)).all() == []
        assert [st.finished_at for st in ticket.steps if st.code == "arsip"] == [None]
    assert kerja.read_bytes() == sebelum
    assert _sisa_sementara(kerja.parent) == []

    monkeypatch.undo()
    monkeypatch.setenv("LPA_DATABASE_URL", store)
    agenda = tiket.arsipkan_tiket.fn(nomor, s7, "ringkasan")
    assert agenda.endswith("-000001")  # the failed attempt used no agenda number
    with db.session_scope(store) as s:
        assert s.scalars(select(AgendaEntry.report_sha256)).one() == _sha(kerja)


@SQLITE
def test_a_crash_between_archive_and_move_is_finished_on_the_next_run(
        store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    nomor, s7, kerja = _sampai_langkah_7()
    sebelum = kerja.read_bytes()

    def mati(self) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(render.BerkasLaporan, "pasang", mati)
    with pytest.raises(KeyboardInterrupt):
        tiket.arsipkan_tiket.fn(nomor, s7, "ringkasan")
    monkeypatch.undo()
    assert kerja.read_bytes() == sebelum  # archived, but the final file is still aside
    with db.session_scope(store) as s:
        stored = s.scalars(select(AgendaEntry.report_sha256)).one()
    assert stored != _sha(kerja)

    assert tiket.pasang_laporan_arsip(nomor) is True
    assert _sha(kerja) == stored
    assert _sisa_sementara(kerja.parent) == []
    assert tiket.pasang_laporan_arsip(nomor) is False  # nothing left to do
