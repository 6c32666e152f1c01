"""The reports people read are laid out so that no word is split ("Pemeriksa an", "Ke put usa n")
and no table runs off the page: in the PDF (WeasyPrint) and in a real browser (Chromium).

A word may break only where it is wider than its whole cell (a long URL or path), after a
hyphen or slash, or at a check id's ``<wbr>``.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.kelaikan import (
    ALASAN_TANPA_DB,
    KATEGORI_KEAMANAN,
    LaporanKelaikan,
    cek_kategori,
    hasil_kategori,
)
from domain.laporan import BarisDisposisi, BarisLangkah, LaporanTiket
from domain.sop import JenisLayanan, rencana_langkah
from tasks.kelaikan.laporan import render_laporan_kelaikan_html
from tasks.laporan import render_laporan_html, render_pdf

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
PER_HOST = ("dbms.port_terjangkau", "dbms.banner_versi", "dbms.versi_eol", "dbms.tanpa_tls",
            "dbms.kredensial_bawaan", "dbms.tanpa_otentikasi", "dbms.satu_host")
_KATA = re.compile(r"[^\W_]+")  # a run of letters and digits: what must never be split


def _kelaikan() -> LaporanKelaikan:
    kategori = [hasil_kategori(k, [], [c.id for c in cek_kategori(k)])
                for k in KATEGORI_KEAMANAN if k != "dbms"]
    sesi = cek_kategori("otentikasi_sesi")
    kategori[2] = hasil_kategori("otentikasi_sesi", [
        sesi[0].temuan("Set-Cookie: PHPSESSID=abc; path=/ (tanpa HttpOnly) pada "
                       "http://127.0.0.1:8080/login", severity="sedang"),
        sesi[1].temuan("Informasi sesi dikirim tanpa enkripsi", severity="info"),
    ], [c.id for c in sesi])
    kategori.append(hasil_kategori(
        "dbms", [], [c.id for c in cek_kategori("dbms") if c.id not in PER_HOST],
        {c: ALASAN_TANPA_DB for c in PER_HOST}))
    return LaporanKelaikan.susun("http://127.0.0.1:8080/", T0, T0 + timedelta(minutes=3),
                                 kategori)


def _tiket(kelaikan: LaporanKelaikan) -> LaporanTiket:
    langkah, mulai = [], T0
    for sop in rencana_langkah(JenisLayanan.UJI_KELAYAKAN):
        selesai = mulai + timedelta(minutes=10)
        langkah.append(BarisLangkah(
            nomor=sop.nomor, kode=sop.kode, aktivitas=sop.aktivitas,
            pelaksana=sop.pelaksana.label,
            petugas="Andi Saputra (NIP 198801012015031001)" if sop.nomor >= 5 else None,
            mulai=mulai, jatuh_tempo=mulai + sop.mutu_baku, selesai=selesai,
            terlambat=sop.kode == "disposisi_kabid",
            keputusan="kembalikan" if sop.kode == "disposisi_kadis" else (
                "setuju" if sop.menunggu_orang else None),
            catatan="Mohon dilengkapi surat permohonan yang ditandatangani Kepala Dinas."
            if sop.kode == "disposisi_kadis" else None))
        mulai = selesai
    return LaporanTiket(
        nomor="LPA-2026-000123", jenis=JenisLayanan.UJI_KELAYAKAN.label,
        nama_aplikasi="Sistem Informasi Pemantauan Harga Lada", status="diarsipkan",
        instansi="Dinas Pertanian dan Ketahanan Pangan",
        hasil="disetujui", dibuat=T0, ditutup=T0 + timedelta(hours=2),
        formulir={"nama_aplikasi": "SIPELADA", "url_aplikasi": "http://127.0.0.1:8080/",
                  "deskripsi": "Pemantauan harga dan produksi lada putih kabupaten/kota."},
        langkah=langkah,
        disposisi=[BarisDisposisi(T0, "Kepala Dinas Kominfo", "197001011990031001",
                                  "kembalikan", "Lengkapi berkas permohonan.",
                                  "Kepala Bidang e-Government")],
        dibuat_pada=T0 + timedelta(hours=2), kelaikan=kelaikan,
        nomor_agenda="AGD-2026-000045", diarsipkan=T0 + timedelta(hours=2))


@pytest.fixture(scope="module")
def laporan_html() -> dict[str, str]:
    kelaikan = _kelaikan()
    return {"tiket": render_laporan_html(_tiket(kelaikan)),
            "kelaikan": render_laporan_kelaikan_html(kelaikan)}


def _kata_terpotong(baris: list[str], kata: set[str]) -> list[str]:
    """Words split over two lines of extracted PDF text: the end of one line and the start of
    the next are no words of the report, but together they are one. Breaks inside long
    tokens (URLs, paths: 25 characters or more) are allowed."""
    terpotong = []
    for atas, bawah in zip(baris, baris[1:], strict=False):
        akhir, awal = _KATA.findall(atas)[-1:], _KATA.findall(bawah)[:1]
        if not akhir or not awal or not atas[-1].isalnum() or not bawah[0].isalnum():
            continue
        token = (atas.split()[-1] + bawah.split()[0])
        gabung = akhir[0] + awal[0]
        if (gabung in kata and akhir[0] not in kata and awal[0] not in kata
                and len(token) < 25):
            terpotong.append(f"{akhir[0]}|{awal[0]}")
    return terpotong


@pytest.mark.parametrize("nama", ["tiket", "kelaikan"])
def test_pdf_splits_no_word(laporan_html: dict[str, str], nama: str) -> None:
    from pypdf import PdfReader

    html = laporan_html[nama]
    badan = html[html.index("<body"):]
    kata = set(_KATA.findall(re.sub(r"<wbr>", "", re.sub(r"<(?!wbr)[^>]+>", " ", badan))))
    pdf = render_pdf(html)
    assert pdf is not None
    halaman = PdfReader(io.BytesIO(pdf)).pages
    baris = [b.strip() for p in halaman for b in p.extract_text().splitlines() if b.strip()]
    assert _kata_terpotong(baris, kata) == []
    # the header rows of the tables stay whole
    teks = "\n".join(baris)
    wajib = (["Pemeriksaan Temuan Tingkat Bukti Rekomendasi"] if nama == "tiket"
             else ["Pemeriksaan Cara uji Acuan Hasil", "Temuan Tingkat Acuan Bukti Rekomendasi"])
    for kepala in wajib:
        assert kepala in teks


def test_pdf_tables_stay_on_the_page(laporan_html: dict[str, str]) -> None:
    """No box of the laid-out PDF reaches past the right edge of the page's content area."""
    from weasyprint import HTML

    from tasks.laporan import TEMPLATES

    for html in laporan_html.values():
        dokumen = HTML(string=html, base_url=str(TEMPLATES)).render()
        for halaman in dokumen.pages:
            kotak_halaman = halaman._page_box  # noqa: SLF001 - WeasyPrint's layout tree
            batas = kotak_halaman.content_box_x() + kotak_halaman.width + 0.5
            lebih = [type(b).__name__ for b in kotak_halaman.descendants()
                     if b is not kotak_halaman and type(b).__name__ != "MarginBox"
                     and getattr(b, "width", None)
                     and b.position_x + b.margin_width() > batas]
            assert lebih == []


