"""Uji beban: the arithmetic, the plan, the capacity rule, the scenario, the locustfile, and
the stress subflow against servers on 127.0.0.1 whose capacity is known by construction.

The servers (bench/server_beban.py) serve each request in a fixed service time S behind a
fixed number of slots c, so they complete at most μ = c ÷ S requests per second. Users who
think T seconds between requests saturate them at N* = μ × (T + S) users (the closed-system
saturation point of queueing theory); beyond it response times grow by 1/μ per user.

Locust is never imported here (gevent): it runs as a subprocess of the flow. Step lengths
are short so the file stays within a few minutes; ``LPA_TEST_STRESS_DETIK`` lengthens them
on a very busy machine.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from domain.beban import (
    BATAS_GALAT,
    HasilLangkah,
    RingkasanBeban,
    SkenarioTidakSah,
    hasil_langkah,
    kategori_uji_beban,
    muat_skenario,
    persentil,
    rencana_beban,
    ringkas,
    skenario_bawaan,
    skenario_terstruktur,
    target_konkurensi,
)
from domain.forms import UjiBeban
from domain.kelaikan import LaporanKelaikan, TargetUji
from domain.opsi_beban import OpsiUjiBeban
from tasks.stress import (
    Distribusi,
    grafik_uji_beban,
    perintah_locust,
    port_bebas,
    punya_shape_sendiri,
    render_html,
    render_locustfile,
)

ROOT = Path(__file__).resolve().parents[1]
DETIK = float(os.environ.get("LPA_TEST_STRESS_DETIK", "6"))
"""Seconds per step in the integration tests."""
SANDI = "SandiBeban#2026!"


# --- Target concurrency ---------------------------------------------------------------------

def test_little_law_with_peak_factor_and_its_arithmetic() -> None:
    t = target_konkurensi(2000, 8, 10)
    assert t.rata_rata == pytest.approx(2000 * 10 / 480)
    assert t.target == 84  # 41.67 × 2 = 83.33, rounded up
    teks = t.aritmetika()
    for bagian in ("2.000 pengguna/hari", "10 menit", "8 jam × 60 menit", "41,67",
                   "faktor puncak 2", "83,33", "target 84"):
        assert bagian in teks


@pytest.mark.parametrize(("n", "jam", "menit", "faktor", "target"), [
    (500, 8, 5, 2.0, 11),       # 5.21 × 2 = 10.42
    (100, 8, 4.8, 1.0, 1),      # exactly 1
    (100, 8, 0.1, 2.0, 1),      # never below 1
    (14, 1, 60, 2.0, 28),
    (1000, 8, 24, 3.0, 150),    # 50 × 3 exactly: no float drift to 151
])
def test_target_values(n: int, jam: float, menit: float, faktor: float, target: int) -> None:
    assert target_konkurensi(n, jam, menit, faktor).target == target


@pytest.mark.parametrize("args", [(0, 8, 10), (10, 0, 10), (10, 25, 10), (10, 1, 61),
                                  (10, 8, 0)])
def test_target_refuses_impossible_inputs(args: tuple) -> None:
    with pytest.raises(ValueError):
        target_konkurensi(*args)


# --- The plan -------------------------------------------------------------------------------

def test_plan_steps_up_to_twice_the_target() -> None:
    r = rencana_beban(84)
    assert [s.users for s in r.langkah] == [21, 42, 63, 84, 105, 126, 147, 168]
    assert all(s.durasi == 60 and s.pemanasan == 10 for s in r.langkah)
    assert [s.mulai for s in r.langkah] == [60.0 * i for i in range(8)]
    assert r.durasi_total == 480 and r.catatan == []


def test_plan_is_bounded_in_time_users_and_requests() -> None:
    r = rencana_beban(84, durasi_maks=200)
    assert r.durasi_total <= 200 and len(r.langkah) == 8
    assert "dipersingkat" in r.catatan[0]
    r = rencana_beban(84, durasi_maks=20)
    assert r.durasi_total <= 20 and len(r.langkah) == 6  # 20 s ÷ 3 s minimum
    assert "dikurangi" in r.catatan[0]
    assert all(s.pemanasan <= s.durasi / 2 for s in r.langkah)
    r = rencana_beban(3000, maks_pengguna=1000, maks_permintaan=1234)
    assert r.puncak == 1000 and "dibatasi 1000" in r.catatan[0]
    assert r.untuk_locust()["maks_permintaan"] == 1234


def test_plan_with_few_users_has_no_empty_steps() -> None:
    r = rencana_beban(1)
    assert [s.users for s in r.langkah] == [1, 2]


def test_plan_ramps_within_the_warm_up() -> None:
    langkah = rencana_beban(500).langkah
    sebelum = [0, *(s.users for s in langkah[:-1])]
    for s, awal in zip(langkah, sebelum, strict=True):
        assert (s.users - awal) / s.spawn_rate <= max(s.pemanasan / 3, 1.0) + 1e-9


# --- Measurements and the capacity rule -------------------------------------------------------

def test_percentile_follows_locusts_rule() -> None:
    # Locust walks down from the slowest bucket and answers the first one at which at
    # most int(n × p) requests remain below it: a conservative (upper) percentile.
    h = {10: 50, 20: 30, 100: 15, 900: 4, 3000: 1}
    assert persentil(h, 0.50) == 20
    assert persentil(h, 0.80) == 100
    assert persentil(h, 0.95) == 900
    assert persentil(h, 0.99) == 3000
    assert persentil({10: 99, 20: 1}, 0.95) == 10
    assert persentil({"250": 3}, 0.95) == 250  # keys as JSON gives them
    assert persentil({}, 0.95) is None


def _langkah(users: int, p95: float, galat: float = 0.0, cpu: float = 10.0) -> HasilLangkah:
    jumlah = 1000
    gagal = round(galat * jumlah)
    return hasil_langkah(users, {int(p95 * 0.5): 900, int(p95): 60, int(p95 * 1.1): 40},
                         jumlah, gagal, 10.0, [cpu])


def _ringkas(langkah: list[HasilLangkah], target: int = 30, **kw: Any) -> RingkasanBeban:
    t = target_konkurensi(target * 30, 1, 1)  # average target/2 → target
    assert t.target == target
    rencana = rencana_beban(target, jumlah_langkah=max(1, len(langkah)))
    return ringkas(t, rencana, langkah, 3000, **kw)


def test_capacity_is_the_last_passing_step_before_the_first_failure() -> None:
    r = _ringkas([_langkah(15, 500), _langkah(30, 900), _langkah(45, 3500),
                  _langkah(60, 1000)])  # a lucky later step does not count
    assert (r.capacity_users, r.putusan, r.capacity_is_lower_bound) == (30, "lulus", False)
    assert "45 pengguna" in r.alasan and "p95 3.500 ms > 3.000 ms" in r.alasan
    r = _ringkas([_langkah(15, 500), _langkah(30, 3100)])
    assert (r.capacity_users, r.putusan) == (15, "gagal")
    r = _ringkas([_langkah(15, 3100), _langkah(30, 3100)])
    assert (r.capacity_users, r.putusan) == (0, "gagal")


def test_all_steps_passing_gives_a_lower_bound() -> None:
    r = _ringkas([_langkah(15, 500), _langkah(30, 600), _langkah(45, 700), _langkah(60, 800)])
    assert (r.capacity_users, r.putusan, r.capacity_is_lower_bound) == (60, "lulus", True)


def test_error_rate_decides_even_with_fast_responses() -> None:
    r = _ringkas([_langkah(15, 50), _langkah(30, 50, galat=0.009),
                  _langkah(45, 50, galat=BATAS_GALAT)])
    assert (r.capacity_users, r.putusan) == (30, "lulus")
    assert "galat 1 % ≥ 1 %" in r.alasan and "p95" not in r.alasan


def test_step_without_any_completed_request_fails() -> None:
    kosong = hasil_langkah(45, {}, 0, 0, 10.0)
    assert not kosong.lulus(3000)
    r = _ringkas([_langkah(15, 50), _langkah(30, 50), kosong])
    assert r.capacity_users == 30 and "tidak ada permintaan" in r.alasan


def test_saturated_generator_makes_the_result_not_valid() -> None:
    r = _ringkas([_langkah(15, 500), _langkah(30, 900, cpu=97), _langkah(45, 3500)])
    assert r.putusan == "tidak_valid" and r.capacity_users is None
    assert r.generator_saturated and "CPU generator beban jenuh" in r.alasan
    # saturated only after the application had already given way: the capacity stands
    r = _ringkas([_langkah(15, 500), _langkah(30, 3500), _langkah(45, 5000, cpu=97)])
    assert (r.putusan, r.capacity_users, r.generator_saturated) == ("gagal", 15, True)


def test_a_run_stopped_before_it_could_decide_is_not_valid() -> None:
    r = _ringkas([_langkah(15, 500)], selesai=False)
    assert r.putusan == "tidak_valid" and "terhenti" in r.alasan
    assert _ringkas([], selesai=False).putusan == "tidak_valid"
    # stopped, but the application had already given way: valid
    assert _ringkas([_langkah(15, 500), _langkah(30, 4000)], selesai=False).putusan == "gagal"


def test_category_carries_the_laporan_json_fields() -> None:
    gagal = kategori_uji_beban(_ringkas([_langkah(15, 500), _langkah(30, 3100)]))
    assert gagal.status == "gagal" and gagal.findings[0].check_id == "uji_beban.kapasitas"
    assert gagal.findings[0].severity == "sedang" and "target 30" in gagal.findings[0].evidence
    lulus = kategori_uji_beban(_ringkas([_langkah(15, 500), _langkah(30, 600)]))
    assert lulus.status == "lulus" and lulus.checks_run == ["uji_beban.kapasitas"]
    tidak = kategori_uji_beban(_ringkas([_langkah(15, 500, cpu=99)]))
    assert tidak.status == "tidak_diuji" and "jenuh" in (tidak.reason or "")
    data = gagal.model_dump(mode="json")["beban"]
    assert {"target_users", "capacity_users", "p95_threshold_ms", "generator_saturated",
            "steps"} <= set(data)
    assert set(data["steps"][0]) >= {"users", "rps", "p50_ms", "p95_ms", "p99_ms",
                                     "error_rate"}
    laporan = LaporanKelaikan.susun("http://127.0.0.1:1", _waktu(), _waktu(), [gagal])
    laporan = laporan.tanpa_rahasia(["tidak-ada"])
    assert laporan.verdict == "LAYAK_DENGAN_CATATAN"
    assert laporan.model_dump(mode="json")["categories"][0]["beban"] == data


def _waktu() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


# --- Scenario -------------------------------------------------------------------------------

SKENARIO_YAML = """
login:
  path: /login
