"""The mail people receive from the service desk, as (subject, body) in formal Indonesian.

Pure text building only: the channels in ``tasks.notifikasi`` do the sending. Each mail
says which ticket it is about and exactly how to act on it, so nobody needs another
document to respond.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")
"""Western Indonesia Time, UTC+7 without daylight saving (Bangka Belitung's zone)."""

_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)

_PENUTUP = (
    "Demikian kami sampaikan. Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan "
    "terima kasih.\n"
    "\n"
    "Hormat kami,\n"
    "Layanan Pembangunan Aplikasi\n"
    "Bidang e-Government dan Statistik\n"
    "Dinas Komunikasi dan Informatika Provinsi Kepulauan Bangka Belitung\n"
    "\n"
    "--\n"
    "Surel ini dikirim otomatis oleh sistem layanan; mohon tidak membalas surel ini."
)


def format_waktu_wib(dt: datetime) -> str:
    """"Senin, 30 November 2026 pukul 09.30 WIB", independent of the machine's locale.

    An aware time is converted to WIB; a naive one is taken to be WIB already.
    """
    if dt.tzinfo is not None:
        dt = dt.astimezone(WIB)
    return (
        f"{_HARI[dt.weekday()]}, {dt.day} {_BULAN[dt.month - 1]} {dt.year} "
        f"pukul {dt.hour:02d}.{dt.minute:02d} WIB"
    )


def _satu_baris(teks: str) -> str:
    """Form input may hold line breaks; a subject or table cell must not."""
    return " ".join(str(teks).split())


def _rincian(baris: list[tuple[str, str]]) -> str:
    lebar = max(len(label) for label, _ in baris)
    return "\n".join(f"  {label.ljust(lebar)} : {_satu_baris(nilai)}" for label, nilai in baris)


def _kutip(teks: str) -> str:
    """An official's note, indented as a quotation, its own line breaks kept."""
    baris = teks.strip().splitlines() or ["(tanpa catatan)"]
    return "\n".join(f"  | {b}".rstrip() for b in baris)


def _perintah_decide(nomor_tiket: str, nip: str, kode: str) -> str:
    """The exact ``lpa decide`` line, so it can be copied from the mail."""
    return (
        f"lpa decide {nomor_tiket} --nip {nip} --code {kode} "
        '--decision setuju|tolak|kembalikan [--note "..."]'
    )


def pesan_kode_keputusan(
    *,
    nomor_tiket: str,
    nama_aplikasi: str,
    instansi: str,
    langkah: str,
    nama: str,
    nip: str,
    kode: str,
    jatuh_tempo: datetime | None,
    tautan_ui: str | None,
) -> tuple[str, str]:
    """The mail that hands an official a waiting step: what, by when, and how to decide."""
    tempo = format_waktu_wib(jatuh_tempo) if jatuh_tempo else "tidak ditentukan"
    subjek = (
        f"[{nomor_tiket}] Mohon keputusan: {_satu_baris(nama_aplikasi)} "
        f"({_satu_baris(instansi)})"
    )
    if tautan_ui:
        cara_ui = (
            f"1. Melalui Prefect UI: buka tautan berikut, pilih \"Resume\", lalu isi\n"
            f"   keputusan, catatan, NIP dan kode di atas.\n"
            f"   {tautan_ui}"
        )
    else:
        cara_ui = (
            f"1. Melalui Prefect UI: buka alur tiket {nomor_tiket} yang berstatus\n"
            f"   \"Suspended\", pilih \"Resume\", lalu isi keputusan, catatan, NIP dan kode\n"
            f"   di atas."
        )
    isi = f"""Yth. Bapak/Ibu {_satu_baris(nama)}
NIP {nip}

Dengan hormat,

Bersama ini kami sampaikan bahwa permohonan layanan berikut menunggu keputusan
Bapak/Ibu:

{_rincian([
    ("Nomor tiket", nomor_tiket),
    ("Instansi pemohon", instansi),
    ("Nama aplikasi", nama_aplikasi),
    ("Langkah", langkah),
    ("Batas waktu", tempo),
])}

Kode keputusan sekali pakai: {kode}

Kode ini hanya berlaku untuk langkah di atas dan hanya bersama NIP Bapak/Ibu.
Mohon tidak meneruskan kode ini kepada pihak lain.

Keputusan dapat diberikan dengan salah satu cara berikut:

{cara_ui}

2. Melalui perintah lpa:
   {_perintah_decide(nomor_tiket, nip, kode)}

Pilihan keputusan:
  - setuju     : permohonan diteruskan ke langkah berikutnya;
  - tolak      : permohonan diakhiri (catatan wajib diisi);
  - kembalikan : permohonan dikembalikan kepada pemohon untuk dilengkapi
                 (catatan wajib diisi; waktu layanan berhenti selama dilengkapi).

Batas waktu mengikuti mutu baku SOP SC-04/EGOTIK/2023 dan dihitung dalam jam layanan.
Apabila batas waktu terlampaui, sistem menyampaikan eskalasi kepada atasan langsung.

{_PENUTUP}
"""
    return subjek, isi


