"""Uji beban (stress test): target concurrency, the stepped load plan, capacity and verdict.

The service catalog's stress test measures "the number of concurrent users and the response
time". The feasibility-test form gives the inputs (:class:`domain.forms.UjiBeban`): the
maximum number of users per day, the effective access hours per day and how long one user's
transaction takes. This module turns them into a verdict an agency can act on.

Target concurrency (:func:`target_konkurensi`)
    Little's law, L = λ × W: the average number of users inside a transaction equals their
    arrival rate times the time each spends inside. With N users a day spread over H
    effective hours and a transaction of D minutes,
    ``rata-rata = N × D ÷ (H × 60)``; the target is that times a peak factor, rounded up.

Peak factor (:data:`FAKTOR_PUNCAK_DEFAULT` = 2)
    Traffic is not flat over the effective hours: office-hours services see most of their
    users in the morning after opening and right after the midday break. The busiest hour of
    such a service typically carries 20–25 % of the day's sessions, where a flat 8-hour day
    would give 12.5 %; the factor 2 designs for that busiest hour. Services with a sharper
    rush (registration deadlines, announcement days) should raise it.

Plan (:func:`rencana_beban`)
    Steps of increasing concurrent users up to twice the target, each held long enough for
    stable percentiles; the first seconds of each step (ramp-up and transient) are left out
    of its statistics. The whole run is bounded by a maximum duration and a maximum number
    of users.

Capacity and verdict (:func:`ringkas`)
    A step passes when its p95 response time is within the threshold (3,000 ms by default)
    and fewer than 1 % of its requests failed. The capacity is the most users of the steps
    that passed before the first step that did not (load is raised until the application
    gives way; a later lucky step does not count). The test passes when the capacity reaches
    the target. When the load generator saturated its own CPU at or before the deciding
    step, the measurements say more about the generator than about the application: the
    result is ``tidak_valid`` with the reason, never a false capacity. A run stopped before
    it could decide (time or request bound, crash) is ``tidak_valid`` too.

Scenario (:func:`muat_skenario`)
    YAML or JSON: ``steps`` (method, path, weight, think_time, optional form ``data``) and an
    optional ``login`` step that uses the request's test account. Paths are relative to the
    application's URL: the load never leaves the approved target.

Scope (:class:`LuarCakupan`)
    Whatever the scenario (ours or the requester's locustfile), the load generator only
    talks to the target's origin (scheme, host, port): a redirect off it is answered but not
    followed, a request off it is refused and counts as a failed request. The result says
    how many of each there were (``off_scope``, and a note).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from domain.errors import terjemahkan
from domain.kelaikan import HasilKategori, hasil_kategori, kategori_tidak_diuji
from domain.kelaikan.cek import CekDasar

FAKTOR_PUNCAK_DEFAULT = 2.0
"""Busiest hour ÷ average hour of an office-hours service; see the module docstring."""
P95_DEFAULT_MS = 3000
BATAS_GALAT = 0.01
"""A step passes only when its error rate is below this (1 %)."""
AMBANG_CPU_GENERATOR = 90.0
"""Percent of one core: a generator process at or above this is saturated (Locust's own
warning threshold)."""

JUMLAH_LANGKAH_DEFAULT = 8
DURASI_LANGKAH_DEFAULT = 60.0
"""Seconds each step is held (production default)."""
PEMANASAN_DEFAULT = 10.0
"""Seconds at the start of each step left out of its statistics."""
DURASI_MAKS_DEFAULT = 900.0
"""Seconds: the whole run never takes longer (15 minutes)."""
DURASI_MAKS_BATAS = 3600.0
"""Seconds: no stress run may be configured longer than this."""
MAKS_PENGGUNA_DEFAULT = 5000
"""Concurrent users never exceed this, whatever the target."""
MAKS_PERMINTAAN_DEFAULT = 5_000_000
"""Requests: the run stops when this many have been sent."""
DURASI_LANGKAH_MIN = 3.0
"""Seconds: a shorter step gives no usable percentiles."""
JEDA_DEFAULT = (3.0, 7.0)
"""Think time (seconds, uniform) between pages when the scenario gives none: a person reads
or fills in a page for a few seconds; a user without think time is a firehose, not a user."""

Putusan = Literal["lulus", "gagal", "tidak_valid"]

CEK_KAPASITAS = CekDasar(
    "uji_beban.kapasitas", "Kapasitas aplikasi di bawah target pengguna serentak",
    "sedang", "WSTG-BUSL-05", "CWE-400",
    "Menaikkan jumlah pengguna serentak bertahap sampai dua kali target (dari formulir, "
    "hukum Little × faktor puncak) dan mengukur waktu respons p50/p95/p99 serta tingkat "
    "galat tiap tahap.",
    "Periksa bagian yang paling lambat pada beban tinggi (kueri basis data, sesi, berkas "
    "statis tanpa cache), tambah sumber daya atau instans aplikasi, lalu ulangi uji beban.",
)
"""The one check of the category. WSTG v4.2 has no load test; BUSL-05 (limits on how often a
function can be used) and CWE-400 (resource consumption) are the nearest."""


def _angka(nilai: float, desimal: int = 2) -> str:
    """Indonesian number format: 1.234,5."""
    teks = f"{nilai:,.{desimal}f}".rstrip("0").rstrip(".") if desimal else f"{nilai:,.0f}"
    return teks.replace(",", "_").replace(".", ",").replace("_", ".")


def _persen(nilai: float) -> str:
    return _angka(nilai * 100, 2) + " %"


# --- Target ------------------------------------------------------------------------------

class TargetKonkurensi(BaseModel):
    """Little's law on the form's numbers, times the peak factor."""

    model_config = ConfigDict(frozen=True)

    pengguna_per_hari: int
    jam_efektif: float
    durasi_transaksi_menit: float
    faktor_puncak: float
    rata_rata: float
    """Average concurrent users over the effective hours."""
    target: int
    """Concurrent users the application must serve."""

    def aritmetika(self) -> str:
        """The computation as the report shows it, in Bahasa Indonesia."""
        return (
            f"Pengguna serentak rata-rata (hukum Little) = {_angka(self.pengguna_per_hari)} "
            f"pengguna/hari × {_angka(self.durasi_transaksi_menit)} menit ÷ "
            f"({_angka(self.jam_efektif)} jam × 60 menit) = {_angka(self.rata_rata)}; "
            f"× faktor puncak {_angka(self.faktor_puncak)} = "
            f"{_angka(self.rata_rata * self.faktor_puncak)}, dibulatkan ke atas: target "
            f"{self.target} pengguna serentak."
        )


def target_konkurensi(pengguna_per_hari: int, jam_efektif: float,
                      durasi_transaksi_menit: float,
                      faktor_puncak: float = FAKTOR_PUNCAK_DEFAULT) -> TargetKonkurensi:
    if pengguna_per_hari < 1:
        raise ValueError("pengguna per hari minimal 1")
    if not 0 < jam_efektif <= 24:
        raise ValueError("jam efektif per hari harus lebih dari 0 dan paling banyak 24")
    if not 0 < durasi_transaksi_menit <= jam_efektif * 60:
        raise ValueError("lama transaksi harus lebih dari 0 dan tidak melebihi jam efektif")
    if faktor_puncak < 1:
        raise ValueError("faktor puncak minimal 1")
    rata = pengguna_per_hari * durasi_transaksi_menit / (jam_efektif * 60)
    # round() first: 41.67 × 3 must not become 125.00000000000001 → 126
    target = max(1, math.ceil(round(rata * faktor_puncak, 9)))
    return TargetKonkurensi(
        pengguna_per_hari=pengguna_per_hari, jam_efektif=jam_efektif,
        durasi_transaksi_menit=durasi_transaksi_menit, faktor_puncak=faktor_puncak,
        rata_rata=rata, target=target)


# --- Plan --------------------------------------------------------------------------------

class Langkah(BaseModel):
    """One step: ``users`` held from ``mulai`` for ``durasi`` seconds; statistics cover
    ``[mulai + pemanasan, mulai + durasi]``."""

    model_config = ConfigDict(frozen=True)

    users: int = Field(ge=1)
    mulai: float = Field(ge=0)
    durasi: float = Field(gt=0)
    pemanasan: float = Field(ge=0)
    spawn_rate: float = Field(gt=0)


class RencanaBeban(BaseModel):
    model_config = ConfigDict(frozen=True)

    target: int
    langkah: list[Langkah]
    maks_permintaan: int
    catatan: list[str] = Field(default_factory=list)
    """Why the plan differs from the request (capped users, shortened steps)."""

    @property
    def durasi_total(self) -> float:
        akhir = self.langkah[-1]
        return akhir.mulai + akhir.durasi

    @property
    def puncak(self) -> int:
        return self.langkah[-1].users

    def untuk_locust(self) -> dict[str, Any]:
        """What the locustfile's shape needs, as plain JSON data."""
        return {"langkah": [s.model_dump() for s in self.langkah],
                "maks_permintaan": self.maks_permintaan}