steps:
  - name: Beranda
    path: /
    weight: 3
  - path: /cari
    method: get
    data: {q: izin usaha}
    think_time: [1, 2]
  - path: /ajukan
    method: POST
    data: {nama: Budi, jumlah: 2}
    think_time: 0.5
"""


def test_scenario_from_yaml_and_json() -> None:
    s = muat_skenario(SKENARIO_YAML)
    assert s.login is not None and s.login.username_field == "username"
    assert [x.method for x in s.steps] == ["GET", "GET", "POST"]
    assert s.steps[0].label == "Beranda" and s.steps[0].think_time == (3.0, 7.0)
    assert muat_skenario(json.dumps({"steps": [{"path": "/"}]})).steps[0].path == "/"
    assert skenario_terstruktur(SKENARIO_YAML)
    assert not skenario_terstruktur("Pengguna membuka beranda lalu mencari layanan.")


@pytest.mark.parametrize(("teks", "pesan"), [
    ("steps: []", "Langkah (steps): pilih sedikitnya satu"),
    ("steps: [{path: 'https://lain.example/'}]", "diawali '/'"),
    ("steps: [{path: /, weight: 0}]", "Bobot (steps.0.weight): minimal 1"),
    ("steps: [{path: /, method: TRACE}]", "Metode HTTP (steps.0.method): harus salah satu"),
    ("steps: [{path: /, think_time: [5, 1]}]", "min ≤ maks"),
    ("steps: [{path: /, bobot: 2}]", "kolom tidak dikenal"),
    ("langkah: [{path: /}]", "Langkah (steps): wajib diisi"),
    ("- a\n- b", "harus berupa objek YAML/JSON"),
    ("steps: [path: /", "bukan YAML/JSON yang sah"),
])
def test_scenario_errors_in_indonesian(teks: str, pesan: str) -> None:
    with pytest.raises(SkenarioTidakSah) as info:
        muat_skenario(teks)
    assert any(pesan in g for g in info.value.galat), info.value.galat


def test_login_step_needs_the_test_account() -> None:
    with pytest.raises(SkenarioTidakSah, match="akun uji"):
        muat_skenario(SKENARIO_YAML, ada_akun=False)


# --- Locustfile -----------------------------------------------------------------------------

def test_rendered_locustfile_is_python_with_the_plan_and_no_secret() -> None:
    rencana = rencana_beban(10, jumlah_langkah=4, durasi_langkah=5, pemanasan=1)
    teks = render_locustfile(rencana, muat_skenario(SKENARIO_YAML))
    pohon = ast.parse(teks)
    kelas = {n.name for n in pohon.body if isinstance(n, ast.ClassDef)}
    assert kelas == {"PenggunaAplikasi", "BebanBertahap"}
    tugas = [n for n in ast.walk(pohon) if isinstance(n, ast.FunctionDef)
             and n.name.startswith("langkah_")]
    assert [ast.unparse(t.decorator_list[0]) for t in tugas] == ["task(3)", "task(1)",
                                                                   "task(1)"]
    assert "LPA_UJI_PASSWORD" in teks and SANDI not in teks
    hanya_bentuk = render_locustfile(rencana, None)
    assert "class BebanBertahap" in hanya_bentuk and "PenggunaAplikasi" not in hanya_bentuk
    ast.parse(hanya_bentuk)
    ast.parse(render_locustfile(rencana, skenario_bawaan(["/", "/a"])))


def test_scenario_text_cannot_inject_code() -> None:
    jahat = "/x'''\"\"\");__import__('os').system('id')#"
    teks = jahat + "\n import os; os.system('id') #"
    s = muat_skenario({"steps": [{"path": jahat, "name": teks, "data": {teks: teks}}]})
    pohon = ast.parse(render_locustfile(rencana_beban(2), s))
    panggilan = [ast.unparse(n.func) for n in ast.walk(pohon) if isinstance(n, ast.Call)]
    assert not any("system" in p for p in panggilan)


def test_own_shape_in_a_user_locustfile_is_detected(tmp_path: Path) -> None:
    f = tmp_path / "lf.py"
    f.write_text("import locust\nclass S(locust.LoadTestShape):\n    pass\n")
    assert punya_shape_sendiri(f)
    f.write_text("from locust import HttpUser\nclass U(HttpUser):\n    pass\n")
    assert not punya_shape_sendiri(f)


def test_locust_command_binds_loopback_and_carries_no_secret(tmp_path: Path) -> None:
    cmd = perintah_locust([tmp_path / "lf.py"], "http://127.0.0.1:8080",
                          Distribusi(processes=2), tmp_path / "locust")
    assert cmd[cmd.index("--processes") + 1] == "2"
    assert cmd[cmd.index("--master-bind-host") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--master-bind-port") + 1] == cmd[cmd.index("--master-port") + 1]
    cmd = perintah_locust([tmp_path / "lf.py"], "http://127.0.0.1:8080",
                          Distribusi(master_bind="127.0.0.1:5999", expect_workers=3),
                          tmp_path / "locust")
    assert "--master" in cmd and cmd[cmd.index("--expect-workers") + 1] == "3"
    assert "--processes" not in cmd
    with pytest.raises(ValueError, match="HOST:PORT"):
        Distribusi(master_bind="127.0.0.1", expect_workers=1)
    with pytest.raises(ValueError, match="expect-workers"):
        Distribusi(master_bind="127.0.0.1:5999")


def test_charts_are_svg_and_the_html_part_renders() -> None:
    r = _ringkas([_langkah(15, 500), _langkah(30, 900), _langkah(45, 3500)])
    grafik = grafik_uji_beban(r)
    for svg in grafik.values():
        akar = ET.fromstring(svg)
        assert akar.tag.endswith("svg")
        assert akar.findall(".//{http://www.w3.org/2000/svg}polyline")
    html = render_html(r)
    assert html.count("<svg") == 2 and "Uji beban (stress test): LULUS" in html
    assert "lewat-batas" in html  # the failing step is marked


@pytest.mark.parametrize("users", [[2, 4, 6, 8], [1, 2, 3], [1], [3, 7, 12, 17],
                                   [25, 50, 75, 100, 125], [40, 80, 120, 160, 200, 240]])
def test_user_axis_counts_whole_users(users: list[int]) -> None:
    """Issue 11: a user axis read 1.6, 3.2, 4.8 users. Users are counted in whole numbers."""
    r = _ringkas([_langkah(u, 500) for u in users], target=users[-1])
    for svg in grafik_uji_beban(r).values():
        akar = ET.fromstring(svg)
        ns = "{http://www.w3.org/2000/svg}"
        # the x axis' tick labels: the centred numbers (the y axis' are right-aligned)
        sumbu = [t.text or "" for t in akar.iter(f"{ns}text")
                 if t.get("text-anchor") == "middle" and re.fullmatch(r"[\d.,]+", t.text or "")]
        assert len(sumbu) >= 2, svg
        assert all(re.fullmatch(r"\d+", s) for s in sumbu), sumbu
        angka = [int(s) for s in sumbu]
        assert angka[0] == 0 and angka == sorted(set(angka)) and angka[-1] >= max(users)
        assert len(angka) <= 11
        assert not re.search(r">\d+\.\d+ pengguna|target \d+\.\d", svg)


# --- Against real servers on 127.0.0.1 --------------------------------------------------------

@contextlib.contextmanager
def server_beban(*opsi: str, akun: str | None = None) -> Iterator[str]:
    port = port_bebas()
    env = {**os.environ}
    if akun:
        env["LPA_SERVER_AKUN"] = akun
    proses = subprocess.Popen(
        [sys.executable, "-m", "bench.server_beban", "--port", str(port), *opsi],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proses.stdout is not None and "siap" in proses.stdout.readline()
        yield f"http://127.0.0.1:{port}"
    finally:
        proses.terminate()
        proses.wait(timeout=10)


def _jalankan(target: TargetUji, beban: UjiBeban, lewat_kelaikan: bool = False,
              **opsi: Any) -> tuple[Any, float]:
    """Run the subflow directly, or (``lewat_kelaikan``) as the kelaikan flow does: through
    ``flows.kelaikan.uji_beban`` inside a parent flow; returns (result, run id), seconds."""
    from prefect import flow

    from flows.kelaikan import uji_beban
    from flows.stress import uji_beban_flow

    opsi_beban = OpsiUjiBeban(**opsi)

    @flow(name="uji-beban-induk")
    async def induk() -> Any:
        return await uji_beban(target, beban, opsi_beban)

    async def jalan() -> Any:
        if lewat_kelaikan:
            state = await induk(return_state=True)
        else:
            state = await uji_beban_flow(target, beban, opsi_beban, return_state=True)
        return await state.aresult(), state.state_details.flow_run_id

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    mulai = time.monotonic()
    hasil, run_id = asyncio.run(jalan())
    detik = time.monotonic() - mulai
    APILogWorker.drain_all(timeout=15)  # while the session's server is still up
    EventsWorker.drain_all(timeout=15)
    return (hasil, run_id), detik


def _cetak(judul: str, hasil: Any, detik: float) -> RingkasanBeban:
    from domain.beban import ringkasan_teks

    r = RingkasanBeban.model_validate(hasil.beban)
    print(f"\n{judul} ({detik:.1f} s)\n{ringkasan_teks(r)}")
    return r


def test_capacity_of_a_server_with_known_capacity(prefect_api: str, tmp_path: Path) -> None:
    """4 slots × 100 ms → μ = 40 req/s; think time 0.8–1.2 s (T = 1 s) → N* = 40 × 1.1 = 44
    users. Steps of 7 users up to 56; p95 threshold 300 ms (service time + 2 × service time
    of queueing allowed)."""
    mu, t, s = 40.0, 1.0, 0.1
    diketahui = mu * (t + s)
    skenario = json.dumps({"steps": [{"path": "/", "think_time": [0.8, 1.2]}]})
    # 14 users/day × 60 min ÷ (1 h × 60) = 14 average, × 2 → target 28, steps to 56
    beban = UjiBeban(pengguna_per_hari=14, jam_efektif_per_hari=1, durasi_transaksi_menit=60,
                     skenario=skenario)
    with server_beban("--slots", "4", "--layanan-ms", "100") as url:
        (hasil, run_id), detik = _jalankan(
            TargetUji(url=url), beban, p95_ms=300, jumlah_langkah=8, durasi_langkah=DETIK,
            pemanasan=2.5, kerja=str(tmp_path / "kerja"))
    r = _cetak("kapasitas diketahui", hasil, detik)
    assert r.target_users == 28 and [x.users for x in r.steps] == [7 * i for i in range(1, 9)]
    assert not r.generator_saturated
    assert r.capacity_users is not None
    assert abs(r.capacity_users - diketahui) <= 0.25 * diketahui, (r.capacity_users, diketahui)
    assert r.putusan == "lulus" and hasil.status == "lulus"
    # the server's throughput ceiling shows in the steps beyond saturation
    assert max(x.rps for x in r.steps) == pytest.approx(mu, rel=0.25)
    assert (r.workers or 0) >= 1
    artefak = asyncio.run(_artefak(run_id))
    jenis = {a.type for a in artefak}
    assert {"progress", "markdown"} <= jenis
    assert any(a.type == "progress" and a.data == 100.0 for a in artefak)
    # the options travel as one parameter, stored by Prefect as the model's JSON (issue 11)
    run = asyncio.run(_run(run_id))
    assert set(run.parameters) == {"target", "beban", "opsi"}
    opsi = OpsiUjiBeban.model_validate(run.parameters["opsi"])
    assert (opsi.p95_ms, opsi.jumlah_langkah, opsi.pemanasan) == (300, 8, 2.5)


def test_the_stress_options_are_one_parameter() -> None:
    """Two 17-parameter signatures became one model (domain/opsi_beban.py): the flow and
    its Prefect-less twin take the target, the form's load data and the options."""
    import inspect

    from flows.stress import laksanakan_uji_beban, uji_beban_flow

    assert list(inspect.signature(uji_beban_flow.fn).parameters) == ["target", "beban", "opsi"]
    assert list(inspect.signature(laksanakan_uji_beban).parameters) == [
        "target", "beban", "opsi", "prefect"]
    with pytest.raises(ValidationError, match="tidak_ada"):
        OpsiUjiBeban(tidak_ada=1)  # type: ignore[call-arg]


