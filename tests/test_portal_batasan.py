"""The portal's inputs carry the limits the models declare (``maxlength``, ``required``,
``pattern``, a keyboard fitting the type), and the server refuses what breaks them with the
Indonesian message beside the field whatever the page said: the page's limits are a
convenience, the check is the server's.

The expected limits are read from each model's JSON schema (pydantic's own rendering of the
same metadata, not portal/formulir.py's reading of it), so a limit added to or changed in a
model is expected on the page without touching this test."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from portal_bantu import contoh, isian_browser, kirim, portal, token
from sqlalchemy import select

from domain.forms import FORM_BY_JENIS
from settings import Settings
from store import db
from store.models import AuditEvent

GALAT = re.compile(r'data-galat-untuk="([^"]*)"[^>]*>([^<]*)<')
JENIS = ("pembangunan", "uji-kelayakan", "va")
DILEWATI = {"kelengkapan"}


class _Kontrol(HTMLParser):
    """name -> attributes of every input, textarea and select of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.kontrol: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "textarea", "select") and a.get("name") and \
                a.get("type") not in ("checkbox", "hidden", "file"):
            self.kontrol[str(a["name"])] = {**a, "_tag": tag}


def kontrol(html: str) -> dict[str, dict[str, str | None]]:
    pengurai = _Kontrol()
    pengurai.feed(html)
    return pengurai.kontrol


def _ikuti(skema: dict[str, Any], bagian: dict[str, Any]) -> dict[str, Any]:
    """A schema part with its ``$ref`` and ``X | None`` (anyOf with null) resolved."""
    if "$ref" in bagian:
        bagian = skema["$defs"][bagian["$ref"].rsplit("/", 1)[-1]]
    pilihan = [b for b in bagian.get("anyOf", []) if b.get("type") != "null"]
    if len(pilihan) == 1:
        return _ikuti(skema, pilihan[0])
    return bagian


def harapan(jenis: str) -> dict[str, dict[str, Any]]:
    """path -> {maks, pola, wajib, tipe} of every text-like field, from the JSON schema."""
    skema = FORM_BY_JENIS[jenis].model_json_schema()
    hasil: dict[str, dict[str, Any]] = {}

    def jalan(bagian: dict[str, Any], awalan: str, induk_wajib: bool) -> None:
        wajib_di_sini = set(bagian.get("required", []))
        for nama, sifat in bagian.get("properties", {}).items():
            if not awalan and nama in DILEWATI:
                continue
            sifat = _ikuti(skema, sifat)
            path = f"{awalan}{nama}"
            wajib = induk_wajib and nama in wajib_di_sini
            if "properties" in sifat:
                jalan(sifat, path + ".", wajib)
            elif sifat.get("type") not in ("array", "boolean"):
                hasil[path] = {"maks": sifat.get("maxLength"), "pola": sifat.get("pattern"),
                               "wajib": wajib, "tipe": sifat.get("type"),
                               "format": sifat.get("format"), "enum": "enum" in sifat}

    jalan(skema, "", True)
    return hasil


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return portal(tmp_path_factory.mktemp("portal-batasan"))


@pytest.mark.parametrize("jenis", JENIS)
def test_rendered_forms_carry_the_limits_the_models_declare(client, jenis: str) -> None:
    halaman = kontrol(client.get(f"/permohonan/{jenis}").text)
    harap = harapan(jenis)
    assert set(halaman) == set(harap)  # every field of the model is on the page, no other
    assert sum(h["maks"] is not None for h in harap.values()) >= 10, "a schema without limits"
    for path, h in harap.items():
        attr = halaman[path]
        assert attr.get("maxlength") == (str(h["maks"]) if h["maks"] else None), path
        assert ("required" in attr) == h["wajib"], path
        pola = h["pola"]
        assert attr.get("pattern") == (pola[1:-1] if pola else None), path
        if h["format"] == "uri":
            assert attr["type"] == "url", path
        elif h["format"] == "password":
            assert attr["type"] == "password", path
        elif h["tipe"] == "integer":
            assert attr["inputmode"] == "numeric", path
        elif h["tipe"] == "number":
            assert attr["inputmode"] == "decimal", path
        elif h["enum"]:
            assert attr["_tag"] == "select", path
    # the types a phone keyboard follows, where the model's field is an address or a number
    if jenis != "va":
        assert halaman["pemohon.nama"]["type"] == "text"
        assert halaman["penanggung_jawab_teknis.email"]["type"] == "email"
        assert halaman["penanggung_jawab_teknis.telepon_hp"]["type"] == "tel"
        # required only together with its fieldset: the stress-test data of an optional group
        if jenis == "uji-kelayakan":
            assert not harap["uji_beban.pengguna_per_hari"]["wajib"]
            assert harap["nama_aplikasi"]["wajib"]


@pytest.mark.parametrize("jenis", JENIS)
def test_over_long_input_is_refused_beside_each_field(client, jenis: str) -> None:
    """Every bounded field one character over its limit, in one submission: each is refused
    beside itself in Indonesian (the browser's maxlength never reached the server)."""
    data = contoh(jenis)
    pasangan = dict(isian_browser(jenis, data))
    panjang = {p: h["maks"] for p, h in harapan(jenis).items()
               if h["maks"] and p in pasangan and h["format"] != "password"}
    for path, maks in panjang.items():
        pasangan[path] = "a" * (maks + 1)
    r = kirim(client, jenis, list(pasangan.items()))
    assert r.status_code == 422
    galat = dict(GALAT.findall(r.text))
    for path, maks in panjang.items():
        assert path in galat, (path, galat)
        assert galat[path].endswith(f"terlalu panjang; maksimal {maks} karakter"), galat[path]
    assert f"{len(panjang)} isian perlu diperbaiki" in r.text


def test_sign_in_form_is_limited_on_the_page_and_the_server(tmp_path: Path) -> None:
    from portal.rute_masuk import MAKS_NIP_ATAU_SUREL

    client = portal(tmp_path)
    html = client.get("/masuk").text
    attr = kontrol(html)["nip_atau_surel"]
    assert attr["maxlength"] == str(MAKS_NIP_ATAU_SUREL) and "required" in attr
    r = client.post("/masuk", data={"csrf_token": token(html, "csrf_token"),
                                    "nip_atau_surel": "1" * 10_000})
    assert r.status_code == 422
    galat = dict(GALAT.findall(r.text))
    assert galat["nip_atau_surel"] == ("NIP atau alamat surel (nip_atau_surel): terlalu "
                                       f"panjang; maksimal {MAKS_NIP_ATAU_SUREL} karakter")
    assert "1" * 1000 not in r.text  # not echoed back
    with db.session_scope(Settings(data_dir=tmp_path).store_url) as s:
        alasan = [d["alasan"] for d in s.scalars(
            select(AuditEvent.detail).where(AuditEvent.kind == "portal_ditolak"))]
        diminta = list(s.scalars(select(AuditEvent).where(
            AuditEvent.kind == "tautan_masuk_diminta")))
    assert "masuk_terlalu_panjang" in alasan
    assert diminta == []  # refused before anyone was looked up
