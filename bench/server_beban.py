"""A small HTTP/1.1 server on 127.0.0.1 whose capacity is known by construction.

Every request takes one of ``--slots`` service slots for ``--layanan-ms`` milliseconds and
waits in a FIFO queue while all are busy: the server completes at most
``slots ÷ service time`` requests per second, whatever the load, so queueing theory gives its
saturation point. ``--tolak-penuh`` answers 503 at once instead of queueing (a server with a
hard connection limit). ``--batas-laju R`` answers 503 at once to requests beyond R per
second (a token bucket holding one second of burst): a rate-limited server whose
response times stay short while its error rate climbs. ``--slots 0`` answers at once: the
fast static server of the benchmarks.

``POST /login`` checks ``username``/``password`` form fields against ``LPA_SERVER_AKUN``
("user:password", from the environment) and answers 401 on a mismatch.

Used by tests/test_stress.py and bench/bench_stress.py; run as
``python -m bench.server_beban --port P [--slots N --layanan-ms MS] [--tolak-penuh]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from urllib.parse import parse_qs

BADAN = b"<html><head><title>Contoh</title></head><body><p>Halaman uji beban.</p></body></html>"


def _jawaban(status: str, badan: bytes = BADAN) -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {len(badan)}\r\n"
            "Connection: keep-alive\r\n\r\n").encode() + badan


OK, PENUH, DITOLAK = _jawaban("200 OK"), _jawaban("503 Service Unavailable"), \
    _jawaban("401 Unauthorized")


class Server:
    def __init__(self, slots: int, layanan_ms: float, tolak_penuh: bool,
                 batas_laju: float = 0.0) -> None:
        self.slots = slots
        self.laju = batas_laju
        self.token = batas_laju
        self.waktu = time.monotonic()
        self.layanan = layanan_ms / 1000
        self.tolak_penuh = tolak_penuh
        self.sem = asyncio.Semaphore(slots) if slots > 0 else None
        akun = os.environ.get("LPA_SERVER_AKUN", "")
        self.akun = tuple(akun.split(":", 1)) if ":" in akun else None

    async def layani(self, metode: str, path: str, badan: bytes) -> bytes:
        if metode == "POST" and path.startswith("/login") and self.akun is not None:
            form = parse_qs(badan.decode(errors="replace"))
            if (form.get("username", [""])[0], form.get("password", [""])[0]) != self.akun:
                return DITOLAK
        if self.laju > 0:
            sekarang = time.monotonic()
            self.token = min(self.laju, self.token + (sekarang - self.waktu) * self.laju)
            self.waktu = sekarang
            if self.token < 1:
                return PENUH
            self.token -= 1
        if self.sem is None:
            return OK
        if self.tolak_penuh and self.sem.locked():
            return PENUH
        async with self.sem:
            await asyncio.sleep(self.layanan)
        return OK

    async def koneksi(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                kepala = await reader.readuntil(b"\r\n\r\n")
                baris = kepala.decode("latin-1").split("\r\n")
                metode, path = baris[0].split(" ")[:2]
                panjang = 0
                for b in baris[1:]:
                    if b.lower().startswith("content-length:"):
                        panjang = int(b.split(":", 1)[1])
                badan = await reader.readexactly(panjang) if panjang else b""
                writer.write(await self.layani(metode, path, badan))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
            pass
        finally:
            writer.close()


async def main(port: int, slots: int, layanan_ms: float, tolak_penuh: bool,
               batas_laju: float) -> None:
    server = Server(slots, layanan_ms, tolak_penuh, batas_laju)
    srv = await asyncio.start_server(server.koneksi, "127.0.0.1", port, backlog=1024)
    print(f"siap http://127.0.0.1:{port}", flush=True)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--slots", type=int, default=4)
    p.add_argument("--layanan-ms", type=float, default=100.0)
    p.add_argument("--tolak-penuh", action="store_true")
    p.add_argument("--batas-laju", type=float, default=0.0)
    a = p.parse_args()
    asyncio.run(main(a.port, a.slots, a.layanan_ms, a.tolak_penuh, a.batas_laju))
