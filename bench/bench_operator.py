"""What the operators' list costs with many open tickets: ``/operator`` rendered in process.

    .venv/bin/python -m bench.bench_operator [--tiket 1000] [--n 30]

A temporary SQLite store gets ``--tiket`` open tickets, each waiting at one of the
officials' steps (a third of them late), and a signed-in staff session. Then ``--n`` times
each: ``klien.operasi.tiket_terbuka`` (the query and SLA figures ``lpa status`` shows),
``GET /operator`` (its first page of 50 rows), its last page, ``GET /operator?terlambat=1``
and ``GET /saya``, through FastAPI's
TestClient (no network, no uvicorn: the portal's own cost). Prints median and p95 in ms and
the page's size; the ratio of the page to the bare query says what rendering adds. The
Locust benchmark measures the same page over HTTP under concurrent users.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))


def _isi(settings, jumlah: int) -> None:  # noqa: ANN001
    import portal_staf_bantu
    from portal_staf_bantu import KABID, KADIS, PETUGAS, PRAKOM, buka_tiket

    from domain.sop import JenisLayanan

    # one code hash for every step: the hash is slow on purpose, and not what is measured
    code_hash = portal_staf_bantu.hash_kode(portal_staf_bantu.KODE)
    portal_staf_bantu.hash_kode = lambda _kode: code_hash

    pejabat = [("disposisi_kadis", KADIS), ("disposisi_kabid", KABID),
               ("perintah_prakom", PRAKOM), ("rekomendasi", PETUGAS)]
    jenis = list(JenisLayanan)
    sekarang = datetime.now(UTC)
    for i in range(jumlah):
        kode, orang = pejabat[i % len(pejabat)]
        mulai = sekarang - timedelta(days=30) if i % 3 == 0 else sekarang
        buka_tiket(settings, kode, orang, jenis=jenis[i % len(jenis)],
                   instansi=f"Dinas Contoh {i % 40}", mulai=mulai)


def _ukur(fungsi, n: int) -> tuple[float, float]:  # noqa: ANN001
    waktu = []
    for _ in range(n):
        t0 = time.perf_counter()
        fungsi()
        waktu.append((time.perf_counter() - t0) * 1000)
    waktu.sort()
    return statistics.median(waktu), waktu[min(len(waktu) - 1, int(0.95 * len(waktu)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiket", type=int, default=1000)
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    from portal_staf_bantu import KADIS, klien, masuk_sebagai, pengaturan

    from klien import operasi

    with tempfile.TemporaryDirectory() as tmp:
        settings = pengaturan(Path(tmp))
        t0 = time.perf_counter()
        _isi(settings, args.tiket)
        print(f"{args.tiket} open tickets seeded in {time.perf_counter() - t0:.1f} s")
        client = klien(settings)
        masuk_sebagai(client, settings, KADIS)
        ukuran = {}

        def halaman(path: str):  # noqa: ANN202
            def get() -> None:
                r = client.get(path)
                assert r.status_code == 200, r.status_code
                ukuran[path] = len(r.content)
            return get

        baris = [("tiket_terbuka (query + SLA figures)",
                  lambda: operasi.tiket_terbuka(settings), None)]
        from portal.rute_operator import PER_HALAMAN

        terakhir = max(1, -(-args.tiket // PER_HALAMAN))
        baris += [(f"GET {p}", halaman(p), p) for p in
                  ("/operator", f"/operator?halaman={terakhir}", "/operator?terlambat=1",
                   "/saya")]
        hasil = []
        for nama, fungsi, path in baris:
            fungsi()  # warm
            med, p95 = _ukur(fungsi, args.n)
            hasil.append((nama, med, p95, ukuran.get(path)))
        dasar = hasil[0][1]
        print(f"{'measure':40} {'median ms':>10} {'p95 ms':>8} {'x query':>8} {'bytes':>9}")
        for nama, med, p95, byte in hasil:
            print(f"{nama:40} {med:10.1f} {p95:8.1f} {med / dasar:8.2f} "
                  f"{byte if byte is not None else '-':>9}")


if __name__ == "__main__":
    main()
