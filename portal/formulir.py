"""The three request forms as web forms, generated from the pydantic models in domain/forms.py.

Each field becomes an input whose ``name`` is its dotted path (``pemohon.nip``), labelled
with the field's title and helped by its description, in the model's (the catalog's) order.
A set of choices is repeated checkboxes, a ``Literal`` a select, a ``bool`` a checkbox, a
nested model a fieldset. What a browser sends is read back into the nested dict the models
validate, and each error of ``domain.errors.validasi`` is placed beside its field.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Union

from pydantic import BaseModel, HttpUrl, SecretStr
from pydantic.fields import FieldInfo

from domain.errors import GalatValidasi
from domain.forms import FORM_BY_JENIS

DILEWATI = frozenset({"kelengkapan"})
"""Fields the service desk fills in, never the requester."""
TEKS_PANJANG = 500
"""Text fields longer than this are a textarea."""

JenisIsian = Literal["teks", "teksarea", "angka", "desimal", "surel", "url", "telepon",
                     "pilihan", "centang", "ya_tidak", "sandi"]


@dataclass(frozen=True)
class Isian:
    """One input."""

    path: str
    label: str
    bantuan: str | None
    jenis: JenisIsian
    wajib: bool
    pilihan: tuple[str, ...] = ()
    maks: int | None = None
    """The model's ``max_length`` (HTML ``maxlength``)."""
    minimal: int | None = None
    """The model's ``min_length`` when above 1 (HTML ``minlength``; 1 is ``required``)."""
    pola: str | None = None
    """The model's ``pattern`` (HTML ``pattern``)."""
    selalu_wajib: bool = False
    """Required whatever else is filled in (HTML ``required``): required, and so is every
    fieldset around it (``uji_beban.pengguna_per_hari`` is required only with ``uji_beban``)."""

    @property
    def id(self) -> str:
        return "isian-" + self.path.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class Kelompok:
    """A nested model: a fieldset of inputs (and fieldsets)."""

    path: str
    judul: str
    bantuan: str | None
    wajib: bool
    isi: tuple[Isian | Kelompok, ...] = field(default=())

    @property
    def id(self) -> str:
        return "kelompok-" + (self.path.replace(".", "-").replace("_", "-") or "formulir")


