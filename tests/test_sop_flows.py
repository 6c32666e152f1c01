"""End to end against a real Prefect server: intake, officials' decisions, follow-up,
report and archive, served the way `lpa up` serves them (deployments/serve.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lpa import operasi, server
from lpa.contoh_aplikasi import ContohAplikasi
from lpa.demo import kode_dari_surel, pejabat_memutus, tunggu_arsip
from lpa.settings import Settings, get_settings
from store import db, repo
from store.models import AuditEvent
from tasks.notifikasi import baca_kotak_keluar

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "tests" / "fixtures" / "forms"
# Every mutu baku scaled down 200 times (30 min → 9 s) on a calendar open around the clock:
# the waiting is real, only shorter. Nothing is skipped.
FAKTOR = 0.005


@dataclass
class Stack:
    settings: Settings
    env: dict[str, str]
    serve: server.Proses
    log_dir: Path

    def restart_serve(self) -> None:
        self.serve.stop()
        self.serve = server.start_serve(self.env, self.log_dir / "serve-2.log")
        server.wait_deployments(self.env["PREFECT_API_URL"],
                                ["intake/intake", "proses-tiket/proses-tiket"], self.serve)


@pytest.fixture(scope="module")
def stack(prefect_api: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data = tmp_path_factory.mktemp("lpa-data")
    # the roster as shipped, in a file of this stack's own: a test may appoint a Plh. in it
    shutil.copyfile(ROOT / "config" / "roster.yaml", data / "roster.yaml")
    overrides = {
        "LPA_DATA_DIR": str(data),
        "LPA_ROSTER_FILE": str(data / "roster.yaml"),
        "LPA_MUTU_BAKU_FAKTOR": str(FAKTOR),
        "LPA_HARI_KERJA": "[0,1,2,3,4,5,6]",
        "LPA_JAM_BUKA": "00:00:00",
        "LPA_JAM_TUTUP": "00:00:00",
        "LPA_UJI_BEBAN_DURASI_MAKS": "12",  # four 3-second load steps
        "LPA_KODE_KUNCI_MENIT": "0.2",  # a 12-second lockout after 5 wrong attempts
    }
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    get_settings.cache_clear()
    settings = get_settings()
    db.upgrade(settings.store_url)
    env = server.prefect_env(settings, prefect_api, poll_seconds=1)
    serve = server.start_serve(env, data / "serve.log")
    st = Stack(settings, env, serve, data)
    try:
        server.wait_deployments(prefect_api, ["intake/intake", "proses-tiket/proses-tiket"],
                                serve)
        yield st
    finally:
        st.serve.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
        db.dispose_all()


@pytest.fixture(scope="module")
def aplikasi() -> Iterator[ContohAplikasi]:
    with ContohAplikasi(aman=True) as app:
        yield app


def form(name: str, **changes: Any) -> dict[str, Any]:
    data = json.loads((FORMS / name).read_text(encoding="utf-8"))
    data.update(changes)
    return data


def mails(st: Stack, nomor: str, jenis: str) -> list[dict[str, Any]]:
    return [p for p in baca_kotak_keluar(st.settings.outbox_dir)
            if p.get("tiket") == nomor and p.get("jenis") == jenis]


def wait_for_step(st: Stack, nomor: str, code: str, timeout: float = 60) -> operasi.Menunggu:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in operasi.inbox(st.settings):
            if m.tiket == nomor and m.langkah == code and m.kode_terbit:
                return m
        time.sleep(0.3)
    raise AssertionError(f"{nomor} never waited on {code}: {operasi.status(st.settings, nomor)}")


def wait_suspended(flow_run_id: str, timeout: float = 60) -> None:
    _wait_run(flow_run_id, lambda s: s.is_paused(), "suspended", timeout)


def test_feasibility_request_runs_to_the_archive(stack: Stack, aplikasi: ContohAplikasi) -> None:
    # both tests the form offers: the vulnerability test and the stress test, from the
    # form's load figures (60 users a day, 1 hour, 2-minute transactions: target 4); and the
    # database host, so that the DBMS test runs too (issue 11): a closed port on this machine
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port_db = sock.getsockname()[1]
    data = form("uji_kelayakan.json", url_aplikasi=aplikasi.url,
                ip_database="127.0.0.1", port_database=port_db,
                jenis_pengujian=["uji_kerentanan", "stress_test"],
                uji_beban={"pengguna_per_hari": 60, "jam_efektif_per_hari": 1,
                           "durasi_transaksi_menit": 2,
                           "skenario": "steps:\n  - path: /\n    think_time: [0.2, 0.4]\n"})
    nomor = operasi.submit(stack.settings, data, "uji-kelayakan", key="portal-uk-1")
    # The portal retries: the same key opens no second ticket.
    assert operasi.submit(stack.settings, data, "uji-kelayakan", key="portal-uk-1") == nomor
    for expected in ("disposisi_kadis", "disposisi_kabid", "perintah_prakom"):
        assert pejabat_memutus(stack.settings, nomor) == expected
    status = tunggu_arsip(stack.settings, nomor)
    assert status["status"] == "diarsipkan" and status["hasil"] == "disetujui"
    assert status["nomor_agenda"].startswith("AGD-")
    codes = [s["kode"] for s in status["langkah"]]
    assert codes == ["pengajuan", "disposisi_kadis", "disposisi_kabid", "perintah_prakom",
                     "uji_kelaikan", "laporan", "arsip"]
    for step in status["langkah"]:
        assert step["mulai"] and step["selesai"] and step["jatuh_tempo"]
    report = stack.settings.laporan_dir / nomor / "laporan.html"
    html = report.read_text(encoding="utf-8")
    assert nomor in html and "Kadis Kominfo melakukan disposisi" in html
    assert report.with_name("laporan.pdf").read_bytes().startswith(b"%PDF-")
    # The report kept in the agenda book is the final one (step 7 done, the agenda number),
    # and the agenda entry holds the SHA-256 of exactly this file (issue 11).
    import hashlib

    from store.repo import get_ticket

    assert status["nomor_agenda"] in html and "Menyimpan laporan sebagai bukti" in html
    assert 'class="status berjalan"' not in html and "Laporan kerja" not in html
    with db.session_scope(stack.settings.store_url) as s:
        entry = get_ticket(s, nomor).agenda_entry
        assert entry is not None and entry.number == status["nomor_agenda"]
        assert entry.report_path == str(report)
        assert entry.report_sha256 == hashlib.sha256(report.read_bytes()).hexdigest()
    kelaikan = json.loads((stack.settings.laporan_dir / nomor / "kelaikan.json").read_text())
    kategori = {k["id"]: k for k in kelaikan["categories"]}
    # the hardened twin, the form's test account and database host: every category tested,
    # the DBMS one against the form's host and port, and passed (issue 11: never before)
    assert kelaikan["verdict"] == "LAYAK", [
        (k["id"], k["status"], k["reason"], [t["check_id"] for t in k["findings"]])
        for k in kelaikan["categories"]]
    assert "dbms.port_terjangkau" in kategori["dbms"]["checks_run"]
    uji = next(s for s in status["langkah"] if s["kode"] == "uji_kelaikan")
    assert uji["catatan"] == "Hasil uji kelaikan: LAYAK"
    assert "Tidak ada catatan tindak lanjut." in html
    beban = kategori["uji_beban"]
    # the stress subflow ran on the form's figures and its measurements reached the report
    assert beban["beban"] is not None, beban
    assert beban["beban"]["target_users"] == 4 and len(beban["beban"]["steps"]) == 4, beban
    assert sum(s["requests"] for s in beban["beban"]["steps"]) > 0, beban
    # the feasibility report the agency receives, beside the ticket's own report
    lengkap = stack.settings.laporan_dir / nomor / "kelaikan"
    assert {p.name for p in lengkap.iterdir()} == {"laporan.json", "laporan.html"}
    assert 'id="uji-beban"' in (lengkap / "laporan.html").read_text(encoding="utf-8")
    # The test account's password reached the scanner but no report, store row or mail.
    secret = data["akun_uji"]["password"]
    assert secret not in html and secret not in json.dumps(kelaikan)
    assert secret not in (lengkap / "laporan.html").read_text(encoding="utf-8")
    assert secret not in (stack.settings.outbox_dir / "outbox.jsonl").read_text()
    # An operator finds the ticket's runs in the UI by its number and tags.
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_=nomor)))
    names = sorted(r.name for r in runs)
    assert f"{nomor} · langkah 1 pengajuan" in names
    assert any(n.startswith(f"{nomor} · langkah 7") for n in names)
    for run in runs:
        assert "jenis:uji-kelayakan" in run.tags
        assert any(tag.startswith("instansi:") for tag in run.tags)


def test_development_request_gets_recommendation_and_hosting(stack: Stack) -> None:
    skpl = (ROOT / "tests" / "fixtures" / "skpl_lengkap.md").read_text(encoding="utf-8")
    # One section missing: the officer is told which before recommending.
    skpl = skpl.replace("Batasan Perancangan", "Hal lain")
    nomor = operasi.submit(stack.settings, form("pembangunan.json", dokumen_spesifikasi=skpl),
                           "pembangunan")
    decided = [pejabat_memutus(stack.settings, nomor) for _ in range(5)]
    assert decided == ["disposisi_kadis", "disposisi_kabid", "perintah_prakom", "rekomendasi",
                       "hosting_integrasi"]
    status = tunggu_arsip(stack.settings, nomor)
    hosting = next(s for s in status["langkah"] if s["kode"] == "hosting_integrasi")
    assert "Domain: contoh.babelprov.go.id" in hosting["catatan"]
    rekomendasi = next(s for s in status["langkah"] if s["kode"] == "rekomendasi")
    assert "Pemeriksaan otomatis SKPL" in rekomendasi["catatan"]
    assert "Batasan Perancangan" in rekomendasi["catatan"]


def test_va_request_runs_to_the_archive(stack: Stack) -> None:
    nomor = operasi.submit(stack.settings, form("va.json"), "va")
    for _ in range(3):
        pejabat_memutus(stack.settings, nomor)
    status = tunggu_arsip(stack.settings, nomor)
    assert [s["kode"] for s in status["langkah"]][4] == "uji_kelaikan"


def test_rejection_ends_with_report_and_archive(stack: Stack) -> None:
    nomor = operasi.submit(stack.settings, form("pembangunan.json", nama_aplikasi="Ditolak"),
                           "pembangunan")
    pejabat_memutus(stack.settings, nomor)
    pejabat_memutus(stack.settings, nomor, keputusan="tolak",
                    catatan="Sudah ada aplikasi sejenis di tingkat nasional.")
    status = tunggu_arsip(stack.settings, nomor)
    assert status["hasil"] == "ditolak"
    assert [s["kode"] for s in status["langkah"]] == [
        "pengajuan", "disposisi_kadis", "disposisi_kabid", "laporan", "arsip"]
    html = (stack.settings.laporan_dir / nomor / "laporan.html").read_text(encoding="utf-8")
    assert "Sudah ada aplikasi sejenis" in html


def test_return_for_completion_stops_the_clock(stack: Stack) -> None:
    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Dikembalikan"), "va")
    pejabat_memutus(stack.settings, nomor, keputusan="kembalikan",
                    catatan="Lampirkan surat permohonan yang ditandatangani.")
    waiting = wait_for_step(stack, nomor, "kelengkapan")
    assert waiting.jatuh_tempo is None  # the clock is stopped
    assert operasi.status(stack.settings, nomor)["status"] == "dikembalikan"
    [mail] = mails(stack, nomor, "pengembalian")
    assert "Lampirkan surat permohonan" in mail["isi"]
    found = kode_dari_surel(stack.settings.outbox_dir, nomor, jenis="pengembalian")
    assert found is not None
    time.sleep(2)  # the requester takes a while; none of it counts against the SOP
    operasi.lengkapi(stack.settings, nomor, waiting.nip, found[0], "Surat sudah dilampirkan")
    again = wait_for_step(stack, nomor, "disposisi_kadis")
    assert again.jatuh_tempo is not None
    for _ in range(3):
        pejabat_memutus(stack.settings, nomor)
    status = tunggu_arsip(stack.settings, nomor)
    kadis = [s for s in status["langkah"] if s["kode"] == "disposisi_kadis"]
    assert [s["keputusan"] for s in kadis] == ["kembalikan", "setuju"]
    kelengkapan = next(s for s in status["langkah"] if s["kode"] == "kelengkapan")
    assert kelengkapan["jatuh_tempo"] is None and not kelengkapan["terlambat"]


def test_wrong_code_is_refused_audited_and_the_step_keeps_waiting(stack: Stack) -> None:
    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Kode Salah"), "va")
    step = wait_for_step(stack, nomor, "disposisi_kadis")
    with pytest.raises(operasi.GagalOperasi, match="kode keputusan salah"):
        operasi.decide(stack.settings, nomor, step.nip, "AAAA-BBBB", "setuju")
    with pytest.raises(operasi.GagalOperasi, match="NIP bukan milik"):
        operasi.decide(stack.settings, nomor, "198001012005011001", "AAAA-BBBB", "setuju")
    still = wait_for_step(stack, nomor, "disposisi_kadis")
    assert still.flow_run_id == step.flow_run_id
    with db.session_scope(stack.settings.store_url) as s:
        refused = s.scalars(select(AuditEvent).where(AuditEvent.kind == "keputusan_ditolak"))
        reasons = [e.detail["alasan"] for e in refused if e.detail["step_id"]]
    assert "kode keputusan salah" in reasons
    assert pejabat_memutus(stack.settings, nomor) == "disposisi_kadis"


def test_breach_is_recorded_and_escalated_while_the_wait_goes_on(stack: Stack) -> None:
    from flows.sla_watch import sla_watch

    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Terlambat"), "va")
    pejabat_memutus(stack.settings, nomor)
    # Step 3 is the Kabid's: late, it goes to the Kabid with a copy to the Kepala Dinas.
    step = wait_for_step(stack, nomor, "disposisi_kabid")
    assert step.jatuh_tempo is not None
    # 15 minutes × FAKTOR = 4.5 s of (compressed) business time.
    time.sleep(max(0.0, (step.jatuh_tempo.timestamp() - time.time())) + 1)
    sla_watch()
    sla_watch()  # a second pass escalates nothing twice
    late = wait_for_step(stack, nomor, "disposisi_kabid")
    assert late.terlambat
    [mail] = mails(stack, nomor, "eskalasi")
    roster = (ROOT / "config" / "roster.yaml").read_text()
    assert mail["kepada"] and mail["tembusan"]
    assert all(address in roster for address in mail["kepada"] + mail["tembusan"])
    assert pejabat_memutus(stack.settings, nomor) == "disposisi_kabid"
    status = operasi.status(stack.settings, nomor)
    kabid = next(s for s in status["langkah"] if s["kode"] == "disposisi_kabid")
    assert kabid["terlambat"] and kabid["selesai"]


def wait_no_run_processes(st: Stack, timeout: float = 60) -> None:
    import psutil

    deadline = time.monotonic() + timeout
    serve = psutil.Process(st.serve.popen.pid)
    while serve.children(recursive=True) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not serve.children(recursive=True), "serve still runs flow-run processes"


def test_ticket_survives_a_worker_restart(stack: Stack) -> None:
    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Restart"), "va")
    menunggu = wait_for_step(stack, nomor, "disposisi_kadis")
    # "while a ticket waits": its run is Suspended on the server (the code goes out a moment
    # before the run suspends; a process killed in between is a crash, not a wait)
    assert menunggu.flow_run_id is not None
    wait_suspended(menunggu.flow_run_id)
    # The server shows Suspended while the run's process is still saving its input schema
    # and exiting; a stop in that moment kills a run, which is the next tests' case.
    wait_no_run_processes(stack)
    stack.restart_serve()
    assert _run_state(menunggu.flow_run_id).is_paused()
    for _ in range(3):
        pejabat_memutus(stack.settings, nomor)
    assert tunggu_arsip(stack.settings, nomor)["status"] == "diarsipkan"


def _run_state(flow_run_id: str) -> Any:
    from uuid import UUID

    from prefect import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(UUID(flow_run_id)).state


def _wait_run(flow_run_id: str, done: Any, what: str, timeout: float = 180) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _run_state(flow_run_id)
        if state is not None and done(state):
            return state
        time.sleep(0.5)
    raise AssertionError(f"run {flow_run_id} never {what}: {_run_state(flow_run_id)}")


def _recoveries(st: Stack, nomor: str) -> list[dict[str, Any]]:
    with db.session_scope(st.settings.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        return [e.detail for e in s.scalars(
            select(AuditEvent).where(AuditEvent.ticket_id == ticket.id,
                                     AuditEvent.kind == "tiket_dipulihkan")
            .order_by(AuditEvent.id))]


def _watch_pass(st: Stack) -> None:
    """One pass of the served SLA watch (the two-minute schedule would do the same)."""
    from prefect.deployments import run_deployment

    run = run_deployment("sla-watch/sla-watch", timeout=120)
    assert run.state is not None and run.state.is_completed(), run.state


def _wait_recovered(st: Stack, nomor: str, count: int, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _recoveries(st, nomor)
        if len(found) >= count:
            return found[count - 1]["run_baru"]
        _watch_pass(st)
    raise AssertionError(f"{nomor} not recovered {count}x: {_recoveries(st, nomor)}")


def _running_step(st: Stack, nomor: str, code: str, timeout: float = 120) -> str:
    """The run executing ``code`` for the ticket, once that step has started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.session_scope(st.settings.store_url) as s:
            ticket = repo.get_ticket(s, nomor)
            open_ = [x for x in ticket.steps if x.code == code and x.finished_at is None]
            run_id = open_[-1].flow_run_id if open_ else None
        if run_id:
            return run_id
        time.sleep(0.3)
    raise AssertionError(f"{nomor} never started {code}: {operasi.status(st.settings, nomor)}")


