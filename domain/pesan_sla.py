"""The SLA watch's early warning (50 % and 75 % of a step's mutu baku), in formal Indonesian.

The 100 % escalation is ``domain.pesan.pesan_eskalasi``: one text for a breach, whoever
detects it.
"""

from __future__ import annotations

from datetime import datetime

from domain.pesan import format_waktu_wib


def pesan_peringatan_sla(
    *,
    nomor_tiket: str,
    nama_aplikasi: str,
    instansi: str,
    langkah: str,
    nama: str,
    ambang: int,
    jatuh_tempo: datetime,
    ada_atasan: bool = True,
) -> tuple[str, str]:
    """To the step's actor: ``ambang`` percent of the budget is used, due at ``jatuh_tempo``.

    ``ada_atasan`` False: the post has no superior (the Kepala Dinas), so no escalation to
    one is announced.
    """
    nama_aplikasi = " ".join(nama_aplikasi.split())
    eskalasi = ("terlampaui, sistem menyampaikan eskalasi kepada atasan langsung." if ada_atasan
                else "terlampaui, sistem mencatat pelanggaran mutu baku.")
    subjek = (f"[{nomor_tiket}] Pengingat: {ambang}% waktu mutu baku terpakai - "
              f"{nama_aplikasi}")
    isi = f"""Yth. Bapak/Ibu {" ".join(nama.split())}

Dengan hormat,

Kami ingatkan bahwa {ambang}% dari waktu mutu baku langkah berikut telah terpakai
dan langkah tersebut belum diselesaikan:

  Nomor tiket      : {nomor_tiket}
  Instansi pemohon : {" ".join(instansi.split())}
  Nama aplikasi    : {nama_aplikasi}
  Langkah          : {" ".join(langkah.split())}
  Batas waktu      : {format_waktu_wib(jatuh_tempo)}

Mohon langkah ini diselesaikan sebelum batas waktu. Waktu dihitung dalam jam layanan
(08.00-16.00 WIB pada hari kerja) sesuai SOP SC-04/EGOTIK/2023. Apabila batas waktu
{eskalasi}

Hormat kami,
Layanan Pembangunan Aplikasi
Dinas Komunikasi dan Informatika Provinsi Kepulauan Bangka Belitung

--
Surel ini dikirim otomatis oleh sistem layanan; mohon tidak membalas surel ini.
"""
    return subjek, isi
