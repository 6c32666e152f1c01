"""The periodic evaluation's figures, pure: shares, medians and percentiles of business time.

The catalog asks the office to evaluate periodically the administrative procedure, the
technical side, and the applications in use. The figures of one period (a calendar month in
WIB) are computed here from plain records; tasks/evaluasi.py gathers them from the store.

Definitions (what the report's numbers mean)
    * A step *belongs to* the period when it **finished** inside it. Its business time is
      ``business_time_between(started, finished)`` on the service calendar; it is *within
      mutu baku* when it was not breached (finished by its stored due time).
    * The stopped clock (``kelengkapan``: the request is with the requester) is not an SOP
      step and is left out of the procedure figures.
    * Median and 90th percentile: linear interpolation between closest ranks
      (``statistics.quantiles(method="inclusive")``, numpy's default); one value is its own
      percentile.
    * Backlog: steps started before the period's end and not finished by then, by step and
      by age in business time.
    * Shares are percentages of a count; an empty group has no share (None), never 0 %.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.calendar import WIB, BusinessCalendar
from domain.sop import LANGKAH, SOP

_JAM = timedelta(hours=1)
KELOMPOK_UMUR: tuple[tuple[str, timedelta | None], ...] = (
    ("< 1 jam kerja", _JAM),
    ("1-8 jam kerja", 8 * _JAM),
    ("1-5 hari kerja", 40 * _JAM),
    ("> 5 hari kerja", None),
)
"""Age buckets of the backlog, business time, upper bounds exclusive."""


@dataclass(frozen=True)
class Periode:
    label: str
    mulai: datetime
    selesai: datetime
    """Exclusive end."""

    def memuat(self, t: datetime | None) -> bool:
        return t is not None and self.mulai <= t < self.selesai


def periode(teks: str) -> Periode:
    """``2026-11``: the month in WIB, [first day 00:00, first day of next month 00:00)."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})\s*", teks or "")
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"--period: {teks!r} harus berbentuk TTTT-BB (tahun-bulan), "
                         "mis. 2026-11")
    tahun, bulan = int(m.group(1)), int(m.group(2))
    mulai = datetime(tahun, bulan, 1, tzinfo=WIB)
    ujung = date(tahun + bulan // 12, bulan % 12 + 1, 1)
    return Periode(f"{tahun:04d}-{bulan:02d}", mulai, datetime.combine(ujung, datetime.min.time(),
                                                                       WIB))


def periode_lalu(sekarang: datetime) -> Periode:
    """The month before the one ``sekarang`` is in (what the monthly schedule evaluates)."""
    d = sekarang.astimezone(WIB).date().replace(day=1) - timedelta(days=1)
    return periode(f"{d.year:04d}-{d.month:02d}")


def persentil(nilai: Sequence[float], p: int) -> float | None:
    """The ``p``-th percentile (1..99), linear between closest ranks; None for no values."""
    if not nilai:
        return None
    if len(nilai) == 1:
        return float(nilai[0])
    return statistics.quantiles(nilai, n=100, method="inclusive")[p - 1]


def median(nilai: Sequence[float]) -> float | None:
    return float(statistics.median(nilai)) if nilai else None


def persen(bagian: int, total: int) -> float | None:
    return 100 * bagian / total if total else None


@dataclass(frozen=True)
class RekamLangkah:
    """One step record as the evaluation sees it."""

    nomor: str
    jenis: str
    instansi: str
    kode: str
    mulai: datetime
    jatuh_tempo: datetime | None
    selesai: datetime | None
    terlambat: bool


@dataclass(frozen=True)
class RingkasanLangkah:
    kode: str
    label: str
    mutu_baku_jam: float
    jumlah: int
    tepat_waktu: int
    terlambat: int
    persen_tepat: float | None
    median_jam: float | None
    p90_jam: float | None


@dataclass(frozen=True)
class RingkasanKelompok:
    kelompok: str
    tiket: int
    langkah: int
    tepat_waktu: int
    terlambat: int
    persen_tepat: float | None


@dataclass(frozen=True)
class Backlog:
    kode: str
    label: str
    per_umur: dict[str, int]
    terlambat: int

    @property
    def jumlah(self) -> int:
        return sum(self.per_umur.values())


_URUTAN = {s.kode: i for i, s in enumerate(SOP)}


def _label(kode: str) -> str:
    s = LANGKAH[kode]
    return f"{s.nomor}. {s.aktivitas}"


def _jam(d: timedelta) -> float:
    return d / _JAM


def selesai_dalam(rekam: Iterable[RekamLangkah], p: Periode) -> list[RekamLangkah]:
    """SOP steps finished in the period (the stopped clock left out)."""
    return [r for r in rekam if r.kode in _URUTAN and p.memuat(r.selesai)]


def ringkas_langkah(rekam: Iterable[RekamLangkah], p: Periode,
                    calendar: BusinessCalendar) -> list[RingkasanLangkah]:
    """Per SOP step: share within mutu baku, median and p90 business hours, breaches."""
    kelompok: dict[str, list[RekamLangkah]] = {}
    for r in selesai_dalam(rekam, p):
        kelompok.setdefault(r.kode, []).append(r)
    hasil = []
    for kode in sorted(kelompok, key=_URUTAN.__getitem__):
        rs = kelompok[kode]
        jam = sorted(_jam(calendar.business_time_between(r.mulai, r.selesai))  # type: ignore[arg-type]
                     for r in rs)
        tepat = sum(not r.terlambat for r in rs)
        hasil.append(RingkasanLangkah(
            kode, _label(kode), _jam(LANGKAH[kode].mutu_baku), len(rs), tepat, len(rs) - tepat,
            persen(tepat, len(rs)), median(jam), persentil(jam, 90)))
    return hasil


def ringkas_per(rekam: Iterable[RekamLangkah], p: Periode,
                kunci: Callable[[RekamLangkah], str]) -> list[RingkasanKelompok]:
    """Per agency or request type: tickets and steps finished in the period, within time."""
    kelompok: dict[str, list[RekamLangkah]] = {}
    for r in selesai_dalam(rekam, p):
        kelompok.setdefault(kunci(r), []).append(r)
    hasil = []
    for nama in sorted(kelompok):
        rs = kelompok[nama]
        tepat = sum(not r.terlambat for r in rs)
        hasil.append(RingkasanKelompok(nama, len({r.nomor for r in rs}), len(rs), tepat,
                                       len(rs) - tepat, persen(tepat, len(rs))))
    return hasil


def kelompok_umur(umur: timedelta) -> str:
    for label, batas in KELOMPOK_UMUR:
        if batas is None or umur < batas:
            return label
    raise AssertionError("unreachable")  # pragma: no cover


def backlog(rekam: Iterable[RekamLangkah], akhir: datetime,
            calendar: BusinessCalendar) -> list[Backlog]:
    """Steps open at ``akhir``, by step and business-time age; breached ones counted."""
    kelompok: dict[str, list[RekamLangkah]] = {}
    for r in rekam:
        if r.mulai < akhir and (r.selesai is None or r.selesai >= akhir):
            kelompok.setdefault(r.kode, []).append(r)
    hasil = []
    for kode in sorted(kelompok, key=lambda k: _URUTAN.get(k, -1)):
        per_umur = {label: 0 for label, _ in KELOMPOK_UMUR}
        terlambat = 0
        for r in kelompok[kode]:
            per_umur[kelompok_umur(calendar.business_time_between(r.mulai, akhir))] += 1
            terlambat += r.jatuh_tempo is not None and r.jatuh_tempo <= akhir
        label = _label(kode) if kode in _URUTAN else "Dikembalikan ke pemohon (jam berhenti)"
        hasil.append(Backlog(kode, label, per_umur, terlambat))
    return hasil


# --- technical: feasibility tests ---------------------------------------------------------

@dataclass(frozen=True)
class HasilUji:
    """One feasibility test of the period: ticket, verdict, findings (check_id -> title)."""

    nomor: str
    instansi: str
    verdict: str | None
    temuan: dict[str, str]


@dataclass(frozen=True)
class TemuanSering:
    check_id: str
    judul: str
    aplikasi: int
    persen_aplikasi: float | None


def hitung_verdict(hasil: Iterable[HasilUji]) -> dict[str, int]:
    """Verdict counts, the catalog's order; a test that could not run is ``TIDAK_DAPAT_DIUJI``."""
    urutan = ("LAYAK", "LAYAK_DENGAN_CATATAN", "TIDAK_LAYAK", "TIDAK_DAPAT_DIUJI")
    hitung = dict.fromkeys(urutan, 0)
    for h in hasil:
        hitung[h.verdict or "TIDAK_DAPAT_DIUJI"] += 1
    return hitung


def temuan_tersering(hasil: Sequence[HasilUji], batas: int = 10) -> list[TemuanSering]:
    """The findings seen in most applications (ties by check id), at most ``batas``."""
    hitung: dict[str, int] = {}
    judul: dict[str, str] = {}
    diuji = [h for h in hasil if h.verdict]
    for h in diuji:
        for cid, j in h.temuan.items():
            hitung[cid] = hitung.get(cid, 0) + 1
            judul[cid] = j
    urut = sorted(hitung, key=lambda c: (-hitung[c], c))[:batas]
    return [TemuanSering(c, judul[c], hitung[c], persen(hitung[c], len(diuji))) for c in urut]


def temuan_baru(sekarang: Iterable[str], sebelumnya: Iterable[str]) -> tuple[list[str], list[str]]:
    """(new, resolved) check ids of a re-run against the previous run."""
    kini, dulu = set(sekarang), set(sebelumnya)
    return sorted(kini - dulu), sorted(dulu - kini)
