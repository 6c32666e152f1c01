"""Decision attempts: the lockout arithmetic and the binding of an attempt to its step
(domain/percobaan), and the check against a real store (tasks/keputusan) on SQLite and
PostgreSQL: refusals audited with their reason, one lockout mail, concurrent attempts.

The same check running inside the ticket's run, and `lpa decide` on a real Prefect server,
are in tests/test_sop_flows.py.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from domain.calendar import BusinessCalendar
from domain.kode import hash_kode
from domain.pemulihan import MAKS_PEMULIHAN, dipulihkan_otomatis, pesan_run_berhenti
from domain.percobaan import (
    SALAH,
    Kunci,
    LangkahKode,
    Penolakan,
    Percobaan,
    jenis_dari_catatan,
    keadaan_kunci,
    mulai_terkunci,
    pesan_penolakan,
    putuskan,
    ringkasan_penolakan,
)
from domain.roster import Roster
from domain.sop import JenisLayanan, langkah
from settings import Settings
from store import db, repo
from store.models import AuditEvent, StepRecord
from tasks.keputusan import catat_kode_terbit, masukan_terpakai, periksa_percobaan
from tasks.notifikasi import baca_kotak_keluar

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
_kal = BusinessCalendar.dari_pengaturan
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


def test_the_official_a_step_was_taken_from_is_told_so_and_it_is_no_guess() -> None:
    # Step 3 passed from NIP_A (the Kabid) to NIP_B (a Plh. appointed while it waited).
    tiga = LangkahKode(3, NIP_B, "hash:BBBB-BBBB", False, frozenset({NIP_A}))
    hasil = putuskan(NIP_A, "AAAA-AAAA", "setuju", "", tiga, [], BUKA, cocok)
    assert (hasil.jenis, hasil.step_id) == (Penolakan.DIALIHKAN, 3)
    assert Penolakan.DIALIHKAN not in SALAH  # does not count towards the lockout
    assert putuskan(NIP_B, "BBBB-BBBB", "setuju", "", tiga, [], BUKA, cocok).diterima
    # passed back to NIP_A later: NIP_A decides again with the code now mailed to them
    kembali = LangkahKode(3, NIP_A, "hash:CCCC-CCCC", False, frozenset({NIP_A, NIP_B}))
    assert putuskan(NIP_A, "CCCC-CCCC", "setuju", "", kembali, [], BUKA, cocok).diterima
    assert putuskan(NIP_A, "AAAA-AAAA", "setuju", "", kembali, [], BUKA, cocok).jenis is K
    teks = pesan_penolakan(Penolakan.DIALIHKAN, BUKA, MAKS, DURASI, pemegang="Siti")
    assert "dialihkan kepada pemegang jabatan yang baru (Siti)" in teks
    assert "tidak berlaku lagi" in teks


def test_the_dialog_says_which_part_of_the_attempt_was_wrong() -> None:
    assert ringkasan_penolakan(0, None, BUKA, MAKS) is None
    assert ringkasan_penolakan(1, N, Kunci(1, None), MAKS) == (
        "Percobaan sebelumnya ditolak (1x): NIP bukan pemegang jabatan ini. "
        "Sisa 4 percobaan sebelum langkah dikunci.")
    assert ringkasan_penolakan(2, K, Kunci(2, None), MAKS).startswith(
        "Percobaan sebelumnya ditolak (2x): kode salah.")
    terkunci = ringkasan_penolakan(5, K, Kunci(0, datetime(2026, 12, 1, 3, 45, tzinfo=UTC)),
                                   MAKS)
    assert terkunci is not None and "terkunci sampai 10.45 WIB" in terkunci
    assert "kode sudah dipakai" in (ringkasan_penolakan(1, Penolakan.KODE_DIPAKAI, BUKA, MAKS)
                                    or "")
    assert "dialihkan" in (ringkasan_penolakan(1, Penolakan.DIALIHKAN, BUKA, MAKS) or "")


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
            calendar=_kal(settings), opened_at=T0)
        pejabat = roster.pemegang(sop.pelaksana, ticket.number)
        record = repo.start_step(s, ticket, sop, T0, _kal(settings),
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


def test_a_requesters_lockout_is_mailed_to_both_penanggung_jawab_of_the_typed_form(
        pengaturan: Settings) -> None:
    """A return for completion answered with wrong codes locks the requester's step; the
    mail goes to both penanggung jawab read from the ticket's typed form."""
    import json

    from domain.errors import validasi
    from domain.forms import untuk_disimpan

    data = json.loads((Path(__file__).parent / "fixtures" / "forms" / "va.json").read_text())
    form, galat = validasi("va", data)
    assert form is not None, galat
    with db.session_scope(pengaturan.store_url) as s:
        ticket, _ = repo.open_ticket(
            s, request_type=JenisLayanan.VA,
            form=untuk_disimpan(form).model_dump(mode="json"),
            application_name=form.nama_aplikasi, agency="Dinas Uji", received_at=T0,
            calendar=_kal(pengaturan), opened_at=T0)
        record = repo.start_step(s, ticket, langkah("kelengkapan"), T0, _kal(pengaturan),
                                 assignee_nip=form.pemohon.nip, assignee_name="Pemohon Uji")
        record.code_hash = hash_kode("K7M2-QX9P")
        catat_kode_terbit(s, record)
        nomor, step_id = ticket.number, record.id
    mulai = datetime.now(UTC)
    hasil = [coba(pengaturan, nomor, step_id, form.pemohon.nip, f"AAAA-AAA{c}", mulai)
             for c in "23456"]
    assert hasil[-1].jenis is Penolakan.TERKUNCI or "dikunci sampai" in hasil[-1].pesan, \
        [h.pesan for h in hasil]
    [surat] = [m for m in baca_kotak_keluar(pengaturan.outbox_dir) if m["tiket"] == nomor]
    assert surat["jenis"] == "langkah_dikunci"
    assert set(surat["kepada"]) == {form.penanggung_jawab_struktural.email,
                                    form.penanggung_jawab_teknis.email}


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
                                _kal(pengaturan), assignee_nip=kabid.nip,
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


