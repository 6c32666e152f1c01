"""Decision attempts: the lockout arithmetic and the binding of an attempt to its step
(domain/percobaan), and the check against a real store (tasks/keputusan) on SQLite and
PostgreSQL: refusals audited with their reason, one lockout mail, concurrent attempts.

The same check running inside the ticket's run, and `lpa decide` on a real Prefect server,
are in tests/test_sop_flows.py.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.kode import hash_kode
from domain.pemulihan import MAKS_PEMULIHAN, dipulihkan_otomatis, pesan_run_berhenti
from domain.percobaan import (
    Kunci,
    LangkahKode,
    Penolakan,
    Percobaan,
    jenis_dari_catatan,
    keadaan_kunci,
    mulai_terkunci,
    pesan_penolakan,
    putuskan,
)
from domain.roster import Roster
from domain.sop import JenisLayanan, langkah
from lpa.settings import Settings
from store import db, repo
from store.models import AuditEvent, StepRecord
from tasks.keputusan import catat_kode_terbit, masukan_terpakai, periksa_percobaan
from tasks.notifikasi import baca_kotak_keluar

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
MAKS, DURASI = 5, timedelta(minutes=15)
K, N = Penolakan.KODE_SALAH, Penolakan.NIP_SALAH


def detik(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def salah(*detiks: float, jenis: Penolakan = K) -> list[Percobaan]:
    return [Percobaan(detik(s), jenis) for s in detiks]


# --- the lockout arithmetic -------------------------------------------------------------

def test_the_fifth_wrong_attempt_locks_the_step_for_fifteen_minutes() -> None:
    empat = salah(1, 2, 3) + salah(4, jenis=N)  # a wrong NIP is a wrong attempt too
    assert keadaan_kunci(empat, detik(5), MAKS, DURASI) == Kunci(4, None)
    lima = [*empat, *salah(5)]
    assert keadaan_kunci(lima, detik(5), MAKS, DURASI) == Kunci(0, detik(5) + DURASI)
    # refusals during the lockout (15 in a row in all) neither count nor prolong it
    lima_belas = lima + [Percobaan(detik(6 + i), Penolakan.TERKUNCI) for i in range(10)]
    assert keadaan_kunci(lima_belas, detik(20), MAKS, DURASI).sampai == detik(5) + DURASI
    assert keadaan_kunci(lima_belas, detik(5) + DURASI - timedelta(seconds=1), MAKS,
                         DURASI).terkunci
    # over at its end: counting starts again from zero
    assert keadaan_kunci(lima_belas, detik(5) + DURASI, MAKS, DURASI) == Kunci(0, None)
    sesudah = lima_belas + salah(5 + DURASI.total_seconds() + 1)
    assert keadaan_kunci(sesudah, detik(2000), MAKS, DURASI) == Kunci(1, None)


def test_wrong_attempts_during_a_lockout_do_not_count_after_it() -> None:
    # wrong guesses sent while locked (refused as "terkunci" by the store, but even if they
    # were recorded as wrong) start no count for the next window
    percobaan = salah(1, 2, 3, 4, 5, 10, 20, 30)
    assert keadaan_kunci(percobaan, detik(5) + DURASI, MAKS, DURASI) == Kunci(0, None)


def test_only_guesses_count() -> None:
    lain = [Percobaan(detik(i), j) for i, j in enumerate(
        [Penolakan.KODE_DIPAKAI, Penolakan.CATATAN_KOSONG, Penolakan.TERKUNCI, None] * 3)]
    assert keadaan_kunci(lain, detik(100), MAKS, DURASI) == Kunci(0, None)


def test_attempts_count_from_the_code_issued() -> None:
    percobaan = salah(1, 2, 3, 4, 10)
    assert keadaan_kunci(percobaan, detik(11), MAKS, DURASI).terkunci
    assert keadaan_kunci(percobaan, detik(11), MAKS, DURASI, sejak=detik(3.5)) == Kunci(2, None)


def test_limits_come_from_the_caller() -> None:
    percobaan = salah(1, 2)
    assert keadaan_kunci(percobaan, detik(3), 2, timedelta(seconds=30)).sampai == detik(32)
    assert not keadaan_kunci(percobaan, detik(33), 2, timedelta(seconds=30)).terkunci


def test_a_lockout_starts_once() -> None:
    percobaan = salah(1, 2, 3, 4)
    assert mulai_terkunci(percobaan, salah(5)[0], MAKS, DURASI) == detik(5) + DURASI
    dikunci = percobaan + salah(5)
    assert mulai_terkunci(dikunci, Percobaan(detik(6), Penolakan.TERKUNCI), MAKS,
                          DURASI) is None
    assert mulai_terkunci(dikunci, salah(7)[0], MAKS, DURASI) is None  # already locked
    # the next lockout, after this one ended and five more wrong attempts
    akhir = 5 + DURASI.total_seconds()
    lagi = dikunci + salah(*(akhir + i for i in range(1, 5)))
    assert mulai_terkunci(lagi, salah(akhir + 5)[0], MAKS, DURASI) == \
        detik(akhir + 5) + DURASI


def test_old_refusals_without_a_kind_are_read_by_their_reason() -> None:
    assert jenis_dari_catatan({"alasan": "kode keputusan salah"}) is K
    assert jenis_dari_catatan({"alasan": "NIP bukan milik pejabat yang ditugaskan untuk "
                                         "langkah ini"}) is N
    assert jenis_dari_catatan({"jenis": "terkunci", "alasan": "x"}) is Penolakan.TERKUNCI
    assert jenis_dari_catatan({"alasan": "lain"}) is None


# --- binding an attempt to its step -------------------------------------------------------

NIP_A, NIP_B = "197203151998031002", "198005222005012003"
BUKA = Kunci(0, None)


def cocok(kode: str, tersimpan: str) -> bool:
    return tersimpan == f"hash:{kode}"


def step(step_id: int, nip: str, kode: str, selesai: bool = False) -> LangkahKode:
    return LangkahKode(step_id, nip, f"hash:{kode}", selesai)


def test_the_right_nip_and_code_pass_and_a_refusal_needs_its_note() -> None:
    s = step(2, NIP_A, "AAAA-AAAA")
    assert putuskan(NIP_A, "AAAA-AAAA", "setuju", "", s, [], BUKA, cocok).diterima
    assert putuskan(f" {NIP_A[:8]} {NIP_A[8:]} ", "AAAA-AAAA", "setuju", "", s, [], BUKA,
                    cocok).diterima  # a NIP typed in groups
    assert putuskan(NIP_A, "AAAA-AAAA", "tolak", " ", s, [], BUKA, cocok).jenis is \
        Penolakan.CATATAN_KOSONG


def test_wrong_nip_and_wrong_code_are_charged_to_the_step_they_were_for() -> None:
    s = step(2, NIP_A, "AAAA-AAAA")
    assert putuskan(NIP_B, "AAAA-AAAA", "setuju", "", s, [], BUKA, cocok) == \
        putuskan(NIP_B, "AAAA-AAAA", "setuju", "", s, [], BUKA, cocok)
    assert putuskan(NIP_B, "AAAA-AAAA", "setuju", "", s, [], BUKA, cocok).jenis is N
    hasil = putuskan(NIP_A, "BBBB-BBBB", "setuju", "", s, [], BUKA, cocok)
    assert (hasil.jenis, hasil.step_id) == (K, 2)


def test_a_locked_step_refuses_even_the_right_code_without_hashing_it() -> None:
    def jangan(kode: str, tersimpan: str) -> bool:
        raise AssertionError("no code is hashed while the step is locked")

    hasil = putuskan(NIP_A, "AAAA-AAAA", "setuju", "", step(2, NIP_A, "AAAA-AAAA"), [],
                     Kunci(0, detik(900)), jangan)
    assert (hasil.jenis, hasil.step_id) == (Penolakan.TERKUNCI, 2)


def test_a_used_code_is_charged_to_its_own_step_not_the_next() -> None:
    # Step 2 (Kepala Dinas) was decided; step 3 (Kabid) waits. The Kepala Dinas's code for
    # step 2 arrives late: "used", charged to step 2, nothing charged to step 3.
    dua = step(2, NIP_A, "AAAA-AAAA", selesai=True)
    tiga = step(3, NIP_B, "BBBB-BBBB")
    hasil = putuskan(NIP_A, "AAAA-AAAA", "setuju", "", tiga, [dua], BUKA, cocok)
    assert (hasil.jenis, hasil.step_id) == (Penolakan.KODE_DIPAKAI, 2)
    # bound to step 2 while it waited, and step 2 was decided meanwhile: the same answer
    hasil = putuskan(NIP_A, "AAAA-AAAA", "setuju", "", dua, [tiga], BUKA, cocok)
    assert (hasil.jenis, hasil.step_id) == (Penolakan.KODE_DIPAKAI, 2)
    # a wrong code is not "used": it stays a wrong attempt on the step it was for
    hasil = putuskan(NIP_A, "CCCC-CCCC", "setuju", "", tiga, [dua], BUKA, cocok)
    assert (hasil.jenis, hasil.step_id) == (N, 3)


def test_messages_say_why_and_what_next() -> None:
    assert "sisa 2 percobaan" in pesan_penolakan(K, Kunci(3, None), MAKS, DURASI)
    dikunci = pesan_penolakan(K, Kunci(0, detik(900)), MAKS, DURASI, detik(900))
    assert "dikunci sampai" in dikunci and "atasannya" in dikunci
    assert "terkunci sampai" in pesan_penolakan(Penolakan.TERKUNCI, Kunci(0, detik(900)),
                                                 MAKS, DURASI)
    assert pesan_penolakan(Penolakan.KODE_DIPAKAI, BUKA, MAKS, DURASI).startswith(
        "kode sudah dipakai")


# --- what `lpa decide` tells about a run that ended -------------------------------------

def test_the_person_deciding_is_told_who_continues_a_stopped_run() -> None:
    for jenis, pesan in (("CRASHED", None), ("COMPLETED", None),
                         ("CANCELLED", "Runner is shutting down.")):
        assert dipulihkan_otomatis(jenis, pesan, 0)
        assert "pengawas SLA akan melanjutkan" in pesan_run_berhenti(
            "r1", jenis, jenis.title(), pesan, 0, "LPA-2026-000001")
    for jenis, pesan, pemulihan, sebab in (
            ("CANCELLED", "Dibatalkan operator", 0, "dibatalkan operator"),
            ("FAILED", "ZeroDivisionError", 0, "run gagal"),
            ("CRASHED", None, MAKS_PEMULIHAN, f"sudah {MAKS_PEMULIHAN} kali")):
        teks = pesan_run_berhenti("r1", jenis, jenis.title(), pesan, pemulihan, "LPA-1")
        assert "pengawas SLA" not in teks and sebab in teks, teks
        assert "lpa lanjutkan LPA-1" in teks and "tetap berlaku" in teks


# --- against the store ------------------------------------------------------------------

@pytest.fixture
def pengaturan(store_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=store_url,
                    roster_file=ROOT / "config" / "roster.yaml", notifikasi="berkas")


def tiket_menunggu(settings: Settings, kode_langkah: str = "disposisi_kabid",
                   kode: str = "K7M2-QX9P") -> tuple[str, int, str]:
    """A ticket whose step waits for its roster holder with a code issued: (no, step, NIP)."""
    roster = Roster.from_yaml_text(settings.roster_file.read_text(encoding="utf-8"))
    sop = langkah(kode_langkah)
    with db.session_scope(settings.store_url) as s:
        ticket, _ = repo.open_ticket(
            s, request_type=JenisLayanan.VA, form={"nama_aplikasi": "Uji Kunci"},
            application_name="Uji Kunci", agency="Dinas Uji", received_at=T0,
            calendar=settings.calendar(), opened_at=T0)
        pejabat = roster.pemegang(sop.pelaksana, ticket.number)
        record = repo.start_step(s, ticket, sop, T0, settings.calendar(),
                                 assignee_nip=pejabat.nip, assignee_name=pejabat.nama)
        record.code_hash = hash_kode(kode)
        catat_kode_terbit(s, record)
        return ticket.number, record.id, pejabat.nip


def coba(settings: Settings, nomor: str, step_id: int, nip: str, kode: str,
         sekarang: datetime | None = None, **lain: Any) -> Any:
    masukan = {"nip": nip, "kode": kode, "keputusan": "setuju", "catatan": "", **lain}
    return periksa_percobaan(settings, nomor, step_id, masukan, sumber="lpa",
                             sekarang=sekarang)


def penolakan(settings: Settings, nomor: str) -> list[dict[str, Any]]:
    with db.session_scope(settings.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        return [e.detail for e in s.scalars(
            select(AuditEvent).where(AuditEvent.ticket_id == ticket.id,
                                     AuditEvent.kind == "keputusan_ditolak")
            .order_by(AuditEvent.id))]


def test_fifteen_wrong_codes_then_the_right_one_is_refused_until_the_lockout_ends(
        pengaturan: Settings) -> None:
    nomor, step_id, nip = tiket_menunggu(pengaturan)
    mulai = datetime.now(UTC)
    jawaban = [coba(pengaturan, nomor, step_id, nip, f"AAAA-AAA{c}", mulai)
               for c in "23456789ABCDEFG"]
    assert [h.jenis for h in jawaban] == [K] * 5 + [Penolakan.TERKUNCI] * 10
    assert "sisa 1 percobaan" in jawaban[3].pesan and "dikunci sampai" in jawaban[4].pesan
    benar = coba(pengaturan, nomor, step_id, nip, "k7m2 qx9p", mulai)
    assert benar.jenis is Penolakan.TERKUNCI and "kode yang benar pun ditolak" in benar.pesan
    # every refusal audited with its reason, charged to the step
    tercatat = penolakan(pengaturan, nomor)
    assert [d["alasan"] for d in tercatat] == ["kode keputusan salah"] * 5 + \
        ["langkah terkunci"] * 11
    assert {d["step_id"] for d in tercatat} == {step_id}
    assert all(d["sumber"] == "lpa" for d in tercatat)
    # the official and their superior are told once, for this lockout
    [surat] = [m for m in baca_kotak_keluar(pengaturan.outbox_dir) if m["tiket"] == nomor]
    roster = Roster.from_yaml_text(pengaturan.roster_file.read_text(encoding="utf-8"))
    kabid = next(p for p in roster.pejabat if p.nip == nip)
    kadis = roster.atasan(kabid.peran, nomor)
    assert surat["jenis"] == "langkah_dikunci"
    assert surat["kepada"] == [kabid.email] and surat["tembusan"] == [kadis.email]
    assert "dikunci sementara" in surat["subjek"] and "5 kali" in surat["isi"]
    # the settings say 15 minutes: one second before its end still locked, then accepted
    sampai = mulai + timedelta(minutes=15)
    assert coba(pengaturan, nomor, step_id, nip, "K7M2-QX9P",
                sampai - timedelta(seconds=1)).jenis is Penolakan.TERKUNCI
    assert coba(pengaturan, nomor, step_id, nip, "K7M2-QX9P", sampai).diterima
    # five more wrong attempts lock it again, with a second mail
    for c in "HJKMN":
        coba(pengaturan, nomor, step_id, nip, f"BBBB-BBB{c}", sampai)
    assert coba(pengaturan, nomor, step_id, nip, "K7M2-QX9P", sampai).jenis is \
        Penolakan.TERKUNCI
    assert len([m for m in baca_kotak_keluar(pengaturan.outbox_dir)
                if m["tiket"] == nomor]) == 2


def test_lockout_limits_are_settings(pengaturan: Settings) -> None:
    settings = pengaturan.model_copy(update={"kode_percobaan_maks": 2,
                                             "kode_kunci_menit": 0.5})
    nomor, step_id, nip = tiket_menunggu(settings)
    t = datetime.now(UTC)
    assert coba(settings, nomor, step_id, nip, "AAAA-AAAA", t).jenis is K
    assert coba(settings, nomor, step_id, nip, "AAAA-AAAB", t).jenis is K
    assert coba(settings, nomor, step_id, nip, "K7M2-QX9P", t).jenis is Penolakan.TERKUNCI
    assert coba(settings, nomor, step_id, nip, "K7M2-QX9P",
                t + timedelta(seconds=30)).diterima


def test_a_used_code_answers_used_and_is_not_tried_on_the_next_step(
        pengaturan: Settings) -> None:
    nomor, step2, nip_kadis = tiket_menunggu(pengaturan, "disposisi_kadis", "AAAA-2222")
    with db.session_scope(pengaturan.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        repo.finish_step(s, s.get(StepRecord, step2), T0, decision="setuju")
        roster = Roster.from_yaml_text(pengaturan.roster_file.read_text(encoding="utf-8"))
        kabid = roster.pemegang(langkah("disposisi_kabid").pelaksana, nomor)
        step3 = repo.start_step(s, ticket, langkah("disposisi_kabid"), T0,
                                pengaturan.calendar(), assignee_nip=kabid.nip,
                                assignee_name=kabid.nama)
        step3.code_hash = hash_kode("BBBB-3333")
        step3_id = step3.id
    hasil = coba(pengaturan, nomor, step3_id, nip_kadis, "AAAA-2222")
    assert (hasil.jenis, hasil.step_id) == (Penolakan.KODE_DIPAKAI, step2)
    [tercatat] = penolakan(pengaturan, nomor)
    assert tercatat["step_id"] == step2 and tercatat["sasaran"] == step3_id
    assert tercatat["alasan"] == "kode sudah dipakai"
    # nothing counted against step 3: its holder still has all five attempts
    for c in "2345":
        assert coba(pengaturan, nomor, step3_id, kabid.nip, f"CCCC-CCC{c}").jenis is K
    assert coba(pengaturan, nomor, step3_id, kabid.nip, "BBBB-3333").diterima


def test_concurrent_attempts_each_get_their_own_answer_and_one_lockout(
        pengaturan: Settings) -> None:
    # four deciders at once: three wrong codes, one right
    nomor, step_id, nip = tiket_menunggu(pengaturan)
    kode = ["AAAA-AAA2", "AAAA-AAA3", "K7M2-QX9P", "AAAA-AAA4"]
    hasil: dict[str, Any] = {}
    mulai = threading.Barrier(len(kode))

    def putus(k: str) -> None:
        mulai.wait()
        hasil[k] = coba(pengaturan, nomor, step_id, nip, k)

    benang = [threading.Thread(target=putus, args=(k,)) for k in kode]
    for b in benang:
        b.start()
    for b in benang:
        b.join()
    assert hasil["K7M2-QX9P"].diterima
    assert [hasil[k].jenis for k in kode if k != "K7M2-QX9P"] == [K] * 3
    assert [d["alasan"] for d in penolakan(pengaturan, nomor)] == ["kode keputusan salah"] * 3
    # a burst of ten wrong guesses past the limit: exactly five counted, one lockout
    nomor, step_id, nip = tiket_menunggu(pengaturan)
    mulai = threading.Barrier(10)

    def tebak(i: int) -> None:
        mulai.wait()
        coba(pengaturan, nomor, step_id, nip, f"ZZZZ-ZZZ{i + 2}")

    benang = [threading.Thread(target=tebak, args=(i,)) for i in range(10)]
    for b in benang:
        b.start()
    for b in benang:
        b.join()
    jenis = sorted(d["jenis"] for d in penolakan(pengaturan, nomor))
    assert jenis == ["kode_salah"] * 5 + ["terkunci"] * 5
    with db.session_scope(pengaturan.store_url) as s:
        assert len(s.scalars(select(AuditEvent).where(
            AuditEvent.kind == "langkah_dikunci",
            AuditEvent.ticket_id == repo.get_ticket(s, nomor).id)).all()) == 1
    assert len([m for m in baca_kotak_keluar(pengaturan.outbox_dir)
                if m["tiket"] == nomor]) == 1


def test_the_runs_wait_key_advances_only_on_the_runs_own_refusals(
        pengaturan: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tasks.keputusan.get_settings", lambda: pengaturan)
    nomor, step_id, nip = tiket_menunggu(pengaturan)
    coba(pengaturan, nomor, step_id, nip, "AAAA-AAAA")  # refused before any resume
    assert masukan_terpakai(nomor, step_id) == 0
    periksa_percobaan(pengaturan, nomor, step_id, {"nip": nip, "kode": "AAAA-AAAB"},
                      sumber="run", flow_run_id="r1", kunci=f"langkah-{step_id}-0")
    assert masukan_terpakai(nomor, step_id) == 1
    with db.session_scope(pengaturan.store_url) as s:  # one written before this change
        repo.audit(s, "keputusan_ditolak", ticket=repo.get_ticket(s, nomor), step_id=step_id,
                   alasan="kode keputusan salah")
    assert masukan_terpakai(nomor, step_id) == 2