async def _run(run_id: Any) -> Any:
    from prefect import get_client

    async with get_client() as client:
        return await client.read_flow_run(run_id)


async def _anak(run_id: Any) -> list[Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    async with get_client() as client:
        return await client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[run_id])))


async def _artefak(run_id: Any) -> list[Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    async with get_client() as client:
        return await client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))


def test_ample_capacity_passes_and_the_account_stays_secret(prefect_api: str,
                                                            tmp_path: Path) -> None:
    """A fast server, a small target, a scenario that logs in: the server answers 401 to a
    wrong password, so zero errors prove the account arrived (via the environment)."""
    skenario = json.dumps({"login": {"path": "/login"},
                           "steps": [{"path": "/", "think_time": [0.2, 0.4]},
                                     {"path": "/cari", "data": {"q": "izin"}, "weight": 2,
                                      "think_time": [0.2, 0.4]}]})
    beban = UjiBeban(pengguna_per_hari=60, jam_efektif_per_hari=1, durasi_transaksi_menit=2,
                     skenario=skenario)  # 2 average → target 4
    kerja = tmp_path / "kerja"
    with server_beban("--slots", "0", akun=f"penguji:{SANDI}") as url:
        (hasil, run_id), detik = _jalankan(
            TargetUji(url=url, username="penguji", password=SANDI), beban, lewat_kelaikan=True,
            jumlah_langkah=4, durasi_langkah=max(3.0, DETIK / 2), pemanasan=1, kerja=str(kerja))
    r = _cetak("target longgar", hasil, detik)
    anak = asyncio.run(_anak(run_id))  # flows.kelaikan.uji_beban runs the subflow
    assert [a.name for a in anak] == [f"uji_beban · {url}"]
    assert SANDI not in json.dumps(anak[0].parameters, default=str)
    assert r.putusan == "lulus" and hasil.status == "lulus"
    assert r.capacity_users == 8 and r.capacity_is_lower_bound
    assert all(s.error_rate == 0 and s.requests > 0 for s in r.steps)
    bocor = [p.name for p in kerja.rglob("*") if p.is_file()
             and SANDI in p.read_text(errors="replace")]
    assert bocor == []
    assert SANDI not in json.dumps(hasil.model_dump(mode="json"))


