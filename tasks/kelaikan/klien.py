"""The polite HTTP client of the feasibility test, and what it reads from pages.

Safe by construction:

* **Scope**: a :class:`KlienUji` only sends requests to its target's scheme, host and port.
  A URL outside that origin raises :class:`DiluarCakupan` before anything is sent; a redirect
  off scope is returned as it is, never followed.
* **Rate**: every request to one origin waits for a slot of a shared per-origin limiter
  (:data:`LAJU_DEFAULT` requests per second unless told otherwise), across all checks,
  subflows and threads of this process.
* **Time and size**: every request has a per-phase timeout (:data:`BATAS_WAKTU_PERMINTAAN`)
  and a total deadline (connect + headers + whole body, ``LPA_UJI_BATAS_PERMINTAAN``): a
  server that drips its body a byte at a time never trips a read timeout, but the deadline
  ends the request with :class:`BatasWaktuTotal`. At most :data:`BATAS_UKURAN` bytes of a
  body are read.
* **Raw heads**: :meth:`KlienUji.kepala_mentah` reads a response's header block byte for
  byte (for header-injection probes that httpx's parser may refuse) under the same scope,
  rate and time bounds.
* **No ambient settings**: proxies and certificate files from the environment are ignored
  (``trust_env=False``).

TLS certificates are not verified: a feasibility test must reach applications whose
certificate is not valid yet (common before go-live); judging the certificate belongs to a
check of its own.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import threading
import time
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict

from domain.kelaikan.halaman import Halaman, token_acak
from domain.kelaikan.masukan import origin
from domain.kelaikan.pembanding import Pembanding
from settings import get_settings

LAJU_DEFAULT = 10.0
"""Requests per second per target."""
BATAS_WAKTU_PERMINTAAN = 10.0
"""Seconds per request (connect, read, write, pool)."""
BATAS_UKURAN = 1_000_000
"""Bytes read of one response body at most."""
BATAS_UKURAN_KEPALA = 65_536
"""Bytes read of a raw response head at most (:meth:`KlienUji.kepala_mentah`)."""
MAKS_PENGALIHAN = 5
USER_AGENT = "LPA-UjiKelaikan/0.1 (Diskominfo Prov. Kep. Bangka Belitung)"


class DiluarCakupan(ValueError):
    """A request outside the target's origin was refused before it was sent."""


class BatasWaktuTotal(httpx.TimeoutException):
    """A request outlived its total deadline (connect + headers + whole body). A timeout
    like httpx's own; the message, in Bahasa Indonesia, is the reason a check records."""

    def __init__(self, detik: float) -> None:
        super().__init__(f"batas waktu total permintaan ({detik:g} detik) terlampaui")
        self.detik = detik


def batas_total_default() -> float:
    """The total deadline of one request (``LPA_UJI_BATAS_PERMINTAAN``)."""
    return get_settings().uji_batas_permintaan


# --- Scope and rate ------------------------------------------------------------------------

def kunci_origin(url: str) -> str:
    skema, host, port = origin(url)
    return f"{skema}://{host}:{port}"


class PembatasLaju:
    """Evenly spaced slots, shared by threads and event loops (a lock, no loop binding)."""

    def __init__(self, per_detik: float) -> None:
        if per_detik <= 0:
            raise ValueError("laju permintaan harus positif")
        self.jeda = 1.0 / per_detik
        self._kunci = threading.Lock()
        self._berikutnya = 0.0

    def ambil_slot(self) -> float:
        """Reserve the next slot; return how long to wait for it."""
        with self._kunci:
            sekarang = time.monotonic()
            slot = max(sekarang, self._berikutnya)
            self._berikutnya = slot + self.jeda
            return slot - sekarang

    async def tunggu(self) -> None:
        tunda = self.ambil_slot()
        if tunda > 0:
            await asyncio.sleep(tunda)


_KUNCI_REGISTRI = threading.Lock()
_PEMBATAS: dict[tuple[str, float], PembatasLaju] = {}
_JUMLAH: dict[str, int] = {}


def pembatas_untuk(url: str, per_detik: float = LAJU_DEFAULT) -> PembatasLaju:
    """The one limiter of this process for the origin of ``url`` at this rate."""
    kunci = (kunci_origin(url), per_detik)
    with _KUNCI_REGISTRI:
        if kunci not in _PEMBATAS:
            _PEMBATAS[kunci] = PembatasLaju(per_detik)
        return _PEMBATAS[kunci]


def jumlah_permintaan(url: str) -> int:
    """Requests sent so far by this process to the origin of ``url``."""
    with _KUNCI_REGISTRI:
        return _JUMLAH.get(kunci_origin(url), 0)


