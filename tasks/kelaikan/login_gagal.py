"""otentikasi_sesi: the failed-login observation (user enumeration, lockout).

:func:`amati_login_gagal` builds on the session observation (``sesi``): it sends its failed
logins at the login that observation found, after its login journey, so that nothing sent
here can disturb it. First the user-enumeration requests (public user listings of common
frameworks; one failed login for a made-up user name and one for the test account), then
the lockout sequence: it fails the test account's own login (a tester's lockout test), at
most :data:`domain.kelaikan.login_gagal.PERCOBAAN_GAGAL` times, stopping at the first sign
of a lockout, then with the account the right password once; the report's description of
the check announces that the account may stay locked for a while. The pure judges are in
``domain/kelaikan/login_gagal.py``; the observation never holds the test account's password.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from prefect import task

from domain.kelaikan.cek import TidakDapatDiuji
from domain.kelaikan.halaman import token_acak, urai
from domain.kelaikan.login_gagal import (
    PATH_ARSIP_PENULIS,
    PATH_DAFTAR_PENGGUNA,
    PERCOBAAN_GAGAL,
    LoginBenar,
    LoginGagal,
    ObservasiLoginGagal,
    pengguna_rest,
    tanpa_cookie,
    terkunci,
)
from domain.kelaikan.sesi import ObservasiSesi
from domain.kelaikan.target import TargetUji
from tasks.kelaikan.klien import DiluarCakupan, KlienUji
from tasks.kelaikan.login import ada_form_sandi
from tasks.kelaikan.sesi import data_login, kirim_login
from tasks.kelaikan.umum import OPSI_TUGAS, Pengamat, alasan_galat

GALAT_PERMINTAAN = (httpx.HTTPError, DiluarCakupan, TidakDapatDiuji)
"""What a request of this observation may end with instead of an answer: recorded, with the
reason, for the judge that needed the answer."""


async def _login_gagal(klien: KlienUji, url_login: str, nama: str, akun_uji: bool,
                       sandi_salah_acak: str) -> LoginGagal:
    """One failed login through a freshly requested login form (its token, its session)."""
    segar = await klien.get(url_login)
    form = next((f for f in urai(segar.text).formulir if f.adalah_login), None)
    if form is None:
        raise TidakDapatDiuji("formulir login tidak muncul lagi saat diminta ulang")
    data = data_login(form, nama, sandi_salah_acak)
    if data is None:
        raise TidakDapatDiuji("kolom nama pengguna/kata sandi formulir login tidak dikenali")
    mulai = time.monotonic()
    jawaban = await klien.kirim("POST", klien.absolut(form.action, segar.url), data=data,
                                ikuti=False)
    return LoginGagal(nama=nama, akun_uji=akun_uji, sandi_salah_acak=sandi_salah_acak,
                      jawaban=tanpa_cookie(jawaban), detik=time.monotonic() - mulai)


async def _enumerasi(target: TargetUji, url_login: str | None) -> dict[str, Any]:
    """The public user listings, then (with a login and a test account) an unknown user and
    the test account, the same random wrong password. A failed request ends this part."""
    hasil: dict[str, Any] = {"daftar_pengguna": [], "enumerasi": []}
    async with KlienUji(target.url) as klien:
        try:
            for path in PATH_DAFTAR_PENGGUNA:
                h = tanpa_cookie(await klien.get(path))
                hasil["daftar_pengguna"].append(h)
                if pengguna_rest(h) is not None:
                    break
            hasil["arsip_penulis"] = tanpa_cookie(
                await klien.kirim("GET", PATH_ARSIP_PENULIS, ikuti=False))
            if url_login and target.username:
                sandi = f"Salah-{token_acak()}"
                for nama, akun in ((f"lpa-uji-{token_acak()}", False), (target.username, True)):
                    hasil["enumerasi"].append(
                        await _login_gagal(klien, url_login, nama, akun, sandi))
        except GALAT_PERMINTAAN as exc:
            hasil["galat_enumerasi"] = alasan_galat(exc)
    return hasil


async def _penguncian(target: TargetUji, url_login: str) -> dict[str, Any]:
    """Failed logins for the test account's user name (a random, unregistered one without an
    account) until a lockout shows or :data:`PERCOBAAN_GAGAL` were sent; then, with the
    account, the right password once (a silent lockout refuses even that)."""
    nama = target.username or f"lpa-uji-{token_acak()}"
    percobaan: list[LoginGagal] = []
    async with KlienUji(target.url) as klien:
        for _ in range(PERCOBAAN_GAGAL):
            sandi = f"Salah-{token_acak()}"
            try:
                percobaan.append(await _login_gagal(klien, url_login, nama,
                                                    target.username is not None, sandi))
            except GALAT_PERMINTAAN as exc:
                percobaan.append(LoginGagal(
                    nama=nama, akun_uji=target.username is not None, sandi_salah_acak=sandi,
                    galat=alasan_galat(exc),
                    batas_waktu=isinstance(exc, httpx.TimeoutException)))
                return {"penguncian": percobaan}
            if terkunci(percobaan):
                return {"penguncian": percobaan}
        if target.username is None or target.password is None:
            return {"penguncian": percobaan}
        try:
            segar = await klien.get(url_login)
            hasil = await kirim_login(klien, segar, target.username,
                                      target.password.get_secret_value())
        except GALAT_PERMINTAAN as exc:
            benar = LoginBenar(setelah_gagal=len(percobaan), galat=alasan_galat(exc))
        else:
            benar = LoginBenar(setelah_gagal=len(percobaan)) if hasil is None else LoginBenar(
                setelah_gagal=len(percobaan), permintaan=hasil[0], status=hasil[1].status,
                formulir_login=ada_form_sandi(hasil[1]))
    return {"penguncian": percobaan, "sandi_benar": benar}


@task(name="otentikasi_sesi.amati_login_gagal", **OPSI_TUGAS)
async def amati_login_gagal(target: TargetUji, sesi: ObservasiSesi) -> ObservasiLoginGagal:
    """The user-enumeration requests, then the lockout sequence (one after the other: the
    lockout must not answer the enumeration's login for the test account), at the login
    the session observation found."""
    url_login = sesi.login.url if sesi.login is not None else None
    hasil = await _enumerasi(target, url_login)
    if url_login is not None:
        hasil |= await _penguncian(target, url_login)
    return ObservasiLoginGagal(
        url_login=url_login, alasan_login=sesi.alasan_login if url_login is None else None,
        akun_uji=target.username, **hasil)


PENGAMAT: dict[str, Pengamat] = {
    "login_gagal": Pengamat("percobaan login dengan kata sandi salah", amati_login_gagal,
                            dasar="sesi"),
}
"""The observations this module makes, by the name a check declares (``Cek.amatan``)."""
