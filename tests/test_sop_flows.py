"""End to end against a real Prefect server: intake, officials' decisions, follow-up,
report and archive, served the way `lpa up` serves them (deployments/serve.py)."""

from __future__ import annotations

import json
import socket
import time

import bantu
import pytest
from sop_bantu import (
    ROOT,
    Stack,
    _run_state,
    form,
    mails,
    wait_for_step,
    wait_no_run_processes,
    wait_suspended,
)
from sqlalchemy import select

from klien import operasi
from lpa.contoh_aplikasi import ContohAplikasi
from lpa.demo import kode_dari_surel, pejabat_memutus, tunggu_arsip
from store import db
from store.models import AuditEvent


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
        # step 6 names the report it rendered in its own column, not in its note (0006)
        [s6] = [st for st in entry.ticket.steps if st.code == "laporan"]
        assert (s6.report_path, s6.note) == (str(report), "Laporan dibuat")
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


def test_the_requester_is_told_the_outcome_with_the_report_attached(stack: Stack) -> None:
    from email import policy
    from email.parser import BytesParser

    data = form("pembangunan.json", nama_aplikasi="Ditolak Dikabari")
    nomor = operasi.submit(stack.settings, data, "pembangunan")
    pejabat_memutus(stack.settings, nomor, keputusan="tolak",
                    catatan="Sudah ada aplikasi sejenis di tingkat provinsi.")
    status = tunggu_arsip(stack.settings, nomor)
    [pesan] = bantu.tunggu(lambda: mails(stack, nomor, "permohonan_ditolak"), 60, jeda=0.3,
                           pesan="no mail told the requester of the refusal")
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
