"""The struktur checks' pure judges on recorded observations.

``tasks/kelaikan/struktur.py`` asks every path the file checks plan once
(:class:`domain.kelaikan.berkas.ObservasiBerkas`) and reads robots.txt and the sitemaps in
stages (:class:`~domain.kelaikan.berkas.ObservasiRobots`); the judges of
``domain/kelaikan/nilai_struktur.py`` read only that. Here the observations are built from
the real plan (:func:`domain.kelaikan.berkas.rencana_berkas`) with the answers of PHP's
built-in server recorded in tests/fixtures/rekaman/ (its start page, its 404 page, its
phpinfo() page) and a few exposed files, so each judge is held to its finding and its
evidence, to a clean site, to a soft 404, to a path that got no answer, and to a JSON
round-trip. The observer is held to a server on 127.0.0.1 that cuts some requests off; the
observers are tested against the twins in tests/test_kelaikan_struktur_input.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import bantu
import pytest
from kelaikan_bantu import amati, cepat, direkam  # noqa: F401 - cepat: an autouse fixture

from domain.kelaikan import CEK, TargetUji, Temuan, cek_kategori
from domain.kelaikan.berkas import (
    DasarStruktur,
    ObservasiBerkas,
    ObservasiRobots,
    calon_tersembunyi,
    peta_dari_robots,
    rencana_berkas,
    rencana_robots,
)
from domain.kelaikan.cek import TidakDapatDiuji
from domain.kelaikan.halaman import Halaman
from domain.kelaikan.pembanding import Pembanding
from tasks.kelaikan import klien

BASIS = "http://127.0.0.1:8000/"
"""The origin the observations pretend to come from (the recordings are origin-free)."""
BERKAS = [c.id for c in cek_kategori("struktur") if c.amatan == "berkas_struktur"]
ROBOTS = "struktur.robots_tersembunyi"


def _halaman(path: str, teks: str, status: int = 200, jenis: str = "text/plain",
             **header: str) -> Halaman:
    return Halaman(method="GET", url=urljoin(BASIS, path), status=status,
                   headers=[("content-type", jenis), *header.items()], text=teks)


def _php() -> DasarStruktur:
    """PHP's built-in server: its 404 page for a missing file and folder, its start page."""
    return DasarStruktur(
        pembanding=Pembanding(token="tidak-ada", berkas=direkam("php-aman", "404"),
                              folder=direkam("php-aman", "404", path="/tidak-ada/")),
        awal=direkam("php-aman", "beranda"))


def _soft_404_page(path: str) -> Halaman:
    """A soft-404 site's answer for any path: 200, the path in the title and the body."""
    segmen = path.rstrip("/").rsplit("/", 1)[-1]
    return Halaman(method="GET", url=urljoin(BASIS, path), status=200,
                   headers=[("content-type", "text/html")],
                   text=f"<html><head><title>{segmen} - tidak ditemukan</title></head><body>"
                        f"<h1>Halaman {path} tidak ditemukan</h1><p>Coba cari di beranda."
                        "</p></body></html>")


def _soft_404() -> DasarStruktur:
    return DasarStruktur(
        pembanding=Pembanding(token="abc", berkas=_soft_404_page("/.lpa-abc"),
                              folder=_soft_404_page("/lpa-abc/")),
        awal=direkam("php-aman", "beranda"))


def _berkas(dasar: DasarStruktur, jawaban: dict[str, Halaman | None] | None = None,
            gagal: dict[str, str] | None = None,
            lain: Callable[[str], Halaman] | None = None) -> ObservasiBerkas:
    """The observation of the real plan: ``jawaban`` by path, the site's answer for a
    missing path everywhere else (``lain(path)``; default the 404 or the soft-404 page)."""
    rencana = rencana_berkas(BASIS, dasar)
    jawaban = {urljoin(BASIS, p): h for p, h in (jawaban or {}).items()}
    gagal = {urljoin(BASIS, p): alasan for p, alasan in (gagal or {}).items()}
    semua = list(dict.fromkeys(u for daftar in rencana.values() for u in daftar))
    assert set(jawaban) | set(gagal) <= set(semua), "an answer to a path that is not planned"
    tidak_ada = dasar.pembanding.folder if dasar.pembanding.folder.status == 200 else \
        dasar.pembanding.berkas
    lain = lain or (_soft_404_page if tidak_ada.status == 200 else
                    lambda p: tidak_ada.model_copy(update={"url": urljoin(BASIS, p)}))
    halaman = {u: jawaban[u] if u in jawaban else lain(urlsplit(u).path)
               for u in semua if u not in gagal}
    return ObservasiBerkas(pembanding=dasar.pembanding, rencana=rencana, halaman=halaman,
                           gagal=gagal)


