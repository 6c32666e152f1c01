"""Issue 10, "Safety first": text from requesters never becomes structure where it is shown.

domain/teks.py's md_aman/md_kode, used wherever such text enters Markdown (the description
above the Prefect resume form, the artifacts, the Markdown reports), rendered with two
Markdown engines (Python-Markdown and markdown-it-py, both already in the environment);
the HTML templates are autoescaped; the test target (`lpa kelaikan`) follows the form's
address rules.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import DictLoader, Environment
from markdown_it import MarkdownIt
from pydantic import ValidationError

from domain.forms import PermohonanUjiKelayakan
from domain.kelaikan import (
    CEK,
    KATEGORI_KEAMANAN,
    LaporanKelaikan,
    TargetUji,
    cek_kategori,
    hasil_kategori,
    kategori_tidak_diuji,
)
from domain.laporan import BarisDisposisi, LaporanTiket
from domain.sop import JenisLayanan, langkah
from domain.teks import md_aman, md_kode

FIXTURES = Path(__file__).parent / "fixtures" / "forms"
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)

JAHAT = "Aplikasi\n# Penting\n[klik di sini](http://phish.example/)"
"""The issue's example: a heading and a phishing link hidden in an application name."""
JAHAT_LAIN = [
    JAHAT,
    "Aplikasi # Penting [klik di sini](http://phish.example/)",  # passes the form's rules
    "# Penting",
    "## Penting ##",
    "- butir\n1. nomor\n> kutipan",
    "Judul\n=====",
    "<script>alert(1)</script><b>tebal</b>",
    "![gambar](http://phish.example/x.png)",
    "[rujukan][1]\n\n[1]: http://phish.example/",
    "<http://phish.example/>",
    "http://phish.example/ dan www.phish.example",
    "**tebal** _miring_ ~~coret~~ `kode`",
    "a | b | c",
    "&lt;script&gt; &amp;",
    "\\# bukan judul \\[",
    "1) satu",
    "+ plus",
    "x\u202ey\u200bz\x00w",
]
_STRUKTUR = re.compile(r"<(a|h[1-6]|img|script|b|strong|em|code|del|s|ul|ol|li|blockquote|"
                       r"table|hr|pre)\b")


def _mdit() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _render_semua(teks: str) -> list[str]:
    return [markdown.markdown(teks, extensions=["tables"]), _mdit().render(teks)]


def _kata(teks: str) -> str:
    return " ".join(re.sub(r"[\x00-\x1f\x7f\u200b\u202e]", " ", teks).split())


# --- md_aman / md_kode -------------------------------------------------------------------------

@pytest.mark.parametrize("teks", JAHAT_LAIN)
def test_md_aman_renders_as_one_plain_paragraph(teks: str) -> None:
    aman = md_aman(teks)
    assert "\n" not in aman
    assert "://" not in aman and "www." not in aman  # no GFM bare-URL autolink either
    for hasil in _render_semua(aman):
        assert not _STRUKTUR.search(hasil), hasil
        assert hasil.count("<p>") == 1
    # CommonMark (the Prefect UI's family) shows exactly the words that were written.
    teks_html = re.sub(r"</?p>", "", _mdit().render(aman)).strip()
    assert html.unescape(teks_html) == _kata(teks)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Z", "Cc"]),
               max_size=60))
def test_md_aman_never_makes_structure(teks: str) -> None:
    aman = md_aman(teks)
    hasil = _mdit().render(aman)
    assert not _STRUKTUR.search(hasil), (teks, aman, hasil)
    if aman:
        assert html.unescape(re.sub(r"</?p>", "", hasil)).strip() == \
            " ".join("".join(" " if ord(k) < 32 or 127 <= ord(k) < 160 else k
                             for k in teks).split())


def test_md_aman_leaves_ordinary_text_readable() -> None:
    assert md_aman("Dinas Kesehatan Provinsi Kepulauan Bangka Belitung") == \
        "Dinas Kesehatan Provinsi Kepulauan Bangka Belitung"
    assert md_aman("PHP 8.2 (Laravel), MySQL 8.0") == "PHP 8.2 (Laravel), MySQL 8.0"
    assert md_aman(None) == "" and md_aman("  \n ") == ""
    assert md_aman("a | b") == "a \\| b"  # a table cell stays one cell


@pytest.mark.parametrize("teks", ["http://a.example/?q=`](http://phish.example/)",
                                  "``x``", "`", "a|b"])
