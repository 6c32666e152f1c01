"""The three request forms of SC-04/EGOTIK/2023 as pydantic models.

Field names mirror the paper forms (snake_case Indonesian); every field has an Indonesian
``title`` and ``description`` because the Prefect UI renders these models as forms.
Unknown fields are refused, text is trimmed and must not be empty, and every text is bounded.
One-line text (:data:`domain.teks.TeksSatuBaris`: names, jabatan, unit kerja…) and free text
(:data:`domain.teks.TeksBebas`: deskripsi, skenario…) refuse control, invisible and bidi
characters; the addresses and the URL follow the one rule set of :mod:`domain.identitas`.

Secret convention (``akun_uji.password``)
    The password is a ``SecretStr``: ``repr``/``str`` show ``**********``; ``model_dump()``
    keeps the ``SecretStr`` object, ``model_dump(mode="json")`` and ``model_dump_json()``
    give ``"**********"``. Only the run that needs the password dumps it, explicitly:
    ``form.model_dump(mode="json", context={"reveal_secrets": True})`` (the context is
    :data:`BUKA_RAHASIA`), or reads ``form.akun_uji.password.get_secret_value()``. A masked
    value (``**********``) sent back as a password is refused, so a default dump can never be
    resubmitted by mistake.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    SerializationInfo,
    StringConstraints,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from domain.identitas import (
    AlamatIPHost,
    Email,
    EselonPemohon,
    JaringanIP,
    Nip,
    StatusJabatan,
    TeleponHP,
    TeleponInternal,
    UrlAplikasi,
    email_kedinasan,
    pisah_status_jabatan,
)
from domain.teks import TeksBebas, TeksSatuBaris, validasi_satu_baris

__all__ = [
    "BUKA_RAHASIA",
    "FORM_BY_JENIS",
    "JENIS_PERMOHONAN",
    "AkunUji",
    "AkunUjiTitipan",
    "FORM_RUN_BY_JENIS",
    "Dokumentasi",
    "JenisPermohonan",
    "KelengkapanPembangunan",
    "Pemohon",
    "PenanggungJawab",
    "Permohonan",
    "PermohonanPembangunan",
    "PermohonanRun",
    "PermohonanUjiKelayakan",
    "PermohonanUjiKelayakanTitipan",
    "PermohonanVA",
    "UjiBeban",
    "detect_jenis",
    "sidik_formulir",
    "tanpa_rahasia",
]

BUKA_RAHASIA: dict[str, Any] = {"reveal_secrets": True}
"""Serialization context that dumps secrets in clear: ``model_dump(context=BUKA_RAHASIA)``."""

SAMARAN = "**********"

MAKS_NAMA = 150
MAKS_JABATAN = 150
MAKS_UNIT = 200
MAKS_ALAMAT = 500
MAKS_TEKNOLOGI = 150
MAKS_DESKRIPSI = 5000
MAKS_SKENARIO = 50_000
MAKS_DOKUMEN = 200_000


def _pilihan(nilai: Any) -> Any:
    """Lenient choice input: ``"Linux"`` → ``"linux"``, ``"stress test"`` → ``"stress_test"``."""
    if isinstance(nilai, str):
        return re.sub(r"[\s\-]+", "_", nilai.strip().lower())
    return nilai


Platform = Annotated[Literal["windows", "linux", "unix"], BeforeValidator(_pilihan)]
JenisPembangunan = Annotated[Literal["pembangunan_baru", "pengembangan"],
                             BeforeValidator(_pilihan)]
JenisPengujian = Annotated[Literal["uji_kerentanan", "stress_test"], BeforeValidator(_pilihan)]


def _teks(judul: str, uraian: str, maks: int, **lain: Any) -> Any:
    return Field(title=judul, description=uraian, min_length=1, max_length=maks, **lain)


class _Formulir(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        hide_input_in_errors=True,
    )


# --- People ------------------------------------------------------------------------------

class PenanggungJawab(_Formulir):
    """Penanggung jawab (struktural atau teknis) aplikasi."""

    model_config = ConfigDict(title="Penanggung jawab")

    nama: TeksSatuBaris = _teks("Nama", "Nama lengkap beserta gelar.", MAKS_NAMA)
    nip: Nip = Field(title="NIP", description="NIP PNS atau NI PPPK, 18 angka; spasi boleh, "
                                               "mis. 19850312 201001 1 004.")
    jabatan: TeksSatuBaris = _teks("Jabatan", "Jabatan saat ini.", MAKS_JABATAN)
    unit_kerja: TeksSatuBaris = _teks(
        "Unit kerja", "Perangkat daerah/unit kerja, mis. Dinas Kesehatan "
                      "Provinsi Kepulauan Bangka Belitung.", MAKS_UNIT)
    alamat_kantor: TeksSatuBaris = _teks("Alamat kantor", "Alamat lengkap kantor.",
                                         MAKS_ALAMAT)
    telepon_hp: TeleponHP = Field(
        title="Nomor HP", description="Nomor telepon seluler Indonesia, mis. 0821-8064-0997; "
                                      "disimpan dalam format +62.")
    telepon_internal: TeleponInternal | None = Field(
        default=None, title="Nomor telepon internal",
        description="Opsional: nomor ekstensi (2–6 angka) atau nomor telepon kantor, "
                    "mis. 0717-4262141.")
    email: Email = Field(title="Alamat surat elektronik",
                         description="Alamat surel, sebaiknya surel kedinasan (go.id).")

    @property
    def email_kedinasan(self) -> bool:
        """True when the e-mail is under an official government domain (suffix go.id)."""
        return email_kedinasan(self.email)


class Pemohon(_Formulir):
    """Pemohon: pejabat yang menandatangani formulir, minimal eselon III."""

    model_config = ConfigDict(title="Pemohon")

    nama: TeksSatuBaris = _teks("Nama", "Nama lengkap beserta gelar.", MAKS_NAMA)
    nip: Nip = Field(title="NIP", description="NIP PNS atau NI PPPK, 18 angka.")
    jabatan: TeksSatuBaris = _teks("Jabatan", "Jabatan pemohon, mis. Kepala Dinas Kesehatan.",
                                   MAKS_JABATAN)
    eselon: EselonPemohon = Field(
        title="Eselon", description="Eselon I.a s.d. III.b (mis. III.a, 3a, Plt. II.b). "
                                    "Awalan Plt./Plh. mengisi status jabatan.")
    status_jabatan: StatusJabatan = Field(
        default="definitif", title="Status jabatan",
        description="definitif, plt (pelaksana tugas) atau plh (pelaksana harian).")

    @model_validator(mode="before")
    @classmethod
    def _awalan_status(cls, data: Any) -> Any:
        """``eselon: "Plt. II.b"`` → ``eselon: "II.b"``, ``status_jabatan: "plt"``."""
        if not isinstance(data, dict) or not isinstance(data.get("eselon"), str):
            return data
        status, sisa = pisah_status_jabatan(data["eselon"])
        if status is None:
            return data
        diberikan = data.get("status_jabatan")
        if isinstance(diberikan, str):
            diberikan = diberikan.strip().lower().rstrip(".")
        if diberikan not in (None, "definitif", status):
            raise PydanticCustomError(
                "status_jabatan_bertentangan", "{pesan}",
                {"pesan": f"Status jabatan '{diberikan}' bertentangan dengan awalan "
                          f"{status.capitalize()}. pada eselon",
                 "lokasi": "status_jabatan"})
        return {**data, "eselon": sisa, "status_jabatan": status}


# --- Form parts --------------------------------------------------------------------------

class KelengkapanPembangunan(_Formulir):
    """Kelengkapan berkas; diisi petugas service desk saat memeriksa permohonan."""

    model_config = ConfigDict(title="Kelengkapan berkas")

    surat_permintaan: bool | None = Field(
        default=None, title="Surat permintaan",
        description="Diisi petugas: surat permintaan pembangunan aplikasi ada (true) atau "
                    "tidak (false); kosong bila belum diperiksa.")
    user_requirement: bool | None = Field(
        default=None, title="Dokumen user requirement",
        description="Diisi petugas: dokumen user requirement ada (true) atau tidak (false); "
                    "kosong bila belum diperiksa.")


class AkunUji(_Formulir):
    """Akun uji aplikasi (wajib diisi); kata sandi disimpan terenkripsi dan tidak ditampilkan."""

    # Passwords are never trimmed: leading or trailing spaces may be part of them.
    model_config = ConfigDict(title="Akun uji", str_strip_whitespace=False)

    username: Annotated[str, StringConstraints(strip_whitespace=True),
                        AfterValidator(validasi_satu_baris)] = _teks(
        "Nama pengguna", "Nama pengguna akun uji aplikasi.", MAKS_NAMA)
    password: SecretStr = Field(
        title="Kata sandi", description="Kata sandi akun uji; tidak pernah ditampilkan.",
        min_length=1, max_length=256)

    @field_validator("password")
    @classmethod
    def _bukan_samaran(cls, nilai: SecretStr) -> SecretStr:
        if nilai.get_secret_value() == SAMARAN:
            raise PydanticCustomError(
                "kata_sandi_samaran", "{pesan}",
                {"pesan": "Kata sandi masih berupa samaran (**********); isikan kata sandi "
                          "akun uji yang sebenarnya"})
        return nilai

    @field_serializer("password", when_used="always")
    def _sajikan_sandi(self, nilai: SecretStr, info: SerializationInfo) -> SecretStr | str:
        if isinstance(info.context, dict) and info.context.get("reveal_secrets"):
            return nilai.get_secret_value()
        return str(nilai) if info.mode_is_json() else nilai


class Dokumentasi(_Formulir):
    """Dokumentasi yang diserahkan bersama aplikasi (ada/tidak ada)."""

    model_config = ConfigDict(title="Dokumentasi")

    source_code: bool = Field(default=False, title="Source code / basis data",
                              description="Source code atau basis data diserahkan.")
    manual_instalasi: bool = Field(default=False, title="Dokumen manual instalasi",
                                   description="Dokumen manual instalasi diserahkan.")
    manual_pengguna: bool = Field(default=False, title="Manual penggunaan",
                                  description="Dokumen manual penggunaan aplikasi diserahkan.")
    dokumen_uat: bool = Field(default=False, title="Dokumen UAT",
                              description="Dokumen User Acceptance Test diserahkan.")


class UjiBeban(_Formulir):
    """Data uji beban (stress test)."""

    model_config = ConfigDict(title="Uji beban")

    pengguna_per_hari: int = Field(
        title="Pengguna per hari",
        description="Estimasi maksimum jumlah pengguna per hari.", ge=1, le=100_000_000)
    jam_efektif_per_hari: float = Field(
        title="Jam efektif per hari",
        description="Jumlah jam efektif pengaksesan aplikasi per hari (lebih dari 0, paling "
                    "banyak 24).", gt=0, le=24)
    durasi_transaksi_menit: float = Field(
        title="Lama transaksi dalam menit",
        description="Estimasi lama pengguna melakukan transaksi pada aplikasi, dalam menit; "
                    "tidak melebihi jam efektif per hari.", gt=0)
    skenario: TeksBebas | None = Field(
        default=None, title="Skenario pengujian",
        description="Opsional: skenario pengujian (teks bebas, YAML atau JSON).",
        min_length=1, max_length=MAKS_SKENARIO)

    @field_validator("durasi_transaksi_menit")
    @classmethod
    def _dalam_jam_efektif(cls, nilai: float, info: ValidationInfo) -> float:
        jam = info.data.get("jam_efektif_per_hari")
        if jam is not None and nilai > jam * 60:
            batas = f"{jam * 60:g}".replace(".", ",")
            raise PydanticCustomError(
                "durasi_melebihi_jam_efektif", "{pesan}",
                {"pesan": f"melebihi jam efektif per hari; maksimal {batas} menit"})
        return nilai


# --- The three forms ---------------------------------------------------------------------

def _nama_aplikasi() -> Any:
    return _teks("Nama aplikasi", "Nama aplikasi; satu formulir untuk satu aplikasi.", 200)


def _deskripsi() -> Any:
    return _teks("Deskripsi", "Deskripsi singkat aplikasi: tujuan, pengguna dan fungsi utama.",
                 MAKS_DESKRIPSI)


def _platform() -> Any:
    return Field(title="Platform", description="Sistem operasi: windows, linux atau unix.")


def _bahasa() -> Any:
    return _teks("Bahasa program", "Bahasa pemrograman (dan kerangka kerja), mis. PHP 8.2 "
                                   "(Laravel).", MAKS_TEKNOLOGI)


def _dbms() -> Any:
    return _teks("DBMS", "Sistem basis data, mis. PostgreSQL 15 atau MySQL 8.", MAKS_TEKNOLOGI)


def _engine() -> Any:
    return _teks("Engine aplikasi", "Server aplikasi/web, mis. Nginx 1.24 atau Apache 2.4.",
                 MAKS_TEKNOLOGI)


def _pj_struktural() -> Any:
    return Field(title="Penanggung jawab struktural",
                 description="Pejabat struktural yang bertanggung jawab atas aplikasi.")


def _pj_teknis() -> Any:
    return Field(title="Penanggung jawab teknis",
                 description="Pegawai yang bertanggung jawab secara teknis atas aplikasi.")


def _pemohon() -> Any:
    return Field(title="Pemohon", description="Pejabat pemohon, minimal eselon III "
                                              "(termasuk Plt./Plh.).")


class PermohonanPembangunan(_Formulir):
    """Formulir Layanan Pembangunan Aplikasi."""

    model_config = ConfigDict(title="Formulir Layanan Pembangunan Aplikasi")

    nama_aplikasi: TeksSatuBaris = _nama_aplikasi()
    jenis: JenisPembangunan = Field(
        title="Jenis layanan",
        description="pembangunan_baru (aplikasi baru) atau pengembangan (aplikasi yang ada).")
    deskripsi: TeksBebas = _deskripsi()
    platform: Platform = _platform()
    bahasa_program: TeksSatuBaris = _bahasa()
    dbms: TeksSatuBaris = _dbms()
    engine_aplikasi: TeksSatuBaris = _engine()
    estimasi_hari_kerja: int = Field(
        title="Estimasi hari kerja",
        description="Estimasi lama pembangunan dalam hari kerja, 1 s.d. 365.", ge=1, le=365)
    penanggung_jawab_struktural: PenanggungJawab = _pj_struktural()
    penanggung_jawab_teknis: PenanggungJawab = _pj_teknis()
    pemohon: Pemohon = _pemohon()
    kelengkapan: KelengkapanPembangunan = Field(
        default_factory=KelengkapanPembangunan, title="Kelengkapan berkas",
        description="Diisi petugas service desk setelah memeriksa berkas.")
    dokumen_spesifikasi: TeksBebas | None = Field(
        default=None, title="Spesifikasi Kebutuhan Aplikasi",
        description="Opsional: isi dokumen Spesifikasi Kebutuhan Aplikasi (teks).",
        min_length=1, max_length=MAKS_DOKUMEN)


class PermohonanUjiKelayakan(_Formulir):
    """Formulir Layanan Uji Kelayakan Aplikasi."""

    model_config = ConfigDict(title="Formulir Layanan Uji Kelayakan Aplikasi")

    nama_aplikasi: TeksSatuBaris = _nama_aplikasi()
    deskripsi: TeksBebas = _deskripsi()
    platform: Platform = _platform()
    bahasa_program: TeksSatuBaris = _bahasa()
    dbms: TeksSatuBaris = _dbms()
    engine_aplikasi: TeksSatuBaris = _engine()
    jenis_pengujian: set[JenisPengujian] = Field(
        title="Jenis pengujian",
        description="Sedikitnya satu: uji_kerentanan (vulnerability test) dan/atau "
                    "stress_test (uji beban).", min_length=1)
    url_aplikasi: UrlAplikasi = Field(
        title="URL aplikasi",
        description="Alamat aplikasi yang diuji (http/https), tanpa nama pengguna dan kata "
                    "sandi.")
    akun_uji: AkunUji = Field(title="Akun uji",
                              description="Akun untuk menguji aplikasi (wajib diisi).")
    ip_database: AlamatIPHost | None = Field(
        default=None, title="IP database",
        description="Alamat IP server basis data (IPv4 atau IPv6) untuk pengujian database "
                    "management system. Opsional, tetapi tanpa isian ini pemeriksaan server "
                    "basis data tidak diminta dan aplikasi tidak dapat dinyatakan LAYAK.")
    port_database: int | None = Field(
        default=None, title="Port database",
        description="Opsional: port server basis data bila bukan port bawaan DBMS-nya "
                    "(mis. 5433); tanpa IP database, basis data dianggap berada di host "
                    "aplikasi. Bila kosong, semua port basis data umum diperiksa.",
        ge=1, le=65535)
    dokumentasi: Dokumentasi = Field(
        default_factory=Dokumentasi, title="Dokumentasi",
        description="Dokumen yang diserahkan bersama aplikasi.")
    uji_beban: UjiBeban | None = Field(
        default=None, validate_default=True, title="Uji beban",
        description="Wajib diisi bila jenis pengujian memuat stress_test.")
    penanggung_jawab_struktural: PenanggungJawab = _pj_struktural()
    penanggung_jawab_teknis: PenanggungJawab = _pj_teknis()
    pemohon: Pemohon = _pemohon()

    @field_validator("jenis_pengujian", mode="before")
    @classmethod
    def _satu_jenis(cls, nilai: Any) -> Any:
        return [nilai] if isinstance(nilai, str) else nilai

    @field_validator("uji_beban")
    @classmethod
    def _wajib_bila_stress_test(cls, nilai: UjiBeban | None,
                                info: ValidationInfo) -> UjiBeban | None:
        if nilai is None and "stress_test" in info.data.get("jenis_pengujian", ()):
            raise PydanticCustomError(
                "uji_beban_wajib", "{pesan}",
                {"pesan": "wajib diisi karena jenis pengujian memuat stress_test"})
        return nilai

    @field_serializer("jenis_pengujian")
    def _urutkan(self, nilai: set[str]) -> list[str]:
        return sorted(nilai)


class PermohonanVA(_Formulir):
    """Formulir Layanan Vulnerability Assessment pada Uji Kelayakan Aplikasi."""

    model_config = ConfigDict(
        title="Formulir Layanan Vulnerability Assessment pada Uji Kelayakan Aplikasi")

    nama_aplikasi: TeksSatuBaris = _nama_aplikasi()
    ip_aplikasi: AlamatIPHost = Field(
        title="IP aplikasi", description="Alamat IP server aplikasi (IPv4 atau IPv6).")
    ip_database: AlamatIPHost = Field(
        title="IP database", description="Alamat IP server basis data (IPv4 atau IPv6).")
    ip_jaringan: JaringanIP = Field(
        title="IP jaringan",
        description="Jaringan aplikasi dalam notasi CIDR dengan bit host nol, "
                    "mis. 10.10.20.0/24.")
    deskripsi: TeksBebas = _deskripsi()
    platform: Platform = _platform()
    bahasa_program: TeksSatuBaris = _bahasa()
    dbms: TeksSatuBaris = _dbms()
    engine_aplikasi: TeksSatuBaris = _engine()
    penanggung_jawab_struktural: PenanggungJawab = _pj_struktural()
    penanggung_jawab_teknis: PenanggungJawab = _pj_teknis()
    pemohon: Pemohon = _pemohon()


# --- Registry ----------------------------------------------------------------------------

JenisPermohonan = Literal["pembangunan", "uji-kelayakan", "va"]
"""The form types as the ``lpa`` command names them."""
JENIS_PERMOHONAN: tuple[str, ...] = ("pembangunan", "uji-kelayakan", "va")

Permohonan = PermohonanPembangunan | PermohonanUjiKelayakan | PermohonanVA

FORM_BY_JENIS: dict[str, type[PermohonanPembangunan | PermohonanUjiKelayakan | PermohonanVA]] = {
    "pembangunan": PermohonanPembangunan,
    "uji-kelayakan": PermohonanUjiKelayakan,
    "va": PermohonanVA,
}

_KUNCI_KHAS: dict[str, frozenset[str]] = {
    jenis: frozenset(kelas.model_fields).difference(
        *(lain.model_fields for j, lain in FORM_BY_JENIS.items() if j != jenis))
    for jenis, kelas in FORM_BY_JENIS.items()
}
"""Per form type, the keys no other form type has. A shared key tells nothing: the VA and the
feasibility form both have ``ip_database``, so a feasibility form giving a database host is
still told by ``url_aplikasi``, ``akun_uji``, ``jenis_pengujian``…, a VA form by
``ip_aplikasi`` and ``ip_jaringan``."""


def detect_jenis(data: Any) -> str | None:
    """Guess the form type from its keys; None when no key is distinctive or it is a tie."""
    if not isinstance(data, dict):
        return None
    kunci = set(data)
    skor = sorted(((len(kunci & khas), jenis) for jenis, khas in _KUNCI_KHAS.items()),
                  reverse=True)
    (terbaik, jenis), (kedua, _) = skor[0], skor[1]
    if terbaik == 0 or terbaik == kedua:
        return None
    return jenis


# --- What a flow run receives ------------------------------------------------------------
# A flow run's parameters are stored by Prefect and shown to whoever reaches its API, so the
# test account's password never travels in them: the client (``lpa submit``, the portal)
# deposits it encrypted in our store first, and the run receives the deposit's reference.

POLA_TITIPAN = r"^titipan-[0-9a-f]{32}$"
"""The shape of a deposit reference (``store.secrets.titipkan``)."""


class AkunUjiTitipan(_Formulir):
    """Akun uji sebagaimana diterima run intake: kata sandinya sudah dititipkan terenkripsi."""

    model_config = ConfigDict(title="Akun uji (kata sandi dititipkan)")

    username: TeksSatuBaris = _teks("Nama pengguna", "Nama pengguna akun uji aplikasi.",
                                    MAKS_NAMA)
    rahasia: str = Field(
        title="Rujukan titipan kata sandi",
        description="Rujukan kata sandi yang dititipkan terenkripsi di penyimpanan layanan "
                    "oleh portal atau `lpa submit`. Kata sandi sendiri tidak pernah dikirim "
                    "ke Prefect.",
        pattern=POLA_TITIPAN)


class PermohonanUjiKelayakanTitipan(PermohonanUjiKelayakan):
    """Formulir Layanan Uji Kelayakan Aplikasi, dengan kata sandi akun uji dititipkan."""

    model_config = ConfigDict(title="Formulir Layanan Uji Kelayakan Aplikasi")

    akun_uji: AkunUjiTitipan = Field(  # type: ignore[assignment]
        title="Akun uji", description="Nama pengguna dan rujukan titipan kata sandinya.")


PermohonanRun = PermohonanPembangunan | PermohonanUjiKelayakanTitipan | PermohonanVA
"""The intake run's ``permohonan`` parameter: a form with no secret in it."""