def _nilai(obs: Any) -> dict[str, list[Temuan]]:
    ids = BERKAS if isinstance(obs, ObservasiBerkas) else [ROBOTS]
    return {cid: CEK[cid].nilai_temuan(obs, None) for cid in ids}


def _bukti(obs: Any, cid: str) -> str:
    temuan = _nilai(obs)[cid]
    assert len(temuan) == 1, temuan
    return temuan[0].evidence


GIT_HEAD = "ref: refs/heads/main\n"
ENV = "APP_ENV=production\nDB_PASSWORD=Rahasia-Sekali-9\nAPI_KEY=\nMAIL_HOST=smtp\n"
LISTING = ("<html><head><title>Index of /uploads</title></head><body><h1>Index of /uploads</h1>"
           '<pre><a href="../">../</a>\n<a href="ktp.jpg">ktp.jpg</a>\n<a href="sk.pdf">sk.pdf'
           "</a></pre></body></html>")
ZIP = "PK\x03\x04\x14\x00\x00\x00\x08\x00"
COMPOSER = '{"require": {"php": ">=7.4", "laravel/framework": "^8.0"}}'
PMA = ('<html><head><title>phpMyAdmin</title></head><body><form method="post">'
       '<input name="pma_username"><input type="password" name="pma_password"></form>'
       "</body></html>")
TEMUAN_BERKAS = {
    "/.git/HEAD": _halaman("/.git/HEAD", GIT_HEAD),
    "/.env": _halaman("/.env", ENV),
    "/uploads/": _halaman("/uploads/", LISTING, jenis="text/html"),
    "/produk.php.bak": _halaman("/produk.php.bak", "<?php\n$db = new PDO($dsn);\n"),
    "/backup.zip": _halaman("/backup.zip", ZIP, **{"content-length": "561"}),
    "/info.php": direkam("php-debug", "phpinfo"),
    "/phpmyadmin/": _halaman("/phpmyadmin/", PMA),
    "/manager/html": _halaman("/manager/html", "", 401,
                              **{"www-authenticate": 'Basic realm="Tomcat Manager Application"'}),
    "/composer.json": _halaman("/composer.json", COMPOSER),
}
"""An exposed file for every file check, the phpinfo() page as PHP itself answered it."""


# --- (a) each finding with its evidence ------------------------------------------------------

@pytest.mark.parametrize("dasar", [_php, _soft_404], ids=["404", "soft404"])
def test_each_file_check_finds_its_file_with_the_same_evidence(dasar: Any) -> None:
    obs = _berkas(dasar(), TEMUAN_BERKAS)
    assert _bukti(obs, "struktur.vcs_terbuka") == \
        "GET /.git/HEAD -> 200, isi: 'ref: refs/heads/main'"
    assert _bukti(obs, "struktur.env_terbuka") == \
        "GET /.env -> 200, kunci rahasia berisi nilai: DB_PASSWORD (nilai tidak disimpan)"
    assert _bukti(obs, "struktur.listing_direktori") == \
        "GET /uploads/ -> 200: daftar isi folder (3 tautan)"
    assert _bukti(obs, "struktur.berkas_cadangan") == (
        "GET /produk.php.bak -> 200 (kode sumber, 27 bita; isi tidak disimpan); "
        "GET /backup.zip -> 200 (arsip ZIP, 561 bita; isi tidak disimpan)")
    assert _bukti(obs, "struktur.halaman_diagnostik") == \
        "GET /info.php -> 200: keluaran phpinfo() (PHP 8.2.36)"
    assert _bukti(obs, "struktur.panel_admin") == (
        "GET /phpmyadmin/ -> 200: phpMyAdmin (halaman login); "
        "GET /manager/html -> 401: Tomcat Manager (halaman login)")
    assert _bukti(obs, "struktur.manifest_dependensi") == \
        "GET /composer.json -> 200: 2 paket (mis. php >=7.4, laravel/framework ^8.0)"
    semua = json.dumps([t.model_dump() for ts in _nilai(obs).values() for t in ts])
    assert "Rahasia-Sekali-9" not in semua and "PDO" not in semua


