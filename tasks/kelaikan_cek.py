"""The checks of the feasibility test, each a Prefect task returning findings.

Every check is non-destructive: it reads pages, sends harmless markers, posts a form only
with values it labels ``UJI-KELAIKAN-LPA``, and opens TCP connections without sending data.
HTTP goes through :class:`tasks.kelaikan_http.KlienUji` (scope, rate, timeouts). What a
finding means, its severity, WSTG id and CWE live in :data:`domain.kelaikan.CEK`; this module
only observes.

A check that cannot finish raises; the category flow records that check as not run, with the
reason from :func:`alasan_galat`, and the other checks go on.
"""

from __future__ import annotations

import asyncio
import re
import socket
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import tldextract
from prefect import task
from prefect.cache_policies import NONE
from pydantic import BaseModel, ConfigDict

from domain.kelaikan import CEK, TargetUji, Temuan, alamat_kedinasan
from tasks.kelaikan_http import (
    DiluarCakupan,
    Formulir,
    Halaman,
    Isian,
    KlienUji,
    Pembanding,
    ambil_pembanding,
    token_acak,
    urai,
)

BATAS_WAKTU_CEK = 60.0
"""Wall-clock bound of one check task, seconds."""
BATAS_WAKTU_TCP = 3.0
PENANDA_UJI = "UJI-KELAIKAN-LPA"
"""Every value the test submits carries this label, so the agency can find and delete it."""

_opsi_tugas: dict[str, Any] = {
    "cache_policy": NONE, "persist_result": False, "timeout_seconds": BATAS_WAKTU_CEK,
}


class TargetTidakTerjangkau(RuntimeError):
    """The application did not answer at all: the test cannot run."""


class TidakDapatDiuji(RuntimeError):
    """The check found nothing it could judge (e.g. no form): not tested, not passed.

    The message, in Bahasa Indonesia, becomes the reason in the category's result.
    """


def alasan_galat(exc: BaseException) -> str:
    """Why a check did not finish, in Bahasa Indonesia (never echoing credentials)."""
    if isinstance(exc, TidakDapatDiuji):
        return str(exc)
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "melewati batas waktu"
    if isinstance(exc, httpx.ConnectError):
        return "tidak dapat terhubung ke aplikasi"
    if isinstance(exc, httpx.TooManyRedirects):
        return "terlalu banyak pengalihan (redirect)"
    if isinstance(exc, httpx.TransportError):
        return f"koneksi ke aplikasi terputus ({type(exc).__name__})"
    if isinstance(exc, DiluarCakupan):
        return f"permintaan di luar cakupan ditolak: {exc}"
    if isinstance(exc, asyncio.CancelledError):
        return "dibatalkan"
    pesan = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"galat {type(exc).__name__}" + (f": {pesan}" if pesan else "")


def _awal(url: str) -> str:
    """The target URL's base (its folder), where relative probes start."""
    bagian = urlsplit(url)
    path = bagian.path if bagian.path.endswith("/") else bagian.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((bagian.scheme, bagian.netloc, path or "/", "", ""))


def _dasar_probe(url: str) -> list[str]:
    """Bases to probe for files: the site root, and the application's folder when deeper."""
    akar = urlunsplit((*urlsplit(url)[:2], "/", "", ""))
    awal = _awal(url)
    return [akar] if awal == akar else [akar, awal]


def _kutip(teks: str, panjang: int = 120) -> str:
    teks = " ".join(teks.split())
    return teks if len(teks) <= panjang else teks[: panjang - 1] + "…"


# --- The target itself -------------------------------------------------------------------

@task(name="kelaikan.periksa_target", **_opsi_tugas)
async def periksa_target(url: str) -> int:
    """One request to the start page: the test runs only when the application answers."""
    try:
        async with KlienUji(url) as klien:
            return (await klien.get(url)).status
    except httpx.TransportError as exc:
        raise TargetTidakTerjangkau(
            f"Aplikasi {url} tidak dapat dihubungi ({alasan_galat(exc)}); uji tidak dijalankan."
        ) from None