def rencana_beban(
    target: int, *,
    jumlah_langkah: int = JUMLAH_LANGKAH_DEFAULT,
    durasi_langkah: float = DURASI_LANGKAH_DEFAULT,
    pemanasan: float = PEMANASAN_DEFAULT,
    durasi_maks: float = DURASI_MAKS_DEFAULT,
    maks_pengguna: int = MAKS_PENGGUNA_DEFAULT,
    maks_permintaan: int = MAKS_PERMINTAAN_DEFAULT,
) -> RencanaBeban:
    """Steps of equal height up to twice ``target``, bounded.

    Each step is held ``durasi_langkah`` seconds unless ``durasi_maks`` forces shorter
    ones; when even ``DURASI_LANGKAH_MIN`` per step does not fit, there are fewer steps.
    ``pemanasan`` never takes more than half a step.
    """
    if target < 1:
        raise ValueError("target pengguna serentak minimal 1")
    if jumlah_langkah < 1:
        raise ValueError("jumlah tahap minimal 1")
    if min(durasi_maks, durasi_langkah) < DURASI_LANGKAH_MIN:
        raise ValueError(f"lama tiap tahap dan durasi maksimum uji minimal "
                         f"{_angka(DURASI_LANGKAH_MIN)} detik")
    if maks_pengguna < 1 or maks_permintaan < 1:
        raise ValueError("batas pengguna dan batas permintaan minimal 1")
    catatan: list[str] = []
    tertinggi = 2 * target
    if tertinggi > maks_pengguna:
        catatan.append(f"beban puncak dibatasi {maks_pengguna} pengguna serentak "
                       f"(rencana {tertinggi})")
        tertinggi = maks_pengguna
    n = min(jumlah_langkah, tertinggi)
    durasi = min(durasi_langkah, durasi_maks / n)
    if durasi < DURASI_LANGKAH_MIN:  # only durasi_maks can force this
        n = min(n, max(1, int(durasi_maks // DURASI_LANGKAH_MIN)))
        durasi = durasi_maks / n
        catatan.append(f"jumlah tahap dikurangi menjadi {n} agar muat dalam "
                       f"{_angka(durasi_maks)} detik")
    elif durasi < durasi_langkah:
        catatan.append(f"tiap tahap dipersingkat menjadi {_angka(durasi, 1)} detik agar muat "
                       f"dalam {_angka(durasi_maks)} detik")
    durasi = math.floor(durasi * 10) / 10  # tenths keep the sum under the bound
    panas = min(pemanasan, durasi / 2)
    users = sorted({math.ceil(tertinggi * k / n) for k in range(1, n + 1)})
    langkah, sebelum = [], 0
    for i, u in enumerate(users):
        # the ramp to the next step takes at most a third of its warm-up (never under 1 s)
        laju = max(1.0, math.ceil((u - sebelum) / max(panas / 3, 1.0)))
        langkah.append(Langkah(users=u, mulai=round(i * durasi, 3), durasi=durasi,
                               pemanasan=panas, spawn_rate=laju))
        sebelum = u
    return RencanaBeban(target=target, langkah=langkah, maks_permintaan=maks_permintaan,
                        catatan=catatan)


# --- Measurements --------------------------------------------------------------------------

def persentil(histogram: Mapping[int | str, int], persen: float) -> float | None:
    """The response time (ms) that ``persen`` (0–1) of the requests finished within, from a
    Locust-style histogram {rounded ms: count}; Locust's own rule, so numbers agree with
    its reports. None without requests."""
    data = sorted(((int(k), int(v)) for k, v in histogram.items() if int(v) > 0), reverse=True)
    jumlah = sum(v for _, v in data)
    if jumlah == 0:
        return None
    batas = int(jumlah * persen)
    diproses = 0
    for waktu, banyak in data:
        diproses += banyak
        if jumlah - diproses <= batas:
            return float(waktu)
    return float(data[-1][0])


class HasilLangkah(BaseModel):
    """One step's measurements over its statistics window (the ``steps`` of laporan.json)."""

    model_config = ConfigDict(frozen=True)

    users: int
    rps: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    error_rate: float
    requests: int
    failures: int
    cpu_generator: float | None = None
    """Mean CPU (% of one core) of the busiest load-generator process in the window."""
    generator_saturated: bool = False

    def lulus(self, p95_ms: float, batas_galat: float = BATAS_GALAT) -> bool:
        return (self.requests > 0 and self.p95_ms is not None and self.p95_ms <= p95_ms
                and self.error_rate < batas_galat)


def hasil_langkah(users: int, histogram: Mapping[int | str, int], requests: int,
                  failures: int, detik: float, cpu: Sequence[float] = (),
                  ambang_cpu: float = AMBANG_CPU_GENERATOR) -> HasilLangkah:
    """A step's result from what the load generator counted in its window.

    ``cpu``: samples, each the CPU of the busiest generator process at one moment.
    """
    rata_cpu = sum(cpu) / len(cpu) if cpu else None
    return HasilLangkah(
        users=users,
        rps=round(requests / detik, 2) if detik > 0 else 0.0,
        p50_ms=persentil(histogram, 0.50), p95_ms=persentil(histogram, 0.95),
        p99_ms=persentil(histogram, 0.99),
        error_rate=round(failures / requests, 5) if requests else 1.0 if failures else 0.0,
        requests=requests, failures=failures,
        cpu_generator=round(rata_cpu, 1) if rata_cpu is not None else None,
        generator_saturated=rata_cpu is not None and rata_cpu >= ambang_cpu,
    )


class LuarCakupan(BaseModel):
    """What the load generator kept out of the test's scope (the target's origin)."""

    model_config = ConfigDict(extra="forbid")

    redirects_not_followed: int = 0
    """Answers that redirected off the origin: measured as they were, not followed."""
    requests_refused: int = 0
    """Requests (or connections) to another origin refused before anything was sent; each
    request is a failure in the measurements."""
    examples: list[str] = Field(default_factory=list)
    """A few of those addresses (scheme, host, port and path; at most five)."""

    @classmethod
    def dari_hitungan(cls, data: Mapping[str, Any] | None) -> LuarCakupan:
        """From the scope guard's counts (``pengalihan``, ``ditolak``, ``contoh``)."""
        data = data or {}
        return cls(redirects_not_followed=int(data.get("pengalihan") or 0),
                   requests_refused=int(data.get("ditolak") or 0),
                   examples=[str(c) for c in (data.get("contoh") or [])][:5])

    def catatan(self) -> list[str]:
        """Notes for the report, in Bahasa Indonesia."""
        contoh = f" (mis. {', '.join(self.examples[:3])})" if self.examples else ""
        baris = []
        if self.redirects_not_followed:
            baris.append(
                f"{self.redirects_not_followed} jawaban pengalihan (redirect) ke luar cakupan "
                f"uji tidak diikuti{contoh}; yang terukur adalah jawaban pengalihan itu, bukan "
                "halaman tujuannya")
        if self.requests_refused:
            baris.append(
                f"{self.requests_refused} permintaan ke luar cakupan uji ditolak generator "
                f"beban dan dihitung sebagai galat{contoh}")
        return baris


class RingkasanBeban(BaseModel):
    """The stress part of laporan.json (``categories[uji_beban].beban``)."""

    model_config = ConfigDict(extra="forbid")

    target_users: int
    capacity_users: int | None
    """None when the result is not valid."""
    p95_threshold_ms: float
    generator_saturated: bool
    steps: list[HasilLangkah]
    putusan: Putusan
    alasan: str
    """Why, in Bahasa Indonesia: the deciding step, or why the result is not valid."""
    capacity_is_lower_bound: bool = False
    """Every step passed: the real capacity is at least ``capacity_users``."""
    error_rate_threshold: float = BATAS_GALAT
    peak_factor: float
    average_users: float
    arithmetic: str
    planned_steps: int
    workers: int | None = None
    """Load-generator worker processes that took part (1: a single process)."""
    load_seconds: float | None = None
    """Wall time of the Locust run, start-up included."""
    off_scope: LuarCakupan = Field(default_factory=LuarCakupan)
    """Redirects not followed and requests refused because they left the target's origin."""
    notes: list[str] = Field(default_factory=list)


def ringkas(target: TargetKonkurensi, rencana: RencanaBeban, steps: Sequence[HasilLangkah],
            p95_ms: float = P95_DEFAULT_MS, *, selesai: bool = True,
            catatan: Iterable[str] = (), workers: int | None = None,
            load_seconds: float | None = None,
            cakupan: LuarCakupan | None = None) -> RingkasanBeban:
    """Capacity and verdict from the measured steps (rules in the module docstring).

    ``selesai``: the run reached the end of its plan (not stopped by a bound or a crash).
    ``cakupan``: what the scope guard kept out (reported, and noted when not empty).
    """
    steps = list(steps)
    cakupan = cakupan or LuarCakupan()
    catatan = [*rencana.catatan, *catatan, *cakupan.catatan()]
    jenuh = any(s.generator_saturated for s in steps)
    umum = {
        "target_users": target.target, "p95_threshold_ms": p95_ms,
        "generator_saturated": jenuh, "steps": steps, "peak_factor": target.faktor_puncak,
        "average_users": round(target.rata_rata, 3), "arithmetic": target.aritmetika(),
        "planned_steps": len(rencana.langkah), "notes": catatan, "workers": workers,
        "load_seconds": load_seconds, "off_scope": cakupan,
    }

    def tidak_valid(alasan: str) -> RingkasanBeban:
        return RingkasanBeban(capacity_users=None, putusan="tidak_valid", alasan=alasan,
                              **umum)

    if not steps:
        return tidak_valid("tidak ada satu tahap beban pun yang selesai diukur")
    gagal_ke = next((i for i, s in enumerate(steps) if not s.lulus(p95_ms)), None)
    penentu = gagal_ke if gagal_ke is not None else len(steps) - 1
    jenuh_ke = next((i for i, s in enumerate(steps) if s.generator_saturated), None)
    if jenuh_ke is not None and jenuh_ke <= penentu:
        s = steps[jenuh_ke]
        return tidak_valid(
            f"hasil tidak valid: CPU generator beban jenuh ({_angka(s.cpu_generator or 0, 1)} "
            f"% pada {s.users} pengguna, ambang {_angka(AMBANG_CPU_GENERATOR, 0)} %); waktu "
            "respons yang terukur mencerminkan generator, bukan aplikasi. Tambah worker "
            "(mode terdistribusi) lalu ulangi.")
    kapasitas = steps[gagal_ke - 1].users if gagal_ke else 0 if gagal_ke == 0 else \
        steps[-1].users
    batas_bawah = gagal_ke is None
    if batas_bawah and not selesai and kapasitas < target.target:
        return tidak_valid(
            f"uji beban terhenti pada {kapasitas} pengguna sebelum mencapai target "
            f"{target.target} dan sebelum aplikasi melampaui batas; kapasitas belum dapat "
            "ditentukan")
    if gagal_ke is not None:
        s = steps[gagal_ke]
        sebab = []
        if s.requests == 0:
            sebab.append("tidak ada permintaan yang selesai")
        else:
            if s.p95_ms is None or s.p95_ms > p95_ms:
                sebab.append(f"p95 {_angka(s.p95_ms or 0, 0)} ms > {_angka(p95_ms, 0)} ms")
            if s.error_rate >= BATAS_GALAT:
                sebab.append(f"galat {_persen(s.error_rate)} ≥ {_persen(BATAS_GALAT)}")
        alasan = f"pada {s.users} pengguna serentak: {', '.join(sebab)}"
    else:
        alasan = (f"semua tahap sampai {kapasitas} pengguna serentak memenuhi p95 ≤ "
                  f"{_angka(p95_ms, 0)} ms dan galat < {_persen(BATAS_GALAT)}")
    putusan: Putusan = "lulus" if kapasitas >= target.target else "gagal"
    return RingkasanBeban(capacity_users=kapasitas, putusan=putusan, alasan=alasan,
                          capacity_is_lower_bound=batas_bawah, **umum)


def kategori_uji_beban(ringkasan: RingkasanBeban) -> HasilKategori:
    """The ``uji_beban`` category of the report: lulus, gagal with a finding, or (not valid)
    tidak_diuji with the reason; the measurements ride along in ``beban``."""
    data = ringkasan.model_dump(mode="json")
    if ringkasan.putusan == "tidak_valid":
        hasil = kategori_tidak_diuji("uji_beban", ringkasan.alasan)
    elif ringkasan.putusan == "gagal":
        bukti = (f"Kapasitas {ringkasan.capacity_users} pengguna serentak < target "
                 f"{ringkasan.target_users} ({ringkasan.alasan}). {ringkasan.arithmetic}")
        hasil = hasil_kategori("uji_beban", [CEK_KAPASITAS.temuan(bukti)], [CEK_KAPASITAS.id])
    else:
        hasil = hasil_kategori("uji_beban", [], [CEK_KAPASITAS.id])
    return hasil.model_copy(update={"beban": data})


def sel_tahap(s: HasilLangkah) -> tuple[str, str, str, str]:
    """A step's p50, p95, p99 (ms) and generator CPU as shown in tables ("-" when unknown)."""
    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v:.0f}"
    cpu = "-" if s.cpu_generator is None else f"{s.cpu_generator:.0f} %"
    return ms(s.p50_ms), ms(s.p95_ms), ms(s.p99_ms), cpu


def ringkasan_teks(ringkasan: RingkasanBeban) -> str:
    """A few lines for the command line and the Prefect log, in Bahasa Indonesia."""
    label = {"lulus": "LULUS", "gagal": "GAGAL", "tidak_valid": "TIDAK VALID"}
    kap = ("-" if ringkasan.capacity_users is None else
           f"{'≥ ' if ringkasan.capacity_is_lower_bound else ''}{ringkasan.capacity_users}")
    baris = [
        f"Uji beban: {label[ringkasan.putusan]}",
        f"Target     : {ringkasan.target_users} pengguna serentak",
        f"Kapasitas  : {kap} pengguna serentak (p95 ≤ {_angka(ringkasan.p95_threshold_ms, 0)} "
        f"ms, galat < {_persen(ringkasan.error_rate_threshold)})",
        f"Keterangan : {ringkasan.alasan}",
        f"Perhitungan: {ringkasan.arithmetic}",
        "",
        f"{'Pengguna':>9} {'Req/dtk':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'Galat':>8} {'CPU gen':>8}",
    ]
    for s in ringkasan.steps:
        p50, p95, p99, cpu = sel_tahap(s)
        baris.append(f"{s.users:>9} {s.rps:>9.1f} {p50:>8} {p95:>8} "
                     f"{p99:>8} {_persen(s.error_rate):>8} {cpu:>8}")
    baris += [f"Catatan    : {c}" for c in ringkasan.notes]
    return "\n".join(baris)


# --- Scenario ------------------------------------------------------------------------------

Metode = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
NilaiForm = str | int | float | bool


def _path_sah(nilai: str) -> str:
    nilai = nilai.strip()
    if not nilai.startswith("/") or nilai.startswith("//"):
        raise PydanticCustomError(
            "path_relatif", "{pesan}",
            {"pesan": "harus berupa path pada aplikasi yang diuji, diawali '/' "
                      "(mis. /layanan?id=1), bukan alamat lengkap"})
    if any(c in nilai for c in "\r\n\t ") or any(ord(c) < 32 for c in nilai):
        raise PydanticCustomError("path_spasi", "{pesan}",
                                  {"pesan": "tidak boleh memuat spasi atau baris baru"})
    return nilai


def _metode(nilai: Any) -> Any:
    return nilai.strip().upper() if isinstance(nilai, str) else nilai


class _Skema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              hide_input_in_errors=True)


class LangkahSkenario(_Skema):
    """One kind of page visit; a user picks one by weight, then thinks."""

    name: str | None = Field(default=None, title="Nama langkah", max_length=100)
    method: Metode = Field(default="GET", title="Metode HTTP")
    path: str = Field(title="Path", min_length=1, max_length=2000)
    weight: int = Field(default=1, title="Bobot", ge=1, le=1000)
    think_time: float | tuple[float, float] = Field(
        default=JEDA_DEFAULT, title="Waktu jeda (detik)",
        description="Detik jeda sesudah langkah: satu angka, atau [min, maks].")
    data: dict[str, NilaiForm] | None = Field(default=None, title="Data formulir")

    @field_validator("method", mode="before")
    @classmethod
    def _m(cls, nilai: Any) -> Any:
        return _metode(nilai)

    @field_validator("path")
    @classmethod
    def _p(cls, nilai: str) -> str:
        return _path_sah(nilai)

    @field_validator("think_time")
    @classmethod
    def _jeda(cls, nilai: float | tuple[float, float]) -> float | tuple[float, float]:
        rentang = nilai if isinstance(nilai, tuple) else (nilai, nilai)
        if not 0 <= rentang[0] <= rentang[1] <= 600:
            raise PydanticCustomError(
                "jeda_tidak_sah", "{pesan}",
                {"pesan": "harus 0–600 detik, dan [min, maks] dengan min ≤ maks"})
        return nilai

    @property
    def label(self) -> str:
        return self.name or f"{self.method} {self.path}"


class LoginSkenario(_Skema):
    """The login step each simulated user runs once, with the request's test account."""

    method: Literal["POST", "PUT"] = Field(default="POST", title="Metode HTTP")
    path: str = Field(title="Path", min_length=1, max_length=2000)
    username_field: str = Field(default="username", title="Nama kolom pengguna",
                                min_length=1, max_length=100)
    password_field: str = Field(default="password", title="Nama kolom kata sandi",
                                min_length=1, max_length=100)
    data: dict[str, NilaiForm] | None = Field(default=None, title="Data formulir tambahan")

    @field_validator("method", mode="before")
    @classmethod
    def _m(cls, nilai: Any) -> Any:
        return _metode(nilai)

    @field_validator("path")
    @classmethod
    def _p(cls, nilai: str) -> str:
        return _path_sah(nilai)


class Skenario(_Skema):
    """A test scenario: what simulated users do on the application."""

    model_config = ConfigDict(title="Skenario pengujian")

    login: LoginSkenario | None = Field(default=None, title="Langkah login")
    steps: Annotated[list[LangkahSkenario], Field(
        title="Langkah", min_length=1, max_length=50)]


class SkenarioTidakSah(ValueError):
    """The scenario cannot be used; ``galat`` lists the errors in Bahasa Indonesia."""

    def __init__(self, galat: list[str]) -> None:
        self.galat = galat
        super().__init__("Skenario pengujian tidak sah: " + "; ".join(galat))


def skenario_bawaan(paths: Sequence[str] = ("/",)) -> Skenario:
    """Browse the given pages with equal weight and the default think time."""
    return Skenario(steps=[LangkahSkenario(path=p) for p in dict.fromkeys(paths or ("/",))])


def muat_skenario(teks: str | Mapping[str, Any], *, ada_akun: bool = True) -> Skenario:
    """Parse and validate a scenario (JSON or YAML text, or already parsed data).

    Raises :class:`SkenarioTidakSah`; a login step without a test account is refused.
    """
    if isinstance(teks, str):
        try:
            data: Any = json.loads(teks)
        except ValueError:
            try:
                data = yaml.safe_load(teks)
            except yaml.YAMLError as exc:
                tanda = getattr(exc, "problem_mark", None)
                lokasi = f" baris {tanda.line + 1}" if tanda is not None else ""
                raise SkenarioTidakSah([f"bukan YAML/JSON yang sah{lokasi}"]) from None
    else:
        data = teks
    if not isinstance(data, Mapping):
        raise SkenarioTidakSah(["harus berupa objek YAML/JSON dengan kolom 'steps' "
                                "(dan opsional 'login')"])
    try:
        skenario = Skenario.model_validate(data)
    except ValidationError as exc:
        raise SkenarioTidakSah([g["message"] for g in terjemahkan(exc, Skenario)]) from None
    if skenario.login is not None and not ada_akun:
        raise SkenarioTidakSah(["Langkah login (login): akun uji (nama pengguna dan kata "
                                "sandi) tidak diberikan"])
    return skenario


def skenario_terstruktur(teks: str) -> bool:
    """Whether form text looks like a structured scenario (a mapping) rather than prose."""
    try:
        data = json.loads(teks)
    except ValueError:
        try:
            data = yaml.safe_load(teks)
        except yaml.YAMLError:
            return False
    return isinstance(data, Mapping)
