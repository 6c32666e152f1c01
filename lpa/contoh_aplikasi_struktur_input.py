"""Routes of the sample application for the struktur, validasi_data and input_error tests.

:mod:`lpa.contoh_aplikasi` serves the twins; it hands every GET path it does not know itself
to :func:`jawab_get` and adds :func:`beranda` to its start page. Both twins serve the same
pages; only the vulnerable twin (``aman=False``) leaves these behind:

* struktur: ``/index.php.bak``, ``/config.php~``, ``/backup.zip``, ``/backup.sql``,
  ``/phpinfo.php``, ``/phpmyadmin/``, ``/server-status``, ``/composer.json`` and
  ``/composer.lock``; ``robots.txt`` and ``sitemap.xml`` naming ``/admin-lama/``,
  ``/cadangan/`` and ``/uji-coba/``.
* validasi_data: ``/izin?id=`` answers a non-number with a 500 and a database error,
  ``/bahasa?kembali=`` redirects anywhere and copies CR/LF into ``Location`` (header
  injection), ``/unggah`` has a file field without ``accept`` and no anti-CSRF token.
* input_error: ``/izin?id=3'`` shows the MySQL syntax error, ``/pratinjau?judul=`` evaluates
  ``{{a*b}}``/``${a*b}``, ``/izin?id[]=`` shows a CodeIgniter error with a stack trace,
  ``/_ignition/health-check`` answers, and the start page carries a password in an HTML
  comment.

The hardened twin answers the same URLs with validation, escaping, 404s and a safe redirect.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

_KOMENTAR_RENTAN = (
    "<!-- catatan pengembang: akun admin sementara untuk uji coba, user: admin "
    "password: Adm1n#Perizinan2019 (hapus sebelum rilis) -->"
)
_KOMENTAR_AMAN = "<!-- layanan lainnya: daftar tautan dikelola melalui CMS -->"
_SKRIP_RENTAN = """// SiPerizinan - skrip formulir
// akun uji: operator / Operator#2023 (hapus sebelum produksi)
var konfigurasi = { alamatApi: "/api/v1", kataSandiAdmin: "Adm1n#Perizinan2019" };
function periksa(form) { return form.nik.value.length === 16; }
"""
_SKRIP_AMAN = """// SiPerizinan - skrip formulir
// kata sandi minimal 8 karakter; token CSRF dibaca dari formulir
var konfigurasi = { alamatApi: "/api/v1", csrfToken: document.querySelector("[name=csrf_token]") };
function periksa(form) { var password = form.password.value; return password.length >= 8; }
"""


def beranda(aman: bool) -> str:
    """Extra start-page HTML: links to the pages below and an HTML comment."""
    return (
        "<section><h2>Layanan lainnya</h2><ul>"
        '<li><a href="/izin?id=3">Contoh surat izin yang telah terbit</a></li>'
        '<li><a href="/pratinjau?judul=Surat+Izin+Usaha">Pratinjau format surat izin</a></li>'
        '<li><a href="/unggah">Unggah berkas persyaratan</a></li>'
        '<li><a href="/unduh?berkas=panduan-perizinan.pdf">Unduh panduan perizinan</a></li>'
        '<li><a href="/bahasa?kode=en&amp;kembali=%2F">English version</a></li>'
        "</ul></section>" + (_KOMENTAR_AMAN if aman else _KOMENTAR_RENTAN)
        + '<script src="/js/formulir.js"></script>'
        + ("<script>var kunciPeta = 'publik';</script>" if aman else
           "<script>/* kredensial layanan peta: peta / Pet4#Babel2020 */</script>")
    )


# --- files the vulnerable twin leaves behind ------------------------------------------------

_INDEX_BAK = """<?php
/* index.php - SiPerizinan (cadangan sebelum migrasi) */
define('ENVIRONMENT', 'development');
$system_path = 'system';
$application_folder = 'application';
require_once BASEPATH.'core/CodeIgniter.php';
"""

_CONFIG_TILDE = """<?php
$db['default']['hostname'] = '127.0.0.1';
$db['default']['username'] = 'perizinan';
$db['default']['password'] = 'P3rizinan2019!';
$db['default']['database'] = 'perizinan';
"""

_DUMP_SQL = """-- MySQL dump 10.13  Distrib 5.5.68, for Linux (x86_64)
--
-- Host: localhost    Database: perizinan
-- ------------------------------------------------------
CREATE TABLE `pemohon` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `nik` varchar(16) NOT NULL,
  `nama` varchar(100) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO `pemohon` VALUES (1,'1971000000000001','CONTOH PEMOHON');
