"""SOP steps 2-4 (and every other wait for a person): a suspended run waiting for a decision.

Waiting holds no process: ``suspend_flow_run`` ends the run's process and the server keeps
the run Suspended until someone resumes it with input (Prefect UI or ``lpa decide``). The
run then starts again from the top; the ticket's records in the store tell it where it was
(domain.alur), and each wait has a stable key, so the input already given is returned at
once instead of suspending again.

Who may decide is checked here too (tasks/keputusan): the NIP must be that of whoever holds
the post *now* (a step passes to a Plh. appointed while it waits, with a new code), the
one-time code must match the stored hash, and the step must not be locked after too many
wrong attempts. ``lpa decide`` runs the same check before it resumes a run, so on its path
this is a second check; on the Prefect UI's path it is the only one. A refused input is
audited with the key of the wait it answered, and the step waits again under a new key,
its dialog saying why the last attempt was refused.
"""

from __future__ import annotations

from typing import Literal

from prefect import get_run_logger, suspend_flow_run
from prefect.input import RunInput
from pydantic import Field

from domain.dialog import TiketDialog, uraian
from domain.forms import alamat_penanggung_jawab
from domain.sop import LangkahSOP, Peran
from settings import get_settings
from tasks import tiket as t
from tasks.keputusan import (
    alihkan_bila_berganti,
    masukan_terpakai,
    periksa_percobaan,
    ringkasan_dialog,
    roster_kini,
)
from tasks.pejabat import pemegang, terbitkan_kode

_NIP = Field(title="NIP Anda", description="NIP pejabat yang memutus (18 digit, tanpa spasi).")
_KODE = Field(title="Kode keputusan",
              description="Kode sekali pakai yang dikirim ke surel Anda untuk langkah ini.")


class KeputusanPejabat(RunInput):
    """A decision on a disposition step (steps 2-4) or on the recommendation (5a)."""

    keputusan: Literal["setuju", "tolak", "kembalikan"] = Field(
        title="Keputusan",
        description="setuju: teruskan ke langkah berikutnya; tolak: akhiri permohonan; "
        "kembalikan: minta pemohon melengkapi berkas (jam layanan berhenti).",
    )
    catatan: str = Field(
        default="", max_length=4000, title="Instruksi / catatan",
        description="Isi disposisi atau catatan keputusan; wajib bila menolak atau "
        "mengembalikan.",
    )
    nip: str = _NIP
    kode: str = _KODE


class CatatanHosting(RunInput):
    """Step 5b: the officer records the domain, hosting and integration done."""

    keputusan: Literal["setuju", "tolak", "kembalikan"] = Field(
        title="Keputusan", description="setuju: hosting, domain dan integrasi selesai."
    )
    domain: str = Field(default="", max_length=253, title="Domain",
                        description="Nama domain yang diberikan, mis. sipp.babelprov.go.id.")
    hosting: str = Field(default="", max_length=500, title="Hosting",
                         description="Server/VM tempat aplikasi dipasang.")
    integrasi: str = Field(default="", max_length=2000, title="Integrasi",
                           description="Integrasi melalui sistem penghubung layanan (API).")
    catatan: str = Field(default="", max_length=4000, title="Catatan")
    nip: str = _NIP
    kode: str = _KODE


class KelengkapanPemohon(RunInput):
    """The requester's answer to a return: the request is completed."""

    catatan: str = Field(default="", max_length=4000, title="Catatan kelengkapan",
                         description="Apa yang telah dilengkapi.")
    nip: str = Field(title="NIP pemohon", description="NIP pemohon pada formulir.")
    kode: str = _KODE


