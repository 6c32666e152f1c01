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
    sebutan: str | None = None,
    dialihkan_dari: str | None = None,
    ada_atasan: bool = True,
    tautan_keputusan: str | None = None,
) -> tuple[str, str]:
    """The mail that hands an official a waiting step: what, by when, and how to decide.

    ``tautan_keputusan`` is the official's personal one-time link to the portal's decision
    page (the first way offered); the code and ``lpa decide`` keep working beside it.

    ``sebutan`` is the post as named in letters ("Plh. Kepala Bidang ..."); with
    ``dialihkan_dari`` (the official it was assigned to) the step passed to this official
    while it waited, because the roster changed. ``ada_atasan`` False: the post has no
    superior to escalate to (the Kepala Dinas).
    """
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
    jabatan = f"\n{_satu_baris(sebutan)}" if sebutan else ""
    portal = (
        f"""Cara termudah: buka tautan pribadi berikut, periksa permohonan beserta
lampirannya, lalu tekan Setuju, Tolak atau Kembalikan (tanpa kode):
   {tautan_keputusan}
Tautan ini hanya untuk Bapak/Ibu, berlaku sekali, dan tidak berlaku lagi bila langkah
sudah diputus dengan cara lain. Mohon tidak meneruskannya kepada pihak lain.

Atau dengan kode:
"""
        if tautan_keputusan else ""
    )
    alih = (
        f"""
Langkah ini semula ditugaskan kepada {_satu_baris(dialihkan_dari)}.
Menurut roster terkini jabatan tersebut kini dipegang oleh Bapak/Ibu, sehingga langkah
ini dialihkan kepada Bapak/Ibu; kode yang dikirim sebelumnya tidak berlaku lagi.
"""
        if dialihkan_dari else ""
    )
    eskalasi = (
        "Apabila batas waktu terlampaui, sistem menyampaikan eskalasi kepada atasan langsung."
        if ada_atasan else
        "Apabila batas waktu terlampaui, sistem mencatat pelanggaran mutu baku dan\n"
        "menyampaikan eskalasi kepada Bapak/Ibu."
    )
    isi = f"""Yth. Bapak/Ibu {_satu_baris(nama)}{jabatan}
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
{alih}
Kode keputusan sekali pakai: {kode}

Kode ini hanya berlaku untuk langkah di atas dan hanya bersama NIP Bapak/Ibu.
Mohon tidak meneruskan kode ini kepada pihak lain.

Keputusan dapat diberikan dengan salah satu cara berikut:

{portal}{cara_ui}

2. Melalui perintah lpa:
   {_perintah_decide(nomor_tiket, nip, kode)}

Pilihan keputusan:
  - setuju     : permohonan diteruskan ke langkah berikutnya;
  - tolak      : permohonan diakhiri (catatan wajib diisi);
  - kembalikan : permohonan dikembalikan kepada pemohon untuk dilengkapi
                 (catatan wajib diisi; waktu layanan berhenti selama dilengkapi).

Batas waktu mengikuti mutu baku SOP SC-04/EGOTIK/2023 dan dihitung dalam jam layanan.
{eskalasi}

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
    """A step passed its due time: to the actor, with the superior in copy.

    ``nama_atasan`` names the superior the copy was actually sent to; without one (the
    Kepala Dinas has no superior in the roster) the mail says nothing of a copy.
    """
    subjek = (
        f"[{nomor_tiket}] Eskalasi: batas waktu terlampaui - {_satu_baris(nama_aplikasi)}"
    )
    tembusan = (
        f"\nSurel ini ditembuskan kepada atasan langsung, Bapak/Ibu {_satu_baris(nama_atasan)},\n"
        "sesuai ketentuan eskalasi SOP.\n"
        if nama_atasan else ""
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
{tautan}{tembusan}
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
    langkah: str | None = None,
) -> tuple[str, str]:
    """To the requester's two penanggung jawab: complete the request, then resubmit.

    ``pejabat`` is who returned it ("Kepala Dinas Kominfo, Drs. …"), ``langkah`` the step
    at which it was returned; both shown when known.
    """
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
    ("Hasil", "dikembalikan untuk dilengkapi"),
    *([("Dikembalikan pada", langkah)] if langkah else []),
    *([("Dikembalikan oleh", pejabat)] if pejabat else []),
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


def pesan_langkah_dialihkan(
    *,
    nomor_tiket: str,
    nama_aplikasi: str,
    instansi: str,
    langkah: str,
    nama: str,
    kepada: str,
) -> tuple[str, str]:
    """To the official a waiting step was taken from (the roster changed): it passed to
    ``kepada``, and the code sent to them no longer works. Holds no code."""
    subjek = (
        f"[{nomor_tiket}] Langkah dialihkan: {_satu_baris(nama_aplikasi)} "
        f"({_satu_baris(instansi)})"
    )
    isi = f"""Yth. Bapak/Ibu {_satu_baris(nama)}

