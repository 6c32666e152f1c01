"""A sample web application of a regional agency, for the demo and the tests.

"Sistem Informasi Pelayanan Perizinan" of a fictitious DPMPTSP, served from a background
thread on 127.0.0.1 only, in two twins:

* ``aman=True``, the hardened twin (HTTPS with a self-signed certificate by default):
  security headers, session cookies with HttpOnly/Secure/SameSite=Lax, a fresh session id at
  login, anti-CSRF tokens, server-side validation, escaped output, a generic 404, no
  directory listing, no version in ``Server``, contact e-mail on @babelprov.go.id; a
  ``laravel_session`` cookie (a recognisable framework), one message for every failed login,
  429 after five failed logins per user name, logout that ends the session on the server,
  ``Cache-Control: no-store`` after login.
* ``aman=False``, the vulnerable twin (HTTP): exposed ``/.git/`` and ``/.env``, directory
  listing at ``/uploads/``, a session cookie without flags, no CSRF tokens, client-side
  validation only, the search term reflected unencoded, a PHP stack trace on the 404 page,
  ``Server: Apache/2.2.15 (CentOS)`` and ``X-Powered-By: PHP/5.4.16``, a gmail contact;
  the session id in a link, "user unknown" vs "wrong password", no login throttling, a
  session that outlives logout, a cacheable dashboard, a MySQL warning on the start page,
  ``/database.sql``, ``/readme.txt`` and a generator meta with versions; the backup files,
  panels, debug endpoints and input pages of :mod:`lpa.contoh_aplikasi_struktur_input`.

``soft_404=True`` answers unknown paths with 200 (both twins). ``login`` says how a visitor
finds the login form (:data:`PATH_LOGIN`): the feasibility test must find it every way.

Only the standard library (and ``cryptography``, already a Prefect dependency, for the
certificate) is used.
"""

from __future__ import annotations

import html
import re
import secrets
import ssl
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lpa import contoh_aplikasi_struktur_input as rute_struktur_input

HOST = "127.0.0.1"
AKUN_BAWAAN = ("penguji", "Penguji#2024")
PATH_LOGIN = {
    "tautan": "/masuk",
    "tombol": "/portal/akses",
    "pengalihan": "/portal/akses",
    "lokasi": "/wp-login.php",
    "jelajah": "/ruang-kerja",
}
"""How a visitor finds the login, and where it is: a "Masuk petugas" link (``tautan``), a
"Sign in" button whose target says nothing (``tombol``), no link at all but ``/admin/``
redirects to it (``pengalihan``), or no link and no redirect, at the location of the CMS
the pages show (WordPress theme files; ``lokasi``), or behind a link whose words and
target say nothing of a login, found only by visiting it (``jelajah``)."""

_JUDUL = "Sistem Informasi Pelayanan Perizinan"
_INSTANSI = ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu "
             "Provinsi Kepulauan Bangka Belitung")
_LOGO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5273dd60000000049454e44ae426082"
)

_ENV_BOCOR = """APP_NAME=SiPerizinan
APP_ENV=production
APP_KEY=base64:q9Zf1mF0c2VrcmV0a3VuY2lhcGxpa2FzaTIwMTk=
APP_DEBUG=true
DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_PORT=3306
DB_DATABASE=perizinan
DB_USERNAME=perizinan
DB_PASSWORD=P3rizinan2019!
MAIL_USERNAME=perizinan.babel@gmail.com
MAIL_PASSWORD=rahasiasekali
"""

