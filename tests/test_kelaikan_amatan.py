"""How a category reports checks whose observation could not be made: the reason names the
observation that failed first and why, also when it is the base another one builds on."""

from __future__ import annotations

import asyncio

import bantu

from domain.kelaikan import TargetUji, cek_kategori
from tasks.kelaikan.registri import PENGAMAT


def test_a_failed_base_observation_is_the_reason_of_every_check_built_on_it(
    prefect_api: str,
) -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    from flows.kelaikan import uji_kategori

    # struktur's observations build on the soft-404 baseline: nothing answers at this port
    url = f"http://127.0.0.1:{bantu.port_bebas()}/"
    hasil = asyncio.run(uji_kategori("struktur", TargetUji(url=url)))
    # input_error: the error-page observation is made even without the crawl's pages
    masukan = asyncio.run(uji_kategori("input_error", TargetUji(url=url)))
    # otentikasi_sesi: no failed login is sent blind when the session observation failed
    sesi = asyncio.run(uji_kategori("otentikasi_sesi", TargetUji(url=url)))
    APILogWorker.drain_all(timeout=15)
    EventsWorker.drain_all(timeout=15)
    assert hasil.status == "tidak_diuji"
    ids = [c.id for c in cek_kategori("struktur")]
    assert any(PENGAMAT[c.amatan].dasar for c in cek_kategori("struktur") if c.amatan)
    apa = PENGAMAT["dasar_struktur"].apa
    assert hasil.checks_run == []
    assert hasil.reason == "; ".join(
        f"{cid}: {apa} gagal: tidak dapat terhubung ke aplikasi" for cid in ids)

    sebab = "gagal: tidak dapat terhubung ke aplikasi"
    assert masukan.checks_run == []
    assert masukan.reason == "; ".join(
        f"{c.id}: {PENGAMAT['galat' if c.amatan == 'galat' else 'jelajah'].apa} {sebab}"
        for c in cek_kategori("input_error"))
    login_gagal = [c.id for c in cek_kategori("otentikasi_sesi") if c.amatan == "login_gagal"]
    assert PENGAMAT["login_gagal"].dasar == "sesi" and login_gagal
    assert sesi.checks_run == []
    for cid in login_gagal:
        assert f"{cid}: {PENGAMAT['sesi'].apa} gagal: tidak dapat terhubung ke aplikasi" \
            in (sesi.reason or "")
    # what this covers: observations that build on the crawl, and one made without it
    assert any(c.amatan not in ("jelajah", "galat") and PENGAMAT[c.amatan].dasar == "jelajah"
               for c in cek_kategori("input_error"))
    assert PENGAMAT["galat"].tanpa_dasar == []


def test_a_check_its_judge_cannot_judge_is_not_tested_without_a_failed_task(
    prefect_api: str,
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    from flows.kelaikan import uji_kategori

    # a site without forms or parameters: the validasi_data judges have nothing to judge
    with bantu.server_web(_Kosong) as url:
        state = asyncio.run(uji_kategori("validasi_data", TargetUji(url=url),
                                         return_state=True))
    APILogWorker.drain_all(timeout=15)
    EventsWorker.drain_all(timeout=15)
    hasil = state.result()
    assert hasil.status == "tidak_diuji"
    assert "validasi_data.batasan_form: tidak ada formulir POST" in (hasil.reason or "")

    async def task_runs() -> list:
        async with get_client() as klien:
            return await klien.read_task_runs(flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))

    runs = bantu.tunggu(lambda: [r for r in asyncio.run(task_runs())
                                 if r.name == "validasi_data.batasan_form"
                                 and r.state_type is not None
                                 and r.state_type.value in ("COMPLETED", "FAILED")] or None,
                        30, pesan=lambda: "the judging task of batasan_form never ended")
    assert [r.state_type.value for r in runs] == ["COMPLETED"]


class _Kosong(bantu.Penangan):


    def do_GET(self) -> None:  # noqa: N802
        data = b"<html><head><title>Situs</title></head><body>halo</body></html>"
        self.kirim(200 if self.path == "/" else 404, data)

