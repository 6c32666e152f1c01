"""input_error: what the test sends to the GET parameters the crawl found, and what came back,
as plain data (pure; ``tasks/kelaikan/injeksi.py`` sends, the judges of
:mod:`domain.kelaikan.nilai_masukan` decide).

One plan per kind of request (:data:`RENCANA`): a harmless marker, a quote, a template
expression, an encoded CR LF with a canary header, a traversal path, an arithmetic pair. Each
planned request (:class:`Kiriman`) names its parameter, what is sent and what the answer is
searched for; each answer (:class:`JawabanParameter`) keeps the baseline answer when the judge
compares with it. An observation (:class:`ObservasiParameter`) round-trips through JSON, so it
can be recorded and judged again.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.halaman import Halaman, token_acak
from domain.kelaikan.injeksi import (
    MUATAN_TRAVERSAL,
    berkas_param,
    bukti_traversal,
    muatan_aritmetika,
)
from domain.kelaikan.masukan import NAMA_PENGALIHAN, TitikGet, nilai_pengalihan, titik_get

MAKS_PROBE_REFLEKSI = 6
MAKS_PROBE_SQL = 5
MAKS_PROBE_TEMPLAT = 5
MAKS_PROBE_HEADER = 6
MAKS_PARAM_BERKAS = 3
MAKS_PARAM_ANGKA = 3
AWALAN_HEADER_UJI = "X-Lpa-Uji-"
"""Name prefix of the harmless canary header of the header-injection request."""
KUTIP_SQL = "'\""

Jenis = Literal["penanda", "kutip", "templat", "crlf", "traversal", "aritmetika"]


class Kiriman(BaseModel):
    """One planned GET to one parameter: what is sent and what the answer is searched for."""

    model_config = ConfigDict(frozen=True)

    titik: TitikGet
    jenis: Jenis
    nilai: str
    """The value sent, as the evidence writes it."""
    alamat: str
    """The URL requested."""
    penanda: str = ""
    """What the answer is searched for: the raw marker ``<lpa...>`` (``penanda``), the marker
    before the product (``templat``), the canary header's name (``crlf``)."""
    hasil: str = ""
    """``templat``: the product of the two factors."""
    pembanding: str | None = None
    """``aritmetika``: the value ``v+1``, requested too, whose page the expression must not
    show."""
    dasar: bool = False
    """The baseline answer (the parameter's URL as found) is compared with."""


class KepalaJawaban(BaseModel):
    """A response's status line and header lines as the server wrote them (read raw)."""

    model_config = ConfigDict(frozen=True)

    status: int | None
    """None when the status line is not HTTP."""
    headers: list[tuple[str, str]]

    def ada(self, nama: str) -> str | None:
        """The first header line named ``nama`` (case-insensitive), as ``name: value``."""
        return next((f"{k}: {v}" for k, v in self.headers if k.lower() == nama.lower()), None)


class JawabanParameter(BaseModel):
    """What came back to one :class:`Kiriman`."""

    model_config = ConfigDict(frozen=True)

    kiriman: Kiriman
    halaman: Halaman | None = None
    """The answer (None for ``crlf``, whose head is read raw, and for a failed request)."""
    kepala: KepalaJawaban | None = None
    """``crlf``: the raw head."""
    dasar: Halaman | None = None
    """The answer to the parameter's URL as found (from the crawl when it fetched it)."""
    pembanding: Halaman | None = None
    """``aritmetika``: the answer to ``v+1``."""
    terputus: bool = False
    """``crlf``: the server dropped the connection without an answer (nothing injected)."""
    gagal: str | None = None
    """Why there is no answer (the request timed out or was cut off), in Bahasa Indonesia."""


class ObservasiParameter(BaseModel):
    """The answers to one plan, in the order sent (see the module docstring)."""

    model_config = ConfigDict(frozen=True)

    jawaban: list[JawabanParameter] = []


# --- the plans --------------------------------------------------------------------------------

def titik_atau_q(url: str, halaman: list[Halaman], maks: int) -> list[TitikGet]:
    """GET parameters to probe; the start page's ``?q=`` when the crawl found none."""
    titik = titik_get(url, halaman)
    if not titik:
        dasar = url.split("?")[0].split("#")[0]
        titik = [TitikGet(url=dasar, params=[("q", "")], nama="q",
                          asal=urlsplit(dasar).path or "/", url_asli=f"{dasar}?q=")]
    return titik[:maks]


def rencana_pantulan(url: str, halaman: list[Halaman]) -> list[Kiriman]:
    """One marker (``lpa<token>"'--><lpa<token>>``) to each of up to six parameters: the
    quotes leave an attribute, ``-->`` leaves an HTML comment that lets it through (the raw
    ``<lpa...>`` then stands in the page's text; where ``--`` is neutralised it stays inside
    the comment, no finding)."""
    token = token_acak()
    mentah = f"<lpa{token}>"
    penanda = f"lpa{token}\"'-->{mentah}"
    return [Kiriman(titik=t, jenis="penanda", nilai=penanda, alamat=t.dengan(penanda),
                    penanda=mentah)
            for t in titik_atau_q(url, halaman, MAKS_PROBE_REFLEKSI)]


