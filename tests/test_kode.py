"""One-time decision codes: readable, salted, slow to brute-force, never raising."""

from __future__ import annotations

import re

import pytest

from domain.kode import ALFABET, buat_kode, hash_kode, kode_cocok, normalisasi_kode


def test_code_shape_and_alphabet() -> None:
    kode = [buat_kode() for _ in range(200)]
    for k in kode:
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", k), k
        assert not set(k.replace("-", "")) & set("0O1IL")
        assert set(k.replace("-", "")) <= set(ALFABET)
    assert len(set(kode)) == len(kode)


def test_round_trip_and_wrong_code() -> None:
    kode = buat_kode()
    tersimpan = hash_kode(kode)
    assert tersimpan.startswith("pbkdf2_sha256$200000$")
    assert len(tersimpan) <= 200
    assert kode not in tersimpan and normalisasi_kode(kode) not in tersimpan
    assert kode_cocok(kode, tersimpan)
    salah = ("A" if kode[0] != "A" else "B") + kode[1:]
    assert not kode_cocok(salah, tersimpan)
    assert not kode_cocok("", tersimpan)


def test_code_accepted_without_dash_in_lower_case_with_spaces() -> None:
    tersimpan = hash_kode("K7M2-QX9P")
    for variasi in ("K7M2QX9P", "k7m2-qx9p", " k7m2 qx9p ", "K7M2\u2013QX9P", "k7m2 - QX9P"):
        assert kode_cocok(variasi, tersimpan), variasi


def test_normalisation() -> None:
    assert normalisasi_kode(" k7m2-qx9p\n") == "K7M2QX9P"
    assert normalisasi_kode("K7M2 \u2014 QX9P") == "K7M2QX9P"


def test_two_hashes_of_one_code_differ() -> None:
    a, b = hash_kode("K7M2-QX9P"), hash_kode("K7M2-QX9P")
    assert a != b
    assert a.split("$")[2] != b.split("$")[2]
    assert kode_cocok("K7M2-QX9P", a) and kode_cocok("K7M2-QX9P", b)


def test_empty_code_cannot_be_hashed() -> None:
    with pytest.raises(ValueError):
        hash_kode(" - ")


@pytest.mark.parametrize("tersimpan", [
    "",
    "bukan hash",
    "pbkdf2_sha256$200000$abc",
    "pbkdf2_sha256$200000$!!!$!!!",
    "pbkdf2_sha256$banyak$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
    "pbkdf2_sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 43 + "=",
    "pbkdf2_sha256$99999999999$AAAAAAAAAAAAAAAAAAAAAA==$" + "A" * 43 + "=",
    "pbkdf2_sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
    "md5$1$AAAA$AAAA",
    "pbkdf2_sha256$200000$$" + "A" * 43 + "=",
    "pbkdf2_sha256$200000$é$é",
    None,
    12345,
])
def test_malformed_stored_value_is_false_not_an_error(tersimpan: object) -> None:
    assert kode_cocok("K7M2-QX9P", tersimpan) is False  # type: ignore[arg-type]


def test_malformed_input_code_is_false() -> None:
    tersimpan = hash_kode("K7M2-QX9P")
    assert kode_cocok(None, tersimpan) is False  # type: ignore[arg-type]
    assert kode_cocok("K" * 10_000, tersimpan) is False
    assert kode_cocok("\udcff", tersimpan) is False
