"""The struktur checks of the feasibility test: exposed files and folders (version control,
configuration, backups, listings, diagnostic pages, admin panels, manifests, hidden paths).
One :class:`domain.kelaikan.cek.Cek` each, in report order; :mod:`domain.kelaikan.registri`
collects them.
"""

from __future__ import annotations

from domain.kelaikan import nilai_struktur
from domain.kelaikan.cek import Cek

CEK_STRUKTUR: tuple[Cek, ...] = (
    Cek(
        "struktur.vcs_terbuka", "Folder version control (.git/.svn/.hg) dapat diunduh",
        "tinggi", "WSTG-CONF-04", "CWE-527",
        "Meminta /.git/HEAD, /.svn/wc.db dan /.hg/requires lalu mengenali isinya; dibandingkan "
        "dahulu dengan jawaban untuk path acak (soft 404).",
        "Hapus folder .git/.svn/.hg dari direktori web atau tolak aksesnya di web server "
        "(mis. `location ~ /\\.(git|svn|hg) { deny all; }`), lalu anggap semua rahasia yang "
        "pernah di-commit telah bocor dan ganti.",
        amatan="berkas_struktur", nilai=nilai_struktur.nilai_vcs,
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
        amatan="berkas_struktur", nilai=nilai_struktur.nilai_konfigurasi,
    ),
    Cek(
        "struktur.listing_direktori", "Directory listing aktif",
        "sedang", "WSTG-CONF-02", "CWE-548",
        "Meminta folder yang dirujuk halaman awal dan folder umum (/uploads/, /files/, ...) "
        "dan mengenali halaman daftar isi folder (Apache, nginx, IIS, Tomcat).",
        "Matikan directory listing (Apache: `Options -Indexes`; nginx: `autoindex off`) dan "
        "sediakan index kosong atau jawaban 403/404.",
        amatan="berkas_struktur", nilai=nilai_struktur.nilai_listing,
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
        amatan="berkas_struktur", nilai=nilai_struktur.nilai_cadangan,
    ),
    Cek(
        "struktur.halaman_diagnostik", "Halaman phpinfo() atau halaman uji tertinggal di server",
        "sedang", "WSTG-CONF-02", "CWE-497",
        "Meminta phpinfo.php, info.php, test.php, i.php dan php_info.php; temuan bila isinya "
        "keluaran phpinfo() atau halaman uji bawaan web server. Yang disimpan: path dan versi "
        "PHP yang tampil.",
        "Hapus berkas phpinfo/uji dari server produksi; gunakan halaman diagnostik hanya di "
        "lingkungan pengembangan.",
        amatan="berkas_struktur", nilai=nilai_struktur.nilai_diagnostik,
    ),
    Cek(
        "struktur.panel_admin", "Panel administrasi server atau basis data dapat diakses publik",
        "sedang", "WSTG-CONF-05", "CWE-668",
        "Meminta /phpmyadmin/, /pma/, /adminer.php, /adminer/, /server-status, /server-info "
        "dan /manager/html; temuan bila halaman phpMyAdmin, Adminer, status/info Apache atau "
        "Tomcat Manager dikenali. Tidak ada login yang dicoba.",
        "Hapus panel yang tidak diperlukan; batasi yang tersisa ke alamat IP admin/VPN "
        "(mis. `Require ip 10.0.0.0/8`) dan lindungi dengan otentikasi yang kuat.",
        amatan="berkas_struktur", nilai=nilai_struktur.nilai_panel,
    ),
    Cek(
        "struktur.manifest_dependensi", "Berkas manifest dependensi dapat diunduh",
        "rendah", "WSTG-CONF-04", "CWE-538",
        "Meminta composer.json/lock, package.json, package-lock.json, yarn.lock, "
        "requirements.txt, Gemfile.lock dan pom.xml; temuan bila isinya manifest yang sah. "
        "Yang disimpan: jumlah paket dan contoh nama/versi.",
        "Jangan letakkan manifest dependensi di document root (arahkan document root ke folder "
        "public/) atau tolak aksesnya di web server; perbarui paket yang versinya rentan.",
        amatan="berkas_struktur", nilai=nilai_struktur.nilai_manifest,
    ),
    Cek(
        "struktur.robots_tersembunyi", "robots.txt atau sitemap menunjuk path sensitif",
        "rendah", "WSTG-INFO-03", "CWE-200",
        "Membaca /robots.txt dan /sitemap.xml; path yang tidak ditautkan halaman awal dan "
        "namanya sensitif (admin, backup, config, dev, test, ...) diminta (paling banyak lima); "
        "temuan bila path itu ada (200/401/403 dan bukan soft 404).",
        "Jangan mendaftarkan path rahasia di robots.txt atau sitemap: lindungi path itu "
        "dengan otentikasi atau hapus, karena robots.txt dibaca siapa saja.",
        amatan="robots_sitemap", nilai=nilai_struktur.nilai_robots,
    ),
)
