"""Helpers every test module may use (``import bantu``; tests/ has no ``__init__.py``):
polling for a condition, settings from environment variables, throw-away web servers.

- :func:`tunggu`: poll until a condition holds, else an ``AssertionError`` with the message.
- :class:`Pengaturan` (the ``pengaturan_uji`` fixture in conftest.py) and
  :func:`lingkungan`: set ``LPA_*`` variables and clear ``get_settings``' cache around them,
  so a test never reads the settings of the test before it.
- :func:`server_web`: a ``ThreadingHTTPServer`` for a handler on a loopback address (127.0.0.1
  at a free port unless told), stopped on exit; :func:`dilayani` serves a server the caller
  made ready (its own class, counters); :func:`port_bebas` a port nobody listens on.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

import pytest

from settings import Settings, get_settings

T = TypeVar("T")


def tunggu(kondisi: Callable[[], T], timeout: float = 60, jeda: float = 0.2,
           pesan: str | Callable[[], str] = "kondisi tidak terpenuhi") -> T:
    """Call ``kondisi`` every ``jeda`` seconds until it returns something true, and return
    that; after ``timeout`` seconds raise ``AssertionError(pesan)`` (a callable ``pesan`` is
    asked only then, so it may describe the state at that moment)."""
    batas = time.monotonic() + timeout
    while True:
        hasil = kondisi()
        if hasil:
            return hasil
        if time.monotonic() >= batas:
            raise AssertionError(pesan() if callable(pesan) else pesan)
        time.sleep(jeda)


def _nama_env(kunci: str) -> str:
    """``data_dir`` → ``LPA_DATA_DIR``; a name already in capitals is kept (``PREFECT_...``)."""
    return kunci if kunci.isupper() else f"LPA_{kunci.upper()}"


class Pengaturan:
    """Sets environment variables for one test through ``monkeypatch`` (undone after it) and
    answers the settings they make, ``get_settings``' cache cleared first.

    ``pengaturan_uji(data_dir=tmp_path, database_url=url)`` sets ``LPA_DATA_DIR`` and
    ``LPA_DATABASE_URL``; a value of None removes the variable.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._mp = monkeypatch

    def __call__(self, **env: object) -> Settings:
        for kunci, nilai in env.items():
            if nilai is None:
                self._mp.delenv(_nama_env(kunci), raising=False)
            else:
                self._mp.setenv(_nama_env(kunci), str(nilai))
        get_settings.cache_clear()
        return get_settings()


@contextmanager
def lingkungan(**env: object) -> Iterator[Settings]:
    """:class:`Pengaturan` for a block (a module-scoped fixture has no ``monkeypatch``):
    the variables are restored and the cache cleared on exit."""
    mp = pytest.MonkeyPatch()
    try:
        yield Pengaturan(mp)(**env)
    finally:
        mp.undo()
        get_settings.cache_clear()


def port_bebas() -> int:
    """A port on 127.0.0.1 free at this moment (nobody listens on it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


S = TypeVar("S", bound=socketserver.BaseServer)


@contextmanager
def dilayani(server: S) -> Iterator[S]:
    """Serve a ready ``server`` (bound by the caller, on a loopback address) in a thread;
    yields it; shut down, closed and its thread joined on exit."""
    benang = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    benang.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        benang.join(timeout=10)


@contextmanager
def server_web(handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1",
               port: int = 0) -> Iterator[str]:
    """Serve ``handler`` on ``host`` (loopback) at ``port`` (a free one by default) in a
    thread; yields the base URL (``http://<host>:<port>/``); shut down and closed on exit."""
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    with dilayani(server):
        yield f"http://{host}:{server.server_address[1]}/"


class Penangan(BaseHTTPRequestHandler):
    """A test server's handler: HTTP/1.1, quiet, and :meth:`kirim` for a whole answer."""

    protocol_version = "HTTP/1.1"

    def kirim(self, status: int, isi: str | bytes, jenis: str = "text/html",
              header: tuple[tuple[str, str], ...] = ()) -> None:
        """Answer ``status`` with body ``isi`` (its length sent), ``Content-Type: jenis`` and
        the extra ``header`` pairs."""
        data = isi.encode() if isinstance(isi, str) else isi
        self.send_response(status)
        self.send_header("Content-Type", jenis)
        for nama, nilai in header:
            self.send_header(nama, nilai)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass
