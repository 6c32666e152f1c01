"""validasi_data: the data-validation checks of the feasibility test, each a Prefect task.

:func:`jelajahi_situs` crawls the application once per category, politely bounded: same
origin only, :data:`MAKS_HALAMAN` requests at most, :data:`MAKS_KEDALAMAN` links deep, GET
only, never a link that looks like logout/delete, never a static file. The checks work on
what it found: the POST forms (:func:`formulir_post`) and the GET parameters of links and
GET forms (:func:`titik_get`, also used by :mod:`tasks.cek_input`).

Everything the checks submit carries ``UJI-KELAIKAN-LPA`` so the agency can find and delete
it; forms with a password or a file field are never submitted (nothing is uploaded); the
open-redirect probe points at a ``.invalid`` host and only reads the ``Location`` header.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx
from prefect import task
from pydantic import BaseModel, ConfigDict

from domain.kelaikan import CEK, Temuan
from tasks.kelaikan_cek import (
    _JENIS_TANPA_NILAI,
    _JENIS_TEKS,
    PENANDA_UJI,
    TidakDapatDiuji,
    _data_formulir,
    _kutip,
    _nama_isian,
    _opsi_tugas,
)
from tasks.kelaikan_http import (
    DiluarCakupan,
    Formulir,
    Halaman,
    Isian,
    KlienUji,
    origin,
    token_acak,
    urai,
)

MAKS_HALAMAN = 8
"""Requests of one crawl at most."""
MAKS_KEDALAMAN = 2
MAKS_FORMULIR = 3
MAKS_PARAM_TIPE = 4
MAKS_PARAM_PENGALIHAN = 3
PANJANG_BERLEBIH = 10_000
"""Characters of the overlong-input probe."""
HOST_LUAR = "lpa-uji-pengalihan.invalid"
"""Off-scope redirect target of the open-redirect probe (RFC 2606: never resolves)."""

_STATIS = re.compile(
    r"\.(?:png|jpe?g|gif|svg|ico|webp|bmp|css|js|mjs|map|woff2?|ttf|eot|otf|pdf|docx?|xlsx?"
    r"|pptx?|odt|ods|zip|rar|7z|gz|tgz|tar|mp[34]|avi|mov|webm|ogg|wav|csv|xml|txt|json|apk"
    r"|exe)$", re.I,
)
_TAUTAN_TERLARANG = re.compile(
    r"logout|log-out|log_out|logoff|sign-?out|keluar|hapus|delete|remove|destroy|unsubscribe"
    r"|reset", re.I,
)
_PARAM_SESI = re.compile(
    r"^(?:phpsessid|jsessionid|aspsessionid\w*|asp\.net_sessionid|sid|sessionid|session_id"
    r"|sessid|sess_id|cfid|cftoken|csrf\w*|_token|xsrf\w*|authenticity_token)$", re.I,
)
_NAMA_PENGALIHAN = re.compile(
    r"^(?:next|url|uri|redirect\w*|redir|return\w*|goto|go|continue|dest|destination|target"
    r"|to|out|forward|fwd|r|u|kembali|ke|tujuan|link|callback|back|ref|referer|referrer)$", re.I,
)


# --- the crawl --------------------------------------------------------------------------------

def _kunci_halaman(url: str) -> tuple[str, tuple[str, ...]]:
    bagian = urlsplit(url)
    return bagian.path or "/", tuple(sorted({k for k, _ in parse_qsl(bagian.query, True)}))


def _nilai_pengalihan(nilai: str) -> bool:
    return bool(re.match(r"(?:https?:)?//|/", nilai, re.I))


def _layak_dijelajahi(url: str) -> bool:
    bagian = urlsplit(url)
    if _STATIS.search(bagian.path) or _TAUTAN_TERLARANG.search(url):
        return False
    params = parse_qsl(bagian.query, keep_blank_values=True)
    return not any(_NAMA_PENGALIHAN.match(k) or _nilai_pengalihan(v) or _PARAM_SESI.match(k)
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


@task(name="kelaikan.jelajahi_situs", **_opsi_tugas)
async def jelajahi_situs(url: str) -> list[Halaman]:
    """The bounded crawl the validasi_data and input_error checks work on."""
    async with KlienUji(url) as klien:
        return await jelajahi(klien, url)


# --- what the crawl found: POST forms, GET parameters ----------------------------------------

class FormulirDitemukan(BaseModel):
    """A POST form found on a crawled page."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    halaman: str
    """URL of the page that carries it."""
    action: str
    """Absolute URL the form posts to."""
    formulir: Formulir

    @property
    def ada_tersembunyi(self) -> bool:
        return any(i.jenis == "hidden" for i in self.formulir.isian)

    def ringkas(self) -> str:
        return f"POST {urlsplit(self.action).path or '/'}"


