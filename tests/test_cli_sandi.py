"""``lpa kelaikan``, ``lpa va`` and ``lpa stress`` take no password on the command line
(lpa/sandi_uji.py).

The password comes from ``LPA_UJI_PASSWORD`` or a hidden prompt on a terminal; the command
lines below are real processes, the prompt a real pseudo-terminal. That the password from the
environment reaches the test itself: ``test_kelaikan_sesi_dbms_lain::test_cli_*``.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests import bantu

SANDI = "Sandi-Uji-Kanari-91"
ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path, **tambahan: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LPA_UJI_PASSWORD", "LPA_UJI_USERNAME")}
    return env | {"LPA_DATA_DIR": str(tmp_path / "data"), "PREFECT_API_URL": "",
                  "PREFECT_LOGGING_LEVEL": "WARNING"} | tambahan


def _lpa(tmp_path: Path, *argumen: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lpa.cli", *argumen], cwd=ROOT,
                          env=_env(tmp_path, **env), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def _argumen(perintah: str, tmp_path: Path, port: int) -> list[str]:
    if perintah == "kelaikan":
        # the password as the URL's path: the error message shows whether it arrived
        return ["kelaikan", "--url", f"http://127.0.0.1:{port}/{SANDI}", "--no-stress",
                "--out", str(tmp_path / "keluar")]
    if perintah == "stress":
        return ["stress", "--url", f"http://127.0.0.1:{port}/", "--pengguna-per-hari", "100",
                "--jam-efektif", "8", "--durasi-transaksi", "5", "--out",
                str(tmp_path / "keluar")]
    return ["va", "--ip-aplikasi", "127.0.0.1", "--out", str(tmp_path / "keluar")]


@pytest.mark.parametrize("perintah", ["kelaikan", "va", "stress"])
def test_password_option_is_refused(tmp_path: Path, perintah: str) -> None:
    proses = _lpa(tmp_path, *_argumen(perintah, tmp_path, bantu.port_bebas()),
                  "--username", "penguji", "--password", SANDI)
    assert proses.returncode == 2, proses.stdout + proses.stderr
    assert "Opsi --password tidak dikenal" in proses.stderr and proses.stdout == ""
    assert not (tmp_path / "keluar").exists()


@pytest.mark.parametrize("perintah", ["kelaikan", "va", "stress"])
def test_user_name_without_password_and_no_terminal_names_the_variable(
        tmp_path: Path, perintah: str) -> None:
    proses = _lpa(tmp_path, *_argumen(perintah, tmp_path, bantu.port_bebas()),
                  "--username", "penguji")
    assert proses.returncode == 2, proses.stdout + proses.stderr
    assert ("Akun uji --username penguji membutuhkan kata sandi: isi variabel lingkungan "
            "LPA_UJI_PASSWORD") in proses.stderr
    assert proses.stdout == "" and not (tmp_path / "keluar").exists()


@pytest.mark.parametrize("perintah", ["kelaikan", "va", "stress"])
def test_password_from_the_environment_without_user_name_is_refused(
        tmp_path: Path, perintah: str) -> None:
    proses = _lpa(tmp_path, *_argumen(perintah, tmp_path, bantu.port_bebas()),
                  LPA_UJI_PASSWORD=SANDI)
    assert proses.returncode == 2, proses.stdout + proses.stderr
    pesan = {"kelaikan": "akun uji harus berisi nama pengguna dan kata sandi sekaligus",
             "stress": "akun uji harus berisi nama pengguna dan kata sandi sekaligus",
             "va": "Variabel LPA_UJI_PASSWORD berisi kata sandi akun uji tanpa --username"}
    assert pesan[perintah] in proses.stderr
    assert SANDI not in proses.stderr and not (tmp_path / "keluar").exists()


def test_password_from_the_environment_is_taken_and_never_shown(tmp_path: Path) -> None:
    port = bantu.port_bebas()
    proses = _lpa(tmp_path, *_argumen("kelaikan", tmp_path, port), "--username", "penguji",
                  LPA_UJI_PASSWORD=SANDI)
    assert proses.returncode == 2, proses.stdout + proses.stderr
    # the command knew the password: it masked it where the URL carried it
    assert f"Aplikasi http://127.0.0.1:{port}/[disensor] tidak dapat dihubungi" in \
        proses.stderr
    assert SANDI not in proses.stdout + proses.stderr


def _baca_sampai(fd: int, tanda: bytes, proses: subprocess.Popen[bytes]) -> bytes:
    """What the terminal shows until ``tanda`` appears or the process ends."""
    terbaca = b""
    while tanda not in terbaca:
        siap, _, _ = select.select([fd], [], [], 120)
        assert siap, terbaca
        try:
            potong = os.read(fd, 4096)
        except OSError:  # the process ended: its side of the terminal closed
            break
        if not potong:
            break
        terbaca += potong
    return terbaca


def test_on_a_terminal_the_password_is_asked_for_without_echo(tmp_path: Path) -> None:
    port = bantu.port_bebas()
    induk, anak = pty.openpty()
    proses = subprocess.Popen(
        [sys.executable, "-m", "lpa.cli", *_argumen("kelaikan", tmp_path, port),
         "--username", "penguji"], cwd=ROOT, env=_env(tmp_path), stdin=anak, stdout=anak,
        stderr=anak, start_new_session=True)
    os.close(anak)
    try:
        layar = _baca_sampai(induk, b"Kata sandi akun uji: ", proses)
        assert b"Kata sandi akun uji: " in layar, layar
        os.write(induk, SANDI.encode() + b"\n")
        layar += _baca_sampai(induk, b"uji tidak dijalankan", proses)
        assert proses.wait(timeout=120) == 2
    finally:
        if proses.poll() is None:
            proses.kill()
        os.close(induk)
    teks = layar.decode(errors="replace")
    assert f"Aplikasi http://127.0.0.1:{port}/[disensor] tidak dapat dihubungi" in teks, teks
    assert SANDI not in teks  # not echoed while typed, not in any message
    assert not (tmp_path / "keluar").exists()
