"""The shared test helpers (tests/bantu.py) do what the tests rely on."""

from __future__ import annotations

import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bantu
import httpx
import pytest

from settings import get_settings


def test_tunggu_returns_the_first_true_answer() -> None:
    jawaban = iter([None, 0, [], "siap"])
    assert bantu.tunggu(lambda: next(jawaban), timeout=5, jeda=0) == "siap"


def test_tunggu_fails_with_the_message_of_the_moment() -> None:
    hitung = []
    with pytest.raises(AssertionError, match=r"^belum: [1-9]\d* kali$"):
        bantu.tunggu(lambda: hitung.append(1), timeout=0.05, jeda=0.01,
                     pesan=lambda: f"belum: {len(hitung)} kali")


def test_pengaturan_uji_sets_and_forgets(pengaturan_uji: bantu.Pengaturan,
                                         tmp_path: Path) -> None:
    st = pengaturan_uji(data_dir=tmp_path, LPA_KODE_PERCOBAAN_MAKS=7)
    assert os.environ["LPA_DATA_DIR"] == str(tmp_path) and st.data_dir == tmp_path
    assert st.kode_percobaan_maks == 7  # a name in capitals is taken as it is
    assert get_settings() is st
    assert pengaturan_uji(data_dir=None).data_dir == Path("var")
    assert "LPA_DATA_DIR" not in os.environ


def test_lingkungan_restores_the_variables(tmp_path: Path) -> None:
    sebelum = os.environ.get("LPA_DATA_DIR")
    with bantu.lingkungan(data_dir=tmp_path) as st:
        assert st.data_dir == tmp_path == get_settings().data_dir
    assert os.environ.get("LPA_DATA_DIR") == sebelum
    assert get_settings().data_dir != tmp_path


class _Halo(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"halo")

    def log_message(self, *args: object) -> None:
        pass


def test_server_web_serves_then_stops() -> None:
    with bantu.server_web(_Halo) as url:
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "x").text == "halo"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{bantu.port_bebas()}/", timeout=2)


def test_server_web_on_another_loopback_address() -> None:
    with bantu.server_web(_Halo, "127.0.0.2") as url:
        assert url.startswith("http://127.0.0.2:")
        assert httpx.get(url).text == "halo"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)


def test_dilayani_serves_a_ready_server_then_stops_it() -> None:
    class _Server(ThreadingHTTPServer):
        daemon_threads = True
        diterima = 0

        def verify_request(self, request: object, client_address: object) -> bool:
            self.diterima += 1
            return True

    with bantu.dilayani(_Server(("127.0.0.1", 0), _Halo)) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert httpx.get(url).text == "halo"
        assert server.diterima == 1
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)
