"""Periodic evaluation (flows/evaluasi.py, lpa evaluate, lpa produksi).

Seeded step records, feasibility results, heartbeats and probes for November 2026 on the
real business calendar; every figure below is computed by hand in the comments. The
re-run of the security categories goes against the vulnerable twin of the sample
application on 127.0.0.1, marked in production after a (seeded) test that found only one
thing: the re-run must report the rest as new.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import bantu
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from domain import evaluasi as ev
from domain import kelaikan as kl
from domain.calendar import WIB, BusinessCalendar
from domain.ketersediaan import slot_layanan
from domain.sop import JenisLayanan, langkah
from lpa.cli import app
from lpa.contoh_aplikasi import ContohAplikasi
from settings import get_settings
from store import db, repo
from store.models import AppProbe, KelaikanRerun, ProductionApp, ServiceHeartbeat
from tasks.pelaporan import simpan_kelaikan

ROOT = Path(__file__).resolve().parents[1]
KAL = BusinessCalendar()
NOV = ev.periode("2026-11")


def wib(bulan: int, hari: int, jam: int, menit: int = 0) -> datetime:
    return datetime(2026, bulan, hari, jam, menit, tzinfo=WIB)


def test_period_percentiles_and_shares() -> None:
    assert (NOV.mulai, NOV.selesai) == (wib(11, 1, 0), wib(12, 1, 0))
    assert ev.periode("2026-12").selesai == datetime(2027, 1, 1, tzinfo=WIB)
    assert ev.periode_lalu(wib(12, 1, 7)).label == "2026-11"
    with pytest.raises(ValueError, match="TTTT-BB"):
        ev.periode("2026-13")
    assert ev.persentil([1 / 3, 1 / 2, 1], 90) == pytest.approx(0.9)  # 0.5 + 0.8 × 0.5
    assert ev.persentil([7.0], 90) == 7.0 and ev.persentil([], 90) is None
    assert ev.persen(0, 0) is None and ev.persen(2, 3) == pytest.approx(66.6667, rel=1e-4)
    assert ev.temuan_baru(["a", "b"], ["b", "c"]) == (["a"], ["c"])


@pytest.fixture
def lingkungan(store_url: str, tmp_path: Path, pengaturan_uji: bantu.Pengaturan) -> str:
    pengaturan_uji(data_dir=tmp_path / "data", database_url=store_url,
                   roster_file=ROOT / "config" / "roster.yaml")
    return store_url


def _tiket(s, nama: str, instansi: str, jenis: JenisLayanan, buka: datetime,
           langkah_: list[tuple[str, datetime, datetime | None]]) -> str:
    ticket, _ = repo.open_ticket(s, request_type=jenis, form={}, application_name=nama,
                                 agency=instansi, received_at=buka, calendar=KAL,
                                 opened_at=buka)
    for kode, mulai, selesai in langkah_:
        step = repo.start_step(s, ticket, langkah(kode), mulai, KAL)
        if selesai is not None:
            repo.finish_step(s, step, selesai)
    return ticket.number


def _hasil_uji(verdict: str, target: str, temuan: list[str]) -> kl.LaporanKelaikan:
    from domain.kelaikan import CEK, LaporanKelaikan, hasil_kategori

    waktu = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)
    kategori = hasil_kategori("lain_lain", [CEK[c].temuan("bukti") for c in temuan], temuan)
    return LaporanKelaikan(verdict=verdict, target=target, started=waktu, finished=waktu,
                           categories=[kategori])


def tanam(url: str) -> dict[str, str]:
    """Tickets A..E of the module docstring; returns their numbers."""
    with db.session_scope(get_settings().store_url) as s:
        nomor = {
            # A, Dinas A: kadis 09:00-09:20 (20 min, in time), kabid 09:20-10:00 (due 09:35: late)
            "A": _tiket(s, "Aplikasi A", "Dinas A", JenisLayanan.VA, wib(11, 2, 9), [
                ("disposisi_kadis", wib(11, 2, 9), wib(11, 2, 9, 20)),
                ("disposisi_kabid", wib(11, 2, 9, 20), wib(11, 2, 10))]),
            # B, Dinas B: kadis Tue 15:50 - Wed 08:20 (30 min: exactly at due, in time),
            # kabid 08:20-08:30 (10 min), test 08:30-09:30 (1 h)
            "B": _tiket(s, "Aplikasi B", "Dinas B", JenisLayanan.UJI_KELAYAKAN, wib(11, 3, 15, 50),
                        [("disposisi_kadis", wib(11, 3, 15, 50), wib(11, 4, 8, 20)),
                         ("disposisi_kabid", wib(11, 4, 8, 20), wib(11, 4, 8, 30)),
                         ("uji_kelaikan", wib(11, 4, 8, 30), wib(11, 4, 9, 30))]),
            # C, Dinas A: kadis 10:00-11:00 (60 min, late); kabid from 11:00, still open
            "C": _tiket(s, "Aplikasi C", "Dinas A", JenisLayanan.VA, wib(11, 5, 10), [
                ("disposisi_kadis", wib(11, 5, 10), wib(11, 5, 11)),
                ("disposisi_kabid", wib(11, 5, 11), None)]),
            # D, October: outside the period
            "D": _tiket(s, "Aplikasi D", "Dinas A", JenisLayanan.VA, wib(10, 30, 9), [
                ("disposisi_kadis", wib(10, 30, 9), wib(10, 30, 9, 10))]),
            # E, Dinas B: test 09:00-10:00 (1 h)
            "E": _tiket(s, "Aplikasi E", "Dinas B", JenisLayanan.UJI_KELAYAKAN, wib(11, 9, 9),
                        [("uji_kelaikan", wib(11, 9, 9), wib(11, 9, 10))]),
        }
        # heartbeat: every slot of November's 21 working days (2016 slots) answered, except
        # 20 slots on Nov 2 that answered "down" and all of Nov 30 (a gap): 1900 / 2016
        slots = slot_layanan(NOV.mulai, NOV.selesai, KAL)
        assert len(slots) == 21 * 96
        s.add_all(ServiceHeartbeat(at=t + timedelta(seconds=30), prefect_ok=True, store_ok=True,
                                   serving_ok=i >= 20, answered=i >= 20, detail={})
                  for i, t in enumerate(slots) if t < wib(11, 30, 0))
    simpan_kelaikan(nomor["B"], _hasil_uji("LAYAK_DENGAN_CATATAN", url,
                                           ["lain_lain.header_keamanan"]))
    simpan_kelaikan(nomor["E"], _hasil_uji("TIDAK_LAYAK", url,
                                           ["lain_lain.header_keamanan",
                                            "lain_lain.versi_terungkap"]))
    return nomor


def test_procedure_figures_by_hand_on_both_stores(lingkungan: str) -> None:
    from tasks.evaluasi import kumpulkan_prosedur

    tanam("http://127.0.0.1:9/")
    data = kumpulkan_prosedur.fn(NOV)
    per = {r["kode"]: r for r in data["per_langkah"]}
    assert list(per) == ["pengajuan", "disposisi_kadis", "disposisi_kabid", "uji_kelaikan"]
    assert per["pengajuan"]["jumlah"] == 4 and per["pengajuan"]["persen_tepat"] == 100
    kadis = per["disposisi_kadis"]  # A 20 min, B 30 min, C 60 min (late); D is October
    assert (kadis["jumlah"], kadis["tepat_waktu"], kadis["terlambat"]) == (3, 2, 1)
    assert kadis["persen_tepat"] == pytest.approx(200 / 3)
    assert kadis["median_jam"] == pytest.approx(0.5) and kadis["p90_jam"] == pytest.approx(0.9)
    kabid = per["disposisi_kabid"]  # A 40 min (late), B 10 min; C still open
    assert (kabid["jumlah"], kabid["terlambat"]) == (2, 1)
    assert kabid["median_jam"] == pytest.approx(25 / 60)
    assert kabid["p90_jam"] == pytest.approx(37 / 60)  # 10 + 0.9 × 30 min
    assert per["uji_kelaikan"]["median_jam"] == pytest.approx(1.0)
    assert per["uji_kelaikan"]["mutu_baku_jam"] == 40
    instansi = {r["kelompok"]: r for r in data["per_instansi"]}
    # Dinas A: A (3 steps) + C (2 finished), 2 late; Dinas B: B (4) + E (2), none late
    assert (instansi["Dinas A"]["tiket"], instansi["Dinas A"]["langkah"],
            instansi["Dinas A"]["terlambat"]) == (2, 5, 2)
    assert instansi["Dinas A"]["persen_tepat"] == pytest.approx(60.0)
    assert (instansi["Dinas B"]["langkah"], instansi["Dinas B"]["persen_tepat"]) == (6, 100)
    jenis = {r["kelompok"]: r["langkah"] for r in data["per_jenis"]}
    assert jenis == {"Vulnerability Assessment": 5, "Uji Kelayakan Aplikasi": 6}
    # backlog at Dec 1: C's kabid step, open since Nov 5 11:00 = 5 h + 17 working days
    [tunggak] = data["backlog"]
    assert tunggak["kode"] == "disposisi_kabid" and tunggak["terlambat"] == 1
    assert tunggak["per_umur"] == {"< 1 jam kerja": 0, "1-8 jam kerja": 0,
                                   "1-5 hari kerja": 0, "> 5 hari kerja": 1}


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_evaluate_command_reruns_production_app_and_writes_report(
        lingkungan: str, prefect_api: str, tmp_path: Path) -> None:
    runner = CliRunner()
    hasil = runner.invoke(app, ["evaluate", "--period", "2026-13"])
    assert hasil.exit_code == 2 and "TTTT-BB" in hasil.output
    with ContohAplikasi(aman=False) as aplikasi:
        nomor = tanam(aplikasi.url)
        # only a passed test may be marked; the refusal names the rule
        hasil = runner.invoke(app, ["produksi", nomor["E"]])
        assert hasil.exit_code == 1 and "lulus uji kelaikan" in hasil.output
        hasil = runner.invoke(app, ["produksi", nomor["B"], "--url", "ftp://x"])
        assert hasil.exit_code == 1 and "--url" in hasil.output
        hasil = runner.invoke(app, ["produksi", nomor["B"]])
        assert hasil.exit_code == 0, hasil.output
        with db.session_scope(lingkungan) as s:
            [prod] = s.scalars(select(ProductionApp)).all()
            assert prod.url == aplikasi.url
            # the heartbeat's probes: the app answered on Nov 2-6 only (5 × 96 slots)
            s.add_all(AppProbe(production_id=prod.id, at=t + timedelta(seconds=40), ok=True,
                               status_code=200, latency_ms=5.0, error=None)
                      for t in slot_layanan(NOV.mulai, wib(11, 7, 0), KAL))
        out = tmp_path / "evaluasi"
        hasil = runner.invoke(app, ["evaluate", "--period", "2026-11", "--json",
                                    "--out", str(out)])
    assert hasil.exit_code == 0, hasil.output
    data = json.loads(hasil.output[hasil.output.index("{"):])
    tek, imp = data["teknis"], data["implementasi"]
    assert tek["verdict"] == {"LAYAK": 0, "LAYAK_DENGAN_CATATAN": 1, "TIDAK_LAYAK": 1,
                              "TIDAK_DAPAT_DIUJI": 0}
    sering = [(t["check_id"], t["aplikasi"], t["persen_aplikasi"])
              for t in tek["temuan_tersering"]]
    assert sering == [("lain_lain.header_keamanan", 2, 100.0),
                      ("lain_lain.versi_terungkap", 1, 50.0)]
    [ulang] = tek["uji_ulang"]
    baru = {t["check_id"] for t in ulang["baru"]}
    assert ulang["verdict"] == "TIDAK_LAYAK" and ulang["galat"] is None
    assert ulang["dibanding"] == f"uji kelaikan tiket {nomor['B']}"
    assert {"struktur.vcs_terbuka", "struktur.env_terbuka", "input_error.jejak_galat"} <= baru
    assert "lain_lain.header_keamanan" not in baru          # known from the earlier test
    lay = imp["layanan"]
    assert (lay["slot_total"], lay["slot_jawab"], lay["memenuhi"]) == (2016, 1900, True)
    assert lay["persen"] == pytest.approx(1900 / 2016 * 100)
    [apl] = imp["aplikasi"]
    assert (apl["slot_jawab"], apl["slot_total"]) == (480, 2016)
    assert apl["cek_sekarang"]["ok"] is True and apl["cek_sekarang"]["status"] == 200
    with db.session_scope(lingkungan) as s:
        [rerun] = s.scalars(select(KelaikanRerun)).all()
        assert rerun.period == "2026-11" and set(rerun.new_check_ids) == baru
    # the report: HTML with inline charts, Markdown, CSV of the figures
    html = (out / "evaluasi.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3 and "<script" not in html  # inline charts, nothing fetched
    assert not any(f'{a}="http' in html for a in ("src", "href"))
    assert "Ketersediaan layanan terukur" in html and "94,2%" in html
    md = (out / "evaluasi.md").read_text(encoding="utf-8")
    assert "struktur.vcs_terbuka" in md and "66,7%" in md
    baris = list(csv.DictReader((out / "evaluasi.csv").open(encoding="utf-8")))
    nilai = {(b["bagian"], b["kelompok"], b["metrik"]): b["nilai"] for b in baris}
    assert nilai[("prosedur_langkah", "disposisi_kadis", "terlambat")] == "1"
    assert nilai[("ketersediaan", "layanan", "slot_jawab")] == "1900"
    assert nilai[("uji_ulang", nomor["B"], "temuan_baru")] == str(len(baru))
