"""The intake deployment's id is looked up once a minute per server, not on every
submission (decision 26), against a real HTTP server on 127.0.0.1 that answers Prefect's
``GET deployments/name/intake/intake`` and counts the lookups."""

from __future__ import annotations

import json
import uuid
from http.server import BaseHTTPRequestHandler

import bantu
import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from klien import operasi


def _server_prefect(jawaban: list[str]) -> type[BaseHTTPRequestHandler]:
    class Tiruan(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            jawaban.append(self.path)
            isi = json.dumps({"id": str(uuid.uuid4())}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(isi)))
            self.end_headers()
            self.wfile.write(isi)

        def log_message(self, *_args: object) -> None:
            pass

    return Tiruan


def test_the_deployment_is_looked_up_once_a_minute_per_server(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(operasi, "_deployment_diingat", {})
    dilihat: list[str] = []
    with bantu.server_web(_server_prefect(dilihat)) as url:
        with temporary_settings({PREFECT_API_URL: url + "api"}):
            pertama = operasi._deployment_intake(5)
            assert operasi._deployment_intake(5) == pertama
            assert dilihat == ["/api/deployments/name/intake/intake"]
            # once the minute is over, the server is asked again (and a new id believed)
            monkeypatch.setattr(operasi, "DEPLOYMENT_INGAT_DETIK", 0.0)
            monkeypatch.setattr(operasi, "_deployment_diingat", {})
            a = operasi._deployment_intake(5)
            b = operasi._deployment_intake(5)
            assert len(dilihat) == 3 and a != b