FORM_RUN_BY_JENIS: dict[str, type[PermohonanPembangunan | PermohonanUjiKelayakanTitipan
                                  | PermohonanVA]] = {
    "pembangunan": PermohonanPembangunan,
    "uji-kelayakan": PermohonanUjiKelayakanTitipan,
    "va": PermohonanVA,
}


def tanpa_rahasia(form: Permohonan, rujukan: str | None) -> dict[str, Any]:
    """The normalised form as a flow run may carry it: the password replaced by ``rujukan``.

    ``rujukan`` is required for a feasibility form and ignored for the others.
    """
    data = form.model_dump(mode="json")
    if isinstance(form, PermohonanUjiKelayakan):
        if not rujukan or not re.fullmatch(POLA_TITIPAN, rujukan):
            raise ValueError("rujukan titipan kata sandi tidak sah")
        data["akun_uji"] = {"username": form.akun_uji.username, "rahasia": rujukan}
    return data


def sidik_formulir(data: dict[str, Any]) -> str:
    """A fingerprint of a form's content without its secret or deposit reference.

    Two submissions of the same request have the same fingerprint whatever their deposits.
    """
    salinan = dict(data)
    akun = salinan.get("akun_uji")
    if isinstance(akun, dict):
        salinan["akun_uji"] = {"username": akun.get("username")}
    kanonik = json.dumps(salinan, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(kanonik.encode()).hexdigest()


# --- What a ticket keeps -----------------------------------------------------------------
# The ticket's stored form (``ticket.form``, JSON) is the validated form without the test
# account's password, which is kept apart, encrypted (``store/secrets.py``). Reading it back
# gives the typed model again: :func:`baca_formulir`.


class AkunUjiTersimpan(_Formulir):
    """Akun uji sebagaimana disimpan pada tiket: nama pengguna saja."""

    model_config = ConfigDict(title="Akun uji")

    username: TeksSatuBaris = _teks("Nama pengguna", "Nama pengguna akun uji aplikasi.",
                                    MAKS_NAMA)


class PermohonanUjiKelayakanTersimpan(PermohonanUjiKelayakan):
    """Formulir Layanan Uji Kelayakan Aplikasi sebagaimana disimpan pada tiket."""

    model_config = ConfigDict(title="Formulir Layanan Uji Kelayakan Aplikasi")

    akun_uji: AkunUjiTersimpan = Field(  # type: ignore[assignment]
        title="Akun uji",
        description="Nama pengguna akun uji; kata sandinya disimpan terpisah, terenkripsi.")


PermohonanTersimpan = PermohonanPembangunan | PermohonanUjiKelayakanTersimpan | PermohonanVA
"""A ticket's form as the ticket keeps it: typed, with no secret in it."""

FORM_TERSIMPAN_BY_JENIS: dict[str, type[PermohonanPembangunan
                                        | PermohonanUjiKelayakanTersimpan | PermohonanVA]] = {
    "pembangunan": PermohonanPembangunan,
    "uji-kelayakan": PermohonanUjiKelayakanTersimpan,
    "va": PermohonanVA,
}


def untuk_disimpan(form: Permohonan | PermohonanRun) -> PermohonanTersimpan:
    """The form as a ticket keeps it: the test account reduced to its username."""
    if isinstance(form, PermohonanUjiKelayakan):
        data = form.model_dump(exclude={"akun_uji"})
        return PermohonanUjiKelayakanTersimpan(
            **data, akun_uji=AkunUjiTersimpan(username=form.akun_uji.username))
    return form


def baca_formulir(jenis: str, data: dict[str, Any]) -> PermohonanTersimpan:
    """The typed form of a ticket of type ``jenis`` from its stored JSON (``ticket.form``).

    The stored JSON is what :func:`untuk_disimpan` gave, dumped once; validating it again
    gives the same model (a form that no longer validates raises pydantic's error).
    """
    return FORM_TERSIMPAN_BY_JENIS[str(getattr(jenis, "value", jenis))].model_validate(data)


def alamat_penanggung_jawab(form: Permohonan | PermohonanTersimpan) -> tuple[str, ...]:
    """The addresses of both penanggung jawab of a form, without repeats: where a return
    for completion and the outcome of the service go."""
    alamat = (form.penanggung_jawab_struktural.email, form.penanggung_jawab_teknis.email)
    return tuple(dict.fromkeys(a for a in alamat if a))