def test_failing_requests_decide_through_the_error_rate(prefect_api: str,
                                                        tmp_path: Path) -> None:
    """A rate-limited server: 25 requests/s, 503 at once beyond. Users thinking ~0.5 s send
    ~2 requests/s each: 10 users stay under the limit, 20 and more exceed it, while response
    times stay far under the threshold: the error rate is what fails the target (20)."""
    skenario = json.dumps({"steps": [{"path": "/", "think_time": [0.2, 0.8]}]})
    beban = UjiBeban(pengguna_per_hari=300, jam_efektif_per_hari=1, durasi_transaksi_menit=2,
                     skenario=skenario)  # 10 average → target 20, steps 10, 20, 30, 40
    with server_beban("--slots", "0", "--batas-laju", "25") as url:
        (hasil, _), detik = _jalankan(
            TargetUji(url=url), beban, jumlah_langkah=4, durasi_langkah=max(3.0, DETIK / 2),
            pemanasan=1, kerja=str(tmp_path / "kerja"))
    r = _cetak("galat menentukan", hasil, detik)
    assert r.putusan == "gagal" and hasil.status == "gagal"
    assert r.capacity_users == 10
    gagal = r.steps[1]
    assert gagal.error_rate >= BATAS_GALAT and (gagal.p95_ms or 0) < 500
    assert "galat" in r.alasan and "p95" not in r.alasan
    assert hasil.findings[0].check_id == "uji_beban.kapasitas"