def _sama(url: str, lain: str) -> bool:
    return origin(url) == origin(lain)


def formulir_post(url: str, halaman: list[Halaman]) -> list[FormulirDitemukan]:
    """POST forms of the crawled pages that may be submitted: in scope, no password field,
    no file field; each (action, field names) once, at most :data:`MAKS_FORMULIR`."""
    hasil: dict[tuple[str, frozenset[str]], FormulirDitemukan] = {}
    for h in halaman:
        for form in urai(h.text).formulir:
            action = urljoin(h.url, form.action or h.url).split("#")[0]
            if form.method != "post" or form.ada_sandi or not _sama(url, action) or \
                    any(i.jenis == "file" for i in form.isian):
                continue
            kunci = (urlsplit(action).path, frozenset(_nama_isian(form)))
            hasil.setdefault(kunci, FormulirDitemukan(halaman=h.url, action=action,
                                                      formulir=form))
    return list(hasil.values())[:MAKS_FORMULIR]


def cocokkan_formulir(segar: Halaman, lama: FormulirDitemukan) -> Formulir:
    """The same form on a freshly fetched page (new hidden values), else the old one."""
    for form in urai(segar.text).formulir:
        action = urljoin(segar.url, form.action or segar.url).split("#")[0]
        if urlsplit(action).path == urlsplit(lama.action).path and \
                _nama_isian(form) == _nama_isian(lama.formulir):
            return form
    return lama.formulir


async def kirim_formulir(klien: KlienUji, form: FormulirDitemukan, ubah: dict[str, str],
                         buang: tuple[str, ...] = ()) -> tuple[Halaman, Formulir, str]:
    """POST ``form`` with valid values except ``ubah`` (and without ``buang``); the page is
    fetched again first when the form has hidden fields (fresh CSRF token, our session).
    Returns the answer (redirects not followed), the form as sent and its page's URL."""
    formulir, halaman = form.formulir, form.halaman
    if form.ada_tersembunyi:
        segar = await klien.get(form.halaman)
        formulir, halaman = cocokkan_formulir(segar, form), segar.url
    data = {k: v for k, v in _data_formulir(formulir, {}).items() if k not in buang}
    data.update(ubah)
    jawaban = await klien.kirim("POST", form.action, data=data, ikuti=False)
    return jawaban, formulir, halaman


class TitikGet(BaseModel):
    """One GET parameter of a link or GET form found by the crawl."""

    model_config = ConfigDict(frozen=True)

    url: str
    """Absolute URL without its query."""
    params: list[tuple[str, str]]
    nama: str
    """The parameter under test."""
    asal: str
    """Path of the page where the link or form was found."""
    url_asli: str
    """The URL as found (the baseline answer is the one to this URL)."""

    @property
    def nilai(self) -> str:
        return next(v for k, v in self.params if k == self.nama)

    def dengan(self, nilai: str, nama: str | None = None) -> str:
        """The URL with this parameter set to ``nilai`` (and renamed to ``nama``)."""
        params = [((nama or k), nilai) if k == self.nama else (k, v) for k, v in self.params]
        return f"{self.url}?{urlencode(params)}"

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


