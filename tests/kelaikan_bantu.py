"""Run one check of the feasibility-test registry the way the tests call it.

``uji("otentikasi_sesi.login_http")`` is the check as a callable with an ``fn`` coroutine
(the shape of a Prefect task's function): its pure judge applied to a recorded observation
(``await uji(id).fn(observation[, target][, pada])``); :func:`jalankan_cek` makes the
observations first, as the category subflow does. No Prefect run is made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from domain.kelaikan import CEK, Temuan
from domain.kelaikan.halaman import Halaman


class _Cek:
    def __init__(self, cek_id: str) -> None:
        self.cek_id = cek_id

    async def fn(self, *args: Any) -> list[Temuan]:
        cek = CEK[self.cek_id]
        obs, *sisa = args
        pada = next((a for a in sisa if isinstance(a, date)), None)
        target = next((a for a in sisa if not isinstance(a, date)), None)
        kw = {"pada": pada} if pada else {}
        return [cek.temuan(b.teks, severity=b.severity) for b in cek.nilai(obs, target, **kw)]


def uji(cek_id: str) -> _Cek:
    assert cek_id in CEK, cek_id
    return _Cek(cek_id)


def nilai(cek_id: str, obs: Any, target: Any = None) -> list[Temuan]:
    """The findings of the pure judge of ``cek_id`` on a recorded observation."""
    return CEK[cek_id].nilai_temuan(obs, target)


REKAMAN = Path(__file__).parent / "fixtures" / "rekaman"
"""Recorded answers of real software (``tests/fixtures/rekaman/README.md``)."""
BASIS_REKAMAN = "http://127.0.0.1:8000"
"""The origin recorded answers are judged as coming from (the recordings are origin-free)."""


@cache
def rekaman(aplikasi: str, nama: str) -> dict[str, Any]:
    """One recorded HTTP answer of a real application, as saved (shared: do not change it)."""
    return json.loads((REKAMAN / "http" / aplikasi / f"{nama}.json").read_text(encoding="utf-8"))


def direkam(aplikasi: str, nama: str, *, path: str | None = None,
            ganti: tuple[str, str] | None = None) -> Halaman:
    """A recorded answer as the checks see it, as if it came for ``path`` (default: the path
    it was recorded at) from :data:`BASIS_REKAMAN`; ``ganti``: one replacement in its body."""
    r = rekaman(aplikasi, nama)
    return Halaman(method=r["method"], url=urljoin(BASIS_REKAMAN, path or r["path"]),
                   status=r["status"], headers=[tuple(h) for h in r["headers"]],
                   text=r["body"].replace(*ganti) if ganti else r["body"])


async def amati(nama: str, target: Any, amatan: dict[str, Any]) -> Any:
    """Observation ``nama`` of the registry (and what it builds on), made through its task's
    function as the category subflow makes it, once per ``amatan`` cache."""
    from tasks.kelaikan.registri import PENGAMAT

    if nama not in amatan:
        p = PENGAMAT[nama]
        dasar = [await amati(p.dasar, target, amatan)] if p.dasar else []
        amatan[nama] = await p.amati(target, *dasar, langsung=True)
    return amatan[nama]


async def jalankan_cek(cek_ids: Iterable[str], target: Any,
                       amatan: dict[str, Any] | None = None) -> dict[str, list[Temuan]]:
    """The findings of each check as the category subflow gets them (its observation made
    once, then its pure judge), without a Prefect run; ``amatan`` shares the observations
    between calls. A check that raises raises here."""
    amatan = {} if amatan is None else amatan
    cek_ids = list(cek_ids)
    for cid in cek_ids:
        await amati(CEK[cid].amatan, target, amatan)
    return {cid: CEK[cid].nilai_temuan(amatan[CEK[cid].amatan], target) for cid in cek_ids}


@pytest.fixture(autouse=True)
def cepat() -> Iterator[None]:
    """A fast limiter for a test module's direct task calls (its twins are ours; the scoped
    client's 10 requests/s stay the rule everywhere else). Import it to use it."""
    from tasks.kelaikan import klien
    from tasks.kelaikan.klien import PembatasLaju

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(klien, "pembatas_untuk",
                   lambda url, per_detik=klien.LAJU_DEFAULT: PembatasLaju(2000))
        yield


# --- a listening decoy off the target's scope -------------------------------------------------

class Umpan:
    """A web server on another loopback address (off every target's scope) that answers and
    counts: ``koneksi`` accepted connections, ``permintaan`` the request lines it read. A scope
    test asserts both stay zero: a leak reaches a listener and is counted, never a closed
    port that would fail silently."""

    def __init__(self, host: str = "127.0.0.2") -> None:
        from contextlib import ExitStack
        from http.server import ThreadingHTTPServer

        import bantu

        umpan = self
        self.koneksi = 0
        self.permintaan: list[str] = []

        class _Penangan(bantu.Penangan):
            def _jawab(self) -> None:
                umpan.permintaan.append(self.requestline)
                data = b"<html><body><form method=post><input type=password name=p></form>"
                self.kirim(200, data)

            do_GET = do_POST = do_HEAD = _jawab  # noqa: N815 - stdlib names

        class _Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: Any, client_address: Any) -> bool:
                umpan.koneksi += 1
                return True

        self._server = _Server((host, 0), _Penangan)
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self._layanan = ExitStack()

    def __enter__(self) -> Umpan:
        import bantu

        self._layanan.enter_context(bantu.dilayani(self._server))
        return self

    def __exit__(self, *exc: object) -> None:
        self._layanan.close()

    @property
    def tersentuh(self) -> int:
        return self.koneksi + len(self.permintaan)
