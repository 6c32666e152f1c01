"""validasi_data: the data-validation probes, each a Prefect task named after its check.

They work on what :func:`tasks.kelaikan.jelajah.jelajahi_situs` found. Everything they submit
carries ``UJI-KELAIKAN-LPA`` so the agency can find and delete it; forms with a password or a
file field are never submitted (nothing is uploaded); the open-redirect probe points at a
``.invalid`` host and only reads the ``Location`` header.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from domain.kelaikan.cek import Bukti, TidakDapatDiuji, bukti_gabung
from domain.kelaikan.galat import kutip
from domain.kelaikan.halaman import Formulir, Halaman, Isian, token_acak, urai
from domain.kelaikan.masukan import (
    JENIS_TANPA_NILAI,
    JENIS_TEKS,
    NAMA_PENGALIHAN,
    PENANDA_UJI,
    TitikGet,
    formulir_post,
    galat_baru,
    halaman_untuk,
    nama_isian,
    nilai_pengalihan,
    titik_get,
)
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.jelajah import kirim_formulir
from tasks.kelaikan.klien import KlienUji
from tasks.kelaikan.umum import Pengamat, pemeriksa

MAKS_PARAM_TIPE = 4
MAKS_PARAM_PENGALIHAN = 3
PANJANG_BERLEBIH = 10_000
"""Characters of the overlong-input probe."""
HOST_LUAR = "lpa-uji-pengalihan.invalid"
"""Off-scope redirect target of the open-redirect probe (RFC 2606: never resolves)."""


# --- validasi_data.batasan_form ----------------------------------------------------------------

_PESAN_TOLAK = re.compile(
    r"wajib|harus diisi|tidak boleh|tidak valid|tidak sah|melebihi|terlalu panjang|maksimal"
    r"|required|invalid|too long|must be|error|gagal", re.I,
)
_JENIS_BERFORMAT = ("email", "number", "url", "date", "time", "month", "week",
                    "datetime-local", "range", "color")


def diterima(jawaban: Halaman, formulir: Formulir, halaman_formulir: str) -> bool:
    """Did the server accept a submission? Doubtful answers count as refused (no finding)."""
    if jawaban.status >= 400:
        return False
    if 300 <= jawaban.status < 400:
        tujuan = urljoin(jawaban.url, jawaban.header("location") or "")
        kembali = {urlsplit(halaman_formulir).path, urlsplit(jawaban.url).path}
        return urlsplit(tujuan).path not in kembali  # redirect back = refused with errors
    nama = nama_isian(formulir)
    if any(nama_isian(f) == nama for f in urai(jawaban.text).formulir):
        return False  # the form came back: server-side validation at work
    return not _PESAN_TOLAK.search(jawaban.text)


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


def uji_formulir(formulir: Formulir) -> list[tuple[str, str, str]]:
    """(field, value, description) probes for one form, one HTML constraint broken in each:
    empty required fields (two), over maxlength, against pattern, against type."""
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


@pemeriksa("validasi_data.batasan_form")
async def cek_batasan_form(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    url = target.url
    formulir = [f for f in formulir_post(url, halaman) if uji_formulir(f.formulir)]
    if not formulir:
        raise TidakDapatDiuji("tidak ada formulir POST dengan batasan isian di halaman yang "
                              "dijelajahi")
    temuan = []
    async with KlienUji(url) as klien:
        for form in formulir:
            bukti = []
            for nama, nilai, uraian in uji_formulir(form.formulir):
                jawaban, dikirim, asal = await kirim_formulir(klien, form, {nama: nilai})
                if diterima(jawaban, dikirim, asal):
                    bukti.append(f"{uraian} -> {jawaban.status}, diterima server")
            if bukti:
                temuan.append(Bukti(
                    f"{form.ringkas()}: " + "; ".join(bukti)))
    return temuan


# --- validasi_data.masukan_panjang -------------------------------------------------------------

def isian_panjang(formulir: Formulir) -> Isian | None:
    """The text field to fill with :data:`PANJANG_BERLEBIH` characters: one without maxlength
    first (the others are judged by batasan_form), a textarea before an input."""
    teks = [i for i in formulir.isian_bernama()
            if i.jenis in ("text", "textarea", "search") and not i.pattern]
    urut = sorted(teks, key=lambda i: (i.maxlength is not None, i.tag != "textarea"))
    return urut[0] if urut else None


@pemeriksa("validasi_data.masukan_panjang")
async def cek_masukan_panjang(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    url = target.url
    formulir = [(f, i) for f in formulir_post(url, halaman)
                if (i := isian_panjang(f.formulir)) is not None][:2]
    if not formulir:
        raise TidakDapatDiuji("tidak ada formulir POST dengan isian teks di halaman yang "
                              "dijelajahi")
    nilai = (PENANDA_UJI + "-" + "9" * PANJANG_BERLEBIH)[:PANJANG_BERLEBIH]
    bukti = []
    async with KlienUji(url) as klien:
        for form, isian in formulir:
            jawaban, dikirim, asal = await kirim_formulir(klien, form, {isian.nama: nilai})
            if diterima(jawaban, dikirim, asal):
                batas = f", maxlength {isian.maxlength}" if isian.maxlength else \
                    ", tanpa maxlength"
                bukti.append(f"{form.ringkas()}: isian '{isian.nama}' diisi "
                             f"{PANJANG_BERLEBIH} karakter{batas} -> {jawaban.status}, "
                             "diterima server")
    return bukti_gabung(bukti)


# --- validasi_data.tipe_dimanipulasi -----------------------------------------------------------

def _probe_tipe(titik: TitikGet) -> list[tuple[str, str]]:
    """(URL, description) of the type-tampering probes of one parameter."""
    probe = []
    if re.fullmatch(r"-?\d+", titik.nilai):
        probe.append((titik.dengan(PENANDA_UJI), f"{titik.nama}={PENANDA_UJI} (angka diganti "
                                                 "teks)"))
    probe.append((titik.dengan(titik.nilai, f"{titik.nama}[]"),
                  f"{titik.nama}[]={titik.nilai} (nilai tunggal diganti larik)"))
    return probe


def _ubah_tipe_formulir(formulir: Formulir) -> tuple[dict[str, str], tuple[str, ...], str]:
    """(changed values, removed names, description) of the one type-tampering submission of
    a POST form: choices outside their list, numbers as text, the first text field as an
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