def test_a_run_that_dies_mid_step_is_continued_by_the_watch(
        stack: Stack, aplikasi: ContohAplikasi) -> None:
    """Serve stopped (Ctrl-C), then killed (-9), while the feasibility test runs: each time
    the SLA watch starts the ticket again and it still reaches the archive, step by step."""
    import signal

    data = form("uji_kelayakan.json", url_aplikasi=aplikasi.url, nama_aplikasi="Mati Suri",
                jenis_pengujian=["uji_kerentanan", "stress_test"],
                uji_beban={"pengguna_per_hari": 60, "jam_efektif_per_hari": 1,
                           "durasi_transaksi_menit": 2,
                           "skenario": "steps:\n  - path: /\n    think_time: [0.2, 0.4]\n"})
    nomor = operasi.submit(stack.settings, data, "uji-kelayakan")
    for _ in range(3):
        pejabat_memutus(stack.settings, nomor)
    # 1. `lpa up` stopped with Ctrl-C while step 5 runs: the runner cancels the run.
    pertama = _running_step(stack, nomor, "uji_kelaikan")
    _wait_run(pertama, lambda s: s.is_running(), "ran")
    time.sleep(3)
    stack.restart_serve()
    mati = _wait_run(pertama, lambda s: s.is_final(), "ended", timeout=60)
    assert mati.type.value in ("CANCELLED", "CRASHED"), mati
    kedua = _wait_recovered(stack, nomor, 1)
    assert _recoveries(stack, nomor)[0]["run_lama"] == pertama
    # 2. The machine dies (kill -9 of the serve and its runs): the run stays Running on the
    # server until the heartbeat automation marks it Crashed; the watch goes on from there.
    _wait_run(kedua, lambda s: s.is_running(), "ran")
    assert _running_step(stack, nomor, "uji_kelaikan") == pertama  # the same open step
    time.sleep(3)
    os.killpg(stack.serve.popen.pid, signal.SIGKILL)
    stack.serve.popen.wait()
    stack.restart_serve()
    assert _run_state(kedua).is_running()  # nobody told the server yet
    crashed = _wait_run(kedua, lambda s: s.is_crashed(), "was marked Crashed", timeout=240)
    assert "detak" in (crashed.message or ""), crashed
    ketiga = _wait_recovered(stack, nomor, 2)
    status = tunggu_arsip(stack.settings, nomor)
    assert status["hasil"] == "disetujui"
    codes = [s["kode"] for s in status["langkah"]]
    assert codes.count("uji_kelaikan") == 1 and codes[-1] == "arsip", codes
    assert _run_state(ketiga).is_completed()
    assert json.loads((stack.settings.laporan_dir / nomor / "kelaikan.json").read_text())


