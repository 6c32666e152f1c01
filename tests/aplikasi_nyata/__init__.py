"""Real, unmodified applications on loopback, for the feasibility test's measures and records.

Each launcher is a context manager that starts one application on ``127.0.0.1:<free port>``
in a process of its own (its own session, so the whole group is stopped on exit), waits for it
to answer (bounded, :data:`BATAS_MULAI` seconds), yields an :class:`AplikasiNyata` and stops it
and removes its temporary folder on exit. Nothing is downloaded: the software comes from
Debian (``php-cli``) or PyPI (Django, Flask/Werkzeug: the ``test`` extra of pyproject.toml;
Wagtail: the ``bench`` extra, which CI does not install).

* :func:`django` — ``django-admin startproject`` as it comes (``DEBUG = True``, the admin at
  ``/admin/``), ``migrate`` on SQLite and a superuser as the test account, served by
  ``manage.py runserver``. ``debug=False``: the same project with a settings module that only
  imports the generated one and sets ``DEBUG = False`` and ``ALLOWED_HOSTS``.
* :func:`flask` — a small Flask application (a home page, a search page, a login form, a page
  that divides by a number from the query, so that ``?n=0`` or ``?n='`` raises), served by
  ``flask run``; ``debug=True`` turns on the Werkzeug interactive debugger (``--debug``).
* :func:`wagtail` — a CMS: ``wagtail start`` as it comes (the ``dev`` settings,
  ``DEBUG = True``; Wagtail's admin at ``/admin/``, Django's at ``/django-admin/``, a search
  page at ``/search/``), ``migrate`` on SQLite and a superuser as the test account, served by
  ``manage.py runserver``. ``debug=False``: the generated ``production`` settings (``DEBUG =
  False``) through a module that adds only what they leave to the deployer: ``SECRET_KEY``,
  ``ALLOWED_HOSTS``, and the plain static-files storage (see :data:`WAGTAIL_AMAN`).
* :func:`php` — PHP's built-in server (``php -S``) on a folder with ``index.php``, a login
  form, a page that throws on bad input and ``info.php`` (``phpinfo()``); ``debug=True``:
  ``display_errors=1`` and ``expose_php=1``; ``debug=False``: both off and no ``info.php``.

:func:`tersedia` says why an application cannot be started here (None when it can); tests and
benchmarks skip with that reason. The applications' own code (Flask's and PHP's pages) is
written here so that it is the same on every machine: what is measured is the framework's
behaviour, in its default or debug configuration.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BATAS_MULAI = 90.0
"""Seconds an application may take to answer after it is started."""
AKUN = ("penguji", "UjiNyata-2026!rahasia")
"""The test account each application is given (user name, password)."""
NAMA = ("django", "flask", "php", "wagtail")


@dataclass
class AplikasiNyata:
    nama: str
    """``django``, ``flask``, ``php`` or ``wagtail``, with ``-debug`` or ``-aman``."""
    url: str
    """Base URL, ``http://127.0.0.1:<port>/``."""
    port: int
    akun: tuple[str, str]
    login: str
    """Path of the login page."""
    versi: str
    """The framework's version as installed."""
    folder: Path
    log: Path
    catatan: dict[str, str] = field(default_factory=dict)
    """Paths worth knowing (debug page, error page, ...), by name."""


def port_bebas() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tersedia(nama: str) -> str | None:
    """Why ``nama`` cannot be started on this machine, or None."""
    if nama == "php":
        return None if shutil.which("php") else "php tidak terpasang (apt-get install php-cli)"
    modul = {"django": "django", "flask": "flask", "wagtail": "wagtail"}[nama]
    if importlib.util.find_spec(modul) is None:
        extra = "bench" if nama == "wagtail" else "test"
        return f"paket Python {modul} tidak terpasang (pip install -e '.[{extra}]')"
    return None


def _tunggu_jawab(url: str, proses: subprocess.Popen[bytes], log: Path) -> None:
    batas = time.monotonic() + BATAS_MULAI
    while time.monotonic() < batas:
        if proses.poll() is not None:
            raise RuntimeError(f"aplikasi berhenti (kode {proses.returncode}): "
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            httpx.get(url, timeout=2, trust_env=False)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"aplikasi tidak menjawab dalam {BATAS_MULAI:g} detik: "
                       f"{log.read_text(errors='replace')[-2000:]}")


