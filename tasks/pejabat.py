"""Who decides, and telling them: the roster, one-time codes, notifications."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from prefect import task

from domain.kode import buat_kode, hash_kode
from domain.pesan import pesan_dikembalikan, pesan_kode_keputusan
from domain.roster import Pejabat, Roster
from domain.sop import LangkahSOP, Peran
from lpa.settings import get_settings
from tasks.notifikasi import Pesan, saluran_dari_pengaturan
from tasks.tiket import TiketSnapshot, simpan_hash_kode


@lru_cache(maxsize=4)
def _roster_from(path: Path, mtime: float) -> Roster:
    return Roster.from_yaml_text(path.read_text(encoding="utf-8"))


def roster() -> Roster:
    """The roster file, re-read when it changes (a new Plt. takes effect without restart)."""
    path = get_settings().roster_file.resolve()
    return _roster_from(path, path.stat().st_mtime)


def pemegang(peran: Peran, nomor: str) -> Pejabat:
    return roster().pemegang(peran, nomor)


def ui_flow_run_url(flow_run_id: str | None) -> str | None:
    from prefect.settings import PREFECT_UI_URL

    base = PREFECT_UI_URL.value()
    if not base or not flow_run_id:
        return None
    return f"{base.rstrip('/')}/flow-runs/flow-run/{flow_run_id}"


@task(name="terbitkan-kode", task_run_name="terbitkan-kode-{step_id}")
def terbitkan_kode(
    tiket: TiketSnapshot,
    step_id: int,
    langkah: LangkahSOP,
    penerima: tuple[str, ...],
    nip: str,
    nama: str,
    jatuh_tempo: datetime | None,
    flow_run_id: str | None,
    catatan_pengembalian: str | None = None,
) -> None:
    """Send the assignee a one-time decision code and keep only its hash.

    The mail goes out before the hash is stored: if storing fails, a re-run sends a new
    code; the reverse order could store a code nobody ever received.
    """
    kode = buat_kode()
    settings = get_settings()
    if langkah.kode == "kelengkapan":
        subjek, isi = pesan_dikembalikan(
            nomor_tiket=tiket.nomor, nama_aplikasi=tiket.nama_aplikasi, instansi=tiket.instansi,
            catatan=catatan_pengembalian or "", nip=nip, kode=kode,
            tautan_ui=ui_flow_run_url(flow_run_id),
        )
        jenis = "pengembalian"
    else:
        subjek, isi = pesan_kode_keputusan(
            nomor_tiket=tiket.nomor, nama_aplikasi=tiket.nama_aplikasi, instansi=tiket.instansi,
            langkah=langkah.aktivitas, nama=nama, nip=nip, kode=kode, jatuh_tempo=jatuh_tempo,
            tautan_ui=ui_flow_run_url(flow_run_id),
        )
        jenis = "kode_keputusan"
    saluran_dari_pengaturan(settings).kirim(
        Pesan(kepada=penerima, subjek=subjek, isi=isi, jenis=jenis, tiket=tiket.nomor)
    )
    simpan_hash_kode(step_id, hash_kode(kode))
