"""End to end: officials' attempts (lockout, concurrent deciders, acting officials, the
dialog after a refusal); apart from test_sop_flows.py so that they run in a parallel
worker with their own served stack (tests/sop_bantu.py)."""

from __future__ import annotations

import re
import shutil
import time
from datetime import UTC, datetime
from typing import Any

import bantu
import pytest
from sop_bantu import (
    ROOT,
    Stack,
    _run_state,
    _watch_pass,
    form,
    mails,
    wait_for_step,
    wait_suspended,
)
from sqlalchemy import select

from klien import operasi
from lpa.demo import kode_dari_surel, pejabat_memutus, tunggu_arsip
from store import db, repo
from store.models import AuditEvent


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
    bantu.tunggu(lambda: wait_for_step(stack, nomor, "disposisi_kadis").flow_run_id ==
                 hasil.run_baru, 60, jeda=0.3, pesan="the new run never took the step")
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
    def kode() -> str | None:
        for m in reversed(mails(st, nomor, "kode_keputusan")):
            found = _KODE_SUREL.search(m["isi"])
            if email in m["kepada"] and found:
                return found.group(1)
        return None

    return bantu.tunggu(kode, timeout, jeda=0.3, pesan=f"no code mailed to {email} for {nomor}")


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

    terakhir: Any = None

    def dialog() -> tuple[str, str] | None:
        nonlocal terakhir
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
        return None

    return bantu.tunggu(dialog, timeout, jeda=0.5,
                        pesan=lambda: f"run {run_id} never waited under {kunci}: {terakhir}")


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