# --- In a real browser ------------------------------------------------------------------------

_PERIKSA = r"""
() => {
  // Every run of letters/digits of a table cell must lie on one line, unless the
  // whole-space-separated word it belongs to is wider than the cell itself.
  const kata = /[\p{L}\p{N}]+/gu;
  const terpotong = [];
  for (const sel of document.querySelectorAll('td, th')) {
    const gaya = getComputedStyle(sel);
    const lebar = sel.clientWidth - parseFloat(gaya.paddingLeft) - parseFloat(gaya.paddingRight);
    const jalan = document.createTreeWalker(sel, NodeFilter.SHOW_TEXT);
    let simpul;
    while ((simpul = jalan.nextNode())) {
      if (simpul.parentElement.closest('td, th') !== sel) continue;  // a nested table's own
      for (const token of simpul.data.matchAll(/\S+/g)) {
        const utuh = document.createRange();
        utuh.setStart(simpul, token.index);
        utuh.setEnd(simpul, token.index + token[0].length);
        const lebarToken = Array.from(utuh.getClientRects()).reduce((a, r) => a + r.width, 0);
        if (lebarToken >= lebar * 0.95) continue;  // wider than the cell: may break
        for (const m of token[0].matchAll(kata)) {
          const r = document.createRange();
          r.setStart(simpul, token.index + m.index);
          r.setEnd(simpul, token.index + m.index + m[0].length);
          const baris = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0)
                                .map(x => Math.round(x.top)));
          if (baris.size > 1) terpotong.push(m[0]);
        }
      }
    }
  }
  const melebar = Array.from(document.querySelectorAll('table')).filter(
    t => t.getBoundingClientRect().right > t.parentElement.getBoundingClientRect().right + 1
  ).map(t => t.className || 'table');
  return {terpotong, melebar};
}
"""


@pytest.fixture(scope="module")
def peramban(chromium: str):
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.mark.parametrize("nama", ["tiket", "kelaikan"])
def test_browser_splits_no_word_and_keeps_tables_inside(
        peramban, laporan_html: dict[str, str], nama: str, tmp_path: Path) -> None:
    berkas = tmp_path / f"{nama}.html"
    berkas.write_text(laporan_html[nama], encoding="utf-8")
    # a desktop, a laptop, a tablet, and A4 (794 px) as printed
    for lebar, media in ((1280, "screen"), (800, "screen"), (600, "screen"), (794, "print")):
        page = peramban.new_page(viewport={"width": lebar, "height": 1000})
        try:
            page.emulate_media(media=media)
            page.goto(berkas.as_uri())
            hasil = page.evaluate(_PERIKSA)
            if lebar == 1280 and media == "screen":
                page.screenshot(path=str(tmp_path / f"{nama}.png"), full_page=True)
        finally:
            page.close()
        assert hasil == {"terpotong": [], "melebar": []}, (lebar, media)
    assert (tmp_path / f"{nama}.png").stat().st_size > 10_000
    shutil.rmtree(tmp_path, ignore_errors=True)
