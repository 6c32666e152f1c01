"""A response as the checks see it (:class:`Halaman`, plain data) and what is read from a
page's HTML: links, forms and their controls (:func:`urai`)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict


class Halaman(BaseModel):
    """One response as the checks see it (plain data; the body bounded in size)."""

    model_config = ConfigDict(frozen=True)

    method: str
    url: str
    """The URL finally answered (after in-scope redirects)."""
    status: int
    headers: list[tuple[str, str]]
    text: str
    set_cookie: list[str] = []
    """Every Set-Cookie header along the redirect chain."""
    pengalihan: list[str] = []
    """URLs that answered with a redirect before this one."""
    keluar_cakupan: str | None = None
    """A redirect target that was not followed because it is outside the scope."""

    def header(self, nama: str) -> str | None:
        nama = nama.lower()
        for kunci, nilai in self.headers:
            if kunci.lower() == nama:
                return nilai
        return None

    @property
    def path(self) -> str:
        """Path and query as requested; ``/`` for an address without a path (evidence always
        names where it came from, never ``GET  -> 200``)."""
        bagian = urlsplit(self.url)
        return (bagian.path or "/") + (f"?{bagian.query}" if bagian.query else "")

    @property
    def html(self) -> bool:
        jenis = (self.header("content-type") or "").lower()
        return "html" in jenis or (not jenis and "<html" in self.text[:2000].lower())

    def ringkas(self) -> str:
        """``GET /path -> 200`` for evidence."""
        return f"{self.method} {self.path} -> {self.status}"


# --- What a page holds ----------------------------------------------------------------------

@dataclass
class Isian:
    """One form control."""

    nama: str
    tag: str
    jenis: str = "text"
    nilai: str = ""
    wajib: bool = False
    maxlength: int | None = None
    pattern: str | None = None
    accept: str | None = None
    """A file field's ``accept`` (the types it offers); None without the attribute."""


_DIKETIK = frozenset({"text", "email", "tel", "number", "url", "search"})
"""Input types a person types into (a login's name, a captcha), besides the password."""


@dataclass
class Formulir:
    action: str
    method: str
    isian: list[Isian] = field(default_factory=list)
    tombol: list[str] = field(default_factory=list)
    """The labels of its buttons (``<button>`` text, submit ``value``)."""

    @property
    def ada_sandi(self) -> bool:
        return any(i.jenis == "password" for i in self.isian)

    @property
    def adalah_login(self) -> bool:
        """A sign-in form: one password and at most three other fields a person types in
        (a name or address, perhaps a captcha or a one-time code). A registration (two
        passwords) or a long form that happens to ask for a password (the portal's own
        feasibility-test request, with the test account's) is not a login."""
        sandi = sum(i.jenis == "password" for i in self.isian)
        ketik = sum(i.jenis in _DIKETIK or i.tag in ("textarea", "select") for i in self.isian)
        return sandi == 1 and ketik <= 3

    def isian_bernama(self) -> list[Isian]:
        return [i for i in self.isian if i.nama]


@dataclass
class IsiHalaman:
    formulir: list[Formulir] = field(default_factory=list)
    tautan: list[str] = field(default_factory=list)
    """href/src/action values as written (not yet resolved)."""
    teks_tautan: dict[str, str] = field(default_factory=dict)
    """href -> the text of its <a> (or of the button whose ``onclick`` goes there)."""
    isian_lepas: list[Isian] = field(default_factory=list)
    """``<input>`` controls outside any form (a script may still send them)."""


_KLIK = re.compile(r"""(?:window\.)?location(?:\.href)?\s*=\s*['"]([^'"]+)['"]""")
"""A button that navigates: ``onclick="location.href='/masuk'"``."""


class _Pengurai(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.isi = IsiHalaman()
        self._form: Formulir | None = None
        self._textarea: Isian | None = None
        self._select: Isian | None = None
        self._a: str | None = None
        self._teks_a: list[str] = []
        self._tombol: list[str] | None = None
        self._klik: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Formulir(action=a.get("action", ""),
                                  method=(a.get("method") or "get").lower())
            self.isi.formulir.append(self._form)
        elif tag in ("input", "textarea", "select") and (self._form is not None
                                                         or tag == "input"):
            maxlength = a.get("maxlength", "")
            isian = Isian(
                nama=a.get("name", ""), tag=tag,
                jenis=(a.get("type") or ("text" if tag != "select" else "select")).lower(),
                nilai=a.get("value", ""), wajib="required" in a,
                maxlength=int(maxlength) if maxlength.isdigit() else None,
                pattern=a.get("pattern") or None, accept=a.get("accept"),
            )
            (self._form.isian if self._form is not None else self.isi.isian_lepas).append(isian)
            if tag == "textarea":
                self._textarea = isian
            elif tag == "select":
                self._select = isian
        elif tag == "option" and self._select is not None:
            if not self._select.nilai and a.get("value"):
                self._select.nilai = a["value"]
        elif tag == "a" and a.get("href"):
            self._a = a["href"]
            self._teks_a = []
            self.isi.tautan.append(a["href"])
        elif tag == "button":
            self._tombol = []
            m = _KLIK.search(a.get("onclick", ""))
            self._klik = m.group(1) if m else None
            if self._klik:
                self.isi.tautan.append(self._klik)
        if tag == "input" and self._form is not None and \
                (a.get("type") or "").lower() in ("submit", "button") and a.get("value"):
            self._form.tombol.append(a["value"])
        elif tag in ("link", "script", "img", "iframe") and (a.get("href") or a.get("src")):
            self.isi.tautan.append(a.get("href") or a.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "a" and self._a is not None:
            self.isi.teks_tautan[self._a] = " ".join("".join(self._teks_a).split())
            self._a = None
        elif tag == "button" and self._tombol is not None:
            label = " ".join("".join(self._tombol).split())
            if self._form is not None:
                self._form.tombol.append(label)
            if self._klik:
                self.isi.teks_tautan[self._klik] = label
            self._tombol = self._klik = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.nilai += data
        if self._a is not None:
            self._teks_a.append(data)
        if self._tombol is not None:
            self._tombol.append(data)


def urai(html: str) -> IsiHalaman:
    """Forms and links of a page (tolerant of broken markup)."""
    pengurai = _Pengurai()
    try:
        pengurai.feed(html)
        pengurai.close()
    except Exception:  # noqa: BLE001 - a broken page yields what was read so far
        pass
    return pengurai.isi


def token_acak() -> str:
    return secrets.token_hex(6)
