"""The one registry of the feasibility test's checks, held to everything that reads it.

Each check is declared once (``domain/kelaikan/daftar_*.py``); the generic category subflow
runs it by its declaration: a pure judge on a shared observation, or its probe (a task named
after the check id). These tests fail when a declaration and the code that runs it drift.
"""

from __future__ import annotations

import re
from pathlib import Path

from domain.kelaikan import CEK, DAFTAR_CEK, KATEGORI_KEAMANAN, cek_kategori
from domain.kelaikan.dbms import LayananDb, ObservasiDbms
from domain.kelaikan.lain import ObservasiLain
from domain.kelaikan.sesi import CookieTeramati, FormulirTeramati, ObservasiSesi
from tasks.kelaikan.registri import PENGAMAT

ROOT = Path(__file__).resolve().parents[1]


def test_every_check_is_an_observation_and_a_pure_judge() -> None:
    for c in DAFTAR_CEK:
        assert c.amatan in PENGAMAT, c.id
        assert callable(c.nilai) and not hasattr(c.nilai, "submit"), c.id  # a function, no task
        assert c.kategori in KATEGORI_KEAMANAN, c.id
    dibaca = {c.amatan for c in DAFTAR_CEK}
    dasar = {p.dasar for p in PENGAMAT.values() if p.dasar}
    assert set(PENGAMAT) == dibaca | dasar  # no observation that nothing reads
    assert not set(PENGAMAT) & set(CEK)  # an observation is not named after a check
    for nama, p in PENGAMAT.items():
        assert p.dasar is None or p.dasar in PENGAMAT, nama
        assert hasattr(p.tugas, "fn"), nama  # made by a Prefect task


def test_the_catalog_order_is_the_categories_order() -> None:
    urutan = [c.kategori for c in DAFTAR_CEK]
    assert urutan == sorted(urutan, key=KATEGORI_KEAMANAN.index)
    assert [c.id for k in KATEGORI_KEAMANAN for c in cek_kategori(k)] == list(CEK)


def test_what_a_check_needs_is_declared_where_it_is_needed() -> None:
    db = {c.id for c in DAFTAR_CEK if "db" in c.butuh}
    assert db == {c.id for c in DAFTAR_CEK if c.amatan == "dbms"}
    akun = {c.id for c in DAFTAR_CEK if "akun" in c.butuh}
    assert akun == {"otentikasi_sesi.fiksasi_sesi", "otentikasi_sesi.sesi_setelah_logout",
                    "otentikasi_sesi.cache_halaman_terotentikasi"}


def test_a_check_id_is_written_once_in_the_code() -> None:
    # the declaration: nowhere else in the wing's code
    kode = [p for folder in ("domain/kelaikan", "tasks/kelaikan", "flows")
            for p in (ROOT / folder).rglob("*.py")]
    for c in DAFTAR_CEK:
        kali = sum(len(re.findall(rf'"{re.escape(c.id)}"', p.read_text(encoding="utf-8")))
                   for p in kode)
        assert kali == 1, (c.id, kali)


# --- pure judges on recorded observations ----------------------------------------------------