_LISTING = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html><head><title>Index of /uploads</title></head><body>
<h1>Index of /uploads</h1>
<table><tr><th>Name</th><th>Last modified</th><th>Size</th></tr>
<tr><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td>-</td></tr>
<tr><td><a href="logo.png">logo.png</a></td><td>2019-03-04 10:12</td><td>1.2K</td></tr>
<tr><td><a href="scan_ktp_pemohon_0012.pdf">scan_ktp_pemohon_0012.pdf</a></td>
<td>2023-08-21 09:40</td><td>412K</td></tr>
<tr><td><a href="izin_usaha_2023.xlsx">izin_usaha_2023.xlsx</a></td>
<td>2023-12-01 15:02</td><td>88K</td></tr>
</table><address>Apache/2.2.15 (CentOS) Server at 127.0.0.1 Port 80</address></body></html>
"""

_GALAT_404 = """<!DOCTYPE html><html><head><title>404 Page Not Found</title></head><body>
<div style="border:1px solid #990000;padding-left:20px;margin:0 0 10px 0;">
<h4>A PHP Error was encountered</h4>
<p>Severity: Warning</p>
<p>Message: include(/var/www/html/perizinan/application/views/halaman/{nama}.php):
failed to open stream: No such file or directory</p>
<p>Filename: controllers/Halaman.php</p><p>Line Number: 42</p>
<p>Backtrace:</p>
<p>File: /var/www/html/perizinan/application/controllers/Halaman.php<br/>
Line: 42<br/>Function: include</p>
</div>
<br />
<b>Fatal error</b>:  Uncaught exception 'Exception' with message 'Halaman tidak ditemukan' in
/var/www/html/perizinan/system/core/Exceptions.php:183
Stack trace:
#0 /var/www/html/perizinan/system/core/CodeIgniter.php(532): CI_Exceptions->show_404()
#1 /var/www/html/perizinan/index.php(315): require_once('/var/www/html/p...')
#2 {{main}}
  thrown in <b>/var/www/html/perizinan/system/core/Exceptions.php</b> on line <b>183</b>
</body></html>
"""

_DUMP_SQL = """-- MySQL dump 10.13  Distrib 5.5.60, for Linux (x86_64)
--
-- Host: localhost    Database: perizinan
-- ------------------------------------------------------
DROP TABLE IF EXISTS `pengguna`;
CREATE TABLE `pengguna` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `username` varchar(50) NOT NULL,
  `password` varchar(255) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
