"""Where input enters an application, as the crawl found it: POST forms and GET parameters,
and the values the test submits (pure; ``tasks/kelaikan/jelajah.py`` crawls and sends).

:func:`formulir_post` and :func:`titik_get` read the crawled pages; :func:`nilai_sah` and
:func:`data_formulir` give a form plausible valid values; :func:`galat_baru` tells what an
answer broke that its baseline did not. Everything the test submits carries
:data:`PENANDA_UJI`.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.galat import JEJAK_GALAT, galat_sql, kutip
from domain.kelaikan.halaman import Formulir, Halaman, Isian, urai

PENANDA_UJI = "UJI-KELAIKAN-LPA"
"""Every value the test submits carries this label, so the agency can find and delete it."""
MAKS_FORMULIR = 3
"""POST forms the checks submit, at most."""

def origin(url: str) -> tuple[str, str, int]:
    """Scheme, lower-case host and port (default port filled in)."""
    bagian = urlsplit(url)
    port = bagian.port or (443 if bagian.scheme == "https" else 80)
    return bagian.scheme.lower(), (bagian.hostname or "").lower(), port


STATIS = re.compile(
    r"\.(?:png|jpe?g|gif|svg|ico|webp|bmp|css|js|mjs|map|woff2?|ttf|eot|otf|pdf|docx?|xlsx?"
    r"|pptx?|odt|ods|zip|rar|7z|gz|tgz|tar|mp[34]|avi|mov|webm|ogg|wav|csv|xml|txt|json|apk"
    r"|exe)$", re.I,
)
TAUTAN_TERLARANG = re.compile(
    r"logout|log-out|log_out|logoff|sign-?out|keluar|hapus|delete|remove|destroy|unsubscribe"
    r"|reset", re.I,
)
PARAM_SESI = re.compile(
    r"^(?:phpsessid|jsessionid|aspsessionid\w*|asp\.net_sessionid|sid|sessionid|session_id"
    r"|sessid|sess_id|cfid|cftoken|csrf\w*|_token|xsrf\w*|authenticity_token)$", re.I,
)
NAMA_PENGALIHAN = re.compile(
    r"^(?:next|url|uri|redirect\w*|redir|return\w*|goto|go|continue|dest|destination|target"
    r"|to|out|forward|fwd|r|u|kembali|ke|tujuan|link|callback|back|ref|referer|referrer)$", re.I,
)


def nilai_pengalihan(nilai: str) -> bool:
    return bool(re.match(r"(?:https?:)?//|/", nilai, re.I))


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


def sama_origin(url: str, lain: str) -> bool:
    """Same scheme, host and port."""
    return origin(url) == origin(lain)


def formulir_post(url: str, halaman: list[Halaman]) -> list[FormulirDitemukan]:
    """POST forms of the crawled pages that may be submitted: in scope, no password field,
    no file field; each (action, field names) once, at most :data:`MAKS_FORMULIR`."""
    hasil: dict[tuple[str, frozenset[str]], FormulirDitemukan] = {}
    for h in halaman:
        for form in urai(h.text).formulir:
            action = urljoin(h.url, form.action or h.url).split("#")[0]
            if form.method != "post" or form.ada_sandi or not sama_origin(url, action) or \
                    any(i.jenis == "file" for i in form.isian):
                continue
            kunci = (urlsplit(action).path, frozenset(nama_isian(form)))
            hasil.setdefault(kunci, FormulirDitemukan(halaman=h.url, action=action,
                                                      formulir=form))
    return list(hasil.values())[:MAKS_FORMULIR]


def cocokkan_formulir(segar: Halaman, lama: FormulirDitemukan) -> Formulir:
    """The same form on a freshly fetched page (new hidden values), else the old one."""
    for form in urai(segar.text).formulir:
        action = urljoin(segar.url, form.action or segar.url).split("#")[0]
        if urlsplit(action).path == urlsplit(lama.action).path and \
                nama_isian(form) == nama_isian(lama.formulir):
            return form
    return lama.formulir


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

    def dengan_mentah(self, nilai: str) -> str:
        """The URL with this parameter's value written as given, not encoded (a malformed
        encoding a tester sends on purpose)."""
        lain = urlencode([(k, v) for k, v in self.params if k != self.nama])
        return f"{self.url}?{lain + '&' if lain else ''}{quote(self.nama)}={nilai}"

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
            if nama and not PARAM_SESI.match(nama) and kunci not in hasil:
                hasil[kunci] = TitikGet(url=dasar, params=params, nama=nama, asal=asal,
                                        url_asli=asli)

    for h in halaman:
        asal = urlsplit(h.url).path or "/"
        isi = urai(h.text)
        for tautan in isi.tautan:
            alamat = urljoin(h.url, tautan).split("#")[0]
            bagian = urlsplit(alamat)
            if bagian.query and sama_origin(url, alamat) and not STATIS.search(bagian.path) and \
                    not TAUTAN_TERLARANG.search(bagian.path):
                dasar = urlunsplit(bagian._replace(query=""))
                tambah(dasar, parse_qsl(bagian.query, keep_blank_values=True), asal, alamat)
        for form in isi.formulir:
            action = urljoin(h.url, form.action or h.url).split("#")[0].split("?")[0]
            if form.method != "get" or form.ada_sandi or not sama_origin(url, action):
                continue
            params = [(k, v) for k, v in data_formulir(form, {}).items()]
            if params:
                tambah(action, params, asal, f"{action}?{urlencode(params)}")
    return list(hasil.values())


def halaman_untuk(halaman: list[Halaman], url: str) -> Halaman | None:
    """The crawled answer to ``url``, if the crawl fetched it."""
    return next((h for h in halaman if h.url == url), None)


GALAT_RUNTIME: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fatal error PHP", re.compile(r"(?:<b>)?(?:PHP )?(?:Fatal error|Parse error)(?:</b>)?:"
                                   r".{0,800}? on line (?:<b>)?\d+", re.S)),
    ("peringatan PHP", re.compile(r"(?:<b>)?(?:PHP )?(?:Warning|Notice)(?:</b>)?:"
                                  r".{0,400}? on line (?:<b>)?\d+", re.S)),
    *((nama, pola) for nama, pola in JEJAK_GALAT if nama not in ("error PHP", "path server")),
)
"""Runtime errors a page may show (an uncaught exception, PHP's displayed errors, a stack
trace), whatever its status: PHP with ``display_errors=1`` answers a fatal error with 200. A
server path alone is no error."""


def galat_runtime(teks: str) -> dict[str, str]:
    """Runtime-error signature name -> a short excerpt (tags removed), for each found."""
    hasil = {}
    for nama, pola in GALAT_RUNTIME:
        m = pola.search(teks)
        if m:
            hasil[nama] = kutip(html.unescape(re.sub(r"<[^>]*>?", "",
                                                     teks[m.start():m.start() + 300])), 110)
    return hasil


def galat_baru(jawaban: Halaman, dasar: Halaman | None) -> str | None:
    """What is broken in ``jawaban`` that was not in the baseline answer ``dasar``: a
    database error, a 5xx, or a runtime error shown in the page at any status; None when
    nothing."""
    lama = galat_sql(dasar.text) if dasar is not None else {}
    baru = {k: v for k, v in galat_sql(jawaban.text).items() if k not in lama}
    if baru:
        nama, kutipan = next(iter(baru.items()))
        return f"error basis data {nama}: {kutipan!r}"
    if jawaban.status >= 500 and (dasar is None or dasar.status < 500):
        return f"HTTP {jawaban.status}"
    lama = galat_runtime(dasar.text) if dasar is not None else {}
    baru = {k: v for k, v in galat_runtime(jawaban.text).items() if k not in lama}
    if baru:
        nama, kutipan = next(iter(baru.items()))
        return f"{nama} di halaman: {kutipan!r}"
    return None


# --- submitting forms -------------------------------------------------------------------------

JENIS_TEKS = {"text", "email", "search", "tel", "url", "number", "password", "textarea"}
JENIS_TANPA_NILAI = {"submit", "button", "reset", "image", "file"}


def nilai_sah(isian: Isian) -> str | None:
    """A plausible valid value for a control (None: leave it out of the submission)."""
    if isian.jenis in JENIS_TANPA_NILAI:
        return None
    if isian.jenis in ("checkbox", "radio"):
        return (isian.nilai or "on") if isian.wajib else None
    if isian.jenis == "hidden" or (isian.nilai and isian.jenis != "password"):
        return isian.nilai
    nama = isian.nama.lower()
    pola = isian.pattern or ""
    m = re.fullmatch(r"(?:\\d|\[0-9\])\{(\d+)\}", pola)
    if m:
        return "1" * int(m.group(1))
    if isian.jenis == "email" or "email" in nama:
        return "uji.kelaikan@babelprov.go.id"
    if isian.jenis in ("number", "range"):
        return "1"
    if isian.jenis == "tel" or nama in ("telepon", "hp", "phone", "no_hp"):
        return "081234567890"
    if isian.jenis == "date":
        return "2024-01-02"
    if isian.jenis == "url":
        return "https://babelprov.go.id/"
    if nama == "nik":
        return "1" * 16
    if nama == "nip":
        return "1" * 18
    return PENANDA_UJI[: isian.maxlength] if isian.maxlength else PENANDA_UJI


def data_formulir(formulir: Formulir, ubah: dict[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for isian in formulir.isian_bernama():
        nilai = ubah[isian.nama] if isian.nama in ubah else nilai_sah(isian)
        if nilai is not None:
            data[isian.nama] = nilai
    return data


def nama_isian(formulir: Formulir) -> set[str]:
    return {i.nama for i in formulir.isian_bernama() if i.jenis not in JENIS_TANPA_NILAI}