def _robots(dasar: DasarStruktur, robots: str, sitemap: str | None,
            jawaban: dict[str, Halaman] | None = None) -> ObservasiRobots:
    """The staged observation: robots.txt and /sitemap.xml, then the planned paths
    (``jawaban`` by path; the site's answer for a missing path for the others)."""
    def tidak_ada(url: str) -> Halaman:
        return dasar.pembanding.berkas.model_copy(update={"url": url})

    url_robots, url_peta = rencana_robots(BASIS)
    satu = {url_robots: _halaman("/robots.txt", robots),
            url_peta: _halaman("/sitemap.xml", sitemap, jenis="application/xml")
            if sitemap else tidak_ada(url_peta)}
    peta = peta_dari_robots(BASIS, satu[url_robots])
    assert peta == []
    calon = calon_tersembunyi(BASIS, dasar.awal, satu[url_robots], [satu[url_peta]])
    return ObservasiRobots(pembanding=dasar.pembanding, robots=[url_robots, url_peta],
                           tersembunyi=calon,
                           halaman=satu | {u: (jawaban or {}).get(urlsplit(u).path) or
                                           tidak_ada(u) for u in calon})


ROBOTS_TXT = ("User-agent: *\nDisallow: /admin-lama/\nDisallow: /cadangan/\nDisallow: /produk.php"
              "\nDisallow: /katalog/\n")
SITEMAP = ('<?xml version="1.0"?><urlset><url><loc>http://127.0.0.1:8000/uji-coba/</loc></url>'
           "<url><loc>http://lain.example/admin/</loc></url></urlset>")


def test_robots_finds_the_sensitive_paths_that_are_there() -> None:
    dasar = _php()
    ada = {"/admin-lama/": _halaman("/admin-lama/", "<html><title>Admin</title></html>"),
           "/cadangan/": _halaman("/cadangan/", "Forbidden", 403),
           "/uji-coba/": _halaman("/uji-coba/", "<html><title>Uji</title></html>")}
    obs = _robots(dasar, ROBOTS_TXT, SITEMAP, ada)
    # neither the harmless /produk.php and /katalog/ nor another origin's path is asked
    assert list(obs.tersembunyi.values()) == ["robots.txt /admin-lama/", "robots.txt /cadangan/",
                                              "sitemap /sitemap.xml"]
    assert _bukti(obs, ROBOTS) == (
        "robots.txt /admin-lama/ -> GET /admin-lama/ -> 200; robots.txt /cadangan/ -> GET "
        "/cadangan/ -> 403; sitemap /sitemap.xml -> GET /uji-coba/ -> 200")


# --- (b) no finding: a clean site, a soft 404 -------------------------------------------------

@pytest.mark.parametrize("dasar", [_php, _soft_404], ids=["404", "soft404"])
def test_a_site_that_exposes_nothing_gives_no_finding(dasar: Any) -> None:
    assert _nilai(_berkas(dasar())) == {cid: [] for cid in BERKAS}


def test_a_catch_all_site_answering_every_path_with_its_test_page_is_no_finding() -> None:
    # nginx's try_files fallback: every path is the "Welcome to nginx!" page, the very page
    # halaman_diagnostik recognises at /phpinfo.php when it is really there
    def selamat_datang(path: str) -> Halaman:
        return _halaman(path, "<!DOCTYPE html><html><head><title>Welcome to nginx!</title>"
                        "</head><body><h1>Welcome to nginx!</h1></body></html>", jenis="text/html")

    dasar = DasarStruktur(pembanding=Pembanding(token="abc", berkas=selamat_datang("/.lpa-abc"),
                                                folder=selamat_datang("/lpa-abc/")),
                          awal=selamat_datang("/"))
    assert _nilai(_berkas(dasar, lain=selamat_datang)) == {cid: [] for cid in BERKAS}
    assert _bukti(_berkas(_php(), {"/phpinfo.php": selamat_datang("/phpinfo.php")}),
                  "struktur.halaman_diagnostik") == \
        "GET /phpinfo.php -> 200: halaman uji bawaan web server"


