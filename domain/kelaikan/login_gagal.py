"""otentikasi_sesi: the failed-login observation (user enumeration, lockout) and its judges.

``tasks/kelaikan/login_gagal.py`` sends failed logins at the login the session observation
found (after its login journey, so that nothing sent here can disturb it) and records each
answer as :class:`LoginGagal`: the public user listings of common frameworks, one failed
login for a made-up user name and one for the test account (user enumeration), then at most
:data:`PERCOBAAN_GAGAL` failed logins for the test account's user name and, with the
account, one login with the right password (lockout). The judges here read that record
only.

What was sent is recorded by kind: a user name only when it is made up here or the test
account's name as the requester gave it; a wrong password only when it is a random one made
up for that attempt; the right password never (:class:`LoginBenar` says only that it was
sent, after how many failures, and how the answer looked).
"""

from __future__ import annotations

import difflib
import html as html_mod
import json
import re
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import Bukti, TidakDapatDiuji
from domain.kelaikan.halaman import Halaman

PERCOBAAN_GAGAL = 6
"""Failed logins sent by the lockout check (a lockout after 5 is expected)."""
JEDA_BERARTI = 5.0
"""Seconds an answer must slow down by to count as throttling (waits for the shared rate
limiter's slots are part of every measured time and stay well below this)."""
PATH_DAFTAR_PENGGUNA = ("/wp-json/wp/v2/users", "/?rest_route=/wp/v2/users")
"""WordPress's public REST user listing, both ways of asking for it."""
PATH_ARSIP_PENULIS = "/?author=1"
"""WordPress's author archive: its redirect names the first user."""

PESAN_KUNCI = re.compile(
    r"terkunci|dikunci|diblokir|terblokir|terlalu banyak|coba lagi (?:dalam|setelah|nanti)"
    r"|tunggu \d+|too many|locked|lockout|temporarily|try again (?:in|later)|captcha"
    r"|g-recaptcha|h-captcha|cf-turnstile|rate limit", re.I,
)


class LoginGagal(BaseModel):
    """One failed login sent to the login form, and its answer (redirects not followed)."""

    model_config = ConfigDict(frozen=True)

    nama: str
    """The user name sent: made up here (``lpa-uji-…``) or the test account's, as given."""
    akun_uji: bool
    """``nama`` is the test account's user name."""
    sandi_salah_acak: str
    """The wrong password sent: random, made up for this attempt (never an account's)."""
    jawaban: Halaman | None = None
    """The answer, without its cookies; None when none came (:attr:`galat`)."""
    detik: float = 0.0
    """Seconds the POST took."""
    galat: str | None = None
    """Why no answer came (Bahasa Indonesia), e.g. ``melewati batas waktu``."""
    batas_waktu: bool = False
    """No answer came in time (after earlier answers: a tarpit)."""


class LoginBenar(BaseModel):
    """The one login with the test account's right password after the failed ones: what the
    answer looked like, never the password."""

    model_config = ConfigDict(frozen=True)

    setelah_gagal: int
    """How many failed logins came before it."""
    permintaan: str | None = None
    """``POST /masuk``; None when the login form's fields were not recognised."""
    status: int | None = None
    """Status of the answer (in-scope redirects followed)."""
    formulir_login: bool = False
    """The answer shows the login form again."""
    galat: str | None = None
    """Why no answer came (Bahasa Indonesia)."""


class ObservasiLoginGagal(BaseModel):
    """What the failed-login checks judge (see the module docstring)."""

    model_config = ConfigDict(frozen=True)

    url_login: str | None = None
    """The login the session observation found; None when it found none."""
    alasan_login: str | None = None
    """Why the session observation found no login (Bahasa Indonesia), when it did not."""
    akun_uji: str | None = None
    """The test account's user name, when the request gave one."""
    daftar_pengguna: list[Halaman] = []
    """Answers to :data:`PATH_DAFTAR_PENGGUNA`, in that order."""
    arsip_penulis: Halaman | None = None
    """The answer to :data:`PATH_ARSIP_PENULIS` (redirect not followed)."""
    enumerasi: list[LoginGagal] = []
    """A made-up user name, then the test account, with the same random wrong password."""
    galat_enumerasi: str | None = None
    """Why the enumeration requests stopped (Bahasa Indonesia), when they did."""
    penguncian: list[LoginGagal] = []
    """The lockout sequence's failed logins, in order (it stops at the first sign of a
    lockout, at most :data:`PERCOBAAN_GAGAL`)."""
    sandi_benar: LoginBenar | None = None
    """The login with the right password after them (only with the test account)."""