def test_an_operator_cancel_stays_until_lpa_lanjutkan(stack: Stack) -> None:
    from uuid import UUID

    from prefect import get_client
    from prefect.states import Cancelled

    from flows.sla_watch import sla_watch
    from tasks.pemulihan import TidakDapatDilanjutkan, lanjutkan

    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Dibatalkan"), "va")
    menunggu = wait_for_step(stack, nomor, "disposisi_kadis")
    assert menunggu.flow_run_id
    wait_suspended(menunggu.flow_run_id)
    with pytest.raises(TidakDapatDilanjutkan, match="masih punya run aktif"):
        lanjutkan(nomor)
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(menunggu.flow_run_id),
                                  Cancelled(message="Dibatalkan operator"), force=True)
    sla_watch()
    assert _recoveries(stack, nomor) == []  # an operator's cancel is not undone by the watch
    # an official deciding now is told why it cannot be taken, and that the code still holds
    kode = kode_dari_surel(stack.settings.outbox_dir, nomor)
    assert kode is not None
    with pytest.raises(operasi.GagalOperasi, match="berhenti \\(Cancelled\\).*tetap berlaku"):
        operasi.decide(stack.settings, nomor, menunggu.nip or "", kode[0], "setuju", wait=2)
    hasil = lanjutkan(nomor, operator="operator-uji")
    assert hasil.run_lama == menunggu.flow_run_id and hasil.run_baru != hasil.run_lama
    # the new run waits on the same step with the same code; decisions go to it
    lagi = wait_for_step(stack, nomor, "disposisi_kadis")
    deadline = time.monotonic() + 60
    while lagi.flow_run_id != hasil.run_baru and time.monotonic() < deadline:
        time.sleep(0.3)
        lagi = wait_for_step(stack, nomor, "disposisi_kadis")
    assert lagi.flow_run_id == hasil.run_baru
    # no second code went out for the step: the official's mail still holds
    assert len(mails(stack, nomor, "kode_keputusan")) == 1
    for _ in range(3):
        pejabat_memutus(stack.settings, nomor)
    assert tunggu_arsip(stack.settings, nomor)["status"] == "diarsipkan"
    [catatan] = _recoveries(stack, nomor)
    assert catatan["alasan"].startswith("dilanjutkan operator")
    with pytest.raises(TidakDapatDilanjutkan, match="sudah diarsipkan"):
        lanjutkan(nomor)


