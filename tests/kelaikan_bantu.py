"""Run one check of the feasibility-test registry the way the tests call it.

``uji("otentikasi_sesi.login_http")`` is the check as a callable with an ``fn`` coroutine
(the shape of a Prefect task's function): a pure judge applied to a recorded observation
(``await uji(id).fn(observation[, target][, pada])``), or the check's probe
(``await uji(id).fn(target[, observation])``). No Prefect run is made.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.kelaikan import CEK, Temuan


class _Cek:
    def __init__(self, cek_id: str) -> None:
        self.cek_id = cek_id

    async def fn(self, *args: Any) -> list[Temuan]:
        cek = CEK[self.cek_id]
        if cek.nilai is None:
            from tasks.kelaikan.registri import PEMERIKSA

            return await PEMERIKSA[self.cek_id].fn(*args)
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
