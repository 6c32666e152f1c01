"""What the portal does for a requester outside the web page: the tracking link mailed to
both penanggung jawab, through the same channel (outbox or SMTP) as every other mail."""

from __future__ import annotations

from domain.forms import PermohonanTersimpan, alamat_penanggung_jawab
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


def kirim_tautan_lacak(settings: Settings, nomor: str, form: PermohonanTersimpan,
                       layanan: str, tautan: str) -> list[str]:
    """Mail the tracking link to both penanggung jawab of the ticket's typed ``form``
    (``domain.forms.baca_formulir``); their addresses."""
    from tasks.notifikasi import Pesan, saluran_dari_pengaturan

    kepada = list(alamat_penanggung_jawab(form))
    if not kepada:
        return []
    subjek, isi = isi_tautan_lacak(nomor, form.nama_aplikasi, layanan, tautan)
    saluran_dari_pengaturan(settings).kirim(
        Pesan(kepada=tuple(kepada), subjek=subjek, isi=isi, jenis="tautan_lacak", tiket=nomor))
    return kepada


def lengkapi_dari_lacak(settings: Settings, nomor: str, step_id: int, catatan: str,
                        wait: float = 90) -> str:
    """Answer a return as the holder of the ticket's tracking link: a one-time portal
    authorisation for the waiting ``kelengkapan`` step (bound to ticket, step and the NIP
    the step waits for) stands in for NIP and code; the run checks it as it checks a code
    (tasks/keputusan.py). The answer, for the requester."""
    from datetime import UTC, datetime, timedelta

    from klien.operasi import GagalOperasi, lengkapi
    from store import db
    from store import portal_pejabat as pj
    from store.models import StepRecord

    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, step_id)
        if step is None or step.finished_at is not None or not step.assignee_nip:
            raise GagalOperasi("permohonan tidak sedang menunggu kelengkapan", 1)
        nip = step.assignee_nip
        kode = pj.buat_otorisasi(session, step.ticket_id, step_id, nip, "lacak",
                                 timedelta(minutes=10), datetime.now(UTC))
    return lengkapi(settings, nomor, nip, kode, catatan, wait)