def _hentikan(proses: subprocess.Popen[bytes]) -> None:
    """Stop the process group we started (its own session), bounded."""
    if proses.poll() is None:
        try:
            os.killpg(proses.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proses.wait(timeout=15)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proses.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proses.wait(timeout=15)


@contextmanager
def _jalankan(cmd: list[str], folder: Path, env: dict[str, str], url: str) -> Iterator[Path]:
    log = folder / "server.log"
    with log.open("wb") as keluaran:
        proses = subprocess.Popen(cmd, cwd=folder, env=env, stdout=keluaran,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            _tunggu_jawab(url, proses, log)
            yield log
        finally:
            _hentikan(proses)


def _env(folder: Path, **tambah: str) -> dict[str, str]:
    """A minimal environment: debug pages (Django's, phpinfo()) show the process's
    environment, which must not carry this machine's variables into a recording."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", **tambah}


# --- Django -----------------------------------------------------------------------------------

def _siapkan_manage(folder: Path, env: dict[str, str], debug: bool
                    ) -> tuple[int, str, list[str]]:
    """A Django project's database (``migrate``, SQLite) and the test account as a superuser
    (its password from ``DJANGO_SUPERUSER_PASSWORD`` in ``env``); then the port, the URL and
    the ``runserver`` command to serve it (``--insecure`` with DEBUG off: the admin's CSS and
    scripts, as a front server would serve them)."""
    py = sys.executable
    for langkah in (["migrate", "--noinput"],
                    ["createsuperuser", "--noinput", "--username", AKUN[0],
                     "--email", "penguji@example.go.id"]):
        subprocess.run([py, "manage.py", *langkah], cwd=folder, check=True, timeout=300,
                       capture_output=True, env=env)
    port = port_bebas()
    cmd = [py, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"]
    if not debug:
        cmd.append("--insecure")
    return port, f"http://127.0.0.1:{port}/", cmd


DJANGO_AMAN = """\
# Hardened: the generated settings, DEBUG off (nothing else changed).
from situs.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
"""


@contextmanager
def django(debug: bool = True) -> Iterator[AplikasiNyata]:
    """``startproject`` as generated (``DEBUG = True``), or with DEBUG off."""
    import django as dj

    folder = Path(tempfile.mkdtemp(prefix="lpa-nyata-django-"))
    try:
        py = sys.executable
        subprocess.run([py, "-m", "django", "startproject", "situs", str(folder)], check=True,
                       timeout=120, capture_output=True, env=_env(folder))
        (folder / "situs" / "aman.py").write_text(DJANGO_AMAN)
        env = _env(folder, DJANGO_SETTINGS_MODULE="situs.settings" if debug else "situs.aman",
                   DJANGO_SUPERUSER_PASSWORD=AKUN[1])
        port, url, cmd = _siapkan_manage(folder, env, debug)
        with _jalankan(cmd, folder, env, url) as log:
            yield AplikasiNyata(
                nama=f"django-{'debug' if debug else 'aman'}", url=url, port=port, akun=AKUN,
                login="/admin/login/", versi=dj.get_version(), folder=folder, log=log,
                catatan={"404": "/tidak-ada/", "admin": "/admin/"})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- Flask (Werkzeug) -------------------------------------------------------------------------

FLASK_APP = '''\
"""A small Flask application: home, search, login, a page that divides by ?n=."""
from flask import Flask, redirect, render_template_string, request, session, url_for

app = Flask(__name__)
app.secret_key = "kunci-uji-lokal"
AKUN = {"penguji": __import__("os").environ["AKUN_SANDI"]}

DASAR = """<!doctype html><html lang="id"><head><title>{{ judul }}</title></head><body>
<nav><a href="/">Beranda</a> <a href="/cari?q=">Cari</a> <a href="/hitung?n=4">Hitung</a>
<a href="/masuk">Masuk</a></nav><main>{{ isi|safe }}</main></body></html>"""


@app.route("/")
def beranda():
    return render_template_string(DASAR, judul="Beranda", isi="<h1>Layanan</h1>")


@app.route("/cari")
def cari():
    q = request.args.get("q", "")
    isi = ('<form action="/cari"><input name="q" value="{}"><button>Cari</button></form>'
           .format(q.replace("<", "&lt;").replace('"', "&quot;")))
    return render_template_string(DASAR, judul="Cari", isi=isi)


@app.route("/hitung")
def hitung():
    n = int(request.args.get("n", "1"))  # ?n=x raises ValueError, ?n=0 ZeroDivisionError
    return render_template_string(DASAR, judul="Hitung", isi=f"<p>100/n = {100 / n}</p>")


@app.route("/masuk", methods=["GET", "POST"])
def masuk():
    pesan = ""
    if request.method == "POST":
        if AKUN.get(request.form.get("username", "")) == request.form.get("password"):
            session["pengguna"] = request.form["username"]
            return redirect(url_for("akun"))
        pesan = "<p>Nama pengguna atau kata sandi salah.</p>"
    isi = pesan + ('<form method="post" action="/masuk"><input name="username">'
                   '<input type="password" name="password"><button>Masuk</button></form>')
    return render_template_string(DASAR, judul="Masuk", isi=isi)


@app.route("/akun")
def akun():
    if "pengguna" not in session:
        return redirect(url_for("masuk"))
    return render_template_string(DASAR, judul="Akun",
                                  isi='<p>Halo</p><a href="/keluar">Keluar</a>')


@app.route("/keluar")
def keluar():
    session.clear()
    return redirect(url_for("beranda"))
'''


@contextmanager
def flask(debug: bool = True) -> Iterator[AplikasiNyata]:
    """``flask run``; ``debug``: ``--debug`` (the Werkzeug interactive debugger)."""
    import importlib.metadata

    folder = Path(tempfile.mkdtemp(prefix="lpa-nyata-flask-"))
    try:
        (folder / "aplikasi.py").write_text(FLASK_APP)
        port = port_bebas()
        url = f"http://127.0.0.1:{port}/"
        cmd = [sys.executable, "-m", "flask", "--app", "aplikasi", "run", "--host", "127.0.0.1",
               "--port", str(port), "--no-reload"]
        cmd[5:5] = ["--debug"] if debug else []
        env = _env(folder, AKUN_SANDI=AKUN[1])
        with _jalankan(cmd, folder, env, url) as log:
            yield AplikasiNyata(
                nama=f"flask-{'debug' if debug else 'aman'}", url=url, port=port, akun=AKUN,
                login="/masuk", versi=f"Flask {importlib.metadata.version('flask')}, Werkzeug "
                                      f"{importlib.metadata.version('werkzeug')}",
                folder=folder, log=log, catatan={"500": "/hitung?n=x", "404": "/tidak-ada"})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- PHP built-in server ----------------------------------------------------------------------

PHP_BERKAS = {
    "index.php": """<?php session_start(); ?><!doctype html><html lang="id"><head>
<title>Layanan</title></head><body><nav><a href="/">Beranda</a>
<a href="/produk.php?id=1">Produk</a> <a href="/masuk.php">Masuk</a></nav>
<h1>Layanan</h1></body></html>
""",
    "produk.php": """<?php
$id = $_GET['id'] ?? '1';
$daftar = [1 => 'Buku', 2 => 'Pena'];
// no validation: a quote or a word makes PHP warn and throw, as careless code does
$nomor = 100 / $id;
echo "<!doctype html><html><body><p>Produk: " . htmlspecialchars($daftar[$id]) .
     " ($nomor)</p></body></html>";
""",
    "masuk.php": """<?php
session_start();
$pesan = '';
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    if (($_POST['username'] ?? '') === 'penguji' &&
        ($_POST['password'] ?? '') === getenv('AKUN_SANDI')) {
        session_regenerate_id(true);
        $_SESSION['pengguna'] = 'penguji';
        header('Location: /akun.php');
        exit;
    }
    $pesan = '<p>Nama pengguna atau kata sandi salah.</p>';
}
?><!doctype html><html lang="id"><head><title>Masuk</title></head><body><?= $pesan ?>
<form method="post" action="/masuk.php"><input name="username">
<input type="password" name="password"><button>Masuk</button></form></body></html>
""",
    "akun.php": """<?php
session_start();
if (empty($_SESSION['pengguna'])) { header('Location: /masuk.php'); exit; }
?><!doctype html><html><body><p>Halo</p><a href="/keluar.php">Keluar</a></body></html>
""",
    "keluar.php": """<?php session_start(); session_destroy(); header('Location: /'); """,
}


@contextmanager
def php(debug: bool = True) -> Iterator[AplikasiNyata]:
    """``php -S``; ``debug``: errors displayed, version exposed, ``info.php`` present."""
    folder = Path(tempfile.mkdtemp(prefix="lpa-nyata-php-"))
    try:
        web = folder / "web"
        web.mkdir()
        for nama, isi in PHP_BERKAS.items():
            (web / nama).write_text(isi)
        if debug:
            (web / "info.php").write_text("<?php phpinfo();\n")
        port = port_bebas()
        url = f"http://127.0.0.1:{port}/"
        nyala = "1" if debug else "0"
        cmd = ["php", "-n", "-d", f"display_errors={nyala}", "-d", f"expose_php={nyala}",
               "-d", "error_reporting=E_ALL", "-d", "log_errors=0",
               "-d", f"session.save_path={folder}", "-S", f"127.0.0.1:{port}", "-t", str(web)]
        versi = subprocess.run(["php", "-r", "echo PHP_VERSION;"], capture_output=True,
                               text=True, timeout=30).stdout.strip()
        with _jalankan(cmd, folder, _env(folder, AKUN_SANDI=AKUN[1]), url) as log:
            yield AplikasiNyata(
                nama=f"php-{'debug' if debug else 'aman'}", url=url, port=port, akun=AKUN,
                login="/masuk.php", versi=f"PHP {versi}", folder=folder, log=log,
                catatan={"500": "/produk.php?id=x", "phpinfo": "/info.php"})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- Wagtail (a Django CMS) ------------------------------------------------------------------

WAGTAIL_AMAN = """\
# Hardened: the generated production settings (DEBUG = False) and what they leave to the
# deployer (a secret key, the host names); nothing else changed.
from situs.settings.production import *  # noqa: F403

SECRET_KEY = {kunci!r}
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# production.py asks for ManifestStaticFilesStorage, whose hashed files a front server serves
# after collectstatic; runserver --insecure serves the apps' own (unhashed) files instead
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage")
"""


@contextmanager
def wagtail(debug: bool = True) -> Iterator[AplikasiNyata]:
    """``wagtail start`` as generated (``situs.settings.dev``: ``DEBUG = True``), or its
    production settings (:data:`WAGTAIL_AMAN`)."""
    import secrets

    import django as dj
    import wagtail as wt

    folder = Path(tempfile.mkdtemp(prefix="lpa-nyata-wagtail-"))
    try:
        py = sys.executable
        subprocess.run([py, "-m", "wagtail.bin.wagtail", "start", "situs", str(folder)],
                       check=True, timeout=120, capture_output=True, env=_env(folder))
        (folder / "situs" / "settings" / "aman.py").write_text(
            WAGTAIL_AMAN.format(kunci=secrets.token_urlsafe(50)))
        env = _env(folder, DJANGO_SETTINGS_MODULE="situs.settings."
                   + ("dev" if debug else "aman"), DJANGO_SUPERUSER_PASSWORD=AKUN[1])
        port, url, cmd = _siapkan_manage(folder, env, debug)
        with _jalankan(cmd, folder, env, url) as log:
            yield AplikasiNyata(
                nama=f"wagtail-{'debug' if debug else 'aman'}", url=url, port=port, akun=AKUN,
                login="/admin/login/", versi=f"Wagtail {wt.__version__}, Django "
                                              f"{dj.get_version()}",
                folder=folder, log=log,
                catatan={"404": "/tidak-ada/", "500": '/search/?query="', "admin": "/admin/"})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


PELUNCUR = {"django": django, "flask": flask, "php": php, "wagtail": wagtail}
"""Launcher of each application, called with ``debug=True`` or ``debug=False``."""
