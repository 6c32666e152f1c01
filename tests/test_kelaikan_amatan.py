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
    # what this covers: observations that build on the crawl, and one made without it
    assert any(c.amatan not in ("jelajah", "galat") and PENGAMAT[c.amatan].dasar == "jelajah"
               for c in cek_kategori("input_error"))
    assert PENGAMAT["galat"].tanpa_dasar == []