def test_master_with_two_workers_on_loopback(prefect_api: str, tmp_path: Path) -> None:
    """Distributed mode as documented: the flow starts the master, two workers started
    separately download the locustfile from it (``-f -``)."""
    port = port_bebas()
    workers = [subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", "-", "--worker", "--master-host", "127.0.0.1",
         "--master-port", str(port)], cwd=tmp_path, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    beban = UjiBeban(pengguna_per_hari=60, jam_efektif_per_hari=1, durasi_transaksi_menit=2,
                     skenario=json.dumps({"steps": [{"path": "/", "think_time": 0.2}]}))
    try:
        with server_beban("--slots", "0") as url:
            (hasil, _), detik = _jalankan(
                TargetUji(url=url), beban, jumlah_langkah=2, durasi_langkah=max(3.0, DETIK / 2),
                pemanasan=1, master_bind=f"127.0.0.1:{port}", expect_workers=2,
                tunggu_workers=30, kerja=str(tmp_path / "kerja"))
    finally:
        for w in workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(w.pid, signal.SIGTERM)
            try:
                w.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(w.pid, signal.SIGKILL)
    r = _cetak("master + 2 worker", hasil, detik)
    assert r.workers == 2
    assert r.putusan == "lulus" and all(s.requests > 0 for s in r.steps)
    assert [s.users for s in r.steps] == [4, 8]