def test_a_ticket_whose_intake_died_before_its_run_gets_one(stack: Stack) -> None:
    """The intake opened the ticket and died before creating the ticket's run."""
    from datetime import UTC, datetime, timedelta

    from domain.errors import validasi
    from domain.sop import JenisLayanan
    from tasks.pemulihan import pulihkan_tiket_terhenti

    data = form("va.json", nama_aplikasi="Yatim")
    valid, errors = validasi("va", data)
    assert valid is not None, errors
    dibuka = datetime.now(UTC) - timedelta(minutes=11)
    with db.session_scope(stack.settings.store_url) as s:
        ticket, _ = repo.open_ticket(
            s, request_type=JenisLayanan.VA, form=valid.model_dump(mode="json"),
            application_name="Yatim", agency="Dinas Uji", received_at=dibuka,
            calendar=stack.settings.calendar(), opened_at=dibuka,
            budget_factor=FAKTOR)
        nomor = ticket.number
    [hasil] = [p for p in pulihkan_tiket_terhenti(datetime.now(UTC)) if p.nomor == nomor]
    assert hasil.run_lama is None and "intake" in hasil.alasan
    assert wait_for_step(stack, nomor, "disposisi_kadis").flow_run_id == hasil.run_baru
    # a second pass finds the run and creates nothing
    assert [p for p in pulihkan_tiket_terhenti(datetime.now(UTC)) if p.nomor == nomor] == []
    assert len(_recoveries(stack, nomor)) == 1


