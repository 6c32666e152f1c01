"""SLA watch (flows/sla_watch.py) and the availability heartbeat (flows/detak.py).

The watch runs as a real flow on the session's Prefect server, at chosen moments
(``sekarang``) over step records seeded with chosen start times on the real business
calendar (08:00-16:00 WIB): no waiting for the clock. Store on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import bantu
import pytest
from sqlalchemy import select

from domain.calendar import WIB, BusinessCalendar
from domain.ketersediaan import hitung_ketersediaan, slot_layanan
from domain.sla import ambang_tercapai, persen_terpakai, saat_ambang
from domain.sop import JenisLayanan, Peran, langkah
from settings import get_settings
from store import db, repo
from store.models import AuditEvent, ServiceHeartbeat, SlaWarning, StepRecord
from tasks.notifikasi import baca_kotak_keluar
from tasks.pejabat import roster

ROOT = Path(__file__).resolve().parents[1]
KAL = BusinessCalendar()
SENIN = datetime(2026, 11, 30, tzinfo=WIB)  # a Monday, no holiday


def wib(hari: int, jam: int, menit: int = 0) -> datetime:
    return SENIN + timedelta(days=hari, hours=jam, minutes=menit)


# --- domain ---------------------------------------------------------------------------

def test_thresholds_on_business_time_exact() -> None:
    mulai, tempo = wib(0, 9), wib(0, 9, 30)  # 30 min budget
    assert ambang_tercapai(mulai, tempo, wib(0, 9, 14), KAL) == ()
    assert ambang_tercapai(mulai, tempo, wib(0, 9, 15), KAL) == (50,)
    assert ambang_tercapai(mulai, tempo, wib(0, 9, 22), KAL) == (50,)
    assert ambang_tercapai(mulai, tempo, wib(0, 9, 22, ) + timedelta(seconds=30), KAL) \
        == (50, 75)
    assert ambang_tercapai(mulai, tempo, wib(0, 9, 30), KAL) == (50, 75, 100)
    # across the closing time: 15:55 + 15 min is due 08:10 the next working day
    mulai = wib(0, 15, 55)
    tempo = KAL.add_business_time(mulai, timedelta(minutes=15))
    assert tempo == wib(1, 8, 10)
    assert ambang_tercapai(mulai, tempo, wib(0, 23), KAL) == ()  # 5 of 15 min used
    assert persen_terpakai(mulai, tempo, wib(0, 23), KAL) == pytest.approx(100 / 3)
    assert ambang_tercapai(mulai, tempo, wib(1, 8, 3), KAL) == (50,)
    assert saat_ambang(mulai, tempo, 50, KAL) == wib(1, 8, 2, ) + timedelta(seconds=30)
    # the clock is stopped while the request is with the requester
    assert ambang_tercapai(mulai, None, wib(30, 9), KAL) == ()


def test_availability_counts_gaps_as_down_in_service_hours_only() -> None:
    # Monday 08:00-09:00 and nothing outside service hours: 12 slots of 5 minutes
    slots = slot_layanan(wib(0, 7), wib(0, 9), KAL)
    assert len(slots) == 12 and slots[0] == wib(0, 8)
    beats = [(s + timedelta(seconds=20), True) for s in slots[:9]]  # 9 slots answered
    beats.append((slots[9] + timedelta(seconds=20), False))          # 1 answered "down"
    beats.append((wib(0, 7, 30), True))                              # before opening
    # slots 10 and 11: no beat at all (a gap)
    hasil = hitung_ketersediaan(beats, wib(0, 7), wib(0, 9), KAL)
    assert (hasil.slot_total, hasil.slot_jawab) == (12, 9)
    assert hasil.persen == pytest.approx(75.0) and hasil.memenuhi is False
    # a slot still running is not counted against the service
    assert hitung_ketersediaan(beats, wib(0, 8), wib(0, 8, 7), KAL).slot_total == 1
    # a weekend has no service hours
    assert hitung_ketersediaan([], wib(5, 0), wib(7, 0), KAL).persen is None


def test_an_escalation_says_it_was_copied_only_when_it_was(
        pengaturan_uji: bantu.Pengaturan) -> None:
    """The Kepala Dinas has no superior in the roster: the breach mail goes to them alone
    and says nothing of a copy; the Kabid's goes with a copy to the Kepala Dinas, named."""
    from tasks.sla_watch import Peringatan, susun_pesan

    pengaturan_uji(roster_file=ROOT / "config" / "roster.yaml")

    def pesan(kode: str, peran: Peran) -> object:
        return susun_pesan(Peringatan(1, 100, "LPA-2026-000009", "SIPP", "DPMPTSP", kode,
                                      peran.value, None, wib(0, 9, 30)))

    kadis = pesan("disposisi_kadis", Peran.KEPALA_DINAS)
    assert kadis is not None and kadis.tembusan == ()
    assert "ditembuskan" not in kadis.isi and "atasan" not in kadis.isi, kadis.isi
    kabid = pesan("disposisi_kabid", Peran.KABID_EGOV)
    hendra = roster().pemegang(Peran.KEPALA_DINAS, "LPA-2026-000009")
    assert kabid is not None and kabid.tembusan == (hendra.email,)
    assert f"ditembuskan kepada atasan langsung, Bapak/Ibu {hendra.nama}" in kabid.isi
    # the 50 % reminder to the Kepala Dinas promises no escalation to a superior either
    awal = susun_pesan(Peringatan(1, 50, "LPA-2026-000009", "SIPP", "DPMPTSP",
                                  "disposisi_kadis", Peran.KEPALA_DINAS.value, None,
                                  wib(0, 9, 30)))
    assert awal is not None and "atasan langsung" not in awal.isi