@pytest.mark.lambat
def test_locust_is_killed_at_its_time_bound(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """No start-up allowance: the deadline falls inside the last step, the whole process
    group is stopped, the finished steps are kept and nothing is left running."""
    import psutil

    from tasks import stress

    monkeypatch.setattr(stress, "TENGGANG_MULAI", -1.0)
    # three 4-s steps: on a loaded machine Locust takes seconds to start, and the first step
    # must still end before the deadline falls inside the last one
    rencana = rencana_beban(2, jumlah_langkah=3, durasi_langkah=4, pemanasan=1)
    skenario = muat_skenario({"steps": [{"path": "/", "think_time": 0.2}]})
    kerja = tmp_path / "kerja"
    with server_beban("--slots", "0") as url:
        berkas = stress.siapkan_locustfile(kerja, rencana, skenario)
        mentah = asyncio.run(stress.jalankan_locust.fn(url, berkas, rencana, kerja,
                                                       Distribusi(processes=2)))
    # stopped by its bound (no elapsed time asserted: "dihentikan" is set only by the kill)
    assert mentah["dihentikan"] and not mentah["selesai"]
    sisa = [p.pid for p in psutil.process_iter(["cmdline"])
            if str(kerja) in " ".join(p.info["cmdline"] or [])]
    assert sisa == []


@pytest.mark.lambat
def test_a_scenario_that_breaks_is_not_a_capacity_of_zero(tmp_path: Path) -> None:
    """Every simulated user raises before its first request: that is the scenario's fault,
    never the application's, so no capacity is claimed. The target URL ends with a slash
    (as users type it) and the paths still resolve."""
    from flows.stress import laksanakan_uji_beban

    lf = tmp_path / "rusak.py"
    lf.write_text("from locust import HttpUser, task\n\n\nclass Rusak(HttpUser):\n"
                  "    @task\n    def buka(self) -> None:\n"
                  "        raise RuntimeError('langkah skenario rusak')\n")
    beban = UjiBeban(pengguna_per_hari=60, jam_efektif_per_hari=1, durasi_transaksi_menit=2)
    with server_beban("--slots", "0") as url:
        hasil = asyncio.run(laksanakan_uji_beban(
            TargetUji(url=url + "/"), beban, OpsiUjiBeban(
                locustfile=str(lf), jumlah_langkah=1, durasi_langkah=3.0, pemanasan=1.0,
                processes=0), prefect=False))
    assert hasil.status == "tidak_diuji" and hasil.beban is None
    assert "skenario tidak dapat dijalankan" in (hasil.reason or "")
    assert "langkah skenario rusak" in (hasil.reason or "")


def test_bad_scenario_is_reported_not_raised(prefect_api: str) -> None:
    beban = UjiBeban(pengguna_per_hari=60, jam_efektif_per_hari=1, durasi_transaksi_menit=2,
                     skenario="steps: [{path: 'http://lain.example/'}]")
    (hasil, _), _ = _jalankan(TargetUji(url="http://127.0.0.1:9"), beban)
    assert hasil.status == "tidak_diuji" and "diawali '/'" in (hasil.reason or "")
    assert hasil.beban is None


@pytest.mark.lambat
def test_cli_writes_json_and_html_and_exits_by_verdict(tmp_path: Path) -> None:
    """``lpa stress`` without a Prefect server: the same code, no orchestration."""
    out = tmp_path / "hasil"
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api",
           "LPA_DATA_DIR": str(tmp_path)}
    skenario = tmp_path / "skenario.yaml"
    skenario.write_text("steps:\n  - path: /\n    think_time: 0.3\n")
    with server_beban("--slots", "0") as url:
        proses = subprocess.run(
            [sys.executable, "-m", "lpa.cli", "stress", "--url", url, "--pengguna-per-hari",
             "30", "--jam-efektif", "1", "--durasi-transaksi", "2", "--skenario",
             str(skenario), "--out", str(out), "--jumlah-langkah", "2", "--durasi-langkah",
             "3", "--pemanasan", "1", "--processes", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proses.returncode == 0, proses.stdout + proses.stderr
    assert "tanpa orkestrasi" in proses.stdout and "Uji beban: LULUS" in proses.stdout
    data = json.loads((out / "uji_beban.json").read_text())
    assert data["id"] == "uji_beban" and data["beban"]["target_users"] == 2
    assert (out / "uji_beban.html").read_text().count("<svg") == 2
    assert (out / "locust" / "locust_stats_history.csv").exists()
    salah = tmp_path / "salah.yaml"
    salah.write_text("steps: [{path: /, weight: 0}]")
    proses = subprocess.run(
        [sys.executable, "-m", "lpa.cli", "stress", "--url", "http://127.0.0.1:9",
         "--pengguna-per-hari", "30", "--jam-efektif", "1", "--durasi-transaksi", "2",
         "--skenario", str(salah), "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proses.returncode == 2 and "Bobot (steps.0.weight): minimal 1" in proses.stderr
