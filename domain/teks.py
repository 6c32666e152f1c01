"""Text from requesters: what a form accepts, and how it is shown in Markdown.

Accepting (the form fields; the rule is the Unicode general category, ``unicodedata``):

* **one-line text** (names, jabatan, unit kerja, address, technologies): no control character
  (category Cc: NUL, tab, line breaks, ESC…), no format character (Cf: zero-width space,
  joiner and non-joiner U+200B–U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen, bidi
  embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069…), no line or paragraph
  separator (Zl, Zp) and no lone surrogate (Cs).
* **free text** (deskripsi, skenario, dokumen spesifikasi): line breaks and tabs are kept;
  other control characters (NUL above all: PostgreSQL cannot store it), lone surrogates and
  the bidi embeddings, overrides and isolates (which make text read differently from what it
  is) are refused. Other format characters (a zero-width space pasted from a word processor)
  are harmless there and kept.

Showing: :func:`md_aman` makes any text inert inside Markdown (the description above the
Prefect resume form, artifacts, Markdown reports): one line, Markdown metacharacters escaped,
``<``/``>``/``&`` as entities, no bare-URL autolink. :func:`md_kode` makes a code span.
HTML goes through Jinja2's autoescape instead (``templates/*.html.j2``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

__all__ = [
    "GalatTeks",
    "TeksBebas",
    "TeksSatuBaris",
    "validasi_satu_baris",
    "md_aman",
    "md_kode",
    "periksa_satu_baris",
    "periksa_teks_bebas",
]


class GalatTeks(ValueError):
    """A text broke a character rule; ``pesan`` is Indonesian (without the field's name)."""

    def __init__(self, kode: str, pesan: str) -> None:
        super().__init__(pesan)
        self.kode = kode
        self.pesan = pesan


_BIDI_KENDALI = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
"""Bidi classes of the embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069)."""

_NAMA_KENDALI = {"\0": "NUL", "\t": "tab", "\n": "LF", "\r": "CR", "\x1b": "ESC",
                 "\x7f": "DEL", "\ufeff": "BOM"}
_PINDAH_BARIS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_BEBAS_BOLEH = frozenset("\n\r\t")


def _kode(karakter: str) -> str:
    nama = _NAMA_KENDALI.get(karakter)
    return f"U+{ord(karakter):04X}" + (f" ({nama})" if nama else "")


def _periksa(teks: str, *, satu_baris: bool) -> str:
    for posisi, karakter in enumerate(teks, start=1):
        if not satu_baris and karakter in _BEBAS_BOLEH:
            continue
        kategori = unicodedata.category(karakter)
        tempat = f"pada karakter ke-{posisi}"
        if satu_baris and karakter in _PINDAH_BARIS:
            raise GalatTeks(
                "teks_satu_baris",
                f"harus satu baris; pindah baris {_kode(karakter)} {tempat} tidak diizinkan")
        if kategori == "Cc":
            raise GalatTeks(
                "teks_karakter_kendali",
                f"memuat karakter kendali {_kode(karakter)} {tempat}; karakter kendali tidak "
                "diizinkan")
        if kategori == "Cs":
            raise GalatTeks(
                "teks_surrogate",
                f"memuat surrogate tunggal U+{ord(karakter):04X} {tempat}, bukan teks Unicode "
                "yang sah")
        if kategori == "Cf" and unicodedata.bidirectional(karakter) in _BIDI_KENDALI:
            raise GalatTeks(
                "teks_bidi",
                f"memuat karakter pengatur arah teks (bidi) {_kode(karakter)} {tempat}; "
                "karakter ini membuat teks terbaca lain dari isinya dan tidak diizinkan")
        if satu_baris and kategori == "Cf":
            raise GalatTeks(
                "teks_tak_terlihat",
                f"memuat karakter tak terlihat {_kode(karakter)} {tempat}; hapus karakter "
                "ini (biasanya terbawa saat menyalin teks)")
    return teks


def periksa_satu_baris(teks: str) -> str:
    """``teks`` when it is clean one-line text, else :class:`GalatTeks`."""
    return _periksa(teks, satu_baris=True)


def periksa_teks_bebas(teks: str) -> str:
    """``teks`` when it is clean free text (line breaks and tabs kept), else GalatTeks."""
    return _periksa(teks, satu_baris=False)


def _validator(aturan: Any) -> Any:
    def validasi(nilai: str) -> str:
        try:
            return aturan(nilai)
        except GalatTeks as exc:
            # The message goes through the context so braces in user input are never formatted.
            raise PydanticCustomError(exc.kode, "{pesan}", {"pesan": exc.pesan}) from None

    return validasi


validasi_satu_baris = _validator(periksa_satu_baris)
"""The one-line rule as a pydantic validator, for a field with its own annotation."""
TeksSatuBaris = Annotated[str, AfterValidator(validasi_satu_baris)]
"""One-line text of a form (names, jabatan, unit kerja…): see the module's rules."""
TeksBebas = Annotated[str, AfterValidator(_validator(periksa_teks_bebas))]
"""Multi-line free text of a form (deskripsi, skenario…): see the module's rules."""


# --- Markdown ------------------------------------------------------------------------------

_TAK_TAMPAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f"
                         r"\ufeff\ufff9-\ufffb\ud800-\udfff]")
_META_MD = re.compile(r"([\\`*_\[\]|~#])")
_AWAL_BLOK = re.compile(r"^(?:([-+=])|(\d{1,9})([.)]))")
_SKEMA_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|xmpp):")
_WWW_AUTOLINK = re.compile(r"(?i)\b(www)\.")


def md_aman(teks: object) -> str:
    """``teks`` as inert inline Markdown: whatever it holds, it renders as the same words.

    One line (line breaks and runs of white space become one space; control and invisible
    characters are dropped), ``&``, ``<`` and ``>`` as entities (no HTML), the Markdown
    metacharacters ``\\ ` * _ [ ] | ~ #`` backslash-escaped (no emphasis, link, image, code,
    table cell break, strikethrough or heading), a leading ``-``, ``+``, ``=`` or ``1.`` escaped
    (no list item or setext underline), and ``http:``, ``www.`` written with an entity so that
    GitHub-flavoured renderers (the Prefect UI) make no bare-URL autolink. ``None`` → ``""``.
    """
    if teks is None:
        return ""
    hasil = " ".join(_TAK_TAMPAK.sub(" ", str(teks)).split())
    hasil = hasil.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    hasil = _META_MD.sub(r"\\\1", hasil)
    hasil = _AWAL_BLOK.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", hasil)
    hasil = _SKEMA_AUTOLINK.sub(r"\1&#58;", hasil)
    return _WWW_AUTOLINK.sub(r"\1&#46;", hasil)


def md_kode(teks: object, *, tabel: bool = False) -> str:
    """``teks`` as a Markdown code span (a URL, an id): one line, fenced by more backticks
    than it holds in a row. ``tabel``: ``|`` escaped, as a GFM table cell needs even in code."""
    isi = " ".join(_TAK_TAMPAK.sub(" ", "" if teks is None else str(teks)).split())
    if not isi:
        return ""
    if tabel:
        isi = isi.replace("|", "\\|")
    pagar = "`" * (max((len(r) for r in re.findall(r"`+", isi)), default=0) + 1)
    spasi = " " if isi.startswith("`") or isi.endswith("`") else ""
    return f"{pagar}{spasi}{isi}{spasi}{pagar}"