# --- the watch against a real store and a real Prefect server ----------------------------

@pytest.fixture
def lingkungan(store_url: str, tmp_path: Path, pengaturan_uji: bantu.Pengaturan,
               prefect_api: str) -> str:
    pengaturan_uji(data_dir=tmp_path / "data", database_url=store_url,
                   roster_file=ROOT / "config" / "roster.yaml", notifikasi="berkas")
    return store_url


def buka_tiket(nama: str, mulai: datetime, kode: str, clock_stopped: bool = False,
               ) -> tuple[str, int]:
    """A ticket whose step ``kode`` started at ``mulai`` and is still open."""
    settings = get_settings()
    with db.session_scope(settings.store_url) as s:
        ticket, _ = repo.open_ticket(
            s, request_type=JenisLayanan.VA, form={"nama_aplikasi": nama},
            application_name=nama, agency="Dinas Uji", received_at=mulai - timedelta(
                minutes=5), calendar=KAL, opened_at=mulai - timedelta(minutes=5))
        step = repo.start_step(s, ticket, langkah(kode), mulai, KAL,
                               clock_stopped=clock_stopped)
        return ticket.number, step.id


def surel(nomor: str) -> list[dict]:
    return [m for m in baca_kotak_keluar(get_settings().outbox_dir) if m["tiket"] == nomor]


def jalankan(sekarang: datetime) -> dict[str, int]:
    from flows.sla_watch import sla_watch

    return sla_watch(sekarang=sekarang)


def test_each_threshold_once_breach_recorded_even_after_restart(lingkungan: str) -> None:
    nomor, step_id = buka_tiket("Aplikasi Kadis", wib(0, 9), "disposisi_kadis")  # due 09:30
    assert jalankan(wib(0, 9, 10))["diklaim"] == 0
    assert jalankan(wib(0, 9, 16))["diklaim"] == 1
    assert jalankan(wib(0, 9, 17))["diklaim"] == 0            # 50 % already sent
    assert jalankan(wib(0, 9, 23))["diklaim"] == 1            # 75 %
    # a restart: new engines, settings read again; the store alone remembers
    db.dispose_all()
    get_settings.cache_clear()
    assert jalankan(wib(0, 9, 23))["diklaim"] == 0
    hasil = jalankan(wib(0, 9, 31))
    assert hasil["diklaim"] == 1 and hasil["terlambat_baru"] == 1
    assert jalankan(wib(0, 9, 45))["diklaim"] == 0
    db.dispose_all()
    get_settings.cache_clear()
    assert jalankan(wib(1, 10))["diklaim"] == 0

    mail = surel(nomor)
    assert [m["jenis"] for m in mail] == ["peringatan_sla_50", "peringatan_sla_75", "eskalasi"]
    kadis = roster().pemegang(Peran.KEPALA_DINAS, nomor)
    assert all(m["kepada"] == [kadis.email] for m in mail)
    assert mail[-1]["tembusan"] == []  # the Kepala Dinas has no superior in the chain
    assert "50% waktu mutu baku" in mail[0]["subjek"] and "Eskalasi" in mail[2]["subjek"]
    with db.session_scope(lingkungan) as s:
        step = s.get(StepRecord, step_id)
        assert step is not None and step.breached
        assert step.breached_at == wib(0, 9, 31)
        rows = s.scalars(select(SlaWarning).where(SlaWarning.step_id == step_id)
                         .order_by(SlaWarning.threshold)).all()
        assert [(w.threshold, w.notify, w.sent_at is not None) for w in rows] == [
            (50, True, True), (75, True, True), (100, True, True)]
        kinds = [e.kind for e in s.scalars(select(AuditEvent).where(
            AuditEvent.kind.in_(["langkah_terlambat", "peringatan_sla"])))]
        assert kinds.count("langkah_terlambat") == 1 and kinds.count("peringatan_sla") == 3


