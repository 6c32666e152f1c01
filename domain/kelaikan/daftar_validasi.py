"""The validasi_data checks of the feasibility test: server-side validation of what forms and
parameters accept (constraints, length, type, redirects, uploads). One
:class:`domain.kelaikan.cek.Cek` each, in report order; :mod:`domain.kelaikan.registri`
collects them.
"""

from __future__ import annotations

from domain.kelaikan import pengalihan, unggah, validasi
from domain.kelaikan.cek import Cek

CEK_VALIDASI: tuple[Cek, ...] = (
    Cek(
        "validasi_data.batasan_form", "Validasi formulir hanya di sisi klien",
        "sedang", "WSTG-BUSL-01", "CWE-602",
        "Menjelajah situs secara terbatas (asal yang sama, kedalaman 2, paling banyak 8 "
        "halaman) dan mengirim langsung formulir POST yang ditemukan dengan satu batasan HTML "
        "dilanggar per kiriman: isian wajib (required) dikosongkan, melebihi maxlength, tidak "
        "cocok dengan pattern, atau tidak sesuai type (email/number/url/date); temuan bila "
        "server menerimanya. Nilai uji ditandai UJI-KELAIKAN-LPA.",
        "Ulangi semua aturan validasi (wajib, panjang, pola, tipe) di sisi server dan tolak "
        "masukan yang tidak sah dengan pesan yang jelas; validasi HTML hanya membantu pengguna.",
        amatan="kiriman_validasi", nilai=validasi.nilai_batasan_form,
    ),
    Cek(
        "validasi_data.masukan_panjang", "Masukan sangat panjang diterima tanpa batas",
        "rendah", "WSTG-BUSL-01", "CWE-20",
        "Mengirim formulir POST dengan satu isian teks berisi 10.000 karakter (bertanda "
        "UJI-KELAIKAN-LPA); temuan bila server menerimanya.",
        "Tetapkan panjang maksimum setiap isian di sisi server (dan di skema basis data) serta "
        "batas ukuran body permintaan di web server.",
        amatan="kiriman_validasi", nilai=validasi.nilai_masukan_panjang,
    ),
    Cek(
        "validasi_data.tipe_dimanipulasi",
        "Manipulasi tipe masukan menyebabkan error server atau error basis data",
        "sedang", "WSTG-BUSL-01", "CWE-1287",
        "Pada parameter GET dan formulir POST yang ditemukan: angka diganti teks, nilai "
        "tunggal diganti larik (param[]=), pilihan di luar daftar; temuan bila jawaban 5xx, "
        "memuat pesan error basis data, atau memuat error runtime (fatal error, exception, "
        "stack trace) pada status apa pun, padahal nilai aslinya dijawab normal.",
        "Validasi tipe dan format setiap parameter di sisi server sebelum dipakai (mis. cast "
        "ke integer, aturan validasi framework) dan tangani error dengan jawaban 400/404 "
        "yang umum.",
        amatan="kiriman_validasi", nilai=validasi.nilai_tipe_dimanipulasi,
    ),
    Cek(
        "validasi_data.pengalihan_terbuka", "Parameter pengalihan terbuka (open redirect)",
        "sedang", "WSTG-CLNT-04", "CWE-601",
        "Pada parameter yang tampak sebagai tujuan pengalihan (next, url, redirect, kembali, "
        "...) dikirim alamat di luar cakupan (domain .invalid) dalam tiga bentuk: URL absolut, "
        "`//host` dan `/\\host` (dibaca browser sebagai `//host`); hanya header Location "
        "yang diperiksa (seperti browser membacanya), pengalihan itu tidak pernah diikuti.",
        "Izinkan hanya path relatif milik aplikasi atau daftar tujuan yang tetap; tolak URL "
        "absolut, `//host`, `/\\host` dan karakter kontrol pada parameter pengalihan.",
        amatan="uji_pengalihan", nilai=pengalihan.nilai_pengalihan_terbuka,
    ),
    Cek(
        "validasi_data.unggah_tanpa_batasan",
        "Formulir unggah berkas tanpa daftar jenis berkas yang diizinkan",
        "rendah", "WSTG-BUSL-08", "CWE-434",
        "Memeriksa formulir dengan isian berkas (input type=file) di halaman yang dijelajahi: "
        "temuan bila tidak ada atribut accept, accept berisi wildcard, atau mengizinkan "
        "ekstensi yang dapat dieksekusi (.php, .jsp, .html, .svg, ...). Tidak ada berkas yang "
        "diunggah; allow-list di sisi server tidak dapat dipastikan tanpa unggahan.",
        "Terapkan allow-list ekstensi dan tipe MIME di sisi server (dan atribut accept sebagai "
        "bantuan), periksa isi berkas, ganti nama berkas, dan simpan unggahan di luar document "
        "root tanpa izin eksekusi.",
        amatan="jelajah", nilai=unggah.nilai_unggah_tanpa_batasan,
    ),
)
