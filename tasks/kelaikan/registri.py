"""How the checks of :data:`domain.kelaikan.registri.CEK` are run: the shared observations
(:data:`PENGAMAT`), the probes (:data:`PEMERIKSA`), and the one task that applies a pure
judge (:func:`nilai_cek`).

A check declares the observation it starts from (``Cek.amatan``); the category subflow makes
each observation its checks need once, then runs every check: a pure judge on the
observation, or the check's probe (a task named after the check id) with the observation.
``tests/test_kelaikan_registri.py`` holds this table and the registry to each other: every
declared observation has an observer, every probe a declaration, every check one way to run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from prefect import task

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
from tasks.kelaikan.umum import OPSI_TUGAS


@dataclass(frozen=True)
class Pengamat:
    """One shared observation: how it is made, and how its failure reads in the report."""

    apa: str
    """What failed, in Bahasa Indonesia: ``"<apa> gagal: <why>"`` is the checks' reason."""
    amati: Callable[..., Awaitable[Any]]
    """``amati(target)``, or ``amati(target, dasar)`` when it builds on :attr:`dasar`."""
    kosong: Any = None
    """What a check with ``amatan_wajib=False`` receives when the observation failed."""
    dasar: str | None = None
    """Another observation this one builds on (made first; its :attr:`kosong` when it
    failed)."""


PENGAMAT: dict[str, Pengamat] = {
    "dasar_struktur": Pengamat("pembanding soft-404", lambda t: struktur.amati_dasar(t.url)),
    "jelajah": Pengamat("penjelajahan halaman", lambda t: jelajahi_situs(t.url), kosong=[]),
    "galat": Pengamat("pancingan halaman galat", input.amati_galat, dasar="jelajah"),
    "sesi": Pengamat("pengamatan sesi", sesi.amati_sesi),
    "dbms": Pengamat("pengamatan port basis data",
                     lambda t: dbms.amati_dbms(t.host_db or "", t.db_port)),
    "lain": Pengamat("pengamatan halaman awal", lambda t: lain.amati_lain(t.url)),
}
"""Every shared observation a check may declare, by name."""

PEMERIKSA: dict[str, Any] = {
    t.name: t for t in (*struktur.PEMERIKSA, *validasi.PEMERIKSA, *input.PEMERIKSA,
                        *injeksi.PEMERIKSA,
                        login_gagal.cek_enumerasi_pengguna, login_gagal.cek_tanpa_penguncian,
                        dbms.cek_satu_host, dbms.cek_galat_db_web, dbms.cek_dump_terbuka)
}
"""Every active probe by its check id: ``probe(target, observation) -> findings``."""


@task(name="kelaikan.nilai", task_run_name="{cek_id}", **OPSI_TUGAS)
async def nilai_cek(cek_id: str, amatan: Any, target: TargetUji) -> list[Temuan]:
    """Apply the pure judge of ``cek_id`` to its observation (run name: the check id)."""
    return CEK[cek_id].nilai_temuan(amatan, target)


def jalankan(cek_id: str, target: TargetUji, amatan: Any) -> Awaitable[list[Temuan]]:
    """The task call that runs one check on its observation."""
    cek = CEK[cek_id]
    if cek.nilai is not None:
        return nilai_cek(cek_id, amatan, target)
    return PEMERIKSA[cek_id](target, amatan)