@task(name="kelaikan.halaman_awal", **_opsi_tugas)
async def ambil_halaman_awal(url: str) -> Halaman:
    async with KlienUji(url) as klien:
        return await klien.get(url)


# --- struktur ----------------------------------------------------------------------------

@task(name="struktur.pembanding", **_opsi_tugas)
async def ambil_pembanding_404(url: str) -> Pembanding:
    """How the target answers a random missing file and folder (the soft-404 baseline)."""
    async with KlienUji(url) as klien:
        return await ambil_pembanding(klien)


def _git_head(teks: str) -> bool:
    return bool(re.fullmatch(r"\s*(ref: refs/[\w./\-]+|[0-9a-f]{40}|[0-9a-f]{64})\s*", teks))


def _svn_wc(teks: str) -> bool:
    return teks.startswith("SQLite format 3")


def _hg_requires(teks: str) -> bool:
    baris = [b.strip() for b in teks.splitlines() if b.strip()]
    dikenal = {"revlogv1", "store", "fncache", "dotencode", "generaldelta", "sparserevlog",
               "share-safe", "persistent-nodemap", "revlog-compression-zstd"}
    return bool(baris) and all(re.fullmatch(r"[a-z0-9\-]+", b) for b in baris) and \
        bool(dikenal & set(baris))


_VCS = ((".git/HEAD", _git_head), (".svn/wc.db", _svn_wc), (".hg/requires", _hg_requires))


@task(name="struktur.vcs_terbuka", **_opsi_tugas)
async def cek_vcs_terbuka(url: str, pembanding: Pembanding) -> list[Temuan]:
    bukti = []
    async with KlienUji(url) as klien:
        for dasar in _dasar_probe(url):
            for path, cocok in _VCS:
                h = await klien.get(urljoin(dasar, path))
                if h.status == 200 and not pembanding.mirip_tidak_ada(h) and cocok(h.text):
                    isi = h.text.strip().splitlines()[0] if path != ".svn/wc.db" else "SQLite"
                    bukti.append(f"{h.ringkas()}, isi: {_kutip(isi, 60)!r}")
    return [CEK["struktur.vcs_terbuka"].temuan("; ".join(bukti))] if bukti else []


_ENV = (".env", ".env.local", ".env.production", ".env.backup")
_BARIS_ENV = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")
_KUNCI_RAHASIA = re.compile(r"PASS|PWD|SECRET|KEY|TOKEN|CREDENTIAL|PRIVATE", re.I)
_NILAI_KOSONG = {"", '""', "''", "null", "none", "changeme", "secret", "xxx"}


def kunci_rahasia_env(teks: str) -> list[str] | None:
    """Secret-looking keys with a value, when ``teks`` is an env file; else None."""
    if "<html" in teks[:2000].lower() or "<!doctype" in teks[:200].lower():
        return None
    baris = [b.strip() for b in teks.splitlines() if b.strip() and not b.strip().startswith("#")]
    cocok = [m for m in (_BARIS_ENV.match(b) for b in baris) if m]
    if len(cocok) < 2 or len(cocok) < 0.7 * len(baris):
        return None
    return [m.group(1) for m in cocok
            if _KUNCI_RAHASIA.search(m.group(1))
            and m.group(2).strip().lower() not in _NILAI_KOSONG]


@task(name="struktur.env_terbuka", **_opsi_tugas)
async def cek_env_terbuka(url: str, pembanding: Pembanding) -> list[Temuan]:
    bukti = []
    async with KlienUji(url) as klien:
        for dasar in _dasar_probe(url):
            for path in _ENV:
                h = await klien.get(urljoin(dasar, path))
                if h.status != 200 or pembanding.mirip_tidak_ada(h):
                    continue
                kunci = kunci_rahasia_env(h.text)
                if kunci:
                    bukti.append(f"{h.ringkas()}, kunci rahasia berisi nilai: "
                                 f"{', '.join(kunci[:8])} (nilai tidak disimpan)")
    return [CEK["struktur.env_terbuka"].temuan("; ".join(bukti))] if bukti else []


