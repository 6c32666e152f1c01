"""Which dead ticket runs are started again, and the zombie automation on a real server.

The recoveries themselves (a run cancelled by its runner stopping, a run killed with -9 and
marked Crashed by the automation, an operator's cancel and `lpa lanjutkan`) run end to end
in tests/test_sop_flows.py.
"""

from __future__ import annotations

from datetime import timedelta

import bantu
import pytest

from deployments.otomasi import NAMA, batas_detak, otomasi_zombie, pastikan_otomasi_zombie
from domain.pemulihan import PESAN_RUNNER_BERHENTI, kunci_pemulihan, mati_tanpa_sengaja


@pytest.mark.parametrize(("jenis", "pesan", "pulihkan"), [
    ("CRASHED", "Execution was aborted by an interrupt signal.", True),
    ("CRASHED", None, True),
    ("CANCELLED", PESAN_RUNNER_BERHENTI, True),
    ("CANCELLED", "Dibatalkan operator", False),
    ("CANCELLED", None, False),
    ("FAILED", "ZeroDivisionError", False),
    ("COMPLETED", None, True),  # asked only of runs of tickets still open: forced by hand
    ("PAUSED", None, False),
    (None, None, False),
])
def test_only_deaths_nobody_chose_are_recovered(jenis: str | None, pesan: str | None,
                                                pulihkan: bool) -> None:
    assert mati_tanpa_sengaja(jenis, pesan) is pulihkan


def test_one_replacement_key_per_dead_run() -> None:
    assert kunci_pemulihan("abc") == kunci_pemulihan("abc") != kunci_pemulihan("abd")


def test_heartbeat_limit_follows_the_settings(pengaturan_uji: bantu.Pengaturan) -> None:
    pengaturan_uji(batas_detak_run=None)
    assert batas_detak(180) == timedelta(seconds=420)
    assert batas_detak(30) == timedelta(seconds=120)
    pengaturan_uji(batas_detak_run="90")
    assert batas_detak(30) == timedelta(seconds=90)
    with pytest.raises(ValueError, match="batas_detak_run"):
        pengaturan_uji(batas_detak_run="10")


def test_a_waiting_ticket_is_not_a_zombie() -> None:
    trigger = otomasi_zombie(timedelta(seconds=75)).trigger
    # a ticket waiting for an official sends no heartbeat: Suspended must disarm the trigger
    assert {"prefect.flow-run.Suspended", "prefect.flow-run.Paused",
            "prefect.flow-run.Completed", "prefect.flow-run.heartbeat"} <= trigger.expect
    assert trigger.after == {"prefect.flow-run.heartbeat"}
    assert trigger.within == timedelta(seconds=75)


def test_the_automation_is_created_once_and_kept_up_to_date(prefect_api: str) -> None:
    from prefect.client.orchestration import get_client

    pertama = pastikan_otomasi_zombie(timedelta(seconds=75))
    kedua = pastikan_otomasi_zombie(timedelta(seconds=75))
    assert pertama.id == kedua.id
    ketiga = pastikan_otomasi_zombie(timedelta(seconds=100))
    assert ketiga.id == pertama.id
    with get_client(sync_client=True) as client:
        [tersimpan] = client.read_automations_by_name(NAMA)
        assert tersimpan.trigger.within == timedelta(seconds=100)
        assert tersimpan.enabled
    # back to what every served stack of this test session uses
    pastikan_otomasi_zombie()
    with get_client(sync_client=True) as client:
        [tersimpan] = client.read_automations_by_name(NAMA)
        assert tersimpan.trigger.within == batas_detak()


def test_the_first_runs_key_tells_two_tickets_of_the_same_number_apart() -> None:
    """A store started afresh (or restored) numbers from 1 again while the Prefect server
    remembers the old runs: the new LPA-…-000001 must not be answered with the old one's run
    (seen when test modules with stores of their own shared one Prefect server)."""
    from datetime import UTC, datetime, timedelta, timezone

    from domain.pemulihan import kunci_run_tiket

    pertama = datetime(2026, 12, 6, 2, 54, 28, 331737)
    kedua = pertama + timedelta(minutes=3)
    assert kunci_run_tiket("LPA-2026-000001", pertama) != kunci_run_tiket("LPA-2026-000001",
                                                                         kedua)
    # the same moment read back naive (SQLite) or aware in another zone (PostgreSQL)
    wib = timezone(timedelta(hours=7))
    sadar = pertama.replace(tzinfo=UTC).astimezone(wib)
    assert kunci_run_tiket("LPA-2026-000001", sadar) == kunci_run_tiket("LPA-2026-000001",
                                                                       pertama)