def test_what_is_not_recognised_is_no_finding() -> None:
    obs = _berkas(_php(), {
        "/.git/HEAD": _halaman("/.git/HEAD", "<html><body>Git</body></html>"),
        "/.env": _halaman("/.env", "APP_ENV=production\nDB_PASSWORD=\n"),
        "/uploads/": _halaman("/uploads/", "Forbidden", 403),
        "/backup.zip": _halaman("/backup.zip", "<html><body>Unduh</body></html>"),
        "/info.php": direkam("php-aman", "phpinfo"),  # hardened PHP: 404
        "/server-status": _halaman("/server-status", "Forbidden", 403),
        "/package.json": _halaman("/package.json", '{"error": "not found"}'),
    })
    assert _nilai(obs) == {cid: [] for cid in BERKAS}


def test_robots_paths_answered_with_the_soft_404_page_are_no_finding() -> None:
    dasar = _soft_404()
    jawaban = {p: _soft_404_page(p) for p in ("/admin-lama/", "/cadangan/", "/uji-coba/")}
    obs = _robots(dasar, ROBOTS_TXT, SITEMAP, jawaban)
    assert len(obs.tersembunyi) == 3
    assert _nilai(obs) == {ROBOTS: []}
    # robots.txt that is the site's HTML page names nothing, nothing more is asked
    assert _robots(dasar, "<html><body>Disallow: /admin/</body></html>",
                   None).tersembunyi == {}


def test_a_soft_404_page_that_looks_like_a_listing_leaves_listings_untested() -> None:
    halaman = _soft_404_page("/lpa-abc/").model_copy(update={"text": LISTING})
    dasar = DasarStruktur(pembanding=_soft_404().pembanding.model_copy(
        update={"folder": halaman}), awal=direkam("php-aman", "beranda"))
    obs = _berkas(dasar)
    assert obs.rencana["listing"] == []  # not asked ...
    with pytest.raises(TidakDapatDiuji, match="menyerupai daftar isi folder"):
        CEK["struktur.listing_direktori"].nilai_temuan(obs, None)  # ... and not passed


# --- a path without an answer marks only the check that needed it -----------------------------

def test_a_path_that_got_no_answer_marks_only_its_check() -> None:
    obs = _berkas(_php(), TEMUAN_BERKAS | {"/info.php": None},
                  gagal={"/phpinfo.php": "melewati batas waktu"})
    for cid in BERKAS:
        if cid == "struktur.halaman_diagnostik":
            with pytest.raises(TidakDapatDiuji, match="^melewati batas waktu$"):
                CEK[cid].nilai_temuan(obs, None)
        else:
            assert len(CEK[cid].nilai_temuan(obs, None)) == 1, cid
    # a server that cuts every request of a check off (a WAF) leaves it untested too
    putus = _berkas(_php(), {u: None for u in ("/.git/HEAD", "/.svn/wc.db", "/.hg/requires")})
    with pytest.raises(TidakDapatDiuji, match="memutus setiap permintaan"):
        CEK["struktur.vcs_terbuka"].nilai_temuan(putus, None)
    assert CEK["struktur.env_terbuka"].nilai_temuan(putus, None) == []


def test_robots_that_got_no_answer_is_not_tested() -> None:
    obs = _robots(_php(), ROBOTS_TXT, None)
    gagal = obs.model_copy(update={"gagal": {obs.robots[0]: "melewati batas waktu"}})
    with pytest.raises(TidakDapatDiuji, match="melewati batas waktu"):
        CEK[ROBOTS].nilai_temuan(gagal, None)


# --- the plan ---------------------------------------------------------------------------------

