"""How the checks of :data:`domain.kelaikan.registri.CEK` are run: the observations
(:data:`PENGAMAT`) and the one task that applies a check's pure judge (:func:`nilai_cek`).

A check declares the observation it starts from (``Cek.amatan``); the category subflow makes
each observation its checks need once (those it builds on first), then runs every check's
judge on it. ``tests/test_kelaikan_registri.py`` holds this table and the registry to each
other: every declared observation has an observer, every observer a check that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prefect import get_run_logger, task

from domain.kelaikan.cek import TidakDapatDiuji
from domain.kelaikan.hasil import Temuan
from domain.kelaikan.registri import CEK
from domain.kelaikan.target import TargetUji
from tasks.kelaikan import (
    dbms,
    injeksi,
    input,
    lain,
    login_gagal,
    sesi,
    struktur,
    validasi,
)
from tasks.kelaikan.jelajah import jelajahi_situs
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, url_target

PENGAMAT: dict[str, Pengamat] = {}
"""Every observation a check may declare, by name: the crawl, and each module's own."""
for _tabel in ({"jelajah": Pengamat("penjelajahan halaman", jelajahi_situs, url_target)},
               struktur.PENGAMAT, validasi.PENGAMAT, input.PENGAMAT, injeksi.PENGAMAT,
               sesi.PENGAMAT, login_gagal.PENGAMAT, dbms.PENGAMAT, lain.PENGAMAT):
    if set(_tabel) & set(PENGAMAT):
        raise RuntimeError(f"observation named twice: {sorted(set(_tabel) & set(PENGAMAT))}")
    PENGAMAT.update(_tabel)


@dataclass(frozen=True)
class TidakDiuji:
    """A judge found nothing it could judge (:class:`domain.kelaikan.cek.TidakDapatDiuji`):
    the check is not tested, with this reason. An expected outcome, not a failure: the task
    completes and says so in its log, so the Prefect UI shows no failed run and no traceback
    for it."""

    alasan: str


@task(name="kelaikan.nilai", task_run_name="{cek_id}", **OPSI_TUGAS)
async def nilai_cek(cek_id: str, amatan: Any, target: TargetUji) -> list[Temuan] | TidakDiuji:
    """Apply the pure judge of ``cek_id`` to its observation (run name: the check id)."""
    try:
        return CEK[cek_id].nilai_temuan(amatan, target)
    except TidakDapatDiuji as exc:
        get_run_logger().info("%s tidak diuji: %s", cek_id, exc)
        return TidakDiuji(str(exc))
