"""The stress test's options as one model: how hard, how long, where Locust runs.

One parameter instead of seventeen: ``flows/stress.py`` (the ``kelaikan-uji-beban`` flow and
its Prefect-less twin) and ``flows/kelaikan.py`` take an :class:`OpsiUjiBeban`; ``lpa stress``
and ``lpa kelaikan`` build it from their flags, the ticket's step 5 from the settings. Prefect
stores it as the flow run's parameter (JSON) and validates it back into the model.

The ranges are checked where the test is prepared (``flows/stress.laksanakan_uji_beban``): an
impossible option makes the ``uji_beban`` category ``tidak_diuji`` with the reason, as any
other test that could not run, rather than failing the run.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from domain.beban import (
    DURASI_LANGKAH_DEFAULT,
    DURASI_MAKS_DEFAULT,
    FAKTOR_PUNCAK_DEFAULT,
    JUMLAH_LANGKAH_DEFAULT,
    MAKS_PENGGUNA_DEFAULT,
    MAKS_PERMINTAAN_DEFAULT,
    P95_DEFAULT_MS,
    PEMANASAN_DEFAULT,
)


class OpsiUjiBeban(BaseModel):
    """Opsi uji beban (stress test)."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="Opsi uji beban")

    locustfile: str | None = Field(
        default=None, title="Locustfile pemohon",
        description="Jalur locustfile buatan pemohon, dipakai sebagai ganti skenario formulir.")
    paths: list[str] | None = Field(
        default=None, title="Halaman penjelajahan",
        description="Halaman penjelajahan bawaan bila tanpa skenario.")
    p95_ms: float = Field(default=P95_DEFAULT_MS, title="Ambang p95 (ms)",
                          description="Ambang waktu respons p95 dalam milidetik.")
    faktor_puncak: float = Field(default=FAKTOR_PUNCAK_DEFAULT, title="Faktor puncak",
                                 description="Faktor jam tersibuk terhadap rata-rata.")
    durasi_maks: float = Field(default=DURASI_MAKS_DEFAULT, title="Durasi maksimum (detik)",
                               description="Batas lama seluruh uji beban.")
    jumlah_langkah: int = Field(default=JUMLAH_LANGKAH_DEFAULT, title="Jumlah tahap",
                                description="Jumlah tahap beban sampai dua kali target.")
    durasi_langkah: float = Field(default=DURASI_LANGKAH_DEFAULT,
                                  title="Lama tiap tahap (detik)")
    pemanasan: float = Field(default=PEMANASAN_DEFAULT, title="Pemanasan (detik)",
                             description="Detik awal tiap tahap yang tidak dihitung.")
    maks_pengguna: int = Field(default=MAKS_PENGGUNA_DEFAULT, title="Pengguna maksimum")
    maks_permintaan: int = Field(default=MAKS_PERMINTAAN_DEFAULT, title="Permintaan maksimum")
    processes: int = Field(default=-1, title="Proses worker lokal",
                           description="-1 semua core, 0 satu proses.")
    master_bind: str | None = Field(
        default=None, title="Alamat master",
        description="Mode terdistribusi: master Locust mendengarkan di HOST:PORT.")
    expect_workers: int = Field(default=0, title="Jumlah worker",
                                description="Mode terdistribusi: jumlah worker yang ditunggu.")
    tunggu_workers: float = Field(default=60.0, title="Lama menunggu worker (detik)")
    kerja: str | None = Field(
        default=None, title="Direktori kerja",
        description="Simpan locustfile, log dan statistik CSV Locust di sini; tanpa ini "
                    "direktori sementara yang dihapus sesudahnya.")