def test_the_plan_is_short_and_follows_the_start_page() -> None:
    rencana = rencana_berkas(BASIS, _php())
    semua = {u for daftar in rencana.values() for u in daftar}
    assert len(semua) + len(rencana_robots(BASIS)) <= 60
    assert all(u.startswith(BASIS) for u in semua)
    # backups of the scripts the start page links, never of index.php it does not
    assert urljoin(BASIS, "/masuk.php.bak") in rencana["cadangan"]
    assert urljoin(BASIS, "/.produk.php.swp") in rencana["cadangan"]
    assert urljoin(BASIS, "/index.php.bak") not in rencana["cadangan"]
    # an application in a folder: files at the root and in its folder, archives by its names
    dalam = "https://perizinan.babelprov.go.id/app/index.php"
    awal = Halaman(method="GET", url=dalam, status=200, headers=[], text="<html></html>")
    rencana = rencana_berkas(dalam, DasarStruktur(pembanding=_php().pembanding, awal=awal))
    assert {"https://perizinan.babelprov.go.id/.env",
            "https://perizinan.babelprov.go.id/app/.env"} <= set(rencana["konfigurasi"])
    assert "https://perizinan.babelprov.go.id/babelprov.zip" in rencana["cadangan"]
    assert "https://perizinan.babelprov.go.id/app/index.php.bak" in rencana["cadangan"]
    assert rencana["panel"][0] == "https://perizinan.babelprov.go.id/phpmyadmin/"


# --- recorded, replayed -----------------------------------------------------------------------

def _hasil(obs: Any) -> dict[str, Any]:
    """Each check's findings, or why it was not tested."""
    keluar: dict[str, Any] = {}
    for cid in BERKAS if isinstance(obs, ObservasiBerkas) else [ROBOTS]:
        try:
            keluar[cid] = CEK[cid].nilai_temuan(obs, None)
        except TidakDapatDiuji as exc:
            keluar[cid] = str(exc)
    return keluar


def test_observations_round_trip_through_json_with_the_same_findings() -> None:
    berkas = _berkas(_php(), TEMUAN_BERKAS, gagal={"/.env.bak": "melewati batas waktu"})
    robots = _robots(_php(), ROBOTS_TXT, SITEMAP,
                     {p: _halaman(p, "ada") for p in ("/admin-lama/", "/cadangan/",
                                                      "/uji-coba/")})
    for obs in (berkas, robots):
        kembali = type(obs).model_validate_json(obs.model_dump_json())
        assert kembali == obs
        assert _hasil(kembali) == _hasil(obs)
    assert CEK["struktur.vcs_terbuka"].nilai_temuan(berkas, None)
    with pytest.raises(TidakDapatDiuji):
        CEK["struktur.env_terbuka"].nilai_temuan(berkas, None)


# --- the observer: every planned path asked once, each answer or its absence recorded ---------

class _Waf(bantu.Penangan):
    """Resets the connection for version-control paths (a WAF), serves a .env with a secret,
    404 for the rest."""


    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith(("/.git/", "/.svn/", "/.hg/")):
            self.close_connection = True
            return  # no answer at all
        status, isi = (200, ENV) if self.path == "/.env" else \
            (200, "<html><title>Beranda</title></html>") if self.path == "/" else (404, "Not Found")
        data = isi.encode()
        self.kirim(status, data, "text/plain")



def test_the_observer_asks_each_planned_path_once_and_records_what_was_cut_off() -> None:
    with bantu.server_web(_Waf) as url:
        sebelum = klien.jumlah_permintaan(url)
        amatan: dict[str, Any] = {}
        obs = asyncio.run(amati("berkas_struktur", TargetUji(url=url), amatan))
        dikirim = klien.jumlah_permintaan(url) - sebelum
    rencana = rencana_berkas(url, amatan["dasar_struktur"])
    semua = list(dict.fromkeys(u for daftar in rencana.values() for u in daftar))
    assert obs.rencana == rencana and obs.gagal == {}
    assert list(obs.halaman) == semua
    assert dikirim == len(semua) + 3  # and the baseline: a random file, a folder, the start
    assert [obs.halaman[u] for u in rencana["vcs"]] == [None, None, None]
    hasil = _hasil(obs)
    assert hasil["struktur.vcs_terbuka"] == "server memutus setiap permintaan uji"
    assert [t.evidence for t in hasil["struktur.env_terbuka"]] == [
        "GET /.env -> 200, kunci rahasia berisi nilai: DB_PASSWORD (nilai tidak disimpan)"]
    assert all(hasil[c] == [] for c in BERKAS
               if c not in ("struktur.vcs_terbuka", "struktur.env_terbuka"))
