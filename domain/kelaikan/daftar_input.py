"""The input_error checks of the feasibility test: what input and errors give away (reflection,
SQL errors, injection proofs, templates, headers, debug and error pages, secrets in
comments). One :class:`domain.kelaikan.cek.Cek` each, in report order;
:mod:`domain.kelaikan.registri` collects them.
"""

from __future__ import annotations

from domain.kelaikan import nilai_masukan, pancingan, rahasia
from domain.kelaikan.cek import Cek

CEK_INPUT: tuple[Cek, ...] = (
    Cek(
        "input_error.refleksi_canary", "Masukan dipantulkan tanpa encoding (reflected XSS)",
        "tinggi", "WSTG-INPV-01", "CWE-79",
        "Mengirim penanda unik yang tidak berbahaya (<lpa...>) lewat parameter tautan dan "
        "formulir GET di halaman yang dijelajahi (paling banyak enam); temuan bila penanda "
        "muncul kembali tanpa di-encode di luar komentar HTML (di teks, atribut atau skrip).",
        "Encode setiap keluaran sesuai konteks HTML (mis. `htmlspecialchars`, auto-escaping "
        "template) dan pasang Content-Security-Policy.",
        amatan="pantulan", nilai=nilai_masukan.nilai_refleksi,
    ),
    Cek(
        "input_error.galat_sql", "Pesan error SQL muncul setelah masukan tanda kutip",
        "tinggi", "WSTG-INPV-05", "CWE-89",
        "Menambahkan tanda kutip ('\") pada nilai parameter GET yang ditemukan (paling banyak "
        "lima); temuan bila jawaban memuat pesan error SQL (MySQL, PostgreSQL, SQL Server, "
        "Oracle, SQLite, PDO, ...) yang tidak ada pada jawaban untuk nilai aslinya. Tidak ada "
        "payload injeksi lain yang dikirim.",
        "Gunakan prepared statement/parameter binding (PDO, query builder/ORM) untuk setiap "
        "query, jangan menyusun SQL dari masukan, dan sembunyikan pesan error basis data.",
        amatan="kutip_sql", nilai=nilai_masukan.nilai_galat_sql,
    ),
    Cek(
        "input_error.injeksi_sql_angka",
        "Parameter angka dihitung sebagai ekspresi SQL (SQL injection)",
        "tinggi", "WSTG-INPV-05", "CWE-89",
        "Pada paling banyak tiga parameter GET bernilai angka (v) hasil penjelajahan: meminta "
        "v, v+1 dan ekspresi (v+1)-1; temuan bila ekspresi itu menampilkan isi yang sama "
        "dengan v (bukan v+1) sementara v dan v+1 berbeda, artinya basis data menghitung "
        "masukan sebagai bagian query. Hanya permintaan baca; tidak ada payload lain.",
        "Gunakan prepared statement/parameter binding dan ubah parameter ke tipe angka "
        "sebelum dipakai (cast/validasi), tolak nilai yang bukan angka.",
        amatan="aritmetika", nilai=nilai_masukan.nilai_sql_angka,
    ),
    Cek(
        "input_error.traversal_path", "Parameter berkas dapat membaca berkas sistem (path "
        "traversal)",
        "tinggi", "WSTG-ATHZ-01", "CWE-22",
        "Pada paling banyak tiga parameter GET yang menamai berkas (berkas, file, page, lang, "
        "template, ... atau bernilai nama berkas) dikirim ../../etc/passwd dalam empat ejaan "
        "(biasa, ....//, ter-encode, gaya Windows ke win.ini); temuan bila isi berkas sistem "
        "itu tampil. Bukti: satu baris berkas tersebut. Hanya permintaan baca.",
        "Jangan membuka berkas dari nama yang diberikan pengguna: gunakan daftar berkas yang "
        "diizinkan atau ID, normalkan path dan pastikan tetap di dalam folder yang ditentukan, "
        "dan jalankan aplikasi dengan hak akses minimal.",
        amatan="traversal", nilai=nilai_masukan.nilai_traversal,
    ),
    Cek(
        "input_error.evaluasi_templat", "Ekspresi templat dievaluasi server (template injection)",
        "tinggi", "WSTG-INPV-18", "CWE-1336",
        "Mengirim ekspresi perkalian dua bilangan acak dalam sintaks templat umum ({{a*b}}, "
        "${a*b}, <%= a*b %>, #{a*b}) di antara penanda unik; temuan bila hasil perkaliannya "
        "muncul di antara penanda itu.",
        "Jangan pernah menyusun templat dari masukan pengguna; kirim masukan sebagai variabel "
        "templat dan aktifkan sandbox/auto-escaping mesin templat.",
        amatan="templat", nilai=nilai_masukan.nilai_evaluasi_templat,
    ),
    Cek(
        "input_error.injeksi_header",
        "Masukan dapat menyisipkan header HTTP (CRLF / response header injection)",
        "sedang", "WSTG-INPV-15", "CWE-113",
        "Pada parameter tautan dan formulir GET di halaman yang dijelajahi (parameter "
        "pengalihan seperti kembali/next/url lebih dahulu; paling banyak enam) dikirim nilai "
        "aslinya diikuti CR/LF ter-encode (%0D%0A) dan sebuah header penanda yang tidak "
        "berbahaya (X-Lpa-Uji-<acak>); header jawaban dibaca mentah, pengalihan tidak "
        "diikuti. Temuan hanya bila header penanda itu muncul sebagai header tersendiri.",
        "Jangan pernah menyalin masukan ke header jawaban (Location, Set-Cookie, dll.) tanpa "
        "validasi: tolak atau buang karakter CR (\\r) dan LF (\\n), gunakan fungsi redirect "
        "dan cookie dari framework, dan perbarui web server/framework yang tidak menolak "
        "CR/LF di header.",
        amatan="crlf", nilai=nilai_masukan.nilai_injeksi_header,
    ),
    Cek(
        "input_error.mode_debug", "Mode debug framework aktif",
        "sedang", "WSTG-ERRH-01", "CWE-489",
        "Memancing halaman galat seperti penguji: path acak, titik debug umum "
        "(/_ignition/health-check, /console, /_profiler/, /telescope), dan untuk paling banyak "
        "dua parameter GET hasil penjelajahan: parameter sebagai larik, tanda kutip setelah "
        "nilai angka, dan encoding rusak; lalu mengenali halaman debug Django (DEBUG = True), "
        "debugger Werkzeug, Laravel Ignition/Whoops, Symfony, Spring Boot (stack trace), "
        "ASP.NET (customErrors Off), Express (development), Rails, CodeIgniter, Laravel "
        "Telescope dan phpinfo(). Severity tinggi bila konsol yang dapat menjalankan kode "
        "(Werkzeug console, Ignition can_execute_commands) terbuka.",
        "Matikan mode debug di produksi (APP_DEBUG=false, DEBUG=False, "
        "ENVIRONMENT=production, FLASK_DEBUG=0, NODE_ENV=production, customErrors On, "
        "server.error.include-stacktrace=never), hapus paket debug dari dependensi produksi, "
        "dan tolak akses ke path debug di web server.",
        amatan="galat", nilai=pancingan.nilai_mode_debug,
    ),
    Cek(
        "input_error.jejak_galat", "Pesan error menampilkan stack trace, path atau versi",
        "sedang", "WSTG-ERRH-02", "CWE-209",
        "Membaca jawaban atas pancingan yang sama (path acak, parameter larik, tanda kutip pada "
        "parameter angka, encoding rusak) untuk stack trace (Python, PHP, Java, .NET, Node.js, "
        "Ruby), pesan error PHP, path server, kueri SQL yang ikut tampil pada error basis data, "
        "dan versi perangkat lunak. Severity rendah bila yang tampak hanya versi.",
        "Tampilkan halaman error umum tanpa detail (display_errors=Off, customErrors, "
        "ErrorDocument), catat detail error hanya di log server, dan sembunyikan versi "
        "(ServerSignature Off).",
        amatan="galat", nilai=pancingan.nilai_jejak_galat,
    ),
    Cek(
        "input_error.komentar_rahasia", "Komentar HTML atau skrip memuat rahasia",
        "sedang", "WSTG-INFO-05", "CWE-615",
        "Memeriksa komentar HTML dan skrip (skrip di halaman dan paling banyak tiga berkas "
        "skrip milik aplikasi) di halaman yang dijelajahi untuk kata sandi, kredensial dan "
        "pasangan akun/sandi dalam bahasa Indonesia maupun Inggris (sandi, kata sandi, akun, "
        "kredensial, user/pass, password, secret), kunci API, kunci privat dan string koneksi "
        "berisi kredensial. Di kode skrip hanya nilai literal yang dihitung; token CSRF dan "
        "kunci publik tidak. Yang disimpan: halaman dan jenis rahasia; nilainya disensor.",
        "Hapus komentar dan kode yang memuat catatan internal atau kredensial dari templat dan "
        "berkas skrip (gunakan komentar sisi server, simpan rahasia di server), lalu ganti "
        "kredensial yang telanjur terbit.",
        amatan="skrip", nilai=rahasia.nilai_komentar_rahasia,
    ),
)