def tanpa_cookie(h: Halaman) -> Halaman:
    """``h`` without the session cookies it set (their values stay out of observations)."""
    return h.model_copy(update={
        "set_cookie": [], "headers": [(k, v) for k, v in h.headers
                                      if k.lower() != "set-cookie"]})


def teks_terlihat(halaman: Halaman, buang: list[str]) -> str:
    """Visible text of an answer, without tags, attribute values or the given strings."""
    teks = re.sub(r"<(script|style)\b.*?</\1>", " ", halaman.text, flags=re.S | re.I)
    teks = re.sub(r"<[^>]*>", "\n", teks)
    teks = html_mod.unescape(teks)
    for b in buang:
        if b:
            teks = teks.replace(b, "")
    baris = [" ".join(b.split()) for b in teks.splitlines()]
    return "\n".join(b for b in baris if b)


def tanda(h: Halaman) -> tuple[int, str]:
    """Status and where the answer leads (its redirect's path, else its own path)."""
    lokasi = h.header("location") or ""
    return h.status, urlsplit(urljoin(h.url, lokasi)).path if lokasi else urlsplit(h.url).path


def beda_pesan(a: str, b: str) -> tuple[str, str]:
    """The first differing line of each text."""
    la, lb = a.splitlines(), b.splitlines()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, la, lb).get_opcodes():
        if op != "equal":
            return (" / ".join(la[i1:i2])[:120] or "(kosong)",
                    " / ".join(lb[j1:j2])[:120] or "(kosong)")
    return "", ""


def _teks(p: LoginGagal) -> str:
    assert p.jawaban is not None
    return teks_terlihat(p.jawaban, [p.nama, p.sandi_salah_acak])


def terkunci(percobaan: list[LoginGagal]) -> bool:
    """The answers so far (up to the first missing one) show a lockout: 429, a lockout
    message or CAPTCHA, another status or destination than the first answer, or an answer
    slowed down by :data:`JEDA_BERARTI` seconds. The observer stops sending on it; the judge
    finds no missing lockout on it."""
    acuan: tuple[Halaman, str, float] | None = None
    for p in percobaan:
        if p.jawaban is None:
            break
        h, teks = p.jawaban, _teks(p)
        if acuan is None:
            acuan = h, teks, p.detik
            if h.status == 429 or (PESAN_KUNCI.search(teks) and h.status >= 400):
                return True
            continue
        h_acuan, teks_acuan, detik_acuan = acuan
        if h.status in (429, 423, 503) or tanda(h) != tanda(h_acuan):
            return True
        if teks != teks_acuan and PESAN_KUNCI.search(teks) and not PESAN_KUNCI.search(teks_acuan):
            return True
        if p.detik > detik_acuan + JEDA_BERARTI:
            return True
    return False


# --- the judges ------------------------------------------------------------------------------

def pengguna_rest(h: Halaman) -> list[dict[str, object]] | None:
    """The users a WordPress REST user listing answered with, or None when ``h`` is none."""
    if h.status != 200:
        return None
    try:
        data = json.loads(h.text)
    except ValueError:
        return None
    if isinstance(data, list) and data and all(isinstance(d, dict) for d in data) \
            and any("slug" in d for d in data):
        return data
    return None


def _daftar_pengguna_framework(obs: ObservasiLoginGagal) -> list[str]:
    bukti = []
    for h in obs.daftar_pengguna:
        data = pengguna_rest(h)
        if data is not None:
            nama = [str(d.get("slug")) for d in data if d.get("slug")][:5]
            bukti.append(f"{h.ringkas()}: daftar {len(data)} pengguna ({', '.join(nama)})")
            break
    h = obs.arsip_penulis
    if h is not None:
        m = re.search(r"/author/([^/?#]+)", h.header("location") or "")
        if 300 <= h.status < 400 and m:
            bukti.append(f"GET {PATH_ARSIP_PENULIS} -> {h.status} ke /author/{m.group(1)}/: "
                         "nama pengguna terungkap")
    return bukti


