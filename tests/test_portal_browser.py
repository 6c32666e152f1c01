"""The portal end to end in a real browser (issue 12): Debian's Chromium driven by Playwright
(never a downloaded browser), JavaScript switched off as a requester may have it, against the
served stack with the portal beside it, as ``lpa up`` runs them.

The story: a requester fills the feasibility-test form against the sample application with
three mistakes, sees each message beside its field, corrects them and receives a ticket
number and a tracking link (also mailed to both penanggung jawab); the Kepala Dinas returns
the request through the link in his mail; the requester answers from the tracking page; the
Kepala Dinas, the Kabid and the Pranata Komputer decide through their mailed links; the
ticket reaches the archive and the tracking page offers the reports, which are downloaded
and read. Every page is also looked at on a phone-sized screen (nothing wider than the
screen but inside a scrolling table) and saved as a screenshot in the test artifacts
(``$LPA_TEST_ARTEFAK``, else ``tests/artefak/portal-browser/``). With ``LPA_GAMBAR_README=1``
the README's picture of the tracking page (``docs/img/portal-lacak.png``) is written again.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bantu
import pytest
from portal_hidup import ROOT, TumpukanPortal, folder_artefak, tumpukan_portal
from portal_staf_bantu import KABID, KADIS, PETUGAS, PRAKOM
from sop_bantu import form, mails, wait_for_step, wait_suspended

from klien import operasi
from lpa.contoh_aplikasi import ContohAplikasi
from lpa.demo import tunggu_arsip
from portal import formulir
from portal.rute_lacak import PESAN_DILENGKAPI
from tasks.notifikasi import baca_kotak_keluar

pytestmark = pytest.mark.lambat

LAYAR = {"width": 1100, "height": 800}
PONSEL = {"width": 375, "height": 740}
"""A small phone (iPhone SE / a low-end Android's CSS width)."""

SALAH = {
    "pemohon.nip": ("19680910 199303 1 00", "harus 18 digit angka"),
    "penanggung_jawab_teknis.email": ("dedi.kurniawan@", "tidak valid"),
    "url_aplikasi": ("ftp://127.0.0.1/", "skema URL harus http atau https"),
}
"""The three mistakes: the value typed and a piece of the message shown beside the field."""

SURAT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# Measured in the page (Playwright's evaluation works with the page's JavaScript off): every
# element reaching past the screen's right edge that no scrolling box (a wide table's
# .tabel-gulir) holds.
MELEBAR = """() => {
  const w = document.documentElement.clientWidth, keluar = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1) continue;
    let a = e.parentElement, digulir = false;
    while (a && a !== document.body) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') { digulir = true; break; }
      a = a.parentElement;
    }
    if (!digulir) keluar.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));
  }
  return {lebar: document.documentElement.scrollWidth, layar: w, keluar: keluar.slice(0, 8)};
}"""


@pytest.fixture(scope="module")
def tumpukan(prefect_api: str, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[TumpukanPortal]:
    yield from tumpukan_portal(prefect_api, tmp_path_factory)


class Peramban:
    """The browser of the story: one context (cookies) per person, every page saved and looked
    at on a phone, what went wrong in any page (console errors, failed requests) gathered."""

    def __init__(self, browser: Any, folder: Path) -> None:
        self.browser = browser
        self.url = ""
        self.folder = folder
        self.nomor = 0
        self.masalah: list[str] = []
        self.halaman_dilihat: list[str] = []

    def orang(self) -> Any:
        ctx = self.browser.new_context(java_script_enabled=False, viewport=LAYAR,
                                       accept_downloads=True, locale="id-ID",
                                       timezone_id="Asia/Jakarta")
        page = ctx.new_page()
        # a refused request shows as its status below; any other console error (a style or
        # script the CSP blocked, a broken page) is a problem
        page.on("console", lambda m: m.type == "error"
                and not m.text.startswith("Failed to load resource")
                and self.masalah.append(f"console: {m.text} ({page.url})"))
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                and self.masalah.append(f"{r.status} {r.request.method} "
                                        f"{r.url.removeprefix(self.url)}"))
        return page

    def lihat(self, page: Any, nama: str, readme: str | None = None) -> None:
        """Save ``page`` (whole page, wide screen and phone) and check it fits the phone."""
        self.nomor += 1
        dasar = self.folder / f"{self.nomor:02d}-{nama}"
        page.screenshot(path=f"{dasar}.png", full_page=True)
        if readme and os.environ.get("LPA_GAMBAR_README") == "1":
            _gambar_readme(page.locator("main").screenshot(), ROOT / "docs" / "img" / readme)
        page.set_viewport_size(PONSEL)
        try:
            ukuran = page.evaluate(MELEBAR)
            assert ukuran["lebar"] <= ukuran["layar"] and not ukuran["keluar"], (nama, ukuran)
            page.screenshot(path=f"{dasar}-ponsel.png", full_page=True)
        finally:
            page.set_viewport_size(LAYAR)
        self.halaman_dilihat.append(nama)


def _gambar_readme(png: bytes, tujuan: Path) -> None:
    """The README's picture, kept small: 32 colours are plenty for a page of text."""
    from PIL import Image

    Image.open(io.BytesIO(png)).convert("RGB").quantize(
        colors=32, method=Image.Quantize.MEDIANCUT).save(tujuan, optimize=True)


@pytest.fixture(scope="module")
def peramban(chromium: str) -> Iterator[Peramban]:
    sync_api = pytest.importorskip("playwright.sync_api")
    folder = folder_artefak("portal-browser")
    for lama in folder.glob("*"):
        lama.unlink()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            yield Peramban(browser, folder)
        finally:
            browser.close()


def _isi(page: Any, isian: dict[str, str | list[str]]) -> None:
    """Type ``isian`` (dotted path → value, a list for repeated checkboxes) into the form."""
    for path, nilai in isian.items():
        kotak = page.locator(f'[name="{path}"]')
        jenis = kotak.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if jenis.startswith("select"):
            kotak.select_option(str(nilai))
        elif jenis == "input:checkbox":
            for v in nilai if isinstance(nilai, list) else [nilai]:
                if v:
                    page.check(f'[name="{path}"][value="{v}"]')
        else:
            kotak.fill(str(nilai))


def _tautan_keputusan(tp: TumpukanPortal, nomor: str, pejabat: tuple[str, str, str]) -> str:
    """The link in the newest decision mail of ``nomor``, which went to ``pejabat``."""
    surel = mails(tp.stack, nomor, "kode_keputusan")[-1]
    assert pejabat[2] in surel["kepada"], surel["kepada"]
    cocok = re.search(rf"{re.escape(tp.url)}/keputusan/[A-Za-z0-9_-]+", surel["isi"])
    assert cocok, surel["isi"]
    return cocok.group(0)


def _putuskan(pb: Peramban, tp: TumpukanPortal, nomor: str, kode: str,
              pejabat: tuple[str, str, str], keputusan: str, catatan: str) -> None:
    """``pejabat`` opens the link mailed for step ``kode`` and presses ``keputusan``."""
    menunggu = wait_for_step(tp.stack, nomor, kode, timeout=180)
    assert menunggu.nip == pejabat[0] and menunggu.flow_run_id
    wait_suspended(menunggu.flow_run_id, timeout=180)
    tautan = _tautan_keputusan(tp, nomor, pejabat)
    page = pb.orang()
    page.goto(tautan)
    assert page.locator("h1").first.inner_text().startswith("Mohon keputusan")
    assert nomor in page.content()
    assert page.locator('#formulir-permohonan [data-medan="nama_aplikasi"]').count() == 1
    pb.lihat(page, f"keputusan-{kode}")
    page.fill("#isian-catatan", catatan)
    page.click(f"#tombol-{keputusan}")
    hasil = page.locator("#hasil-keputusan")
    assert hasil.get_attribute("data-hasil") == "diterima", hasil.inner_text()
    assert page.locator("#keputusan-tercatat").inner_text() == keputusan
    pb.lihat(page, f"keputusan-{kode}-diterima")
    # the link is personal and one-time: opened again it decides nothing
    page.goto(tautan)
    assert page.locator("#formulir-keputusan").count() == 0
    page.context.close()


def test_request_returned_answered_decided_and_archived_in_a_browser(
        tumpukan: TumpukanPortal, aplikasi: ContohAplikasi, peramban: Peramban) -> None:
    tp, pb = tumpukan, peramban
    pb.url = tp.url
    data = form("uji_kelayakan.json", url_aplikasi=aplikasi.url,
                nama_aplikasi="SIPO Babel Lewat Peramban")
    isian = formulir.nilai_dari_data(formulir.formulir("uji-kelayakan"), data)
    sandi = data["akun_uji"]["password"]

    # --- the requester: the landing page, the form with three mistakes ----------------------
    pemohon = pb.orang()
    pemohon.goto(tp.url + "/")
    pb.lihat(pemohon, "beranda")
    pemohon.click('a[href="/permohonan/uji-kelayakan"]')
    assert pemohon.url == tp.url + "/permohonan/uji-kelayakan"
    pb.lihat(pemohon, "formulir-kosong")
    _isi(pemohon, isian | {path: salah for path, (salah, _) in SALAH.items()})
    pemohon.fill('[name="akun_uji.password"]', sandi)
    pemohon.set_input_files("#lampiran-surat_permohonan", {
        "name": "surat-permohonan.pdf", "mimeType": "application/pdf", "buffer": SURAT})
    pemohon.click("#tombol-kirim")

    assert "3 isian perlu diperbaiki" in pemohon.locator("#jumlah-galat").inner_text()
    assert sorted(e.get_attribute("data-galat-untuk") for e in
                  pemohon.locator(".galat[data-galat-untuk]").all()) == sorted(SALAH)
    for path, (salah, pesan) in SALAH.items():
        kotak = pemohon.locator(f'[name="{path}"]')
        # the message beside its own field: in the field's box, right under the input
        wadah = pemohon.locator(".isian", has=kotak)
        galat = wadah.locator(f'[data-galat-untuk="{path}"]')
        assert galat.is_visible() and pesan in galat.inner_text(), (path, galat.inner_text())
        assert f"({path})" in galat.inner_text()
        assert kotak.input_value() == salah  # what was typed is kept ...
        atas_kotak, atas_galat = kotak.bounding_box(), galat.bounding_box()
        assert 0 <= atas_galat["y"] - (atas_kotak["y"] + atas_kotak["height"]) < 60, path
    assert pemohon.locator('[name="pemohon.nama"]').input_value() == data["pemohon"]["nama"]
    assert pemohon.locator('[name="akun_uji.password"]').input_value() == ""  # ... never this
    assert sandi not in pemohon.content()
    assert "surat-permohonan.pdf" in pemohon.locator("#diterima-surat_permohonan").inner_text()
    pb.lihat(pemohon, "formulir-tiga-galat")

    # --- corrected: one ticket, a tracking link on the page and in both mails ---------------
    _isi(pemohon, {path: isian[path] for path in SALAH})
    pemohon.fill('[name="akun_uji.password"]', sandi)
    pemohon.click("#tombol-kirim")
    nomor = pemohon.locator("#nomor-tiket").inner_text()
    assert re.fullmatch(r"LPA-\d{4}-\d{6}", nomor), nomor
    tautan_lacak = pemohon.locator("#tautan-lacak").get_attribute("href")
    assert tautan_lacak.startswith(tp.url + "/lacak/")
    pb.lihat(pemohon, "permohonan-diterima")
    # mailed after the answer (decision 26): waited for, then exactly one
    bantu.tunggu(lambda: mails(tp.stack, nomor, "tautan_lacak"), 30,
                 pesan=f"no tracking link mailed for {nomor}")
    [surel] = mails(tp.stack, nomor, "tautan_lacak")
    assert set(surel["kepada"]) == {data["penanggung_jawab_struktural"]["email"],
                                    data["penanggung_jawab_teknis"]["email"]}
    assert tautan_lacak in surel["isi"]

    # --- the Kepala Dinas returns it; the requester answers from the tracking page ----------
    catatan_kembali = "Lampirkan manual pengguna versi terbaru sebelum pengujian."
    _putuskan(pb, tp, nomor, "disposisi_kadis", KADIS, "kembalikan", catatan_kembali)
    wait_for_step(tp.stack, nomor, "kelengkapan", timeout=180)
    pemohon.goto(tautan_lacak)
    assert pemohon.locator("#catatan-pengembalian").inner_text() == catatan_kembali
    pb.lihat(pemohon, "lacak-dikembalikan")
    pemohon.fill("#isian-catatan", "Manual pengguna versi 2.1 sudah kami kirim lewat surel.")
    pemohon.click("#tombol-lengkapi")
    assert pemohon.locator("#formulir-lengkapi").count() == 0
    assert pemohon.locator("#pesan-lacak").inner_text() == PESAN_DILENGKAPI
    assert "Manual pengguna versi 2.1" in pemohon.locator("#riwayat-pengembalian").inner_text()
    pb.lihat(pemohon, "lacak-dijawab")

    # --- the three officials decide through their mailed links ------------------------------
    _putuskan(pb, tp, nomor, "disposisi_kadis", KADIS, "setuju",
              "Teruskan ke Kabid e-Gov; kelengkapan sudah diterima.")
    _putuskan(pb, tp, nomor, "disposisi_kabid", KABID, "setuju",
              "Pranata Komputer, jadwalkan uji kerentanan.")
    _putuskan(pb, tp, nomor, "perintah_prakom", PRAKOM, "setuju",
              "Petugas service desk, laksanakan uji kelaikan.")

    # --- the archive: the tracking page offers the reports, which are the ticket's ----------
    status = tunggu_arsip(tp.settings, nomor, timeout=420)
    assert status["status"] == "diarsipkan"
    pemohon.goto(tautan_lacak)
    assert "diarsipkan" in pemohon.locator("#status-tiket").inner_text()
    keadaan = [td.inner_text() for td in
               pemohon.locator("#tabel-tahapan tbody td:last-child").all()]
    assert len(keadaan) == 7 and all(k.startswith("selesai") for k in keadaan), keadaan
    pb.lihat(pemohon, "lacak-diarsipkan", readme="portal-lacak.png")
    tautan = pemohon.locator("#daftar-laporan a")
    nama = sorted(a.inner_text() for a in tautan.all())
    assert nama == ["laporan.html", "laporan.pdf"], nama
    unduhan = {}
    for berkas in nama:
        with pemohon.expect_download() as tunggu:
            pemohon.click(f'#daftar-laporan a:text-is("{berkas}")')
        unduhan[berkas] = Path(tunggu.value.path()).read_bytes()
        (pb.folder / f"{nomor}-{berkas}").write_bytes(unduhan[berkas])
    arsip = tp.settings.laporan_dir / nomor
    assert unduhan["laporan.html"] == (arsip / "laporan.html").read_bytes()
    assert unduhan["laporan.pdf"] == (arsip / "laporan.pdf").read_bytes()
    html = unduhan["laporan.html"].decode("utf-8")
    assert nomor in html and status["nomor_agenda"] in html and catatan_kembali in html
    from pypdf import PdfReader

    teks = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(unduhan["laporan.pdf"])).pages)
    assert nomor in teks and status["nomor_agenda"] in teks
    assert sandi not in html and sandi not in teks

    # --- nothing else went wrong in any page: the form with mistakes (422) and the used
    # links opened again (410) were the only refusals; no console error ---------------------
    ditolak = [re.sub(r"/keputusan/[A-Za-z0-9_-]+", "/keputusan/…", m) for m in pb.masalah]
    assert ditolak == ["422 POST /permohonan/uji-kelayakan",
                       *["410 GET /keputusan/…"] * 4], pb.masalah
    assert len(pb.halaman_dilihat) == 15, pb.halaman_dilihat


