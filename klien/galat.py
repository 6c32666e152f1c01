"""What a person sees when a verb fails unexpectedly: one Indonesian sentence and a log file.

Shared by the command and the portal (which writes its own log with :func:`samarkan`).

The traceback goes to ``$LPA_DATA_DIR/log/lpa-galat.log`` with every secret this process
knows of replaced by ``********``: the values registered with :func:`rahasiakan` (a form's
test password, the ``lpa kelaikan`` password), the secrets among our settings and
Prefect's auth string, and anything that looks like a password in JSON or ``key=value``.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

SAMARAN = "********"
_RAHASIA: set[str] = set()
_POLA = re.compile(
    r"""(?ix)
    (?P<kunci>["']?(?:password|passwd|kata_sandi|sandi|secret|token|kode|code|auth_string)
       ["']?\s*[:=]\s*)
    (?P<nilai>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,}&]+)
    """
)


def rahasiakan(*nilai: str | None) -> None:
    """Remember secret values so that no log or message of this process shows them."""
    for v in nilai:
        if v and len(v) >= 3:
            _RAHASIA.add(v)


def samarkan(teks: str) -> str:
    """``teks`` with every known secret and password-looking value replaced."""
    for r in sorted(_RAHASIA, key=len, reverse=True):
        teks = teks.replace(r, SAMARAN)
    return _POLA.sub(lambda m: m.group("kunci") + SAMARAN, teks)


def _rahasia_lingkungan() -> None:
    for nama in ("PREFECT_API_AUTH_STRING", "PREFECT_SERVER_API_AUTH_STRING",
                 "LPA_UJI_PASSWORD", "LPA_SMTP_PASSWORD", "LPA_KUNCI_ENKRIPSI"):
        rahasiakan(os.environ.get(nama))


def berkas_log() -> Path:
    from settings import get_settings

    try:
        folder = get_settings().data_dir / "log"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / "lpa-galat.log"
    except Exception:  # noqa: BLE001 - the data dir itself may be the problem
        return Path(tempfile.gettempdir()) / "lpa-galat.log"


def catat(exc: BaseException, perintah: str) -> Path:
    """Append the masked traceback of ``exc`` to the error log; return the log's path."""
    _rahasia_lingkungan()
    rinci = "".join(traceback.format_exception(exc))
    path = berkas_log()
    kepala = f"--- {datetime.now(UTC).isoformat()} lpa {perintah}\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(kepala + samarkan(rinci) + "\n")
    except OSError:
        path = Path(tempfile.gettempdir()) / "lpa-galat.log"
        with open(path, "a", encoding="utf-8") as f:
            f.write(kepala + samarkan(rinci) + "\n")
    return path


def pesan(exc: BaseException, perintah: str, log: Path) -> str:
    """The sentence a person reads: what failed, what to do, where the details are."""
    return (f"lpa {perintah} gagal karena kesalahan yang tidak terduga ({type(exc).__name__}). "
            "Periksa keadaannya (mis. `lpa status`) sebelum mengulang; bila tetap gagal, "
            f"serahkan berkas log ini kepada operator: {log}")


def perintah_dari_argv(argv: list[str] | None = None) -> str:
    args = sys.argv[1:] if argv is None else argv
    return next((a for a in args if not a.startswith("-")), "")
