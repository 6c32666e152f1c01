"""A running portal for the tests that need a real one (a browser, ``lpa kelaikan``): uvicorn
started the way ``lpa up`` starts it (``lpa.server.nyalakan_portal``) on a free loopback port,
stopped with everything it started.

- :func:`portal_hidup`: the portal alone, for the given settings and Prefect server.
- :func:`tumpukan_portal`: the served stack of ``sop_bantu.buat_stack`` with a portal beside
  it; the mailed links (tracking, decisions, sign-in) point at that portal, because the served
  deployments see its address in ``LPA_PORTAL_URL`` like the portal does.
- :func:`folder_artefak`: where screenshots and reports of a test go (``$LPA_TEST_ARTEFAK``,
  else ``tests/artefak/``, which git ignores).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from lpa import server
from settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def portal_hidup(settings: Settings, env: dict[str, str], log_dir: Path,
                 port: int | None = None) -> Iterator[str]:
    """The portal for ``settings`` (its data dir and store) reaching the Prefect server of
    ``env``; yields its address ``http://127.0.0.1:<port>``."""
    with server.Kelompok() as kelompok:
        _, url = server.nyalakan_portal(kelompok, env, settings, log_dir,
                                        port=port or server.free_port())
        yield url


@dataclass
class TumpukanPortal:
    stack: object  # sop_bantu.Stack
    url: str

    @property
    def settings(self) -> Settings:
        return self.stack.settings  # type: ignore[attr-defined]


def tumpukan_portal(prefect_api: str,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[TumpukanPortal]:
    """The served stack of one test module with a portal beside it (a module fixture)."""
    from sop_bantu import buat_stack

    port = server.free_port()
    url = f"http://127.0.0.1:{port}"
    lama = os.environ.get("LPA_PORTAL_URL")
    os.environ["LPA_PORTAL_URL"] = url  # read by buat_stack's settings and serve's env
    try:
        tumpukan = buat_stack(prefect_api, tmp_path_factory)
        st = next(tumpukan)
        try:
            assert st.settings.portal_url == url
            with portal_hidup(st.settings, st.env, st.log_dir, port):
                yield TumpukanPortal(st, url)
        finally:
            tumpukan.close()
    finally:
        if lama is None:
            os.environ.pop("LPA_PORTAL_URL", None)
        else:
            os.environ["LPA_PORTAL_URL"] = lama


def folder_artefak(nama: str) -> Path:
    """A folder for one test module's artifacts (screenshots, downloaded reports)."""
    akar = Path(os.environ.get("LPA_TEST_ARTEFAK") or ROOT / "tests" / "artefak")
    folder = akar / nama
    folder.mkdir(parents=True, exist_ok=True)
    return folder