# --- a step passes to whoever holds the post when the attempt is judged -------------------

PLH_KABID = "198307142008011004"
ENTRI_PLH = """
  - peran: kabid_egov
    nip: "198307142008011004"
    nama: "Agus Setiawan, S.T., M.Kom."
    email: agus.setiawan@babelprov.go.id
    status: plh
"""
_KODE_DI_SUREL = re.compile(r"Kode keputusan sekali pakai: (\S+)")


@pytest.fixture
def roster_berubah(pengaturan: Settings, tmp_path: Path) -> Settings:
    """The settings with a roster file of this test's own, to appoint a Plh. in."""
    salinan = tmp_path / "roster.yaml"
    salinan.write_text((ROOT / "config" / "roster.yaml").read_text(encoding="utf-8"),
                       encoding="utf-8")
    return pengaturan.model_copy(update={"roster_file": salinan})


def tulis_roster(settings: Settings, tambahan: str = "") -> None:
    teks = (ROOT / "config" / "roster.yaml").read_text(encoding="utf-8") + tambahan
    settings.roster_file.write_text(teks, encoding="utf-8")


def surat(settings: Settings, nomor: str, jenis: str) -> list[dict[str, Any]]:
    return [m for m in baca_kotak_keluar(settings.outbox_dir)
            if m["tiket"] == nomor and m["jenis"] == jenis]


def kode_di(pesan: dict[str, Any]) -> str:
    found = _KODE_DI_SUREL.search(pesan["isi"])
    assert found is not None, pesan["isi"]
    return found.group(1)


def audit_jenis(settings: Settings, nomor: str, kind: str) -> list[dict[str, Any]]:
    with db.session_scope(settings.store_url) as s:
        ticket = repo.get_ticket(s, nomor)
        return [e.detail for e in s.scalars(
            select(AuditEvent).where(AuditEvent.ticket_id == ticket.id, AuditEvent.kind == kind)
            .order_by(AuditEvent.id))]


def langkah_kini(settings: Settings, step_id: int) -> tuple[str | None, str | None]:
    with db.session_scope(settings.store_url) as s:
        step = s.get(StepRecord, step_id)
        assert step is not None
        return step.assignee_nip, step.code_hash


def test_a_plh_appointed_while_a_step_waits_takes_it_over_at_the_next_attempt(
        roster_berubah: Settings) -> None:
    st = roster_berubah
    nomor, step_id, kabid = tiket_menunggu(st)  # the Kabid holds code K7M2-QX9P
    tulis_roster(st, ENTRI_PLH)
    # The Kabid decides with their own code after the Plh. was appointed: refused, since
    # the step is the Plh.'s now (not counted as a guess).
    hasil = coba(st, nomor, step_id, kabid, "K7M2-QX9P")
    assert hasil.jenis is Penolakan.DIALIHKAN, hasil
    assert "Agus Setiawan" in hasil.pesan and "tidak berlaku lagi" in hasil.pesan
    [alih] = audit_jenis(st, nomor, "langkah_dialihkan")
    assert (alih["step_id"], alih["nip_lama"], alih["nip_baru"]) == (step_id, kabid, PLH_KABID)
    assert alih["status_baru"] == "plh" and alih["kode_lama_dibatalkan"] is True
    assert langkah_kini(st, step_id)[0] == PLH_KABID
    # The Plh. gets a new code by mail; the Kabid is told, without any code.
    [baru] = surat(st, nomor, "kode_keputusan")
    assert baru["kepada"] == ["agus.setiawan@babelprov.go.id"]
    assert "Plh. Kepala Bidang" in baru["isi"] and "semula ditugaskan kepada Rina" in baru["isi"]
    kode_baru = kode_di(baru)
    assert kode_baru != "K7M2-QX9P"
    [kabar] = surat(st, nomor, "langkah_dialihkan")
    assert kabar["kepada"] == ["rina.marlina@babelprov.go.id"]
    assert "Agus Setiawan" in kabar["isi"] and not _KODE_DI_SUREL.search(kabar["isi"])
    assert kode_baru not in kabar["isi"]
    # The old code is void, also with the new holder's NIP; the new one decides.
    assert coba(st, nomor, step_id, PLH_KABID, "K7M2-QX9P").jenis is K
    assert coba(st, nomor, step_id, PLH_KABID, kode_baru).diterima
    assert [d["jenis"] for d in penolakan(st, nomor)] == ["langkah_dialihkan", "kode_salah"]
    assert len(audit_jenis(st, nomor, "langkah_dialihkan")) == 1  # handed over once


