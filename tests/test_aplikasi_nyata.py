"""The real applications of tests/aplikasi_nyata/ start, answer as recorded, and stop.

Each application (Django, Flask with Werkzeug, PHP's built-in server; debug and hardened) is
started as the benchmark and ``rekam.py`` start it, asked the recorded requests that need no
login, and its answers compared with tests/fixtures/rekaman/: the same status, the same debug
and error signatures, phpinfo() where it was. A difference means the installed software no
longer behaves as recorded: re-record (tests/fixtures/rekaman/README.md) and look at what
changed. A missing application skips with the reason (``php-cli`` not installed, ...).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import aplikasi_nyata as an
import httpx
import pytest
from aplikasi_nyata.rekam import PERMINTAAN

from domain.kelaikan.galat import jejak_galat, tanda_debug
from domain.kelaikan.struktur import PHPINFO

pytestmark = pytest.mark.lambat  # applications in subprocesses

REKAMAN = Path(__file__).parent / "fixtures" / "rekaman" / "http"


def _ciri(status: int, teks: str) -> tuple[int, list[str], list[str], bool]:
    return (status, [n for n, _ in tanda_debug(teks)], [n for n, _ in jejak_galat(teks)[0]],
            bool(PHPINFO.search(teks)))


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "aman"])
@pytest.mark.parametrize("jenis", an.NAMA)
def test_application_answers_as_recorded_and_stops(jenis: str, debug: bool) -> None:
    alasan = an.tersedia(jenis)
    if alasan:
        pytest.skip(alasan)
    with an.PELUNCUR[jenis](debug=debug) as app:
        folder, port = app.folder, app.port
        with httpx.Client(base_url=app.url, trust_env=False, timeout=20) as klien:
            for nama, path in PERMINTAAN[jenis]:
                if not path.startswith("/"):
                    continue  # the login requests: their cookies and tokens change
                r = klien.get(path)
                direkam = json.loads((REKAMAN / app.nama / f"{nama}.json").read_text())
                assert _ciri(r.status_code, r.text) == _ciri(direkam["status"],
                                                             direkam["body"]), (app.nama, nama)
    # stopped and cleaned up: nothing listens on its port, its folder is gone
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
    assert not folder.exists()
