"""The soft-404 baseline: how the target answers paths that do not exist (:class:`Pembanding`).

``tasks.kelaikan.klien.ambil_pembanding`` records it (a random file and a random folder);
every judge of an answer to a probed path compares with it first, so a site that answers
200 with a generic page for any path (a "soft 404") is never a finding.
"""

from __future__ import annotations

import difflib

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.halaman import Halaman


class Pembanding(BaseModel):
    """How the target answers paths that do not exist (a file and a folder)."""

    model_config = ConfigDict(frozen=True)

    token: str
    berkas: Halaman
    folder: Halaman

    def mirip_tidak_ada(self, halaman: Halaman) -> bool:
        """True when ``halaman`` looks like the target's answer for a missing path."""
        for dasar in (self.berkas, self.folder):
            if halaman.status != dasar.status:
                continue
            a = halaman.text.replace(halaman.path, "")[:4000]
            b = dasar.text.replace(dasar.path, "").replace(self.token, "")[:4000]
            if a == b:
                return True
            pembanding = difflib.SequenceMatcher(None, a, b)
            if pembanding.quick_ratio() >= 0.9 and pembanding.ratio() >= 0.9:
                return True
        return False