def _refusals(st: Stack, nomor: str) -> list[dict[str, Any]]:
    with db.session_scope(st.settings.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        return [e.detail for e in s.scalars(
            select(AuditEvent).where(AuditEvent.ticket_id == ticket.id,
                                     AuditEvent.kind == "keputusan_ditolak")
            .order_by(AuditEvent.id))]


def _newest_code(st: Stack, nomor: str) -> str:
    found = kode_dari_surel(st.settings.outbox_dir, nomor)
    assert found is not None
    return found[0]


def test_wrong_attempts_are_refused_before_the_run_wakes_and_lock_the_step(
        stack: Stack) -> None:
    """Fifteen wrong codes, then the right one: refused while the step is locked, each
    attempt answered from the store without resuming the run; the official and their
    superior are told once; after the lockout the right code decides."""
    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Terkunci"), "va")
    assert pejabat_memutus(stack.settings, nomor) == "disposisi_kadis"
    kabid = wait_for_step(stack, nomor, "disposisi_kabid")
    assert kabid.flow_run_id and kabid.nip
    wait_suspended(kabid.flow_run_id)
    kode = _newest_code(stack, nomor)
    sebelum = _run_state(kabid.flow_run_id)
    jawaban = []
    mulai = time.monotonic()
    for c in "23456789ABCDEFG":
        with pytest.raises(operasi.GagalOperasi) as refused:
            operasi.decide(stack.settings, nomor, kabid.nip, f"AAAA-AAA{c}", "setuju")
        jawaban.append(str(refused.value))
    per_attempt = (time.monotonic() - mulai) / 15
    assert all("kode keputusan salah" in j for j in jawaban[:5]), jawaban
    assert "sisa 4 percobaan" in jawaban[0] and "dikunci sampai" in jawaban[4], jawaban
    assert all("terkunci sampai" in j for j in jawaban[5:]), jawaban
    with pytest.raises(operasi.GagalOperasi, match="terkunci sampai.*benar pun ditolak"):
        operasi.decide(stack.settings, nomor, kabid.nip, kode, "setuju")
    # no attempt woke the run: the very same Suspended state, nothing resumed
    sesudah = _run_state(kabid.flow_run_id)
    assert sesudah.is_paused() and sesudah.id == sebelum.id
    assert per_attempt < 3, per_attempt  # a run woken for each took 5-9 s
    ditolak = [d for d in _refusals(stack, nomor) if d["langkah"] == "disposisi_kabid"]
    assert [d["jenis"] for d in ditolak] == ["kode_salah"] * 5 + ["terkunci"] * 11
    assert {d["sumber"] for d in ditolak} == {"lpa"}
    [surat] = mails(stack, nomor, "langkah_dikunci")
    roster = (ROOT / "config" / "roster.yaml").read_text()
    assert surat["kepada"] and surat["tembusan"] and surat["kepada"] != surat["tembusan"]
    assert all(a in roster for a in surat["kepada"] + surat["tembusan"])
    with db.session_scope(stack.settings.store_url) as s:
        [dikunci] = s.scalars(select(AuditEvent).where(
            AuditEvent.kind == "langkah_dikunci",
            AuditEvent.ticket_id == repo.get_ticket(s, nomor).id)).all()
        sampai = datetime.fromisoformat(dikunci.detail["sampai"])
    time.sleep(max(0.0, (sampai - datetime.now(UTC)).total_seconds()) + 0.5)
    assert operasi.decide(stack.settings, nomor, kabid.nip, kode, "setuju") == \
        "disposisi_kabid"


def test_concurrent_deciders_each_get_their_own_result(stack: Stack) -> None:
    """Four deciders at once on step 2, three wrong codes and one right: the right one is
    told its decision was taken, each wrong one its own refusal, all charged to step 2.
    Then on step 3 a wrong input given through the Prefect UI (the run's own check) and the
    right one through lpa decide right after: each gets its own verdict."""
    import contextvars
    import threading
    from uuid import UUID

    from prefect.flow_runs import resume_flow_run

    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Serentak"), "va")
    kadis = wait_for_step(stack, nomor, "disposisi_kadis")
    assert kadis.flow_run_id and kadis.nip
    wait_suspended(kadis.flow_run_id)
    kode = {"benar": _newest_code(stack, nomor), "salah-1": "AAAA-AAA2",
            "salah-2": "AAAA-AAA3", "salah-3": "AAAA-AAA4"}
    hasil: dict[str, Any] = {}
    serentak = threading.Barrier(len(kode))

    def putus(siapa: str) -> None:
        serentak.wait()
        try:
            hasil[siapa] = operasi.decide(stack.settings, nomor, kadis.nip or "", kode[siapa],
                                          "setuju", "Serentak")
        except operasi.GagalOperasi as exc:
            hasil[siapa] = str(exc)

    # each thread in a copy of this context: Prefect's settings (the API URL of this test
    # session's server) live in a context variable a new thread would not see
    benang = [threading.Thread(target=contextvars.copy_context().run, args=(putus, siapa))
              for siapa in kode]
    for b in benang:
        b.start()
    for b in benang:
        b.join(timeout=120)
    assert hasil["benar"] == "disposisi_kadis", hasil
    for siapa in ("salah-1", "salah-2", "salah-3"):
        assert "Keputusan ditolak: kode keputusan salah" in hasil[siapa], hasil
    kabid = wait_for_step(stack, nomor, "disposisi_kabid")
    assert [d["langkah"] for d in _refusals(stack, nomor)] == ["disposisi_kadis"] * 3
    # The Prefect UI's path: no check before the run wakes; the run's own check refuses.
    assert kabid.flow_run_id and kabid.nip
    wait_suspended(kabid.flow_run_id)
    resume_flow_run(UUID(kabid.flow_run_id),
                    run_input={"keputusan": "setuju", "catatan": "", "nip": kabid.nip,
                               "kode": "AAAA-AAA5"})
    assert operasi.decide(stack.settings, nomor, kabid.nip, _newest_code(stack, nomor),
                          "setuju") == "disposisi_kabid"
    [ui] = [d for d in _refusals(stack, nomor) if d["langkah"] == "disposisi_kabid"]
    assert (ui["sumber"], ui["jenis"], ui["run"]) == ("run", "kode_salah", kabid.flow_run_id)
    assert ui["kunci"].startswith("langkah-")
    wait_for_step(stack, nomor, "perintah_prakom")
    assert [d["langkah"] for d in _refusals(stack, nomor)] == \
        ["disposisi_kadis"] * 3 + ["disposisi_kabid"]


def test_a_run_completed_by_hand_is_recovered_by_the_watch(stack: Stack) -> None:
    """An operator forces a waiting ticket's run to Completed: the ticket is still open, so
    the watch starts it again; the person deciding meanwhile is told exactly that."""
    from uuid import UUID

    from prefect import get_client
    from prefect.states import Completed

    from tasks.pemulihan import pulihkan_tiket_terhenti

    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Selesai Paksa"),
                           "va")
    menunggu = wait_for_step(stack, nomor, "disposisi_kadis")
    assert menunggu.flow_run_id and menunggu.nip
    wait_suspended(menunggu.flow_run_id)
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(menunggu.flow_run_id),
                                  Completed(message="Diselesaikan operator"), force=True)
    kode = _newest_code(stack, nomor)
    with pytest.raises(operasi.GagalOperasi,
                       match="berhenti \\(Completed\\); pengawas SLA akan melanjutkan"):
        operasi.decide(stack.settings, nomor, menunggu.nip, kode, "setuju", wait=2)
    [hasil] = [p for p in pulihkan_tiket_terhenti(datetime.now(UTC)) if p.nomor == nomor]
    assert hasil.run_lama == menunggu.flow_run_id and hasil.alasan.startswith("COMPLETED")
    deadline = time.monotonic() + 60
    lagi = wait_for_step(stack, nomor, "disposisi_kadis")
    while lagi.flow_run_id != hasil.run_baru and time.monotonic() < deadline:
        time.sleep(0.3)
        lagi = wait_for_step(stack, nomor, "disposisi_kadis")
    assert lagi.flow_run_id == hasil.run_baru
    assert [p for p in pulihkan_tiket_terhenti(datetime.now(UTC)) if p.nomor == nomor] == []
    assert len(mails(stack, nomor, "kode_keputusan")) == 1  # the mailed code still holds
    assert operasi.decide(stack.settings, nomor, menunggu.nip, kode, "setuju") == \
        "disposisi_kadis"