"""

_PHPINFO = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><title>phpinfo()</title></head><body><div class="center">
<table><tr class="h"><td><h1 class="p">PHP Version 5.4.16</h1></td></tr></table>
<table><tr><td class="e">System </td><td class="v">Linux perizinan 2.6.32-754.el6.x86_64</td></tr>
<tr><td class="e">DOCUMENT_ROOT </td><td class="v">/var/www/html/perizinan</td></tr></table>
<h2>PHP License</h2></div></body></html>
"""

_PHPMYADMIN = """<!DOCTYPE HTML><html lang="en" dir="ltr"><head>
<title>phpMyAdmin</title></head><body class="loginform">
<div class="container"><h1>Welcome to <bdo dir="ltr" lang="en">phpMyAdmin</bdo></h1>
<form method="post" action="index.php" name="login_form" class="login">
<input type="text" name="pma_username" id="input_username" value="">
<input type="password" name="pma_password" id="input_password" value="">
<input type="hidden" name="server" value="1"><input value="Go" type="submit">
</form></div></body></html>
"""

_SERVER_STATUS = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html><head><title>Apache Status</title></head><body>
<h1>Apache Server Status for 127.0.0.1</h1>
<dl><dt>Server Version: Apache/2.2.15 (Unix) DAV/2 PHP/5.4.16</dt>
<dt>Server Built: Aug 13 2013 17:29:28</dt></dl><hr /><dl>
<dt>Current Time: Monday, 06-May-2024 09:12:44 WIB</dt>
<dt>Total accesses: 48211 - Total Traffic: 1.1 GB</dt></dl>
<pre>_W___K_____.....</pre>
<table border="0"><tr><th>Srv</th><th>PID</th><th>Client</th><th>VHost</th><th>Request</th></tr>
<tr><td>0-0</td><td>2291</td><td>10.10.3.21</td><td>perizinan</td>
<td>GET /masuk HTTP/1.1</td></tr></table></body></html>
"""

_COMPOSER_JSON = """{
    "name": "dpmptsp/perizinan",
    "description": "Sistem Informasi Pelayanan Perizinan",
    "require": {
        "php": ">=5.3.7",
        "codeigniter/framework": "3.1.9",
        "phpmailer/phpmailer": "5.2.26",
        "dompdf/dompdf": "0.6.2"
    }
}
"""

_COMPOSER_LOCK = """{
    "_readme": ["This file locks the dependencies of your project to a known state"],
    "content-hash": "9a1f0c3e5b7d2c4e6f8a0b1c3d5e7f90",
    "packages": [
        {"name": "codeigniter/framework", "version": "3.1.9", "type": "project"},
        {"name": "dompdf/dompdf", "version": "v0.6.2", "type": "library"},
        {"name": "phpmailer/phpmailer", "version": "v5.2.26", "type": "library"}
    ],
    "packages-dev": []
}
"""


def _zip_cadangan() -> bytes:
    berkas = io.BytesIO()
    with zipfile.ZipFile(berkas, "w", zipfile.ZIP_DEFLATED) as arsip:
        arsip.writestr("perizinan/index.php", _INDEX_BAK)
        arsip.writestr("perizinan/application/config/database.php", _CONFIG_TILDE)
    return berkas.getvalue()


_BACKUP_ZIP = _zip_cadangan()

_BERKAS_RENTAN: dict[str, tuple[str | bytes, str]] = {
    "/index.php.bak": (_INDEX_BAK, "application/x-trash"),
    "/config.php~": (_CONFIG_TILDE, "text/plain"),
    "/backup.zip": (_BACKUP_ZIP, "application/zip"),
    "/backup.sql": (_DUMP_SQL, "application/sql"),
    "/phpinfo.php": (_PHPINFO, "text/html; charset=UTF-8"),
    "/phpmyadmin/": (_PHPMYADMIN, "text/html; charset=utf-8"),
    "/server-status": (_SERVER_STATUS, "text/html; charset=ISO-8859-1"),
    "/composer.json": (_COMPOSER_JSON, "application/json"),
    "/composer.lock": (_COMPOSER_LOCK, "application/octet-stream"),
    "/_ignition/health-check": ('{"can_execute_commands":true}', "application/json"),
}


def _robots(aman: bool, dasar: str) -> str:
    if aman:
        return (f"User-agent: *\nDisallow: /dasbor\nDisallow: /cari\n\n"
                f"Sitemap: {dasar}sitemap.xml\n")
    return (f"User-agent: *\nDisallow: /admin-lama/\nDisallow: /cadangan/\nDisallow: /cari\n\n"
            f"Sitemap: {dasar}sitemap.xml\n")


def _sitemap(aman: bool, dasar: str) -> str:
    path = ["", "cari", "masuk"] if aman else ["", "cari", "uji-coba/"]
    url = "".join(f"<url><loc>{dasar}{p}</loc></url>" for p in path)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{url}</urlset>\n')


# --- pages with input -----------------------------------------------------------------------

_GALAT_DB = """<!DOCTYPE html><html lang="en"><head><title>Database Error</title></head><body>
<div id="container"><h1>A Database Error Occurred</h1>
<p>Error Number: {nomor}</p><p>{pesan}</p>
<p>SELECT * FROM `izin` WHERE `id` = {nilai} LIMIT 1</p>
<p>Filename: models/Izin_model.php</p><p>Line Number: 27</p></div></body></html>
"""

_GALAT_LARIK = """<!DOCTYPE html><html><head><title>Error</title></head><body>
<div style="border:1px solid #990000;padding-left:20px;margin:0 0 10px 0;">
<h4>A PHP Error was encountered</h4>
<p>Severity: Notice</p><p>Message: Array to string conversion</p>
<p>Filename: models/Izin_model.php</p><p>Line Number: 27</p>
<p>Backtrace:</p>
<p>File: /var/www/html/perizinan/application/models/Izin_model.php<br/>Line: 27<br/>
Function: _error_handler</p>
</div>
<b>Fatal error</b>: Call to a member function row() on a non-object in
<b>/var/www/html/perizinan/application/models/Izin_model.php</b> on line <b>28</b>
Stack trace:
#0 /var/www/html/perizinan/application/controllers/Izin.php(19): Izin_model->ambil(Array)
#1 /var/www/html/perizinan/system/core/CodeIgniter.php(532): Izin->index()
#2 {main}
</body></html>
"""


def _izin(p: Any, query: dict[str, list[str]]) -> None:
    aman = p.app.aman
    nilai = (query.get("id") or [None])[0]
    if not aman and nilai is not None and re.fullmatch(r"\d{1,6}(?:[+-]\d{1,6})+", nilai):
        # WHERE id = <nilai>, concatenated: the database computes the expression
        nilai = str(eval_aritmetika(nilai))
    if nilai is not None and nilai.isdigit():
        isi = (f"<h2>Surat izin nomor 503/IUP/{int(nilai):04d}/DPMPTSP/2023</h2>"
               "<p>Status: terbit. Berlaku sampai 31 Desember 2028.</p>")
        p._kirim(200, p._halaman("Detail izin", isi))
    elif aman:
        p._kirim(404, p._halaman("Tidak ditemukan", "<h2>Izin tidak ditemukan</h2>"
                                 '<p>Periksa kembali nomor izin atau kembali ke <a href="/">'
                                 "beranda</a>.</p>"))
    elif nilai is None and "id[]" in query:
        p._kirim(500, _GALAT_LARIK)
    elif nilai is not None and ("'" in nilai or '"' in nilai):
        pesan = ("You have an error in your SQL syntax; check the manual that corresponds to "
                 "your MySQL server version for the right syntax to use near "
                 f"'{nilai} LIMIT 1' at line 1")
        p._kirim(500, _GALAT_DB.format(nomor=1064, pesan=pesan, nilai=nilai))
    else:
        nilai = nilai or ""
        p._kirim(500, _GALAT_DB.format(nomor=1054, nilai=nilai,
                                       pesan=f"Unknown column '{nilai}' in 'where clause'"))


def eval_aritmetika(teks: str) -> int:
    """``4-1`` -> 3: what a database does with an expression concatenated into a query."""
    hasil, tanda = 0, 1
    for bagian in re.findall(r"[+-]|\d+", teks):
        if bagian in "+-":
            tanda = 1 if bagian == "+" else -1
        else:
            hasil += tanda * int(bagian)
    return max(hasil, 0)


_PASSWD = ("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
           "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n")
_PANDUAN = b"%PDF-1.4\n% panduan perizinan\n%%EOF\n"


def _unduh(p: Any, query: dict[str, list[str]]) -> None:
    berkas = (query.get("berkas") or [""])[0]
    if berkas == "panduan-perizinan.pdf":
        p._kirim(200, _PANDUAN, jenis="application/pdf")
        return
    # the vulnerable twin opens "dokumen/" + berkas: ../ climbs out (....// too, once the
    # filter has removed the inner ../); the hardened twin serves its one file only
    dinormalkan = berkas.replace("....//", "../").replace("\\", "/")
    if not p.app.aman and ".." in dinormalkan and dinormalkan.endswith("etc/passwd"):
        p._kirim(200, _PASSWD, jenis="text/plain")
        return
    p._kirim(404, p._halaman("Tidak ditemukan", "<h2>Berkas tidak ditemukan</h2>"))


_EKSPRESI = re.compile(r"\{\{\s*(\d{1,9})\s*\*\s*(\d{1,9})\s*\}\}|\$\{\s*(\d{1,9})\s*\*\s*"
                       r"(\d{1,9})\s*\}")


def _evaluasi(teks: str) -> str:
    """The vulnerable twin's "template engine": multiplies integers, nothing else."""
    def kali(m: re.Match[str]) -> str:
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return str(int(a) * int(b))
    return _EKSPRESI.sub(kali, teks)