def _tanpa_none(anotasi: Any) -> tuple[Any, bool]:
    """(the annotation without ``| None``, whether None was allowed)."""
    if typing.get_origin(anotasi) in (Union, types.UnionType):
        args = [a for a in typing.get_args(anotasi) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return anotasi, False


def _inti(anotasi: Any) -> Any:
    while typing.get_origin(anotasi) is typing.Annotated:
        anotasi = typing.get_args(anotasi)[0]
    return anotasi


def _metadata(info: FieldInfo) -> list[Any]:
    """The field's constraints: its own metadata, those of an ``Annotated`` type it names
    (also inside ``X | None``, where pydantic leaves them in the annotation) and a URL type's
    (``HttpUrl``: ``max_length`` 2083)."""
    hasil = list(info.metadata)
    anotasi, _ = _tanpa_none(info.annotation)
    while typing.get_origin(anotasi) is typing.Annotated:
        anotasi, *lain = typing.get_args(anotasi)
        hasil += lain
    if (kendala := getattr(anotasi, "_constraints", None)) is not None:
        hasil.append(kendala)
    return hasil


def _batasan(info: FieldInfo) -> tuple[int | None, int | None, str | None]:
    """(max_length, min_length, pattern) the model declares for a field; each the first
    found (pydantic applies the field's own before its type's)."""
    meta = _metadata(info)

    def cari(nama: str) -> Any:
        return next((v for m in meta if (v := getattr(m, nama, None)) is not None), None)

    pola = cari("pattern")
    return cari("max_length"), cari("min_length"), pola if isinstance(pola, str) else None


def _isian(path: str, nama: str, info: FieldInfo, induk_wajib: bool) -> Isian | Kelompok:
    anotasi, boleh_kosong = _tanpa_none(info.annotation)
    anotasi = _inti(anotasi)
    wajib = info.is_required() and not boleh_kosong
    label = info.title or nama
    if isinstance(anotasi, type) and issubclass(anotasi, BaseModel):
        return _kelompok(anotasi, path, label, info.description, wajib, induk_wajib)
    maks, minimal, pola = _batasan(info)
    asal = typing.get_origin(anotasi)
    if asal in (set, frozenset, list):
        pilihan = typing.get_args(_inti(typing.get_args(anotasi)[0]))
        return Isian(path, label, info.description, "centang", wajib, tuple(pilihan))
    if asal is Literal:
        return Isian(path, label, info.description, "pilihan", wajib,
                     tuple(typing.get_args(anotasi)), selalu_wajib=wajib and induk_wajib)
    jenis: JenisIsian = "teks"
    if anotasi is SecretStr:
        jenis = "sandi"
    elif anotasi is bool:
        jenis = "ya_tidak"
    elif anotasi is int:
        jenis = "angka"
    elif anotasi is float:
        jenis = "desimal"
    elif anotasi is HttpUrl:
        jenis = "url"
    elif nama == "email":
        jenis = "surel"
    elif nama.startswith("telepon"):
        jenis = "telepon"
    elif maks is not None and maks > TEKS_PANJANG:
        jenis = "teksarea"
    return Isian(path, label, info.description, jenis, wajib, maks=maks,
                 selalu_wajib=wajib and induk_wajib,
                 minimal=minimal if minimal and minimal > 1 else None,
                 pola=_pola_html(pola))


def _pola_html(pola: str | None) -> str | None:
    """A model's regex as an HTML ``pattern``. pydantic searches (``re.search``), HTML matches
    the whole value (``^(?:…)$``, ``v`` flag): only a pattern anchored at both ends and
    written in the plain subset both dialects read alike (no ``(?`` construct, no ``|``, no escapes
    beyond ``\\d``/``\\s``/``\\w``/``\\.``, no ``-`` at a class's edge) is given; any other
    stays a server check alone."""
    if pola is None or not (pola.startswith("^") and pola.endswith("$")) \
            or pola.endswith("\\$") or "(?" in pola or "|" in pola \
            or re.search(r"\\[^dswDSW.]|\[-|-\]", pola):
        return None
    return pola[1:-1]


def _kelompok(model: type[BaseModel], path: str, judul: str, bantuan: str | None,
              wajib: bool, induk_wajib: bool = True) -> Kelompok:
    isi = tuple(_isian(f"{path}.{nama}" if path else nama, nama, info, wajib and induk_wajib)
                for nama, info in model.model_fields.items()
                if not (not path and nama in DILEWATI))
    return Kelompok(path, judul, bantuan, wajib, isi)


@cache
def formulir(jenis: str) -> Kelompok:
    """The web form of request type ``jenis`` (pembangunan, uji-kelayakan, va)."""
    model = FORM_BY_JENIS[jenis]
    return _kelompok(model, "", str(model.model_config.get("title") or model.__name__),
                     model.__doc__, True)


def semua_isian(kelompok: Kelompok) -> list[Isian]:
    hasil: list[Isian] = []
    for bagian in kelompok.isi:
        hasil += semua_isian(bagian) if isinstance(bagian, Kelompok) else [bagian]
    return hasil


def semua_path(kelompok: Kelompok) -> list[str]:
    hasil = [kelompok.path] if kelompok.path else []
    for bagian in kelompok.isi:
        hasil += semua_path(bagian) if isinstance(bagian, Kelompok) else [bagian.path]
    return hasil


# --- reading what the browser sent --------------------------------------------------------

class FormData(typing.Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


def baca(kelompok: Kelompok, kiriman: FormData) -> dict[str, Any]:
    """The nested dict the model validates. An empty input is left out (so a required one is
    "wajib diisi", an optional one None); an optional fieldset left wholly empty is left out;
    a required one is kept (each of its fields then says what is missing)."""
    data, _ = _baca(kelompok, kiriman)
    return data


def _baca(kelompok: Kelompok, kiriman: FormData) -> tuple[dict[str, Any], bool]:
    data: dict[str, Any] = {}
    terisi = False
    for bagian in kelompok.isi:
        nama = bagian.path.rsplit(".", 1)[-1]
        if isinstance(bagian, Kelompok):
            isi, ada = _baca(bagian, kiriman)
            if ada or bagian.wajib:
                data[nama] = isi
            terisi = terisi or ada
            continue
        if bagian.jenis == "centang":
            nilai = [v for v in kiriman.getlist(bagian.path) if isinstance(v, str) and v]
            if nilai:
                data[nama], terisi = nilai, True
        elif bagian.jenis == "ya_tidak":
            data[nama] = kiriman.get(bagian.path) in ("true", "on", "1", "ya")
        else:
            nilai = kiriman.get(bagian.path)
            if isinstance(nilai, str) and (nilai if bagian.jenis == "sandi" else nilai.strip()):
                data[nama], terisi = nilai, True
    return data, terisi


def nilai_ketikan(kelompok: Kelompok, kiriman: FormData) -> dict[str, Any]:
    """What was typed, by path, to show again: never a password."""
    hasil: dict[str, Any] = {}
    for isian in semua_isian(kelompok):
        if isian.jenis == "sandi":
            continue
        if isian.jenis == "centang":
            hasil[isian.path] = [v for v in kiriman.getlist(isian.path) if isinstance(v, str)]
        else:
            nilai = kiriman.get(isian.path)
            hasil[isian.path] = nilai if isinstance(nilai, str) else ""
    return hasil


def nilai_dari_data(kelompok: Kelompok, data: Mapping[str, Any]) -> dict[str, Any]:
    """Initial values by path from a nested dict (e.g. an example form); never a password."""
    hasil: dict[str, Any] = {}
    for isian in semua_isian(kelompok):
        nilai: Any = data
        for bagian in isian.path.split("."):
            nilai = nilai.get(bagian) if isinstance(nilai, Mapping) else None
        if nilai is None or isian.jenis == "sandi":
            continue
        if isian.jenis == "ya_tidak":
            hasil[isian.path] = "true" if nilai else ""
        else:
            hasil[isian.path] = list(nilai) if isian.jenis == "centang" else str(nilai)
    return hasil


def galat_per_isian(kelompok: Kelompok, galat: list[GalatValidasi]) -> dict[str, list[str]]:
    """Each error under the field (or fieldset) it belongs to: the longest path of the form
    that is the error's path or a prefix of it (``jenis_pengujian.1`` → ``jenis_pengujian``);
    others under ``""`` (shown at the top)."""
    paths = sorted(semua_path(kelompok), key=len, reverse=True)
    hasil: dict[str, list[str]] = {}
    for g in galat:
        tempat = next((p for p in paths if g["field"] == p or g["field"].startswith(p + ".")),
                      "")
        hasil.setdefault(tempat, []).append(g["message"])
    return hasil
