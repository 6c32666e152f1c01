"""nilai_struktur: the pure judges of the struktur checks.

Each reads what ``tasks/kelaikan/struktur.py`` recorded (an
:class:`~domain.kelaikan.berkas.ObservasiBerkas` or an
:class:`~domain.kelaikan.berkas.ObservasiRobots`): a path is a finding only when it is there
(:func:`domain.kelaikan.berkas.ada`, never a soft 404) and its content is recognised
(:mod:`domain.kelaikan.struktur`). A check whose requests got no answer is not tested
(:meth:`domain.kelaikan.berkas.Jawaban.jawaban`); the others go on. Evidence keeps the
request, status, what was recognised and sizes, never the secrets or data found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from domain.kelaikan.berkas import (
    PANEL_ADMIN,
    Kelompok,
    ObservasiBerkas,
    ObservasiRobots,
    ada,
    listing_seperti_404,
)
from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.galat import kutip
from domain.kelaikan.halaman import Halaman, urai
from domain.kelaikan.struktur import (
    HALAMAN_UJI,
    PHPINFO,
    VCS,
    daftar_isi_folder,
    jenis_cadangan,
    paket_manifest,
    panel_dikenali,
    rahasia_konfigurasi,
)


def _ada(obs: ObservasiBerkas, kelompok: Kelompok,
         status: tuple[int, ...] = (200,)) -> list[tuple[str, Halaman]]:
    """(URL, answer) of each path of ``kelompok`` that is there."""
    daftar = obs.rencana.get(kelompok, [])
    return [(url, h) for url, h in zip(daftar, obs.jawaban(daftar), strict=True)
            if h is not None and ada(h, obs.pembanding, status)]


T = TypeVar("T")


def _dikenali(obs: ObservasiBerkas, kelompok: Kelompok,
              kenali: Callable[[str, str], T | None]) -> list[tuple[Halaman, T]]:
    """(answer, what ``kenali(file name, text)`` recognised) of each path that is there."""
    hasil = [(h, kenali(url.rsplit("/", 1)[-1], h.text)) for url, h in _ada(obs, kelompok)]
    return [(h, dikenali) for h, dikenali in hasil if dikenali is not None]


def _ukuran(h: Halaman) -> str:
    panjang = h.header("content-length")
    n = int(panjang) if panjang and panjang.isdigit() else len(h.text.encode("utf-8", "replace"))
    return f"{n} bita" if n < 10_000 else f"{n / 1024:.0f} KB"


def nilai_vcs(obs: ObservasiBerkas, target: Any = None) -> list[Bukti]:
    """/.git/HEAD, /.svn/wc.db or /.hg/requires that reads as one."""
    bukti = []
    for url, h in _ada(obs, "vcs"):
        cocok = VCS[next(p for p in VCS if url.endswith(p))]
        if cocok(h.text):
            isi = "SQLite" if url.endswith("wc.db") else h.text.strip().splitlines()[0]
            bukti.append(f"{h.ringkas()}, isi: {kutip(isi, 60)!r}")
    return bukti_gabung(bukti)


def nilai_konfigurasi(obs: ObservasiBerkas, target: Any = None) -> list[Bukti]:
    """A configuration file whose secret-looking keys hold values (never the values)."""
    return bukti_gabung([
        f"{h.ringkas()}, {apa}: {', '.join(kunci[:8])} (nilai tidak disimpan)"
        for h, (apa, kunci) in _dikenali(obs, "konfigurasi", rahasia_konfigurasi)])


def nilai_listing(obs: ObservasiBerkas, target: Any = None) -> list[Bukti]:
    """A folder that answers with the web server's listing of its files."""
    if listing_seperti_404(obs.pembanding):
        raise TidakDapatDiuji("halaman 'tidak ditemukan' situs ini sendiri menyerupai daftar "
                              "isi folder")
    bukti = []
    for _, h in _ada(obs, "listing"):
        if daftar_isi_folder(h.text):
            berkas = len(re.findall(r"<a\s+href=", h.text, re.I))
            bukti.append(f"{h.ringkas()}: daftar isi folder ({berkas} tautan)")
    return bukti_gabung(bukti)


def nilai_cadangan(obs: ObservasiBerkas, target: Any = None) -> list[Bukti]:
    """A backup, dump or archive recognised by its content (path, kind and size only)."""
    bukti = []
    for _, h in _ada(obs, "cadangan"):
        jenis = jenis_cadangan(h.text)
        if jenis:
            bukti.append(f"{h.ringkas()} ({jenis}, {_ukuran(h)}; isi tidak disimpan)")
    return bukti_gabung(bukti)


def nilai_diagnostik(obs: ObservasiBerkas, target: Any = None) -> list[Bukti]:
    """phpinfo() output (with the PHP version shown) or a web server's default test page."""
    bukti = []
    for _, h in _ada(obs, "diagnostik"):
        if PHPINFO.search(h.text):
            versi = re.search(r"PHP Version ([\d.]+)", h.text)
            bukti.append(f"{h.ringkas()}: keluaran phpinfo()"
                         + (f" (PHP {versi.group(1)})" if versi else ""))
        elif HALAMAN_UJI.search(h.text):
            bukti.append(f"{h.ringkas()}: halaman uji bawaan web server")
    return bukti_gabung(bukti)


def nilai_panel(obs: ObservasiBerkas, target: Any = None) -> list[Bukti]:
    """phpMyAdmin, Adminer, Apache's status/info or Tomcat Manager, recognised."""
    bukti = []
    for url, h in _ada(obs, "panel", (200, 401)):
        jenis = PANEL_ADMIN[urlsplit(url).path.lstrip("/")]
        if panel_dikenali(jenis, h):
            login = " (halaman login)" if h.status == 401 or any(
                f.ada_sandi for f in urai(h.text).formulir) else ""
            bukti.append(f"{h.ringkas()}: {jenis}{login}")
    return bukti_gabung(bukti)


def nilai_manifest(obs: ObservasiBerkas, target: Any = None) -> list[Bukti]:
    """A valid dependency manifest: how many packages, and a few by name and version."""
    return bukti_gabung([
        f"{h.ringkas()}: {len(paket)} paket" + (f" (mis. {', '.join(paket[:3])})" if paket else "")
        for h, paket in _dikenali(obs, "manifest", paket_manifest)])


def nilai_robots(obs: ObservasiRobots, target: Any = None) -> list[Bukti]:
    """A sensitive path named by robots.txt or a sitemap that is there (200/401/403)."""
    obs.jawaban(obs.robots)
    obs.jawaban(obs.peta)
    daftar = list(obs.tersembunyi)
    return bukti_gabung([
        f"{obs.tersembunyi[url]} -> GET {urlsplit(url).path} -> {h.status}"
        for url, h in zip(daftar, obs.jawaban(daftar), strict=True)
        if h is not None and ada(h, obs.pembanding, (200, 401, 403))])
