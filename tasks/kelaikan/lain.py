"""lain_lain: the start-page observation (:func:`amati_lain`): the start page, up to two
contact pages, readme files, and their fingerprint (:mod:`tasks.kelaikan.sidik_jari`).
The pure judges are in ``domain/kelaikan/lain.py``.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urljoin

from prefect import task

from domain.kelaikan.halaman import urai
from domain.kelaikan.isi_sidik_jari import bukti_halaman
from domain.kelaikan.kerangka import BUKAN_KERANGKA, LOKASI_DIKENAL, kenali_kerangka
from domain.kelaikan.lain import ObservasiLain, TeknologiTeramati, email_di
from tasks.kelaikan.klien import KlienUji, ambil_pembanding
from tasks.kelaikan.sidik_jari import DataSidikJariTidakAda, sidik_jari
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, url_target

# --- the observation --------------------------------------------------------------------------

_TAUTAN_KONTAK = re.compile(r"kontak|contact|hubungi|tentang|about|profil", re.I)
BERKAS_README = ("readme.html", "readme.txt", "README.md", "README.txt", "CHANGELOG.txt",
                 "CHANGELOG.md", "changelog.txt")
_VERSI_README = re.compile(r"\b(?:versi|version|ver\.?|v)\s*:?\s*(\d+\.\d+(?:\.\d+)*)", re.I)
MAKS_HALAMAN_KONTAK = 2


@task(name="lain_lain.amati", **OPSI_TUGAS)
async def amati_lain(url: str) -> ObservasiLain:
    """Start page, up to two contact pages, readme files; the fingerprint of it all; the
    framework as the cookies, headers and error pages show it, else as one of its well-known
    paths answers (at most :data:`domain.kelaikan.kerangka.LOKASI_DIKENAL`, five requests)."""
    async with KlienUji(url) as klien:
        awal = await klien.get(url)
        halaman = [awal]
        isi = urai(awal.text)
        kontak = [t for t in isi.tautan if _TAUTAN_KONTAK.search(t)
                  or _TAUTAN_KONTAK.search(isi.teks_tautan.get(t, ""))]
        for t in list(dict.fromkeys(kontak))[:MAKS_HALAMAN_KONTAK]:
            tujuan = klien.absolut(t, awal.url)
            if klien.dalam_cakupan(tujuan) and tujuan != awal.url:
                halaman.append(await klien.get(tujuan))
        pembanding = await ambil_pembanding(klien)
        readme = []
        for nama in BERKAS_README:
            h = await klien.get(urljoin(awal.url, "/" + nama))
            if h.status != 200 or pembanding.mirip_tidak_ada(h):
                continue
            m = _VERSI_README.search(h.text[:20_000])
            if m:
                readme.append(f"{h.ringkas()} memuat versi {m.group(1)}")
        # a tester's other clues: cookies and headers of every page seen, the error pages
        # (the soft-404 baseline), then the paths only one framework serves
        kerangka = kenali_kerangka([*halaman, pembanding.berkas, pembanding.folder])
        if not [k for k, _ in kerangka if k not in BUKAN_KERANGKA]:
            for nama, path, pola in LOKASI_DIKENAL:
                h = await klien.get(urljoin(awal.url, "/" + path))
                if h.status == 200 and pola.search(h.text[:20_000]) and \
                        not pembanding.mirip_tidak_ada(h):
                    kerangka.append((nama, f"{h.ringkas()}: path khas {nama}"))
                    break
    obs = ObservasiLain(halaman=awal.ringkas(), url=awal.url, headers=awal.headers,
                        kerangka=kerangka)
    bukti = bukti_halaman([awal])
    obs.generator = [g for g in bukti.meta.get("generator", []) if g.strip()]
    obs.readme = readme
    email = []
    for h in halaman:
        if h.html or h.status == 200:
            email += [(a, s, h.path) for a, s in email_di(h.text)]
    obs.email = list({a: (a, s, p) for a, s, p in email}.values())
    try:
        # CPU-bound (7,000 technologies' patterns; compiling the data set on the first call
        # of a process takes seconds): in a worker thread, so that the other categories'
        # requests and Prefect calls on this event loop go on meanwhile
        terdeteksi = await asyncio.to_thread(sidik_jari, bukti)
        obs.teknologi = [TeknologiTeramati(nama=t.nama, versi=t.versi, kategori=list(t.kategori),
                                           sumber=t.sumber, framework=t.framework)
                         for t in terdeteksi]
    except DataSidikJariTidakAda as exc:
        obs.galat_sidik_jari = str(exc)
    return obs


PENGAMAT: dict[str, Pengamat] = {
    "lain": Pengamat("pengamatan halaman awal", amati_lain, url_target),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
