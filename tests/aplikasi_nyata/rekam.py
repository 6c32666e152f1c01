"""Record real software's answers into tests/fixtures/rekaman/ (see its README.md).

    .venv/bin/python tests/aplikasi_nyata/rekam.py [--keluar tests/fixtures/rekaman]
        [--hanya http|db] [--aplikasi wagtail,...]

* ``http/<aplikasi>/<nama>.json``: each application of :mod:`aplikasi_nyata` (Django, Flask
  with Werkzeug, PHP's built-in server, the Wagtail CMS; debug and hardened configuration;
  ``--aplikasi`` records only those named) asked the requests
  of :data:`PERMINTAAN` (home page, unknown path, provoked errors, phpinfo, the login page, a
  failed and a successful login with the test account): method, path, status, headers
  (in order, repeated ones kept) and body (text, at most :data:`BATAS_BADAN` characters).
* ``db/<layanan>.json``: the local MariaDB (127.0.0.1:3306), PostgreSQL (127.0.0.1:5432) and
  Redis (127.0.0.1:6379) in a transcript of the same exchanges the feasibility test's
  database probes make: what was sent and what the server answered, base64, one step each.

Every text saved has the test account's password replaced by ``[disensor]``. An application
or a database that is not available here is skipped with the reason on stderr; what was
recorded before stays.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import socket
import struct
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aplikasi_nyata as an  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
KELUAR = ROOT / "tests" / "fixtures" / "rekaman"
BATAS_BADAN = 200_000
UA = "LPA-Rekam/0.1 (tests/aplikasi_nyata/rekam.py)"

PERMINTAAN: dict[str, list[tuple[str, str]]] = {
    # name -> (method, path); "LOGIN_GAGAL" / "LOGIN" are the login form with a wrong and
    # with the right password
    "django": [("beranda", "/"), ("404", "/tidak-ada/"), ("login", "/admin/login/"),
               ("admin_tanpa_login", "/admin/"), ("kutip_next", "/admin/login/?next=%27"),
               ("login_gagal", "LOGIN_GAGAL"), ("login_berhasil", "LOGIN")],
    "flask": [("beranda", "/"), ("404", "/tidak-ada"), ("500_nilai", "/hitung?n=x"),
              ("500_kutip", "/hitung?n=%27"), ("500_nol", "/hitung?n=0"),
              ("konsol", "/console"), ("login", "/masuk"), ("login_gagal", "LOGIN_GAGAL"),
              ("login_berhasil", "LOGIN")],
    "php": [("beranda", "/"), ("404", "/tidak-ada.txt"), ("phpinfo", "/info.php"),
            ("500_nilai", "/produk.php?id=x"), ("500_kutip", "/produk.php?id=%27"),
            ("500_nol", "/produk.php?id=0"), ("peringatan", "/produk.php?id=3"),
            ("login", "/masuk.php"), ("login_gagal", "LOGIN_GAGAL"), ("login_berhasil", "LOGIN")],
    # /search/ of the generated project hands the query to SQLite's full-text search: a double
    # quote is a syntax error of its query language (500), a single quote is not
    "wagtail": [("beranda", "/"), ("404", "/tidak-ada/"), ("cari", "/search/?query=a"),
                ("500_kutip", "/search/?query=%22"), ("kutip_tunggal", "/search/?query=%27"),
                ("login", "/admin/login/"), ("admin_tanpa_login", "/admin/"),
                ("login_django", "/django-admin/login/"), ("login_gagal", "LOGIN_GAGAL"),
                ("login_berhasil", "LOGIN")],
}


def _sensor(teks: str) -> str:
    return teks.replace(an.AKUN[1], "[disensor]")


def _simpan(berkas: Path, data: dict[str, Any]) -> None:
    berkas.parent.mkdir(parents=True, exist_ok=True)
    berkas.write_text(_sensor(json.dumps(data, indent=1, ensure_ascii=False)) + "\n")


def _jawaban(r: httpx.Response, nama: str, app: an.AplikasiNyata) -> dict[str, Any]:
    teks = r.text
    return {
        "aplikasi": app.nama, "versi": app.versi, "direkam": datetime.now(UTC).isoformat(
            timespec="seconds"),
        "method": r.request.method, "path": r.request.url.raw_path.decode(),
        "status": r.status_code,
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in r.headers.raw],
        "body": teks[:BATAS_BADAN], "body_terpotong": len(teks) > BATAS_BADAN, "nama": nama,
    }


def _login(klien: httpx.Client, app: an.AplikasiNyata, sandi: str) -> httpx.Response:
    """The login form filled in as a person would (Django's CSRF token included)."""
    halaman = klien.get(app.login)
    data = {"username": app.akun[0], "password": sandi}
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', halaman.text)
    if m:
        data["csrfmiddlewaretoken"] = m.group(1)
    if app.nama.startswith(("django", "wagtail")):
        data["next"] = "/admin/"
    return klien.post(app.login, data=data, headers={"Referer": app.url.rstrip("/")
                                                     + app.login})


def rekam_http(keluar: Path, aplikasi: tuple[str, ...] = an.NAMA) -> None:
    for jenis in aplikasi:
        alasan = an.tersedia(jenis)
        if alasan:
            print(f"lewati {jenis}: {alasan}", file=sys.stderr)
            continue
        for debug in (True, False):
            with an.PELUNCUR[jenis](debug=debug) as app:
                for nama, path in PERMINTAAN[jenis]:
                    with httpx.Client(base_url=app.url, trust_env=False, timeout=20,
                                      headers={"User-Agent": UA}) as klien:
                        if path == "LOGIN_GAGAL":
                            r = _login(klien, app, "salah-" + app.akun[1][::-1])
                        elif path == "LOGIN":
                            r = _login(klien, app, app.akun[1])
                        else:
                            r = klien.get(path)
                    _simpan(keluar / "http" / app.nama / f"{nama}.json", _jawaban(r, nama, app))
                    print(f"{app.nama} {nama}: {r.request.method} {r.request.url.raw_path.decode()}"
                          f" -> {r.status_code}", file=sys.stderr)


# --- databases --------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _terima(sock: socket.socket, tunggu: float = 1.0) -> bytes:
    """Everything the server sends until it stays silent ``tunggu`` seconds (or closes)."""
    sock.settimeout(tunggu)
    data = b""
    while True:
        try:
            potong = sock.recv(65536)
        except TimeoutError:
            return data
        if not potong:
            return data
        data += potong


def _paket_mysql(urutan: int, isi: bytes) -> bytes:
    return struct.pack("<I", len(isi))[:3] + bytes([urutan]) + isi


def _login_mysql(pengguna: str) -> list[dict[str, str]]:
    """Greeting, then a handshake response as ``pengguna`` with an empty password."""
    with socket.create_connection(("127.0.0.1", 3306), timeout=5) as s:
        salam = _terima(s)
        isi = salam[4:]
        akhir = isi.index(b"\0", 1)
        plugin = isi.rsplit(b"\0", 2)[-2] if isi.endswith(b"\0") else b"mysql_native_password"
        bendera = 0x0200 | 0x8000 | 0x80000  # protocol 41, secure connection, plugin auth
        kirim = _paket_mysql(1, struct.pack("<IIB", bendera, 1 << 24, 45) + b"\0" * 23
                             + pengguna.encode() + b"\0" + b"\0" + plugin + b"\0")
        s.sendall(kirim)
        jawab = _terima(s)
        langkah = [{"kirim": "", "terima": _b64(salam), "catatan": "salam server"},
                   {"kirim": _b64(kirim), "terima": _b64(jawab),
                    "catatan": f"login {pengguna} tanpa sandi ({isi[1:akhir].decode()})"}]
        if jawab[4:5] == b"\x00":
            s.sendall(_paket_mysql(0, b"\x01"))  # COM_QUIT
        return langkah


def _startup_pg(pengguna: str) -> list[dict[str, str]]:
    with socket.create_connection(("127.0.0.1", 5432), timeout=5) as s:
        ssl_req = struct.pack(">II", 8, 80877103)
        s.sendall(ssl_req)
        tls = _terima(s, 2.0)
        langkah = [{"kirim": _b64(ssl_req), "terima": _b64(tls), "catatan": "SSLRequest"}]
    with socket.create_connection(("127.0.0.1", 5432), timeout=5) as s:
        parameter = (b"user\0" + pengguna.encode() + b"\0database\0postgres\0"
                     b"application_name\0lpa-rekam\0\0")
        startup = struct.pack(">II", 8 + len(parameter), 196608) + parameter
        s.sendall(startup)
        jawab = _terima(s, 2.0)
        langkah.append({"kirim": _b64(startup), "terima": _b64(jawab),
                        "catatan": f"StartupMessage user {pengguna}"})
        s.sendall(b"X" + struct.pack(">I", 4))
    return langkah


def _redis() -> list[dict[str, str]]:
    langkah = []
    with socket.create_connection(("127.0.0.1", 6379), timeout=5) as s:
        for perintah in (b"PING\r\n", b"INFO server\r\n", b"QUIT\r\n"):
            s.sendall(perintah)
            langkah.append({"kirim": _b64(perintah), "terima": _b64(_terima(s, 1.0)),
                            "catatan": perintah.decode().strip()})
    return langkah


def rekam_db(keluar: Path) -> None:
    rekaman = {
        "mariadb": lambda: _login_mysql("root") + _login_mysql("lpa_tidak_ada")[1:],
        "postgresql": lambda: _startup_pg("postgres") + _startup_pg("lpa_tidak_ada")[1:],
        "redis": _redis,
    }
    port = {"mariadb": 3306, "postgresql": 5432, "redis": 6379}
    for nama, fungsi in rekaman.items():
        try:
            langkah = fungsi()
        except OSError as exc:
            print(f"lewati {nama}: {exc}", file=sys.stderr)
            continue
        _simpan(keluar / "db" / f"{nama}.json", {
            "layanan": nama, "host": "127.0.0.1", "port": port[nama],
            "direkam": datetime.now(UTC).isoformat(timespec="seconds"), "langkah": langkah})
        print(f"{nama}: {len(langkah)} langkah", file=sys.stderr)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--keluar", type=Path, default=KELUAR)
    p.add_argument("--hanya", choices=("http", "db"), default=None)
    p.add_argument("--aplikasi", default=",".join(an.NAMA),
                   help=f"comma-separated applications to record over HTTP, of {','.join(an.NAMA)}")
    a = p.parse_args()
    aplikasi = tuple(n for n in a.aplikasi.split(",") if n)
    if set(aplikasi) - set(an.NAMA):
        p.error(f"unknown applications: {sorted(set(aplikasi) - set(an.NAMA))}")
    mulai = time.monotonic()
    if a.hanya in (None, "http"):
        rekam_http(a.keluar, aplikasi)
    if a.hanya in (None, "db"):
        rekam_db(a.keluar)
    print(f"selesai dalam {time.monotonic() - mulai:.1f} detik", file=sys.stderr)


if __name__ == "__main__":
    main()