def titik_get(url: str, halaman: list[Halaman]) -> list[TitikGet]:
    """Every (path, parameter) of in-scope links with a query and of GET forms on the
    crawled pages, once each, in the order found; session ids and tokens left out."""
    hasil: dict[tuple[str, str], TitikGet] = {}

    def tambah(dasar: str, params: list[tuple[str, str]], asal: str, asli: str) -> None:
        for nama, _ in params:
            kunci = (urlsplit(dasar).path, nama)
            if nama and not _PARAM_SESI.match(nama) and kunci not in hasil:
                hasil[kunci] = TitikGet(url=dasar, params=params, nama=nama, asal=asal,
                                        url_asli=asli)

    for h in halaman:
        asal = urlsplit(h.url).path or "/"
        isi = urai(h.text)
        for tautan in isi.tautan:
            alamat = urljoin(h.url, tautan).split("#")[0]
            bagian = urlsplit(alamat)
            if bagian.query and _sama(url, alamat) and not _STATIS.search(bagian.path) and \
                    not _TAUTAN_TERLARANG.search(bagian.path):
                dasar = urlunsplit(bagian._replace(query=""))
                tambah(dasar, parse_qsl(bagian.query, keep_blank_values=True), asal, alamat)
        for form in isi.formulir:
            action = urljoin(h.url, form.action or h.url).split("#")[0].split("?")[0]
            if form.method != "get" or form.ada_sandi or not _sama(url, action):
                continue
            params = [(k, v) for k, v in _data_formulir(form, {}).items()]
            if params:
                tambah(action, params, asal, f"{action}?{urlencode(params)}")
    return list(hasil.values())


def halaman_untuk(halaman: list[Halaman], url: str) -> Halaman | None:
    """The crawled answer to ``url``, if the crawl fetched it."""
    return next((h for h in halaman if h.url == url), None)


# --- database errors (also used by tasks.cek_input) -------------------------------------------

GALAT_SQL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (nama, re.compile(pola, re.I)) for nama, pola in (
        ("MySQL/MariaDB", r"You have an error in your SQL syntax|check the manual that "
                          r"(?:corresponds to|fits) your (?:MySQL|MariaDB)|Unknown column '[^']*' "
                          r"in '|mysqli?_(?:query|fetch_\w+|num_rows)\(\)|MySqlException"
                          r"|com\.mysql\.jdbc|pymysql\.err|MySQLdb\._exceptions"),
        ("PDO", r"SQLSTATE\[\w+\]|PDOException"),
        ("CodeIgniter", r"A Database Error Occurred"),
        ("PostgreSQL", r"unterminated quoted string at or near|syntax error at or near \""
                       r"|pg_(?:query|exec)\(\)|PG::SyntaxError|org\.postgresql\.util\."
                       r"PSQLException|psycopg2?\.errors|Npgsql\."),
        ("SQL Server", r"Unclosed quotation mark after the character string|Incorrect syntax "
                       r"near|Microsoft OLE DB Provider for SQL Server|\[SQL Server\]"
                       r"|System\.Data\.SqlClient\.SqlException"),
        ("Oracle", r"\bORA-\d{5}\b|quoted string not properly terminated"),
        ("SQLite", r"SQLite3::|sqlite3\.OperationalError|SQLITE_ERROR|near \"[^\"]*\": syntax "
                   r"error|unrecognized token: "),
        ("ORM", r"ActiveRecord::StatementInvalid|django\.db\.utils\.\w+Error"
                r"|Illuminate\\Database\\QueryException|Doctrine\\DBAL\\"),
        ("DB2/Firebird", r"DB2 SQL error|Dynamic SQL Error"),
    )
)


def galat_sql(teks: str) -> dict[str, str]:
    """Database-error signature name -> an excerpt (tags removed), for each found."""
    hasil = {}
    for nama, pola in GALAT_SQL:
        m = pola.search(teks)
        if m:
            potongan = re.sub(r"<[^>]*>?", " ", teks[m.start():m.end() + 100])
            hasil[nama] = _kutip(potongan, 140)
    return hasil


def galat_baru(jawaban: Halaman, dasar: Halaman | None) -> str | None:
    """What is broken in ``jawaban`` that was not in the baseline answer ``dasar``: a 5xx
    or a database error; None when nothing."""
    lama = galat_sql(dasar.text) if dasar is not None else {}
    baru = {k: v for k, v in galat_sql(jawaban.text).items() if k not in lama}
    if baru:
        nama, kutipan = next(iter(baru.items()))
        return f"error basis data {nama}: {kutipan!r}"
    if jawaban.status >= 500 and (dasar is None or dasar.status < 500):
        return f"HTTP {jawaban.status}"
    return None


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
    nama = _nama_isian(formulir)
    if any(_nama_isian(f) == nama for f in urai(jawaban.text).formulir):
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
    bisa = [i for i in formulir.isian_bernama() if i.jenis in _JENIS_TEKS | {"select"}]
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


