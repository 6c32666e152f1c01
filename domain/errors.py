"""Validation errors in Bahasa Indonesia, each naming the field (label and dotted path) and rule.

:func:`terjemahkan` turns a pydantic ``ValidationError`` into a list of
:class:`GalatValidasi`; :func:`validasi` validates a form by its type name. Input values are
never echoed from pydantic's errors (``include_input=False``), so a password cannot leak
through an error; only the rules in :mod:`domain.identitas` quote what was written, and they
never see a secret.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Callable
from datetime import date
from typing import Any, TypedDict

from pydantic import BaseModel, ValidationError
from pydantic_core.core_schema import ErrorType

from domain import forms
from domain.sop import JenisLayanan

__all__ = ["GalatValidasi", "pesan_aturan", "terjemahkan", "validasi"]


class GalatValidasi(TypedDict):
    """One error: ``field`` is the dotted path (``penanggung_jawab_teknis.email``)."""

    field: str
    message: str


_GALAT_BAWAAN: frozenset[str] = frozenset(typing.get_args(ErrorType))

_MODEL_FORMS = [obj for obj in vars(forms).values()
                if isinstance(obj, type) and issubclass(obj, BaseModel)
                and obj.__module__ == forms.__name__]
# ValidationError.title is the model's configured title, else its class name.
_MODEL_BY_NAME: dict[str, type[BaseModel]] = {
    **{m.__name__: m for m in _MODEL_FORMS},
    **{str(m.model_config["title"]): m for m in _MODEL_FORMS if m.model_config.get("title")},
}


def _angka(nilai: Any) -> str:
    """A number as Indonesians write it: 24, 0,5."""
    if isinstance(nilai, float) and nilai.is_integer():
        nilai = int(nilai)
    return str(nilai).replace(".", ",") if isinstance(nilai, float) else str(nilai)


def _pilihan(ctx: dict[str, Any]) -> str:
    nilai = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    return ", ".join(nilai) if nilai else str(ctx.get("expected", ""))


_URL_ID: tuple[tuple[str, str], ...] = (
    ("empty host", "nama host kosong"),
    ("relative URL", "harus URL lengkap yang diawali http:// atau https://"),
    ("invalid port", "nomor port tidak sah"),
    ("invalid IPv4", "alamat IPv4 tidak sah"),
    ("invalid IPv6", "alamat IPv6 tidak sah"),
    ("international domain|domain character", "nama host memuat karakter yang tidak sah"),
    ("input is empty", "kosong"),
)


def _galat_url(ctx: dict[str, Any]) -> str:
    asli = str(ctx.get("error", ""))
    for pola, terjemahan in _URL_ID:
        if re.search(pola, asli, re.I):
            return f"bukan URL yang sah: {terjemahan}"
    return "bukan URL yang sah"


_JENIS_KUMPULAN = ("List", "Set", "Frozenset", "Tuple", "Dictionary", "Iterable")


def _terlalu_pendek(ctx: dict[str, Any]) -> str:
    minimal = ctx.get("min_length", 1)
    if ctx.get("field_type") not in _JENIS_KUMPULAN:  # e.g. a SecretStr ("Value")
        return "tidak boleh kosong" if minimal <= 1 else f"minimal {minimal} karakter"
    return "pilih sedikitnya satu" if minimal <= 1 else f"harus memuat sedikitnya {minimal} butir"


def _terlalu_panjang(ctx: dict[str, Any]) -> str:
    satuan = "butir" if ctx.get("field_type") in _JENIS_KUMPULAN else "karakter"
    return f"terlalu panjang; maksimal {ctx.get('max_length')} {satuan}"


_TERJEMAHAN: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda c: "wajib diisi",
    "string_too_short": lambda c: ("tidak boleh kosong" if c.get("min_length", 1) <= 1
                                   else f"minimal {c['min_length']} karakter"),
    "string_too_long": lambda c: f"terlalu panjang; maksimal {c['max_length']} karakter",
    "string_type": lambda c: "harus berupa teks",
    "string_unicode": lambda c: "harus berupa teks Unicode yang sah",
    "string_pattern_mismatch": lambda c: "formatnya tidak sesuai",
    "literal_error": lambda c: f"harus salah satu dari: {_pilihan(c)}",
    "enum": lambda c: f"harus salah satu dari: {_pilihan(c)}",
    "int_parsing": lambda c: "harus berupa bilangan bulat",
    "int_type": lambda c: "harus berupa bilangan bulat",
    "int_from_float": lambda c: "harus berupa bilangan bulat (tanpa pecahan)",
    "int_parsing_size": lambda c: "bilangan terlalu besar",
    "float_parsing": lambda c: "harus berupa angka",
    "float_type": lambda c: "harus berupa angka",
    "finite_number": lambda c: "harus berupa angka terhingga",
    "greater_than": lambda c: f"harus lebih besar dari {_angka(c.get('gt'))}",
    "greater_than_equal": lambda c: f"minimal {_angka(c.get('ge'))}",
    "less_than": lambda c: f"harus kurang dari {_angka(c.get('lt'))}",
    "less_than_equal": lambda c: f"maksimal {_angka(c.get('le'))}",
    "multiple_of": lambda c: f"harus kelipatan {_angka(c.get('multiple_of'))}",
    "bool_parsing": lambda c: "harus bernilai ya atau tidak (true/false)",
    "bool_type": lambda c: "harus bernilai ya atau tidak (true/false)",
    "too_short": _terlalu_pendek,
    "too_long": _terlalu_panjang,
    "list_type": lambda c: "harus berupa daftar",
    "set_type": lambda c: "harus berupa daftar tanpa duplikat",
    "frozen_set_type": lambda c: "harus berupa daftar tanpa duplikat",
    "iterable_type": lambda c: "harus berupa daftar",
    "set_item_not_hashable": lambda c: "butir daftar harus berupa teks",
    "url_parsing": _galat_url,
    "url_syntax_violation": _galat_url,
    "url_scheme": lambda c: "skema URL harus http atau https",
    "url_type": lambda c: "harus berupa URL (teks)",
    "url_too_long": lambda c: f"URL terlalu panjang; maksimal {c.get('max_length')} karakter",
    "ip_v4_address": lambda c: "bukan alamat IPv4 yang sah",
    "ip_v6_address": lambda c: "bukan alamat IPv6 yang sah",
    "ip_any_address": lambda c: "bukan alamat IPv4/IPv6 yang sah",
    "ip_v4_network": lambda c: "bukan jaringan IPv4 yang sah",
    "ip_v6_network": lambda c: "bukan jaringan IPv6 yang sah",
    "ip_any_network": lambda c: "bukan jaringan IP yang sah (notasi CIDR)",
    "ip_v4_interface": lambda c: "bukan antarmuka IPv4 yang sah",
    "ip_v6_interface": lambda c: "bukan antarmuka IPv6 yang sah",
    "ip_any_interface": lambda c: "bukan antarmuka IP yang sah",
    "model_type": lambda c: "harus berupa objek berisi kolom-kolom (isian bertingkat)",
    "model_attributes_type": lambda c: "harus berupa objek berisi kolom-kolom "
                                       "(isian bertingkat)",
    "dict_type": lambda c: "harus berupa objek berisi kolom-kolom (isian bertingkat)",
    "none_required": lambda c: "harus dikosongkan",
    "json_invalid": lambda c: "bukan JSON yang sah",
    "json_type": lambda c: "harus berupa teks JSON",
    "value_error": lambda c: "nilai tidak valid",
    "assertion_error": lambda c: "nilai tidak valid",
}


def pesan_aturan(jenis: str, ctx: dict[str, Any] | None = None) -> str | None:
    """The Indonesian wording of one pydantic error type (``int_parsing`` → "harus berupa
    bilangan bulat"), or None for a type not worded here. For messages outside a form (the
    ``lpa`` command's own options)."""
    terjemahan = _TERJEMAHAN.get(jenis)
    return terjemahan(dict(ctx or {})) if terjemahan else None


def _model_di_dalam(anotasi: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``X``, ``X | None``, ``Annotated[X, ...]``)."""
    if isinstance(anotasi, type) and issubclass(anotasi, BaseModel):
        return anotasi
    if isinstance(anotasi, types.UnionType) or typing.get_origin(anotasi) is not None:
        for arg in typing.get_args(anotasi):
            model = _model_di_dalam(arg)
            if model is not None:
                return model
    return None


def _telusuri(model: type[BaseModel] | None,
              loc: tuple[str | int, ...]) -> tuple[str | None, type[BaseModel] | None]:
    """(title of the last field on the path, the model holding that field)."""
    judul: str | None = None
    induk: type[BaseModel] | None = None
    for bagian in loc:
        if isinstance(bagian, int) or model is None:
            continue
        info = model.model_fields.get(bagian)
        induk = model
        if info is None:
            return None, induk
        judul = info.title or bagian
        model = _model_di_dalam(info.annotation)
    return judul, induk


def _gabung(label: str, jalur: str, isi: str) -> str:
    """``Label (jalur): isi``; a message that starts with the label gets the path after it."""
    tempat = f" ({jalur})" if jalur else ""
    if isi[: len(label)].lower() == label.lower() and isi[len(label): len(label) + 1] in (
            " ", ":", ";", ","):
        return f"{label}{tempat}{isi[len(label):]}"
    return f"{label}{tempat}: {isi}"


def _jenis_formulir(model: type[BaseModel] | None) -> str | None:
    """The request form a model is (pembangunan, uji-kelayakan, va), or None."""
    for daftar in (forms.FORM_BY_JENIS, forms.FORM_RUN_BY_JENIS):
        for jenis, kelas in daftar.items():
            if kelas is model:
                return jenis
    return None


def _kolom_asing(kunci: str, kedalaman: int, induk: type[BaseModel] | None,
                 model: type[BaseModel] | None) -> str:
    """Why an unknown key is refused: it belongs to another form type (checked at the top
    level only), or it is misspelt (a close name of the same form, or of the same nested
    part, is suggested); the form validated is named."""
    jenis = _jenis_formulir(model)
    label = JenisLayanan(jenis).label if jenis else None
    if jenis and kedalaman == 1:
        milik = [JenisLayanan(j).label for j, kelas in forms.FORM_BY_JENIS.items()
                 if j != jenis and kunci in kelas.model_fields]
        if milik:
            return (f"kolom ini milik formulir {' dan '.join(milik)}, bukan formulir {label}; "
                    "periksa jenis formulirnya, atau hapus kolom ini")
    isi = "kolom tidak dikenal" + (f" pada formulir {label}" if label else "")
    isi += "; hapus kolom ini atau perbaiki ejaannya"
    if induk is not None:
        mirip = difflib.get_close_matches(kunci, list(induk.model_fields), n=1)
        if mirip:
            isi += f" (maksud Anda '{mirip[0]}'?)"
    return isi


def terjemahkan(exc: ValidationError,
                model: type[BaseModel] | None = None) -> list[GalatValidasi]:
    """Each error of ``exc`` in Bahasa Indonesia, with its dotted field path.

    ``model`` is the validated model; by default it is found from ``exc.title`` among the
    models of :mod:`domain.forms`. It gives the fields' Indonesian titles (labels).
    """
    model = model or _MODEL_BY_NAME.get(exc.title)
    hasil: list[GalatValidasi] = []
    for err in exc.errors(include_url=False, include_input=False):
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        loc = tuple(err["loc"])
        if isinstance(ctx.get("lokasi"), str):
            loc += (ctx["lokasi"],)
        jalur = ".".join(str(b) for b in loc)
        judul, induk = _telusuri(model, loc)
        jenis = err["type"]
        if jenis == "extra_forbidden":
            kunci = str(loc[-1]) if loc else ""
            hasil.append({"field": jalur, "message": _gabung(
                f"Kolom '{kunci}'", jalur, _kolom_asing(kunci, len(loc), induk, model))})
            continue
        if jenis in _TERJEMAHAN:
            isi = _TERJEMAHAN[jenis](ctx)
        elif jenis in _GALAT_BAWAAN:
            isi = f"nilai tidak valid (aturan {jenis})"
        else:  # our own PydanticCustomError: the message is already Indonesian
            isi = err["msg"]
        label = judul or (str(loc[-1]) if loc else "Formulir")
        hasil.append({"field": jalur, "message": _gabung(label, jalur, isi)})
    return hasil


def validasi(
    jenis: str, data: Any, *, hari_ini: date | None = None, titipan: bool = False,
) -> tuple[forms.Permohonan | None, list[GalatValidasi]]:
    """Validate ``data`` as the form ``jenis`` (pembangunan, uji-kelayakan, va).

    Returns ``(form, [])`` when valid, ``(None, errors)`` otherwise. ``hari_ini`` replaces
    today for the NIP's future-date checks (tests). ``titipan`` validates the shape a flow
    run receives (the test account's password replaced by its deposit reference).
    """
    daftar = forms.FORM_RUN_BY_JENIS if titipan else forms.FORM_BY_JENIS
    kelas = daftar.get(str(getattr(jenis, "value", jenis)))
    if kelas is None:
        return None, [{
            "field": "jenis",
            "message": f"Jenis formulir ({jenis}): tidak dikenal; pilih salah satu dari: "
                       + ", ".join(forms.JENIS_PERMOHONAN),
        }]
    konteks = {"hari_ini": hari_ini} if hari_ini is not None else None
    try:
        return kelas.model_validate(data, context=konteks), []
    except ValidationError as exc:
        return None, terjemahkan(exc, kelas)
