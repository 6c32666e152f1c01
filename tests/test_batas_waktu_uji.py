"""Deadlines of the feasibility test: per-read timeouts are not a deadline.

A server on 127.0.0.1 that sends its headers and then one byte of the body every half second
never trips a read timeout: before the total deadline, ``lpa kelaikan`` hung on it before
the flow even started. Every request we send to an application under test now has a total
deadline (connect + headers + whole body, ``LPA_UJI_BATAS_PERMINTAAN``) and the whole test a
bound (``LPA_UJI_BATAS_TOTAL``); both are set small here. No elapsed time is asserted (speed
and time belong to bench/): each test asserts what only the deadline can produce, its error
with its reason, where without it another error (``asyncio.wait_for``'s, a subprocess
timeout) or a completed read would come.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import bantu
import pytest

ROOT = Path(__file__).resolve().parents[1]
JEDA_TETES = 0.5
"""Seconds between two bytes the slow server sends."""
MAKS_TETES = 240
"""Bytes one connection drips at most (two minutes): every loop here is bounded."""


class ServerTetes:
    """Answers every request with headers at once, then drips the body one byte at a time
    (``tetes_kepala``: drips the header block itself). Paths in ``cepat`` get a whole,
    ordinary page at once."""

    def __init__(self, *, cepat: tuple[str, ...] = (), tetes_kepala: bool = False) -> None:
        self.cepat = cepat
        self.tetes_kepala = tetes_kepala
        self.berhenti = threading.Event()
        self.soket = socket.create_server(("127.0.0.1", 0))
        self.soket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.soket.getsockname()[1]}"
        self._benang = threading.Thread(target=self._terima, daemon=True)
        self.koneksi = 0

    def __enter__(self) -> ServerTetes:
        self._benang.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.berhenti.set()
        self._benang.join(timeout=5)
        self.soket.close()

    def _terima(self) -> None:
        while not self.berhenti.is_set():
            try:
                sambungan, _ = self.soket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.koneksi += 1
            threading.Thread(target=self._layani, args=(sambungan,), daemon=True).start()

    def _layani(self, sambungan: socket.socket) -> None:
        with sambungan:
            sambungan.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    potongan = sambungan.recv(4096)
                    if not potongan:
                        return
                    data += potongan
                jalur = data.split(b" ", 2)[1].decode("latin-1") if b" " in data else "/"
                if jalur in self.cepat:
                    badan = b"<html><head><title>Awal</title></head><body>ok</body></html>"
                    sambungan.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                      b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                                      % len(badan) + badan)
                    return
                kepala = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                          b"Content-Length: 1000000\r\n\r\n")
                if self.tetes_kepala:
                    tetesan = kepala + b"<" * MAKS_TETES
                else:
                    sambungan.sendall(kepala)
                    tetesan = b"<" * MAKS_TETES
                for i in range(min(MAKS_TETES, len(tetesan))):
                    if self.berhenti.wait(JEDA_TETES):
                        return
                    sambungan.sendall(tetesan[i:i + 1])
            except OSError:
                return  # the client gave up: that is the point


def test_the_scoped_client_has_a_total_deadline(pengaturan_uji: bantu.Pengaturan) -> None:
    """Headers at once, then a byte every 0.5 s: the per-read timeout (10 s) never trips;
    the total deadline does, with the reason in Bahasa Indonesia."""
    from tasks.kelaikan.klien import BatasWaktuTotal, KlienUji
    from tasks.kelaikan.umum import alasan_galat

    async def ambil(url: str) -> None:
        async with KlienUji(url) as klien:
            await klien.get("/")

    with ServerTetes() as server:
        pengaturan_uji(uji_batas_permintaan=1.5)
        # Without a total deadline, wait_for's TimeoutError after 30 s would be raised.
        with pytest.raises(BatasWaktuTotal) as info:
            asyncio.run(asyncio.wait_for(ambil(server.url), 30))
    assert alasan_galat(info.value) == "batas waktu total permintaan (1.5 detik) terlampaui"


@pytest.mark.lambat
def test_lpa_kelaikan_pre_flight_gives_up_at_the_deadline(tmp_path: Path) -> None:
    """The pre-flight request of ``lpa kelaikan`` against the slow server: exit 2 ("could
    not test") with the reason, within a bound, and no report."""
    out = tmp_path / "hasil"
    env = {**os.environ, "LPA_UJI_BATAS_PERMINTAAN": "2", "LPA_DATA_DIR": str(tmp_path)}
    env.pop("PREFECT_API_URL", None)
    with ServerTetes() as server:
        proses = subprocess.run(
            [sys.executable, "-m", "lpa.cli", "kelaikan", "--url", server.url, "--out",
             str(out), "--no-stress"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    assert proses.returncode == 2, proses.stdout + proses.stderr
    assert "batas waktu total permintaan (2 detik) terlampaui" in proses.stderr
    assert "uji tidak dijalankan" in proses.stderr
    assert not (out / "laporan.json").exists()


def test_production_probe_has_a_total_deadline_for_its_headers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The heartbeat's probe of a production application whose header block itself
    drips: down, with the reason in Bahasa Indonesia, within its bound."""
    from tasks import detak

    monkeypatch.setattr(detak, "BATAS_HTTP_DETIK", 1.5)
    with ServerTetes(tetes_kepala=True) as server:
        # without its deadline, wait_for's TimeoutError after 30 s
        hasil = asyncio.run(asyncio.wait_for(detak.cek_http(1, server.url + "/"), 30))
    assert not hasil.ok and hasil.status_code is None
    assert hasil.error == "batas waktu total permintaan (1.5 detik) terlampaui"


def test_a_category_cut_by_the_whole_test_bound_says_so() -> None:
    """The mechanism of the whole-test bound without a Prefect server: what finished
    keeps its result, what did not is cancelled and carries the bound as its reason."""
    from flows.kelaikan import BatasUjiTerlampaui, tunggu_dalam_batas

    async def cepat() -> str:
        return "selesai"

    batal: list[bool] = []

    async def lambat() -> str:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            batal.append(True)
            raise
        return "tidak pernah"

    async def jalan() -> list[object]:
        tugas = [asyncio.ensure_future(cepat()), asyncio.ensure_future(lambat())]
        return await tunggu_dalam_batas(tugas, 0.5, "batas waktu total uji kelaikan (1 "
                                                    "detik) terlampaui")

    hasil = asyncio.run(jalan())
    assert hasil[0] == "selesai" and batal == [True]
    assert isinstance(hasil[1], BatasUjiTerlampaui)
    assert str(hasil[1]) == "batas waktu total uji kelaikan (1 detik) terlampaui"


def test_the_whole_feasibility_test_is_bounded(prefect_api: str,
                                              pengaturan_uji: bantu.Pengaturan) -> None:
    """The real flow against a server whose start page answers (so the pre-flight passes)
    and whose every other page drips: with a total bound of 12 s and a per-request deadline
    far above it, the flow ends soon after the bound and says why, instead of waiting for
    six categories of dripping pages."""
    from domain.kelaikan import TargetUji, UjiTidakDapatDinilai
    from flows.kelaikan import kelaikan

    with ServerTetes(cepat=("/",)) as server:
        pengaturan_uji(uji_batas_total=12, uji_batas_permintaan=120)
        mulai = time.monotonic()
        try:
            laporan = asyncio.run(kelaikan(TargetUji(url=server.url + "/")))
        except UjiTidakDapatDinilai as exc:
            laporan, pesan = None, str(exc)
        detik = time.monotonic() - mulai
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=15)  # while the session's server is still up
    EventsWorker.drain_all(timeout=15)
    print(f"\nkelaikan dengan batas total 12 s: {detik:.1f} s")
    alasan = "batas waktu total uji kelaikan (12 detik) terlampaui"
    if laporan is None:
        assert alasan in pesan
    else:
        terpotong = [k for k in laporan.categories if alasan in (k.reason or "")]
        assert terpotong, laporan.categories