def _catat_permintaan(url: str) -> None:
    with _KUNCI_REGISTRI:
        kunci = kunci_origin(url)
        _JUMLAH[kunci] = _JUMLAH.get(kunci, 0) + 1


# --- Responses -------------------------------------------------------------------------------

def _dekode(body: bytes, content_type: str | None) -> str:
    charset = "utf-8"
    if content_type:
        m = re.search(r"charset=([\w\-]+)", content_type, re.I)
        if m:
            charset = m.group(1)
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


class KlienUji:
    """An async HTTP client bound to one target origin (see the module docstring)."""

    def __init__(
        self, url: str, *, laju: float = LAJU_DEFAULT, batas_waktu: float | None = None,
        batas_total: float | None = None,
    ) -> None:
        skema = urlsplit(url).scheme
        if skema not in ("http", "https"):
            raise DiluarCakupan(f"skema tidak didukung: {skema!r}")
        self.url_awal = url
        self.origin = origin(url)
        self.pembatas = pembatas_untuk(url, laju)
        waktu = BATAS_WAKTU_PERMINTAAN if batas_waktu is None else batas_waktu
        self.batas_waktu = waktu
        self.batas_total = batas_total_default() if batas_total is None else batas_total
        self._klien = httpx.AsyncClient(
            follow_redirects=False, verify=False, trust_env=False,
            timeout=httpx.Timeout(waktu), headers={"User-Agent": USER_AGENT},
        )

    async def __aenter__(self) -> KlienUji:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._klien.aclose()

    def dalam_cakupan(self, url: str) -> bool:
        return origin(url) == self.origin

    def absolut(self, path_atau_url: str, dasar: str | None = None) -> str:
        return urljoin(dasar or self.url_awal, path_atau_url)

    async def get(self, path_atau_url: str, **kwargs: object) -> Halaman:
        return await self.kirim("GET", path_atau_url, **kwargs)

    async def post(self, path_atau_url: str, data: dict[str, str], **kwargs: object) -> Halaman:
        return await self.kirim("POST", path_atau_url, data=data, **kwargs)

    async def kirim(
        self, method: str, path_atau_url: str, *, data: dict[str, str] | None = None,
        params: dict[str, str] | None = None, ikuti: bool = True,
    ) -> Halaman:
        """Send one request (and follow in-scope redirects when ``ikuti``)."""
        url = self.absolut(path_atau_url)
        set_cookie: list[str] = []
        riwayat: list[str] = []
        for _ in range(MAKS_PENGALIHAN + 1):
            if not self.dalam_cakupan(url):
                raise DiluarCakupan(f"di luar cakupan uji: {url}")
            halaman = await self._sekali(method, url, data=data, params=params)
            set_cookie += halaman.set_cookie
            lokasi = halaman.header("location")
            if not (ikuti and 300 <= halaman.status < 400 and lokasi):
                return halaman.model_copy(update={"set_cookie": set_cookie,
                                                  "pengalihan": riwayat})
            tujuan = urljoin(halaman.url, lokasi)
            if not self.dalam_cakupan(tujuan):
                return halaman.model_copy(update={
                    "set_cookie": set_cookie, "pengalihan": riwayat, "keluar_cakupan": tujuan,
                })
            riwayat.append(halaman.url)
            url = tujuan
            if halaman.status != 307 and halaman.status != 308:
                method, data = "GET", None
            params = None
        raise httpx.TooManyRedirects(f"lebih dari {MAKS_PENGALIHAN} pengalihan: {url}")

    async def _sekali(
        self, method: str, url: str, *, data: dict[str, str] | None,
        params: dict[str, str] | None,
    ) -> Halaman:
        await self.pembatas.tunggu()
        _catat_permintaan(url)
        try:
            async with asyncio.timeout(self.batas_total):
                return await self._baca(method, url, data=data, params=params)
        except TimeoutError:
            raise BatasWaktuTotal(self.batas_total) from None

    async def _baca(
        self, method: str, url: str, *, data: dict[str, str] | None,
        params: dict[str, str] | None,
    ) -> Halaman:
        async with self._klien.stream(method, url, data=data, params=params) as jawaban:
            potongan: list[bytes] = []
            ukuran = 0
            async for bagian in jawaban.aiter_bytes():
                potongan.append(bagian)
                ukuran += len(bagian)
                if ukuran >= BATAS_UKURAN:
                    break
            body = b"".join(potongan)[:BATAS_UKURAN]
            return Halaman(
                method=method, url=str(jawaban.url), status=jawaban.status_code,
                headers=list(jawaban.headers.multi_items()),
                text=_dekode(body, jawaban.headers.get("content-type")),
                set_cookie=jawaban.headers.get_list("set-cookie"),
            )

    async def kepala_mentah(self, path_atau_url: str) -> KepalaMentah:
        """Send one GET and read the response's header block as raw bytes (no body).

        For checks that must see headers exactly as the server wrote them: a response with
        an injected or malformed header line may be refused by httpx's parser. Same scope,
        rate, counting and time bound as every other request; at most
        :data:`BATAS_UKURAN_KEPALA` bytes are read, the connection is then closed; redirects
        are never followed.
        """
        url = self.absolut(path_atau_url)
        if not self.dalam_cakupan(url):
            raise DiluarCakupan(f"di luar cakupan uji: {url}")
        bagian = urlsplit(url)
        target = (bagian.path or "/") + (f"?{bagian.query}" if bagian.query else "")
        if re.search(r"[\x00-\x20\x7f]", target):
            raise ValueError("target permintaan memuat karakter kontrol atau spasi")
        skema, host, port = self.origin
        baku = 443 if skema == "https" else 80
        host_header = (f"[{host}]" if ":" in host else host) + \
            ("" if port == baku else f":{port}")
        permintaan = (f"GET {target} HTTP/1.1\r\nHost: {host_header}\r\n"
                      f"User-Agent: {USER_AGENT}\r\nAccept: */*\r\n"
                      "Connection: close\r\n\r\n").encode("ascii")
        await self.pembatas.tunggu()
        _catat_permintaan(url)
        batas = min(self.batas_waktu, self.batas_total)
        try:
            return await asyncio.wait_for(
                self._kepala_mentah(host, port, skema, permintaan), batas)
        except TimeoutError:
            raise BatasWaktuTotal(batas) from None

    async def _kepala_mentah(self, host: str, port: int, skema: str,
                             permintaan: bytes) -> KepalaMentah:
        konteks = None
        if skema == "https":
            konteks = ssl.create_default_context()
            konteks.check_hostname = False
            konteks.verify_mode = ssl.CERT_NONE
        pembaca, penulis = await asyncio.open_connection(
            host, port, ssl=konteks, server_hostname=host if konteks else None)
        try:
            penulis.write(permintaan)
            await penulis.drain()
            data = b""
            while len(data) < BATAS_UKURAN_KEPALA and not re.search(rb"\r?\n\r?\n", data):
                try:
                    potongan = await pembaca.read(4096)
                except (ConnectionError, ssl.SSLError):
                    if not data:
                        raise
                    break  # a head cut short is judged on what arrived
                if not potongan:
                    break
                data += potongan
        finally:
            penulis.close()
            try:
                await penulis.wait_closed()
            except (OSError, ssl.SSLError):
                pass
        return urai_kepala(data[:BATAS_UKURAN_KEPALA])


