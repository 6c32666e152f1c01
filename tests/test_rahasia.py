"""Issue 10, secrets and the right server: a new user's path with a canary password.

`lpa up` is started exactly as the README says, in a shell with no ``PREFECT_*`` variable and
``PREFECT_HOME`` pointing at an empty folder; then `lpa submit`, `lpa inbox`, `lpa decide`,
`lpa status` and `lpa kelaikan` run as separate commands. The feasibility form's password is
a unique canary; after the ticket is archived, every byte under the data directory and
Prefect's home (its database included) and everything the Prefect API returns (flow runs,
task runs, logs, artifacts, events) is searched for it. Every Python process started here
records any attempt to reach an address outside loopback (tests/fixtures/jaringan).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bantu
import prefect_rest as rest
import pytest

from lpa.contoh_aplikasi import ContohAplikasi

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "tests" / "fixtures" / "forms"
JARINGAN = ROOT / "tests" / "fixtures" / "jaringan"
PORT_BAWAAN = 4200
"""`lpa up`'s default port, used when free so that the verbs find it with nothing set."""


def _bebas(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class Pengguna:
    """A new user's shell: its environment, data dir and Prefect home."""

    env: dict[str, str]
    data: Path
    home: Path
    api: str
    jaringan_log: Path
    up: subprocess.Popen[bytes]

    def lpa(self, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
        env = {**self.env, **extra}
        return subprocess.run([sys.executable, "-m", "lpa.cli", *args], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)


def _shell_baru(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "LPA_")) and k != "DO_NOT_TRACK"}
    env.update({
        "PREFECT_HOME": str(tmp / "prefect-home"),
        "LPA_DATA_DIR": str(tmp / "var"),
        "PYTHONPATH": str(JARINGAN),
        "LPA_UJI_JARINGAN_LOG": str(tmp / "jaringan.log"),
        # the tests' common heartbeat figures (conftest), so the automation agrees with runs
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30",
        "LPA_BATAS_DETAK_RUN": "75",
    })
    (tmp / "prefect-home").mkdir()
    (tmp / "prefect-home" / "profiles.toml").write_text(
        # a profile that points elsewhere must not be followed by our verbs
        'active = "lain"\n[profiles.lain]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n')
    return env


