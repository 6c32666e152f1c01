"""The one registry of the feasibility test's checks.

Each check is declared once (:class:`domain.kelaikan.cek.Cek`, in the ``daftar_*`` modules);
the generic category subflow (``flows/kelaikan.py``), the report's "Yang diuji" tables
(``tasks/kelaikan/laporan.py``), ``docs/kelaikan-checks.md`` (checked by ``tests/test_docs.py``)
and the tests read :data:`CEK`. Adding a check is one declaration, its judge or probe, and
its test.
"""

from __future__ import annotations

from domain.kelaikan.cek import Cek
from domain.kelaikan.daftar_input import CEK_INPUT
from domain.kelaikan.daftar_sesi_dbms_lain import CEK_SESI_DBMS_LAIN
from domain.kelaikan.daftar_struktur import CEK_STRUKTUR
from domain.kelaikan.daftar_validasi import CEK_VALIDASI
from domain.kelaikan.hasil import KATEGORI_KEAMANAN

DAFTAR_CEK: tuple[Cek, ...] = tuple(sorted(
    (*CEK_STRUKTUR, *CEK_VALIDASI, *CEK_INPUT, *CEK_SESI_DBMS_LAIN),
    key=lambda c: KATEGORI_KEAMANAN.index(c.kategori)))
"""Every check, in catalog order (categories in the catalog's order, checks as declared)."""

CEK: dict[str, Cek] = {c.id: c for c in DAFTAR_CEK}
"""Every check by id, in catalog order."""


def cek_kategori(kategori: str) -> list[Cek]:
    """The checks of one category, in catalog order."""
    return [c for c in DAFTAR_CEK if c.kategori == kategori]
