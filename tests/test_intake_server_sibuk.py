"""The intake asks again for the ticket's run while the Prefect server answers 503.

Found by ``bench/bench_sop.py --part b`` at about 300 waiting tickets on SQLite: an intake
run's ``create_flow_run`` got 503 after the client's own retries, the intake failed and the
ticket had no run until the recovery's pass. Here a real HTTP proxy on 127.0.0.1 in front of
the test session's Prefect server answers 503 to the first two ``create_flow_run`` calls."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler

import bantu
import httpx
import pytest

pytestmark = pytest.mark.lambat


def _proxy(hulu: str, tolak: int, dilihat: list[int]) -> type[BaseHTTPRequestHandler]:
    kunci = threading.Lock()

    class Proxy(BaseHTTPRequestHandler):
        def _teruskan(self) -> None:
            panjang = int(self.headers.get("Content-Length") or 0)
            isi = self.rfile.read(panjang) if panjang else b""
            if self.command == "POST" and self.path.endswith("/create_flow_run"):
                with kunci:
                    dilihat.append(len(dilihat) + 1)
                    sibuk = len(dilihat) <= tolak
                if sibuk:
                    badan = b'{"exception_message": "Service Unavailable"}'
                    self.send_response(503)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(badan)))
                    self.end_headers()
                    self.wfile.write(badan)
                    return
            jawab = httpx.request(self.command, hulu + self.path.removeprefix("/api"),
                                  content=isi, headers={"Content-Type": "application/json"},
                                  timeout=30)
            self.send_response(jawab.status_code)
            self.send_header("Content-Type", jawab.headers.get("content-type", "text/plain"))
            self.send_header("Content-Length", str(len(jawab.content)))
            self.end_headers()
            self.wfile.write(jawab.content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _teruskan  # noqa: N815

        def log_message(self, *_args: object) -> None:
            pass

    return Proxy


def test_the_tickets_run_is_asked_for_again_while_the_server_is_busy(
        prefect_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect import flow, get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterDeploymentId
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    from domain.pemulihan import PROSES_TIKET
    from flows import intake

    monkeypatch.setattr(intake, "JEDA_ULANG_PROSES", (0.2, 0.2, 0.2))
    monkeypatch.setattr(intake, "kunci_run_proses", lambda nomor: f"uji-sibuk-{nomor}")

    async def deployment() -> str:
        async with get_client() as client:
            alur, nama = PROSES_TIKET.split("/")
            flow_id = await client.create_flow_from_name(alur)
            return str(await client.create_deployment(flow_id=flow_id, name=nama))

    deployment_id = asyncio.run(deployment())
    dilihat: list[int] = []
    nomor = "LPA-2026-990001"

    @flow(name="uji-intake-sibuk")
    async def pemanggil() -> None:
        await intake._mulai_proses(nomor, ["jenis:va"])

    with bantu.server_web(_proxy(prefect_api, 2, dilihat)) as url:
        with temporary_settings({PREFECT_API_URL: url + "api", PREFECT_CLIENT_MAX_RETRIES: 0}):
            asyncio.run(pemanggil())
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=15)  # while the proxy still answers
            EventsWorker.drain_all(timeout=15)

    async def runs() -> list[object]:
        async with get_client() as client:
            return await client.read_flow_runs(flow_run_filter=FlowRunFilter(
                deployment_id=FlowRunFilterDeploymentId(any_=[deployment_id])))

    dibuat = [r for r in asyncio.run(runs()) if r.name == nomor]
    assert len(dilihat) == 3  # refused twice, created on the third attempt
    assert len(dibuat) == 1
