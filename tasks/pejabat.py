"""Who decides, and telling them: the roster, one-time codes, notifications."""

from __future__ import annotations

from datetime import datetime

from prefect import task

from domain.kode import buat_kode, hash_kode
from domain.pesan import pesan_dikembalikan, pesan_kode_keputusan
from domain.roster import Pejabat, Roster
from domain.sop import LangkahSOP, Peran
from domain.sop import langkah as langkah_sop
from domain.tiket import Keputusan
from settings import get_settings
from tasks.keputusan import baca_roster, roster_kini, tautan_keputusan, ui_flow_run_url
from tasks.notifikasi import Pesan, saluran_dari_pengaturan
from tasks.tiket import TiketSnapshot, simpan_hash_kode

__all__ = ["pemegang", "roster", "terbitkan_kode", "ui_flow_run_url"]


def roster() -> Roster:
    """The roster file, re-read when it changes (a new Plt. takes effect without restart)."""
    return baca_roster(get_settings())


def pemegang(peran: Peran, nomor: str) -> Pejabat:
    return roster().pemegang(peran, nomor)


def _pengembali(tiket: TiketSnapshot) -> tuple[str | None, str | None]:
    """(who, at which step) returned the ticket to the requester, for the return mail."""
    balik = [s for s in tiket.langkah if s.decision == Keputusan.KEMBALIKAN]
    if not balik:
        return None, None
    s = balik[-1]
    peran = Peran(s.actor_role)
    kini = roster_kini(get_settings())
    pejabat = next((p for p in kini.pejabat
                    if p.nip == s.assignee_nip and p.peran is peran), None) if kini else None
    sebutan = pejabat.sebutan if pejabat else peran.label
    nama = f"{sebutan}, {s.assignee_name}" if s.assignee_name else sebutan
    return nama, f"langkah {s.step_no}: {langkah_sop(s.kode).aktivitas}"


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

    An official's mail also carries a personal one-time link to the portal's decision page
    (stored hashed before the mail goes: a link nobody received is harmless, it dies with
    the step); the raw link is made here and is in no task input or result.

    The mail goes out before the hash is stored: if storing fails, a re-run sends a new
    code; the reverse order could store a code nobody ever received.
    """
    kode = buat_kode()
    settings = get_settings()
    if langkah.kode == "kelengkapan":
        pejabat, pada = _pengembali(tiket)
        subjek, isi = pesan_dikembalikan(
            nomor_tiket=tiket.nomor, nama_aplikasi=tiket.nama_aplikasi, instansi=tiket.instansi,
            catatan=catatan_pengembalian or "", nip=nip, kode=kode,
            tautan_ui=ui_flow_run_url(flow_run_id), pejabat=pejabat, langkah=pada,
        )
        jenis = "pengembalian"
    else:
        kini = roster_kini(settings)
        pemegang_kini = next((p for p in kini.pejabat
                              if p.nip == nip and p.peran is langkah.pelaksana),
                             None) if kini else None
        subjek, isi = pesan_kode_keputusan(
            nomor_tiket=tiket.nomor, nama_aplikasi=tiket.nama_aplikasi, instansi=tiket.instansi,
            langkah=langkah.aktivitas, nama=nama, nip=nip, kode=kode, jatuh_tempo=jatuh_tempo,
            tautan_ui=ui_flow_run_url(flow_run_id),
            sebutan=pemegang_kini.sebutan if pemegang_kini else None,
            ada_atasan=langkah.pelaksana.atasan is not None,
            tautan_keputusan=tautan_keputusan(settings, tiket.nomor, step_id, nip),
        )
        jenis = "kode_keputusan"
    saluran_dari_pengaturan(settings).kirim(
        Pesan(kepada=penerima, subjek=subjek, isi=isi, jenis=jenis, tiket=tiket.nomor)
    )
    simpan_hash_kode(step_id, hash_kode(kode))
