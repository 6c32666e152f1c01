"""Vulnerability assessment, the pure half: scope, nmap's command line and XML, judging,
the dated dataset, the report in the feasibility schema (no network, no Prefect)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.kelaikan import CEK as CEK_WEB
from domain.kelaikan import LaporanKelaikan, hasil_kategori
from domain.laporan import baca_hasil_kelaikan
from domain.va import dataset as data
from domain.va.cakupan import CakupanVA, GalatCakupan, OpsiPindai, argumen_nmap, argumen_sapu
from domain.va.cek import (
    CEK_VA,
    ObservasiData,
    ObservasiFTP,
    ObservasiSSH,
    ObservasiTLS,
    nilai_data,
    nilai_ftp,
    nilai_paparan,
    nilai_ssh,
    nilai_tls,
    nilai_versi,
)
from domain.va.laporan import (
    KATEGORI_VA,
    HostVA,
    InfoDataset,
    LaporanVA,
    gabung_kategori_web,
    hasil_kategori_va,
)
from domain.va.nmap import Layanan, baca_xml_nmap

FIXTURE = Path(__file__).parent / "fixtures" / "va"


def _id(t: object) -> str:
    return t.check_id.split(".", 1)[1]


# --- scope ----------------------------------------------------------------------------------

def test_named_hosts_must_lie_inside_ip_jaringan() -> None:
    c = CakupanVA(ip_aplikasi="10.10.20.15", ip_database="10.10.20.16",
                  ip_jaringan="10.10.20.0/24")
    assert c.host_bernama() == ["10.10.20.15", "10.10.20.16"]
    assert c.dalam_cakupan("10.10.20.200") and not c.dalam_cakupan("10.10.21.1")
    with pytest.raises(ValidationError, match="di luar IP jaringan"):
        CakupanVA(ip_aplikasi="10.10.20.15", ip_database="10.10.30.16",
                  ip_jaringan="10.10.20.0/24")
    with pytest.raises(GalatCakupan):
        c.saring(["10.10.20.15", "10.10.21.1"])


def test_without_ip_jaringan_the_scope_is_the_named_hosts() -> None:
    c = CakupanVA(ip_aplikasi="127.0.14.2", ip_database="127.0.14.3")
    assert str(c.jaringan) == "127.0.14.2/32"
    assert c.dalam_cakupan("127.0.14.3") and not c.dalam_cakupan("127.0.14.4")


def test_sweep_only_asked_for_and_at_most_a_slash_24() -> None:
    with pytest.raises(ValidationError, match="membutuhkan IP jaringan"):
        CakupanVA(ip_aplikasi="10.0.0.1", sapu=True)
    with pytest.raises(ValidationError, match="terlalu luas"):
        CakupanVA(ip_aplikasi="10.0.0.1", ip_jaringan="10.0.0.0/23", sapu=True)
    CakupanVA(ip_aplikasi="10.0.0.1", ip_jaringan="10.0.0.0/24", sapu=True)
    with pytest.raises(GalatCakupan):
        argumen_sapu("10.0.0.0/22", OpsiPindai())


def test_forbidden_addresses_are_refused() -> None:
    for ip in ("0.0.0.0", "169.254.169.254", "224.0.0.1"):
        with pytest.raises(ValidationError):
            CakupanVA(ip_aplikasi=ip)


def test_nmap_command_line_is_a_bounded_connect_scan_without_scripts() -> None:
    arg = argumen_nmap(["10.0.0.5", "10.0.0.6"], OpsiPindai(max_rate=50, host_timeout=300))
    assert arg[:4] == ["-sT", "--unprivileged", "-Pn", "-n"]
    assert arg[arg.index("--top-ports") + 1] == "1000"
    assert arg[arg.index("--max-rate") + 1] == "50"
    assert arg[arg.index("--host-timeout") + 1] == "300s"
    assert "-sV" in arg and arg[-2:] == ["10.0.0.5", "10.0.0.6"]
    for terlarang in ("-sS", "-sC", "-A", "-O", "--script", "-sU"):
        assert terlarang not in arg
    assert argumen_nmap(["10.0.0.5"], OpsiPindai(port="22,80"))[4:6] == ["-p", "22,80"]
    for bukan_host in ("10.0.0.0/24", "10.0.0.1-9", "contoh.go.id"):
        with pytest.raises(ValueError):
            argumen_nmap([bukan_host], OpsiPindai())
    with pytest.raises(ValidationError):
        OpsiPindai(port="22; rm -rf /")


# --- nmap XML -------------------------------------------------------------------------------

def test_nmap_xml_of_a_real_scan_is_read() -> None:
    hasil = baca_xml_nmap((FIXTURE / "nmap_db_lokal.xml").read_bytes())
    (host,) = hasil.host
    assert host.ip == "127.0.0.1" and host.status == "up"
    per_port = {s.port: s for s in host.layanan}
    assert set(per_port) == {3306, 5432, 6379}
    assert per_port[3306].nama == "mysql" and "MariaDB" in per_port[3306].versi
    assert per_port[6379].nama == "redis"
    assert "-sT" in hasil.perintah and hasil.detik > 0


# --- judging --------------------------------------------------------------------------------

def _layanan(nama: str, port: int, **kw: str) -> Layanan:
    return Layanan(host="10.0.0.5", port=port, nama=nama, **kw)


def test_every_check_has_title_severity_cwe_and_fix() -> None:
    assert len(CEK_VA) >= 18
    for c in CEK_VA.values():
        assert c.id.startswith(KATEGORI_VA + ".") and c.cwe.startswith("CWE-")
        assert c.judul and c.uraian and c.rekomendasi


def test_exposed_remote_administration_and_data_services() -> None:
    temuan = [t for s in (_layanan("telnet", 23), _layanan("ms-wbt-server", 3389),
                          _layanan("microsoft-ds", 445), _layanan("vnc", 5900),
                          _layanan("ftp", 21), _layanan("redis", 6379),
                          _layanan("", 27017, metode="table"), _layanan("ssh", 22))
              for t in nilai_paparan(s)]
    assert sorted(_id(t) for t in temuan) == sorted([
        "telnet_terbuka", "rdp_terbuka", "smb_terbuka", "vnc_terbuka", "ftp_terbuka",
        "db_terjangkau", "db_terjangkau"])
    assert all(t.host == "10.0.0.5" and t.port for t in temuan)


def test_ssh_password_and_weak_algorithms_but_not_the_nist_curves_alone() -> None:
    s = _layanan("ssh", 22)
    lemah = nilai_ssh(s, ObservasiSSH(
        metode_otentikasi=("publickey", "password"),
        algoritma_gagal=("kex diffie-hellman-group1-sha1: using small 1024-bit modulus",
                         "kex ecdh-sha2-nistp256: using elliptic curves that are suspected "
                         "as being backdoored by the U.S. National Security Agency")))
    assert {_id(t): t.severity for t in lemah} == {"ssh_kata_sandi": "sedang",
                                                  "ssh_algoritma_lemah": "sedang"}
    assert "nistp256" not in lemah[1].evidence
    sha1 = nilai_ssh(s, ObservasiSSH(metode_otentikasi=("publickey",), algoritma_gagal=(
        "mac hmac-sha1: using broken SHA-1 hash algorithm",)))
    assert [(_id(t), t.severity) for t in sha1] == [("ssh_algoritma_lemah", "rendah")]
    assert nilai_ssh(s, ObservasiSSH(metode_otentikasi=("publickey",), algoritma_gagal=(
        "kex ecdh-sha2-nistp256: suspected ... National Security Agency",))) == []


def test_tls_findings() -> None:
    s = _layanan("imaps", 993, tunnel="ssl")
    kemarin = datetime.now(UTC) - timedelta(days=1)
    lemah = nilai_tls(s, ObservasiTLS(
        protokol=("TLS 1.0", "TLS 1.2"), cipher_lemah=("TLS 1.0 TLS_RSA_WITH_RC4_128_SHA",),
        subjek="CN=x", penerbit="CN=x", berlaku_sampai=kemarin, swatanda=True,
        rantai_tepercaya=False, nama=("x",)))
    assert {_id(t) for t in lemah} == {
        "tls_protokol_usang", "tls_cipher_lemah", "tls_sertifikat_kedaluwarsa",
        "tls_sertifikat_swatanda", "tls_nama_tidak_cocok"}
    ssl3 = nilai_tls(s, ObservasiTLS(protokol=("SSL 3.0",)))
    assert [(_id(t), t.severity) for t in ssl3] == [("tls_protokol_usang", "tinggi")]
    rantai = nilai_tls(s, ObservasiTLS(protokol=("TLS 1.2",), subjek="CN=a", penerbit="CN=b",
                                       berlaku_sampai=kemarin + timedelta(days=30),
                                       rantai_tepercaya=False, nama=("10.0.0.5",)))
    assert [_id(t) for t in rantai] == ["tls_rantai_tidak_lengkap"]
    baik = ObservasiTLS(protokol=("TLS 1.2", "TLS 1.3"), subjek="CN=a", penerbit="CN=ca",
                        berlaku_sampai=kemarin + timedelta(days=30), rantai_tepercaya=True,
                        nama=("10.0.0.5",))
    assert nilai_tls(s, baik) == []


def test_ftp_and_data_service_probes() -> None:
    assert [_id(t) for t in nilai_ftp(_layanan("ftp", 21),
                                      ObservasiFTP(anonim=True, balasan="230 Login"))] == \
        ["ftp_anonim"]
    assert nilai_ftp(_layanan("ftp", 21), ObservasiFTP(anonim=False)) == []
    assert [(_id(t), t.severity) for t in nilai_data(
        _layanan("redis", 6379), ObservasiData(jenis="Redis", tanpa_otentikasi=True,
                                               bukti="PING dijawab '+PONG'"))] == \
        [("tanpa_otentikasi", "tinggi")]
    assert [_id(t) for t in nilai_data(_layanan("mysql", 3306), ObservasiData(
        jenis="MySQL/MariaDB", kredensial_kosong="root"))] == ["db_kredensial_bawaan"]
    assert nilai_data(_layanan("redis", 6379), ObservasiData(jenis="Redis",
                                                             tanpa_otentikasi=False)) == []


# --- the dated dataset ----------------------------------------------------------------------

def test_dataset_is_dated_and_sourced() -> None:
    ds = data.dataset()
    assert ds.tanggal >= date(2026, 1, 1) and "endoflife.date" in ds.sumber


def test_end_of_life_and_cve_only_where_the_version_proves_it() -> None:
    pada = date(2026, 12, 6)
    assert data.eol("PHP", "7.4.33", pada=pada)[1:] == ("7.4", date(2022, 11, 28))
    assert data.eol("MySQL", "5.5.5-10.11.19-MariaDB-0+deb12u1", pada=pada) is None
    assert data.eol("MySQL", "5.5.5-10.4.32-MariaDB", pada=pada) is not None
    assert data.eol("PostgreSQL DB", "9.6.0 or later", pada=pada) is None  # a guess
    assert [c.cve for c in data.cve("OpenSSH", "9.2p1")] == ["CVE-2024-6387"]
    assert data.cve("OpenSSH", "9.2p1 Debian 2+deb12u3") == []  # a distribution's build
    assert data.cve("OpenSSH", "9.8p1") == []
    assert [c.cve for c in data.cve("vsftpd", "2.3.4")] == ["CVE-2011-2523"]
    versi = nilai_versi(_layanan("ftp", 21, produk="vsftpd", versi="2.3.4"), pada=pada)
    assert [(_id(t), t.severity) for t in versi] == [("versi_rentan", "tinggi")]
    assert "CVE-2011-2523" in versi[0].title and "06-12-2026" in versi[0].evidence


# --- the report -----------------------------------------------------------------------------

def _laporan_web(temuan_web: bool) -> LaporanKelaikan:
    cek = CEK_WEB["lain_lain.header_keamanan"]
    kategori = [hasil_kategori(k, [cek.temuan("X-Frame-Options tidak ada", severity="sedang")]
                               if temuan_web and k == "lain_lain" else [], ["x.y"])
                for k in ("struktur", "validasi_data", "otentikasi_sesi", "input_error",
                          "dbms", "lain_lain")]
    sekarang = datetime.now(UTC)
    return LaporanKelaikan.susun("http://10.0.0.5:8080/", sekarang, sekarang, kategori)


def _laporan(temuan: list, web: list) -> LaporanVA:
    sekarang = datetime.now(UTC)
    return LaporanVA.susun(
        target="10.0.0.5", cakupan="10.0.0.0/24", started=sekarang, finished=sekarang,
        categories=[hasil_kategori_va(KATEGORI_VA, temuan, ["host_dan_layanan.x"]), *web],
        hosts=[HostVA(ip="10.0.0.5", peran="aplikasi", status="diuji")],
        dataset=InfoDataset(tanggal=date(2026, 12, 6), sumber="uji"))


def test_web_categories_of_several_services_merge_with_host_and_port() -> None:
    s1 = _layanan("http", 8080)
    s2 = Layanan(host="10.0.0.5", port=8443, nama="https", tunnel="ssl")
    web = gabung_kategori_web([(s1, _laporan_web(True)), (s2, "uji web tidak dapat "
                                                              "dijalankan: timeout")], None)
    lain = next(k for k in web if k.id == "lain_lain")
    assert lain.status == "gagal" and lain.findings[0].port == 8080
    assert "10.0.0.5:8443: uji web tidak dapat dijalankan" in (lain.reason or "")
    assert {k.id for k in web} == {"struktur", "validasi_data", "otentikasi_sesi",
                                   "input_error", "dbms", "lain_lain"}


def test_report_keeps_the_feasibility_schema_and_verdict_terms() -> None:
    redis = nilai_data(_layanan("redis", 6379), ObservasiData(jenis="Redis",
                                                              tanpa_otentikasi=True))
    laporan = _laporan(redis, gabung_kategori_web([(_layanan("http", 80),
                                                    _laporan_web(False))], None))
    assert laporan.verdict == "TIDAK_LAYAK"
    assert laporan.categories[0].id == KATEGORI_VA
    teks = laporan.model_dump_json()
    kembali = baca_hasil_kelaikan(teks)  # what a ticket keeps, read back as the model
    assert isinstance(kembali, LaporanVA) and kembali.categories[0].findings[0].port == 6379
    data_json = laporan.model_dump(mode="json")
    assert {"verdict", "target", "started", "finished", "categories"} <= set(data_json)
    assert {"host", "port", "check_id", "severity", "cwe", "evidence"} <= set(
        data_json["categories"][0]["findings"][0])
    assert _laporan([], []).verdict == "LAYAK"
    # a plain feasibility report still reads as one
    assert isinstance(baca_hasil_kelaikan(_laporan_web(False).model_dump_json()),
                      LaporanKelaikan)


def test_secrets_are_removed_from_the_report() -> None:
    t = nilai_data(_layanan("mysql", 3306), ObservasiData(
        jenis="MySQL", kredensial_kosong="root", bukti='sandi "rahasia-xyz" bocor'))
    bersih = _laporan(t, []).tanpa_rahasia(['rahasia-xyz'])
    assert "rahasia-xyz" not in bersih.model_dump_json()
    assert "[disensor]" in bersih.categories[0].findings[0].evidence


def test_html_report_has_ports_table_findings_by_severity_in_indonesian() -> None:
    from domain.va.laporan import PortTerbuka
    from tasks.va.laporan import render_laporan_va_html

    redis = nilai_data(_layanan("redis", 6379), ObservasiData(jenis="Redis",
                                                              tanpa_otentikasi=True))
    laporan = _laporan(redis, [])
    laporan = laporan.model_copy(update={"hosts": [HostVA(
        ip="10.0.0.5", peran="aplikasi", status="diuji",
        port=[PortTerbuka(port=6379, protokol="tcp", layanan="redis Redis 7.0.15")])]})
    html = render_laporan_va_html(laporan)
    for teks in ("LAPORAN VULNERABILITY ASSESSMENT", "TIDAK LAYAK", "Host 10.0.0.5",
                 "6379/tcp", "redis Redis 7.0.15", "Tingkat TINGGI", "CWE-306",
                 "Layanan data tanpa otentikasi", "bertanggal 06-12-2026"):
        assert teks in html, teks


def test_the_va_doc_lists_every_check_with_its_cwe() -> None:
    import re

    teks = (Path(__file__).resolve().parents[1] / "docs" / "va.md").read_text(encoding="utf-8")
    baris = dict(re.findall(r"^\| `([a-z0-9_]+)` \| .*? \| (CWE-\d+) \|", teks, re.M))
    assert baris == {c.id.split(".", 1)[1]: c.cwe for c in CEK_VA.values()}


def test_top_ports_from_nmaps_table_always_with_the_data_and_admin_ports() -> None:
    from domain.va.cakupan import PORT_WAJIB, daftar_port, port_teratas

    tabel = ("# comment\nhttp\t80/tcp\t0.48\nsnmp\t161/udp\t0.43\ntelnet\t23/tcp\t0.22\n"
             "https\t443/tcp\t0.20\nredis\t6379/tcp\t0.0001\n")
    port = port_teratas(tabel, 2)
    assert {80, 23} <= set(port) and 443 not in port and 161 not in port
    assert set(PORT_WAJIB) <= set(port) and {6379, 27017, 9200, 11211} <= set(PORT_WAJIB)
    assert daftar_port([1, 2, 3, 5, 7, 8, 8]) == "1-3,5,7-8"
    assert OpsiPindai(port=daftar_port(range(1, 3000, 2))).port  # a long list is allowed


def test_a_long_port_list_is_told_by_its_size() -> None:
    from domain.va.nmap import ringkas_perintah

    panjang = ",".join(str(p) for p in range(1, 200, 2))
    assert ringkas_perintah(f"nmap -sT -p {panjang} -sV 10.0.0.5") == \
        "nmap -sT -p <100 port> -sV 10.0.0.5"
    assert ringkas_perintah("nmap -p 22,80 10.0.0.5") == "nmap -p 22,80 10.0.0.5"


def test_ipv6_hosts_scan_with_nmaps_ipv6_switch() -> None:
    c = CakupanVA(ip_aplikasi="2001:db8::15", ip_database="2001:db8::16",
                  ip_jaringan="2001:db8::/120", sapu=True)
    assert c.dalam_cakupan("2001:db8::ff") and not c.dalam_cakupan("2001:db8::1:0")
    assert "-6" in argumen_nmap(c.host_bernama(), OpsiPindai())
    with pytest.raises(ValidationError, match="terlalu luas"):
        CakupanVA(ip_aplikasi="2001:db8::15", ip_jaringan="2001:db8::/112", sapu=True)
