"""input_error: the injection probes a tester tries by hand beyond quotes and markers (the
rules and what proves them: :mod:`domain.kelaikan.injeksi`). Read-only requests only: a file
every system has, an arithmetic expression in a number."""

from __future__ import annotations

from domain.kelaikan.cek import Bukti, bukti_gabung
from domain.kelaikan.halaman import Halaman
from domain.kelaikan.injeksi import (
    MUATAN_TRAVERSAL,
    berkas_param,
    bukti_traversal,
    muatan_aritmetika,
    sama,
)
from domain.kelaikan.masukan import halaman_untuk, titik_get
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import KlienUji
from tasks.kelaikan.umum import Pengamat, pemeriksa

MAKS_PARAM_BERKAS = 3
MAKS_PARAM_ANGKA = 3


@pemeriksa("input_error.traversal_path")
async def cek_traversal_path(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    """At most :data:`MAKS_PARAM_BERKAS` file-naming parameters, four spellings each; the
    first proof per parameter ends its probing."""
    titik = [t for t in titik_get(target.url, halaman) if berkas_param(t.nama, t.nilai)]
    bukti = []
    async with KlienUji(target.url) as klien:
        for t in titik[:MAKS_PARAM_BERKAS]:
            for muatan in MUATAN_TRAVERSAL:
                alamat = t.dengan_mentah(muatan) if "%" in muatan else t.dengan(muatan)
                h = await klien.get(alamat)
                baris = bukti_traversal(h.text) if h.status < 400 else None
                if baris:
                    bukti.append(f"GET {t.path} parameter '{t.nama}' = {muatan!r} -> "
                                 f"{h.status}: isi berkas sistem tampil ({baris!r})")
                    break
    return bukti_gabung(bukti)


@pemeriksa("input_error.injeksi_sql_angka")
async def cek_injeksi_sql_angka(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    """At most :data:`MAKS_PARAM_ANGKA` numeric parameters: ``v``, ``v+1`` and the
    expression ``(v+1)-1``; a finding when the expression shows ``v``'s page, not ``v+1``'s,
    while those two differ (so the parameter matters and the database computed it)."""
    titik = [t for t in titik_get(target.url, halaman) if muatan_aritmetika(t.nilai)]
    bukti = []
    async with KlienUji(target.url) as klien:
        for t in titik[:MAKS_PARAM_ANGKA]:
            muatan = muatan_aritmetika(t.nilai)
            assert muatan is not None
            naik, ekspresi = muatan
            asli = halaman_untuk(halaman, t.url_asli) or await klien.get(t.url_asli)
            lain = await klien.get(t.dengan(naik))
            hitung = await klien.get(t.dengan(ekspresi))
            if asli.status == 200 and hitung.status == 200 and not sama(asli.text, lain.text) \
                    and sama(asli.text, hitung.text) and not sama(hitung.text, lain.text):
                bukti.append(f"GET {t.path} parameter '{t.nama}' = '{ekspresi}' -> 200 "
                             f"menampilkan isi yang sama dengan {t.nama}={t.nilai}, bukan "
                             f"{t.nama}={naik}: ekspresi dihitung oleh basis data")
    return bukti_gabung(bukti)


PEMERIKSA = (cek_traversal_path, cek_injeksi_sql_angka)
"""The probes of this module, each a task named after its check id."""


PENGAMAT: dict[str, Pengamat] = {}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
