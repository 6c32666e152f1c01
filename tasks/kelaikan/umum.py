"""What every check task of the feasibility test shares: task options, the test's label,
why a check did not finish (:func:`alasan_galat`), and the first question, whether the
application answers at all (:func:`periksa_target`).

Every check is non-destructive: it reads pages, sends harmless markers, posts a form only
with values it labels ``UJI-KELAIKAN-LPA``, and opens TCP connections without sending data.
HTTP goes through :class:`tasks.kelaikan.klien.KlienUji` (scope, rate, timeouts). What a
finding means, its severity, WSTG id and CWE are declared once in
:data:`domain.kelaikan.registri.CEK`.

A check that cannot finish raises; the category flow records that check as not run, with the
reason from :func:`alasan_galat`, and the other checks go on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from prefect import task
from prefect.cache_policies import NONE

from domain.kelaikan.cek import TidakDapatDiuji
from domain.kelaikan.galat import kutip
from domain.kelaikan.halaman import Halaman
from domain.kelaikan.masukan import PENANDA_UJI
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import BatasWaktuTotal, DiluarCakupan, KlienUji

BATAS_WAKTU_CEK = 60.0
"""Wall-clock bound of one check task, seconds."""

OPSI_TUGAS: dict[str, Any] = {
    "cache_policy": NONE, "persist_result": False, "timeout_seconds": BATAS_WAKTU_CEK,
}


def _target(t: TargetUji) -> tuple[Any, ...]:
    return (t,)


def url_target(t: TargetUji) -> tuple[Any, ...]:
    """:attr:`Pengamat.argumen` of an observation made from the target's URL alone."""
    return (t.url,)


@dataclass(frozen=True)
class Pengamat:
    """One observation checks start from (``Cek.amatan``): the task that makes it, and how
    its failure reads in the report. Each module of this package lists its own in a
    ``PENGAMAT`` table; :data:`tasks.kelaikan.registri.PENGAMAT` joins them."""

    apa: str
    """What failed, in Bahasa Indonesia: ``"<apa> gagal: <why>"`` is the checks' reason."""
    tugas: Any
    """The Prefect task: ``tugas(*argumen(target))``, or ``tugas(*argumen(target), dasar)``
    when it builds on :attr:`dasar`."""
    argumen: Callable[[TargetUji], tuple[Any, ...]] = _target
    """The task's arguments taken from the target (default: the target itself)."""
    dasar: str | None = None
    """Another observation this one builds on (made first)."""
    tanpa_dasar: Any = None
    """What this observation is made from when :attr:`dasar` failed (e.g. no pages when the
    crawl failed); None: it is not made, and its checks read the base's reason."""

    def amati(self, target: TargetUji, *dasar: Any, langsung: bool = False) -> Awaitable[Any]:
        """Make the observation: as a task run, or (``langsung``, the tests) its function."""
        fungsi = self.tugas.fn if langsung else self.tugas
        return fungsi(*self.argumen(target), *dasar)


class TargetTidakTerjangkau(RuntimeError):
    """The application did not answer at all: the test cannot run."""


def alasan_galat(exc: BaseException) -> str:
    """Why a check did not finish, in Bahasa Indonesia (never echoing credentials)."""
    if isinstance(exc, TidakDapatDiuji | BatasWaktuTotal):
        return str(exc)
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "melewati batas waktu"
    if isinstance(exc, httpx.ConnectError):
        return "tidak dapat terhubung ke aplikasi"
    if isinstance(exc, httpx.TooManyRedirects):
        return "terlalu banyak pengalihan (redirect)"
    if isinstance(exc, httpx.TransportError):
        return f"koneksi ke aplikasi terputus ({type(exc).__name__})"
    if isinstance(exc, DiluarCakupan):
        return f"permintaan di luar cakupan ditolak: {exc}"
    if isinstance(exc, asyncio.CancelledError):
        return "dibatalkan"
    pesan = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"galat {type(exc).__name__}" + (f": {pesan}" if pesan else "")


def awal_aplikasi(url: str) -> str:
    """The target URL's base (its folder), where relative probes start."""
    bagian = urlsplit(url)
    path = bagian.path if bagian.path.endswith("/") else bagian.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((bagian.scheme, bagian.netloc, path or "/", "", ""))


def dasar_probe(url: str) -> list[str]:
    """Bases to probe for files: the site root, and the application's folder when deeper."""
    akar = urlunsplit((*urlsplit(url)[:2], "/", "", ""))
    awal = awal_aplikasi(url)
    return [akar] if awal == akar else [akar, awal]


# --- The target itself -------------------------------------------------------------------

@task(name="kelaikan.periksa_target", **OPSI_TUGAS)
async def periksa_target(url: str) -> int:
    """One request to the start page: the test runs only when the application answers,
    whole, within the total deadline of a request (``LPA_UJI_BATAS_PERMINTAAN``)."""
    try:
        async with KlienUji(url) as klien:
            return (await klien.get(url)).status
    except BatasWaktuTotal as exc:
        raise TargetTidakTerjangkau(
            f"Aplikasi {url} tidak menjawab utuh ({exc}); uji tidak dijalankan."
        ) from None
    except httpx.TransportError as exc:
        raise TargetTidakTerjangkau(
            f"Aplikasi {url} tidak dapat dihubungi ({alasan_galat(exc)}); uji tidak dijalankan."
        ) from None


@task(name="kelaikan.halaman_awal", **OPSI_TUGAS)
async def ambil_halaman_awal(url: str) -> Halaman:
    async with KlienUji(url) as klien:
        return await klien.get(url)


__all__ = ["PENANDA_UJI", "TidakDapatDiuji", "kutip"]