def nilai_enumerasi_pengguna(obs: ObservasiLoginGagal, target: object = None) -> list[Bukti]:
    """Public user listings, then the unknown user's answer against the test account's with
    a wrong password: another status or destination, or another visible message."""
    if obs.galat_enumerasi:
        raise TidakDapatDiuji(obs.galat_enumerasi)
    bukti = _daftar_pengguna_framework(obs)
    if len(obs.enumerasi) == 2:
        a, b = obs.enumerasi
        if a.jawaban is None or b.jawaban is None:
            raise TidakDapatDiuji(a.galat or b.galat or "login tidak dijawab")
        buang = [a.nama, b.nama, a.sandi_salah_acak, b.sandi_salah_acak]
        teks_a, teks_b = teks_terlihat(a.jawaban, buang), teks_terlihat(b.jawaban, buang)
        di = f"POST {urlsplit(obs.url_login or '').path or '/'}"
        ta, tb = tanda(a.jawaban), tanda(b.jawaban)
        if ta != tb:
            bukti.append(
                f"{di}: login nama pengguna tidak terdaftar -> {ta[0]} {ta[1]}, "
                f"akun uji dengan kata sandi salah -> {tb[0]} {tb[1]}")
        elif teks_a != teks_b:
            pa, pb = beda_pesan(teks_a, teks_b)
            bukti.append(f"{di}: pesan untuk nama pengguna tidak terdaftar: \"{pa}\"; "
                         f"untuk kata sandi salah: \"{pb}\"")
    elif not bukti:
        raise TidakDapatDiuji(
            (obs.alasan_login or "formulir login tidak ditemukan") if not obs.url_login
            else "akun uji tidak diberikan: pesan login tidak dapat dibandingkan")
    if not bukti:
        return []
    return [Bukti("; ".join(bukti))]


def nilai_tanpa_penguncian(obs: ObservasiLoginGagal, target: object = None) -> list[Bukti]:
    """Every failed login answered alike (no 429, lockout message, CAPTCHA, other
    destination, nor slowdown) and then the right password accepted at once."""
    if obs.url_login is None:
        raise TidakDapatDiuji(obs.alasan_login or "formulir login tidak ditemukan")
    if terkunci(obs.penguncian):
        return []
    for i, p in enumerate(obs.penguncian):
        if p.jawaban is None:
            if i == 0 or not p.batas_waktu:
                raise TidakDapatDiuji(p.galat or "login tidak dijawab")
            return []  # answers stopped coming after repeated failures: a tarpit
    if len(obs.penguncian) < PERCOBAAN_GAGAL:
        raise TidakDapatDiuji(f"hanya {len(obs.penguncian)} dari {PERCOBAAN_GAGAL} percobaan "
                              "login gagal yang terkirim")
    lalu = ""
    benar = obs.sandi_benar
    if benar is not None:
        if benar.galat:
            raise TidakDapatDiuji(benar.galat)
        # a silent lockout refuses even the right password: that is a lockout too
        if benar.permintaan is None or benar.status is None or benar.status >= 400 \
                or benar.formulir_login:
            return []
        lalu = f"; sesudahnya kata sandi yang benar langsung diterima ({benar.permintaan})"
    pertama = obs.penguncian[0]
    siapa = f"akun uji '{pertama.nama}'" if pertama.akun_uji else "satu nama pengguna acak"
    ringkas = ", ".join(str(p.jawaban.status) for p in obs.penguncian if p.jawaban)
    return [Bukti(
        f"{len(obs.penguncian)} percobaan login gagal berturut-turut untuk {siapa} ke "
        f"POST {urlsplit(obs.url_login).path} dijawab sama ({ringkas}) tanpa "
        f"penguncian, jeda, maupun CAPTCHA{lalu}")]