# --- issue 11: acting officials, refusals that say why, the requester told ---------------

PLH = {
    "kabid_egov": ("198307142008011004", "Agus Setiawan, S.T., M.Kom.",
                   "agus.setiawan@babelprov.go.id"),
    "pranata_komputer": ("199001152015031002", "Budi Santoso, S.Kom.",
                         "budi.santoso@babelprov.go.id"),
}
_KODE_SUREL = re.compile(r"Kode keputusan sekali pakai: (\S+)")


def _angkat_plh(st: Stack, *peran: str) -> None:
    """Appoint a Plh. for each post in the stack's roster file (as an operator edits it)."""
    teks = (ROOT / "config" / "roster.yaml").read_text(encoding="utf-8")
    for p in peran:
        nip, nama, email = PLH[p]
        teks += (f"\n  - peran: {p}\n    nip: \"{nip}\"\n    nama: \"{nama}\"\n"
                 f"    email: {email}\n    status: plh\n")
    st.settings.roster_file.write_text(teks, encoding="utf-8")


def _roster_semula(st: Stack) -> None:
    shutil.copyfile(ROOT / "config" / "roster.yaml", st.settings.roster_file)


def _dialihkan(st: Stack, nomor: str) -> list[dict[str, Any]]:
    with db.session_scope(st.settings.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        return [e.detail for e in s.scalars(
            select(AuditEvent).where(AuditEvent.ticket_id == ticket.id,
                                     AuditEvent.kind == "langkah_dialihkan")
            .order_by(AuditEvent.id))]


def _kode_untuk(st: Stack, nomor: str, email: str, timeout: float = 30) -> str:
    """The newest decision code mailed to ``email`` for the ticket."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in reversed(mails(st, nomor, "kode_keputusan")):
            found = _KODE_SUREL.search(m["isi"])
            if email in m["kepada"] and found:
                return found.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no code mailed to {email} for {nomor}")


def test_a_plh_appointed_while_a_step_waits_takes_it_over(stack: Stack) -> None:
    """The roster promises that acting holders take precedence while listed: a Plh. Kabid
    appointed while step 3 waits receives a new code (from the SLA watch's pass, nobody
    having tried) and decides; the Kabid's own code is void. At step 4 a Plh. Pranata
    Komputer is appointed and the replaced official tries at once: refused, and the step
    passes to the Plh. there and then."""
    from store.models import Disposition

    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Plh Ditunjuk"), "va")
    assert pejabat_memutus(stack.settings, nomor) == "disposisi_kadis"
    kabid = wait_for_step(stack, nomor, "disposisi_kabid")
    assert kabid.flow_run_id and kabid.nip
    wait_suspended(kabid.flow_run_id)
    kode_kabid = _newest_code(stack, nomor)
    plh_kabid, _, email_kabid = PLH["kabid_egov"]
    try:
        _angkat_plh(stack, "kabid_egov")
        _watch_pass(stack)
        [alih] = _dialihkan(stack, nomor)
        assert (alih["nip_lama"], alih["nip_baru"]) == (kabid.nip, plh_kabid), alih
        kode_plh = _kode_untuk(stack, nomor, email_kabid)
        assert kode_plh != kode_kabid
        assert wait_for_step(stack, nomor, "disposisi_kabid").nip == plh_kabid
        [kabar] = mails(stack, nomor, "langkah_dialihkan")
        assert kabar["kepada"] == ["rina.marlina@babelprov.go.id"]
        assert kode_plh not in kabar["isi"] and kode_kabid not in kabar["isi"]
        with pytest.raises(operasi.GagalOperasi, match="dialihkan kepada pemegang jabatan"):
            operasi.decide(stack.settings, nomor, kabid.nip, kode_kabid, "setuju")
        assert operasi.decide(stack.settings, nomor, plh_kabid, kode_plh, "setuju",
                              "Teruskan ke Pranata Komputer") == "disposisi_kabid"
        # step 4: the replaced official tries right after the roster changed
        prakom = wait_for_step(stack, nomor, "perintah_prakom")
        assert prakom.flow_run_id and prakom.nip
        wait_suspended(prakom.flow_run_id)
        kode_prakom = _newest_code(stack, nomor)
        plh_prakom, _, email_prakom = PLH["pranata_komputer"]
        _angkat_plh(stack, "kabid_egov", "pranata_komputer")
        with pytest.raises(operasi.GagalOperasi, match="dialihkan kepada pemegang jabatan"):
            operasi.decide(stack.settings, nomor, prakom.nip, kode_prakom, "setuju")
        kode_plh_prakom = _kode_untuk(stack, nomor, email_prakom)
        assert operasi.decide(stack.settings, nomor, plh_prakom, kode_plh_prakom, "tolak",
                              "Ditolak oleh Plh. Pranata Komputer.") == "perintah_prakom"
    finally:
        _roster_semula(stack)
    status = tunggu_arsip(stack.settings, nomor)
    assert status["hasil"] == "ditolak"
    petugas = {s["kode"]: s["petugas_nip"] for s in status["langkah"]}
    assert petugas["disposisi_kabid"] == plh_kabid and petugas["perintah_prakom"] == plh_prakom
    assert [(d["nip_lama"], d["nip_baru"]) for d in _dialihkan(stack, nomor)] == [
        (kabid.nip, plh_kabid), (prakom.nip, plh_prakom)]
    with db.session_scope(stack.settings.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        dari = [d.from_nip for d in s.scalars(
            select(Disposition).where(Disposition.ticket_id == ticket.id)
            .order_by(Disposition.id))]
    assert dari[1:] == [plh_kabid, plh_prakom]
    # the replaced officials' attempts did not count towards a lockout
    assert {d["jenis"] for d in _refusals(stack, nomor)} == {"langkah_dialihkan"}


def _tunggu_dialog(run_id: str, kunci: str, timeout: float = 90) -> tuple[str, str]:
    """(run name, resume dialog text) once the run waits again under suspend key ``kunci``."""
    from uuid import UUID

    from prefect import get_client
    from prefect.input.run_input import keyset_from_paused_state

    deadline = time.monotonic() + timeout
    terakhir: Any = None
    while time.monotonic() < deadline:
        with get_client(sync_client=True) as client:
            run = client.read_flow_run(UUID(run_id))
            terakhir = run.state
            if run.state is not None and run.state.is_paused() and \
                    str(run.state.state_details.pause_key) == kunci:
                try:
                    teks = client.read_flow_run_input(
                        UUID(run_id), keyset_from_paused_state(run.state)["description"])
                    return run.name, str(teks)
                except Exception:  # noqa: BLE001 - saved a moment after the state
                    pass
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} never waited under {kunci}: {terakhir}")


def test_a_refused_attempt_keeps_the_runs_step_name_and_the_dialog_says_why(
        stack: Stack) -> None:
    """Each refusal through the Prefect UI (the run's own check) sends the run back to
    waiting: its name still names the step, and the dialog says what was wrong."""
    from uuid import UUID

    from prefect.flow_runs import resume_flow_run

    nomor = operasi.submit(stack.settings, form("va.json", nama_aplikasi="Dialog Jelas"), "va")
    kadis = wait_for_step(stack, nomor, "disposisi_kadis")
    assert kadis.flow_run_id and kadis.nip
    wait_suspended(kadis.flow_run_id)
    kode = _newest_code(stack, nomor)
    with db.session_scope(stack.settings.store_url) as s:
        step_id = [x.id for x in repo.get_ticket(s, nomor).steps
                   if x.code == "disposisi_kadis"][-1]

    def lewat_ui(run_id: str, nip: str, kode_: str) -> None:
        resume_flow_run(UUID(run_id), run_input={"keputusan": "setuju", "catatan": "",
                                                  "nip": nip, "kode": kode_})

    lewat_ui(kadis.flow_run_id, kadis.nip, "AAAA-AAAA")
    nama, dialog = _tunggu_dialog(kadis.flow_run_id, f"langkah-{step_id}-1")
    assert nama == f"{nomor} · langkah 2 disposisi_kadis"
    assert "Percobaan sebelumnya ditolak (1x): kode salah." in dialog, dialog
    lewat_ui(kadis.flow_run_id, "198001012005011001", kode)
    nama, dialog = _tunggu_dialog(kadis.flow_run_id, f"langkah-{step_id}-2")
    assert nama == f"{nomor} · langkah 2 disposisi_kadis"
    assert "(2x): NIP bukan pemegang jabatan ini." in dialog, dialog
    assert operasi.decide(stack.settings, nomor, kadis.nip, kode, "setuju") == \
        "disposisi_kadis"
    # step 3: the Kepala Dinas's used code, given again: "kode sudah dipakai"
    kabid = wait_for_step(stack, nomor, "disposisi_kabid")
    assert kabid.flow_run_id
    wait_suspended(kabid.flow_run_id)
    with db.session_scope(stack.settings.store_url) as s:
        step3 = [x.id for x in repo.get_ticket(s, nomor).steps
                 if x.code == "disposisi_kabid"][-1]
    lewat_ui(kabid.flow_run_id, kadis.nip, kode)
    nama, dialog = _tunggu_dialog(kabid.flow_run_id, f"langkah-{step3}-1")
    assert nama == f"{nomor} · langkah 3 disposisi_kabid"
    assert "(1x): kode sudah dipakai." in dialog, dialog


def test_the_requester_is_told_the_outcome_with_the_report_attached(stack: Stack) -> None:
    from email import policy
    from email.parser import BytesParser

    data = form("pembangunan.json", nama_aplikasi="Ditolak Dikabari")
    nomor = operasi.submit(stack.settings, data, "pembangunan")
    pejabat_memutus(stack.settings, nomor, keputusan="tolak",
                    catatan="Sudah ada aplikasi sejenis di tingkat provinsi.")
    status = tunggu_arsip(stack.settings, nomor)
    deadline = time.monotonic() + 60
    while not mails(stack, nomor, "permohonan_ditolak") and time.monotonic() < deadline:
        time.sleep(0.3)
    [pesan] = mails(stack, nomor, "permohonan_ditolak")
    assert pesan["kepada"] == [data["penanggung_jawab_struktural"]["email"],
                               data["penanggung_jawab_teknis"]["email"]]
    for teks in ("DITOLAK", "Sudah ada aplikasi sejenis di tingkat provinsi.",
                 status["nomor_agenda"], "Kepala Dinas Kominfo", "terlampir (laporan.pdf)"):
        assert teks in pesan["isi"], teks
    assert str(stack.settings.laporan_dir) not in pesan["isi"]
    msg = BytesParser(policy=policy.default).parse(
        (stack.settings.outbox_dir / pesan["berkas"]).open("rb"))
    [lampiran] = list(msg.iter_attachments())
    assert lampiran.get_filename() == "laporan.pdf"
    assert lampiran.get_payload(decode=True) == \
        (stack.settings.laporan_dir / nomor / "laporan.pdf").read_bytes()
