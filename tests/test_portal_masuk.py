"""Staff sign-in without a password (portal/rute_masuk.py, portal/sesi.py): one-time links
mailed to the roster address, server-side sessions that expire and end at sign-out, and
``/saya``, the steps waiting for the signed-in official (Plt./Plh. included)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from portal_staf_bantu import (
    KABID,
    KADIS,
    PLH_KABID,
    audit,
    buka_tiket,
    csrf,
    klien,
    masuk_sebagai,
    pengaturan,
)

from portal.sesi import COOKIE_SESI
from store import db, portal_pejabat
from store.models import StepRecord
from tasks.notifikasi import baca_kotak_keluar


def _minta(client, isian: str):  # noqa: ANN202
    return client.post("/masuk", data={"csrf_token": csrf(client, "/masuk"),
                                       "nip_atau_surel": isian})


def _tautan_dari_surel(settings) -> str:  # noqa: ANN001
    [surel] = [m for m in baca_kotak_keluar(settings.outbox_dir) if m["jenis"] == "tautan_masuk"]
    cocok = re.search(r"http://127\.0\.0\.1:8080(/masuk/[A-Za-z0-9_-]+)", surel["isi"])
    assert cocok, surel["isi"]
    return cocok.group(1)


def test_sign_in_link_session_and_sign_out(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    t = buka_tiket(settings, "disposisi_kadis", KADIS)
    client = klien(settings)
    r = _minta(client, "1972 0315 1998 0310 02")  # a NIP as people write it
    assert r.status_code == 200 and "tautan masuk telah dikirim" in r.text
    [surel] = baca_kotak_keluar(settings.outbox_dir)
    assert surel["kepada"] == [KADIS[2]] and "tanpa tautan tersebut" in surel["isi"]
    path = _tautan_dari_surel(settings)
    # opening the link uses nothing (a mail scanner may follow it); the button signs in
    r = client.get(path)
    assert r.status_code == 200 and 'id="tombol-masuk"' in r.text
    assert COOKIE_SESI not in client.cookies
    r = client.post(path, data={"csrf_token": csrf(client, path)})
    assert r.status_code == 303 and r.headers["location"] == "/saya"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    r = client.get("/saya")
    assert r.status_code == 200 and KADIS[1] in r.text
    assert f'id="langkah-{t.nomor}"' in r.text and f"/saya/langkah/{t.langkah_id}" in r.text
    # the same link again: refused, in Indonesian, audited
    r = client.post(path, data={"csrf_token": csrf(client, "/masuk")})
    assert r.status_code == 410 and "sudah dipakai" in r.text
    # sign out (POST with CSRF): the session ends in the store, not only in the browser
    raw = client.cookies[COOKIE_SESI]
    r = client.post("/keluar", data={"csrf_token": csrf(client, "/saya")})
    assert r.status_code == 303
    client.cookies.set(COOKIE_SESI, raw)
    assert client.get("/saya").headers["location"] == "/masuk"
    assert [e.actor for e in audit(settings, "staf_masuk")] == [KADIS[0]]
    assert [e.actor for e in audit(settings, "staf_keluar")] == [KADIS[0]]
    assert "tautan_masuk_sudah_dipakai" in [e.detail["alasan"]
                                            for e in audit(settings, "portal_ditolak")]


def test_same_answer_whether_or_not_the_person_exists(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    client = klien(settings)
    ada = _minta(client, KABID[2].upper())  # a roster address, case aside
    tidak = _minta(client, "orang.lain@contoh.go.id")
    assert ada.status_code == tidak.status_code == 200

    def pesan(html: str) -> str:
        return re.search(r'id="pesan-terkirim">([^<]+)<', html).group(1)
    assert pesan(ada.text) == pesan(tidak.text)
    assert [m["kepada"] for m in baca_kotak_keluar(settings.outbox_dir)] == [[KABID[2]]]
    assert [e.detail["dikenal"] for e in audit(settings, "tautan_masuk_diminta")] == [True,
                                                                                   False]


def test_expired_sign_in_link_and_expired_sessions(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path, portal_sesi_idle_menit=30, portal_sesi_maks_jam=8)
    db.upgrade(settings.store_url)
    client = klien(settings)
    lama = datetime.now(UTC) - timedelta(hours=1)
    with db.session_scope(settings.store_url) as s:
        raw = portal_pejabat.buat_tautan_masuk(s, KADIS[0], timedelta(minutes=15), lama)
    r = client.post(f"/masuk/{raw}", data={"csrf_token": csrf(client, f"/masuk/{raw}")})
    assert r.status_code == 410 and "Masa berlaku tautan masuk ini sudah habis" in r.text
    # idle: no request for longer than the idle limit
    sesi = masuk_sebagai(client, settings, KADIS)
    assert client.get("/saya").status_code == 200
    with db.session_scope(settings.store_url) as s:
        baris = s.query(portal_pejabat.SesiStaf).filter_by(
            sesi_hash=portal_pejabat.hash_token(sesi)).one()
        baris.last_seen_at = datetime.now(UTC) - timedelta(minutes=31)
    assert client.get("/saya").headers["location"] == "/masuk"
    # absolute: ends however active
    sesi = masuk_sebagai(client, settings, KADIS)
    with db.session_scope(settings.store_url) as s:
        baris = s.query(portal_pejabat.SesiStaf).filter_by(
            sesi_hash=portal_pejabat.hash_token(sesi)).one()
        baris.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert client.get("/saya").headers["location"] == "/masuk"


def test_session_cookie_is_secure_behind_https(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path, portal_url="https://layanan.babelprov.go.id")
    db.upgrade(settings.store_url)
    client = klien(settings)
    with db.session_scope(settings.store_url) as s:
        raw = portal_pejabat.buat_tautan_masuk(s, KADIS[0], timedelta(minutes=15),
                                               datetime.now(UTC))
    r = client.post(f"/masuk/{raw}", data={"csrf_token": csrf(client, f"/masuk/{raw}")})
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_sign_in_requests_are_rate_limited_per_address_and_per_name(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path, portal_batas_masuk="3/15minute")
    client = klien(settings)
    kode = [_minta(client, KADIS[0]).status_code for _ in range(4)]
    assert kode == [200, 200, 200, 429]
    assert audit(settings, "portal_ditolak")[-1].detail["alasan"] == "batas_masuk"
    assert len(baca_kotak_keluar(settings.outbox_dir)) == 3


def test_saya_lists_the_steps_of_an_acting_official(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    t = buka_tiket(settings, "disposisi_kabid", KABID)
    roster = settings.roster_file.read_text(encoding="utf-8")
    roster += ("\n  - peran: kabid_egov\n    nip: \"198307142008011004\"\n"
               "    nama: \"Agus Setiawan, S.T., M.Kom.\"\n"
               "    email: agus.setiawan@babelprov.go.id\n    status: plh\n")
    settings.roster_file.write_text(roster, encoding="utf-8")
    plh = klien(settings)
    masuk_sebagai(plh, settings, PLH_KABID)
    r = plh.get("/saya")
    assert f'id="langkah-{t.nomor}"' in r.text and "dialihkan kepada Anda" in r.text
    assert plh.get(f"/saya/langkah/{t.langkah_id}").status_code == 200
    # the replaced Kabid no longer sees it, nor may open it
    kabid = klien(settings)
    masuk_sebagai(kabid, settings, KABID)
    assert f'id="langkah-{t.nomor}"' not in kabid.get("/saya").text
    assert kabid.get(f"/saya/langkah/{t.langkah_id}").status_code == 403
    with db.session_scope(settings.store_url) as s:
        assert s.get(StepRecord, t.langkah_id).finished_at is None


def test_saya_needs_a_session(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    client = klien(settings)
    assert client.get("/saya").headers["location"] == "/masuk"
    client.cookies.set(COOKIE_SESI, "bukan-sesi")
    assert client.get("/saya").headers["location"] == "/masuk"
    assert client.get("/saya/langkah/1").headers["location"] == "/masuk"


def test_sign_in_requests_for_one_name_are_limited_whatever_the_address(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from portal.app import buat_app

    settings = pengaturan(tmp_path, portal_batas_masuk="2/15minute")
    app = buat_app(settings)
    kode = []
    for i in range(3):  # three addresses, each under its own limit, one name asked for
        client = TestClient(app, base_url="http://127.0.0.1:8080", follow_redirects=False,
                            client=(f"127.0.0.{i + 2}", 50000))
        kode.append(_minta(client, KADIS[0]).status_code)
    assert kode == [200, 200, 429]
    assert audit(settings, "portal_ditolak")[-1].detail["alasan"] == "batas_masuk_sasaran"
    assert len(baca_kotak_keluar(settings.outbox_dir)) == 2


def test_old_sign_in_links_and_sessions_are_deleted(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    db.upgrade(settings.store_url)
    lama = datetime.now(UTC) - timedelta(days=3)
    with db.session_scope(settings.store_url) as s:
        portal_pejabat.buat_tautan_masuk(s, KADIS[0], timedelta(minutes=15), lama)
        portal_pejabat.buat_sesi(s, KADIS[0], KADIS[1], timedelta(hours=8), lama)
        hidup = portal_pejabat.buat_sesi(s, KABID[0], KABID[1], timedelta(hours=8),
                                         datetime.now(UTC))
        portal_pejabat.buat_tautan_masuk(s, KABID[0], timedelta(minutes=15), datetime.now(UTC))
    with db.session_scope(settings.store_url) as s:
        assert [t.nip for t in s.query(portal_pejabat.TautanMasuk)] == [KABID[0]]
        assert [x.sesi_hash for x in s.query(portal_pejabat.SesiStaf)] == [
            portal_pejabat.hash_token(hidup)]