class KepalaMentah(BaseModel):
    """The status line and header lines of one response, as written by the server."""

    model_config = ConfigDict(frozen=True)

    status: int | None
    """None when the status line is not HTTP."""
    headers: list[tuple[str, str]]
    """Every header line ``name: value`` in order (folded continuation lines are not
    headers of their own and are left out)."""

    def nilai(self, nama: str) -> str | None:
        """The value of the first header named ``nama`` (case-insensitive)."""
        nama = nama.lower()
        return next((v for k, v in self.headers if k.lower() == nama), None)

    def ada(self, nama: str) -> str | None:
        """The first header line named ``nama`` (case-insensitive), as ``name: value``."""
        nama = nama.lower()
        for kunci, nilai in self.headers:
            if kunci.lower() == nama:
                return f"{kunci}: {nilai}"
        return None


_NAMA_HEADER = re.compile(r"^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*:[ \t]*(.*?)[ \t]*$")


def urai_kepala(data: bytes) -> KepalaMentah:
    """Parse a raw response head, tolerantly: lines end at LF (a CR before it is dropped),
    as browsers read them; the head ends at the first empty line; a line that is no
    ``token: value`` pair or that starts with whitespace (obs-fold) is skipped."""
    teks = data.decode("latin-1")
    baris = re.split(r"\r?\n", teks)
    m = re.match(r"HTTP/\d(?:\.\d)?\s+(\d{3})\b", baris[0]) if baris else None
    headers: list[tuple[str, str]] = []
    for b in baris[1:]:
        if b == "":
            break
        if b[0] in " \t":
            continue
        h = _NAMA_HEADER.match(b)
        if h:
            headers.append((h.group(1), h.group(2)))
    return KepalaMentah(status=int(m.group(1)) if m else None, headers=headers)


# --- Soft-404 baseline ---------------------------------------------------------------------

async def ambil_pembanding(klien: KlienUji) -> Pembanding:
    token = token_acak()
    berkas = await klien.get(f"/.lpa-{token}")
    folder = await klien.get(f"/lpa-{token}/")
    return Pembanding(token=token, berkas=berkas, folder=folder)
