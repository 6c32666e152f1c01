"""Shared by the end-to-end modules (test_sop_*.py): the served stack, forms, polling."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bantu
import pytest

from domain.calendar import WIB
from klien import operasi
from lpa import server
from lpa.contoh_aplikasi import ContohAplikasi
from settings import Settings
from store import db
from tasks.notifikasi import baca_kotak_keluar

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "tests" / "fixtures" / "forms"
# Every mutu baku scaled down 200 times (30 min → 9 s) on a calendar open around the clock:
# the waiting is real, only shorter. Nothing is skipped.
FAKTOR = 0.005


@dataclass
class Stack:
    settings: Settings
    env: dict[str, str]
    serve: server.Proses
    log_dir: Path

    def restart_serve(self) -> None:
        self.serve.stop()
        self.serve = server.start_serve(self.env, self.log_dir / "serve-2.log")
        server.wait_deployments(self.env["PREFECT_API_URL"],
                                ["intake/intake", "proses-tiket/proses-tiket"], self.serve)


_STACK_KE = itertools.count()


def _nomor_tiket_sendiri(settings: Settings) -> None:
    """Start this stack's ticket numbers where no other stack of this worker's Prefect server
    starts them. The stores are one per module and the server one per worker, so without it
    every module's first ticket would be LPA-YYYY-000001, and the recovery, which finds a
    ticket's runs on the server by number, would take another module's runs for its own (in
    production one store and one server number together)."""
    from store.models import Counter

    slot = (os.getpid() % 90) * 100 + next(_STACK_KE) % 100
    tahun = datetime.now(UTC).astimezone(WIB).year
    with db.session_scope(settings.store_url) as session:
        session.add(Counter(name="tiket", year=tahun, value=slot * 100))


def buat_stack(prefect_api: str, tmp_path_factory: pytest.TempPathFactory,
               **tambahan: str) -> Iterator[Stack]:
    """The served stack of one test module (the `stack` fixture in conftest.py); ``tambahan``:
    more ``LPA_*`` variables for its processes."""
    data = tmp_path_factory.mktemp("lpa-data")
    # the roster as shipped, in a file of this stack's own: a test may appoint a Plh. in it
    shutil.copyfile(ROOT / "config" / "roster.yaml", data / "roster.yaml")
    overrides = {
        "LPA_DATA_DIR": str(data),
        "LPA_ROSTER_FILE": str(data / "roster.yaml"),
        "LPA_MUTU_BAKU_FAKTOR": str(FAKTOR),
        "LPA_HARI_KERJA": "[0,1,2,3,4,5,6]",
        "LPA_JAM_BUKA": "00:00:00",
        "LPA_JAM_TUTUP": "00:00:00",
        "LPA_UJI_BEBAN_DURASI_MAKS": "12",  # four 3-second load steps
        "LPA_KODE_KUNCI_MENIT": "0.2",  # a 12-second lockout after 5 wrong attempts
        # a VA ticket's step 5 scans tcp/1 of the form's 127.0.0.1 (nothing listens there):
        # the assessment says it could not test, at once; tests/test_va_*.py test it for real
        "LPA_VA_PORT": "1",
        **tambahan,
    }
    with bantu.lingkungan(**overrides) as settings:
        db.upgrade(settings.store_url)
        _nomor_tiket_sendiri(settings)
        env = server.prefect_env(settings, prefect_api, poll_seconds=1)
        serve = server.start_serve(env, data / "serve.log")
        st = Stack(settings, env, serve, data)
        try:
            server.wait_deployments(prefect_api, ["intake/intake", "proses-tiket/proses-tiket"],
                                    serve)
            yield st
        finally:
            st.serve.stop()
            db.dispose_all()


def buat_aplikasi() -> Iterator[ContohAplikasi]:
    """The hardened sample application (the `aplikasi` fixture in conftest.py)."""
    with ContohAplikasi(aman=True) as app:
        yield app


def form(name: str, **changes: Any) -> dict[str, Any]:
    data = json.loads((FORMS / name).read_text(encoding="utf-8"))
    data.update(changes)
    return data


def mails(st: Stack, nomor: str, jenis: str) -> list[dict[str, Any]]:
    return [p for p in baca_kotak_keluar(st.settings.outbox_dir)
            if p.get("tiket") == nomor and p.get("jenis") == jenis]


def wait_for_step(st: Stack, nomor: str, code: str, timeout: float = 60) -> operasi.Menunggu:
    return bantu.tunggu(
        lambda: next((m for m in operasi.inbox(st.settings)
                      if m.tiket == nomor and m.langkah == code and m.kode_terbit), None),
        timeout, jeda=0.3,
        pesan=lambda: f"{nomor} never waited on {code}: {operasi.status(st.settings, nomor)}")


def wait_suspended(flow_run_id: str, timeout: float = 60) -> None:
    _wait_run(flow_run_id, lambda s: s.is_paused(), "suspended", timeout)


def wait_no_run_processes(st: Stack, timeout: float = 60) -> None:
    # the fork server the runs start from is no run (deployments/serve.py)
    bantu.tunggu(lambda: not server.proses_run(st.serve.popen.pid), timeout,
                 pesan="serve still runs flow-run processes")


def _run_state(flow_run_id: str) -> Any:
    from uuid import UUID

    from prefect import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(UUID(flow_run_id)).state


def _wait_run(flow_run_id: str, done: Any, what: str, timeout: float = 180) -> Any:
    def selesai() -> Any:
        state = _run_state(flow_run_id)
        return state if state is not None and done(state) else None

    return bantu.tunggu(selesai, timeout, jeda=0.5,
                        pesan=lambda: f"run {flow_run_id} never {what}: "
                                      f"{_run_state(flow_run_id)}")

def _watch_pass(st: Stack, timeout: float = 120) -> None:
    """One pass of the served SLA watch (the two-minute schedule would do the same).

    After a kill -9 of the serve, a scheduled watch run that had taken the deployment's one
    concurrency slot but had not started holds it until its lease expires (Prefect's initial
    deployment lease, 300 s): the pass waits for the slot then (``timeout``)."""
    from prefect.deployments import run_deployment

    run = run_deployment("sla-watch/sla-watch", timeout=timeout)
    assert run.state is not None and run.state.is_completed(), run.state
