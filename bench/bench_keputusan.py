"""What one wrong decision attempt costs: wall time of ``lpa decide`` and work on the server.

    .venv/bin/python -m bench.bench_keputusan [--n 4]

A Prefect server (SQLite, fresh PREFECT_HOME in a temporary directory) and the deployment
server (deployments/serve.py) are started as in bench/bench_sop.py; one VA request is
submitted and waits at the Kepala Dinas's decision. Then ``--n`` wrong codes are sent one
after the other through ``operasi.decide`` (the path of ``lpa decide``), fewer than the
lockout limit, and finally the right one. For each: wall time until ``decide`` answers,
CPU seconds spent meanwhile by the deployment server's tree (it starts one process per
resumed run), and whether the ticket's run was woken (its Suspended state replaced).
Every process started is stopped at the end. Compare figures side by side in one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_sop import Tumpukan, cpu_pohon, log, tabel  # noqa: E402
from klien import operasi  # noqa: E402
from lpa.demo import kode_dari_surel  # noqa: E402

FORMS = ROOT / "tests" / "fixtures" / "forms"


def _state_id(flow_run_id: str) -> str:
    from prefect import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
    return f"{state.id if state else None}"


def _menunggu(st: Tumpukan, nomor: str, timeout: float = 120) -> operasi.Menunggu:
    from prefect import get_client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in operasi.inbox(st.settings):
            if m.tiket == nomor and m.kode_terbit and m.flow_run_id:
                with get_client(sync_client=True) as client:
                    state = client.read_flow_run(UUID(m.flow_run_id)).state
                if state is not None and state.is_paused():
                    time.sleep(2)  # let the run's process save its input schema and exit
                    return m
        time.sleep(0.3)
    raise TimeoutError(f"{nomor} tidak menunggu keputusan dalam {timeout:.0f} s")


def satu_percobaan(st: Tumpukan, m: operasi.Menunggu, kode: str) -> dict[str, object]:
    assert m.flow_run_id and m.nip
    sebelum = _state_id(m.flow_run_id)
    cpu = cpu_pohon(st.serve.popen.pid)
    mulai = time.monotonic()
    try:
        hasil = operasi.decide(st.settings, m.tiket, m.nip, kode, "setuju", "bench")
    except operasi.GagalOperasi as exc:
        hasil = str(exc)
    detik = time.monotonic() - mulai
    time.sleep(1)  # a woken run's process may still be finishing
    return {"detik": detik, "cpu_serve": cpu_pohon(st.serve.popen.pid) - cpu,
            "run_dibangunkan": _state_id(m.flow_run_id) != sebelum, "jawaban": hasil}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=4, help="wrong attempts (below the limit)")
    args = parser.parse_args()
    data = json.loads((FORMS / "va.json").read_text(encoding="utf-8"))
    data["nama_aplikasi"] = "Bench Keputusan"
    with tempfile.TemporaryDirectory(prefix="bench-keputusan-") as tmp, \
            Tumpukan(Path(tmp), "keputusan", primitif=False) as st:
        nomor = operasi.submit(st.settings, data, "va")
        m = _menunggu(st, nomor)
        found = kode_dari_surel(st.settings.outbox_dir, nomor)
        assert found is not None
        salah = []
        for i in range(args.n):
            salah.append(satu_percobaan(st, m, f"AAAA-AAA{i + 2}"))
            log(f"salah {i + 1}: {salah[-1]}")
        benar = satu_percobaan(st, m, found[0])
        log(f"benar: {benar}")
    baris = [
        [f"wrong code (median of {len(salah)})",
         statistics.median(float(s["detik"]) for s in salah),  # type: ignore[arg-type]
         statistics.median(float(s["cpu_serve"]) for s in salah),  # type: ignore[arg-type]
         sum(bool(s["run_dibangunkan"]) for s in salah)],
        ["right code", float(benar["detik"]), float(benar["cpu_serve"]),  # type: ignore[arg-type]
         int(bool(benar["run_dibangunkan"]))],
    ]
    print(tabel(["lpa decide with", "wall s", "serve tree CPU-s", "runs woken"], baris))


if __name__ == "__main__":
    main()