_LISTING = re.compile(
    r"<title>\s*Index of /|<h1>\s*Index of /|Directory listing for /|\[To Parent Directory\]"
    r"|<title>\s*Directory Listing For",
    re.I,
)
_FOLDER_UMUM = ("uploads/", "upload/", "files/", "images/", "assets/", "backup/")
MAKS_FOLDER = 10


def _folder_dari_tautan(klien: KlienUji, halaman: Halaman) -> list[str]:
    folder: list[str] = []
    for tautan in urai(halaman.text).tautan:
        url = klien.absolut(tautan, halaman.url)
        if not klien.dalam_cakupan(url):
            continue
        path = urlsplit(url).path
        bagian = [b for b in path.split("/")[:-1] if b]
        for i in range(1, len(bagian) + 1):
            folder.append("/" + "/".join(bagian[:i]) + "/")
    return list(dict.fromkeys(folder))


@task(name="struktur.listing_direktori", **_opsi_tugas)
async def cek_listing_direktori(url: str, pembanding: Pembanding) -> list[Temuan]:
    if _LISTING.search(pembanding.folder.text) or _LISTING.search(pembanding.berkas.text):
        raise TidakDapatDiuji("halaman 'tidak ditemukan' situs ini sendiri menyerupai daftar "
                              "isi folder")
    bukti = []
    async with KlienUji(url) as klien:
        awal = await klien.get(url)
        calon = [klien.absolut(f) for f in _folder_dari_tautan(klien, awal)]
        calon += [urljoin(_awal(url), f) for f in _FOLDER_UMUM]
        for folder in list(dict.fromkeys(calon))[:MAKS_FOLDER]:
            h = await klien.get(folder)
            if h.status == 200 and _LISTING.search(h.text) and not pembanding.mirip_tidak_ada(h):
                berkas = len(re.findall(r"<a\s+href=", h.text, re.I))
                bukti.append(f"{h.ringkas()}: daftar isi folder ({berkas} tautan)")
    return [CEK["struktur.listing_direktori"].temuan("; ".join(bukti))] if bukti else []


# --- validasi_data -------------------------------------------------------------------------

MAKS_FORMULIR = 3
_JENIS_TEKS = {"text", "email", "search", "tel", "url", "number", "password", "textarea"}
_JENIS_TANPA_NILAI = {"submit", "button", "reset", "image", "file"}
_PESAN_TOLAK = re.compile(
    r"wajib|harus diisi|tidak boleh|tidak valid|tidak sah|melebihi|terlalu panjang|maksimal"
    r"|required|invalid|too long|must be|error|gagal", re.I,
)


def nilai_sah(isian: Isian) -> str | None:
    """A plausible valid value for a control (None: leave it out of the submission)."""
    if isian.jenis in _JENIS_TANPA_NILAI:
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


