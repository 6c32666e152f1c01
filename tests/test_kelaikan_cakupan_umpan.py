"""The whole feasibility test never leaves its target: a listening decoy counts what leaks.

A target application on 127.0.0.1:P whose pages point everywhere off its origin: links,
forms' ``action``, ``script src``, stylesheets, images, frames, a ``<base href>``, a meta
refresh, a ``Refresh`` and a ``Link`` header, ``Location`` headers (a redirect page, a
protected path redirecting to a single sign-on elsewhere, the logout), scheme-relative URLs,
URLs in its JavaScript, ``robots.txt`` and ``sitemap.xml``. Every one of them names a decoy:

* ``127.0.0.2:P`` — another host, the same port (a scope rule that compared only ports leaks
  here);
* ``127.0.0.1:Q`` — the same host, another port (a rule that compared only hosts leaks here);
* raw TCP listeners on ``127.0.0.2`` at the common database ports the DBMS category scans
  (when free), for a database probe that wandered to another host.

Each decoy counts every connection it accepts (before any byte is read) and every request it
parses. The whole flow runs, all six security categories and the stress test, with the test
account and a database host (127.0.0.1), and then:

* no decoy accepted a single connection;
* the target was really tested: pages reachable only through its links were fetched, the
  login form was sent with the test account and succeeded, the logout was visited, the stress
  test sent its load, and every category reports checks that ran (so a scanner that sent
  nothing at all would fail here, not pass).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import socketserver
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import bantu
import httpx
import pytest

from domain.forms import UjiBeban
from domain.kelaikan import TargetUji

AKUN = ("penguji", "UmpanRahasia-2026!")
PORT_DB_UMPAN = (5432, 3306, 6379, 27017, 1433)


@dataclass
class Catatan:
    """What one server received."""

    koneksi: int = 0
    permintaan: Counter[str] = field(default_factory=Counter)
    kunci: threading.Lock = field(default_factory=threading.Lock)

    def sambung(self) -> None:
        with self.kunci:
            self.koneksi += 1

    def tambah(self, apa: str) -> None:
        with self.kunci:
            self.permintaan[apa] += 1


# --- the decoys --------------------------------------------------------------------------------

class _ServerUmpan(ThreadingHTTPServer):
    daemon_threads = True
    catatan: Catatan

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.catatan.sambung()  # counted on accept, whatever follows
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class _PenanganUmpan(BaseHTTPRequestHandler):
    server: _ServerUmpan

    def log_message(self, *args: object) -> None:
        pass

    def _tangani(self) -> None:
        self.server.catatan.tambah(f"{self.command} {self.path}")
        badan = b"<html><body>umpan</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(badan)))
        self.end_headers()
        self.wfile.write(badan)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = _tangani  # noqa: N815


class _TcpUmpan(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    catatan: Catatan

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.catatan.sambung()
        return False  # closed at once: nothing to say to a database client


# --- the target ----------------------------------------------------------------------------------

def _halaman(judul: str, isi: str, kepala: str = "") -> bytes:
    return (f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{judul}</title>'
            f"{kepala}</head><body><nav><a href=\"/\">Beranda</a> <a href=\"/produk?id=1\">"
            f'Produk</a> <a href="/cari?q=buku">Cari</a> <a href="/tentang">Tentang</a> '
            f'<a href="/kontak">Kontak</a> <a href="/masuk">Masuk</a></nav><main>{isi}</main>'
            "</body></html>").encode()


class _ServerTarget(ThreadingHTTPServer):
    daemon_threads = True
    catatan: Catatan
    u1: str
    """The decoy on another host, same port."""
    u2: str
    """The decoy on this host, another port."""
    u1_tanpa_skema: str
    sesi: set[str]
    login_berhasil: int = 0

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.catatan.sambung()
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class _PenanganTarget(BaseHTTPRequestHandler):
    server: _ServerTarget
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def _kirim(self, status: int, badan: bytes = b"", jenis: str = "text/html; charset=utf-8",
               header: list[tuple[str, str]] | None = None) -> None:
        self.send_response(status)
        for nama, nilai in header or []:
            self.send_header(nama, nilai)
        self.send_header("Content-Type", jenis)
        self.send_header("Content-Length", str(len(badan)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(badan)

    def _alihkan(self, lokasi: str, header: list[tuple[str, str]] | None = None) -> None:
        self._kirim(302, b"", header=[("Location", lokasi), *(header or [])])

    def _masuk(self) -> bool:
        kue = self.headers.get("Cookie") or ""
        return any(f"sesi={s}" in kue for s in self.server.sesi)

    def _tangani(self) -> None:  # noqa: C901 - one branch per page of the site
        s = self.server
        u1, u2, rel = s.u1, s.u2, s.u1_tanpa_skema
        jalur, _, kueri = self.path.partition("?")
        panjang = min(int(self.headers.get("Content-Length") or 0), 65536)
        badan = self.rfile.read(panjang).decode("utf-8", "replace") if panjang else ""
        s.catatan.tambah(f"{self.command} {jalur}")
        if jalur == "/":
            self._kirim(200, _halaman("Beranda", (
                f'<h1>Layanan</h1><a href="{u1}/beranda">Portal lama</a> '
                f'<a href="{u2}/admin">Panel</a> <a href="{rel}/protokol-relatif">Cermin</a> '
                '<a href="/redirect-luar">Tautan keluar</a> <a href="/admin">Admin</a> '
                f'<form action="{u1}/cari" method="get"><input name="q"><button>Cari</button>'
                f'</form><img src="{u1}/logo.png"><iframe src="{u2}/bingkai"></iframe>'
                f'<script src="{u1}/app.js"></script><script src="/app.js"></script>'),
                kepala=f'<link rel="stylesheet" href="{u2}/gaya.css">'
                       f'<link rel="icon" href="{u1}/favicon.ico">'),
                header=[("Link", f"<{u1}/preload.js>; rel=preload; as=script"),
                        ("Content-Security-Policy", f"default-src 'self'; report-uri {u1}/csp")])
        elif jalur == "/tentang":
            self._kirim(200, _halaman("Tentang", (
                '<p>Tentang kami.</p><a href="rahasia">Selengkapnya</a> '
                '<a href="bantuan.html">Bantuan</a>'),
                kepala=f'<base href="{u1}/"><meta http-equiv="refresh" '
                       f'content="30; url={u1}/segar">'),
                header=[("Refresh", f"60; url={u2}/segar")])
        elif jalur == "/produk":
            nomor = parse_qs(kueri).get("id", ["1"])[0]
            isi = (f"<p>Produk nomor {nomor if nomor.isdigit() else 'tidak dikenal'}</p>"
                   f'<a href="{u1}/produk?id={nomor if nomor.isdigit() else 1}">Di toko lain</a>')
            self._kirim(200, _halaman("Produk", isi))
        elif jalur == "/cari":
            q = parse_qs(kueri).get("q", [""])[0]
            aman = q.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            self._kirim(200, _halaman("Cari", (
                f'<form action="/cari"><input name="q" value="{aman}"><button>Cari</button>'
                f'</form><p>Hasil untuk {aman}: <a href="{u1}/hasil?q=1">satu</a></p>')))
        elif jalur == "/kontak":
            if self.command == "POST":
                self._alihkan(f"{u1}/terima-kasih")
            else:
                self._kirim(200, _halaman("Kontak", (
                    f'<form method="post" action="{u1}/kirim"><input name="nama">'
                    '<textarea name="pesan"></textarea><button>Kirim</button></form>'
                    '<form method="post" action="/kontak"><input name="surel" type="email">'
                    '<button>Langganan</button></form>')))
        elif jalur == "/redirect-luar":
            self._alihkan(f"{u1}/dari-redirect")
        elif jalur == "/relatif-skema":
            self._alihkan(f"{rel}/skema-relatif")
        elif jalur == "/admin" or jalur.startswith("/admin/"):
            if self._masuk():
                self._kirim(200, _halaman("Admin", f'<a href="{u2}/admin/laporan">Laporan</a>'))
            else:
                self._alihkan(f"{u1}/sso/login?next=/admin")
        elif jalur == "/masuk":
            self._login(badan)
        elif jalur == "/akun":
            if not self._masuk():
                self._alihkan("/masuk")
                return
            self._kirim(200, _halaman("Akun", (
                f'<p>Halo, {AKUN[0]}</p><a href="/keluar">Keluar</a> '
                f'<a href="{u1}/profil">Profil di portal</a> <a href="/admin">Admin</a>')),
                header=[("Cache-Control", "no-store")])
        elif jalur == "/keluar":
            kue = self.headers.get("Cookie") or ""
            s.sesi = {x for x in s.sesi if f"sesi={x}" not in kue}
            self._alihkan(f"{u1}/selamat-tinggal",
                          header=[("Set-Cookie", "sesi=; Max-Age=0; Path=/")])
        elif jalur == "/app.js":
            self._kirim(200, (f'fetch("{u1}/api/data");\nconst cadangan = "{u2}/api";\n'
                              f'if (!window.x) {{ window.location = "{u1}/js-pindah"; }}\n'
                              ).encode(), jenis="application/javascript")
        elif jalur == "/robots.txt":
            self._kirim(200, (f"User-agent: *\nDisallow: /rahasia-dalam\nSitemap: "
                              f"{u1}/sitemap.xml\n").encode(), jenis="text/plain")
        elif jalur == "/sitemap.xml":
            self._kirim(200, (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/'
                f'0.9"><url><loc>{u1}/peta</loc></url><url><loc>{u2}/peta</loc></url>'
                "</urlset>").encode(), jenis="application/xml")
        else:
            self._kirim(404, _halaman("Tidak ditemukan", (
                f'<p>Halaman tidak ada.</p><a href="{u1}/bantuan">Pusat bantuan</a>')))

    def _login(self, badan: str) -> None:
        s = self.server
        if self.command == "POST":
            data = {k: v[0] for k, v in parse_qs(badan).items()}
            if (data.get("username"), data.get("password")) == AKUN:
                token = f"t{len(s.sesi)}x{s.login_berhasil}"
                s.sesi.add(token)
                s.login_berhasil += 1
                self._alihkan("/akun", header=[
                    ("Set-Cookie", f"sesi={token}; Path=/; HttpOnly; SameSite=Lax")])
                return
            pesan = "<p>Nama pengguna atau kata sandi salah.</p>"
        else:
            pesan = ""
        self._kirim(200, _halaman("Masuk", (
            f'{pesan}<form method="post" action="/masuk"><input name="username">'
            '<input type="password" name="password"><button>Masuk</button></form>'
            f'<a href="{s.u1}/sso/login">Masuk dengan SSO</a> '
            f'<a href="{s.u2}/lupa-sandi">Lupa kata sandi</a>')))

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = _tangani  # noqa: N815

    def __getattr__(self, nama: str) -> Any:
        if nama.startswith("do_"):  # any other method a check may try
            return self._tangani
        raise AttributeError(nama)


@dataclass
class Medan:
    target: str
    catatan_target: Catatan
    server_target: _ServerTarget
    umpan: dict[str, Catatan]
    """Decoy address -> what it received."""
    tanpa_umpan: list[str]
    """Database decoys that could not listen (port taken), said in the output."""


def _bisa_ikat(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the decoy binds
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def medan() -> Iterator[Medan]:
    """The target on 127.0.0.1:P and the decoys (see the module docstring)."""
    for _ in range(20):  # a port P free on both 127.0.0.1 and 127.0.0.2
        target = _ServerTarget(("127.0.0.1", 0), _PenanganTarget)
        port = target.server_address[1]
        try:
            umpan1 = _ServerUmpan(("127.0.0.2", port), _PenanganUmpan)
            break
        except OSError as exc:
            target.server_close()
            alasan = str(exc)
    else:
        pytest.skip(f"127.0.0.2 tidak dapat dipakai sebagai umpan: {alasan}")
    umpan2 = _ServerUmpan(("127.0.0.1", 0), _PenanganUmpan)
    catatan = {f"127.0.0.2:{port}": Catatan(), f"127.0.0.1:{umpan2.server_address[1]}":
               Catatan()}
    umpan1.catatan, umpan2.catatan = catatan.values()
    target.catatan = Catatan()
    target.u1 = f"http://127.0.0.2:{port}"
    target.u2 = f"http://127.0.0.1:{umpan2.server_address[1]}"
    target.u1_tanpa_skema = f"//127.0.0.2:{port}"
    target.sesi = set()
    server_db: list[_TcpUmpan] = []
    tanpa = []
    for p in PORT_DB_UMPAN:
        if not _bisa_ikat("127.0.0.2", p):
            tanpa.append(f"127.0.0.2:{p}")
            continue
        srv = _TcpUmpan(("127.0.0.2", p), socketserver.BaseRequestHandler)
        srv.catatan = catatan[f"127.0.0.2:{p}"] = Catatan()
        server_db.append(srv)
    with contextlib.ExitStack() as tumpuk:
        for srv in [umpan1, umpan2, *server_db, target]:
            tumpuk.enter_context(bantu.dilayani(srv))
        yield Medan(target=f"http://127.0.0.1:{port}/", catatan_target=target.catatan,
                    server_target=target, umpan=catatan, tanpa_umpan=tanpa)


def _jalankan(target: TargetUji) -> dict[str, Any]:
    from flows.kelaikan import kelaikan

    skenario = json.dumps({"steps": [{"path": "/", "think_time": [0.2, 0.4]},
                                     {"path": "/redirect-luar", "think_time": [0.2, 0.4]},
                                     {"path": "/admin", "think_time": [0.2, 0.4]}]})
    beban = UjiBeban(pengguna_per_hari=60, jam_efektif_per_hari=1, durasi_transaksi_menit=2,
                     skenario=skenario)

    async def jalan() -> dict[str, Any]:
        state = await kelaikan(target, stress=True, beban=beban, return_state=True,
                               opsi_beban={"jumlah_langkah": 1, "durasi_langkah": 3.0,
                                           "pemanasan": 1.0, "durasi_maks": 60.0,
                                           "processes": 0})
        return (await state.aresult()).model_dump(mode="json")

    return asyncio.run(jalan())


def test_the_decoys_count_what_a_careless_client_sends() -> None:
    """The decoys are not deaf: a client that follows the target's redirects and links lands
    on them and is counted, connection and request (what the test below must never see)."""
    with medan() as m:
        with httpx.Client(follow_redirects=True, trust_env=False, timeout=10) as klien:
            assert klien.get(m.target + "redirect-luar").text == "<html><body>umpan</body></html>"
            klien.get(m.server_target.u2 + "/admin")
            klien.post(m.target + "kontak", data={"surel": "a@b.go.id"})
        for p in PORT_DB_UMPAN:
            if f"127.0.0.2:{p}" in m.umpan:
                with contextlib.suppress(OSError), \
                        socket.create_connection(("127.0.0.2", p), timeout=5) as s:
                    s.recv(1)
        u1 = m.server_target.u1.removeprefix("http://")
        u2 = m.server_target.u2.removeprefix("http://")
        assert m.umpan[u1].permintaan == {"GET /dari-redirect": 1, "GET /terima-kasih": 1}
        assert m.umpan[u2].permintaan == {"GET /admin": 1}
        assert all(c.koneksi >= 1 for c in m.umpan.values()), m.umpan
        assert m.catatan_target.permintaan == {"GET /redirect-luar": 1, "POST /kontak": 1}


@pytest.mark.lambat
def test_whole_flow_never_reaches_a_decoy(prefect_api: str) -> None:
    with medan() as m:
        target = TargetUji(url=m.target, username=AKUN[0], password=AKUN[1],
                           db_host="127.0.0.1", db_port=5432)
        hasil = _jalankan(target)
        bocor = {alamat: (c.koneksi, dict(c.permintaan)) for alamat, c in m.umpan.items()
                 if c.koneksi or c.permintaan}
        diterima = dict(m.catatan_target.permintaan)
        login = m.server_target.login_berhasil
    print(f"\numpan: {sorted(m.umpan)}; tidak dapat dipasang: {m.tanpa_umpan or 'tidak ada'}")
    print(f"target menerima {sum(diterima.values())} permintaan pada "
          f"{m.catatan_target.koneksi} koneksi, {len(diterima)} jalur berbeda; "
          f"login berhasil {login}x; verdict {hasil['verdict']}")
    # the leak: nothing at all reached any decoy, not even a connection
    assert not bocor, f"permintaan keluar cakupan sampai ke umpan: {bocor}"
    # ... and the target was really tested, so the assertion above could have failed
    assert sum(diterima.values()) >= 100, diterima
    for halaman in ("GET /produk", "GET /cari", "GET /tentang", "GET /kontak",
                    "GET /redirect-luar", "GET /admin", "GET /robots.txt", "GET /sitemap.xml"):
        assert diterima.get(halaman), f"{halaman} tidak pernah diminta: {sorted(diterima)}"
    assert diterima.get("POST /masuk") and login >= 1, "akun uji tidak pernah berhasil masuk"
    assert diterima.get("GET /keluar"), "logout tidak pernah dikunjungi"
    status = {k["id"]: k["status"] for k in hasil["categories"]}
    assert set(status) >= {"struktur", "validasi_data", "otentikasi_sesi", "input_error",
                           "dbms", "lain_lain", "uji_beban"}
    for k in hasil["categories"]:
        assert k["id"] == "uji_beban" or k["checks_run"], f"kategori {k['id']} tidak menguji"
    beban = next(k for k in hasil["categories"] if k["id"] == "uji_beban")
    assert beban["status"] != "tidak_diuji", beban.get("reason")
    assert AKUN[1] not in json.dumps(hasil)
