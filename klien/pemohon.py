"""What the portal does for a requester outside the web page: the tracking link mailed to
both penanggung jawab, through the same channel (outbox or SMTP) as every other mail."""

from __future__ import annotations

from typing import Any

from settings import Settings


def isi_tautan_lacak(nomor: str, aplikasi: str, layanan: str, tautan: str) -> tuple[str, str]:
    """(subject, body) of the mail with the private tracking link."""
    subjek = f"[{nomor}] Permohonan diterima: {' '.join(aplikasi.split())}"
    isi = (
        "Yth. Penanggung jawab aplikasi,\n\n"
        f"Permohonan layanan {layanan} untuk aplikasi \"{' '.join(aplikasi.split())}\" telah "
        f"diterima dengan nomor tiket {nomor}.\n\n"
        "Ikuti perkembangannya melalui tautan pelacakan pribadi berikut:\n"
        f"{tautan}\n\n"
        "Tautan ini bersifat rahasia: siapa pun yang memegangnya dapat melihat perkembangan "
        "permohonan dan menjawab bila permohonan dikembalikan untuk dilengkapi. Jangan "
        "meneruskannya kepada pihak lain.\n\n"
        "--\n"
        "Surel ini dikirim otomatis oleh sistem layanan; mohon tidak membalas surel ini.\n"
    )
    return subjek, isi


def kirim_tautan_lacak(settings: Settings, nomor: str, form: dict[str, Any], layanan: str,
                       tautan: str) -> list[str]:
    """Mail the tracking link to both penanggung jawab of ``form``; their addresses."""
    from tasks.notifikasi import Pesan, saluran_dari_pengaturan

    kepada = []
    for kunci in ("penanggung_jawab_struktural", "penanggung_jawab_teknis"):
        alamat = (form.get(kunci) or {}).get("email")
        if alamat and alamat not in kepada:
            kepada.append(alamat)
    if not kepada:
        return []
    subjek, isi = isi_tautan_lacak(nomor, str(form.get("nama_aplikasi") or ""), layanan, tautan)
    saluran_dari_pengaturan(settings).kirim(
        Pesan(kepada=tuple(kepada), subjek=subjek, isi=isi, jenis="tautan_lacak", tiket=nomor))
    return kepada