def test_md_kode_is_one_code_span(teks: str) -> None:
    for hasil in _render_semua(md_kode(teks)):
        assert hasil.count("<code>") == 1 and "<a" not in hasil
    baris = f"| {md_kode('a|b', tabel=True)} | x |"
    tabel = _mdit().render(f"| k | l |\n|---|---|\n{baris}\n")
    assert tabel.count("<td>") == 2 and "<code>a|b</code>" in tabel


# --- Where requester text is shown -------------------------------------------------------------

def _form(nama_aplikasi: str) -> dict[str, Any]:
    data = json.loads((FIXTURES / "uji_kelayakan.json").read_text(encoding="utf-8"))
    data["nama_aplikasi"] = nama_aplikasi
    return data


def _tanpa_struktur_dari_pemohon(md: str, judul_kita: int) -> None:
    """No heading, link, image or HTML but the ``judul_kita`` headings we wrote ourselves."""
    for hasil in _render_semua(md):
        assert "<a" not in hasil and "<img" not in hasil and "<script" not in hasil, hasil
        assert len(re.findall(r"<h[1-6]", hasil)) == judul_kita, hasil
    assert "Penting" in md and "klik di sini" in md


def test_form_refuses_the_multi_line_name_but_a_one_line_one_passes() -> None:
    with pytest.raises(ValidationError):
        PermohonanUjiKelayakan.model_validate(_form(JAHAT))
    form = PermohonanUjiKelayakan.model_validate(_form(" ".join(JAHAT.split())))
    assert form.nama_aplikasi.startswith("Aplikasi # Penting [klik")


@pytest.mark.parametrize("nama", [JAHAT, " ".join(JAHAT.split())])
def test_resume_form_description_shows_the_name_as_words(nama: str) -> None:
    """What officials read above the Prefect Resume form (domain/dialog.uraian). The store
    may hold a name from before the form's rules, so the multi-line one is shown too."""
    from domain.dialog import TiketDialog, uraian

    tiket = TiketDialog(
        nomor="LPA-2026-000001", jenis=JenisLayanan.UJI_KELAYAKAN.label, nama_aplikasi=nama,
        instansi="Dinas <b>X</b>\n## Instansi palsu")
    md = uraian(tiket, langkah("disposisi_kadis"), "[Budi](http://phish.example/) (NIP 1)",
                T0 + timedelta(hours=1), 0)
    for baris in md.splitlines():
        assert not baris.startswith("#") or baris.startswith("## LPA-2026-000001: "), baris
    _tanpa_struktur_dari_pemohon(md, judul_kita=1)
    assert "Dinas &lt;b&gt;X&lt;/b&gt; \\#\\# Instansi palsu" in md


def test_feasibility_artifact_escapes_target_reason_and_evidence() -> None:
    from tasks.kelaikan.artefak import ringkasan_markdown

    target = "http://127.0.0.1:8765/?q=`](http://phish.example/)"
    temuan = CEK["lain_lain.versi_terungkap"].temuan(JAHAT)
    kategori = [hasil_kategori(k, [], [c.id for c in cek_kategori(k)])
                for k in KATEGORI_KEAMANAN if k not in ("dbms", "lain_lain")]
    kategori += [kategori_tidak_diuji("dbms", "galat | " + JAHAT),
                 hasil_kategori("lain_lain", [temuan], ["lain_lain.versi_terungkap"])]
    laporan = LaporanKelaikan.susun(target, T0, T0 + timedelta(seconds=5), kategori)
    md = ringkasan_markdown(laporan)
    # ours: "# Uji kelaikan", "## Mengapa bukan LAYAK" (the reason, escaped, in its list),
    # "## Temuan", "### [rendah] …"
    _tanpa_struktur_dari_pemohon(md, judul_kita=4)
    tabel = _mdit().render(md)
    assert tabel.count("<tr>") == 1 + len(laporan.categories)
    assert all(baris.count("<td>") == 4 for baris in re.findall(r"<tr>\s*<td>.*?</tr>", tabel,
                                                                  re.S))


def test_ticket_report_markdown_escapes_notes_and_cells() -> None:
    from tasks.laporan import render_laporan_markdown

    laporan = LaporanTiket(
        nomor="LPA-2026-000002", jenis="Uji Kelayakan Aplikasi", nama_aplikasi=JAHAT,
        instansi="Dinas | Palsu", status="selesai", hasil="disetujui", dibuat=T0,
        ditutup=T0, formulir={}, langkah=[],
        disposisi=[BarisDisposisi(T0, "Kepala Dinas", "1", "setuju", JAHAT, None)],
        dibuat_pada=T0, catatan_tindak_lanjut=["# Penting [klik di sini](http://phish.example/)"],
    )
    md = render_laporan_markdown(laporan)
    # ours: the title and "Langkah SOP", "Disposisi", "Catatan tindak lanjut"
    _tanpa_struktur_dari_pemohon(md, judul_kita=4)


def _evaluasi(nama: str, instansi: str, url: str, galat: str) -> dict[str, Any]:
    aplikasi = {"nomor": "LPA-2026-000003", "aplikasi": nama, "url": url, "persen": 90.0,
                "slot_jawab": 9, "slot_total": 10, "memenuhi": True,
                "cek_sekarang": {"ok": False, "status": None, "galat": galat}}
    return {
        "periode": "2026-11", "dibuat": T0.isoformat(),
        "prosedur": {"per_langkah": [], "kelompok_umur": [], "backlog": [],
                     "per_instansi": [{"kelompok": instansi, "tiket": 1, "langkah": 2,
                                       "terlambat": 0, "persen_tepat": 100.0}],
                     "per_jenis": []},
        "teknis": {"verdict": {}, "temuan_tersering": [],
                   "uji_ulang": [{"nomor": "LPA-2026-000003", "aplikasi": nama, "url": url,
                                  "verdict": "LAYAK", "galat": galat, "dibanding": "-",
                                  "temuan": [], "baru": [], "hilang": []}]},
        "implementasi": {"layanan": {"persen": 95.0, "slot_jawab": 19, "slot_total": 20,
                                     "target": 90.0, "memenuhi": True},
                         "aplikasi": [aplikasi]},
    }


def test_evaluation_markdown_and_html_escape_names_urls_and_errors() -> None:
    from tasks.evaluasi import _env, grafik

    data = _evaluasi(JAHAT, "Dinas | <script>x</script>",
                     "http://127.0.0.1/?q=`](http://phish.example/)", "galat\n# " + JAHAT)
    konteks = {"d": data, "grafik": grafik(data), "dibuat": "30-11-2026 09:00 WIB"}
    md = _env().get_template("evaluasi.md.j2").render(**konteks)
    # ours: the title and the three numbered sections
    _tanpa_struktur_dari_pemohon(md, judul_kita=4)
    html_teks = _env().get_template("evaluasi.html.j2").render(**konteks)
    assert "<script" not in html_teks and "&lt;script&gt;" in html_teks
    assert 'href="http://phish' not in html_teks


# --- HTML: autoescape --------------------------------------------------------------------------

def _lingkungan() -> dict[str, Environment]:
    from tasks import evaluasi, laporan, stress
    from tasks.kelaikan import laporan as laporan_kelaikan

    return {"tasks.laporan": laporan._ENV, "tasks.kelaikan.laporan": laporan_kelaikan._ENV,
            "tasks.evaluasi": evaluasi._env(), "tasks.stress": stress._ENV}


@pytest.mark.parametrize("nama", sorted(p.name for p in TEMPLATES.glob("*.html.j2")))
def test_every_html_template_is_autoescaped_wherever_it_is_rendered(nama: str) -> None:
    for modul, env in _lingkungan().items():
        uji = env.overlay(loader=DictLoader({nama: "{{ x }}"}))
        hasil = uji.get_template(nama).render(x="<script>")
        assert hasil == "&lt;script&gt;", f"{modul} renders {nama} without autoescape"


# --- The test target of `lpa kelaikan` follows the same address rules ------------------------

@pytest.mark.parametrize(
    ("ubah", "pesan"),
    [({"url": "http://2130706433/"}, "bukan alamat IPv4 baku"),
     ({"url": "http://[::ffff:169.254.169.254]/"}, "link-local"),
     ({"url": "http://169.254.169.254/latest/"}, "link-local"),
     ({"url": "http://127.0.0.1/\u202e"}, "karakter kendali"),
     ({"db_host": "0x7f000001"}, "Host basis data: host '0x7f000001' bukan alamat IPv4 baku"),
     ({"db_host": "169.254.169.254"}, "link-local"),
     ({"network": "128.0.0.0/1"}, "terlalu luas"),
     ({"network": "0.0.0.0/0"}, "tak tertentu")],
)
def test_test_target_refuses_what_the_form_refuses(ubah: dict[str, str], pesan: str) -> None:
    with pytest.raises(ValidationError) as info:
        TargetUji(**({"url": "http://127.0.0.1:8765/"} | ubah))
    assert pesan in str(info.value)


def test_test_target_keeps_loopback_and_names() -> None:
    t = TargetUji(url="http://127.0.0.2:8080/", db_host="localhost", network="10.1.2.3/24")
    assert (t.db_host, t.network) == ("localhost", "10.1.2.0/24")
    assert TargetUji(url="http://[::1]:8080/", db_host="::1").db_host == "::1"
