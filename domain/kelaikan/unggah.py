"""validasi_data: file-upload fields on the crawled pages and the pure judge of their
``accept`` attribute. Nothing is uploaded: the judge reads the crawl (``jelajah``) only.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from domain.kelaikan.cek import Bukti, bukti_gabung
from domain.kelaikan.halaman import Halaman, urai

_ACCEPT_BERBAHAYA = re.compile(
    r"\.(?:php\d?|phtml|phar|jsp|jspx|asp|aspx|ashx|cer|asa|cgi|pl|py|sh|exe|dll|bat|cmd|html?"
    r"|xhtml|shtml|svg|js|htaccess)\b|text/html|application/x-(?:php|httpd-php|sh|msdownload)"
    r"|image/svg|^\*$|\*/\*", re.I,
)


def isian_berkas(teks: str) -> list[tuple[str, str, str, str | None]]:
    """(form action, method, field name, accept or None) of each file field in ``teks``; a
    field outside any form as ``("", "get", ...)``."""
    isi = urai(teks)
    medan = [(f.action, f.method, i) for f in isi.formulir for i in f.isian]
    medan += [("", "get", i) for i in isi.isian_lepas]
    return [(action, method, i.nama, i.accept) for action, method, i in medan
            if i.jenis == "file"]


def masalah_accept(accept: str | None) -> str | None:
    """Why a file field's ``accept`` is no allow-list; None when it is one."""
    if accept is None or not accept.strip():
        return "tanpa atribut accept"
    berbahaya = sorted({m.group(0).lower() for m in _ACCEPT_BERBAHAYA.finditer(accept)})
    if berbahaya:
        return f"accept={accept!r} mengizinkan {', '.join(berbahaya)}"
    return None


def nilai_unggah_tanpa_batasan(halaman: list[Halaman], target: object = None) -> list[Bukti]:
    """File fields of the crawled pages without an allow-list in ``accept``."""
    bukti = []
    for h in halaman:
        for action, method, nama, accept in isian_berkas(h.text):
            masalah = masalah_accept(accept)
            if masalah:
                tujuan = urlsplit(urljoin(h.url, action or h.url)).path or "/"
                bukti.append(f"formulir {method.upper()} {tujuan} (di halaman "
                             f"{urlsplit(h.url).path or '/'}): isian berkas '{nama}' {masalah}")
    return bukti_gabung(bukti)
