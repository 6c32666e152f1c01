"""How one check of the feasibility test is declared: :class:`Cek`.

A declaration says everything the rest of the system needs to know about a check: its id
(``<category>.<name>``), the finding's title, default severity, OWASP WSTG v4.2 id and CWE,
what it does and what to do about a finding (Bahasa Indonesia, shown to the agency as
written) (:class:`CekDasar`, which the vulnerability assessment's checks share), then the
observation it starts from (:attr:`Cek.amatan`), what it needs from the request
(:data:`Butuh`), and its judge (:attr:`Cek.nilai`).

Every check is *observe, then judge*: the observation (the requests a check needs and the
answers they got, recorded as plain data by a task of ``tasks/kelaikan/``, made once per
category run) is all its judge sees; the judge is a pure function
``nilai(observation, target) -> list[Bukti]``, unit-tested on recorded observations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from domain.kelaikan.hasil import Severity, Temuan

Butuh = Literal["akun", "db"]
"""What a check needs from the request: the test account, a database address."""


class TidakDapatDiuji(RuntimeError):
    """The check found nothing it could judge (e.g. no form): not tested, not passed.

    The message, in Bahasa Indonesia, becomes the reason in the category's result.
    """


@dataclass(frozen=True)
class Bukti:
    """One finding's evidence as a judge sees it; the registry makes the :class:`Temuan`."""

    teks: str
    severity: Severity | None = None
    """Only when the finding is more or less severe than the check's default."""


def bukti_gabung(baris: list[str], severity: Severity | None = None) -> list[Bukti]:
    """One finding whose evidence is every line, joined; none when there are no lines."""
    baris = list(dict.fromkeys(baris))
    return [Bukti("; ".join(baris), severity)] if baris else []


Penilai = Callable[..., list[Bukti]]
"""``(observation, target) -> evidence``: pure, no I/O."""


@dataclass(frozen=True)
class CekDasar:
    """What a finding of a check says, declared once: id, title, severity, WSTG, CWE, what
    the check does, what to do (see the module docstring)."""

    id: str
    judul: str
    """Title of a finding."""
    severity: Severity
    wstg: str
    cwe: str
    uraian: str
    """What the check does, for the docs and the report's "what was tested"."""
    rekomendasi: str

    @property
    def kategori(self) -> str:
        return self.id.split(".", 1)[0]

    def temuan(self, evidence: str, *, severity: Severity | None = None) -> Temuan:
        return Temuan(
            check_id=self.id, title=self.judul, severity=severity or self.severity,
            wstg=self.wstg, cwe=self.cwe, evidence=evidence, recommendation=self.rekomendasi,
        )



@dataclass(frozen=True)
class Cek(CekDasar):
    """One check of the feasibility test, declared once (see the module docstring)."""

    amatan: str
    """The observation it starts from, by name (``tasks/kelaikan/registri.PENGAMAT``; made
    once per category run)."""
    nilai: Penilai
    """Its pure judge of that observation."""
    butuh: frozenset[Butuh] = field(default_factory=frozenset)

    def nilai_temuan(self, amatan: Any, target: Any) -> list[Temuan]:
        """The findings of the pure judge on a recorded observation."""
        return [self.temuan(b.teks, severity=b.severity) for b in self.nilai(amatan, target)]
