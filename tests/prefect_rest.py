"""Raw calls to a Prefect server's REST API for the tests, retried as Prefect's own client
(and ``klien.lingkungan.KlienPrefect``) retries them: on 429, 502 and 503. A Prefect server on
SQLite answers 503 while its database is busy, which a loaded CI machine makes common."""

from __future__ import annotations

import time
from typing import Any

import httpx

SIBUK = (429, 502, 503)
COBA = 8


def minta(metode: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request, repeated with back-off while the server answers that it is busy."""
    for coba in range(COBA):
        jawab = httpx.request(metode, url, **kwargs)
        if jawab.status_code not in SIBUK or coba == COBA - 1:
            return jawab
        time.sleep(min(0.25 * 2 ** coba, 5.0))
    raise AssertionError("unreachable")


def get(url: str, **kwargs: Any) -> httpx.Response:
    return minta("GET", url, **kwargs)


def post(url: str, **kwargs: Any) -> httpx.Response:
    return minta("POST", url, **kwargs)
