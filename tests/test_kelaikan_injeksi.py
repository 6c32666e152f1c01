"""The injection classes a tester tries by hand, each with proof in the evidence and without
harming the application (issue 13): a file every system has through a file-naming parameter,
an arithmetic expression in a numeric parameter, a marker reflected unencoded."""

from __future__ import annotations

import asyncio

import pytest
from kelaikan_bantu import cepat, jalankan_cek  # noqa: F401 - cepat: an autouse fixture

from domain.kelaikan import TargetUji
from domain.kelaikan.injeksi import berkas_param, bukti_traversal, muatan_aritmetika, sama
from lpa.contoh_aplikasi import ContohAplikasi
from tasks.kelaikan import klien as kelaikan_http
from tasks.kelaikan.jelajah import jelajahi_situs
from tasks.kelaikan.klien import PembatasLaju

CEK_INJEKSI = ("input_error.traversal_path", "input_error.injeksi_sql_angka",
               "input_error.refleksi_canary")


@pytest.fixture(scope="module")
def bukti() -> dict[bool, dict[str, str]]:
    hasil: dict[bool, dict[str, str]] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kelaikan_http, "pembatas_untuk",
                   lambda url, per_detik=kelaikan_http.LAJU_DEFAULT: PembatasLaju(2000))
        for aman in (False, True):
            with ContohAplikasi(aman=aman) as app:
                target = TargetUji(url=app.url)
                halaman = asyncio.run(jelajahi_situs.fn(app.url))
                temuan = asyncio.run(jalankan_cek(CEK_INJEKSI, target, {"jelajah": halaman}))
                hasil[aman] = {cid: t[0].evidence if t else "" for cid, t in temuan.items()}
    return hasil


def test_path_traversal_is_proved_by_a_line_of_the_system_file(bukti: dict) -> None:
    assert bukti[False]["input_error.traversal_path"] == (
        "GET /unduh parameter 'berkas' = '../../../../../../../../etc/passwd' -> 200: isi "
        "berkas sistem tampil ('root:x:0:0:root:/root:/bin/bash')")
    assert bukti[True]["input_error.traversal_path"] == ""


def test_sql_in_a_number_is_proved_by_three_answers(bukti: dict) -> None:
    assert bukti[False]["input_error.injeksi_sql_angka"] == (
        "GET /izin parameter 'id' = '4-1' -> 200 menampilkan isi yang sama dengan id=3, bukan "
        "id=4: ekspresi dihitung oleh basis data")
    assert bukti[True]["input_error.injeksi_sql_angka"] == ""


def test_reflection_is_proved_by_the_text_around_the_marker(bukti: dict) -> None:
    teks = bukti[False]["input_error.refleksi_canary"]
    assert "GET /cari parameter 'q' -> 200: penanda <lpa" in teks
    assert "pencarian untuk: lpa" in teks and "'--><lpa" in teks  # the marker as it came
    assert bukti[True]["input_error.refleksi_canary"] == ""


def test_the_rules_on_recorded_answers() -> None:
    assert berkas_param("lang", "id") and berkas_param("x", "laporan-2024.pdf")
    assert not berkas_param("q", "izin usaha")
    assert bukti_traversal("root:x:0:0:root:/root:/bin/bash\nbin:x:1:1::/:") == \
        "root:x:0:0:root:/root:/bin/bash"
    assert bukti_traversal("; for 16-bit app support\n[fonts]\n") == "[fonts]" or \
        bukti_traversal("; for 16-bit app support\n[fonts]\n") == "; for 16-bit app support"
    assert bukti_traversal("<p>root adalah pengguna utama</p>") is None
    assert muatan_aritmetika("41") == ("42", "42-1") and muatan_aritmetika("a1") is None
    assert sama("<p>Izin 0003</p>", "<div>Izin  0003</div>")
    assert not sama("<p>Izin 0003</p>", "<p>Izin 0004</p>")


# --- never off scope --------------------------------------------------------------------------

def test_the_input_probes_never_leave_the_scope() -> None:
    from http.server import BaseHTTPRequestHandler
    from typing import Any

    import bantu
    from kelaikan_bantu import Umpan

    from domain.kelaikan import cek_kategori

    with Umpan() as umpan:
        class _Menuju(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                if self.path.split("?")[0] in ("/", "/halaman"):
                    data = (f'<script src="{umpan.url}/app.js"></script>'
                            f'<a href="{umpan.url}/unduh?berkas=a.pdf">unduh</a>'
                            f'<a href="{umpan.url}/izin?id=3">izin</a>'
                            '<a href="/halaman?id=3&amp;berkas=b.pdf">di sini</a>').encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                else:  # every other answer sends the visitor to the decoy
                    data = b""
                    self.send_response(302)
                    self.send_header("Location", f"{umpan.url}{self.path}")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        with bantu.server_web(_Menuju) as url:
            target = TargetUji(url=url)
            halaman = asyncio.run(jelajahi_situs.fn(url))
            # every observation of the category (the requests), then every judge
            asyncio.run(jalankan_cek([c.id for c in cek_kategori("input_error")], target,
                                     {"jelajah": halaman}))
        assert umpan.tersentuh == 0, umpan.permintaan
