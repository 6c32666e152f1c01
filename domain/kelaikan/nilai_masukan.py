"""input_error: the pure judges of what came back to the requests sent to GET parameters
(:class:`domain.kelaikan.kiriman.ObservasiParameter`): reflection, SQL errors after a quote,
template evaluation, an injected header line, a system file through a traversal, a computed
arithmetic expression. Each reads the answers of its own plan only; a request that failed
makes its judge's check not tested (:class:`domain.kelaikan.cek.TidakDapatDiuji`).

Evidence names the request (path, parameter, what was sent) and the status with what was
recognised.
"""

from __future__ import annotations

from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.galat import galat_sql, kutip
from domain.kelaikan.halaman import Halaman
from domain.kelaikan.injeksi import bukti_traversal, konteks, pantulan_terbuka, sama
from domain.kelaikan.kiriman import JawabanParameter, ObservasiParameter, dievaluasi


def _jawaban(obs: ObservasiParameter) -> list[JawabanParameter]:
    """The answers; raises when a request got none (what it would have shown is unknown)."""
    for j in obs.jawaban:
        if j.gagal:
            t = j.kiriman.titik
            raise TidakDapatDiuji(f"GET {t.path} parameter '{t.nama}': {j.gagal}")
    return list(obs.jawaban)


def nilai_refleksi(obs: ObservasiParameter, target: object = None) -> list[Bukti]:
    """The raw marker ``<lpa...>`` back in an HTML answer, outside an HTML comment."""
    bukti = []
    for j in _jawaban(obs):
        h, t, mentah = j.halaman, j.kiriman.titik, j.kiriman.penanda
        if h is None or not h.html:
            continue
        i = pantulan_terbuka(h.text, mentah)
        if i >= 0:
            bukti.append(f"GET {t.path} parameter '{t.nama}' -> {h.status}: penanda "
                         f"{mentah} kembali tanpa encoding "
                         f"(di halaman: {konteks(h.text, mentah, dari=i)!r})")
    return bukti_gabung(bukti)


def sql_baru(jawaban: Halaman, dasar: Halaman | None) -> tuple[str, str] | None:
    """(signature, excerpt) of the first database error in ``jawaban`` that its baseline
    ``dasar`` does not show."""
    lama = galat_sql(dasar.text) if dasar is not None else {}
    baru = [(k, v) for k, v in galat_sql(jawaban.text).items() if k not in lama]
    return baru[0] if baru else None


def nilai_galat_sql(obs: ObservasiParameter, target: object = None) -> list[Bukti]:
    """A database error after the quote that the value as found did not give."""
    bukti = []
    for j in _jawaban(obs):
        h, t = j.halaman, j.kiriman.titik
        sql = sql_baru(h, j.dasar) if h is not None else None
        if h is not None and sql:
            bukti.append(f"GET {t.path} parameter '{t.nama}' = {j.kiriman.nilai!r} -> "
                         f"{h.status}: {sql[0]}: {sql[1]!r}")
    return bukti_gabung(bukti)


def nilai_evaluasi_templat(obs: ObservasiParameter, target: object = None) -> list[Bukti]:
    """The product of the two factors right after the marker."""
    bukti = []
    for j in _jawaban(obs):
        h, k = j.halaman, j.kiriman
        if h is not None and dievaluasi(h.text, k.penanda, k.hasil):
            bukti.append(f"GET {k.titik.path} parameter '{k.titik.nama}' = {k.nilai!r} -> "
                         f"{h.status}: hasil perkalian {k.hasil} muncul setelah penanda")
    return bukti_gabung(bukti)


def nilai_injeksi_header(obs: ObservasiParameter, target: object = None) -> list[Bukti]:
    """The canary as a header line of its own in the raw head, never merely inside another
    header's value; a dropped connection injected nothing."""
    bukti = []
    for j in _jawaban(obs):
        k, kepala = j.kiriman, j.kepala
        disisipkan = kepala.ada(k.penanda) if kepala is not None else None
        if kepala is not None and disisipkan:
            t = k.titik
            bukti.append(f"GET {t.path} parameter '{t.nama}' = "
                         f"{t.nilai + '%0D%0A' + k.penanda + ': lpa'!r} -> {kepala.status}: "
                         f"header sisipan muncul di jawaban: {kutip(disisipkan, 100)!r}")
    return bukti_gabung(bukti)


def nilai_traversal(obs: ObservasiParameter, target: object = None) -> list[Bukti]:
    """A line of ``/etc/passwd`` or ``win.ini`` in an answer that is no error; the first per
    parameter."""
    bukti: dict[tuple[str, str], str] = {}
    for j in _jawaban(obs):
        h, k = j.halaman, j.kiriman
        kunci = (k.titik.path, k.titik.nama)
        if h is None or h.status >= 400 or kunci in bukti:
            continue
        baris = bukti_traversal(h.text)
        if baris:
            bukti[kunci] = (f"GET {k.titik.path} parameter '{k.titik.nama}' = {k.nilai!r} -> "
                            f"{h.status}: isi berkas sistem tampil ({baris!r})")
    return bukti_gabung(list(bukti.values()))


def nilai_sql_angka(obs: ObservasiParameter, target: object = None) -> list[Bukti]:
    """The expression ``(v+1)-1`` shows ``v``'s page, not ``v+1``'s, while those two differ
    (so the parameter matters and the database computed it)."""
    bukti = []
    for j in _jawaban(obs):
        asli, lain, hitung, k = j.dasar, j.pembanding, j.halaman, j.kiriman
        if asli is None or lain is None or hitung is None:
            continue
        if asli.status == 200 and hitung.status == 200 and not sama(asli.text, lain.text) \
                and sama(asli.text, hitung.text) and not sama(hitung.text, lain.text):
            t = k.titik
            bukti.append(f"GET {t.path} parameter '{t.nama}' = '{k.nilai}' -> 200 "
                         f"menampilkan isi yang sama dengan {t.nama}={t.nilai}, bukan "
                         f"{t.nama}={k.pembanding}: ekspresi dihitung oleh basis data")
    return bukti_gabung(bukti)