def _data_formulir(formulir: Formulir, ubah: dict[str, str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for isian in formulir.isian_bernama():
        nilai = ubah[isian.nama] if isian.nama in ubah else nilai_sah(isian)
        if nilai is not None:
            data[isian.nama] = nilai
    return data


def _nama_isian(formulir: Formulir) -> set[str]:
    return {i.nama for i in formulir.isian_bernama() if i.jenis not in _JENIS_TANPA_NILAI}


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


def _uji_formulir(formulir: Formulir) -> list[tuple[str, str, str]]:
    """(field, value, description) probes for one form: empty required, overlong."""
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
    return probe


@task(name="validasi_data.batasan_form", **_opsi_tugas)
async def cek_batasan_form(url: str) -> list[Temuan]:
    temuan = []
    async with KlienUji(url) as klien:
        awal = await klien.get(url)
        formulir = [f for f in urai(awal.text).formulir
                    if f.method == "post" and not f.ada_sandi
                    and klien.dalam_cakupan(klien.absolut(f.action, awal.url))]
        if not any(_uji_formulir(f) for f in formulir):
            raise TidakDapatDiuji(
                "tidak ada formulir POST dengan batasan isian di halaman awal")
        for indeks, form in enumerate(formulir[:MAKS_FORMULIR]):
            bukti = []
            for nama, nilai, uraian in _uji_formulir(form):
                # fetch the page again: fresh hidden values (one-time CSRF tokens)
                segar = await klien.get(awal.url)
                daftar = [f for f in urai(segar.text).formulir
                          if f.method == "post" and not f.ada_sandi]
                form_segar = daftar[indeks] if indeks < len(daftar) else form
                tujuan = klien.absolut(form_segar.action, segar.url)
                jawaban = await klien.kirim(
                    "POST", tujuan, data=_data_formulir(form_segar, {nama: nilai}), ikuti=False,
                )
                if diterima(jawaban, form_segar, segar.url):
                    bukti.append(f"{uraian} -> {jawaban.status}, diterima server")
            if bukti:
                temuan.append(CEK["validasi_data.batasan_form"].temuan(
                    f"POST {urlsplit(klien.absolut(form.action, awal.url)).path}: "
                    + "; ".join(bukti)
                ))
    return temuan


# --- otentikasi_sesi ---------------------------------------------------------------------

_TAUTAN_LOGIN = re.compile(r"login|masuk|signin|sign-in|log-in|auth", re.I)
_TOKEN_CSRF = re.compile(r"csrf|xsrf|_token|authenticity|verificationtoken|nonce|token", re.I)
_COOKIE_SESI = re.compile(r"sess|sid|token|auth|login|remember|jwt", re.I)
_NAMA_PENGGUNA = re.compile(r"user|email|login|nip|nama|akun|name", re.I)
MAKS_HALAMAN_LOGIN = 2


class FormulirTeramati(BaseModel):
    model_config = ConfigDict(frozen=True)

    halaman: str
    action: str
    method: str
    ada_sandi: bool
    ada_token: bool


class CookieTeramati(BaseModel):
    model_config = ConfigDict(frozen=True)

    sumber: str
    """The request that set it, e.g. ``GET /masuk``."""
    nama: str
    atribut: dict[str, str]
    """Lower-case attribute names -> values ('' for flags); never the cookie's value."""
    dari_login: bool = False


class ObservasiSesi(BaseModel):
    """What the session checks judge: forms and cookies seen, never cookie values."""

    formulir: list[FormulirTeramati] = []
    cookie: list[CookieTeramati] = []
    login_dicoba: bool = False


def urai_set_cookie(baris: str) -> tuple[str, str, dict[str, str]]:
    """Name, value and attributes of one Set-Cookie header."""
    bagian = [b.strip() for b in baris.split(";")]
    nama, _, nilai = bagian[0].partition("=")
    atribut = {}
    for b in bagian[1:]:
        if b:
            k, _, v = b.partition("=")
            atribut[k.strip().lower()] = v.strip()
    return nama.strip(), nilai.strip(), atribut


def _dihapus(nilai: str, atribut: dict[str, str]) -> bool:
    return not nilai or atribut.get("max-age") == "0" or "1970" in atribut.get("expires", "")


def _catat(obs: ObservasiSesi, halaman: Halaman, sumber_login: str | None = None) -> None:
    sumber = sumber_login or f"{halaman.method} {halaman.path}"
    dari_login = sumber_login is not None
    for baris in halaman.set_cookie:
        nama, nilai, atribut = urai_set_cookie(baris)
        if nama and not _dihapus(nilai, atribut):
            obs.cookie.append(CookieTeramati(sumber=sumber, nama=nama, atribut=atribut,
                                             dari_login=dari_login))
    for form in urai(halaman.text).formulir:
        obs.formulir.append(FormulirTeramati(
            halaman=halaman.url, action=urljoin(halaman.url, form.action) if form.action
            else halaman.url, method=form.method, ada_sandi=form.ada_sandi,
            ada_token=any(i.jenis == "hidden" and _TOKEN_CSRF.search(i.nama) and i.nilai
                          for i in form.isian),
        ))


async def _login(
    klien: KlienUji, halaman: Halaman, target: TargetUji,
) -> tuple[str, Halaman] | None:
    """Log in with the test account through the first password form of ``halaman``;
    return ``POST <path>`` and the answer (redirects followed)."""
    form = next((f for f in urai(halaman.text).formulir if f.ada_sandi), None)
    if form is None or target.username is None or target.password is None:
        return None
    teks = [i for i in form.isian_bernama() if i.jenis in ("text", "email")]
    pengguna = next((i for i in teks if _NAMA_PENGGUNA.search(i.nama)), teks[0] if teks else None)
    sandi = next(i for i in form.isian if i.jenis == "password")
    if pengguna is None or not sandi.nama:
        return None
    data = _data_formulir(form, {pengguna.nama: target.username,
                                 sandi.nama: target.password.get_secret_value()})
    tujuan = klien.absolut(form.action, halaman.url)
    return f"POST {urlsplit(tujuan).path or '/'}", await klien.post(tujuan, data=data)


@task(name="otentikasi_sesi.amati", **_opsi_tugas)
async def amati_sesi(target: TargetUji) -> ObservasiSesi:
    """Start page, login page(s) and, with a test account, one login: forms and cookies."""
    obs = ObservasiSesi()
    async with KlienUji(target.url) as klien:
        awal = await klien.get(target.url)
        _catat(obs, awal)
        halaman_login = [awal] if any(f.ada_sandi for f in urai(awal.text).formulir) else []
        if not halaman_login:
            isi = urai(awal.text)
            calon = [t for t in isi.tautan
                     if _TAUTAN_LOGIN.search(t) or _TAUTAN_LOGIN.search(isi.teks_tautan.get(t, ""))]
            for tautan in list(dict.fromkeys(calon))[:MAKS_HALAMAN_LOGIN]:
                url = klien.absolut(tautan, awal.url)
                if klien.dalam_cakupan(url):
                    h = await klien.get(url)
                    _catat(obs, h)
                    if any(f.ada_sandi for f in urai(h.text).formulir):
                        halaman_login.append(h)
        if halaman_login and target.username:
            segar = await klien.get(halaman_login[0].url)  # fresh token for the login
            hasil = await _login(klien, segar, target)
            if hasil is not None:
                obs.login_dicoba = True
                _catat(obs, hasil[1], sumber_login=hasil[0])
    return obs


def _cookie_sesi(obs: ObservasiSesi) -> list[CookieTeramati]:
    return [c for c in obs.cookie if c.dari_login or _COOKIE_SESI.search(c.nama)]


def _cek_atribut(obs: ObservasiSesi, cek_id: str, atribut: str) -> list[Temuan]:
    kurang: dict[str, str] = {}
    for c in _cookie_sesi(obs):
        nilai = c.atribut.get(atribut)
        tidak_ada = nilai is None or (atribut == "samesite" and nilai.lower() == "none")
        if tidak_ada:
            kurang.setdefault(c.nama, c.sumber)
    if not kurang:
        return []
    bukti = "; ".join(f"cookie '{nama}' dari {sumber}" for nama, sumber in kurang.items())
    return [CEK[cek_id].temuan(f"{bukti}: atribut {atribut} tidak ada")]


@task(name="otentikasi_sesi.cookie_httponly", **_opsi_tugas)
async def cek_cookie_httponly(obs: ObservasiSesi) -> list[Temuan]:
    return _cek_atribut(obs, "otentikasi_sesi.cookie_httponly", "httponly")


@task(name="otentikasi_sesi.cookie_secure", **_opsi_tugas)
async def cek_cookie_secure(obs: ObservasiSesi) -> list[Temuan]:
    return _cek_atribut(obs, "otentikasi_sesi.cookie_secure", "secure")


@task(name="otentikasi_sesi.cookie_samesite", **_opsi_tugas)
async def cek_cookie_samesite(obs: ObservasiSesi) -> list[Temuan]:
    return _cek_atribut(obs, "otentikasi_sesi.cookie_samesite", "samesite")


@task(name="otentikasi_sesi.login_http", **_opsi_tugas)
async def cek_login_http(obs: ObservasiSesi) -> list[Temuan]:
    if not any(f.ada_sandi for f in obs.formulir):
        raise TidakDapatDiuji("formulir login tidak ditemukan di halaman awal maupun "
                              "tautan login-nya")
    bukti = []
    for f in obs.formulir:
        if f.ada_sandi and "http" in (urlsplit(f.halaman).scheme, urlsplit(f.action).scheme):
            bukti.append(f"formulir login di {f.halaman} dikirim ke {f.action}")
    bukti = list(dict.fromkeys(bukti))
    return [CEK["otentikasi_sesi.login_http"].temuan("; ".join(bukti))] if bukti else []


@task(name="otentikasi_sesi.tanpa_csrf", **_opsi_tugas)
async def cek_tanpa_csrf(obs: ObservasiSesi) -> list[Temuan]:
    bukti = []
    for f in obs.formulir:
        if f.method == "post" and not f.ada_token:
            bukti.append(f"POST {urlsplit(f.action).path or '/'} (formulir di "
                         f"{urlsplit(f.halaman).path or '/'})")
    bukti = list(dict.fromkeys(bukti))
    if not bukti:
        return []
    return [CEK["otentikasi_sesi.tanpa_csrf"].temuan(
        "; ".join(bukti) + ": tidak ada isian token anti-CSRF")]


# --- input_error ---------------------------------------------------------------------------

MAKS_PROBE_REFLEKSI = 6


def _probe_refleksi(klien: KlienUji, awal: Halaman, penanda: str) -> list[tuple[str, str]]:
    """(URL with the marker in one parameter, parameter name), from GET forms and links."""
    probe: list[tuple[str, str]] = []
    isi = urai(awal.text)
    for form in isi.formulir:
        if form.method != "get" or form.ada_sandi:
            continue
        tujuan = klien.absolut(form.action or awal.url, awal.url)
        for isian in form.isian_bernama():
            if isian.jenis in _JENIS_TEKS | {"hidden"}:
                data = _data_formulir(form, {isian.nama: penanda})
                probe.append((f"{tujuan.split('?')[0]}?{urlencode(data)}", isian.nama))
    for tautan in isi.tautan:
        url = klien.absolut(tautan, awal.url)
        bagian = urlsplit(url)
        if not bagian.query or not klien.dalam_cakupan(url):
            continue
        params = parse_qsl(bagian.query, keep_blank_values=True)
        for i, (nama, _) in enumerate(params):
            ganti = params[:i] + [(nama, penanda)] + params[i + 1:]
            probe.append((urlunsplit(bagian._replace(query=urlencode(ganti))), nama))
    if not probe:
        probe.append((f"{awal.url.split('?')[0]}?{urlencode({'q': penanda})}", "q"))
    unik = dict.fromkeys(probe)
    return list(unik)[:MAKS_PROBE_REFLEKSI]


@task(name="input_error.refleksi_canary", **_opsi_tugas)
async def cek_refleksi_canary(url: str) -> list[Temuan]:
    token = token_acak()
    mentah = f"<lpa{token}>"
    penanda = f"lpa{token}\"'{mentah}"
    bukti = []
    async with KlienUji(url) as klien:
        awal = await klien.get(url)
        for probe, nama in _probe_refleksi(klien, awal, penanda):
            h = await klien.get(probe)
            if h.html and mentah in h.text:
                bukti.append(f"GET {urlsplit(probe).path} parameter '{nama}' -> {h.status}: "
                             f"penanda {mentah} kembali tanpa encoding")
    return [CEK["input_error.refleksi_canary"].temuan("; ".join(bukti))] if bukti else []


JEJAK_GALAT: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (nama, re.compile(pola, re.I)) for nama, pola in (
        ("traceback Python", r"Traceback \(most recent call last\)"),
        ("Django DEBUG", r"you have <code>DEBUG = True</code>"),
        ("debugger Werkzeug", r"Werkzeug Debugger|The debugger caught an exception"),
        ("Laravel/Ignition", r"Whoops, looks like something went wrong|Illuminate\\|ignition"),
        ("Symfony", r"Symfony\\Component\\"),
        ("error CodeIgniter", r"A PHP Error was encountered"),
        ("error PHP", r"<b>(?:Fatal error|Warning|Parse error|Notice)</b>:"
                      r"|(?:Fatal error|Parse error): .{0,300} on line \d+"),
        ("stack trace PHP", r"Stack trace:\s*(?:<br\s*/?>)?\s*#0"),
        ("stack trace Java", r"\bat [a-z][\w$]*(?:\.[\w$]+)+\([\w$]+\.java:\d+\)"),
        ("error ASP.NET", r"Server Error in '/' Application|<b>\s*Stack Trace:\s*</b>"),
        ("error SQL", r"SQLSTATE\[|You have an error in your SQL syntax"),
        ("path server", r"/var/www/|/home/\w+/public_html/|[A-Z]:\\\\inetpub\\"),
    )
)


def jejak_galat(teks: str) -> list[tuple[str, str]]:
    """(signature name, excerpt) of every debug/stack-trace signature in ``teks``."""
    hasil = []
    for nama, pola in JEJAK_GALAT:
        m = pola.search(teks)
        if m:
            potongan = re.sub(r"<[^>]*>?", " ", teks[m.start():m.end() + 100])
            hasil.append((nama, _kutip(potongan)))
    return hasil


@task(name="input_error.jejak_galat", **_opsi_tugas)
async def cek_jejak_galat(url: str) -> list[Temuan]:
    token = token_acak()
    bukti: list[str] = []
    kutipan = ""
    async with KlienUji(url) as klien:
        for path in (f"lpa-{token}", f"lpa-{token}.php"):
            h = await klien.get(urljoin(_awal(url), path))
            jejak = jejak_galat(h.text)
            if jejak:
                kutipan = kutipan or jejak[0][1]
                bukti.append(f"{h.ringkas()}: {', '.join(n for n, _ in jejak)}")
    if not bukti:
        return []
    return [CEK["input_error.jejak_galat"].temuan(f"{'; '.join(bukti)}; kutipan: {kutipan!r}")]


# --- dbms ----------------------------------------------------------------------------------

PORT_DB: dict[int, str] = {
    3306: "MySQL/MariaDB", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle",
    27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch", 5984: "CouchDB",
    11211: "Memcached",
}
"""Ports probed when the request names a database host but no port."""


async def port_terbuka(host: str, port: int, batas_waktu: float = BATAS_WAKTU_TCP) -> bool:
    """Whether a TCP connection to host:port is accepted (nothing is sent)."""
    try:
        _, penulis = await asyncio.wait_for(asyncio.open_connection(host, port), batas_waktu)
    except socket.gaierror:
        raise TidakDapatDiuji(f"host basis data {host!r} tidak dikenal (DNS)") from None
    except (TimeoutError, OSError):
        return False
    penulis.close()
    try:
        await penulis.wait_closed()
    except OSError:
        pass
    return True


@task(name="dbms.port_terjangkau", **_opsi_tugas)
async def cek_port_db(host: str, port: int | None = None) -> list[Temuan]:
    daftar = [port] if port else list(PORT_DB)
    terbuka = await asyncio.gather(*(port_terbuka(host, p) for p in daftar))
    bukti = [f"{host}:{p} ({PORT_DB.get(p, 'basis data')}) menerima koneksi TCP"
             for p, buka in zip(daftar, terbuka, strict=True) if buka]
    if not bukti:
        return []
    return [CEK["dbms.port_terjangkau"].temuan("; ".join(bukti) + " dari lokasi penguji")]


# --- lain_lain -----------------------------------------------------------------------------

@task(name="lain_lain.header_keamanan", **_opsi_tugas)
async def cek_header_keamanan(halaman: Halaman) -> list[Temuan]:
    kurang = []
    if not (halaman.header("content-security-policy") or "").strip():
        kurang.append("Content-Security-Policy")
    if (halaman.header("x-content-type-options") or "").strip().lower() != "nosniff":
        kurang.append("X-Content-Type-Options: nosniff")
    if not (halaman.header("referrer-policy") or "").strip():
        kurang.append("Referrer-Policy")
    if urlsplit(halaman.url).scheme == "https" and not halaman.header("strict-transport-security"):
        kurang.append("Strict-Transport-Security")
    if not kurang:
        return []
    return [CEK["lain_lain.header_keamanan"].temuan(
        f"{halaman.ringkas()} tanpa header: {', '.join(kurang)}")]


@task(name="lain_lain.anti_clickjacking", **_opsi_tugas)
async def cek_anti_clickjacking(halaman: Halaman) -> list[Temuan]:
    xfo = (halaman.header("x-frame-options") or "").strip().lower()
    csp = (halaman.header("content-security-policy") or "").lower()
    if xfo in ("deny", "sameorigin") or "frame-ancestors" in csp:
        return []
    return [CEK["lain_lain.anti_clickjacking"].temuan(
        f"{halaman.ringkas()} tanpa X-Frame-Options maupun CSP frame-ancestors")]


_HEADER_VERSI = ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version",
                 "x-generator", "x-runtime-version")