def _pratinjau(p: Any, query: dict[str, list[str]]) -> None:
    judul = (query.get("judul") or ["Surat Izin"])[0][:300]
    if not p.app.aman:
        judul = _evaluasi(judul)
    isi = (f"<h2>Pratinjau surat</h2><div class=\"surat\"><h3>{html.escape(judul)}</h3>"
           "<p>Nomor: 503/.../DPMPTSP/2024</p></div>")
    p._kirim(200, p._halaman("Pratinjau", isi))


def _unggah(p: Any) -> None:
    _, sesi, cookie = p._sesi()
    aman = p.app.aman
    token = (f'<input type="hidden" name="csrf_token" value="{sesi["csrf"]}">' if aman else "")
    accept = ' accept=".pdf,.jpg,.jpeg,.png"' if aman else ""
    isi = f"""<section><h2>Unggah berkas persyaratan</h2>
<form action="/unggah" method="post" enctype="multipart/form-data">{token}
<p><label>Jenis berkas<br><select name="jenis"><option value="ktp">KTP</option>
<option value="npwp">NPWP</option></select></label></p>
<p><label>Berkas (PDF/JPG, maks. 2 MB)<br><input type="file" name="berkas"{accept} required>
</label></p><p><button type="submit">Unggah</button></p></form></section>"""
    p._kirim(200, p._halaman("Unggah berkas", isi), header=cookie)


