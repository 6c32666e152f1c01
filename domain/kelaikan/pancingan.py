"""input_error: the answers to the requests a tester sends to make an application show its
error and debug pages, and the pure judges of them.

``tasks/kelaikan/input.py`` (:func:`amati_galat`) sends, bounded: unknown paths (a folder and
a ``.php`` file), the well-known debug endpoints, and for up to two GET parameters the crawl
found (numeric ones first) the parameter as an array, a quote after a numeric value, and a
malformed percent-encoding. It records each answer with what provoked it
(:class:`ObservasiGalat`); the judges here read that record only, so they are unit-tested on
recorded pages of real software.
"""

from __future__ import annotations

from pydantic import BaseModel

from domain.kelaikan.cek import Bukti, bukti_gabung
from domain.kelaikan.galat import jejak_galat, kueri_terungkap, tanda_debug
from domain.kelaikan.halaman import Halaman


class JawabanPancingan(BaseModel):
    pancingan: str
    """What was sent, in Bahasa Indonesia: ``path acak``, ``parameter 'id' sebagai larik``."""
    halaman: Halaman
    parameter: bool = False
    """Provoked through a parameter (any status counts), not by an unknown path."""


class ObservasiGalat(BaseModel):
    jawaban: list[JawabanPancingan] = []


def _di(j: JawabanPancingan) -> str:
    return f"{j.halaman.ringkas()} ({j.pancingan})"


def nilai_mode_debug(obs: ObservasiGalat, target: object = None) -> list[Bukti]:
    """Debug pages and interactive debuggers; ``tinggi`` when one can run code."""
    dilihat: dict[str, list[str]] = {}
    kritis = False
    for j in obs.jawaban:
        for nama, dapat_menjalankan in tanda_debug(j.halaman.text):
            kritis = kritis or dapat_menjalankan
            dilihat.setdefault(nama, []).append(_di(j))
    bukti = [f"{nama}: {jawaban[0]}" + (f" (dan {len(jawaban) - 1} jawaban lain)"
                                        if len(jawaban) > 1 else "")
             for nama, jawaban in dilihat.items()]
    return bukti_gabung(bukti, "tinggi" if kritis else None)


def nilai_jejak_galat(obs: ObservasiGalat, target: object = None) -> list[Bukti]:
    """Stack traces, server paths, the SQL statement of a database error, versions, on error
    pages (an unknown path's must be an error status; a parameter's counts at any status),
    each kind once with the first answer that showed it. ``rendah`` when only versions show."""
    per_apa: dict[str, list[str]] = {}
    kutipan = ""
    hanya_versi = True
    for j in obs.jawaban:
        h = j.halaman
        if h.status < 400 and not j.parameter:
            continue  # not an error page (a soft 404 is judged by struktur)
        jejak, versi = jejak_galat(h.text)
        kueri = kueri_terungkap(h.text)
        if j.parameter and not (jejak or kueri):
            continue  # versions on an ordinary page are judged by lain_lain
        apa = [n for n, _ in jejak] + ([f"kueri SQL {kueri!r}"] if kueri else [])
        if jejak or kueri:
            hanya_versi = False
            kutipan = kutipan or (jejak[0][1] if jejak else "")
        apa += [f"versi {', '.join(versi)}"] if versi else []
        if apa:
            per_apa.setdefault(", ".join(apa), []).append(_di(j))
    if not per_apa:
        return []
    bukti = [f"{di[0]}" + (f" (dan {len(di) - 1} jawaban lain)" if len(di) > 1 else "")
             + f": {apa}" for apa, di in per_apa.items()]
    teks = "; ".join(bukti) + (f"; kutipan: {kutipan!r}" if kutipan else "")
    return bukti_gabung([teks], "rendah" if hanya_versi else None)
