"""What a set of pages offers the fingerprint (:class:`Bukti`): headers, cookies, ``<meta>``,
the HTML, visible text, script URLs and inline scripts, and the elements simple DOM
selectors match. Pure: read from recorded responses."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from domain.kelaikan.halaman import Halaman

# --- what a page offers ------------------------------------------------------------------------

@dataclass
class Elemen:
    tag: str
    atribut: dict[str, str]


class _Pengumpul(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elemen: list[Elemen] = []
        self.meta: dict[str, list[str]] = {}
        self.script_src: list[str] = []
        self.script: list[str] = []
        self.teks: list[str] = []
        self._dalam_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if len(self.elemen) < 5000:
            self.elemen.append(Elemen(tag, a))
        if tag == "meta":
            nama = (a.get("name") or a.get("property") or a.get("http-equiv") or "").lower()
            if nama:
                self.meta.setdefault(nama, []).append(a.get("content", ""))
        elif tag == "script":
            if a.get("src"):
                self.script_src.append(a["src"])
            else:
                self._dalam_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._dalam_script = False

    def handle_data(self, data: str) -> None:
        if self._dalam_script:
            self.script.append(data)
        elif data.strip():
            self.teks.append(data.strip())


@dataclass
class Bukti:
    """The material of one fetch the fingerprint is matched on."""

    url: str
    header: dict[str, list[str]]
    cookie: dict[str, str]
    html: str
    meta: dict[str, list[str]]
    script_src: list[str]
    script: list[str]
    teks: str
    elemen: list[Elemen]


def bukti_halaman(halaman: list[Halaman]) -> Bukti:
    """Headers and cookies of every page; the markup of the first HTML page."""
    header: dict[str, list[str]] = {}
    cookie: dict[str, str] = {}
    for h in halaman:
        for k, v in h.headers:
            if k.lower() != "set-cookie":
                header.setdefault(k.lower(), []).append(v)
        for baris in h.set_cookie:
            nama, _, nilai = baris.split(";", 1)[0].partition("=")
            if nama.strip():
                cookie.setdefault(nama.strip().lower(), nilai.strip())
    utama = next((h for h in halaman if h.html), halaman[0])
    pengumpul = _Pengumpul()
    try:
        pengumpul.feed(utama.text[:500_000])
        pengumpul.close()
    except Exception:  # noqa: BLE001 - broken markup: use what was read
        pass
    return Bukti(url=utama.url, header=header, cookie=cookie, html=utama.text[:500_000],
                 meta=pengumpul.meta, script_src=pengumpul.script_src,
                 script=pengumpul.script, teks=" ".join(pengumpul.teks)[:200_000],
                 elemen=pengumpul.elemen)