Dengan hormat,

Kami sampaikan bahwa langkah berikut, yang menunggu keputusan Bapak/Ibu, telah
dialihkan sesuai roster terkini kepada {_satu_baris(kepada)}:

{_rincian([
    ("Nomor tiket", nomor_tiket),
    ("Instansi pemohon", instansi),
    ("Nama aplikasi", nama_aplikasi),
    ("Langkah", langkah),
])}

Kode keputusan yang dikirim kepada Bapak/Ibu untuk langkah ini tidak berlaku lagi;
Bapak/Ibu tidak perlu melakukan apa pun. Apabila pengalihan ini tidak sesuai, mohon
hubungi operator layanan agar roster diperbaiki.

{_PENUTUP}
"""
    return subjek, isi


def pesan_hasil_layanan(
    *,
    nomor_tiket: str,
    nama_aplikasi: str,
    instansi: str,
    jenis_layanan: str,
    ditolak: bool,
    nomor_agenda: str,
    diarsipkan: datetime,
    verdict: str | None = None,
    diuji: bool = False,
    ditolak_pada: str | None = None,
    ditolak_oleh: str | None = None,
    catatan: str | None = None,
    lampiran: str | None = None,
) -> tuple[str, str]:
    """To the requester's two penanggung jawab when the ticket is archived: the outcome
    (finished, or refused with the official's note), the agenda number, and the report,
    attached as ``lampiran`` (a file name) when it could be. ``diuji``: the ticket had a
    feasibility test, whose ``verdict`` (LAYAK, ...) is None when it could not run."""
    if ditolak:
        subjek = f"[{nomor_tiket}] Permohonan ditolak - {_satu_baris(nama_aplikasi)}"
        hasil = "DITOLAK — permohonan ditolak"
        pembuka = "permohonan layanan berikut ditolak"
    else:
        subjek = f"[{nomor_tiket}] Layanan selesai - {_satu_baris(nama_aplikasi)}"
        if verdict:
            hasil = f"SELESAI — uji kelaikan: {verdict.replace('_', ' ')}"
        elif diuji:
            hasil = "SELESAI — uji kelaikan tidak dapat dijalankan (lihat laporan)"
        else:
            hasil = "SELESAI — permohonan disetujui dan ditindaklanjuti"
        pembuka = "permohonan layanan berikut telah selesai ditindaklanjuti"
    rincian = [
        ("Nomor tiket", nomor_tiket),
        ("Instansi pemohon", instansi),
        ("Nama aplikasi", nama_aplikasi),
        ("Jenis layanan", jenis_layanan),
        ("Hasil layanan", hasil),
    ]
    if ditolak and ditolak_pada:
        rincian.append(("Ditolak pada", ditolak_pada))
    if ditolak and ditolak_oleh:
        rincian.append(("Ditolak oleh", ditolak_oleh))
    rincian += [("Nomor agenda", nomor_agenda), ("Diarsipkan", format_waktu_wib(diarsipkan))]
    alasan = f"\nCatatan penolakan:\n{_kutip(catatan or '')}\n" if ditolak else ""
    if lampiran:
        laporan = (f"Laporan layanan terlampir ({lampiran}); laporan yang sama tersimpan\n"
                   f"sebagai arsip dengan nomor agenda {nomor_agenda}.")
    else:
        laporan = (f"Laporan layanan tersimpan sebagai arsip dengan nomor agenda "
                   f"{nomor_agenda};\nsalinannya dapat diminta kepada petugas layanan.")
    isi = f"""Yth. Penanggung Jawab Struktural dan Penanggung Jawab Teknis
{_satu_baris(instansi)}

Dengan hormat,

Bersama ini kami sampaikan bahwa {pembuka}:

{_rincian(rincian)}
{alasan}
{laporan}

{_PENUTUP}
"""
    return subjek, isi


def pesan_tautan_masuk(*, nama: str, sebutan: str, tautan: str,
                       berlaku_menit: int) -> tuple[str, str]:
    """The staff sign-in mail: a one-time link to the portal, no password anywhere."""
    subjek = "Tautan masuk portal layanan aplikasi"
    isi = f"""Yth. Bapak/Ibu {_satu_baris(nama)}
{_satu_baris(sebutan)}

Dengan hormat,

Seseorang (semoga Bapak/Ibu sendiri) meminta tautan untuk masuk ke portal layanan
pembangunan aplikasi. Untuk masuk, buka tautan berikut lalu tekan tombol "Masuk":

   {tautan}

Tautan ini berlaku {berlaku_menit} menit dan hanya sekali pakai. Bila Bapak/Ibu tidak
memintanya, abaikan surel ini: tanpa tautan tersebut tidak ada yang dapat masuk atas
nama Bapak/Ibu. Mohon tidak meneruskannya kepada pihak lain.

{_PENUTUP}
"""
    return subjek, isi
