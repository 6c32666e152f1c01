"""The obvious injection classes a tester tries by hand, as rules: which parameters to try,
what to send (harmless: read-only, nothing is written or executed), and what in the answer
proves it. The requests are in ``tasks/kelaikan/injeksi.py``.

* Path traversal: a parameter that names a file (``berkas=panduan.pdf``, ``page=``,
  ``lang=``...) given ``../../../../etc/passwd`` in four spellings; proof: a line of
  ``/etc/passwd`` (``root:x:0:0:``) or of ``win.ini`` in the answer.
* SQL in a numeric parameter: ``id=4-1`` shows what ``id=3`` shows and not what ``id=4``
  shows, so the database computed the expression; proof: the three answers side by side.
* Reflected input: the marker comes back unencoded outside an HTML comment (text, attribute
  or script); proof: the text around it. A marker only inside a comment is no XSS: the
  Werkzeug debugger writes the request into its page's closing comment, with ``--`` turned
  into ``-`` so nothing leaves the comment. The marker carries ``-->``: a comment that lets
  it through ends there, and the marker after it stands in the text.
"""

from __future__ import annotations

import re

NAMA_BERKAS = re.compile(r"^(?:file|filename|berkas|nama_?berkas|page|halaman|path|doc"
                         r"|dokumen|template|tpl|lang|bahasa|include|inc|view|tampil|unduh"
                         r"|download|src|load|img|gambar)$", re.I)
NILAI_BERKAS = re.compile(r"^[\w./-]+\.(?:pdf|php|html?|txt|docx?|xlsx?|jpe?g|png|inc|tpl"
                          r"|xml|json|csv|log)$", re.I)
MUATAN_TRAVERSAL = (
    "../../../../../../../../etc/passwd",
    "....//....//....//....//....//....//etc/passwd",
    "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "..\\..\\..\\..\\..\\..\\windows\\win.ini",
)
"""Read-only: the one file every Unix (and Windows) system has, readable by everyone."""
BUKTI_TRAVERSAL = re.compile(r"^root:[x*!]?:0:0:[^\n]*$|^\[(?:fonts|extensions)\]\s*$"
                             r"|; for 16-bit app support", re.M)


def berkas_param(nama: str, nilai: str) -> bool:
    """The parameter looks like it names a file."""
    return bool(NAMA_BERKAS.match(nama) or NILAI_BERKAS.match(nilai))


def bukti_traversal(teks: str) -> str | None:
    """The line of ``/etc/passwd`` or ``win.ini`` the answer shows, or None."""
    m = BUKTI_TRAVERSAL.search(teks)
    return m.group(0).strip()[:80] if m else None


def muatan_aritmetika(nilai: str) -> tuple[str, str] | None:
    """(``v+1``, the expression ``(v+1)-1``) for a numeric value ``v``; None otherwise."""
    if not nilai.isdigit() or len(nilai) > 12:
        return None
    naik = str(int(nilai) + 1)
    return naik, f"{naik}-1"


def sama(a: str, b: str) -> bool:
    """The visible text of two answers is the same, word for word (tags, scripts and styles
    removed): pages that differ by one number differ. Content that changes by itself (a
    clock) only ever hides a finding, never makes one."""
    def isi(teks: str) -> str:
        teks = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", " ", teks, flags=re.S | re.I)
        return " ".join(re.sub(r"<[^>]*>", " ", teks).split())[:50_000]
    return isi(a) == isi(b)


_KOMENTAR_ATAU_MENTAH = re.compile(
    r"<(script|style|textarea|title)\b[^>]*>.*?</\1\s*>|<!--(?:>|->|.*?--!?>|.*\Z)",
    re.S | re.I)
"""Raw-text elements (a ``<!--`` inside a script is script) and HTML comments (an unclosed
one runs to the end of the page), as a browser's tokenizer reads them."""


def komentar_html(teks: str) -> list[tuple[int, int]]:
    """(start, end) of each HTML comment of ``teks``."""
    return [m.span() for m in _KOMENTAR_ATAU_MENTAH.finditer(teks)
            if m.group(0).startswith("<!--")]


def pantulan_terbuka(teks: str, penanda: str) -> int:
    """Where ``penanda`` first comes back outside every HTML comment; -1 when it is only
    inside comments, or absent."""
    komentar = komentar_html(teks)
    i = teks.find(penanda)
    while i >= 0:
        if not any(awal <= i < akhir for awal, akhir in komentar):
            return i
        i = teks.find(penanda, i + 1)
    return -1


def konteks(teks: str, penanda: str, lebar: int = 40, dari: int = 0) -> str:
    """The text around ``penanda`` in ``teks`` (its first place from ``dari``), on one line
    (proof of a reflection)."""
    i = teks.find(penanda, dari)
    if i < 0:
        return ""
    return " ".join(teks[max(0, i - lebar):i + len(penanda) + lebar].split())
