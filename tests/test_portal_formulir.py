"""The portal's forms without Prefect: names and labels from the models, errors beside their
fields, the password never echoed, CSRF, attachments recognised by content, headers, error
pages. (Opening a ticket is in test_portal_lacak.py, against a real Prefect stack.)"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from portal_bantu import buka_formulir, contoh, isian_browser, kirim, portal
from sqlalchemy import select

from portal import lampiran
from settings import Settings
from store import db
from store.models import AuditEvent

GALAT = re.compile(r'data-galat-untuk="([^"]*)"[^>]*>([^<]*)<')


@pytest.fixture()
def client(tmp_path: Path):  # noqa: ANN201
    return portal(tmp_path)


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<Types><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _odt() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", lampiran.ODT)
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_forms_have_dotted_names_labels_and_help_in_the_catalog_order(client) -> None:
    r = client.get("/permohonan/uji-kelayakan")
    assert r.status_code == 200
    html = r.text
    for nama in ("nama_aplikasi", "pemohon.nip", "penanggung_jawab_teknis.email",
                 "uji_beban.pengguna_per_hari", "akun_uji.password", "dokumentasi.dokumen_uat"):
        assert f'name="{nama}"' in html
    # a set is repeated checkboxes, a Literal a select
    assert html.count('type="checkbox" name="jenis_pengujian"') == 2
    assert '<select name="platform"' in html
    assert ">Alamat surat elektronik" in html and "NIP PNS atau NI PPPK" in html
    assert html.index('name="nama_aplikasi"') < html.index('name="url_aplikasi"') \
        < html.index('name="pemohon.nip"')
    assert 'name="kelengkapan' not in client.get("/permohonan/pembangunan").text
    assert 'name="ip_jaringan"' in client.get("/permohonan/va").text
    assert client.get("/permohonan/tidak-ada").status_code == 404


def test_landing_page_links_the_three_forms(client) -> None:
    html = client.get("/").text
    for jenis in ("pembangunan", "uji-kelayakan", "va"):
        assert f'href="/permohonan/{jenis}"' in html
    assert "Mutu baku" in html and "Kadis Kominfo" in html


def test_errors_beside_their_fields_count_kept_values_no_password(client, tmp_path) -> None:
    data = contoh("uji-kelayakan")
    data["pemohon"]["nip"] = "123"
    data["url_aplikasi"] = "ftp://contoh.go.id"
    data["jenis_pengujian"] = ["uji_kerentanan", "stress_test"]  # uji_beban then required
    r = kirim(client, "uji-kelayakan", isian_browser("uji-kelayakan", data))
    assert r.status_code == 422
    galat = dict(GALAT.findall(r.text))
    assert set(galat) == {"pemohon.nip", "url_aplikasi", "uji_beban"}
    assert galat["pemohon.nip"] == "NIP (pemohon.nip) harus 18 digit angka (tertulis 3 digit)"
    assert "3 isian perlu diperbaiki" in r.text
    assert 'value="Sistem Informasi Perizinan Online (SIPO) Babel"' in r.text
    assert 'value="123"' in r.text and 'value="uji_kerentanan" id="isian-jenis-pengujian-' \
        'uji_kerentanan"\n      checked' in r.text
    assert "Penguji#2024" not in r.text
    with db.session_scope(Settings(data_dir=tmp_path).store_url) as s:
        kinds = s.scalars(select(AuditEvent.detail).where(AuditEvent.kind == "portal_ditolak"))
        assert any(d["alasan"] == "formulir_tidak_sah" for d in kinds)


def test_post_without_a_good_csrf_token_is_refused_and_audited(client, tmp_path) -> None:
    data = isian_browser("va", contoh("va"))
    r = kirim(client, "va", data, csrf="palsu")
    assert r.status_code == 403
    assert "tanda keamanannya tidak sah" in r.text and "Traceback" not in r.text
    client.cookies.clear()
    _, t = buka_formulir(portal(tmp_path), "va")
    r = client.post("/permohonan/va", data={"token_formulir": t})
    assert r.status_code == 403
    with db.session_scope(Settings(data_dir=tmp_path).store_url) as s:
        alasan = [d["alasan"] for d in s.scalars(
            select(AuditEvent.detail).where(AuditEvent.kind == "portal_ditolak"))]
    assert "csrf_palsu" in alasan and "csrf_tanpa_cookie" in alasan


@pytest.mark.parametrize("nama, isi", [
    ("surat.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200),  # a Windows executable
    ("surat.pdf", b"<!doctype html><script>alert(1)</script>"),
    ("surat.docx", b"PK\x03\x04" + b"\0" * 100),  # a broken ZIP
])
def test_attachment_recognised_by_content_not_name(client, nama: str, isi: bytes) -> None:
    r = kirim(client, "va", isian_browser("va", contoh("va")),
              files={"lampiran.surat_permohonan": (nama, isi, "application/pdf")})
    assert r.status_code == 422
    galat = dict(GALAT.findall(r.text))
    assert "bukan PDF, DOCX atau ODT" in galat["lampiran.surat_permohonan"]


def test_attachment_too_large_is_refused(tmp_path) -> None:
    client = portal(tmp_path, unggah_maks_mb=0.001)
    r = kirim(client, "va", isian_browser("va", contoh("va")),
              files={"lampiran.surat_permohonan": ("surat.pdf", PDF + b"0" * 2000, "x/y")})
    assert r.status_code == 422
    assert "terlalu besar; maksimal 0,001 MB" in dict(GALAT.findall(r.text))[
        "lampiran.surat_permohonan"]


def test_a_body_larger_than_the_form_can_be_is_refused_before_it_is_read(tmp_path) -> None:
    client = portal(tmp_path, unggah_maks_mb=0.001)
    besar = b"%PDF-" + b"0" * 2_100_000
    r = kirim(client, "va", isian_browser("va", contoh("va")),
              files={"lampiran.surat_permohonan": ("surat.pdf", besar, "application/pdf")})
    assert r.status_code == 413 and "Kiriman terlalu besar" in r.text


def test_pdf_docx_odt_recognised_and_kept_for_the_corrected_form(client) -> None:
    assert lampiran.kenali(PDF) == lampiran.PDF
    assert lampiran.kenali(_docx()) == lampiran.DOCX
    assert lampiran.kenali(_odt()) == lampiran.ODT
    data = contoh("uji-kelayakan")
    data["pemohon"]["nip"] = "123"
    r = kirim(client, "uji-kelayakan", isian_browser("uji-kelayakan", data),
              files={"lampiran.manual_pengguna": ("Manual pengguna.exe", _odt(), "x/y")})
    assert r.status_code == 422
    assert "Sudah diterima: Manual pengguna.odt" in r.text


def test_security_headers_and_indonesian_error_pages(client) -> None:
    r = client.get("/permohonan/va")
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "<script" not in r.text and "style=" not in r.text
    assert 'name="viewport"' in r.text
    assert client.head("/permohonan/va").status_code == 200  # monitors and scanners ask HEAD
    r = client.get("/tidak/ada")
    assert r.status_code == 404 and "Halaman tidak ditemukan" in r.text
    assert r.headers["referrer-policy"] == "no-referrer"


def test_favicon_is_served_and_linked_from_every_page(client) -> None:
    """Every browser asks /favicon.ico on its first page: an icon, not a 404 page."""
    for path in ("/", "/permohonan/va", "/masuk", "/tidak/ada"):
        html = client.get(path).text
        assert '<link rel="icon" href="/favicon.ico"' in html, path
        assert '<link rel="icon" href="/static/ikon.svg" type="image/svg+xml">' in html, path
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"
    # an ICO directory with one 16x16 image, small, cached a day, with the portal's headers
    assert r.content[:4] == b"\0\0\1\0" and r.content[6:8] == b"\x10\x10"
    assert len(r.content) < 4096
    assert "max-age=86400" in r.headers["cache-control"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.head("/favicon.ico").status_code == 200
    r = client.get("/static/ikon.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert b"<script" not in r.content


def test_unexpected_error_is_a_page_without_internals_and_logged(tmp_path) -> None:
    client = portal(tmp_path)
    client.app.state.settings = client.app.state.settings.model_copy(
        update={"unggah_maks_mb": "bukan angka"})  # the form page will fail to render
    client = type(client)(client.app, raise_server_exceptions=False)
    r = client.get("/permohonan/va")
    assert r.status_code == 500
    assert "Terjadi kesalahan" in r.text and "Traceback" not in r.text
    assert r.headers["content-security-policy"]
    assert "Traceback" in (tmp_path / "log" / "portal-galat.log").read_text()


def test_submissions_are_rate_limited_per_address_and_audited(tmp_path) -> None:
    client = portal(tmp_path, portal_batas_kirim="2/minute")
    data = isian_browser("va", contoh("va") | {"ip_aplikasi": "bukan ip"})
    assert [kirim(client, "va", data).status_code for _ in range(2)] == [422, 422]
    r = kirim(client, "va", data)
    assert r.status_code == 429 and "Terlalu banyak permintaan" in r.text
    assert 1 <= int(r.headers["retry-after"]) <= 60
    with db.session_scope(Settings(data_dir=tmp_path).store_url) as s:
        assert any(d["alasan"] == "batas_kirim" for d in s.scalars(
            select(AuditEvent.detail).where(AuditEvent.kind == "portal_ditolak")))
