"""validasi_data: what the test submits to forms and GET parameters, what came back, and the
pure judges of it.

The plan is read from the crawled pages (:func:`formulir_batasan`, :func:`formulir_panjang`,
:func:`titik_tipe`, :func:`formulir_tipe`); ``tasks/kelaikan/validasi.py`` sends it and
records every answer with what provoked it (:class:`ObservasiKiriman`). The judges decide
whether the server accepted a value it should have refused (:func:`diterima`) or broke on it
(:func:`domain.kelaikan.masukan.galat_baru`), so they are unit-tested on recorded answers of
real software. A request that failed is recorded with its reason: a judge that needed it and
found nothing else says it could not test (:class:`TidakDapatDiuji`). The open-redirect and
upload judges are in :mod:`domain.kelaikan.pengalihan` and :mod:`domain.kelaikan.unggah`.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.halaman import Formulir, Halaman, Isian, urai
from domain.kelaikan.masukan import (
    JENIS_TANPA_NILAI,
    JENIS_TEKS,
    NAMA_PENGALIHAN,
    PENANDA_UJI,
    FormulirDitemukan,
    TitikGet,
    formulir_post,
    galat_baru,
    nama_isian,
    titik_get,
)

MAKS_PARAM_TIPE = 4
PANJANG_BERLEBIH = 10_000
"""Characters of the overlong-input submission."""
MAKS_FORMULIR_PANJANG = 2
MAKS_FORMULIR_TIPE = 2

Aturan = Literal["batasan", "panjang", "tipe"]
"""Which plan a submission belongs to: a broken HTML constraint, an overlong value, a
manipulated type."""


# --- what the test sends ------------------------------------------------------------------------

def _melanggar_pola(isian: Isian) -> str | None:
    """A value (within maxlength) that the field's pattern refuses; None if none found."""
    try:
        pola = re.compile(isian.pattern or "")
    except re.error:
        return None
    for calon in (PENANDA_UJI, PENANDA_UJI.lower(), "UJI LPA 0", "0"):
        calon = calon[: isian.maxlength] if isian.maxlength else calon
        if calon and not pola.fullmatch(calon):
            return calon
    return None


_JENIS_BERFORMAT = ("email", "number", "url", "date", "time", "month", "week",
                    "datetime-local", "range", "color")


def uji_formulir(formulir: Formulir) -> list[tuple[str, str, str]]:
    """(field, value, description) submissions for one form, one HTML constraint broken in
    each: empty required fields (two), over maxlength, against pattern, against type."""
    probe: list[tuple[str, str, str]] = []
    bisa = [i for i in formulir.isian_bernama() if i.jenis in JENIS_TEKS | {"select"}]
    for isian in [i for i in bisa if i.wajib][:2]:
        probe.append((isian.nama, "", f"isian '{isian.nama}' (required) dikosongkan"))
    for isian in [i for i in bisa if i.maxlength and i.jenis != "select"][:1]:
        panjang = isian.maxlength + 50
        nilai = (PENANDA_UJI + "-" + "9" * panjang)[:panjang]
        probe.append((isian.nama, nilai,
                      f"isian '{isian.nama}' diisi {panjang} karakter (maxlength "
                      f"{isian.maxlength})"))
    for isian in [i for i in bisa if i.pattern and i.jenis != "select"]:
        nilai = _melanggar_pola(isian)
        if nilai:
            probe.append((isian.nama, nilai, f"isian '{isian.nama}' = {nilai!r} tidak cocok "
                                             f"dengan pattern {isian.pattern!r}"))
            break
    for isian in [i for i in bisa if i.jenis in _JENIS_BERFORMAT][:1]:
        probe.append((isian.nama, PENANDA_UJI,
                      f"isian '{isian.nama}' (type={isian.jenis}) = {PENANDA_UJI!r}"))
    return probe


def formulir_batasan(url: str, halaman: list[Halaman]) -> list[FormulirDitemukan]:
    """The POST forms with an HTML constraint to break."""
    return [f for f in formulir_post(url, halaman) if uji_formulir(f.formulir)]


def isian_panjang(formulir: Formulir) -> Isian | None:
    """The text field to fill with :data:`PANJANG_BERLEBIH` characters: one without maxlength
    first (the others are judged by the constraints' check), a textarea before an input."""
    teks = [i for i in formulir.isian_bernama()
            if i.jenis in ("text", "textarea", "search") and not i.pattern]
    urut = sorted(teks, key=lambda i: (i.maxlength is not None, i.tag != "textarea"))
    return urut[0] if urut else None


def formulir_panjang(url: str, halaman: list[Halaman]) -> list[tuple[FormulirDitemukan, Isian]]:
    return [(f, i) for f in formulir_post(url, halaman)
            if (i := isian_panjang(f.formulir)) is not None][:MAKS_FORMULIR_PANJANG]


