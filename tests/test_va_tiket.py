"""A VA ticket end to end: step 5 runs the vulnerability assessment of the form's addresses
(a Redis without a password on 127.0.14.8, inside the form's 127.0.14.0/24), the ticket
keeps the VA report as its ``kelaikan.json``, the full report beside it, and the ticket
report shows the hosts-and-services category. Served the way ``lpa up`` serves it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import va_bantu
from sop_bantu import Stack, buat_stack, form

from domain.laporan import baca_hasil_kelaikan
from domain.va.laporan import LaporanVA
from klien import operasi
from lpa.demo import pejabat_memutus, tunggu_arsip

pytestmark = [pytest.mark.lambat]
HOST = "127.0.14.8"


@pytest.fixture(scope="module")
def stack_va(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    va_bantu.perlu("nmap")
    yield from buat_stack(prefect_api, tmp_path_factory, LPA_VA_PORT="6379",
                          LPA_VA_MAX_RATE="2000")


def test_va_ticket_step_5_assesses_the_form_hosts(stack_va: Stack, tmp_path: Path) -> None:
    with va_bantu.redis(HOST, tmp_path / "redis", sandi=None):
        nomor = operasi.submit(stack_va.settings, form(
            "va.json", nama_aplikasi="Redis Terbuka", ip_aplikasi=HOST, ip_database=HOST,
            ip_jaringan="127.0.14.0/24"), "va")
        for _ in range(3):
            pejabat_memutus(stack_va.settings, nomor)
        status = tunggu_arsip(stack_va.settings, nomor)
    langkah = next(s for s in status["langkah"] if s["kode"] == "uji_kelaikan")
    assert "Hasil vulnerability assessment: TIDAK_LAYAK" in (langkah["catatan"] or "")
    folder = stack_va.settings.laporan_dir / nomor
    hasil = baca_hasil_kelaikan((folder / "kelaikan.json").read_bytes())
    assert isinstance(hasil, LaporanVA)
    assert {(t.host, t.port, t.check_id.split(".")[1]) for _, t in hasil.temuan()} >= {
        (HOST, 6379, "tanpa_otentikasi"), (HOST, 6379, "db_terjangkau")}
    assert (folder / "va" / "laporan.html").exists()
    laporan = (folder / "laporan.html").read_text(encoding="utf-8")
    assert "Host dan layanan" in laporan and "Layanan data tanpa otentikasi" in laporan