@pytest.fixture(scope="module")
def pengguna(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pengguna]:
    tmp = tmp_path_factory.mktemp("pengguna-baru")
    env = _shell_baru(tmp)
    port = PORT_BAWAAN if _bebas(PORT_BAWAAN) else bantu.port_bebas()
    if port != PORT_BAWAAN:  # another lpa up holds 4200 here: point the verbs explicitly
        env["LPA_PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
    env["LPA_PORTAL_PORT"] = str(bantu.port_bebas())  # 8080 may be another test's portal
    log = open(tmp / "up.log", "wb")  # noqa: SIM115 - closed below
    up = subprocess.Popen([sys.executable, "-m", "lpa.cli", "up", "--port", str(port)],
                          env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                          start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    try:
        def siap() -> bool:
            assert up.poll() is None, "lpa up stopped: " + (tmp / "up.log").read_text()
            return b"Siap menerima permohonan" in (tmp / "up.log").read_bytes()

        bantu.tunggu(siap, 180, jeda=0.5,
                     pesan=lambda: "lpa up did not start: " + (tmp / "up.log").read_text())
        yield Pengguna(env, tmp / "var", tmp / "prefect-home", api, tmp / "jaringan.log", up)
    finally:
        import signal

        os.killpg(up.pid, signal.SIGINT)
        try:
            up.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(up.pid, signal.SIGKILL)
            up.wait()
        log.close()


def _form(name: str, **ubah: Any) -> dict[str, Any]:
    data = json.loads((FORMS / name).read_text(encoding="utf-8"))
    data.update(ubah)
    return data


def _semua(api: str, path: str, body: dict[str, Any] | None = None) -> list[Any]:
    """Every object of a Prefect filter endpoint, page by page."""
    hasil: list[Any] = []
    offset = 0
    while True:
        jawab = rest.post(f"{api}/{path}", json={**(body or {}), "limit": 200,
                                                   "offset": offset}, timeout=30)
        jawab.raise_for_status()
        halaman = jawab.json()
        hasil.extend(halaman)
        if len(halaman) < 200:
            return hasil
        offset += 200


def _semua_event(api: str) -> list[Any]:
    jawab = rest.post(f"{api}/events/filter", json={"limit": 50, "filter": {
        "occurred": {"since": "2000-01-01T00:00:00Z"}}}, timeout=30)
    jawab.raise_for_status()
    data = jawab.json()
    events = list(data["events"])
    nxt = data.get("next_page")
    while nxt:
        data = rest.get(nxt, timeout=30).json()
        events.extend(data["events"])
        nxt = data.get("next_page")
    return events


def _berkas_memuat(folder: Path, rahasia: bytes) -> list[str]:
    temu = []
    for path in folder.rglob("*"):
        if path.is_file() and rahasia in path.read_bytes():
            temu.append(str(path))
    return temu


def _kode(outbox: Path, nomor: str, sesudah: int) -> tuple[str, int]:
    """The newest code mailed for ``nomor`` after line ``sesudah``: (code, lines read)."""
    def kode_baru() -> tuple[str, int] | None:
        baris = (outbox / "outbox.jsonl").read_text(encoding="utf-8").splitlines() \
            if (outbox / "outbox.jsonl").exists() else []
        for line in reversed(baris[sesudah:]):
            p = json.loads(line)
            if p.get("tiket") == nomor and p.get("jenis") == "kode_keputusan":
                kode = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", p["isi"])
                if kode:
                    return kode.group(1), len(baris)
        return None

    return bantu.tunggu(kode_baru, 120, jeda=0.5, pesan=f"no decision code mailed for {nomor}")


@pytest.mark.lambat
def test_new_user_path_with_a_canary_password(pengguna: Pengguna, tmp_path: Path) -> None:
    kanari = f"KANARI-{uuid.uuid4().hex}"
    with ContohAplikasi(aman=True, akun=("penguji", kanari)) as aplikasi:
        form = _form("uji_kelayakan.json", url_aplikasi=aplikasi.url, platform="Linux",
                     akun_uji={"username": "penguji", "password": kanari})
        berkas = tmp_path / "form.json"
        berkas.write_text(json.dumps(form), encoding="utf-8")

        # `lpa submit`: the form `lpa validate` accepts ("Linux") is what is submitted
        assert pengguna.lpa("validate", str(berkas)).returncode == 0
        hasil = pengguna.lpa("submit", str(berkas))
        assert hasil.returncode == 0, hasil.stderr
        nomor = hasil.stdout.strip()
        assert re.fullmatch(r"LPA-\d{4}-\d{6}", nomor), hasil
        assert "Traceback" not in hasil.stderr and "telemetry" not in hasil.stderr
        # the same form again: the same ticket; the same key with another form: refused
        again = pengguna.lpa("submit", str(berkas))
        assert again.returncode == 0 and again.stdout.strip() == nomor, again
        lain = tmp_path / "lain.json"
        lain.write_text(json.dumps({**form, "nama_aplikasi": "Aplikasi Lain"}))
        pertama = pengguna.lpa("submit", str(lain), "--key", "kunci-uji-1")
        assert pertama.returncode == 0, pertama.stderr
        bentrok = pengguna.lpa("submit", str(berkas), "--key", "kunci-uji-1")
        assert bentrok.returncode == 1, bentrok
        assert "sudah dipakai untuk permohonan lain" in bentrok.stderr
        assert "TIDAK diajukan" in bentrok.stderr

        # The raw API call with the password in it is refused before any run exists.
        dep = rest.get(f"{pengguna.api}/deployments/name/intake/intake").json()
        mentah = rest.post(f"{pengguna.api}/deployments/{dep['id']}/create_flow_run", json={
            "idempotency_key": f"mentah-{kanari}",
            "parameters": {"jenis": "uji-kelayakan", "permohonan": form}}, timeout=30)
        assert mentah.status_code == 409, mentah.text[:300]

        # officials decide from their mailed codes, through the CLI
        outbox = pengguna.data / "outbox"
        dibaca = 0
        for _ in range(3):
            kode, dibaca = _kode(outbox, nomor, dibaca)
            inbox = pengguna.lpa("inbox", "--json")
            assert inbox.returncode == 0, inbox.stderr
            menunggu = [i for i in json.loads(inbox.stdout) if i["tiket"] == nomor]
            assert menunggu, inbox.stdout
            nip = menunggu[0]["nip"]
            putus = pengguna.lpa("decide", nomor, "--nip", nip, "--code", kode,
                                 "--decision", "setuju", "--note", "Lanjut")
            assert putus.returncode == 0, putus.stderr
        status: dict[str, Any] = {}

        def diarsipkan() -> bool:
            nonlocal status
            st = pengguna.lpa("status", nomor, "--json")
            assert st.returncode == 0, st.stderr
            status = json.loads(st.stdout)
            return bool(status["nomor_agenda"])

        bantu.tunggu(diarsipkan, 420, jeda=2, pesan=lambda: f"{nomor} not archived: {status}")
        assert pengguna.lpa("status", nomor).returncode == 0
        # the scanner did log in with the password: the app saw a session for the account
        assert aplikasi.sesi, "the feasibility test never logged in with the test account"

        # `lpa kelaikan` on its own, password from the environment, on the same server
        out = tmp_path / "hasil"
        uji = pengguna.lpa("kelaikan", "--url", aplikasi.url, "--username", "penguji",
                           "--no-stress", "--out", str(out), LPA_UJI_PASSWORD=kanari,
                           PREFECT_API_URL=pengguna.api)
        assert uji.returncode in (0, 1), uji.stdout + uji.stderr
        assert kanari not in uji.stdout + uji.stderr

    rahasia = kanari.encode()
    # every byte under the data directory (store, reports, outbox, logs) and Prefect's home
    # (its SQLite database, WAL, result storage)
    assert _berkas_memuat(pengguna.data, rahasia) == []
    assert _berkas_memuat(pengguna.home, rahasia) == []
    assert _berkas_memuat(out, rahasia) == []
    # and everything the Prefect API returns
    for path in ("flow_runs/filter", "task_runs/filter", "logs/filter", "artifacts/filter",
                 "deployments/filter", "variables/filter"):
        teks = json.dumps(_semua(pengguna.api, path))
        assert kanari not in teks, path
    runs = _semua(pengguna.api, "flow_runs/filter")
    assert any(r["name"].startswith(nomor) for r in runs)
    # issue 11: the feasibility runs of step 5 are named after the ticket and tagged like it
    uji = {r["name"]: r for r in runs if r["name"].startswith(f"{nomor} · ")}
    for bagian in ("kelaikan", "struktur", "validasi_data", "otentikasi_sesi", "input_error",
                   "dbms", "lain_lain"):
        run = uji.get(f"{nomor} · {bagian}")
        assert run is not None, sorted(uji)
        assert "jenis:uji-kelayakan" in run["tags"], run["tags"]
        assert any(t.startswith("instansi:") for t in run["tags"]), run["tags"]
    # issue 11: the ticket's waits for officials are not logged as errors
    merah = [g["message"] for g in _semua(pengguna.api, "logs/filter",
                                         {"logs": {"level": {"ge_": 40}}})]
    assert not [m for m in merah if "Suspended" in m or "Paused" in m], merah
    assert kanari not in json.dumps(_semua_event(pengguna.api))
    # no process we started called outside (Prefect's and Locust's telemetry are off)
    catatan = pengguna.jaringan_log.read_text() if pengguna.jaringan_log.exists() else ""
    assert catatan == "", catatan


@pytest.mark.lambat
def test_verbs_say_in_indonesian_when_no_server_answers(tmp_path: Path) -> None:
    env = _shell_baru(tmp_path)
    env["LPA_PREFECT_API_URL"] = f"http://127.0.0.1:{bantu.port_bebas()}/api"
    berkas = tmp_path / "va.json"
    berkas.write_text((FORMS / "va.json").read_text(encoding="utf-8"))
    for args in (["submit", str(berkas)],
                 ["decide", "LPA-2026-000001", "--nip", "197203151998031004", "--code",
                  "AAAA-BBBB", "--decision", "setuju"]):
        hasil = subprocess.run([sys.executable, "-m", "lpa.cli", *args], env=env, cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
        assert hasil.returncode == 2, hasil
        assert "tidak menjawab" in hasil.stderr and "lpa up" in hasil.stderr, hasil.stderr
        assert "Traceback" not in hasil.stderr
    # no throwaway server was started in the empty Prefect home
    assert not (tmp_path / "prefect-home" / "prefect.db").exists()
    assert not (tmp_path / "jaringan.log").exists()


@pytest.mark.lambat
def test_unexpected_error_is_one_sentence_and_a_masked_log(tmp_path: Path) -> None:
    env = _shell_baru(tmp_path)
    kanari = f"KANARI-{uuid.uuid4().hex}"
    form = _form("uji_kelayakan.json", akun_uji={"username": "penguji", "password": kanari})
    berkas = tmp_path / "form.json"
    berkas.write_text(json.dumps(form), encoding="utf-8")
    # The store URL points at a database that cannot be opened: an unexpected error after
    # the form (and its password) were read.
    env["LPA_DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/tidak_ada"
    env["LPA_PREFECT_API_URL"] = f"http://127.0.0.1:{bantu.port_bebas()}/api"
    hasil = subprocess.run([sys.executable, "-c", (
        "import sys; from klien import lingkungan; "
        "lingkungan.periksa_server = lambda *a, **k: None; "
        "from lpa.cli import main; main(sys.argv[1:])"), "submit", str(berkas)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert hasil.returncode == 3, hasil
    assert "Traceback" not in hasil.stderr and kanari not in hasil.stderr
    assert "lpa submit gagal" in hasil.stderr
    log = Path(hasil.stderr.strip().rsplit(": ", 1)[1])
    teks = log.read_text(encoding="utf-8")
    assert "Traceback" in teks and "OperationalError" in teks
    assert kanari not in teks


@pytest.mark.lambat
def test_a_file_that_is_not_utf8_gets_an_indonesian_error(tmp_path: Path) -> None:
    berkas = tmp_path / "form.json"
    berkas.write_bytes('{"nama_aplikasi": "Aplikasi \u00e9"}'.encode("latin-1"))
    env = _shell_baru(tmp_path)
    for verb in ("validate", "submit"):
        hasil = subprocess.run([sys.executable, "-m", "lpa.cli", verb, str(berkas)], env=env,
                               cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert hasil.returncode == 2, hasil
        assert "bukan teks UTF-8" in hasil.stderr and "Traceback" not in hasil.stderr


def _tunggu_run(api: str, run_id: str, timeout: float = 120) -> dict[str, Any]:
    def selesai() -> dict[str, Any] | None:
        run = rest.get(f"{api}/flow_runs/{run_id}", timeout=30).json()
        final = run["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
        return run if final else None

    return bantu.tunggu(selesai, timeout, jeda=0.5, pesan=f"run {run_id} did not finish")


@pytest.mark.lambat
def test_an_invalid_form_is_a_completed_refusal_with_its_reasons(pengguna: Pengguna) -> None:
    """Issue 11: a form the schema admits but our rules refuse completes the intake run with
    the Indonesian errors (state message, artifact, result) and opens nothing."""
    from sqlalchemy import create_engine, select

    from store.models import Ticket

    form = _form("va.json")
    form["penanggung_jawab_teknis"]["telepon_hp"] = "0813"
    dep = rest.get(f"{pengguna.api}/deployments/name/intake/intake").json()
    kunci = f"portal-{uuid.uuid4().hex}"

    def kirim(data: dict[str, Any], key: str) -> dict[str, Any]:
        jawab = rest.post(f"{pengguna.api}/deployments/{dep['id']}/create_flow_run", json={
            "idempotency_key": key, "parameters": {"jenis": "va", "permohonan": data}},
            timeout=30)
        assert jawab.status_code == 201, jawab.text
        return jawab.json()

    run = _tunggu_run(pengguna.api, kirim(form, kunci)["id"])
    assert run["state"]["type"] == "COMPLETED", run["state"]
    pesan = run["state"]["message"]
    assert pesan.startswith("Formulir ditolak") and "penanggung_jawab_teknis.telepon_hp" in pesan
    artefak = rest.post(f"{pengguna.api}/artifacts/filter", json={
        "artifacts": {"flow_run_id": {"any_": [run["id"]]}}}, timeout=30).json()
    teks = "".join(a["data"] for a in artefak).replace("\\", "")  # Markdown escapes off
    assert "Formulir ditolak" in teks and "telepon_hp" in teks and "kunci idempoten BARU" in teks
    engine = create_engine(f"sqlite:///{pengguna.data / 'lpa.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(Ticket.id).where(Ticket.idempotency_key == kunci)).first() \
            is None
    # the corrected form under a new key opens the ticket
    form["penanggung_jawab_teknis"]["telepon_hp"] = "0813-7711-2299"
    baru = _tunggu_run(pengguna.api, kirim(form, f"{kunci}-2")["id"])
    assert baru["state"]["type"] == "COMPLETED" and "dibuka" in baru["state"]["message"]
    with engine.connect() as conn:
        assert conn.execute(select(Ticket.number).where(
            Ticket.idempotency_key == f"{kunci}-2")).scalar_one().startswith("LPA-")
    engine.dispose()


@pytest.mark.lambat
def test_lpa_rahasia_bersihkan_masks_passwords_of_old_intake_runs(pengguna: Pengguna) -> None:
    """An installation from before the deposit: its intake runs hold the password."""
    kanari = f"KANARI-LAMA-{uuid.uuid4().hex}"
    form = _form("uji_kelayakan.json", akun_uji={"username": "penguji", "password": kanari})
    dep = rest.get(f"{pengguna.api}/deployments/name/intake/intake").json()
    lama = rest.post(f"{pengguna.api}/flow_runs/", json={
        "flow_id": dep["flow_id"], "name": "intake-lama",
        "parameters": {"jenis": "uji-kelayakan", "permohonan": form},
        "state": {"type": "COMPLETED"}}, timeout=30)
    assert lama.status_code == 201, lama.text
    assert kanari in json.dumps(_semua(pengguna.api, "flow_runs/filter"))  # it is there
    hasil = pengguna.lpa("rahasia", "bersihkan", "--vacuum")
    assert hasil.returncode == 0, hasil.stdout + hasil.stderr
    assert "1 run disamarkan" in hasil.stdout
    runs = _semua(pengguna.api, "flow_runs/filter")
    assert kanari not in json.dumps(runs)
    run = next(r for r in runs if r["id"] == lama.json()["id"])
    assert run["parameters"]["permohonan"]["akun_uji"] == {"username": "penguji",
                                                           "password": "**********"}
    # VACUUM and the WAL checkpoint leave no old bytes behind, also with the server running
    assert "dipadatkan" in hasil.stdout, hasil.stdout + hasil.stderr
    assert _berkas_memuat(pengguna.data / "prefect", kanari.encode()) == []
    again = pengguna.lpa("rahasia", "bersihkan")
    assert again.returncode == 0 and "0 run disamarkan" in again.stdout


def test_parameter_masking_and_error_log_masking() -> None:
    from klien import galat
    from lpa.perintah_rahasia import samarkan_parameter

    baru, temu = samarkan_parameter({"a": [{"password": "x1y2z3"}], "b": {"sandi": "**********"}})
    assert baru == {"a": [{"password": "**********"}], "b": {"sandi": "**********"}}
    assert temu == {"x1y2z3"}
    galat.rahasiakan("Rahasia-Kanari-99")
    teks = galat.samarkan('gagal: Rahasia-Kanari-99; {"password": "lain-lagi"} token=abc123')
    assert "Rahasia-Kanari-99" not in teks and "lain-lagi" not in teks and "abc123" not in teks


def test_the_outside_call_detector_itself_records(tmp_path: Path, monkeypatch) -> None:
    """The network check above is only worth something if its hook records: call it as
    Python's audit machinery would, without any packet being sent."""
    import importlib.util

    log = tmp_path / "j.log"
    monkeypatch.setenv("LPA_UJI_JARINGAN_LOG", str(log))
    spec = importlib.util.spec_from_file_location("lpa_jaringan_uji",
                                                  JARINGAN / "sitecustomize.py")
    modul = importlib.util.module_from_spec(spec)
    monkeypatch.setattr(sys, "addaudithook", lambda hook: None)
    spec.loader.exec_module(modul)
    modul._kait("socket.getaddrinfo", ("api.amplitude.com", 443, 0, 0, 0, 0))
    modul._kait("socket.connect", (None, ("192.0.2.7", 443)))
    modul._kait("socket.connect", (None, ("127.0.0.2", 8080)))
    modul._kait("socket.getaddrinfo", ("localhost", 4200, 0, 0, 0, 0))
    baris = log.read_text().splitlines()
    assert len(baris) == 2 and "api.amplitude.com" in baris[0] and "192.0.2.7" in baris[1]


@pytest.mark.lambat
def test_prefect_settings_follow_the_environment_we_set_even_after_import(
        tmp_path: Path) -> None:
    """`lpa demo` sets its server's address after Prefect was imported (by klien.operasi); with
    a PREFECT_HOME whose profile points elsewhere, the client must still talk to ours."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "profiles.toml").write_text(
        'active = "lain"\n[profiles.lain]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(home)
    kode = (
        "import prefect.context\n"
        "from prefect.settings import get_current_settings\n"
        "assert get_current_settings().api.url == 'http://127.0.0.1:9/api'\n"
        "from klien.lingkungan import pakai_prefect\n"
        "pakai_prefect({'PREFECT_API_URL': 'http://127.0.0.1:4321/api'})\n"
        "print(get_current_settings().api.url)\n"
    )
    hasil = subprocess.run([sys.executable, "-c", kode], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert hasil.returncode == 0, hasil.stderr
    assert hasil.stdout.strip() == "http://127.0.0.1:4321/api"
