"""Vulnerability assessment against real services on loopback addresses (127.0.14.x, all
this machine): Debian's sshd, an FTP server, a TLS service, redis-server, the local MariaDB
and PostgreSQL, and a web page, each weak and hardened; and a decoy outside the scope that
must see nothing. The flow runs on a real Prefect server (``prefect_api``)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
import va_bantu

from domain.va.cakupan import CakupanVA
from domain.va.laporan import KATEGORI_VA, LaporanVA

ROOT = Path(__file__).resolve().parents[1]
PORT_UJI = "21,22,993,6379,8080"

pytestmark = [pytest.mark.lambat]


@pytest.fixture(autouse=True)
def _alat() -> None:
    va_bantu.perlu("nmap")


def _jalankan(cakupan: CakupanVA, web: bool = False) -> LaporanVA:
    from flows.va import va

    return LaporanVA.model_validate(asyncio.run(va(cakupan, web=web)))


def _temuan(laporan: LaporanVA) -> dict[tuple[str, int | None], set[str]]:
    hasil: dict[tuple[str, int | None], set[str]] = {}
    for _, t in laporan.temuan():
        hasil.setdefault((t.host or "", t.port), set()).add(t.check_id.split(".", 1)[1])
    return hasil


def test_weak_services_are_found_with_evidence_and_nothing_leaves_the_scope(
        prefect_api: str, pengaturan_uji, tmp_path: Path) -> None:
    pengaturan_uji(data_dir=tmp_path / "data", va_port=PORT_UJI, va_max_rate=2000,
                   uji_batas_total=300)
    app, db = "127.0.14.2", "127.0.14.3"
    with va_bantu.Umpan("127.0.15.9", [21, 22, 993, 6379, 8080]) as umpan, \
            va_bantu.sshd(app, tmp_path / "ssh", keras=False), \
            va_bantu.ftp(app, tmp_path / "ftp", anonim=True), \
            va_bantu.halaman_web(app, 8080, tmp_path / "web"), \
            va_bantu.tls(db, tmp_path / "tls", lemah=True), \
            va_bantu.redis(db, tmp_path / "redis", sandi=None):
        laporan = _jalankan(CakupanVA(ip_aplikasi=app, ip_database=db,
                                      ip_jaringan="127.0.14.0/24"), web=True)
        assert umpan.jumlah == 0, f"{umpan.jumlah} koneksi ke alamat di luar cakupan"
    temuan = _temuan(laporan)
    assert {"ssh_kata_sandi", "ssh_algoritma_lemah"} <= temuan[(app, 22)]
    assert {"ftp_anonim", "ftp_terbuka"} <= temuan[(app, 21)]
    assert {"tls_protokol_usang", "tls_cipher_lemah", "tls_sertifikat_kedaluwarsa",
            "tls_sertifikat_swatanda"} <= temuan[(db, 993)]
    assert {"tanpa_otentikasi", "db_terjangkau"} <= temuan[(db, 6379)]
    assert laporan.verdict == "TIDAK_LAYAK"
    # the web page on port 8080 went through the feasibility test's categories
    ids = [k.id for k in laporan.categories]
    assert ids[0] == KATEGORI_VA and {"struktur", "lain_lain", "dbms"} <= set(ids)
    assert [w.url for w in laporan.layanan_web] == [f"{app}:8080"]
    web = [t for k in laporan.categories if k.id != KATEGORI_VA for t in k.findings]
    assert web and all(t.host in (app, db) for t in web)
    assert any(t.port == 8080 for t in web)
    per_host = {h.ip: {p.port for p in h.port} for h in laporan.hosts}
    assert per_host == {app: {21, 22, 8080}, db: {993, 6379}}
    ssh = next(p for h in laporan.hosts for p in h.port if p.port == 22)
    assert "OpenSSH" in ssh.layanan

    from tasks.va.laporan import tulis_laporan_va

    berkas = tulis_laporan_va(laporan, tmp_path / "keluaran")
    html = (tmp_path / "keluaran" / "laporan.html").read_text(encoding="utf-8")
    assert "TIDAK LAYAK" in html and "Host 127.0.14.2 (aplikasi)" in html
    assert {b.name for b in berkas} >= {"laporan.json", "laporan.html"}


def test_hardened_twins_pass_their_checks(prefect_api: str, pengaturan_uji,
                                          tmp_path: Path) -> None:
    app, db = "127.0.14.4", "127.0.14.5"
    with va_bantu.tls(db, tmp_path / "tls", lemah=False) as ca:
        pengaturan_uji(data_dir=tmp_path / "data", va_port=PORT_UJI, va_max_rate=2000,
                       va_ca_tambahan=ca)
        with va_bantu.sshd(app, tmp_path / "ssh", keras=True), \
                va_bantu.ftp(app, tmp_path / "ftp", anonim=False), \
                va_bantu.redis(db, tmp_path / "redis", sandi="sandi-redis-panjang-uji"):
            laporan = _jalankan(CakupanVA(ip_aplikasi=app, ip_database=db,
                                          ip_jaringan="127.0.14.0/24"))
    temuan = _temuan(laporan)
    assert temuan.get((app, 22), set()) == set()
    assert temuan.get((db, 993), set()) == set()
    assert "ftp_anonim" not in temuan.get((app, 21), set())
    assert "tanpa_otentikasi" not in temuan.get((db, 6379), set())
    (kategori,) = laporan.categories
    jalan = {c.split(".", 1)[1] for c in kategori.checks_run}
    assert {"ssh_kata_sandi", "ssh_algoritma_lemah", "ftp_anonim", "tanpa_otentikasi",
            "tls_protokol_usang", "tls_sertifikat_swatanda", "tls_rantai_tidak_lengkap"} <= jalan
    assert kategori.reason is None  # every probe ran
    # the Prefect artifacts: discovery's at once, the summary and the findings at the end
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as klien:
        kunci = {a.key for a in klien.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(like_="va-%127-0-14-4-127-0-14-5")))}
    assert kunci == {f"va-{j}-127-0-14-4-127-0-14-5" for j in ("penemuan", "ringkasan",
                                                                "temuan")}


def test_database_reachable_with_an_empty_default_account(
        prefect_api: str, pengaturan_uji, tmp_path: Path, mariadb_server, pg_server) -> None:
    pengaturan_uji(data_dir=tmp_path / "data", va_port="3306,5432", va_max_rate=2000)
    laporan = _jalankan(CakupanVA(ip_aplikasi="127.0.0.1", ip_jaringan="127.0.0.0/24"))
    temuan = _temuan(laporan)
    assert {"db_terjangkau", "db_kredensial_bawaan"} <= temuan[("127.0.0.1", 3306)]
    assert "db_terjangkau" in temuan[("127.0.0.1", 5432)]
    bukti = [t.evidence for _, t in laporan.temuan() if t.port == 3306]
    assert any("root" in b for b in bukti)


def test_data_services_without_authentication_and_their_hardened_twins(
        prefect_api: str, pengaturan_uji, tmp_path: Path) -> None:
    # an authenticated memcached answers none of nmap's probes: 2 keeps -sV at half a minute
    pengaturan_uji(data_dir=tmp_path / "data", va_port="5432,11211", va_max_rate=2000,
                   va_intensitas_versi=2)
    lemah, keras = "127.0.14.11", "127.0.14.13"
    with va_bantu.memcached(lemah, otentikasi=False), \
            va_bantu.memcached(keras, otentikasi=True), \
            va_bantu.postgres_dengan_sandi(keras):
        laporan = _jalankan(CakupanVA(ip_aplikasi=lemah, ip_database=keras,
                                      ip_jaringan="127.0.14.0/24"))
    temuan = _temuan(laporan)
    assert {"tanpa_otentikasi", "db_terjangkau"} <= temuan[(lemah, 11211)]
    assert "tanpa_otentikasi" not in temuan[(keras, 11211)]
    # the hardened database is still reachable (a finding by design), but refuses postgres
    # without a password
    assert temuan[(keras, 5432)] == {"db_terjangkau"}
    jalan = {c.split(".", 1)[1] for c in laporan.categories[0].checks_run}
    assert {"tanpa_otentikasi", "db_kredensial_bawaan"} <= jalan


def test_a_sweep_stays_inside_the_network(prefect_api: str, pengaturan_uji,
                                          tmp_path: Path) -> None:
    pengaturan_uji(data_dir=tmp_path / "data", va_port="22", va_max_rate=5000)
    with va_bantu.Umpan("127.0.14.9", [22]) as dalam, \
            va_bantu.Umpan("127.0.15.9", [22]) as luar, \
            va_bantu.Umpan("127.0.13.255", [22]) as luar_bawah:
        laporan = _jalankan(CakupanVA(ip_aplikasi="127.0.14.9", ip_jaringan="127.0.14.0/24",
                                      sapu=True))
    assert dalam.jumlah > 0  # the sweep and the scan did reach the network
    assert luar.jumlah == 0 and luar_bawah.jumlah == 0
    assert {h.ip for h in laporan.hosts} == {"127.0.14.9"}


def _lpa(*argumen: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lpa.cli", "va", *argumen], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)


def test_lpa_va_exit_codes(prefect_api: str, tmp_path: Path) -> None:
    env = {**os.environ, "LPA_DATA_DIR": str(tmp_path / "data"), "LPA_VA_PORT": "6379",
           "LPA_VA_MAX_RATE": "2000", "PREFECT_API_URL": prefect_api}
    luar = _lpa("--ip-aplikasi", "127.0.14.6", "--ip-database", "127.0.15.6",
                "--ip-jaringan", "127.0.14.0/24", "--out", str(tmp_path / "a"), env=env)
    assert luar.returncode == 2 and "di luar IP jaringan" in luar.stderr
    assert not (tmp_path / "a").exists()
    with va_bantu.redis("127.0.14.6", tmp_path / "redis", sandi=None):
        hasil = _lpa("--ip-aplikasi", "127.0.14.6", "--ip-jaringan", "127.0.14.0/24",
                     "--tanpa-web", "--out", str(tmp_path / "b"), env=env)
    assert hasil.returncode == 1, hasil.stderr[-2000:]
    assert "TIDAK LAYAK" in hasil.stdout and "6379/tcp" in hasil.stdout
    assert (tmp_path / "b" / "laporan.json").exists()
    tutup = _lpa("--ip-aplikasi", "127.0.14.6", "--tanpa-web", "--out", str(tmp_path / "c"),
                 env=env)
    assert tutup.returncode == 2 and "tidak ada port terbuka" in tutup.stderr