@task(name="validasi_data.batasan_form", **_opsi_tugas)
async def cek_batasan_form(url: str, halaman: list[Halaman]) -> list[Temuan]:
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
                temuan.append(CEK["validasi_data.batasan_form"].temuan(
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


@task(name="validasi_data.masukan_panjang", **_opsi_tugas)
async def cek_masukan_panjang(url: str, halaman: list[Halaman]) -> list[Temuan]:
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
    return [CEK["validasi_data.masukan_panjang"].temuan("; ".join(bukti))] if bukti else []


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


@task(name="validasi_data.tipe_dimanipulasi", **_opsi_tugas)
async def cek_tipe_dimanipulasi(url: str, halaman: list[Halaman]) -> list[Temuan]:
    titik = sorted(titik_get(url, halaman), key=lambda t: not t.nilai.lstrip("-").isdigit())
    titik = [t for t in titik if not _NAMA_PENGALIHAN.match(t.nama)][:MAKS_PARAM_TIPE]
    formulir = [f for f in formulir_post(url, halaman)
                if any(i.jenis not in _JENIS_TANPA_NILAI | {"hidden"}
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
    return _temuan("validasi_data.tipe_dimanipulasi", bukti)


def _temuan(cek_id: str, bukti: list[str]) -> list[Temuan]:
    bukti = list(dict.fromkeys(bukti))
    return [CEK[cek_id].temuan("; ".join(bukti))] if bukti else []


# --- validasi_data.pengalihan_terbuka ----------------------------------------------------------

def titik_pengalihan(url: str, halaman: list[Halaman]) -> list[TitikGet]:
    """Parameters that look like a redirect target, by name or by value."""
    return [t for t in titik_get(url, halaman)
            if _NAMA_PENGALIHAN.match(t.nama) or _nilai_pengalihan(t.nilai)
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


@task(name="validasi_data.pengalihan_terbuka", **_opsi_tugas)
async def cek_pengalihan_terbuka(url: str, halaman: list[Halaman]) -> list[Temuan]:
    token = token_acak()
    bukti = []
    async with KlienUji(url) as klien:
        for t in titik_pengalihan(url, halaman):
            for muatan in muatan_pengalihan(token):
                status, lokasi = await _lokasi(klien, t.dengan(muatan))
                if 300 <= status < 400 and host_tujuan(t.url, lokasi) == HOST_LUAR:
                    bukti.append(f"GET {t.path}?{t.nama}={muatan} -> {status}, Location: "
                                 f"{_kutip(lokasi, 100)} (tidak diikuti)")
                    break
    return _temuan("validasi_data.pengalihan_terbuka", bukti)


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


@task(name="validasi_data.unggah_tanpa_batasan", **_opsi_tugas)
async def cek_unggah_tanpa_batasan(url: str, halaman: list[Halaman]) -> list[Temuan]:
    """Inspects the crawled pages only: no request, nothing uploaded."""
    bukti = []
    for h in halaman:
        for action, method, nama, accept in isian_berkas(h.text):
            masalah = masalah_accept(accept)
            if masalah:
                tujuan = urlsplit(urljoin(h.url, action or h.url)).path or "/"
                bukti.append(f"formulir {method.upper()} {tujuan} (di halaman "
                             f"{urlsplit(h.url).path or '/'}): isian berkas '{nama}' {masalah}")
    return _temuan("validasi_data.unggah_tanpa_batasan", bukti)


TUGAS = {
    "validasi_data.batasan_form": cek_batasan_form,
    "validasi_data.masukan_panjang": cek_masukan_panjang,
    "validasi_data.tipe_dimanipulasi": cek_tipe_dimanipulasi,
    "validasi_data.pengalihan_terbuka": cek_pengalihan_terbuka,
    "validasi_data.unggah_tanpa_batasan": cek_unggah_tanpa_batasan,
}
"""Every validasi_data check id and its task; each is called as ``task(url, halaman)``
with the pages of :func:`jelajahi_situs`."""