def rencana_kutip(url: str, halaman: list[Halaman]) -> list[Kiriman]:
    """A quote after the value of up to five GET parameters (not redirect ones), compared
    with the answer to the value as found. GET only: a quote in a valid POST submission would
    be stored by a well-behaved application (a name may contain a quote)."""
    titik = [t for t in titik_get(url, halaman) if not NAMA_PENGALIHAN.match(t.nama)]
    return [Kiriman(titik=t, jenis="kutip", nilai=t.nilai + KUTIP_SQL,
                    alamat=t.dengan(t.nilai + KUTIP_SQL), dasar=True)
            for t in titik[:MAKS_PROBE_SQL]]


def muatan_templat() -> tuple[str, str, str]:
    """(marker, payload, expected product): two random four-digit factors in the syntax of
    Jinja2/Twig/Nunjucks, FreeMarker/JSP EL/Thymeleaf, ERB/EJS and Ruby/Pug interpolation,
    between unique markers."""
    a, b = 1000 + secrets.randbelow(9000), 1000 + secrets.randbelow(9000)
    penanda = f"lpa{token_acak()}"
    muatan = f"{penanda}a{{{{{a}*{b}}}}}b${{{a}*{b}}}c<%= {a}*{b} %>d#{{{a}*{b}}}e"
    return penanda, muatan, str(a * b)


def dievaluasi(teks: str, penanda: str, hasil: str) -> bool:
    """The product appears right after the marker (within the reflected payload)."""
    for m in re.finditer(re.escape(penanda), teks):
        if hasil in teks[m.end(): m.end() + 120]:
            return True
    return False


def rencana_templat(url: str, halaman: list[Halaman]) -> list[Kiriman]:
    """A fresh template expression to each of up to five parameters (not redirect ones)."""
    kiriman = []
    for t in [t for t in titik_atau_q(url, halaman, MAKS_PROBE_TEMPLAT + 2)
              if not NAMA_PENGALIHAN.match(t.nama)][:MAKS_PROBE_TEMPLAT]:
        penanda, muatan, hasil = muatan_templat()
        kiriman.append(Kiriman(titik=t, jenis="templat", nilai=muatan, alamat=t.dengan(muatan),
                               penanda=penanda, hasil=hasil))
    return kiriman


def titik_header(url: str, halaman: list[Halaman]) -> list[TitikGet]:
    """GET parameters to probe for header injection: redirect-like ones first (by name or
    value: they end up in ``Location``), then the others, at most :data:`MAKS_PROBE_HEADER`."""
    titik = titik_get(url, halaman)
    pengalihan = [t for t in titik if NAMA_PENGALIHAN.match(t.nama) or nilai_pengalihan(t.nilai)]
    return (pengalihan + [t for t in titik if t not in pengalihan])[:MAKS_PROBE_HEADER]


def muatan_header(nilai: str) -> tuple[str, str]:
    """(canary header name, value to send): the original value, CR LF, then the canary
    header line; ``urlencode`` turns CR LF into ``%0D%0A``."""
    nama = f"{AWALAN_HEADER_UJI}{token_acak()}"
    return nama, f"{nilai}\r\n{nama}: lpa"


def rencana_crlf(url: str, halaman: list[Halaman]) -> list[Kiriman]:
    """The value, an encoded CR LF and a canary header line, to each parameter of
    :func:`titik_header`; the head is read raw, redirects not followed."""
    kiriman = []
    for t in titik_header(url, halaman):
        nama, muatan = muatan_header(t.nilai)
        kiriman.append(Kiriman(titik=t, jenis="crlf", nilai=muatan, alamat=t.dengan(muatan),
                               penanda=nama))
    return kiriman


def rencana_traversal(url: str, halaman: list[Halaman]) -> list[Kiriman]:
    """Four spellings of a traversal to the system file, to each of up to three parameters
    that name a file (sent in order; the first proof ends a parameter's, :func:`cukup`)."""
    titik = [t for t in titik_get(url, halaman) if berkas_param(t.nama, t.nilai)]
    return [Kiriman(titik=t, jenis="traversal", nilai=muatan,
                    alamat=t.dengan_mentah(muatan) if "%" in muatan else t.dengan(muatan))
            for t in titik[:MAKS_PARAM_BERKAS] for muatan in MUATAN_TRAVERSAL]


def rencana_aritmetika(url: str, halaman: list[Halaman]) -> list[Kiriman]:
    """For up to three numeric parameters ``v``: the expression ``(v+1)-1``, with ``v``'s
    answer (the baseline) and ``v+1``'s to compare."""
    kiriman = []
    for t in [t for t in titik_get(url, halaman) if muatan_aritmetika(t.nilai)][
            :MAKS_PARAM_ANGKA]:
        naik, ekspresi = muatan_aritmetika(t.nilai) or ("", "")
        kiriman.append(Kiriman(titik=t, jenis="aritmetika", nilai=ekspresi,
                               alamat=t.dengan(ekspresi), pembanding=naik, dasar=True))
    return kiriman


def cukup(j: JawabanParameter) -> bool:
    """This answer ends the requests to its parameter: a traversal that showed the file."""
    h = j.halaman
    return j.kiriman.jenis == "traversal" and h is not None and h.status < 400 and \
        bukti_traversal(h.text) is not None


RENCANA: dict[str, Callable[[str, list[Halaman]], list[Kiriman]]] = {
    "pantulan": rencana_pantulan,
    "kutip_sql": rencana_kutip,
    "templat": rencana_templat,
    "crlf": rencana_crlf,
    "traversal": rencana_traversal,
    "aritmetika": rencana_aritmetika,
}
"""The plans by observation name (``Cek.amatan``): ``plan(target URL, crawled pages)``."""
