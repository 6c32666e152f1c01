"""The availability heartbeat's checks and records (all I/O).

What "the service answered" means here, honestly:

* **Prefect API**: ``GET /api/health`` answered.
* **our store**: a ``SELECT 1`` answered (and the beat itself is written there).
* **serving**: the deployments people depend on (``intake`` and ``proses-tiket``) exist,
  are not paused, and are ``READY`` on the server. Prefect marks a deployment READY when a
  process polls for its runs (``serve()`` or a work-pool worker) and NOT_READY once no poll
  arrived within its timeout (60 s by default), so READY means a process is there to run a
  submitted request.

The beat itself is a scheduled run executed by that same serving process: when the server,
the scheduler, the workers or the store are down, no beat is written, and the slot counts
as down (a gap). Beside it, each production application gets one bounded HTTP GET.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from prefect import get_client, task
from prefect.cache_policies import NONE

from settings import get_settings
from store import db, kueri
from store.models import AppProbe, ServiceHeartbeat

DEPLOYMENT_LAYANAN = ("intake/intake", "proses-tiket/proses-tiket")
BATAS_HTTP_DETIK = 5.0
"""Total deadline of one HTTP check (connect + the response's head)."""
MAKS_APLIKASI = 200
"""At most this many production applications are probed per beat."""


@dataclass(frozen=True)
class HasilDetak:
    prefect_ok: bool
    store_ok: bool
    serving_ok: bool
    detail: dict[str, Any]

    @property
    def answered(self) -> bool:
        return self.prefect_ok and self.store_ok and self.serving_ok


async def _periksa_prefect(deployments: tuple[str, ...]) -> tuple[bool, bool, dict[str, Any]]:
    detail: dict[str, Any] = {}
    async with get_client() as client:
        try:
            galat = await asyncio.wait_for(client.api_healthcheck(), BATAS_HTTP_DETIK)
        except Exception as exc:  # noqa: BLE001 - the answer is "down", with the reason
            galat = exc
        prefect_ok = galat is None
        if not prefect_ok:
            detail["prefect"] = str(galat) or type(galat).__name__
            return False, False, detail
        serving_ok = True
        for nama in deployments:
            try:
                d = await asyncio.wait_for(client.read_deployment_by_name(nama),
                                           BATAS_HTTP_DETIK)
            except Exception as exc:  # noqa: BLE001
                detail[nama] = f"tidak ditemukan: {exc}"
                serving_ok = False
                continue
            status = getattr(d.status, "value", d.status)
            detail[nama] = {"status": status, "paused": d.paused}
            if d.paused or status != "READY":
                serving_ok = False
    return prefect_ok, serving_ok, detail


@task(name="periksa-layanan", cache_policy=NONE)
async def periksa_layanan(deployments: tuple[str, ...] = DEPLOYMENT_LAYANAN) -> HasilDetak:
    """Ask the Prefect API, the serving deployments and our store whether they answer."""
    prefect_ok, serving_ok, detail = await _periksa_prefect(deployments)
    try:
        with db.session_scope(get_settings().store_url) as session:
            store_ok = kueri.menjawab(session)
    except Exception as exc:  # noqa: BLE001
        store_ok = False
        detail["store"] = str(exc)
    return HasilDetak(prefect_ok, store_ok, serving_ok, detail)


@task(name="catat-detak", cache_policy=NONE)
def catat_detak(hasil: HasilDetak, at: datetime) -> int:
    with db.session_scope(get_settings().store_url) as session:
        beat = ServiceHeartbeat(at=at, prefect_ok=hasil.prefect_ok, store_ok=hasil.store_ok,
                                serving_ok=hasil.serving_ok, answered=hasil.answered,
                                detail=hasil.detail)
        session.add(beat)
        session.flush()
        return beat.id


@dataclass(frozen=True)
class HasilCekAplikasi:
    production_id: int
    url: str
    ok: bool
    status_code: int | None
    latency_ms: float | None
    error: str | None


async def _status_http(url: str) -> int:
    """The status of one GET, read from the response's head (the body is never read)."""
    async with httpx.AsyncClient(verify=False, timeout=BATAS_HTTP_DETIK,
                                 follow_redirects=False) as client, \
            client.stream("GET", url) as r:
        return r.status_code


async def cek_http(production_id: int, url: str) -> HasilCekAplikasi:
    """One bounded GET: up when the application answers below HTTP 500 within the bound.

    The bound is a total deadline (connect + headers): a server that drips its header
    block a byte at a time never trips a per-read timeout."""
    mulai = time.monotonic()
    try:
        try:
            async with asyncio.timeout(BATAS_HTTP_DETIK):
                status = await _status_http(url)
        except TimeoutError:
            return HasilCekAplikasi(
                production_id, url, False, None, None,
                f"batas waktu total permintaan ({BATAS_HTTP_DETIK:g} detik) terlampaui")
        ms = (time.monotonic() - mulai) * 1000
        return HasilCekAplikasi(production_id, url, status < 500, status, ms,
                                None if status < 500 else f"HTTP {status}")
    except Exception as exc:  # noqa: BLE001 - the answer is "down", with the reason
        return HasilCekAplikasi(production_id, url, False, None, None,
                                f"{type(exc).__name__}: {exc}"[:500])


def aplikasi_produksi() -> list[tuple[int, str]]:
    with db.session_scope(get_settings().store_url) as session:
        return [(app.id, app.url)
                for app, _ in kueri.active_production_apps(session, limit=MAKS_APLIKASI)]


@task(name="cek-aplikasi-produksi", cache_policy=NONE)
async def cek_aplikasi_produksi(at: datetime) -> list[HasilCekAplikasi]:
    """Probe every production application concurrently and record each answer."""
    hasil = await asyncio.gather(*(cek_http(pid, url) for pid, url in aplikasi_produksi()))
    with db.session_scope(get_settings().store_url) as session:
        session.add_all(AppProbe(production_id=h.production_id, at=at, ok=h.ok,
                                 status_code=h.status_code, latency_ms=h.latency_ms,
                                 error=h.error) for h in hasil)
    return list(hasil)
