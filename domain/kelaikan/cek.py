"""How one check of the feasibility test is declared: :class:`Cek`.

A declaration says everything the rest of the system needs to know about a check: its id
(``<category>.<name>``), the finding's title, default severity, OWASP WSTG v4.2 id and CWE,
what it does and what to do about a finding (Bahasa Indonesia, shown to the agency as
written), what it needs from the request (:data:`Butuh`), the shared observation it starts
from (:attr:`Cek.amatan`), and, when its judging is pure, the judge (:attr:`Cek.nilai`):
``nilai(observation, target) -> list[Bukti]``, unit-tested on recorded observations.

A check without a pure judge is an active probe: it sends its own requests (a marker in a
parameter, a quote, a request for ``/.git/HEAD``) and recognises the answers with the pure
recognisers of its category's module; its task lives in ``tasks/kelaikan/``, named after
the check id.
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
class Cek:
    """One automated check, declared once (see the module docstring)."""

    id: str
    judul: str
    """Title of a finding."""
    severity: Severity
    wstg: str
    cwe: str
    uraian: str
    """What the check does, for the docs and the report's "what was tested"."""
    rekomendasi: str
    amatan: str | None = None
    """The shared observation of its category it starts from (``tasks/kelaikan/registri``
    makes it once per category run), or None."""
    butuh: frozenset[Butuh] = field(default_factory=frozenset)
    nilai: Penilai | None = None
    """The pure judge of :attr:`amatan`; None for an active probe (its own task)."""

    @property
    def kategori(self) -> str:
        return self.id.split(".", 1)[0]

    def temuan(self, evidence: str, *, severity: Severity | None = None) -> Temuan:
        return Temuan(
            check_id=self.id, title=self.judul, severity=severity or self.severity,
            wstg=self.wstg, cwe=self.cwe, evidence=evidence, recommendation=self.rekomendasi,
        )

    def nilai_temuan(self, amatan: Any, target: Any) -> list[Temuan]:
        """The findings of the pure judge on a recorded observation."""
        if self.nilai is None:
            raise TypeError(f"{self.id} is a probe, not a pure judge")
        return [self.temuan(b.teks, severity=b.severity) for b in self.nilai(amatan, target)]