def nilai_panjang() -> str:
    return (PENANDA_UJI + "-" + "9" * PANJANG_BERLEBIH)[:PANJANG_BERLEBIH]


def titik_tipe(url: str, halaman: list[Halaman]) -> list[TitikGet]:
    """GET parameters whose type the test manipulates: numeric ones first, no redirect
    parameter (the open-redirect check's)."""
    titik = sorted(titik_get(url, halaman), key=lambda t: not t.nilai.lstrip("-").isdigit())
    return [t for t in titik if not NAMA_PENGALIHAN.match(t.nama)][:MAKS_PARAM_TIPE]


def probe_tipe(titik: TitikGet) -> list[tuple[str, str]]:
    """(URL, description) of the type manipulations of one parameter."""
    probe = []
    if re.fullmatch(r"-?\d+", titik.nilai):
        probe.append((titik.dengan(PENANDA_UJI), f"{titik.nama}={PENANDA_UJI} (angka diganti "
                                                 "teks)"))
    probe.append((titik.dengan(titik.nilai, f"{titik.nama}[]"),
                  f"{titik.nama}[]={titik.nilai} (nilai tunggal diganti larik)"))
    return probe


def ubah_tipe_formulir(formulir: Formulir) -> tuple[dict[str, str], tuple[str, ...], str]:
    """(changed values, removed names, description) of the one type-manipulating submission
    of a POST form: choices outside their list, numbers as text, the first text field as an
    array."""
    ubah: dict[str, str] = {}
    buang: list[str] = []
    uraian = []
    for isian in formulir.isian_bernama():
        if isian.jenis in ("select", "number", "range", "radio"):
            ubah[isian.nama] = PENANDA_UJI
            uraian.append(f"{isian.nama}={PENANDA_UJI}")
    teks = next((i for i in formulir.isian_bernama()
                 if i.jenis in ("text", "textarea", "search", "email")), None)
    if teks is not None:
        buang.append(teks.nama)
        ubah[f"{teks.nama}[]"] = PENANDA_UJI
        uraian.append(f"{teks.nama}[]={PENANDA_UJI}")
    return ubah, tuple(buang), ", ".join(uraian)


def formulir_tipe(url: str, halaman: list[Halaman]) -> list[FormulirDitemukan]:
    """The POST forms with a field whose type the test can manipulate."""
    return [f for f in formulir_post(url, halaman)
            if any(i.jenis not in JENIS_TANPA_NILAI | {"hidden"}
                   for i in f.formulir.isian_bernama())
            and ubah_tipe_formulir(f.formulir)[0]][:MAKS_FORMULIR_TIPE]


# --- what came back -----------------------------------------------------------------------------

class Kiriman(BaseModel):
    """One POST submission of a form the crawl found, and its answer (redirects not
    followed). Forms with a password field are never submitted."""

    model_config = ConfigDict(frozen=True)

    aturan: Aturan
    form: FormulirDitemukan
    uraian: str
    """The rule broken, in Bahasa Indonesia: ``isian 'nama' (required) dikosongkan``."""
    jenis_nilai: str
    """The kind of value sent: ``kosong``, ``150 karakter``, ``teks``, ``larik``."""
    halaman: str
    """URL of the page the form was sent from (fetched again when it has hidden fields)."""
    isian: list[str]
    """The names of the form's fields as sent: the same form in the answer means refused."""
    jawaban: Halaman | None = None
    dasar: Halaman | None = None
    """The crawled page carrying the form: what the answer is compared with (type only)."""
    gagal: str | None = None
    """Why there is no answer (timeout, connection cut)."""


class ProbeTipe(BaseModel):
    model_config = ConfigDict(frozen=True)

    alamat: str
    uraian: str
    """``id=UJI-KELAIKAN-LPA (angka diganti teks)``."""
    jawaban: Halaman | None = None
    gagal: str | None = None


class TitikTipe(BaseModel):
    """One GET parameter: its baseline answer (the value as found) and its manipulations
    (none sent when the baseline is already a server error)."""

    model_config = ConfigDict(frozen=True)

    titik: TitikGet
    dasar: Halaman | None = None
    gagal: str | None = None
    """Why the baseline has no answer."""
    probe: list[ProbeTipe] = []


class ObservasiKiriman(BaseModel):
    """Everything the validasi_data checks submitted, as sent and as answered."""

    model_config = ConfigDict(frozen=True)

    kiriman: list[Kiriman] = []
    titik: list[TitikTipe] = []

    def dari(self, aturan: Aturan) -> list[Kiriman]:
        return [k for k in self.kiriman if k.aturan == aturan]


