"""The bounded crawl of the feasibility test and what it finds: POST forms and GET parameters.

:func:`jelajahi_situs` crawls the application politely: same origin only,
:data:`MAKS_HALAMAN` requests at most, :data:`MAKS_KEDALAMAN` links deep, GET only, never a
link that looks like logout/delete, never a static file. The validasi_data, input_error and
otentikasi_sesi checks work on what it found: the POST forms (:func:`formulir_post`) and the
GET parameters of links and GET forms (:func:`titik_get`). Everything a check submits carries
:data:`tasks.kelaikan.umum.PENANDA_UJI`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
from prefect import task

from domain.kelaikan.halaman import Halaman, urai
from domain.kelaikan.masukan import (
    NAMA_PENGALIHAN,
    PARAM_SESI,
    STATIS,
    TAUTAN_TERLARANG,
    Formulir,
    FormulirDitemukan,
    cocokkan_formulir,
    data_formulir,
    nilai_pengalihan,
)
from tasks.kelaikan.klien import DiluarCakupan, KlienUji
from tasks.kelaikan.umum import OPSI_TUGAS

MAKS_HALAMAN = 8
"""Requests of one crawl at most."""
MAKS_KEDALAMAN = 2


# --- the crawl --------------------------------------------------------------------------------

def _kunci_halaman(url: str) -> tuple[str, tuple[str, ...]]:
    bagian = urlsplit(url)
    return bagian.path or "/", tuple(sorted({k for k, _ in parse_qsl(bagian.query, True)}))


def _layak_dijelajahi(url: str) -> bool:
    bagian = urlsplit(url)
    if STATIS.search(bagian.path) or TAUTAN_TERLARANG.search(url):
        return False
    params = parse_qsl(bagian.query, keep_blank_values=True)
    return not any(NAMA_PENGALIHAN.match(k) or nilai_pengalihan(v) or PARAM_SESI.match(k)
                   for k, v in params)


async def jelajahi(klien: KlienUji, url: str, maks_halaman: int = MAKS_HALAMAN,
                   maks_kedalaman: int = MAKS_KEDALAMAN) -> list[Halaman]:
    """HTML pages reached from ``url`` (breadth first, bounded; see the module docstring).

    The start page must answer (its error propagates); a later page that fails is skipped.
    """
    antrean: list[tuple[str, int]] = [(url, 0)]
    dilihat: set[tuple[str, tuple[str, ...]]] = set()
    hasil: list[Halaman] = []
    permintaan = 0
    while antrean and permintaan < maks_halaman:
        alamat, kedalaman = antrean.pop(0)
        kunci = _kunci_halaman(alamat)
        if kunci in dilihat:
            continue
        dilihat.add(kunci)
        permintaan += 1
        try:
            h = await klien.get(alamat)
        except (httpx.HTTPError, DiluarCakupan):
            if permintaan == 1:
                raise
            continue
        akhir = _kunci_halaman(h.url)
        if akhir != kunci:
            if akhir in dilihat:
                continue
            dilihat.add(akhir)
        if not h.html or h.status >= 400:
            continue
        hasil.append(h)
        if kedalaman >= maks_kedalaman:
            continue
        for tautan in urai(h.text).tautan:
            if tautan.lower().startswith(("mailto:", "javascript:", "tel:", "data:")):
                continue
            tujuan = klien.absolut(tautan, h.url).split("#")[0]
            if klien.dalam_cakupan(tujuan) and _layak_dijelajahi(tujuan) and \
                    _kunci_halaman(tujuan) not in dilihat:
                antrean.append((tujuan, kedalaman + 1))
    return hasil


@task(name="kelaikan.jelajahi_situs", **OPSI_TUGAS)
async def jelajahi_situs(url: str) -> list[Halaman]:
    """The bounded crawl the validasi_data and input_error checks work on."""
    async with KlienUji(url) as klien:
        return await jelajahi(klien, url)


async def kirim_formulir(klien: KlienUji, form: FormulirDitemukan, ubah: dict[str, str],
                         buang: tuple[str, ...] = ()) -> tuple[Halaman, Formulir, str]:
    """POST ``form`` with valid values except ``ubah`` (and without ``buang``); the page is
    fetched again first when the form has hidden fields (fresh CSRF token, our session).
    Returns the answer (redirects not followed), the form as sent and its page's URL."""
    formulir, halaman = form.formulir, form.halaman
    if form.ada_tersembunyi:
        segar = await klien.get(form.halaman)
        formulir, halaman = cocokkan_formulir(segar, form), segar.url
    data = {k: v for k, v in data_formulir(formulir, {}).items() if k not in buang}
    data.update(ubah)
    jawaban = await klien.kirim("POST", form.action, data=data, ikuti=False)
    return jawaban, formulir, halaman