def test_escalation_copies_the_superior_skipped_thresholds_and_stopped_clock(
        lingkungan: str, prefect_api: str) -> None:
    # Kabid's step started 15:55: due 08:10 next working day; first seen by the watch late.
    nomor, step_id = buka_tiket("Aplikasi Kabid", wib(0, 15, 55), "disposisi_kabid")
    kembali, kembali_id = buka_tiket("Dikembalikan", wib(0, 8), "kelengkapan",
                                     clock_stopped=True)
    assert jalankan(wib(0, 23))["diklaim"] == 0     # 5 of 15 min at closing: nothing
    hasil = jalankan(wib(1, 9))                     # the watch was down all morning
    assert hasil["diklaim"] == 1 and hasil["terlambat_baru"] == 1
    [mail] = surel(nomor)                           # only the escalation, no stale warnings
    kabid = roster().pemegang(Peran.KABID_EGOV, nomor)
    kadis = roster().pemegang(Peran.KEPALA_DINAS, nomor)
    assert mail["jenis"] == "eskalasi"
    assert mail["kepada"] == [kabid.email] and mail["tembusan"] == [kadis.email]
    assert kadis.nama in mail["isi"]
    # the returned request: the clock stopped, weeks later still nothing
    assert jalankan(wib(21, 9))["diklaim"] == 0
    assert surel(kembali) == []
    with db.session_scope(lingkungan) as s:
        rows = s.scalars(select(SlaWarning).where(SlaWarning.step_id == step_id)
                         .order_by(SlaWarning.threshold)).all()
        assert [(w.threshold, w.notify) for w in rows] == [(50, False), (75, False),
                                                            (100, True)]
        assert not s.scalars(select(SlaWarning).where(SlaWarning.step_id == kembali_id)).all()
        returned = s.get(StepRecord, kembali_id)
        assert returned is not None and not returned.breached
        # the step that returned it starts again afterwards with a fresh budget
        ticket = repo.get_ticket(s, kembali)
        repo.finish_step(s, returned, wib(21, 10), note="dilengkapi")
        ulang = repo.start_step(s, ticket, langkah("disposisi_kadis"), wib(21, 10), KAL)
        ulang_id = ulang.id
    assert jalankan(wib(21, 10, 10))["diklaim"] == 0          # 10 of 30 min
    assert jalankan(wib(21, 10, 16))["diklaim"] == 1          # 50 % of the fresh budget
    assert [m["jenis"] for m in surel(kembali)] == ["peringatan_sla_50"]

    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def tabel() -> list:
        async with get_client() as c:
            return await c.read_artifacts(artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["sla-langkah-berisiko"])))

    terbaru = max(asyncio.run(tabel()), key=lambda a: a.created)
    assert ulang_id and kembali in str(terbaru.data) and "berisiko" in str(terbaru.data)
    assert nomor in str(terbaru.data) and "TERLAMBAT" in str(terbaru.data)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_failed_send_is_retried_once_later(lingkungan: str,
                                          pengaturan_uji: bantu.Pengaturan) -> None:
    nomor, step_id = buka_tiket("SMTP Mati", wib(0, 9), "disposisi_kadis")
    pengaturan_uji(notifikasi="smtp", smtp_port=bantu.port_bebas())
    hasil = jalankan(wib(0, 9, 16))
    assert (hasil["diklaim"], hasil["terkirim"]) == (1, 0)
    with db.session_scope(lingkungan) as s:
        [w] = s.scalars(select(SlaWarning).where(SlaWarning.step_id == step_id)).all()
        assert w.sent_at is None and "koneksi ditolak" in (w.error or "")
    pengaturan_uji(notifikasi="berkas")
    assert jalankan(wib(0, 9, 17))["terkirim"] == 1
    assert jalankan(wib(0, 9, 18))["diklaim"] == 0
    assert [m["jenis"] for m in surel(nomor)] == ["peringatan_sla_50"]
    with db.session_scope(lingkungan) as s:
        [w] = s.scalars(select(SlaWarning).where(SlaWarning.step_id == step_id)).all()
        assert w.sent_at == wib(0, 9, 17) and w.attempts == 2 and w.error is None


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_heartbeat_records_what_answered(lingkungan: str, pengaturan_uji: bantu.Pengaturan,
                                         ) -> None:
    from flows.detak import detak_layanan

    # outside service hours nothing is recorded; an all-day calendar makes "now" serve
    pengaturan_uji(hari_kerja="[]")
    with pytest.raises(ValueError):
        BusinessCalendar.dari_pengaturan(get_settings())
    pengaturan_uji(hari_kerja="[0,1,2,3,4,5,6]", jam_buka="00:00:00", jam_tutup="00:00:00")
    # no deployment is served in this test: Prefect and the store answer, serving does not
    hasil = asyncio.run(detak_layanan())
    assert hasil == {"dicatat": True, "menjawab": False, "aplikasi_ok": 0, "aplikasi": 0}
    with db.session_scope(lingkungan) as s:
        [beat] = s.scalars(select(ServiceHeartbeat)).all()
        assert beat.prefect_ok and beat.store_ok and not beat.serving_ok and not beat.answered
        # not served: absent from the session's server, or left there (NOT_READY, or paused)
        # by a stack an earlier test module of this worker served and stopped
        detail = beat.detail["intake/intake"]
        assert "tidak ditemukan" in str(detail) or (
            isinstance(detail, dict)
            and (detail.get("status") != "READY" or detail.get("paused"))), detail