def test_session_judges_on_a_recorded_observation() -> None:
    obs = ObservasiSesi(
        url_awal="http://app.example/", skema="http", status_awal=200,
        formulir=[FormulirTeramati(halaman="http://app.example/masuk",
                                   action="http://app.example/masuk", method="post",
                                   ada_sandi=True, ada_token=False)],
        cookie=[CookieTeramati(sumber="POST /masuk", nama="PHPSESSID",
                               atribut={"path": "/"}, dari_login=True)],
        login_berhasil=True, auth_terlindungi=True, halaman_auth="/dasbor",
        cache_control="private", cookie_pra_login=["PHPSESSID"], fiksasi=True,
        logout="GET /keluar", sesi_setelah_logout=True)
    temuan = {cid: CEK[cid].nilai_temuan(obs, None) for cid in CEK
              if CEK[cid].amatan == "sesi" and CEK[cid].nilai}
    assert {cid for cid, t in temuan.items() if t} == {
        "otentikasi_sesi.login_http", "otentikasi_sesi.tanpa_https",
        "otentikasi_sesi.cookie_httponly", "otentikasi_sesi.cookie_secure",
        "otentikasi_sesi.cookie_samesite", "otentikasi_sesi.fiksasi_sesi",
        "otentikasi_sesi.sesi_setelah_logout", "otentikasi_sesi.tanpa_csrf",
        "otentikasi_sesi.cache_halaman_terotentikasi"}
    assert "POST /masuk (formulir di /masuk)" in temuan["otentikasi_sesi.tanpa_csrf"][0].evidence


def test_database_judges_on_a_recorded_greeting() -> None:
    # what the probe recorded of a MariaDB 10.3 that takes root without a password
    maria = LayananDb(host="10.0.0.5", port=3306, jenis="mysql", produk="MariaDB",
                      versi="10.3.39", banner="5.5.5-10.3.39-MariaDB-0+deb10u1", tls=False,
                      kredensial_bawaan="root tanpa kata sandi")
    obs = ObservasiDbms(host="10.0.0.5", port_diperiksa=[3306], layanan=[maria],
                        alamat=["10.0.0.5"], host_aplikasi="app.example",
                        alamat_aplikasi=["10.0.0.8"])
    ada = {c.id for c in DAFTAR_CEK if c.nilai and c.amatan == "dbms"
           and c.nilai_temuan(obs, None)}
    assert ada == {"dbms.port_terjangkau", "dbms.banner_versi", "dbms.versi_eol",
                   "dbms.tanpa_tls", "dbms.kredensial_bawaan"}


def test_start_page_judges_on_recorded_headers() -> None:
    # the headers of a stock Apache + PHP page, as served
    obs = ObservasiLain(halaman="GET / -> 200", url="http://app.example/", headers=[
        ("Server", "Apache/2.4.38 (Debian)"), ("X-Powered-By", "PHP/7.3.31")],
        email=[("admin.app@gmail.com", "com", "/kontak")])
    temuan = {c.id: c.nilai_temuan(obs, None) for c in cek_kategori("lain_lain")
              if c.id != "lain_lain.email_non_kedinasan"}
    assert temuan["lain_lain.versi_terungkap"][0].evidence.startswith(
        "GET / -> 200: Server: Apache/2.4.38 (Debian); X-Powered-By: PHP/7.3.31")
    assert temuan["lain_lain.header_keamanan"] and temuan["lain_lain.anti_clickjacking"]
    assert temuan["lain_lain.framework_tidak_dikenali"]


def test_the_checks_doc_lists_every_observation_with_its_task_and_checks() -> None:
    teks = (ROOT / "docs" / "kelaikan-checks.md").read_text(encoding="utf-8")
    awal = teks.index("| observation | made by | checks |")
    baris = teks[awal:].split("\n\n", 1)[0].splitlines()[2:]
    per_nama: dict[str, tuple[str, str]] = {}
    for b in baris:
        nama, oleh, cek = (k.strip() for k in b.strip("|").split("|"))
        for n in re.findall(r"`([a-z_]+)`", nama):
            per_nama[n] = (oleh, cek)
    assert set(per_nama) == set(PENGAMAT)
    for nama, p in PENGAMAT.items():
        oleh, cek = per_nama[nama]
        fungsi = p.tugas.fn
        assert f"`{fungsi.__module__.replace('.', '/')}.{fungsi.__name__}`" in oleh, nama
        for c in DAFTAR_CEK:
            if c.amatan == nama:  # each check named, in full or by its name in its category
                assert f"`{c.id}`" in cek or f"`{c.id.split('.', 1)[1]}`" in cek, (nama, c.id)