INSERT INTO `pengguna` VALUES (1,'admin','$2y$10$contohhashyangtidaknyata');
CREATE TABLE `permohonan` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `nik` char(16) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8;
"""

_README = """Sistem Informasi Pelayanan Perizinan (SiPerizinan)
Versi 1.2.0 - Maret 2019
Dikembangkan untuk DPMPTSP Provinsi Kepulauan Bangka Belitung.
"""

_BATAS_GAGAL = 5
_JENDELA_GAGAL = 15 * 60.0
"""Hardened twin: five failed logins per user name within 15 minutes, then 429."""

_HEADER_AMAN = (
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)

_ISIAN = (
    # name, label, attributes
    ("nama", "Nama lengkap pemohon", 'type="text" required maxlength="100"'),
    ("nik", "NIK", 'type="text" required maxlength="16" pattern="[0-9]{16}"'),
    ("email", "Email", 'type="email" required maxlength="120"'),
    ("jenis_izin", "Jenis izin", None),
    ("keperluan", "Uraian keperluan", None),
)
_JENIS_IZIN = ("Izin Usaha Pertambangan", "Izin Lingkungan", "Izin Usaha Perikanan",
               "Izin Praktik Tenaga Kesehatan")


def _sertifikat(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (ECDSA P-256, valid for one year)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    kunci = ec.generate_private_key(ec.SECP256R1())
    nama = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, HOST),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Aplikasi Contoh LPA"),
    ])
    sekarang = datetime.now(UTC)
    sertifikat = (
        x509.CertificateBuilder()
        .subject_name(nama).issuer_name(nama).public_key(kunci.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(sekarang - timedelta(minutes=5))
        .not_valid_after(sekarang + timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address(HOST))]),
                       critical=False)
        .sign(kunci, hashes.SHA256())
    )
    berkas_sertifikat = folder / "sertifikat.pem"
    berkas_kunci = folder / "kunci.pem"
    berkas_sertifikat.write_bytes(sertifikat.public_bytes(serialization.Encoding.PEM))
    berkas_kunci.write_bytes(kunci.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
    berkas_kunci.chmod(0o600)
    return berkas_sertifikat, berkas_kunci


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    konteks_tls: ssl.SSLContext | None = None
    aplikasi: ContohAplikasi

    def get_request(self) -> tuple[Any, Any]:
        sock, alamat = super().get_request()
        if self.konteks_tls is not None:
            # handshake later, in the request's own thread (a silent client blocks no one)
            sock = self.konteks_tls.wrap_socket(sock, server_side=True,
                                                do_handshake_on_connect=False)
        return sock, alamat

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up or fails the TLS handshake is not our problem


class ContohAplikasi:
    """The sample application; ``with ContohAplikasi(aman=False) as app: app.url``."""

    def __init__(
        self, aman: bool = True, *, port: int = 0, tls: bool | None = None,
        soft_404: bool = False, akun: tuple[str, str] = AKUN_BAWAAN, login: str = "tautan",
    ) -> None:
        self.aman = aman
        if login not in PATH_LOGIN:
            raise ValueError(f"login: one of {sorted(PATH_LOGIN)}")
        self.login = login
        """How a visitor finds the login (:data:`PATH_LOGIN`)."""
        self.path_login = PATH_LOGIN[login]
        self.port = port
        self.tls = aman if tls is None else tls
        self.soft_404 = soft_404
        """Answer unknown paths with 200 and the generic page (a "soft 404")."""
        self.akun = akun
        self.url: str | None = None
        self.ca_file: Path | None = None
        """The self-signed certificate (PEM) when served over HTTPS."""
        self.permohonan: list[dict[str, str]] = []
        """Submissions the application accepted (the tests look here)."""
        self.sesi: dict[str, dict[str, str]] = {}
        self.gagal_login: dict[str, list[float]] = {}
        """Failed logins per user name (the hardened twin throttles after five)."""
        self._kunci = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def start(self) -> ContohAplikasi:
        if self._server is not None:
            return self
        server = _Server((HOST, self.port), _Penangan)
        server.aplikasi = self
        if self.tls:
            self._folder = tempfile.TemporaryDirectory(prefix="lpa-contoh-")
            sertifikat, kunci = _sertifikat(Path(self._folder.name))
            konteks = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            konteks.minimum_version = ssl.TLSVersion.TLSv1_2
            konteks.load_cert_chain(sertifikat, kunci)
            server.konteks_tls = konteks
            self.ca_file = sertifikat
        self.port = server.server_address[1]
        self.url = f"{'https' if self.tls else 'http'}://{HOST}:{self.port}/"
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1},
            name=f"contoh-aplikasi-{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._folder is not None:
            self._folder.cleanup()
        self._server = self._thread = self._folder = None

    def __enter__(self) -> ContohAplikasi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- sessions (hardened twin: rotated at login; vulnerable twin: fixed) -------------

    def sesi_baru(self) -> str:
        token = secrets.token_urlsafe(24)
        with self._kunci:
            self.sesi[token] = {"csrf": secrets.token_urlsafe(24), "pengguna": ""}
        return token


class _Penangan(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 15

    # --- plumbing --------------------------------------------------------------------

    @property
    def app(self) -> ContohAplikasi:
        return self.server.aplikasi

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    def version_string(self) -> str:
        return "nginx" if self.app.aman else "Apache/2.2.15 (CentOS)"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass

    def _cookie(self) -> dict[str, str]:
        hasil = {}
        for bagian in (self.headers.get("Cookie") or "").split(";"):
            nama, _, nilai = bagian.strip().partition("=")
            if nama:
                hasil[nama] = nilai
        return hasil

    def _kirim(self, status: int, body: str | bytes, *, jenis: str = "text/html; charset=utf-8",
               header: tuple[tuple[str, str], ...] = ()) -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", jenis)
        self.send_header("Content-Length", str(len(data)))
        if self.app.aman:
            for nama, nilai in _HEADER_AMAN:
                self.send_header(nama, nilai)
        else:
            self.send_header("X-Powered-By", "PHP/5.4.16")
        for nama, nilai in header:
            self.send_header(nama, nilai)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _sesi(self) -> tuple[str, dict[str, str], tuple[tuple[str, str], ...]]:
        """The session of this request, created (with its Set-Cookie) when missing."""
        nama = "laravel_session" if self.app.aman else "PHPSESSID"
        token = self._cookie().get(nama, "")
        with self.app._kunci:
            data = self.app.sesi.get(token)
        if data is not None:
            return token, data, ()
        token = self.app.sesi_baru()
        with self.app._kunci:
            data = self.app.sesi[token]
        return token, data, (("Set-Cookie", self._set_cookie(token)),)

    def _set_cookie(self, token: str) -> str:
        if self.app.aman:
            return f"laravel_session={token}; Path=/; HttpOnly; Secure; SameSite=Lax"
        return f"PHPSESSID={token}; path=/"

    def _halaman(self, judul: str, isi: str) -> str:
        generator = "" if self.app.aman else '<meta name="generator" content="SiPerizinan 1.2.0">'
        kontak = ("layanan.perizinan@babelprov.go.id" if self.app.aman
                  else "perizinan.babel@gmail.com")
        return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">{generator}{self._tema()}
<title>{judul} | {_JUDUL}</title></head>
<body>
<header><img src="/uploads/logo.png" alt="Logo" width="48" height="48">
<h1>{_JUDUL}</h1><p>{_INSTANSI}</p>
<nav><a href="/">Beranda</a> | <a href="/cari?q=izin+usaha">Cari layanan</a>{self._nav_login()}
</nav></header>
<main>{isi}</main>
<footer><p>Kontak layanan: <a href="mailto:{kontak}">{kontak}</a> · Telepon (0717) 438123</p>
<p>Jl. Pulau Bangka, Kompleks Perkantoran Gubernur, Air Itam, Pangkalpinang</p></footer>
</body></html>"""

    def _nav_login(self) -> str:
        if self.app.login == "tautan":
            return ' |\n<a href="/masuk">Masuk petugas</a>'
        if self.app.login == "jelajah":
            return ' |\n<a href="/ruang-kerja">Ruang kerja</a>'
        if self.app.login == "tombol":
            return (' |\n<button type="button" onclick="location.href=\'/portal/akses\'">'
                    "Sign in</button>")
        return ""

    def _tema(self) -> str:
        if self.app.login != "lokasi":
            return ""
        return '<link rel="stylesheet" href="/wp-content/themes/perizinan/style.css">'

    def _formulir_permohonan(self, sesi: dict[str, str], nilai: dict[str, str],
                             galat: list[str]) -> str:
        baris = []
        for nama, label, atribut in _ISIAN:
            isi = html.escape(nilai.get(nama, ""), quote=True)
            if nama == "jenis_izin":
                opsi = "".join(f'<option value="{html.escape(j)}">{j}</option>'
                               for j in _JENIS_IZIN)
                kontrol = (f'<select name="jenis_izin" required>'
                           f'<option value="">-- pilih --</option>{opsi}</select>')
            elif nama == "keperluan":
                kontrol = f'<textarea name="keperluan" maxlength="500">{isi}</textarea>'
            else:
                kontrol = f'<input name="{nama}" {atribut} value="{isi}">'
            baris.append(f"<p><label>{label}<br>{kontrol}</label></p>")
        token = (f'<input type="hidden" name="csrf_token" value="{sesi["csrf"]}">'
                 if self.app.aman else "")
        daftar_galat = "".join(f"<li>{html.escape(g)}</li>" for g in galat)
        kotak = f'<ul class="galat">{daftar_galat}</ul>' if galat else ""
        return f"""<section><h2>Ajukan permohonan izin</h2>{kotak}
<form action="/permohonan" method="post">{token}{"".join(baris)}
<p><button type="submit">Kirim permohonan</button></p></form></section>"""

    # --- routes ----------------------------------------------------------------------

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        bagian = urlsplit(self.path)
        path, query = bagian.path, parse_qs(bagian.query)
        aman = self.app.aman
        if path == "/":
            token, sesi, cookie = self._sesi()
            isi = ("<section><h2>Selamat datang</h2><p>Layanan perizinan daring: ajukan "
                   "permohonan, pantau status, dan unduh surat izin.</p>"
                   '<form action="/cari" method="get"><input type="search" name="q" '
                   'maxlength="100"><button>Cari</button></form></section>'
                   + self._formulir_permohonan(sesi, {}, [])
                   + rute_struktur_input.beranda(aman))
            if aman:
                isi += '<p><a href="/status">Cek status permohonan</a></p>'
            else:  # PHP session.use_trans_sid=1, and a statistics box whose query fails
                isi += (f'<p><a href="/status?PHPSESSID={token}">Cek status permohonan</a></p>'
                        "<div class=\"statistik\"><br />\n<b>Warning</b>:  mysqli_connect(): "
                        "(HY000/1045): Access denied for user 'perizinan'@'localhost' (using "
                        "password: YES) in <b>/var/www/html/perizinan/application/views/"
                        "beranda.php</b> on line <b>12</b><br />\n</div>")
            self._kirim(200, self._halaman("Beranda", isi), header=cookie)
        elif path == "/cari":
            kata = (query.get("q") or [""])[0]
            tampil = html.escape(kata) if aman else kata
            isi = (f"<h2>Hasil pencarian</h2><p>Hasil pencarian untuk: {tampil}</p>"
                   "<ul><li>Izin Usaha Pertambangan (IUP) Operasi Produksi</li>"
                   "<li>Izin Usaha Perikanan Tangkap</li></ul>")
            self._kirim(200, self._halaman("Pencarian", isi))
        elif path == "/admin/" and self.app.login == "pengalihan":
            self._kirim(302, "", header=(("Location", f"{self.app.path_login}?next=/admin/"),))
        elif path == self.app.path_login:
            _, sesi, cookie = self._sesi()
            self._kirim(200, self._halaman("Masuk", self._formulir_masuk(sesi, "")),
                        header=cookie)
        elif path == "/dasbor":
            token, sesi, cookie = self._sesi()
            if not sesi.get("pengguna"):
                if self.app.login in ("lokasi", "jelajah"):  # a back office that hides
                    self._tidak_ada(path)
                else:
                    self._kirim(303, "", header=(*cookie, ("Location", self.app.path_login)))
                return
            isi = (f"<h2>Dasbor petugas</h2><p>Selamat bekerja, "
                   f"{html.escape(sesi['pengguna'])}.</p><p>12 permohonan menunggu "
                   "verifikasi.</p>")
            if aman:
                isi += ('<form action="/keluar" method="post"><input type="hidden" '
                        f'name="csrf_token" value="{sesi["csrf"]}"><button>Keluar</button>'
                        "</form>")
            else:
                isi += '<p><a href="/keluar">Keluar</a></p>'
            self._kirim(200, self._halaman("Dasbor", isi),
                        header=(("Cache-Control", "no-store"),) if aman else ())
        elif path == "/permohonan/terima-kasih":
            self._kirim(200, self._halaman("Terima kasih", "<p>Permohonan Anda diterima.</p>"))
        elif path == "/uploads/logo.png":
            self._kirim(200, _LOGO_PNG, jenis="image/png")
        elif path in ("/uploads", "/uploads/"):
            if aman:
                self._kirim(403, self._halaman("Akses ditolak", "<p>Akses ditolak.</p>"))
            else:
                self._kirim(200, _LISTING)
        elif not aman and path == "/.git/HEAD":
            self._kirim(200, "ref: refs/heads/master\n", jenis="text/plain")
        elif not aman and path == "/.git/config":
            self._kirim(200, "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
                        '[remote "origin"]\n\turl = http://gitlab.local/dpmptsp/perizinan.git\n',
                        jenis="text/plain")
        elif path == "/status":
            self._kirim(200, self._halaman("Status", "<h2>Status permohonan</h2><p>Masukkan "
                                           "nomor registrasi Anda.</p>"))
        elif not aman and path == "/keluar":
            # only the browser's cookie is dropped: the session stays valid on the server
            self._kirim(303, "", header=(
                ("Set-Cookie", "PHPSESSID=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT; "
                               "path=/"), ("Location", self.app.path_login)))
        elif not aman and path == "/database.sql":
            self._kirim(200, _DUMP_SQL, jenis="application/sql")
        elif not aman and path == "/readme.txt":
            self._kirim(200, _README, jenis="text/plain")
        elif not aman and path == "/.env":
            self._kirim(200, _ENV_BOCOR, jenis="text/plain")
        elif not rute_struktur_input.jawab_get(self, path, query):
            self._tidak_ada(path)

    def _tidak_ada(self, path: str) -> None:
        if self.app.aman:
            status = 200 if self.app.soft_404 else 404
            self._kirim(status, self._halaman(
                "Tidak ditemukan", "<h2>Halaman tidak ditemukan</h2>"
                '<p>Periksa kembali alamat yang Anda tuju atau kembali ke <a href="/">beranda'
                "</a>.</p>"))
            return
        if self.app.soft_404:  # the vulnerable twin's soft 404: 200 and the path, escaped
            self._kirim(200, self._halaman("Tidak ditemukan", f"<h2>Halaman {html.escape(path)} "
                                           "tidak ditemukan</h2>"))
            return
        nama = re.sub(r"[^A-Za-z0-9_\-.]", "", path.strip("/").split("/")[-1])[:60] or "index"
        self._kirim(404, _GALAT_404.replace("{nama}", nama).replace("{{main}}", "{main}"))

    def _formulir_masuk(self, sesi: dict[str, str], pesan: str) -> str:
        token = (f'<input type="hidden" name="csrf_token" value="{sesi["csrf"]}">'
                 if self.app.aman else "")
        kotak = f'<p class="galat">{html.escape(pesan)}</p>' if pesan else ""
        return f"""<section><h2>Masuk petugas</h2>{kotak}
<form action="{self.app.path_login}" method="post">{token}
<p><label>Nama pengguna<br><input type="text" name="username" required maxlength="50"></label></p>
<p><label>Kata sandi<br><input type="password" name="password" required></label></p>
<p><button type="submit">Masuk</button></p></form></section>"""

    def _baca_form(self) -> dict[str, str]:
        panjang = min(int(self.headers.get("Content-Length") or 0), 100_000)
        data = self.rfile.read(panjang).decode("utf-8", errors="replace")
        return {k: v[0] for k, v in parse_qs(data, keep_blank_values=True).items()}

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        path = urlsplit(self.path).path
        form = self._baca_form()
        token, sesi, cookie = self._sesi()
        aman = self.app.aman
        if aman and path in (self.app.path_login, "/permohonan", "/unggah") and \
                not secrets.compare_digest(form.get("csrf_token", ""), sesi["csrf"]):
            self._kirim(403, self._halaman("Ditolak", "<p>Sesi kedaluwarsa, muat ulang "
                                           "halaman.</p>"), header=cookie)
            return
        if path == "/keluar" and aman:
            with self.app._kunci:
                self.app.sesi.pop(token, None)
            self._kirim(303, "", header=(
                ("Set-Cookie", "laravel_session=; Max-Age=0; Path=/; HttpOnly; Secure; "
                               "SameSite=Lax"), ("Location", self.app.path_login)))
            return
        if path == self.app.path_login:
            nama = form.get("username", "")
            sekarang = time.monotonic()
            with self.app._kunci:
                gagal = [t for t in self.app.gagal_login.get(nama, [])
                         if sekarang - t < _JENDELA_GAGAL]
                self.app.gagal_login[nama] = gagal
            if aman and len(gagal) >= _BATAS_GAGAL:
                self._kirim(429, self._halaman("Masuk", self._formulir_masuk(
                    sesi, "Terlalu banyak percobaan masuk. Coba lagi dalam 15 menit.")),
                    header=(*cookie, ("Retry-After", "900")))
                return
            if (form.get("username"), form.get("password")) == self.app.akun:
                with self.app._kunci:
                    self.app.gagal_login.pop(nama, None)
                if aman:  # a fresh session id at login (no fixation)
                    baru = self.app.sesi_baru()
                    with self.app._kunci:
                        self.app.sesi.pop(token, None)
                        self.app.sesi[baru]["pengguna"] = self.app.akun[0]
                    cookie = (("Set-Cookie", self._set_cookie(baru)),)
                else:
                    sesi["pengguna"] = self.app.akun[0]
                    cookie = (("Set-Cookie", self._set_cookie(token)),)
                self._kirim(303, "", header=(*cookie, ("Location", "/dasbor")))
            else:
                with self.app._kunci:
                    self.app.gagal_login.setdefault(nama, []).append(sekarang)
                if aman:
                    pesan = "Nama pengguna atau kata sandi salah."
                elif nama != self.app.akun[0]:
                    pesan = "Nama pengguna tidak terdaftar."
                else:
                    pesan = "Kata sandi salah."
                self._kirim(200, self._halaman("Masuk", self._formulir_masuk(sesi, pesan)),
                            header=cookie)
        elif path == "/permohonan":
            galat = _validasi(form) if aman else []
            if galat:
                self._kirim(422, self._halaman("Permohonan", self._formulir_permohonan(
                    sesi, form, galat)), header=cookie)
                return
            with self.app._kunci:
                self.app.permohonan.append(form)
                nomor = len(self.app.permohonan)
            if aman:
                self._kirim(303, "", header=(*cookie,
                                             ("Location", "/permohonan/terima-kasih")))
            else:
                self._kirim(200, self._halaman("Permohonan", (
                    "<h2>Permohonan berhasil disimpan</h2><p>Nomor registrasi: "
                    f"REG-2024-{nomor:06d}. Simpan nomor ini untuk memantau status.</p>")),
                    header=cookie)
        else:
            self._tidak_ada(path)


def _validasi(form: dict[str, str]) -> list[str]:
    """Server-side validation of the application form (the hardened twin)."""
    galat = []
    for nama, label, _ in _ISIAN:
        if nama != "keperluan" and not form.get(nama, "").strip():
            galat.append(f"{label} wajib diisi.")
    batas = {"nama": 100, "nik": 16, "email": 120, "keperluan": 500}
    for nama, maks in batas.items():
        if len(form.get(nama, "")) > maks:
            galat.append(f"{nama} melebihi {maks} karakter.")
    if form.get("nik") and not re.fullmatch(r"\d{16}", form["nik"]):
        galat.append("NIK harus 16 angka.")
    if form.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", form["email"]):
        galat.append("Email tidak valid.")
    if form.get("jenis_izin") and form["jenis_izin"] not in _JENIS_IZIN:
        galat.append("Jenis izin tidak dikenal.")
    return galat
