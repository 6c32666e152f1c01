"""validasi_data: the observations of the data-validation checks (I/O only); the judges are
pure, in :mod:`domain.kelaikan.validasi`, :mod:`domain.kelaikan.pengalihan` and
:mod:`domain.kelaikan.unggah`.

Both observations work on what :func:`tasks.kelaikan.jelajah.jelajahi_situs` found.
:func:`amati_kiriman` submits the POST forms (one HTML constraint broken per submission, an
overlong value, manipulated types) and sends the GET parameters' type manipulations with
their baselines; :func:`amati_pengalihan` sends the redirect parameters an off-scope target
and reads only the ``Location`` header. Everything submitted carries ``UJI-KELAIKAN-LPA`` so
the agency can find and delete it; forms with a password or a file field are never submitted
(nothing is uploaded: the upload check reads the crawled pages). A request that fails is
recorded with its reason, and the other requests go on.
"""

from __future__ import annotations

import httpx
from prefect import task

from domain.kelaikan.halaman import Halaman, token_acak
from domain.kelaikan.masukan import FormulirDitemukan, halaman_untuk, nama_isian
from domain.kelaikan.pengalihan import (
    JawabanPengalihan,
    ObservasiPengalihan,
    muatan_pengalihan,
    titik_pengalihan,
)
from domain.kelaikan.target import TargetUji
from domain.kelaikan.validasi import (
    PANJANG_BERLEBIH,
    Aturan,
    Kiriman,
    ObservasiKiriman,
    ProbeTipe,
    TitikTipe,
    formulir_batasan,
    formulir_panjang,
    formulir_tipe,
    nilai_panjang,
    probe_tipe,
    titik_tipe,
    ubah_tipe_formulir,
    uji_formulir,
)
from tasks.kelaikan.jelajah import kirim_formulir
from tasks.kelaikan.klien import DiluarCakupan, KlienUji
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, alasan_galat

GAGAL = (httpx.HTTPError, DiluarCakupan, OSError)
"""What one request may fail with, recorded in the observation instead of ending it."""


async def _kirim(klien: KlienUji, form: FormulirDitemukan, aturan: Aturan, uraian: str,
                 jenis_nilai: str, ubah: dict[str, str], buang: tuple[str, ...] = (),
                 dasar: Halaman | None = None) -> Kiriman:
    """One submission of ``form``, recorded with what was broken and what came back."""
    data = {"aturan": aturan, "form": form, "uraian": uraian, "jenis_nilai": jenis_nilai,
            "dasar": dasar}
    try:
        jawaban, dikirim, asal = await kirim_formulir(klien, form, ubah, buang)
    except GAGAL as exc:
        return Kiriman(**data, halaman=form.halaman, isian=sorted(nama_isian(form.formulir)),
                       gagal=alasan_galat(exc))
    return Kiriman(**data, halaman=asal, isian=sorted(nama_isian(dikirim)), jawaban=jawaban)


def _jenis_nilai(nilai: str) -> str:
    return "kosong" if not nilai else f"teks {len(nilai)} karakter"


async def _get(klien: KlienUji, alamat: str) -> tuple[Halaman | None, str | None]:
    try:
        return await klien.get(alamat), None
    except GAGAL as exc:
        return None, alasan_galat(exc)


@task(name="validasi_data.amati_kiriman", **OPSI_TUGAS)
async def amati_kiriman(target: TargetUji, halaman: list[Halaman]) -> ObservasiKiriman:
    """The submissions of :mod:`domain.kelaikan.validasi`'s plan, in order: each form with
    one constraint broken per submission, the overlong value, the GET parameters' type
    manipulations after their baseline (none when the baseline is already a 5xx), the
    forms' type manipulations."""
    url = target.url
    kiriman: list[Kiriman] = []
    titik: list[TitikTipe] = []
    async with KlienUji(url) as klien:
        for form in formulir_batasan(url, halaman):
            for nama, nilai, uraian in uji_formulir(form.formulir):
                kiriman.append(await _kirim(klien, form, "batasan", uraian, _jenis_nilai(nilai),
                                            {nama: nilai}))
        panjang = nilai_panjang()
        for form, isian in formulir_panjang(url, halaman):
            batas = f", maxlength {isian.maxlength}" if isian.maxlength else ", tanpa maxlength"
            kiriman.append(await _kirim(
                klien, form, "panjang",
                f"isian '{isian.nama}' diisi {PANJANG_BERLEBIH} karakter{batas}",
                _jenis_nilai(panjang), {isian.nama: panjang}))
        for t in titik_tipe(url, halaman):
            dasar, gagal = halaman_untuk(halaman, t.url_asli), None
            if dasar is None:
                dasar, gagal = await _get(klien, t.url_asli)
            probe = []
            if dasar is not None and dasar.status < 500:
                for alamat, uraian in probe_tipe(t):
                    jawaban, alasan = await _get(klien, alamat)
                    probe.append(ProbeTipe(alamat=alamat, uraian=uraian, jawaban=jawaban,
                                           gagal=alasan))
            titik.append(TitikTipe(titik=t, dasar=dasar, gagal=gagal, probe=probe))
        for form in formulir_tipe(url, halaman):
            ubah, buang, uraian = ubah_tipe_formulir(form.formulir)
            kiriman.append(await _kirim(klien, form, "tipe", uraian, "pilihan/angka diganti "
                                        "teks, teks diganti larik", ubah, buang,
                                        halaman_untuk(halaman, form.halaman)))
    return ObservasiKiriman(kiriman=kiriman, titik=titik)


async def _lokasi(klien: KlienUji, alamat: str) -> tuple[int, str]:
    """Status and Location of one GET, redirects not followed; a head httpx refuses as
    malformed is read raw instead (a browser may still follow its Location)."""
    try:
        h = await klien.kirim("GET", alamat, ikuti=False)
    except httpx.RemoteProtocolError:
        kepala = await klien.kepala_mentah(alamat)
        return kepala.status or 0, kepala.nilai("location") or ""
    return h.status, h.header("location") or ""


@task(name="validasi_data.amati_pengalihan", **OPSI_TUGAS)
async def amati_pengalihan(target: TargetUji, halaman: list[Halaman]) -> ObservasiPengalihan:
    """Each redirect-looking parameter (:func:`domain.kelaikan.pengalihan.titik_pengalihan`)
    sent the three off-scope targets; the answers' status and ``Location``, never followed."""
    token = token_acak()
    jawaban = []
    async with KlienUji(target.url) as klien:
        for t in titik_pengalihan(target.url, halaman):
            for muatan in muatan_pengalihan(token):
                try:
                    status, lokasi = await _lokasi(klien, t.dengan(muatan))
                except GAGAL as exc:
                    jawaban.append(JawabanPengalihan(titik=t, muatan=muatan,
                                                     gagal=alasan_galat(exc)))
                    continue
                jawaban.append(JawabanPengalihan(titik=t, muatan=muatan, status=status,
                                                 lokasi=lokasi))
    return ObservasiPengalihan(halaman_dijelajahi=len(halaman), jawaban=jawaban)


PENGAMAT: dict[str, Pengamat] = {
    "kiriman_validasi": Pengamat("pengiriman formulir dan parameter uji validasi",
                                 amati_kiriman, dasar="jelajah"),
    "uji_pengalihan": Pengamat("permintaan parameter pengalihan", amati_pengalihan,
                               dasar="jelajah"),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