async def tunggu_keputusan(
    tiket: t.TiketSnapshot,
    langkah: LangkahSOP,
    step_id: int,
    jenis_masukan: type[RunInput],
    flow_run_id: str | None,
    penerima: tuple[str, ...],
    catatan_pengembalian: str | None = None,
    tambahan: str | None = None,
) -> RunInput:
    """Suspend until the holder of the post decides with a valid NIP and code; return the
    decision. The holder is asked of the roster now: a step whose post changed hands since
    it started passes to the new holder first (tasks/keputusan.alihkan_bila_berganti)."""
    logger = get_run_logger()
    settings = get_settings()
    rekaman = tiket.rekaman(step_id)
    if flow_run_id and rekaman.flow_run_id != flow_run_id:
        # The run that started this step died; this one waits instead (the code stays valid).
        t.pindahkan_run(tiket.nomor, step_id, flow_run_id)
    if alihkan_bila_berganti(settings, tiket.nomor, step_id) is not None:
        rekaman = t.baca_tiket(tiket.nomor).rekaman(step_id)
    if not rekaman.code_issued:
        terbitkan_kode(tiket, step_id, langkah, _alamat(langkah, rekaman, penerima),
                       rekaman.assignee_nip or "", rekaman.assignee_name or "",
                       rekaman.due_at, flow_run_id, catatan_pengembalian)
    while True:
        # read again each time: the step may have passed to a new holder while it waited
        rekaman = t.baca_tiket(tiket.nomor).rekaman(step_id)
        percobaan = ringkasan_dialog(settings, tiket.nomor, step_id)
        petugas = f"{rekaman.assignee_name} (NIP {rekaman.assignee_nip})"
        # The key advances only when this run refuses an input (refusals by `lpa decide`
        # happen without resuming, and must not skip an input already waiting here).
        kunci = f"langkah-{step_id}-{masukan_terpakai(tiket.nomor, step_id)}"
        masukan = await suspend_flow_run(
            wait_for_input=jenis_masukan.with_initial_data(
                description=uraian(_untuk_dialog(tiket), langkah, petugas, rekaman.due_at,
                                   percobaan, tambahan)
            ),
            key=kunci,
            timeout=None,
        )
        hasil = periksa_percobaan(settings, tiket.nomor, step_id, masukan.model_dump(),
                                  sumber="run", flow_run_id=flow_run_id, kunci=kunci)
        if hasil.diterima:
            return masukan
        logger.warning("Keputusan untuk %s ditolak: %s", tiket.nomor, hasil.pesan)


def _untuk_dialog(tiket: t.TiketSnapshot) -> TiketDialog:
    return TiketDialog(nomor=tiket.nomor, nama_aplikasi=tiket.nama_aplikasi,
                       instansi=tiket.instansi, jenis=tiket.jenis.label)


def _alamat(langkah: LangkahSOP, rekaman: t.LangkahTersimpan,
            penerima: tuple[str, ...]) -> tuple[str, ...]:
    """Where the step's code goes: the address the roster holds for the step's assignee
    (the one the code is valid with), else what the caller named."""
    if langkah.pelaksana is Peran.OPD or not rekaman.assignee_nip:
        return penerima
    roster = roster_kini(get_settings())
    entri = [p for p in (roster.pejabat if roster else ())
             if p.nip == rekaman.assignee_nip and p.peran is langkah.pelaksana]
    return (entri[0].email,) if entri else penerima


def petugas_langkah(tiket: t.TiketSnapshot, langkah: LangkahSOP) -> tuple[str, str, str]:
    """(NIP, name, e-mail) of whoever must act on ``langkah`` for this ticket now."""
    if langkah.pelaksana is Peran.OPD:
        pemohon = tiket.permohonan.pemohon
        return pemohon.nip, pemohon.nama, ""
    pejabat = pemegang(langkah.pelaksana, tiket.nomor)
    return pejabat.nip, pejabat.nama, pejabat.email


def penerima_pemohon(tiket: t.TiketSnapshot) -> tuple[str, ...]:
    """Where a return for completion is sent: both penanggung jawab of the form."""
    return alamat_penanggung_jawab(tiket.permohonan)