def _pengalihan_lokal(tujuan: str) -> bool:
    """The hardened twin's redirect guard: a path of this site only. Refused: absolute URLs,
    protocol-relative ``//host`` and ``/\\host`` (browsers read ``\\`` as ``/``), any
    backslash, and control characters (CR/LF would inject a header; browsers drop tabs and
    newlines from URLs, so ``/<TAB>/host`` is ``//host``)."""
    return (tujuan.startswith("/") and not tujuan.startswith("//")
            and not re.search(r"[\x00-\x20\x7f\\]", tujuan))


def _bahasa(p: Any, query: dict[str, list[str]]) -> None:
    kembali = (query.get("kembali") or ["/"])[0]
    if p.app.aman and not _pengalihan_lokal(kembali):
        kembali = "/"
    kode = re.sub(r"[^a-z]", "", (query.get("kode") or ["id"])[0])[:2] or "id"
    p._kirim(302, "", header=(("Location", kembali),
                              ("Set-Cookie", f"bahasa={kode}; Path=/; SameSite=Lax")))


def jawab_get(p: Any, path: str, query: dict[str, list[str]]) -> bool:
    """Serve ``path`` when it is one of this module's pages; False otherwise."""
    aman = p.app.aman
    dasar = p.app.url or "/"
    if path == "/unduh":
        _unduh(p, query)
    elif path == "/js/formulir.js":
        p._kirim(200, _SKRIP_AMAN if p.app.aman else _SKRIP_RENTAN,
                 jenis="application/javascript")
    elif path == "/robots.txt":
        p._kirim(200, _robots(aman, dasar), jenis="text/plain")
    elif path == "/sitemap.xml":
        p._kirim(200, _sitemap(aman, dasar), jenis="application/xml")
    elif path == "/izin":
        _izin(p, query)
    elif path == "/pratinjau":
        _pratinjau(p, query)
    elif path == "/unggah":
        _unggah(p)
    elif path == "/bahasa":
        _bahasa(p, query)
    elif aman:
        return False
    elif path in _BERKAS_RENTAN:
        isi, jenis = _BERKAS_RENTAN[path]
        p._kirim(200, isi, jenis=jenis)
    elif path == "/admin-lama/":
        p._kirim(200, p._halaman("Admin", "<h2>Panel admin (versi lama)</h2>"
                                 '<form action="/admin-lama/" method="post"><input name="u">'
                                 '<input type="password" name="p"><button>Masuk</button>'
                                 "</form>"))
    elif path == "/uji-coba/":
        p._kirim(200, p._halaman("Uji coba", "<h2>Halaman uji coba formulir</h2>"
                                 "<p>Jangan dipakai untuk data sebenarnya.</p>"))
    elif path == "/cadangan/":
        p._kirim(403, "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>"
                 "<title>403 Forbidden</title></head><body><h1>Forbidden</h1><p>You don't "
                 "have permission to access /cadangan/ on this server.</p></body></html>")
    else:
        return False
    return True
