"""The identity rules of domain/identitas.py as plain functions (NIP, eselon, phones, e-mail,
IP addresses, networks, URL)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import HttpUrl

from domain.identitas import (
    ESELON_BERLAKU,
    GalatIdentitas,
    NipInfo,
    alasan_ip_terlarang,
    email_kedinasan,
    eselon_rank,
    host_url_tertulis,
    memenuhi_eselon_pemohon,
    normalisasi_email,
    normalisasi_eselon,
    normalisasi_nip,
    normalisasi_telepon_hp,
    normalisasi_telepon_internal,
    periksa_eselon_pemohon,
    periksa_host,
    periksa_ip_host,
    periksa_jaringan,
    periksa_url_aplikasi,
    pisah_status_jabatan,
    urai_nip,
)

HARI_INI = date(2026, 11, 29)
_INGGRIS = re.compile(r"\b(should|must|input|required|invalid|error|value|the)\b", re.I)


def galat(fungsi: Callable[..., object], *args: object) -> GalatIdentitas:
    with pytest.raises(GalatIdentitas) as info:
        fungsi(*args)
    assert not _INGGRIS.search(info.value.pesan), info.value.pesan
    return info.value


# --- NIP -----------------------------------------------------------------------------------

def test_nip_pns_is_parsed_and_normalised() -> None:
    info = urai_nip("19850312 201001 1 004", HARI_INI)
    assert info == NipInfo(nip="198503122010011004", jenis="PNS", tanggal_lahir=date(1985, 3, 12),
                           tmt=date(2010, 1, 1), jenis_kelamin="L", nomor_urut=4)
    assert urai_nip("197106091998032004", HARI_INI).jenis_kelamin == "P"
    assert normalisasi_nip(" 19850312\t201001 1 004 ") == "198503122010011004"


def test_nip_pppk_is_parsed() -> None:
    info = urai_nip("19950321 2022 21 1 003", HARI_INI)
    assert info == NipInfo(nip="199503212022211003", jenis="PPPK", tanggal_lahir=date(1995, 3, 21),
                           tmt=date(2022, 1, 1), jenis_kelamin="L", nomor_urut=3)
    assert urai_nip("199001012019212999", HARI_INI).jenis_kelamin == "P"


@pytest.mark.parametrize(
    ("nip", "tmt"),
    [
        ("200001152018011001", date(2018, 1, 1)),  # exactly 18 in the TMT month
        ("196401012010011001", date(2010, 1, 1)),  # exactly 46
        ("200701012025211001", date(2025, 1, 1)),  # PPPK, 18 that year
    ],
)
def test_nip_age_boundaries_pass(nip: str, tmt: date) -> None:
    assert urai_nip(nip, HARI_INI).tmt == tmt


@pytest.mark.parametrize(
    ("nip", "pesan"),
    [
        ("1985031220100110", "NIP harus 18 digit angka (tertulis 16 digit)"),
        ("19850312201001100A", "NIP harus 18 digit angka"),
        ("19850312-201001-1-004", "NIP harus 18 digit angka"),
        ("198513322010011004", "NIP: tanggal lahir 19851332 tidak ada"),
        ("198502302010011004", "NIP: tanggal lahir 19850230 tidak ada"),
        ("193012122010011004", "NIP: tahun lahir 1930 tidak wajar (minimal 1940)"),
        ("202701012010011004", "NIP: tanggal lahir 20270101 ada di masa depan"),
        ("198503122010131004", "NIP: bulan TMT 13 tidak valid"),
        ("198503122010001004", "NIP: bulan TMT 00 tidak valid"),
        ("198503122026121004", "NIP: TMT CPNS 2026-12 ada di masa depan"),
        ("199801012010011004",
         "NIP: usia saat pengangkatan 12 tahun tidak wajar (minimal 18, maksimal 46)"),
        ("196001012010011004",
         "NIP: usia saat pengangkatan 50 tahun tidak wajar (minimal 18, maksimal 46)"),
        ("198503122010013004", "NIP: digit jenis kelamin harus 1 atau 2 (tertulis 3)"),
        ("198503122010010004", "NIP: digit jenis kelamin harus 1 atau 2 (tertulis 0)"),
        ("198503122010011000", "NIP: nomor urut 000 tidak valid"),
        ("199503212018211003", "NIP: tahun pengangkatan PPPK 2018 tidak valid"),
        ("199503212027211003", "NIP: tahun pengangkatan PPPK 2027 ada di masa depan"),
        ("201001012021211003", "NIP: usia saat pengangkatan 11 tahun tidak wajar (minimal 18)"),
        ("199503212022213003", "NIP: digit jenis kelamin harus 1 atau 2"),
        ("199503212022211000", "NIP: nomor urut 000 tidak valid"),
    ],
)
def test_nip_bad_parts_are_named(nip: str, pesan: str) -> None:
    assert galat(urai_nip, nip, HARI_INI).pesan.startswith(pesan)


def test_nip_today_is_injectable() -> None:
    nip = "199001012025061001"  # TMT June 2025
    assert urai_nip(nip, date(2025, 6, 1)).tmt == date(2025, 6, 1)
    assert "masa depan" in galat(urai_nip, nip, date(2025, 5, 31)).pesan
    pppk = "199001012025211001"
    assert urai_nip(pppk, date(2025, 1, 1)).jenis == "PPPK"
    assert "masa depan" in galat(urai_nip, pppk, date(2024, 12, 31)).pesan


@given(
    lahir=st.dates(min_value=date(1940, 1, 1), max_value=date(1990, 12, 31)),
    usia=st.integers(min_value=19, max_value=45),
    bulan=st.integers(min_value=1, max_value=12),
    kelamin=st.sampled_from("12"),
    urut=st.integers(min_value=1, max_value=999),
    pemisah=st.sampled_from(["", " "]),
)
def test_nip_pns_any_valid_combination_round_trips(
    lahir: date, usia: int, bulan: int, kelamin: str, urut: int, pemisah: str,
) -> None:
    tahun = lahir.year + usia
    teks = pemisah.join([f"{lahir:%Y%m%d}", f"{tahun}{bulan:02d}", kelamin, f"{urut:03d}"])
    info = urai_nip(teks, date(2100, 1, 1))
    assert (info.jenis, info.tanggal_lahir, info.tmt, info.nomor_urut) == (
        "PNS", lahir, date(tahun, bulan, 1), urut)
    assert info.jenis_kelamin == ("L" if kelamin == "1" else "P")
    assert info.nip == teks.replace(" ", "")


@given(
    lahir=st.dates(min_value=date(1966, 1, 1), max_value=date(2000, 12, 31)),
    tahun=st.integers(min_value=2019, max_value=2026),
    kelamin=st.sampled_from("12"),
    urut=st.integers(min_value=1, max_value=999),
)
def test_nip_pppk_any_valid_combination_round_trips(
    lahir: date, tahun: int, kelamin: str, urut: int,
) -> None:
    info = urai_nip(f"{lahir:%Y%m%d}{tahun}21{kelamin}{urut:03d}", HARI_INI)
    assert (info.jenis, info.tanggal_lahir, info.tmt) == ("PPPK", lahir, date(tahun, 1, 1))


# --- Eselon --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("teks", "kanonik"),
    [("III.a", "III.a"), ("III a", "III.a"), ("IIIa", "III.a"), ("3a", "III.a"),
     ("3.a", "III.a"), ("iii.b", "III.b"), ("II.B", "II.b"), ("I.a", "I.a"), ("1b", "I.b"),
     ("Eselon II.a", "II.a"), ("  2-b ", "II.b"), ("IV.a", "IV.a"), ("5a", "V.a"),
     ("Plt. II.b", "II.b")],
)
def test_eselon_lenient_input_is_canonical(teks: str, kanonik: str) -> None:
    assert normalisasi_eselon(teks) == kanonik


@pytest.mark.parametrize("teks", ["non-eselon", "VI.a", "V.b", "III", "staf", "", "III.c"])
def test_eselon_unknown_is_refused(teks: str) -> None:
    assert "tidak dikenal" in galat(normalisasi_eselon, teks).pesan


@pytest.mark.parametrize(
    ("teks", "hasil"),
    [("Plt. II.b", ("plt", "II.b")), ("Plt II.b", ("plt", "II.b")),
     ("plh.III.a", ("plh", "III.a")), ("Plh. 3a", ("plh", "3a")), ("III.a", (None, "III.a"))],
)
def test_plt_plh_prefix_is_split(teks: str, hasil: tuple[str | None, str]) -> None:
    assert pisah_status_jabatan(teks) == hasil


def test_eselon_rank_orders_most_senior_first() -> None:
    assert [eselon_rank(e) for e in ESELON_BERLAKU] == list(range(len(ESELON_BERLAKU)))
    assert eselon_rank("2a") < eselon_rank("III.b") < eselon_rank("IV.a")
    assert memenuhi_eselon_pemohon("Plt. III.b") and not memenuhi_eselon_pemohon("IV.a")
    assert not memenuhi_eselon_pemohon("non-eselon")


@pytest.mark.parametrize("teks", ["I.a", "II.b", "3b", "Plh. III.a"])
def test_requester_eselon_iii_or_higher_passes(teks: str) -> None:
    assert periksa_eselon_pemohon(teks) in ESELON_BERLAKU[:6]


@pytest.mark.parametrize(
    ("teks", "rincian"),
    [("IV.a", "eselon IV.a tidak memenuhi syarat"), ("4b", "eselon IV.b tidak memenuhi syarat"),
     ("V.a", "eselon V.a tidak memenuhi syarat"),
     ("Plt. IV.a", "eselon IV.a tidak memenuhi syarat"),
     ("non-eselon", "'non-eselon' bukan eselon yang dikenal")],
)
def test_requester_below_eselon_iii_is_refused(teks: str, rincian: str) -> None:
    pesan = galat(periksa_eselon_pemohon, teks).pesan
    assert pesan == ("Pemohon minimal pejabat eselon III (I.a s.d. III.b, termasuk Plt./Plh.); "
                     + rincian)


# --- Phones --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "teks", ["0821-8064-0997", "+62 821 8064 0997", "6282180640997", "082180640997",
             "(0821) 8064 0997"],
)
def test_mobile_number_normalised_to_e164(teks: str) -> None:
    assert normalisasi_telepon_hp(teks) == "+6282180640997"


@pytest.mark.parametrize(
    ("teks", "pesan"),
    [("0717-4262141", "adalah nomor telepon tetap (kantor/rumah), bukan nomor seluler"),
     ("021-3456789", "bukan nomor seluler"),
     ("+1 202 555 0100", "bukan nomor Indonesia (+62)"),
     ("0821-80", "bukan nomor telepon Indonesia yang valid"),
     ("nomor saya", "tidak dapat dibaca sebagai nomor telepon")],
)
def test_mobile_number_refusals(teks: str, pesan: str) -> None:
    hasil = galat(normalisasi_telepon_hp, teks).pesan
    assert hasil.startswith("Nomor HP") and pesan in hasil


@pytest.mark.parametrize(
    ("teks", "hasil"),
    [("214", "214"), ("12", "12"), ("123456", "123456"), ("Psw. 305", "305"),
     ("ext 4021", "4021"), ("0717-4262141", "+627174262141"),
     ("(0717) 4262141", "+627174262141"), ("+62 717 4262141", "+627174262141")],
)
def test_internal_extension_or_fixed_line(teks: str, hasil: str) -> None:
    assert normalisasi_telepon_internal(teks) == hasil


@pytest.mark.parametrize(
    ("teks", "pesan"),
    [("1", "ekstensi 2–6 angka"), ("1234567", "ekstensi 2–6 angka"),
     ("0812-7890-1234", "bukan nomor telepon tetap (kantor); nomor seluler diisi pada "
                        "telepon_hp"),
     ("sekretariat", "ekstensi 2–6 angka")],
)
def test_internal_refusals(teks: str, pesan: str) -> None:
    hasil = galat(normalisasi_telepon_internal, teks).pesan
    assert hasil.startswith("Nomor telepon internal") and pesan in hasil


# --- E-mail --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("teks", "hasil"),
    [("budi@babelprov.go.id", "budi@babelprov.go.id"),
     (" Budi.Santoso@DinKes.BabelProv.GO.ID ", "Budi.Santoso@dinkes.babelprov.go.id"),
     ("pengembang.babel@gmail.com", "pengembang.babel@gmail.com")],
)
def test_email_valid_and_normalised(teks: str, hasil: str) -> None:
    assert normalisasi_email(teks) == hasil


@pytest.mark.parametrize(
    ("teks", "rincian"),
    [("bukan-email", "tanda @ tidak ada"), ("@babelprov.go.id", "bagian sebelum tanda @ kosong"),
     ("budi@", "bagian sesudah tanda @ kosong"), ("budi@babelprov", "harus memuat titik"),
     ("budi..santoso@babelprov.go.id", "dua titik berurutan"),
     ("budi@aplikasi.test", "nama khusus/cadangan"), ("budi@babelprov.123", "tidak sah"),
     ("budi santoso@babelprov.go.id", "karakter"),
     ("Budi <budi@babelprov.go.id>", "tanpa nama atau kurung sudut")],
)
def test_email_invalid_in_indonesian(teks: str, rincian: str) -> None:
    pesan = galat(normalisasi_email, teks).pesan
    assert pesan.startswith("Alamat surat elektronik tidak valid: ") and rincian in pesan


@pytest.mark.parametrize(
    ("email", "kedinasan"),
    [("a@dinkes.babelprov.go.id", True), ("a@babelprov.go.id", True),
     ("a@BABELPROV.GO.ID", True), ("a@gmail.com", False), ("a@go.id.example.com", False),
     ("a@babelprov.co.id", False), ("a@go.id", False)],
)
def test_email_kedinasan(email: str, kedinasan: bool) -> None:
    assert email_kedinasan(email) is kedinasan


# --- IP addresses and networks -------------------------------------------------------------

@pytest.mark.parametrize(
    ("teks", "hasil"),
    [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("10.10.20.15", "10.10.20.15"),
     (" 103.133.56.10 ", "103.133.56.10"), ("2400:CB00:0::1", "2400:cb00::1")],
)
def test_host_address_allowed_incl_loopback(teks: str, hasil: str) -> None:
    assert periksa_ip_host(teks) == hasil


@pytest.mark.parametrize(
    ("teks", "pesan"),
    [("0.0.0.0", "tak tertentu (unspecified)"), ("::", "tak tertentu (unspecified)"),
     ("255.255.255.255", "siaran (broadcast)"), ("224.0.0.1", "multicast"),
     ("ff02::1", "multicast"), ("169.254.10.1", "link-local"), ("fe80::1", "link-local"),
     ("240.0.0.1", "cadangan (reserved)"), ("10.0.0.1/24", "tanpa awalan /"),
     ("999.1.1.1", "bukan alamat IPv4/IPv6 yang sah"), ("localhost", "bukan alamat IPv4/IPv6")],
)
def test_host_address_refusals(teks: str, pesan: str) -> None:
    assert pesan in galat(periksa_ip_host, teks).pesan


@pytest.mark.parametrize(
    ("teks", "hasil"),
    [("127.0.0.0/8", "127.0.0.0/8"), ("10.10.20.0/24", "10.10.20.0/24"),
     ("192.168.1.0/255.255.255.0", "192.168.1.0/24"), ("10.10.20.15/32", "10.10.20.15/32"),
     ("2001:db8:10::/48", "2001:db8:10::/48"), ("::1/128", "::1/128"),
     ("10.20.0.0/16", "10.20.0.0/16")],
)
def test_network_strict_cidr_allowed(teks: str, hasil: str) -> None:
    assert periksa_jaringan(teks) == hasil


@pytest.mark.parametrize(
    ("teks", "pesan"),
    [("192.168.1.5/24", "192.168.1.5/24 bukan alamat jaringan; maksud Anda 192.168.1.0/24?"),
     ("10.1.2.3/255.255.0.0", "maksud Anda 10.1.0.0/16?"),
     ("0.0.0.0/0", "tak tertentu (unspecified)"), ("0.0.0.0/8", "tak tertentu"),
     ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "cadangan (reserved)"),
     ("10.0.0.0", "notasi CIDR"), ("10.0.0.0/33", "bukan jaringan IP yang sah")],
)
def test_network_refusals(teks: str, pesan: str) -> None:
    assert pesan in galat(periksa_jaringan, teks).pesan


# --- One rule set for hosts, networks and URL hosts (issue 10) ---------------------------------

@pytest.mark.parametrize(
    ("teks", "pesan"),
    [("169.254.169.254", "link-local"),
     ("::ffff:169.254.169.254", "IPv4-mapped yang menunjuk ke 169.254.169.254, alamat link-local"),
     ("::ffff:0.0.0.0", "tak tertentu (unspecified)"),
     ("::ffff:224.0.0.1", "multicast"),
     ("0.1.2.3", "'jaringan ini' (0.0.0.0/8)"),
     ("fd00:ec2::254", "metadata awan"), ("100.100.100.200", "metadata awan")],
)
def test_host_address_more_refusals(teks: str, pesan: str) -> None:
    assert pesan in galat(periksa_ip_host, teks).pesan


@pytest.mark.parametrize("teks", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1",
                                  "10.0.0.1", "192.168.1.10", "103.133.56.10"])
def test_loopback_and_ordinary_hosts_stay_allowed(teks: str) -> None:
    assert alasan_ip_terlarang(ipaddress.ip_address(teks)) is None


@pytest.mark.parametrize(
    ("teks", "pesan"),
    [("128.0.0.0/1", "terlalu luas (/1; paling luas /16 untuk IPv4)"),
     ("10.0.0.0/8", "Jaringan IP 10.0.0.0/8 terlalu luas (/8; paling luas /16 untuk IPv4)"),
     ("2001:db8::/32", "terlalu luas (/32; paling luas /48 untuk IPv6)"),
     ("169.254.0.0/16", "link-local"), ("fe80::/64", "link-local"),
     ("::ffff:a9fe:0/112", "IPv4-mapped yang menunjuk ke 169.254.0.0"),
     ("100.100.0.0/16", "memuat 100.100.100.200, alamat layanan metadata awan"),
     ("255.255.255.255/32", "siaran (broadcast)")],
)
def test_network_too_wide_or_forbidden(teks: str, pesan: str) -> None:
    assert pesan in galat(periksa_jaringan, teks).pesan


@pytest.mark.parametrize(
    ("url", "host"),
    [("http://127.0.0.1:8765/", "127.0.0.1"), ("https://u:p@Sipo.go.id:443/x", "Sipo.go.id"),
     ("http://[::1]:8080/", "[::1]"), ("http:2130706433", "2130706433"),
     ("http:\\\\0x7f.1/", "0x7f.1"), ("http://a.example?q", "a.example"),
     ("HTTP://x.example#f", "x.example"), ("ftp://127.0.0.1/", None), ("aplikasi", None),
     ("http://", None)],
)
def test_host_as_written(url: str, host: str | None) -> None:
    assert host_url_tertulis(url) == host


@pytest.mark.parametrize(
    ("host", "pesan"),
    [("2130706433", "bukan alamat IPv4 baku"), ("0x7f000001", "bukan alamat IPv4 baku"),
     ("017700000001", "bukan alamat IPv4 baku"), ("127.1", "bukan alamat IPv4 baku"),
     ("0x7f.0.0.1", "bukan alamat IPv4 baku"), ("127.0.0.01", "bukan alamat IPv4 baku"),
     ("127.0.0.1.", "bukan alamat IPv4 baku"), ("10.0.0.300", "bukan alamat IPv4 baku"),
     ("aplikasi.0x10", "bukan alamat IPv4 baku"),
     ("169.254.169.254", "link-local"), ("0.0.0.0", "tak tertentu"),
     ("255.255.255.255", "siaran (broadcast)"), ("224.0.0.1", "multicast"),
     ("[::ffff:169.254.169.254]", "IPv4-mapped"), ("[fe80::1]", "link-local"),
     ("[::1", "harus ditutup"), ("[10.0.0.1]", "bukan alamat IPv6"),
     ("%31%32%37.0.0.1", "kode persen"), ("bücher.example", "huruf ASCII"),
     ("a_b.example", "bukan nama host yang sah"), ("-a.example", "bukan nama host yang sah"),
     ("", "harus memuat nama host")],
)
def test_url_host_refusals(host: str, pesan: str) -> None:
    hasil = galat(periksa_host, host).pesan
    assert pesan in hasil and hasil.startswith("URL aplikasi")


@pytest.mark.parametrize(("host", "hasil"),
                         [("127.0.0.1", "127.0.0.1"), ("[::1]", "::1"), ("LocalHost", "localhost"),
                          ("sipo.babelprov.go.id.", "sipo.babelprov.go.id."),
                          ("xn--bcher-kva.example", "xn--bcher-kva.example")])
def test_url_host_allowed(host: str, hasil: str) -> None:
    assert periksa_host(host) == hasil


def test_parsed_url_host_goes_through_the_address_rules() -> None:
    # The parser writes the mapped address in hex; the rule still sees 169.254.169.254.
    url = HttpUrl("http://[::ffff:169.254.169.254]/")
    assert url.host == "[::ffff:a9fe:a9fe]"
    assert "169.254.169.254, alamat link-local" in galat(periksa_url_aplikasi, url).pesan


# --- URL -----------------------------------------------------------------------------------

@pytest.mark.parametrize("teks", ["http://127.0.0.1:8765/", "https://sipo.babelprov.go.id/login"])
def test_url_without_credentials_passes(teks: str) -> None:
    assert str(periksa_url_aplikasi(HttpUrl(teks))).startswith(teks.split("/login")[0])


@pytest.mark.parametrize("teks", ["http://admin:Rahasia123@127.0.0.1:8765/",
                                  "http://admin@127.0.0.1/"])
def test_url_with_credentials_refused(teks: str) -> None:
    pesan = galat(periksa_url_aplikasi, HttpUrl(teks)).pesan
    assert "akun_uji" in pesan and "Rahasia123" not in pesan
