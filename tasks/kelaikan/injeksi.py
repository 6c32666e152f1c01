"""input_error: the requests sent to the GET parameters the crawl found, each plan one
observation (the plans and the model: :mod:`domain.kelaikan.kiriman`; the judges:
:mod:`domain.kelaikan.nilai_masukan`).

Harmless markers only, read-only requests: a unique tag that must come back encoded, a quote
after a value, the product of two random numbers in template syntax, an encoded CR LF before
a canary header name, a file every system has through a file-naming parameter, an arithmetic
expression in a number. The observer sends and records; it decides no finding. A request that
fails is recorded (and ends its plan): only the check of that plan is then not tested.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prefect import task

from domain.kelaikan.halaman import Halaman
from domain.kelaikan.kiriman import (
    RENCANA,
    JawabanParameter,
    KepalaJawaban,
    Kiriman,
    ObservasiParameter,
    cukup,
)
from domain.kelaikan.masukan import halaman_untuk
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import KlienUji
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, alasan_galat


async def _kirim(klien: KlienUji, k: Kiriman, halaman: list[Halaman]) -> JawabanParameter:
    """One planned request, with the baseline (from the crawl when it fetched it) and, for
    an arithmetic pair, ``v+1`` first."""
    t = k.titik
    dasar = (halaman_untuk(halaman, t.url_asli) or await klien.get(t.url_asli)) \
        if k.dasar else None
    pembanding = await klien.get(t.dengan(k.pembanding)) if k.pembanding is not None else None
    if k.jenis == "crlf":
        try:
            kepala = await klien.kepala_mentah(k.alamat)
        except ConnectionError:
            return JawabanParameter(kiriman=k, terputus=True)
        return JawabanParameter(kiriman=k, kepala=KepalaJawaban(status=kepala.status,
                                                                headers=kepala.headers))
    return JawabanParameter(kiriman=k, halaman=await klien.get(k.alamat), dasar=dasar,
                            pembanding=pembanding)


@task(name="input_error.amati_parameter", task_run_name="input_error.amati_parameter-{rencana}",
      **OPSI_TUGAS)
async def amati_parameter(target: TargetUji, rencana: str,
                          halaman: list[Halaman]) -> ObservasiParameter:
    """Send the plan ``rencana`` (:data:`domain.kelaikan.kiriman.RENCANA`) for the crawled
    pages, in order; a parameter whose traversal already showed the file gets no more
    requests, a request that fails is recorded and ends the plan."""
    jawaban: list[JawabanParameter] = []
    selesai: set[tuple[str, str]] = set()
    async with KlienUji(target.url) as klien:
        for k in RENCANA[rencana](target.url, halaman):
            kunci = (k.titik.url, k.titik.nama)
            if kunci in selesai:
                continue
            try:
                j = await _kirim(klien, k, halaman)
            except Exception as exc:  # recorded: only this plan's check is not tested
                jawaban.append(JawabanParameter(kiriman=k, gagal=alasan_galat(exc)))
                break
            jawaban.append(j)
            if cukup(j):
                selesai.add(kunci)
    return ObservasiParameter(jawaban=jawaban)


def _rencana(nama: str) -> Callable[[TargetUji], tuple[Any, ...]]:
    return lambda target: (target, nama)


PENGAMAT: dict[str, Pengamat] = {
    nama: Pengamat(apa, amati_parameter, _rencana(nama), dasar="jelajah")
    for nama, apa in (
        ("pantulan", "pengiriman penanda pantulan"),
        ("kutip_sql", "pengiriman tanda kutip"),
        ("templat", "pengiriman ekspresi templat"),
        ("crlf", "pengiriman CR/LF ke header"),
        ("traversal", "pengiriman path traversal"),
        ("aritmetika", "pengiriman ekspresi aritmetika"),
    )
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