def pesan_eskalasi(
    *,
    nomor_tiket: str,
    nama_aplikasi: str,
    instansi: str,
    langkah: str,
    nama: str,
    jatuh_tempo: datetime,
    nama_atasan: str | None = None,
    tautan_ui: str | None = None,
) -> tuple[str, str]:
    """A step passed its due time: to the actor, with the superior in copy."""
    subjek = (
        f"[{nomor_tiket}] Eskalasi: batas waktu terlampaui - {_satu_baris(nama_aplikasi)}"
    )
    tembusan = (
        f"Surel ini ditembuskan kepada atasan langsung, Bapak/Ibu {_satu_baris(nama_atasan)},\n"
        "sesuai ketentuan eskalasi SOP."
        if nama_atasan
        else "Surel ini ditembuskan kepada atasan langsung sesuai ketentuan eskalasi SOP."
    )
    tautan = f"\nTautan alur pada Prefect UI:\n  {tautan_ui}\n" if tautan_ui else ""
    isi = f"""Yth. Bapak/Ibu {_satu_baris(nama)}

Dengan hormat,

Kami sampaikan bahwa langkah berikut telah melewati batas waktu mutu baku dan
belum mendapat keputusan:

{_rincian([
    ("Nomor tiket", nomor_tiket),
    ("Instansi pemohon", instansi),
    ("Nama aplikasi", nama_aplikasi),
    ("Langkah", langkah),
    ("Batas waktu", format_waktu_wib(jatuh_tempo)),
])}

Mohon Bapak/Ibu segera memberikan keputusan dengan kode sekali pakai yang telah
dikirim sebelumnya, melalui Prefect UI atau perintah:

   {_perintah_decide(nomor_tiket, "<NIP>", "<KODE>")}
{tautan}
{tembusan}

{_PENUTUP}
"""
    return subjek, isi


def pesan_dikembalikan(
    *,
    nomor_tiket: str,
    nama_aplikasi: str,
    instansi: str,
    catatan: str,
    nip: str,
    kode: str,
    tautan_ui: str | None = None,
    pejabat: str | None = None,
) -> tuple[str, str]:
    """To the requester's two penanggung jawab: complete the request, then resubmit."""
    subjek = (
        f"[{nomor_tiket}] Permohonan dikembalikan untuk dilengkapi - "
        f"{_satu_baris(nama_aplikasi)}"
    )
    oleh = f" oleh {_satu_baris(pejabat)}" if pejabat else ""
    tautan = (
        f"\nAtau melalui Prefect UI (pilih \"Resume\", isi catatan, NIP dan kode):\n"
        f"   {tautan_ui}\n"
        if tautan_ui else ""
    )
    isi = f"""Yth. Penanggung Jawab Struktural dan Penanggung Jawab Teknis
{_satu_baris(instansi)}

Dengan hormat,

Permohonan layanan berikut dikembalikan{oleh} untuk dilengkapi:

{_rincian([
    ("Nomor tiket", nomor_tiket),
    ("Instansi pemohon", instansi),
    ("Nama aplikasi", nama_aplikasi),
])}

Catatan pengembalian:
{_kutip(catatan)}

Selama permohonan dilengkapi, penghitungan waktu layanan dihentikan. Setelah
kelengkapan dipenuhi, mohon sampaikan dengan NIP pemohon pada formulir
({nip}) dan kode sekali pakai berikut:

Kode kelengkapan: {kode}

Perintah:
   lpa lengkapi {nomor_tiket} --nip {nip} --code {kode} [--note "..."]
{tautan}
Mohon tidak meneruskan kode ini kepada pihak lain.

{_PENUTUP}
"""
    return subjek, isi


def pesan_langkah_dikunci(
    *,
    nomor_tiket: str,
    nama_aplikasi: str,
    instansi: str,
    langkah: str,
    nama: str,
    percobaan: int,
    sampai: datetime,
    nama_atasan: str | None = None,
) -> tuple[str, str]:
    """Too many wrong attempts on a step: to the assignee, with the superior in copy."""
    subjek = (
        f"[{nomor_tiket}] Peringatan keamanan: langkah dikunci sementara - "
        f"{_satu_baris(nama_aplikasi)}"
    )
    tembusan = (
        f"Surel ini ditembuskan kepada atasan langsung, Bapak/Ibu {_satu_baris(nama_atasan)}."
        if nama_atasan else ""
    )
    isi = f"""Yth. Bapak/Ibu {_satu_baris(nama)}

Dengan hormat,

Kami sampaikan bahwa keputusan atas langkah berikut telah dicoba {percobaan} kali
berturut-turut dengan NIP atau kode keputusan yang salah:

{_rincian([
    ("Nomor tiket", nomor_tiket),
    ("Instansi pemohon", instansi),
    ("Nama aplikasi", nama_aplikasi),
    ("Langkah", langkah),
    ("Dikunci sampai", format_waktu_wib(sampai)),
])}

Demi keamanan, langkah tersebut dikunci sampai waktu di atas: selama terkunci, setiap
keputusan ditolak, juga yang memakai kode yang benar. Setelah itu kode keputusan yang
telah dikirim kepada Bapak/Ibu tetap berlaku.

Apabila percobaan tersebut bukan dilakukan oleh Bapak/Ibu, kemungkinan ada pihak lain
yang mencoba memutus atas nama Bapak/Ibu: mohon jangan meneruskan kode keputusan kepada
siapa pun dan laporkan kepada operator layanan.
{tembusan}

{_PENUTUP}
"""
    return subjek, isi
