"""The checks of three feasibility-test categories, declared once: otentikasi_sesi, dbms,
lain_lain (:class:`domain.kelaikan.cek.Cek`; :mod:`domain.kelaikan.registri` collects them).

One declaration per check, in the order the report lists them: id, title, severity, WSTG
v4.2, CWE, what the check does, recommendation (Bahasa Indonesia: they reach the agency
unchanged), then the observation it judges, what it needs from the request, and its pure
judge when it has one.
"""

from __future__ import annotations

from domain.kelaikan import dbms, lain, login_gagal, sesi
from domain.kelaikan.cek import Butuh, Cek

AKUN: frozenset[Butuh] = frozenset({"akun"})
DB: frozenset[Butuh] = frozenset({"db"})

# (id, title, severity, WSTG v4.2, CWE, what the check does, recommendation)
CEK_SESI_DBMS_LAIN: tuple[Cek, ...] = (
    # --- otentikasi_sesi ------------------------------------------------------------------
    Cek(
        "otentikasi_sesi.login_http", "Formulir login dikirim tanpa enkripsi (HTTP)",
        "tinggi", "WSTG-ATHN-01", "CWE-319",
        "Mencari formulir dengan kolom kata sandi di halaman awal dan halaman login; temuan "
        "bila halaman itu atau tujuan formulirnya memakai http://.",
        "Layani seluruh aplikasi hanya melalui HTTPS, alihkan HTTP ke HTTPS (301) dan aktifkan "
        "HSTS.",
        amatan="sesi", nilai=sesi.nilai_login_http,
    ),
    Cek(
        "otentikasi_sesi.tanpa_https", "Aplikasi dilayani melalui HTTP tanpa pengalihan ke HTTPS",
        "sedang", "WSTG-CRYP-03", "CWE-319",
        "Meminta alamat aplikasi yang diberikan; temuan bila alamat http:// dijawab dengan isi "
        "halaman, bukan dialihkan ke https://.",
        "Pasang sertifikat TLS, alihkan setiap permintaan http:// ke https:// dengan 301 di web "
        "server, lalu aktifkan HSTS.",
        amatan="sesi", nilai=sesi.nilai_tanpa_https,
    ),
    Cek(
        "otentikasi_sesi.tanpa_hsts", "HTTPS tanpa HTTP Strict Transport Security (HSTS)",
        "rendah", "WSTG-CONF-07", "CWE-523",
        "Pada aplikasi HTTPS, memeriksa header Strict-Transport-Security di halaman awal "
        "(max-age minimal 180 hari). Aplikasi HTTP dinilai oleh otentikasi_sesi.tanpa_https.",
        "Kirim `Strict-Transport-Security: max-age=31536000; includeSubDomains` pada setiap "
        "jawaban HTTPS.",
        amatan="sesi", nilai=sesi.nilai_tanpa_hsts,
    ),
    Cek(
        "otentikasi_sesi.cookie_httponly", "Cookie sesi tanpa atribut HttpOnly",
        "sedang", "WSTG-SESS-02", "CWE-1004",
        "Memeriksa atribut Set-Cookie untuk cookie sesi di halaman awal, halaman login dan "
        "jawaban login (bila akun uji diberikan). Cookie token CSRF (XSRF-TOKEN) dikecualikan.",
        "Tambahkan atribut HttpOnly pada cookie sesi (mis. PHP `session.cookie_httponly=1`).",
        amatan="sesi", nilai=sesi.nilai_cookie_httponly,
    ),
    Cek(
        "otentikasi_sesi.cookie_secure", "Cookie sesi tanpa atribut Secure",
        "sedang", "WSTG-SESS-02", "CWE-614",
        "Memeriksa atribut Secure pada Set-Cookie cookie sesi.",
        "Layani aplikasi melalui HTTPS dan tambahkan atribut Secure pada cookie sesi "
        "(mis. PHP `session.cookie_secure=1`).",
        amatan="sesi", nilai=sesi.nilai_cookie_secure,
    ),
    Cek(
        "otentikasi_sesi.cookie_samesite", "Cookie sesi tanpa atribut SameSite",
        "rendah", "WSTG-SESS-02", "CWE-1275",
        "Memeriksa atribut SameSite pada Set-Cookie cookie sesi (SameSite=None dihitung tidak "
        "ada).",
        "Tambahkan `SameSite=Lax` (atau `Strict`) pada cookie sesi.",
        amatan="sesi", nilai=sesi.nilai_cookie_samesite,
    ),
    Cek(
        "otentikasi_sesi.id_sesi_di_url", "ID sesi tampak di URL",
        "sedang", "WSTG-SESS-04", "CWE-598",
        "Memeriksa tautan, tujuan formulir dan pengalihan yang teramati (sebelum dan sesudah "
        "login) untuk parameter sesi (PHPSESSID, jsessionid, sid, ...) atau nilai cookie sesi. "
        "Nilai ID tidak disimpan.",
        "Simpan ID sesi hanya di cookie (PHP `session.use_only_cookies=1`, "
        "`session.use_trans_sid=0`); jangan pernah menaruhnya di URL.",
        amatan="sesi", nilai=sesi.nilai_id_sesi_di_url,
    ),
    Cek(
        "otentikasi_sesi.fiksasi_sesi", "ID sesi tidak diganti saat login (session fixation)",
        "sedang", "WSTG-SESS-03", "CWE-384",
        "Dengan akun uji: mencatat cookie sesi sebelum login, login, lalu membuka halaman "
        "sesudah login dari klien baru yang hanya membawa cookie sebelum login; temuan bila "
        "halaman itu terbuka.",
        "Buat ID sesi baru setiap kali login berhasil (PHP `session_regenerate_id(true)`, "
        "Laravel `$request->session()->regenerate()`) dan hapus sesi lama.",
        amatan="sesi", nilai=sesi.nilai_fiksasi_sesi, butuh=AKUN,
    ),
    Cek(
        "otentikasi_sesi.sesi_setelah_logout", "Sesi tetap berlaku setelah logout",
        "sedang", "WSTG-SESS-06", "CWE-613",
        "Dengan akun uji: login, logout melalui tautan/tombol keluar, lalu memutar ulang cookie "
        "sesi lama ke halaman sesudah login; temuan bila halaman itu masih terbuka.",
        "Hapus sesi di sisi server saat logout (PHP `session_destroy()`, invalidasi token), "
        "bukan hanya cookie di peramban.",
        amatan="sesi", nilai=sesi.nilai_sesi_setelah_logout, butuh=AKUN,
    ),
    Cek(
        "otentikasi_sesi.tanpa_penguncian",
        "Tidak ada penguncian atau pembatasan setelah login gagal berulang",
        "sedang", "WSTG-ATHN-03", "CWE-307",
        "Mengirim paling banyak 6 percobaan login gagal untuk nama pengguna akun uji (tanpa "
        "akun uji: nama pengguna acak yang tidak terdaftar), lalu satu login dengan kata sandi "
        "yang benar; temuan bila tidak satu pun dijawab dengan pembatasan (HTTP 429, pesan "
        "terkunci/terlalu banyak percobaan, CAPTCHA, atau jeda yang bertambah) dan kata sandi "
        "yang benar langsung diterima. Perhatian: akun uji dapat terkunci sementara setelah "
        "pemeriksaan ini.",
        "Batasi percobaan login per akun dan per alamat IP (mis. 5 kali lalu jeda/kunci "
        "sementara atau CAPTCHA) dan catat percobaan gagal.",
        amatan="login_gagal", nilai=login_gagal.nilai_tanpa_penguncian,
    ),
    Cek(
        "otentikasi_sesi.enumerasi_pengguna", "Nama pengguna dapat ditebak (user enumeration)",
        "sedang", "WSTG-IDNT-04", "CWE-204",
        "Membandingkan jawaban login untuk nama pengguna yang tidak ada dan untuk akun uji "
        "dengan kata sandi salah (status, pengalihan, pesan); juga daftar pengguna framework "
        "yang terbuka (/wp-json/wp/v2/users, ?author=1).",
        "Tampilkan pesan yang sama untuk nama pengguna dan kata sandi yang salah (\"Nama "
        "pengguna atau kata sandi salah\") dan tutup daftar pengguna publik framework.",
        amatan="login_gagal", nilai=login_gagal.nilai_enumerasi_pengguna,
    ),
    Cek(
        "otentikasi_sesi.tanpa_csrf", "Formulir POST tanpa token anti-CSRF",
        "sedang", "WSTG-SESS-05", "CWE-352",
        "Memeriksa formulir POST (yang mengubah data) di halaman awal, halaman login, halaman "
        "sesudah login dan halaman hasil penjelajahan terbatas (asal yang sama, kedalaman 2, "
        "paling banyak 8 halaman): temuan bila tidak ada isian tersembunyi berupa token "
        "(csrf, _token, authenticity_token, ...). Bukti: action setiap formulir dan halaman "
        "tempat formulir itu ditemukan; tidak ada formulir yang dikirim.",
        "Gunakan token anti-CSRF per sesi pada setiap formulir yang mengubah data (fitur "
        "bawaan framework) dan periksa token itu di server.",
        amatan="sesi", nilai=sesi.nilai_tanpa_csrf,
    ),
    Cek(
        "otentikasi_sesi.cache_halaman_terotentikasi", "Halaman sesudah login dapat di-cache",
        "rendah", "WSTG-ATHN-06", "CWE-525",
        "Dengan akun uji: memeriksa Cache-Control halaman sesudah login; temuan bila tidak ada "
        "`no-store` (atau `private` dengan `no-cache`/`max-age=0`).",
        "Kirim `Cache-Control: no-store` pada semua halaman yang memerlukan login.",
        amatan="sesi", nilai=sesi.nilai_cache_halaman, butuh=AKUN,
    ),
    # --- dbms -------------------------------------------------------------------------------
    Cek(
        "dbms.port_terjangkau", "Port basis data dapat dijangkau dari jaringan penguji",
        "sedang", "WSTG-CONF-01", "CWE-668",
        "Membuka koneksi TCP (dengan batas waktu) ke port basis data pada host yang disebut "
        "dalam permohonan: MySQL/MariaDB 3306, PostgreSQL 5432, SQL Server 1433, Oracle 1521, "
        "MongoDB 27017, Redis 6379, Elasticsearch 9200, CouchDB 5984, Memcached 11211.",
        "Batasi port basis data dengan firewall hanya untuk server aplikasi (atau bind ke "
        "127.0.0.1/jaringan privat); jangan buka port basis data ke jaringan lain.",
        amatan="dbms", butuh=DB, nilai=dbms.nilai_port_terjangkau,
    ),
    Cek(
        "dbms.banner_versi", "Basis data mengungkapkan versinya sebelum otentikasi",
        "rendah", "WSTG-INFO-02", "CWE-497",
        "Membaca salam protokol tiap layanan yang terbuka (salam MySQL, INFO server Redis, "
        "buildInfo MongoDB, GET / Elasticsearch/CouchDB, version Memcached, ParameterStatus "
        "PostgreSQL) dan mencatat produk serta versinya.",
        "Batasi akses jaringan ke basis data; bila memungkinkan sembunyikan versi pada salam "
        "layanan dan pastikan versinya masih didukung.",
        amatan="dbms", butuh=DB, nilai=dbms.nilai_banner_versi,
    ),
    Cek(
        "dbms.versi_eol", "Versi basis data sudah tidak didukung (end-of-life)",
        "sedang", "WSTG-CONF-01", "CWE-1104",
        "Membandingkan versi dari banner dengan tabel end-of-life (tanggal akhir dukungan "
        "keamanan vendor, didokumentasikan sebagai data).",
        "Tingkatkan basis data ke versi yang masih menerima perbaikan keamanan dan jadwalkan "
        "pembaruan rutin.",
        amatan="dbms", butuh=DB, nilai=dbms.nilai_versi_eol,
    ),
    Cek(
        "dbms.tanpa_tls", "Koneksi basis data tanpa enkripsi (TLS tidak ditawarkan)",
        "sedang", "WSTG-CRYP-01", "CWE-319",
        "MySQL: bendera CLIENT_SSL pada salam; PostgreSQL: jawaban SSLRequest; Redis, "
        "Memcached, Elasticsearch, CouchDB, MongoDB: protokol dijawab dalam teks biasa pada "
        "port itu.",
        "Aktifkan TLS pada server basis data (MySQL `require_secure_transport=ON`, PostgreSQL "
        "`ssl=on` dan `hostssl` di pg_hba.conf, Redis `tls-port`) dan wajibkan di klien.",
        amatan="dbms", butuh=DB, nilai=dbms.nilai_tanpa_tls,
    ),
    Cek(
        "dbms.kredensial_bawaan", "Basis data menerima akun bawaan tanpa kata sandi",
        "tinggi", "WSTG-ATHN-02", "CWE-1392",
        "Paling banyak satu percobaan sopan per basis data: MySQL/MariaDB `root` dengan kata "
        "sandi kosong (jabat tangan protokol), PostgreSQL `postgres` tanpa kata sandi (trust). "
        "Tidak ada perintah yang dijalankan; koneksi langsung ditutup.",
        "Beri kata sandi kuat pada akun administrator basis data, hapus akun tanpa kata sandi, "
        "ganti metode `trust` di pg_hba.conf dengan `scram-sha-256`, dan batasi host asal.",
        amatan="dbms", butuh=DB, nilai=dbms.nilai_kredensial_bawaan,
    ),
    Cek(
        "dbms.tanpa_otentikasi", "Layanan data dapat diakses tanpa otentikasi",
        "tinggi", "WSTG-ATHN-04", "CWE-306",
        "Redis: PING dan INFO server tanpa AUTH; MongoDB: listDatabases tanpa login; "
        "Elasticsearch: GET / tanpa kredensial; CouchDB: GET /_all_dbs; Memcached: perintah "
        "version. Hanya perintah baca.",
        "Aktifkan otentikasi (Redis `requirepass`/ACL, MongoDB `security.authorization`, "
        "Elasticsearch security, CouchDB admin, Memcached SASL) dan bind hanya ke jaringan "
        "privat.",
        amatan="dbms", butuh=DB, nilai=dbms.nilai_tanpa_otentikasi,
    ),
    Cek(
        "dbms.satu_host", "Basis data berjalan di host yang sama dengan aplikasi",
        "rendah", "WSTG-CONF-01", "CWE-653",
        "Membandingkan alamat IP host basis data dan host aplikasi; temuan bila sama dan ada "
        "port basis data yang terbuka di sana.",
        "Pisahkan server basis data dari server web (segmen jaringan tersendiri) sehingga "
        "pembobolan aplikasi tidak langsung memberi akses ke basis data.",
        amatan="dbms", butuh=DB, nilai=dbms.nilai_satu_host,
    ),
    Cek(
        "dbms.galat_db_web", "Pesan error basis data tampil di halaman web",
        "sedang", "WSTG-ERRH-01", "CWE-209",
        "Memeriksa halaman awal, beberapa tautan di dalamnya dan halaman 404 untuk pesan error "
        "basis data (SQLSTATE, mysqli_connect, pg_connect, ORA-, Access denied for user, ...).",
        "Tangkap error basis data di aplikasi, tampilkan pesan umum, catat detailnya hanya di "
        "log server, dan matikan tampilan error di produksi.",
        amatan="web_db", nilai=dbms.nilai_galat_db_web,
    ),
    Cek(
        "dbms.dump_terbuka", "Berkas dump basis data dapat diunduh dari web",
        "tinggi", "WSTG-CONF-04", "CWE-530",
        "Meminta nama dump umum (/database.sql, /db.sql, /dump.sql, /backup.sql, "
        "/data.sql, /<nama-situs>.sql) dan mengenali isi dump SQL (CREATE TABLE, INSERT INTO, "
        "\"-- MySQL dump\"); dibandingkan dahulu dengan jawaban untuk path acak.",
        "Hapus berkas dump dari direktori web, simpan cadangan di luar server web, dan anggap "
        "data di dalamnya (termasuk hash kata sandi) telah bocor.",
        amatan="web_db", nilai=dbms.nilai_dump_terbuka,
    ),
    # --- lain_lain --------------------------------------------------------------------------
    Cek(
        "lain_lain.framework_tidak_dikenali", "Framework aplikasi tidak dapat dikenali",
        "rendah", "WSTG-INFO-08", "CWE-710",
        "Sidik jari dari header, cookie, markup, meta dan berkas skrip halaman awal memakai "
        "data teknologi Wappalyzer, ditambah petunjuk yang dibaca penguji: cookie dan header "
        "setiap halaman, halaman galat (path acak), dan bila belum ada yang dikenali, paling "
        "banyak lima path khas framework (/wp-login.php, /administrator/, /user/login, "
        "/actuator/health, /_ignition/health-check); temuan bila tidak ada framework web, CMS "
        "atau framework JavaScript yang dikenali (katalog mensyaratkan penggunaan framework "
        "aplikasi).",
        "Bangun aplikasi di atas framework yang terpelihara (mis. Laravel, CodeIgniter 4, "
        "Django) dan sebutkan framework beserta versinya dalam dokumen permohonan.",
        amatan="lain", nilai=lain.nilai_framework_tidak_dikenali,
    ),
    Cek(
        "lain_lain.versi_eol", "Komponen aplikasi dengan versi end-of-life",
        "sedang", "WSTG-INFO-08", "CWE-1104",
        "Membandingkan versi teknologi yang dikenali (bahasa, web server, framework, pustaka) "
        "dengan tabel end-of-life.",
        "Tingkatkan komponen ke versi yang masih didukung (mis. PHP 8.3+, Apache 2.4 terbaru) "
        "dan pantau jadwal akhir dukungannya.",
        amatan="lain", nilai=lain.nilai_versi_eol,
    ),
    Cek(
        "lain_lain.versi_terungkap", "Versi perangkat lunak diungkapkan",
        "rendah", "WSTG-INFO-02", "CWE-497",
        "Memeriksa header Server, X-Powered-By, X-AspNet-Version dan sejenisnya, meta "
        "generator, serta berkas readme/changelog yang dapat diunduh untuk nomor versi.",
        "Sembunyikan nomor versi (Apache `ServerTokens Prod`, nginx `server_tokens off`, PHP "
        "`expose_php=Off`, hapus meta generator dan berkas readme) dan pastikan perangkat "
        "lunak masih didukung.",
        amatan="lain", nilai=lain.nilai_versi_terungkap,
    ),
    Cek(
        "lain_lain.header_keamanan", "Header keamanan HTTP tidak lengkap",
        "rendah", "WSTG-CONF-02", "CWE-693",
        "Memeriksa header Content-Security-Policy, X-Content-Type-Options: nosniff dan "
        "Referrer-Policy di halaman awal (HSTS dinilai oleh otentikasi_sesi.tanpa_hsts).",
        "Tambahkan header keamanan di web server atau aplikasi: Content-Security-Policy, "
        "X-Content-Type-Options: nosniff, Referrer-Policy: strict-origin-when-cross-origin.",
        amatan="lain", nilai=lain.nilai_header_keamanan,
    ),
    Cek(
        "lain_lain.anti_clickjacking", "Tidak ada perlindungan clickjacking",
        "rendah", "WSTG-CLNT-09", "CWE-1021",
        "Memeriksa X-Frame-Options atau CSP frame-ancestors di halaman awal.",
        "Kirim `Content-Security-Policy: frame-ancestors 'self'` (atau `X-Frame-Options: "
        "DENY/SAMEORIGIN`).",
        amatan="lain", nilai=lain.nilai_anti_clickjacking,
    ),
    Cek(
        "lain_lain.email_non_kedinasan", "Alamat email kontak bukan email kedinasan (go.id)",
        "sedang", "WSTG-INFO-05", "CWE-657",
        "Mengumpulkan alamat email di halaman awal dan halaman kontak/tentang yang ditautkan, "
        "serta alamat pada formulir permohonan; temuan bila domainnya tidak berada di bawah "
        "go.id (daftar Public Suffix luring).",
        "Gunakan email kedinasan (mis. @babelprov.go.id) untuk kontak layanan dan akun "
        "aplikasi, sesuai ketentuan penggunaan email kedinasan.",
        amatan="lain", nilai=lain.nilai_email_non_kedinasan,
    ),
)
