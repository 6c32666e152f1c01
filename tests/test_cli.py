"""The ``lpa`` command as a person runs it (a real subprocess of the installed script)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "forms"
LPA = str(Path(sys.executable).parent / "lpa")


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LPA_DATA_DIR": str(tmp_path)}
    return subprocess.run([LPA, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    ("name", "jenis"),
    [("pembangunan.json", "pembangunan"), ("uji_kelayakan.json", "uji-kelayakan"),
     ("va.json", "va")],
)
def test_validate_accepts_the_sample_forms(name: str, jenis: str, tmp_path: Path) -> None:
    for extra in ([], ["--jenis", jenis]):
        result = run("validate", str(FIXTURES / name), *extra, tmp_path=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert json.loads(result.stdout) == {"valid": True, "errors": []}


def test_validate_reports_each_bad_field(tmp_path: Path) -> None:
    form = json.loads((FIXTURES / "va.json").read_text())
    form["pemohon"]["eselon"] = "IV.a"
    form["ip_jaringan"] = "10.1.2.3/24"
    form["penanggung_jawab_teknis"]["email"] = "bukan-email"
    bad = tmp_path / "va-salah.json"
    bad.write_text(json.dumps(form))
    result = run("validate", str(bad), "--jenis", "va", tmp_path=tmp_path)
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert out["valid"] is False
    fields = {e["field"] for e in out["errors"]}
    assert {"pemohon.eselon", "ip_jaringan", "penanggung_jawab_teknis.email"} <= fields
    assert any("eselon III" in e["message"] for e in out["errors"])


def test_validate_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "rusak.json"
    bad.write_text("{ ini bukan json")
    result = run("validate", str(bad), tmp_path=tmp_path)
    assert result.returncode == 2
    assert "bukan JSON yang sah" in result.stderr


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        # Friday 15:30 WIB + 1 h: 30 min on Friday, 30 min on Monday.
        ("2026-11-27T15:30:00+07:00", "1h", "2026-11-30T08:30:00+07:00"),
        # 30 minutes from Monday 09:00.
        ("2026-11-30T09:00:00+07:00", "30m", "2026-11-30T09:30:00+07:00"),
        # Given in UTC: 01:00Z is 08:00 WIB; 5 working days later, same hour.
        ("2026-11-30T01:00:00+00:00", "5d", "2026-12-04T16:00:00+07:00"),
    ],
)
def test_due(start: str, duration: str, expected: str, tmp_path: Path) -> None:
    result = run("due", "--start", start, "--duration", duration, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_due_refuses_naive_start_and_bad_duration(tmp_path: Path) -> None:
    naive = run("due", "--start", "2026-11-30T09:00", "--duration", "1h", tmp_path=tmp_path)
    assert naive.returncode == 2
    assert "zona waktu" in naive.stderr
    bad = run("due", "--start", "2026-11-30T09:00+07:00", "--duration", "lama",
              tmp_path=tmp_path)
    assert bad.returncode == 2
    assert "Durasi" in bad.stderr


def test_lanjutkan_refuses_an_unknown_ticket(tmp_path: Path) -> None:
    done = run("lanjutkan", "LPA-2026-999999", tmp_path=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "LPA-2026-999999 tidak ditemukan" in done.stdout + done.stderr
