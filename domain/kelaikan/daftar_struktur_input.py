"""The checks of three feasibility-test categories, declared once: struktur, validasi_data,
input_error (:class:`domain.kelaikan.cek.Cek`; :mod:`domain.kelaikan.registri` collects them).

One declaration per check, in the order the report lists them: id, title, severity, WSTG
v4.2, CWE, what the check does, recommendation (Bahasa Indonesia: they reach the agency
unchanged), then the observation it starts from. Most of these checks are active probes (their
tasks, named after the check id, are in ``tasks/kelaikan/``); the debug and error-page checks
judge one recorded observation (:mod:`domain.kelaikan.pancingan`). Where a check may report a
severity other than its default, the description says when.
"""

from __future__ import annotations

from domain.kelaikan import pancingan
from domain.kelaikan.cek import Cek

# (id, title, severity, WSTG v4.2, CWE, what the check does, recommendation, observation)
CEK_STRUKTUR_INPUT: tuple[Cek, ...] = (
    # --- struktur -----------------------------------------------------------------------
    Cek(
        "struktur.vcs_terbuka", "Folder version control (.git/.svn/.hg) dapat diunduh",
        "tinggi", "WSTG-CONF-04", "CWE-527",
        "Meminta /.git/HEAD, /.svn/wc.db dan /.hg/requires lalu mengenali isinya; dibandingkan "
        "dahulu dengan jawaban untuk path acak (soft 404).",
        "Hapus folder .git/.svn/.hg dari direktori web atau tolak aksesnya di web server "
        "(mis. `location ~ /\\.(git|svn|hg) { deny all; }`), lalu anggap semua rahasia yang "
        "pernah di-commit telah bocor dan ganti.",
        amatan="dasar_struktur",
    ),
    Cek(
        "struktur.env_terbuka", "Berkas konfigurasi (.env dan sejenisnya) berisi rahasia dapat "
        "diunduh",
        "tinggi", "WSTG-CONF-04", "CWE-538",
        "Meminta /.env dan variannya (.env.local, .env.production, .env.bak, ...), "
        "config.json, appsettings.json, config.yml dan .htpasswd; temuan bila isinya berupa "
        "konfigurasi dengan kunci yang tampak rahasia (PASSWORD, SECRET, KEY, TOKEN, string "
        "koneksi) yang berisi nilai, atau hash kata sandi. Nilai tidak pernah disimpan.",
        "Letakkan berkas konfigurasi di luar document root atau tolak aksesnya di web server; "
        "ganti semua kata sandi dan kunci yang tercantum di dalamnya.",
        amatan="dasar_struktur",
    ),
    Cek(
        "struktur.listing_direktori", "Directory listing aktif",
        "sedang", "WSTG-CONF-02", "CWE-548",
        "Meminta folder yang dirujuk halaman awal dan folder umum (/uploads/, /files/, ...) "
        "dan mengenali halaman daftar isi folder (Apache, nginx, IIS, Tomcat).",
        "Matikan directory listing (Apache: `Options -Indexes`; nginx: `autoindex off`) dan "
        "sediakan index kosong atau jawaban 403/404.",
        amatan="dasar_struktur",
    ),
    Cek(
        "struktur.berkas_cadangan", "Berkas cadangan, dump SQL atau arsip situs dapat diunduh",
        "tinggi", "WSTG-CONF-04", "CWE-530",
        "Meminta daftar terbatas berkas cadangan: varian .bak, ~, .old dan .swp dari skrip "
        "yang dirujuk halaman awal (atau index.php/config.php), backup.zip, backup.tar.gz, "
        "*.sql dan arsip yang dinamai menurut situs; temuan hanya bila isinya dikenali (arsip "
        "ZIP/gzip/tar/RAR/7z, dump SQL, kode sumber, swap vim) dan berbeda dari jawaban path "
        "acak. Yang disimpan: path, jenis dan ukuran; isi tidak disimpan.",
        "Hapus berkas cadangan, dump dan arsip dari document root; simpan cadangan di luar "
        "server web. Tolak akses ke ekstensi cadangan di web server (mis. `*.bak`, `*.sql`, "
        "`*~`, `*.swp`) dan ganti rahasia yang ikut terbawa di dalamnya.",
        amatan="dasar_struktur",
    ),
    Cek(
        "struktur.halaman_diagnostik", "Halaman phpinfo() atau halaman uji tertinggal di server",
        "sedang", "WSTG-CONF-02", "CWE-497",
        "Meminta phpinfo.php, info.php, test.php, i.php dan php_info.php; temuan bila isinya "
        "keluaran phpinfo() atau halaman uji bawaan web server. Yang disimpan: path dan versi "
        "PHP yang tampil.",
        "Hapus berkas phpinfo/uji dari server produksi; gunakan halaman diagnostik hanya di "
        "lingkungan pengembangan.",
        amatan="dasar_struktur",
    ),
    Cek(
        "struktur.panel_admin", "Panel administrasi server atau basis data dapat diakses publik",
        "sedang", "WSTG-CONF-05", "CWE-668",
        "Meminta /phpmyadmin/, /pma/, /adminer.php, /adminer/, /server-status, /server-info "
        "dan /manager/html; temuan bila halaman phpMyAdmin, Adminer, status/info Apache atau "
        "Tomcat Manager dikenali. Tidak ada login yang dicoba.",
        "Hapus panel yang tidak diperlukan; batasi yang tersisa ke alamat IP admin/VPN "
        "(mis. `Require ip 10.0.0.0/8`) dan lindungi dengan otentikasi yang kuat.",
        amatan="dasar_struktur",
    ),
    Cek(
        "struktur.manifest_dependensi", "Berkas manifest dependensi dapat diunduh",
        "rendah", "WSTG-CONF-04", "CWE-538",
        "Meminta composer.json/lock, package.json, package-lock.json, yarn.lock, "
        "requirements.txt, Gemfile.lock dan pom.xml; temuan bila isinya manifest yang sah. "
        "Yang disimpan: jumlah paket dan contoh nama/versi.",
        "Jangan letakkan manifest dependensi di document root (arahkan document root ke folder "
        "public/) atau tolak aksesnya di web server; perbarui paket yang versinya rentan.",
        amatan="dasar_struktur",
    ),
    Cek(
        "struktur.robots_tersembunyi", "robots.txt atau sitemap menunjuk path sensitif",
        "rendah", "WSTG-INFO-03", "CWE-200",
        "Membaca /robots.txt dan /sitemap.xml; path yang tidak ditautkan halaman awal dan "
        "namanya sensitif (admin, backup, config, dev, test, ...) diminta (paling banyak lima); "
        "temuan bila path itu ada (200/401/403 dan bukan soft 404).",
        "Jangan mendaftarkan path rahasia di robots.txt atau sitemap: lindungi path itu "
        "dengan otentikasi atau hapus, karena robots.txt dibaca siapa saja.",
        amatan="dasar_struktur",
    ),
    # --- validasi_data ------------------------------------------------------------------
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
        amatan="jelajah",
    ),
    Cek(
        "validasi_data.masukan_panjang", "Masukan sangat panjang diterima tanpa batas",
        "rendah", "WSTG-BUSL-01", "CWE-20",
        "Mengirim formulir POST dengan satu isian teks berisi 10.000 karakter (bertanda "
        "UJI-KELAIKAN-LPA); temuan bila server menerimanya.",
        "Tetapkan panjang maksimum setiap isian di sisi server (dan di skema basis data) serta "
        "batas ukuran body permintaan di web server.",
        amatan="jelajah",
    ),
    Cek(
        "validasi_data.tipe_dimanipulasi",
        "Manipulasi tipe masukan menyebabkan error server atau error basis data",
        "sedang", "WSTG-BUSL-01", "CWE-1287",
        "Pada parameter GET dan formulir POST yang ditemukan: angka diganti teks, nilai "
        "tunggal diganti larik (param[]=), pilihan di luar daftar; temuan bila jawaban 5xx "
        "atau memuat pesan error basis data padahal nilai aslinya dijawab normal.",
        "Validasi tipe dan format setiap parameter di sisi server sebelum dipakai (mis. cast "
        "ke integer, aturan validasi framework) dan tangani error dengan jawaban 400/404 "
        "yang umum.",
        amatan="jelajah",
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
        amatan="jelajah",
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
        amatan="jelajah",
    ),
    # --- input_error --------------------------------------------------------------------
    Cek(
        "input_error.refleksi_canary", "Masukan dipantulkan tanpa encoding (reflected XSS)",
        "tinggi", "WSTG-INPV-01", "CWE-79",
        "Mengirim penanda unik yang tidak berbahaya (<lpa...>) lewat parameter tautan dan "
        "formulir GET di halaman yang dijelajahi (paling banyak enam); temuan bila penanda "
        "muncul kembali tanpa di-encode.",
        "Encode setiap keluaran sesuai konteks HTML (mis. `htmlspecialchars`, auto-escaping "
        "template) dan pasang Content-Security-Policy.",
        amatan="jelajah",
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
        amatan="jelajah",
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
        amatan="jelajah",
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
        amatan="jelajah",
    ),
    Cek(
        "input_error.evaluasi_templat", "Ekspresi templat dievaluasi server (template injection)",
        "tinggi", "WSTG-INPV-18", "CWE-1336",
        "Mengirim ekspresi perkalian dua bilangan acak dalam sintaks templat umum ({{a*b}}, "
        "${a*b}, <%= a*b %>, #{a*b}) di antara penanda unik; temuan bila hasil perkaliannya "
        "muncul di antara penanda itu.",
        "Jangan pernah menyusun templat dari masukan pengguna; kirim masukan sebagai variabel "
        "templat dan aktifkan sandbox/auto-escaping mesin templat.",
        amatan="jelajah",
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
        amatan="jelajah",
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
        amatan="jelajah",
    ),
)