def test_the_watch_hands_a_waiting_step_over_and_issues_a_lost_code_again(
        roster_berubah: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from tasks import keputusan
    from tasks.keputusan import alihkan_yang_berganti
    from tasks.notifikasi import GagalMengirimPesan, saluran_dari_pengaturan

    st = roster_berubah
    nomor, step_id, kabid = tiket_menunggu(st)
    assert alihkan_yang_berganti(st) == []  # nobody changed: nothing to do
    tulis_roster(st, ENTRI_PLH)

    class SmtpMati:
        def kirim(self, pesan: Any) -> None:
            if pesan.jenis == "kode_keputusan":
                raise GagalMengirimPesan("server SMTP mati")
            saluran_dari_pengaturan(st).kirim(pesan)

    monkeypatch.setattr(keputusan, "saluran_dari_pengaturan", lambda _s: SmtpMati())
    t0 = datetime.now(UTC)
    [alih] = alihkan_yang_berganti(st, t0)
    assert (alih.nip_lama, alih.nip_baru, alih.kode_terkirim) == (kabid, PLH_KABID, False)
    assert langkah_kini(st, step_id) == (PLH_KABID, None)  # the old code is void at once
    [gagal] = audit_jenis(st, nomor, "notifikasi_gagal")
    assert gagal["jenis"] == "kode_keputusan" and gagal["step_id"] == step_id
    monkeypatch.setattr(keputusan, "saluran_dari_pengaturan", saluran_dari_pengaturan)
    # a pass right after (the handover's own process may still be sending): nothing
    assert alihkan_yang_berganti(st, t0 + timedelta(seconds=30)) == []
    [lagi] = alihkan_yang_berganti(st, datetime.now(UTC) + timedelta(seconds=61))
    assert (lagi.nip_baru, lagi.kode_terkirim) == (PLH_KABID, True)
    [baru] = surat(st, nomor, "kode_keputusan")
    assert baru["kepada"] == ["agus.setiawan@babelprov.go.id"]
    assert "semula ditugaskan kepada Rina" in baru["isi"]
    assert langkah_kini(st, step_id)[1] is not None
    assert alihkan_yang_berganti(st, datetime.now(UTC) + timedelta(seconds=200)) == []
    # The Plh. entry ends (the Kabid is back): the step passes back, with a new code.
    tulis_roster(st, ENTRI_PLH + "    aktif: false\n")
    [balik] = alihkan_yang_berganti(st)
    assert (balik.nip_lama, balik.nip_baru, balik.kode_terkirim) == (PLH_KABID, kabid, True)
    kode_kabid = kode_di(surat(st, nomor, "kode_keputusan")[-1])
    assert coba(st, nomor, step_id, PLH_KABID, kode_di(baru)).jenis is Penolakan.DIALIHKAN
    assert coba(st, nomor, step_id, kabid, "K7M2-QX9P").jenis is K  # the first code is void
    assert coba(st, nomor, step_id, kabid, kode_kabid).diterima
    assert [(d["nip_lama"], d["nip_baru"]) for d in audit_jenis(st, nomor, "langkah_dialihkan")
            ] == [(kabid, PLH_KABID), (PLH_KABID, kabid)]


def test_an_unreadable_roster_leaves_the_step_with_its_assignee(
        roster_berubah: Settings) -> None:
    from tasks.keputusan import alihkan_yang_berganti

    st = roster_berubah
    nomor, step_id, kabid = tiket_menunggu(st)
    st.roster_file.write_text("pejabat: [", encoding="utf-8")  # half-saved by an editor
    assert alihkan_yang_berganti(st) == []
    assert coba(st, nomor, step_id, kabid, "K7M2-QX9P").diterima


def test_the_dialog_line_names_the_last_refusal(pengaturan: Settings) -> None:
    from tasks.keputusan import ringkasan_dialog

    nomor, step_id, nip = tiket_menunggu(pengaturan)
    assert ringkasan_dialog(pengaturan, nomor, step_id) is None
    coba(pengaturan, nomor, step_id, nip, "AAAA-AAAA")
    assert "(1x): kode salah" in (ringkasan_dialog(pengaturan, nomor, step_id) or "")
    coba(pengaturan, nomor, step_id, "198001012005011001", "K7M2-QX9P")
    assert "(2x): NIP bukan pemegang jabatan ini" in \
        (ringkasan_dialog(pengaturan, nomor, step_id) or "")
    t = datetime.now(UTC)
    for c in "BCD":
        coba(pengaturan, nomor, step_id, nip, f"AAAA-AAA{c}", t)
    teks = ringkasan_dialog(pengaturan, nomor, step_id, t) or ""
    assert "terkunci sampai" in teks and " WIB" in teks, teks