_PESAN_TOLAK = re.compile(
    r"wajib|harus diisi|tidak boleh|tidak valid|tidak sah|melebihi|terlalu panjang|maksimal"
    r"|required|invalid|too long|must be|error|gagal", re.I,
)


def diterima(jawaban: Halaman, isian: set[str], halaman_formulir: str) -> bool:
    """Did the server accept a submission of the form with fields ``isian`` sent from
    ``halaman_formulir``? Doubtful answers count as refused (no finding)."""
    if jawaban.status >= 400:
        return False
    if 300 <= jawaban.status < 400:
        tujuan = urljoin(jawaban.url, jawaban.header("location") or "")
        kembali = {urlsplit(halaman_formulir).path, urlsplit(jawaban.url).path}
        return urlsplit(tujuan).path not in kembali  # redirect back = refused with errors
    if any(nama_isian(f) == isian for f in urai(jawaban.text).formulir):
        return False  # the form came back: server-side validation at work
    return not _PESAN_TOLAK.search(jawaban.text)


def _diterima(k: Kiriman) -> Halaman | None:
    """The answer of a submission the server accepted; None when refused or unanswered."""
    if k.jawaban is not None and diterima(k.jawaban, set(k.isian), k.halaman):
        return k.jawaban
    return None


def _tak_terjawab(gagal: list[str], bukti: list[str]) -> None:
    """Nothing found while some requests got no answer: not tested, rather than passed."""
    if gagal and not bukti:
        lain = f" (dan {len(gagal) - 1} lainnya)" if len(gagal) > 1 else ""
        raise TidakDapatDiuji(f"permintaan uji tidak terjawab: {gagal[0]}{lain}")


def _gagal(kiriman: list[Kiriman]) -> list[str]:
    return [f"{k.form.ringkas()}: {k.gagal}" for k in kiriman if k.jawaban is None]


# --- the judges ---------------------------------------------------------------------------------

def nilai_batasan_form(obs: ObservasiKiriman, target: object = None) -> list[Bukti]:
    """One finding per form whose submissions breaking an HTML constraint were accepted."""
    kiriman = obs.dari("batasan")
    if not kiriman:
        raise TidakDapatDiuji("tidak ada formulir POST dengan batasan isian di halaman yang "
                              "dijelajahi")
    per_form: dict[str, list[str]] = {}
    for k in kiriman:
        if jawaban := _diterima(k):
            per_form.setdefault(k.form.ringkas(), []).append(
                f"{k.uraian} -> {jawaban.status}, diterima server")
    _tak_terjawab(_gagal(kiriman), list(per_form))
    return [Bukti(f"{form}: " + "; ".join(bukti)) for form, bukti in per_form.items()]


def nilai_masukan_panjang(obs: ObservasiKiriman, target: object = None) -> list[Bukti]:
    kiriman = obs.dari("panjang")
    if not kiriman:
        raise TidakDapatDiuji("tidak ada formulir POST dengan isian teks di halaman yang "
                              "dijelajahi")
    bukti = [f"{k.form.ringkas()}: {k.uraian} -> {jawaban.status}, diterima server"
             for k in kiriman if (jawaban := _diterima(k))]
    _tak_terjawab(_gagal(kiriman), bukti)
    return bukti_gabung(bukti)


def nilai_tipe_dimanipulasi(obs: ObservasiKiriman, target: object = None) -> list[Bukti]:
    """A manipulated type that the server broke on (a 5xx, a database or runtime error in
    the page) where the value as found was answered normally."""
    kiriman = obs.dari("tipe")
    if not obs.titik and not kiriman:
        raise TidakDapatDiuji("tidak ada parameter GET atau formulir POST di halaman yang "
                              "dijelajahi")
    bukti: list[str] = []
    gagal: list[str] = []
    for t in obs.titik:
        if t.dasar is None:
            gagal.append(f"GET {t.titik.path} ({t.titik.nama}, nilai asli): {t.gagal}")
            continue
        if t.dasar.status >= 500:
            continue
        for p in t.probe:
            if p.jawaban is None:
                gagal.append(f"GET {t.titik.path} {p.uraian}: {p.gagal}")
                continue
            rusak = galat_baru(p.jawaban, t.dasar)
            if rusak:
                bukti.append(f"GET {t.titik.path} {p.uraian} -> {p.jawaban.status}: {rusak} "
                             f"(nilai asli -> {t.dasar.status})")
                break
    for k in kiriman:
        if k.jawaban is None:
            gagal += _gagal([k])
            continue
        rusak = galat_baru(k.jawaban, k.dasar)
        if rusak:
            bukti.append(f"{k.form.ringkas()} {k.uraian} -> {k.jawaban.status}: {rusak}")
    _tak_terjawab(gagal, bukti)
    return bukti_gabung(bukti)
