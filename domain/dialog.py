"""What an official (or the requester) reads above the resume form of a waiting step.

Pure text: the Prefect UI shows it as the run's input description (flows/disposition.py
suspends with it); the same words whichever way the person decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.calendar import WIB
from domain.pesan import format_waktu_wib
from domain.sop import LangkahSOP, Peran
from domain.teks import md_aman


@dataclass(frozen=True)
class TiketDialog:
    """What the dialog names of the ticket."""

    nomor: str
    nama_aplikasi: str
    instansi: str
    jenis: str
    """The request type's label, e.g. "Vulnerability Assessment"."""


def uraian(tiket: TiketDialog, langkah: LangkahSOP, petugas: str,
           jatuh_tempo: datetime | None, percobaan: str | None,
           tambahan: str | None = None) -> str:
    """The Markdown the official sees above the resume form in the Prefect UI.

    Every value that comes from a form or the store is made inert (:func:`md_aman`): a name
    holding line breaks, ``#`` or a link shows as its words, never as a heading or a link.
    ``tambahan`` is Markdown built by the service itself; ``percobaan`` says how many
    attempts were refused and why the last one was (``tasks.keputusan.ringkasan_dialog``).
    """
    tempo = format_waktu_wib(jatuh_tempo.astimezone(WIB)) if jatuh_tempo else \
        "jam layanan berhenti selama menunggu pemohon"
    baris = [
        f"## {md_aman(tiket.nomor)}: {md_aman(langkah.aktivitas)}",
        "",
        f"- **Aplikasi:** {md_aman(tiket.nama_aplikasi)}",
        f"- **Instansi pemohon:** {md_aman(tiket.instansi)}",
        f"- **Jenis layanan:** {md_aman(tiket.jenis)}",
        f"- **Yang memutus:** {md_aman(petugas)}",
        f"- **Batas waktu (mutu baku):** {tempo}",
        "",
        "Isi keputusan, NIP Anda dan kode sekali pakai yang dikirim ke surel Anda.",
    ]
    if langkah.pelaksana is not Peran.OPD:
        baris += ["", "Bila jabatan ini berganti pemegang (Plt./Plh.) selama langkah menunggu, "
                      "langkah dialihkan kepada pemegang yang baru: kode baru dikirim ke "
                      "surelnya dan kode lama tidak berlaku."]
    if tambahan:
        baris += ["", tambahan]
    if percobaan:
        baris += ["", f"> {md_aman(str(percobaan))}"]
    return "\n".join(baris)