_VERSI = re.compile(r"\d+\.\d+")


@task(name="lain_lain.versi_terungkap", **_opsi_tugas)
async def cek_versi_terungkap(halaman: Halaman) -> list[Temuan]:
    bukti = [f"{nama}: {nilai}" for nama, nilai in halaman.headers
             if nama.lower() in _HEADER_VERSI and _VERSI.search(nilai)]
    bukti = list(dict.fromkeys(bukti))
    return [CEK["lain_lain.versi_terungkap"].temuan("; ".join(bukti))] if bukti else []


_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))")
_PENGURAI_DOMAIN = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
"""The Public Suffix List snapshot shipped with tldextract: no network, no cache files."""


def email_di(teks: str) -> list[tuple[str, str]]:
    """(address, public suffix) of every e-mail address in ``teks`` with a real suffix."""
    hasil = []
    for alamat, domain in _EMAIL.findall(teks):
        sufiks = _PENGURAI_DOMAIN(domain).suffix
        if sufiks:
            hasil.append((alamat.lower(), sufiks))
    return list(dict.fromkeys(hasil))


@task(name="lain_lain.email_non_kedinasan", **_opsi_tugas)
async def cek_email_non_kedinasan(halaman: Halaman) -> list[Temuan]:
    bukan = [alamat for alamat, sufiks in email_di(halaman.text) if not alamat_kedinasan(sufiks)]
    if not bukan:
        return []
    return [CEK["lain_lain.email_non_kedinasan"].temuan(
        f"{halaman.ringkas()} memuat alamat: {', '.join(bukan[:10])}")]