def test_officer_signs_in_by_mailed_link_and_finds_the_ticket_on_the_operators_list(
        tumpukan: TumpukanPortal, peramban: Peramban) -> None:
    """A service-desk officer without a session is sent to sign in; the mailed one-time link
    signs her in; ``/operator`` lists a waiting ticket with its step; signing out ends it."""
    tp, pb = tumpukan, peramban
    pb.url, awal = tp.url, len(pb.masalah)
    nomor = operasi.submit(tp.settings, form("va.json", nama_aplikasi="Antre di Operator"),
                           "va")
    wait_for_step(tp.stack, nomor, "disposisi_kadis", timeout=180)

    page = pb.orang()
    page.goto(tp.url + "/operator")
    assert page.url == tp.url + "/masuk"
    pb.lihat(page, "masuk")
    page.fill("#isian-nip_atau_surel", PETUGAS[0])
    page.click("#tombol-kirim-tautan")
    assert page.locator("#pesan-terkirim").is_visible()
    pb.lihat(page, "masuk-terkirim")
    [surel] = [p for p in baca_kotak_keluar(tp.settings.outbox_dir)
               if p.get("jenis") == "tautan_masuk" and PETUGAS[2] in p["kepada"]]
    cocok = re.search(rf"{re.escape(tp.url)}/masuk/[A-Za-z0-9_-]+", surel["isi"])
    assert cocok, surel["isi"]
    page.goto(cocok.group(0))  # a mail scanner opening it signs nobody in: a button first
    assert page.locator("#nav-saya").count() == 0
    pb.lihat(page, "masuk-konfirmasi")
    page.click("#tombol-masuk")
    assert page.url == tp.url + "/saya"
    assert page.locator("#nav-saya").inner_text() == PETUGAS[1]
    pb.lihat(page, "saya")

    page.goto(tp.url + "/operator")
    baris = page.locator(f'#tabel-operator tr[data-tiket="{nomor}"]')
    assert baris.get_attribute("data-langkah") == "disposisi_kadis"
    assert "Antre di Operator" in baris.inner_text()
    pb.lihat(page, "operator")
    page.click("#tombol-keluar")
    assert page.locator("#nav-masuk").is_visible()
    assert page.locator("#pesan-keluar").is_visible()
    page.goto(tp.url + "/operator")
    assert page.url == tp.url + "/masuk"
    # the used sign-in link is dead: pressed again it signs nobody in (410)
    page.goto(cocok.group(0))
    page.click("#tombol-masuk")
    assert "sudah dipakai" in page.locator("main").inner_text()
    assert page.locator("#nav-masuk").is_visible()
    pb.lihat(page, "masuk-tautan-terpakai")
    ditolak = [re.sub(r"/masuk/[A-Za-z0-9_-]+", "/masuk/…", m) for m in pb.masalah[awal:]]
    assert ditolak == ["410 POST /masuk/…"], pb.masalah[awal:]