@pemeriksa("validasi_data.tipe_dimanipulasi")
async def cek_tipe_dimanipulasi(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    url = target.url
    titik = sorted(titik_get(url, halaman), key=lambda t: not t.nilai.lstrip("-").isdigit())
    titik = [t for t in titik if not NAMA_PENGALIHAN.match(t.nama)][:MAKS_PARAM_TIPE]
    formulir = [f for f in formulir_post(url, halaman)
                if any(i.jenis not in JENIS_TANPA_NILAI | {"hidden"}
                       for i in f.formulir.isian_bernama())][:2]
    if not titik and not formulir:
        raise TidakDapatDiuji("tidak ada parameter GET atau formulir POST di halaman yang "
                              "dijelajahi")
    bukti = []
    async with KlienUji(url) as klien:
        for t in titik:
            dasar = halaman_untuk(halaman, t.url_asli) or await klien.get(t.url_asli)
            if dasar.status >= 500:
                continue
            for probe, uraian in _probe_tipe(t):
                h = await klien.get(probe)
                rusak = galat_baru(h, dasar)
                if rusak:
                    bukti.append(f"GET {t.path} {uraian} -> {h.status}: {rusak} (nilai asli "
                                 f"-> {dasar.status})")
                    break
        for form in formulir:
            ubah, buang, uraian = _ubah_tipe_formulir(form.formulir)
            if not ubah:
                continue
            jawaban, _, _ = await kirim_formulir(klien, form, ubah, buang)
            rusak = galat_baru(jawaban, None)
            if rusak:
                bukti.append(f"{form.ringkas()} {uraian} -> {jawaban.status}: {rusak}")
    return bukti_gabung(bukti)


# --- validasi_data.pengalihan_terbuka ----------------------------------------------------------

def titik_pengalihan(url: str, halaman: list[Halaman]) -> list[TitikGet]:
    """Parameters that look like a redirect target, by name or by value."""
    return [t for t in titik_get(url, halaman)
            if NAMA_PENGALIHAN.match(t.nama) or nilai_pengalihan(t.nilai)
            ][:MAKS_PARAM_PENGALIHAN]


def muatan_pengalihan(token: str) -> tuple[str, ...]:
    """Off-scope targets of the open-redirect probe: absolute, protocol-relative (``//host``)
    and its backslash form (``/\\host``, which browsers read as ``//host``)."""
    return (f"https://{HOST_LUAR}/lpa-{token}", f"//{HOST_LUAR}/lpa-{token}",
            f"/\\{HOST_LUAR}/lpa-{token}")


_C0_DAN_SPASI = "".join(chr(i) for i in range(0x21))


def host_tujuan(dasar: str, lokasi: str) -> str | None:
    """The host a browser goes to for ``Location: lokasi`` answered at ``dasar`` (WHATWG URL
    parsing in short: outer spaces and C0 controls trimmed, tabs and newlines removed,
    ``\\`` read as ``/`` in http(s) URLs)."""
    lokasi = re.sub(r"[\t\n\r]", "", lokasi.strip(_C0_DAN_SPASI))
    tujuan = urljoin(dasar, lokasi.replace("\\", "/"))
    if urlsplit(tujuan).scheme.lower() not in ("http", "https"):
        return None
    return urlsplit(tujuan).hostname


async def _lokasi(klien: KlienUji, alamat: str) -> tuple[int, str]:
    """Status and Location of one GET, redirects not followed; a head httpx refuses as
    malformed is read raw instead (a browser may still follow its Location)."""
    try:
        h = await klien.kirim("GET", alamat, ikuti=False)
    except httpx.RemoteProtocolError:
        kepala = await klien.kepala_mentah(alamat)
        return kepala.status or 0, kepala.nilai("location") or ""
    return h.status, h.header("location") or ""


@pemeriksa("validasi_data.pengalihan_terbuka")
async def cek_pengalihan_terbuka(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    url = target.url
    token = token_acak()
    bukti = []
    async with KlienUji(url) as klien:
        for t in titik_pengalihan(url, halaman):
            for muatan in muatan_pengalihan(token):
                status, lokasi = await _lokasi(klien, t.dengan(muatan))
                if 300 <= status < 400 and host_tujuan(t.url, lokasi) == HOST_LUAR:
                    bukti.append(f"GET {t.path}?{t.nama}={muatan} -> {status}, Location: "
                                 f"{kutip(lokasi, 100)} (tidak diikuti)")
                    break
    return bukti_gabung(bukti)


# --- validasi_data.unggah_tanpa_batasan --------------------------------------------------------

_ACCEPT_BERBAHAYA = re.compile(
    r"\.(?:php\d?|phtml|phar|jsp|jspx|asp|aspx|ashx|cer|asa|cgi|pl|py|sh|exe|dll|bat|cmd|html?"
    r"|xhtml|shtml|svg|js|htaccess)\b|text/html|application/x-(?:php|httpd-php|sh|msdownload)"
    r"|image/svg|^\*$|\*/\*", re.I,
)


class _PenguraiUnggah(HTMLParser):
    """File fields and their form (the shared parser does not keep ``accept``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.form: tuple[str, str] | None = None
        self.isian: list[tuple[str, str, str, str | None]] = []
        """(form action, method, field name, accept or None)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = (a.get("action", ""), (a.get("method") or "get").lower())
        elif tag == "input" and (a.get("type") or "").lower() == "file":
            action, method = self.form or ("", "get")
            self.isian.append((action, method, a.get("name", ""), a.get("accept")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None


def isian_berkas(teks: str) -> list[tuple[str, str, str, str | None]]:
    pengurai = _PenguraiUnggah()
    try:
        pengurai.feed(teks)
        pengurai.close()
    except Exception:  # noqa: BLE001 - a broken page yields what was read so far
        pass
    return pengurai.isian


def masalah_accept(accept: str | None) -> str | None:
    """Why a file field's ``accept`` is no allow-list; None when it is one."""
    if accept is None or not accept.strip():
        return "tanpa atribut accept"
    berbahaya = sorted({m.group(0).lower() for m in _ACCEPT_BERBAHAYA.finditer(accept)})
    if berbahaya:
        return f"accept={accept!r} mengizinkan {', '.join(berbahaya)}"
    return None


@pemeriksa("validasi_data.unggah_tanpa_batasan")
async def cek_unggah_tanpa_batasan(target: TargetUji, halaman: list[Halaman]) -> list[Bukti]:
    """Inspects the crawled pages only: no request, nothing uploaded."""
    bukti = []
    for h in halaman:
        for action, method, nama, accept in isian_berkas(h.text):
            masalah = masalah_accept(accept)
            if masalah:
                tujuan = urlsplit(urljoin(h.url, action or h.url)).path or "/"
                bukti.append(f"formulir {method.upper()} {tujuan} (di halaman "
                             f"{urlsplit(h.url).path or '/'}): isian berkas '{nama}' {masalah}")
    return bukti_gabung(bukti)


PEMERIKSA = (
    cek_batasan_form,
    cek_masukan_panjang,
    cek_tipe_dimanipulasi,
    cek_pengalihan_terbuka,
    cek_unggah_tanpa_batasan,
)
"""The probes of this category, each a task named after its check id."""


PENGAMAT: dict[str, Pengamat] = {}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
