"""When a portal link for staff is dead, and what the person is told (Bahasa Indonesia).

A decision link (``/keputusan/<token>``) is personal and used once: it dies when it was
used, when its lifetime ends, when its step was decided (by the link, the code, ``lpa
decide`` or the Prefect UI), or when its step passed to another official (a Plh./Plt.
appointed while it waited). The mailed code and ``lpa decide`` keep working meanwhile.

Pure rules; store/portal_pejabat.py keeps the links, portal/rute_keputusan.py asks here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class TautanMati(StrEnum):
    """Why a link cannot be used (audited as ``alasan``)."""

    TIDAK_DIKENAL = "tautan_tidak_dikenal"
    SUDAH_DIPAKAI = "tautan_sudah_dipakai"
    KEDALUWARSA = "tautan_kedaluwarsa"
    LANGKAH_SELESAI = "langkah_sudah_selesai"
    DIALIHKAN = "langkah_dialihkan"


PESAN_TAUTAN: dict[TautanMati, str] = {
    TautanMati.TIDAK_DIKENAL: "Tautan ini tidak dikenal. Periksa bahwa alamatnya tersalin "
                              "utuh dari surel.",
    TautanMati.SUDAH_DIPAKAI: "Tautan ini sudah dipakai untuk memberi keputusan; setiap "
                              "tautan hanya berlaku sekali.",
    TautanMati.KEDALUWARSA: "Masa berlaku tautan ini sudah habis. Keputusan masih dapat "
                            "diberikan dengan kode sekali pakai pada surel, atau setelah "
                            "masuk ke portal (menu Masuk).",
    TautanMati.LANGKAH_SELESAI: "Langkah ini sudah diputus (melalui tautan, kode keputusan "
                                "atau perintah lpa); tautan ini tidak berlaku lagi.",
    TautanMati.DIALIHKAN: "Langkah ini telah dialihkan kepada pemegang jabatan yang baru "
                          "sesuai roster; tautan ini tidak berlaku lagi.",
}


def tautan_mati(*, dikenal: bool, dipakai: bool, kedaluwarsa_pada: datetime | None,
                sekarang: datetime, langkah_selesai: bool, nip_tautan: str | None,
                nip_pemegang: str | None) -> TautanMati | None:
    """Why a decision link is dead now, or None when it may still decide its step.

    Checked in this order: unknown, step finished, used, step passed to someone else,
    expired (a decided step says so even to a link that was also used or expired)."""
    if not dikenal:
        return TautanMati.TIDAK_DIKENAL
    if langkah_selesai:
        return TautanMati.LANGKAH_SELESAI
    if dipakai:
        return TautanMati.SUDAH_DIPAKAI
    if nip_tautan != nip_pemegang:
        return TautanMati.DIALIHKAN
    if kedaluwarsa_pada is not None and sekarang >= kedaluwarsa_pada:
        return TautanMati.KEDALUWARSA
    return None


def catatan_wajib(keputusan: str, catatan: str) -> str | None:
    """The message beside the note when a refusal or a return carries none, else None."""
    if keputusan in ("tolak", "kembalikan") and not (catatan or "").strip():
        return "Catatan wajib diisi bila menolak atau mengembalikan permohonan."
    return None
