"""Identity data of the request forms: NIP, eselon, phones, e-mail, IP addresses and URLs.

Each rule is a plain function (usable anywhere, raising :class:`GalatIdentitas` with an
Indonesian message that names the part and the rule) and an ``Annotated`` type for pydantic
models (raising ``PydanticCustomError`` with the same message, which
:func:`domain.errors.terjemahkan` passes through).

NIP layouts (18 digits, written with or without spaces, e.g. ``19850312 201001 1 004``)
    * PNS: ``YYYYMMDD`` date of birth, ``YYYYMM`` TMT CPNS, gender ``1``/``2``, sequence
      ``001``–``999``. The TMT is not after today and the civil servant was 18 to 46 years old
      in the TMT month.
    * NI PPPK: ``YYYYMMDD`` date of birth, ``YYYY`` year of appointment (2019, the first PPPK
      intake, or later; not in the future; age 18 or more that year), the code ``21`` where a
      PNS NIP has the TMT month (no month is 21, so the layouts cannot be confused), gender,
      sequence.

"Today" is injectable: :func:`urai_nip` takes ``hari_ini``; the :data:`Nip` type reads
``hari_ini`` from the validation context (``Model.model_validate(data,
context={"hari_ini": date(...)})``) and otherwise uses ``date.today()``.

Pure Python: the only file read is the public-suffix snapshot bundled with ``tldextract``
(never fetched from the network).
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    HttpUrl,
    StringConstraints,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    import tldextract

__all__ = [
    "ESELON_BERLAKU",
    "ESELON_PEMOHON",
    "PREFIKS_MINIMUM",
    "AlamatIPHost",
    "Email",
    "Eselon",
    "EselonPemohon",
    "GalatIdentitas",
    "JaringanIP",
    "Nip",
    "NipInfo",
    "StatusJabatan",
    "TeleponHP",
    "TeleponInternal",
    "UrlAplikasi",
    "alasan_ip_terlarang",
    "email_kedinasan",
    "eselon_rank",
    "host_url_tertulis",
    "memenuhi_eselon_pemohon",
    "normalisasi_email",
    "normalisasi_eselon",
    "normalisasi_nip",
    "normalisasi_telepon_hp",
    "normalisasi_telepon_internal",
    "periksa_eselon_pemohon",
    "periksa_host",
    "periksa_ip_host",
    "periksa_jaringan",
    "periksa_url_aplikasi",
    "pisah_status_jabatan",
    "urai_nip",
]


class GalatIdentitas(ValueError):
    """An identity value broke a rule; ``pesan`` is Indonesian, ``kode`` is the rule's id."""

    def __init__(self, kode: str, pesan: str) -> None:
        super().__init__(pesan)
        self.kode = kode
        self.pesan = pesan


def _galat_pydantic(exc: GalatIdentitas) -> PydanticCustomError:
    # The message goes through the context so braces in user input are never formatted.
    return PydanticCustomError(exc.kode, "{pesan}", {"pesan": exc.pesan})


def _validator(fungsi: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a rule so that it raises pydantic's custom error (the message passes through)."""

    @functools.wraps(fungsi)
    def pembungkus(nilai: Any, *args: Any) -> Any:
        try:
            return fungsi(nilai, *args)
        except GalatIdentitas as exc:
            raise _galat_pydantic(exc) from None

    return pembungkus


def _kutip(teks: str, batas: int = 60) -> str:
    """A user value for a message: shortened, never multi-line."""
    teks = " ".join(str(teks).split())
    return teks if len(teks) <= batas else teks[: batas - 1] + "…"


# --- NIP ---------------------------------------------------------------------------------

TAHUN_LAHIR_MIN = 1940
USIA_PENGANGKATAN_MIN = 18
USIA_PENGANGKATAN_MAKS_PNS = 46
TAHUN_PPPK_PERTAMA = 2019
KODE_PPPK = "21"


@dataclass(frozen=True)
class NipInfo:
    """What a valid NIP says.

    ``tmt`` is the 1st of the TMT CPNS month (PNS) or 1 January of the appointment year
    (PPPK): the NIP holds nothing finer.
    """

    nip: str
    jenis: Literal["PNS", "PPPK"]
    tanggal_lahir: date
    tmt: date
    jenis_kelamin: Literal["L", "P"]
    nomor_urut: int


def normalisasi_nip(nilai: str | int) -> str:
    """The NIP as 18 digits without spaces, or :class:`GalatIdentitas` ``nip_format``."""
    if isinstance(nilai, bool) or not isinstance(nilai, str | int):
        raise GalatIdentitas("nip_format", "NIP harus 18 digit angka")
    nip = "".join(str(nilai).split())
    if len(nip) != 18 or not (nip.isascii() and nip.isdigit()):
        rincian = (f"tertulis {len(nip)} digit" if nip.isascii() and nip.isdigit()
                   else "hanya angka dan spasi yang boleh")
        raise GalatIdentitas("nip_format", f"NIP harus 18 digit angka ({rincian})")
    return nip


def urai_nip(nilai: str | int, hari_ini: date | None = None) -> NipInfo:
    """Parse and check a NIP (PNS or NI PPPK); the first broken part raises GalatIdentitas."""
    hari_ini = hari_ini or date.today()
    nip = normalisasi_nip(nilai)
    lahir_teks = nip[:8]
    try:
        lahir = date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise GalatIdentitas(
            "nip_tanggal_lahir", f"NIP: tanggal lahir {lahir_teks} tidak ada") from None
    if lahir.year < TAHUN_LAHIR_MIN:
        raise GalatIdentitas(
            "nip_tanggal_lahir",
            f"NIP: tahun lahir {lahir.year} tidak wajar (minimal {TAHUN_LAHIR_MIN})")
    if lahir > hari_ini:
        raise GalatIdentitas(
            "nip_tanggal_lahir", f"NIP: tanggal lahir {lahir_teks} ada di masa depan")

    tahun_tmt = int(nip[8:12])
    if nip[12:14] == KODE_PPPK:
        jenis: Literal["PNS", "PPPK"] = "PPPK"
        if tahun_tmt < TAHUN_PPPK_PERTAMA:
            raise GalatIdentitas(
                "nip_tmt",
                f"NIP: tahun pengangkatan PPPK {tahun_tmt} tidak valid (PPPK pertama diangkat "
                f"tahun {TAHUN_PPPK_PERTAMA})")
        if tahun_tmt > hari_ini.year:
            raise GalatIdentitas(
                "nip_tmt", f"NIP: tahun pengangkatan PPPK {tahun_tmt} ada di masa depan")
        tmt = date(tahun_tmt, 1, 1)
        usia = tahun_tmt - lahir.year
        if usia < USIA_PENGANGKATAN_MIN:
            raise GalatIdentitas(
                "nip_usia",
                f"NIP: usia saat pengangkatan {usia} tahun tidak wajar "
                f"(minimal {USIA_PENGANGKATAN_MIN})")
    else:
        jenis = "PNS"
        bulan = int(nip[12:14])
        if not 1 <= bulan <= 12:
            raise GalatIdentitas(
                "nip_tmt",
                f"NIP: bulan TMT {nip[12:14]} tidak valid (harus 01–12, atau kode 21 untuk "
                "PPPK)")
        tmt = date(tahun_tmt, bulan, 1) if tahun_tmt >= 1 else date(1, 1, 1)
        if tmt > hari_ini:
            raise GalatIdentitas(
                "nip_tmt", f"NIP: TMT CPNS {nip[8:12]}-{nip[12:14]} ada di masa depan")
        usia = ((tahun_tmt * 12 + bulan) - (lahir.year * 12 + lahir.month)) // 12
        if not USIA_PENGANGKATAN_MIN <= usia <= USIA_PENGANGKATAN_MAKS_PNS:
            raise GalatIdentitas(
                "nip_usia",
                f"NIP: usia saat pengangkatan {usia} tahun tidak wajar (minimal "
                f"{USIA_PENGANGKATAN_MIN}, maksimal {USIA_PENGANGKATAN_MAKS_PNS})")

    if nip[14] not in "12":
        raise GalatIdentitas(
            "nip_jenis_kelamin", f"NIP: digit jenis kelamin harus 1 atau 2 (tertulis {nip[14]})")
    if nip[15:] == "000":
        raise GalatIdentitas("nip_nomor_urut", "NIP: nomor urut 000 tidak valid (001–999)")
    return NipInfo(
        nip=nip,
        jenis=jenis,
        tanggal_lahir=lahir,
        tmt=tmt,
        jenis_kelamin="L" if nip[14] == "1" else "P",
        nomor_urut=int(nip[15:]),
    )


def _nip_sebelum(nilai: Any) -> Any:
    # A JSON number is accepted (18 digits fit in an int and never start with 0).
    return str(nilai) if isinstance(nilai, int) and not isinstance(nilai, bool) else nilai


@_validator
def _validasi_nip(nilai: str, info: ValidationInfo) -> str:
    konteks = info.context if isinstance(info.context, dict) else {}
    return urai_nip(nilai, konteks.get("hari_ini")).nip


Nip = Annotated[
    str,
    BeforeValidator(_nip_sebelum),
    AfterValidator(_validasi_nip),
    Field(examples=["19850312 201001 1 004"]),
]
"""A PNS NIP or NI PPPK, normalised to 18 digits."""


# --- Eselon ------------------------------------------------------------------------------

ESELON_BERLAKU: tuple[str, ...] = (
    "I.a", "I.b", "II.a", "II.b", "III.a", "III.b", "IV.a", "IV.b", "V.a",
)
"""Every eselon, most senior first (PP 13/2002): the order of :func:`eselon_rank`."""
ESELON_PEMOHON: tuple[str, ...] = ESELON_BERLAKU[: ESELON_BERLAKU.index("III.b") + 1]
"""The eselons a requester may hold: I.a through III.b."""

StatusJabatan = Literal["definitif", "plt", "plh"]

_ROMAWI = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V",
           "i": "I", "ii": "II", "iii": "III", "iv": "IV", "v": "V"}
_POLA_ESELON = re.compile(r"(?:eselon\s*)?(iv|v|i{1,3}|[1-5])\s*[.\-\s]?\s*([ab])\.?", re.I)
_POLA_STATUS = re.compile(r"(plt|plh)(?:\.|\s|$)\s*", re.I)
_SYARAT_PEMOHON = "Pemohon minimal pejabat eselon III (I.a s.d. III.b, termasuk Plt./Plh.)"


def pisah_status_jabatan(nilai: str) -> tuple[StatusJabatan | None, str]:
    """Split a leading ``Plt.``/``Plh.`` off an eselon: ``"Plt. II.b"`` → ``("plt", "II.b")``."""
    teks = nilai.strip()
    cocok = _POLA_STATUS.match(teks)
    if cocok is None:
        return None, teks
    status: StatusJabatan = "plt" if cocok.group(1).lower() == "plt" else "plh"
    return status, teks[cocok.end():].strip()


def normalisasi_eselon(nilai: str) -> str:
    """Canonical eselon (``III.a``) from lenient input (``3a``, ``iii.b``, ``III a``).

    A ``Plt.``/``Plh.`` prefix is ignored here (see :func:`pisah_status_jabatan`).
    """
    _, teks = pisah_status_jabatan(str(nilai))
    cocok = _POLA_ESELON.fullmatch(teks)
    if cocok is None:
        raise GalatIdentitas(
            "eselon_tidak_dikenal",
            f"Eselon '{_kutip(teks)}' tidak dikenal; tulis misalnya III.a, II.b atau Plt. III.a")
    kanonik = f"{_ROMAWI[cocok.group(1).lower()]}.{cocok.group(2).lower()}"
    if kanonik not in ESELON_BERLAKU:
        raise GalatIdentitas("eselon_tidak_dikenal", f"Eselon {kanonik} tidak dikenal")
    return kanonik


def eselon_rank(eselon: str) -> int:
    """Position in the hierarchy, 0 for I.a up to 8 for V.a: smaller is more senior.

    Accepts lenient input like :func:`normalisasi_eselon`; ``eselon_rank(e) <=
    eselon_rank("III.b")`` means "at least eselon III".
    """
    return ESELON_BERLAKU.index(normalisasi_eselon(eselon))


def memenuhi_eselon_pemohon(eselon: str) -> bool:
    """True when the eselon is I.a through III.b (the requester's minimum)."""
    try:
        return eselon_rank(eselon) <= ESELON_BERLAKU.index("III.b")
    except GalatIdentitas:
        return False


def periksa_eselon_pemohon(nilai: str) -> str:
    """The canonical eselon of a requester, who must be at least eselon III."""
    try:
        kanonik = normalisasi_eselon(nilai)
    except GalatIdentitas:
        _, teks = pisah_status_jabatan(str(nilai))
        raise GalatIdentitas(
            "eselon_tidak_memenuhi",
            f"{_SYARAT_PEMOHON}; '{_kutip(teks)}' bukan eselon yang dikenal") from None
    if kanonik not in ESELON_PEMOHON:
        raise GalatIdentitas(
            "eselon_tidak_memenuhi", f"{_SYARAT_PEMOHON}; eselon {kanonik} tidak memenuhi syarat")
    return kanonik


_CONTOH_ESELON = Field(examples=["III.a", "II.b", "Plt. III.b"])
Eselon = Annotated[str, StringConstraints(max_length=40),
                   AfterValidator(_validator(normalisasi_eselon)), _CONTOH_ESELON]
"""Any eselon I.a … V.a, normalised."""
EselonPemohon = Annotated[str, StringConstraints(max_length=40),
                          AfterValidator(_validator(periksa_eselon_pemohon)), _CONTOH_ESELON]
"""An eselon of I.a … III.b, normalised; lower ones are refused."""


# --- Phones ------------------------------------------------------------------------------

def _urai_telepon(teks: str, label: str) -> phonenumbers.PhoneNumber:
    try:
        nomor = phonenumbers.parse(teks, "ID")
    except NumberParseException:
        raise GalatIdentitas(
            "telepon", f"{label} '{_kutip(teks)}' tidak dapat dibaca sebagai nomor telepon") \
            from None
    if phonenumbers.region_code_for_number(nomor) != "ID":
        raise GalatIdentitas(
            "telepon", f"{label} '{_kutip(teks)}' bukan nomor Indonesia (+62)")
    if not phonenumbers.is_valid_number(nomor):
        raise GalatIdentitas(
            "telepon", f"{label} '{_kutip(teks)}' bukan nomor telepon Indonesia yang valid")
    return nomor


def normalisasi_telepon_hp(nilai: str) -> str:
    """An Indonesian mobile number in E.164 (``+6282180640997``)."""
    teks = nilai.strip()
    nomor = _urai_telepon(teks, "Nomor HP")
    jenis = phonenumbers.number_type(nomor)
    if jenis != PhoneNumberType.MOBILE:
        if jenis in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
            raise GalatIdentitas(
                "telepon_hp",
                f"Nomor HP '{_kutip(teks)}' adalah nomor telepon tetap (kantor/rumah), bukan "
                "nomor seluler; nomor kantor diisi pada telepon_internal")
        raise GalatIdentitas("telepon_hp", f"Nomor HP '{_kutip(teks)}' bukan nomor seluler")
    return phonenumbers.format_number(nomor, PhoneNumberFormat.E164)


_POLA_EKSTENSI = re.compile(r"(?:(?:ext|ekst|psw|pes|x)\.?\s*)?(\d{2,6})", re.I)


def normalisasi_telepon_internal(nilai: str) -> str:
    """An extension of 2–6 digits (``"Psw. 214"`` → ``"214"``) or an Indonesian fixed line in E.164.

    ``"0717-4262141"`` → ``"+627174262141"``. A mobile number is refused (it goes in telepon_hp).
    """
    teks = nilai.strip()
    ekstensi = _POLA_EKSTENSI.fullmatch(teks)
    if ekstensi is not None:
        return ekstensi.group(1)
    label = "Nomor telepon internal"
    try:
        nomor = _urai_telepon(teks, label)
    except GalatIdentitas as exc:
        raise GalatIdentitas(
            "telepon_internal",
            f"{exc.pesan}; isi nomor ekstensi 2–6 angka atau nomor telepon kantor, "
            "mis. 0717-4262141") from None
    jenis = phonenumbers.number_type(nomor)
    if jenis not in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise GalatIdentitas(
            "telepon_internal",
            f"{label} '{_kutip(teks)}' bukan nomor telepon tetap (kantor); nomor seluler "
            "diisi pada telepon_hp")
    return phonenumbers.format_number(nomor, PhoneNumberFormat.E164)


TeleponHP = Annotated[str, StringConstraints(max_length=40),
                      AfterValidator(_validator(normalisasi_telepon_hp)),
                      Field(examples=["0821-8064-0997", "+62 821 8064 0997"])]
TeleponInternal = Annotated[str, StringConstraints(max_length=40),
                            AfterValidator(_validator(normalisasi_telepon_internal)),
                            Field(examples=["214", "0717-4262141"])]


# --- E-mail ------------------------------------------------------------------------------

_EMAIL_ID: tuple[tuple[str, str], ...] = (
    (r"full-width|small commercial at", "gunakan tanda @ biasa"),
    (r"must have an @-sign", "tanda @ tidak ada"),
    (r"something before the @-sign", "bagian sebelum tanda @ kosong"),
    (r"something after the @-sign", "bagian sesudah tanda @ kosong"),
    (r"display name|angle bracket", "tulis alamatnya saja, tanpa nama atau kurung sudut"),
    (r"anything after the email address|after close quote", "ada teks sesudah alamat"),
    (r"too long before the @-sign", "bagian sebelum tanda @ terlalu panjang"),
    (r"too long", "alamat terlalu panjang"),
    (r"should have a period", "nama domain sesudah tanda @ harus memuat titik, "
                              "mis. babelprov.go.id"),
    (r"two periods in a row", "tidak boleh ada dua titik berurutan"),
    (r"period and a hyphen", "titik dan tanda hubung tidak boleh bersebelahan"),
    (r"cannot (?:start|end) with a period|period", "titik tidak boleh di awal atau di akhir"),
    (r"hyphen", "tanda hubung tidak boleh di awal atau di akhir nama domain"),
    (r"valid top-level domain", "domain tingkat atas sesudah tanda @ tidak sah"),
    (r"special-use or reserved", "nama domain sesudah tanda @ adalah nama khusus/cadangan "
                                 "yang tidak dapat menerima surat"),
    (r"brackets|bracketed", "alamat IP dalam kurung siku tidak diizinkan"),
    (r"Quoting|quotes", "tanda kutip pada bagian sebelum @ tidak diizinkan"),
    (r"before the @-sign", "bagian sebelum tanda @ memuat karakter yang tidak diizinkan"),
    (r"after the @-sign|IDNA", "nama domain sesudah tanda @ memuat karakter yang tidak "
                               "diizinkan"),
    (r"character|ASCII", "alamat memuat karakter yang tidak diizinkan"),
)


def _terjemahkan_email(pesan: str) -> str:
    for pola, terjemahan in _EMAIL_ID:
        if re.search(pola, pesan, re.I):
            return terjemahan
    return "format alamat tidak dikenali"


def normalisasi_email(nilai: str) -> str:
    """The normalised address (domain in lower case); deliverability is not checked."""
    teks = nilai.strip()
    if not teks:
        raise GalatIdentitas("email", "Alamat surat elektronik tidak valid: kosong")
    try:
        hasil = validate_email(teks, check_deliverability=False)
    except EmailNotValidError as exc:
        raise GalatIdentitas(
            "email", f"Alamat surat elektronik tidak valid: {_terjemahkan_email(str(exc))}") \
            from None
    return hasil.normalized


@functools.cache
def ekstraktor_domain() -> tldextract.TLDExtract:
    """tldextract's offline extractor (its bundled Public Suffix List), made once."""
    # Imported on first use: a tenth of a second that every `lpa` verb would pay otherwise.
    import tldextract

    # Offline: the bundled public-suffix snapshot, no fetch, no cache directory.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def email_kedinasan(email: str) -> bool:
    """True when the address is under an official government domain (registrable suffix go.id).

    ``dinkes.babelprov.go.id`` and ``babelprov.go.id`` are; ``gmail.com`` and
    ``go.id.example.com`` are not.
    """
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    hasil = ekstraktor_domain()(domain)
    return hasil.suffix == "go.id" and bool(hasil.domain)


Email = Annotated[str, StringConstraints(max_length=320),
                  AfterValidator(_validator(normalisasi_email)),
                  Field(examples=["budi.santoso@babelprov.go.id"])]


# --- IP addresses, networks and URL hosts: one rule set ---------------------------------------
# Every address the office may be asked to test goes through alasan_ip_terlarang: the VA
# form's ip_aplikasi/ip_database, each end of its ip_jaringan, the host of the feasibility
# form's url_aplikasi, and the target of `lpa kelaikan` (domain.kelaikan.TargetUji).

PREFIKS_MINIMUM: dict[int, int] = {4: 16, 6: 48}
"""The widest network a request may name: /16 for IPv4, /48 for IPv6 (docs/decisions.md)."""

_SIARAN = ipaddress.IPv4Address("255.255.255.255")
_JARINGAN_INI = ipaddress.IPv4Network("0.0.0.0/8")
_METADATA_AWAN = frozenset({
    ipaddress.ip_address("169.254.169.254"),   # AWS, GCP, Azure, OpenStack (also link-local)
    ipaddress.ip_address("fd00:ec2::254"),     # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),   # Alibaba Cloud
})
"""Cloud instance-metadata services: never a test target, whatever their range allows."""

AlamatIP = ipaddress.IPv4Address | ipaddress.IPv6Address


def alasan_ip_terlarang(ip: AlamatIP) -> str | None:
    """Why ``ip`` can never be a test target (Indonesian), or None when it can.

    Loopback (127.0.0.0/8, ::1) is allowed: the tests and the demo target it. Refused:
    unspecified (and the rest of 0.0.0.0/8), broadcast, multicast, link-local, cloud metadata
    and reserved addresses, and an IPv4-mapped IPv6 address (``::ffff:a.b.c.d``) whose IPv4
    address is one of those.
    """
    if ip.version == 6 and ip.ipv4_mapped is not None:
        alasan = alasan_ip_terlarang(ip.ipv4_mapped)
        return (f"alamat IPv4-mapped yang menunjuk ke {ip.ipv4_mapped}, {alasan}"
                if alasan else None)
    if ip.is_loopback:
        return None
    if ip.is_unspecified:
        return "alamat tak tertentu (unspecified)"
    if ip.version == 4 and ip in _JARINGAN_INI:
        return "alamat 'jaringan ini' (0.0.0.0/8)"
    if ip == _SIARAN:
        return "alamat siaran (broadcast)"
    if ip.is_multicast:
        return "alamat multicast"
    if ip.is_link_local:
        return "alamat link-local"
    if ip in _METADATA_AWAN:
        return "alamat layanan metadata awan (cloud metadata)"
    if ip.is_reserved:
        return "alamat cadangan (reserved)"
    return None


def periksa_ip_host(nilai: str) -> str:
    """A single IPv4/IPv6 address that can be a host (loopback allowed), normalised."""
    teks = nilai.strip()
    if "/" in teks:
        raise GalatIdentitas(
            "ip_host",
            f"Alamat IP '{_kutip(teks)}' harus satu alamat host tanpa awalan /; jaringan "
            "diisi pada ip_jaringan")
    try:
        ip = ipaddress.ip_address(teks)
    except ValueError:
        raise GalatIdentitas(
            "ip_host", f"'{_kutip(teks)}' bukan alamat IPv4/IPv6 yang sah") from None
    alasan = alasan_ip_terlarang(ip)
    if alasan:
        raise GalatIdentitas(
            "ip_host", f"Alamat IP {ip} adalah {alasan} dan tidak dapat menjadi alamat host")
    return str(ip)


def _alasan_jaringan(jaringan: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str | None:
    """Why a network may not be tested (Indonesian), or None: the address rules applied to
    its first and last address, the cloud metadata addresses, then its width."""
    if jaringan.is_loopback:
        return None  # 127.0.0.0/8 never leaves the machine, whatever its width
    alasan: list[str] = []
    ujung = (jaringan.network_address, jaringan.broadcast_address)
    for ip in (*ujung, *sorted(_METADATA_AWAN, key=str)):
        if ip.version == jaringan.version and ip in jaringan:
            alasan_ip = alasan_ip_terlarang(ip)
            if alasan_ip:
                alasan.append(f"memuat {ip}, {alasan_ip}")
                break  # the first is enough; the width follows
    minimum = PREFIKS_MINIMUM[jaringan.version]
    if jaringan.prefixlen < minimum:
        alasan.append(f"terlalu luas (/{jaringan.prefixlen}; paling luas /{minimum} untuk "
                      f"IPv{jaringan.version})")
    return " dan ".join(alasan) or None


def periksa_jaringan(nilai: str, *, ketat: bool = True) -> str:
    """A network in CIDR, normalised to ``address/prefix``.

    ``ketat`` (the form): host bits must be zero. Without it (``lpa kelaikan``) they are
    cleared. Either way the network must pass the address rules and be no wider than
    :data:`PREFIKS_MINIMUM`.
    """
    teks = nilai.strip()
    if "/" not in teks:
        raise GalatIdentitas(
            "ip_jaringan",
            f"Jaringan IP '{_kutip(teks)}' harus ditulis dalam notasi CIDR, mis. 10.10.0.0/24")
    try:
        jaringan = ipaddress.ip_network(teks, strict=ketat)
    except ValueError:
        try:
            longgar = ipaddress.ip_network(teks, strict=False)
        except ValueError:
            raise GalatIdentitas(
                "ip_jaringan",
                f"'{_kutip(teks)}' bukan jaringan IP yang sah (notasi CIDR, mis. "
                "192.168.1.0/24)") from None
        raise GalatIdentitas(
            "ip_jaringan", f"{_kutip(teks)} bukan alamat jaringan; maksud Anda {longgar}?") \
            from None
    alasan = _alasan_jaringan(jaringan)
    if alasan:
        raise GalatIdentitas(
            "ip_jaringan", f"Jaringan IP {jaringan} {alasan}; sebutkan jaringan aplikasi yang "
                           "akan diuji")
    return str(jaringan)


AlamatIPHost = Annotated[str, StringConstraints(max_length=64),
                         AfterValidator(_validator(periksa_ip_host)),
                         Field(examples=["10.10.20.15"])]
JaringanIP = Annotated[str, StringConstraints(max_length=64),
                       AfterValidator(_validator(periksa_jaringan)),
                       Field(examples=["10.10.20.0/24"])]


# --- URL ---------------------------------------------------------------------------------
# The URL parser (WHATWG, as browsers and pydantic's HttpUrl) rewrites hosts silently:
# "2130706433", "0x7f000001", "017700000001" and "127.1" all become 127.0.0.1, percent-escapes
# in the host are decoded, and tabs and line breaks anywhere are dropped. So the host is
# checked as written, before parsing: it must be a dotted-quad IPv4 address, a bracketed IPv6
# literal or a DNS name in ASCII; then the parsed host goes through the address rules.

_OKTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_POLA_IPV4 = re.compile(rf"{_OKTET}(?:\.{_OKTET}){{3}}")
_POLA_LABEL_DNS = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_POLA_ANGKA = re.compile(r"[0-9]+|0x[0-9a-f]*")
_POLA_SKEMA_HTTP = re.compile(r"(https?):", re.I)
_PEMISAH_OTORITAS = re.compile(r"[/\\?#]")
_URL = "URL aplikasi"


def host_url_tertulis(teks: str) -> str | None:
    """The host of an http(s) URL exactly as written (brackets kept), or None when the text
    is not an http(s) URL with an authority (the URL parser then says what is wrong)."""
    cocok = _POLA_SKEMA_HTTP.match(teks)
    if cocok is None:
        return None
    sisa = teks[cocok.end():].lstrip("/\\")  # "http:host", "http:\\host" parse as "http://host"
    otoritas = _PEMISAH_OTORITAS.split(sisa, maxsplit=1)[0]
    host_port = otoritas.rpartition("@")[2]
    if host_port.startswith("["):
        return host_port.partition("]")[0] + "]" if "]" in host_port else host_port
    return host_port.partition(":")[0] or None


def periksa_host(host: str, label: str = _URL) -> str:
    """A host of a URL to be tested, as written: a dotted-quad IPv4 address, a bracketed IPv6
    literal or an ASCII DNS name; IP addresses must pass :func:`alasan_ip_terlarang`.

    Returns the host in lower case (IPv6 without brackets). ``label`` names the field in the
    messages.
    """
    ditulis = host
    if host.startswith("["):
        if not host.endswith("]"):
            raise GalatIdentitas(
                "url_host", f"{label}: alamat IPv6 '{_kutip(ditulis)}' harus ditutup dengan ]")
        try:
            ip: AlamatIP = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise GalatIdentitas(
                "url_host", f"{label}: '{_kutip(ditulis)}' bukan alamat IPv6 yang sah") \
                from None
        return _host_ip(ip, label)
    if not host:
        raise GalatIdentitas("url_host", f"{label} harus memuat nama host")
    if not host.isascii():
        raise GalatIdentitas(
            "url_host",
            f"{label}: nama host '{_kutip(ditulis)}' harus ditulis dengan huruf ASCII (nama "
            "domain internasional ditulis dalam bentuk xn--…)")
    if "%" in host:
        raise GalatIdentitas(
            "url_host", f"{label}: nama host '{_kutip(ditulis)}' tidak boleh memuat kode persen "
                        "(%)")
    host = host.lower()
    if _POLA_IPV4.fullmatch(host):
        return _host_ip(ipaddress.IPv4Address(host), label)
    label_dns = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if _POLA_ANGKA.fullmatch(label_dns[-1]):
        raise GalatIdentitas(
            "url_host_angka",
            f"{label}: host '{_kutip(ditulis)}' bukan alamat IPv4 baku; tulis empat bagian "
            "desimal 0–255 tanpa nol di depan (mis. 10.10.20.15) atau nama domain. Penulisan "
            "angka lain (desimal utuh, oktal, heksadesimal, disingkat) tidak diterima")
    if len(host) > 253 or not all(_POLA_LABEL_DNS.fullmatch(b) for b in label_dns):
        raise GalatIdentitas(
            "url_host",
            f"{label}: '{_kutip(ditulis)}' bukan nama host yang sah (tiap bagian nama domain "
            "hanya huruf, angka dan tanda hubung, 1–63 karakter, tidak diawali atau diakhiri "
            "tanda hubung)")
    return host


def _host_ip(ip: AlamatIP, label: str) -> str:
    alasan = alasan_ip_terlarang(ip)
    if alasan:
        raise GalatIdentitas(
            "url_host", f"{label}: host {ip} adalah {alasan} dan tidak dapat diuji")
    return str(ip)


def _karakter_kendali_url(teks: str, label: str) -> None:
    for karakter in teks:
        if unicodedata.category(karakter) in ("Cc", "Cf"):
            raise GalatIdentitas(
                "url_karakter",
                f"{label} tidak boleh memuat karakter kendali atau karakter tak terlihat "
                f"(U+{ord(karakter):04X})")


def _url_sebelum(nilai: Any) -> Any:
    """The URL text checked as written (see above) before the parser rewrites it."""
    if not isinstance(nilai, str):
        return nilai
    teks = nilai.strip()
    _karakter_kendali_url(teks, _URL)
    host = host_url_tertulis(teks)
    if host is not None:
        periksa_host(host)
    return teks


def periksa_url_aplikasi(url: HttpUrl) -> HttpUrl:
    """An http(s) URL with a host that may be tested and no credentials (those go in akun_uji).

    The host as parsed goes through the address rules (the parser writes an IPv4-mapped IPv6
    address in hex, ``[::ffff:a9fe:a9fe]``, so this catches it however it was written).
    """
    if url.username or url.password:
        raise GalatIdentitas(
            "url_kredensial",
            "URL aplikasi tidak boleh memuat nama pengguna atau kata sandi (bentuk "
            "pengguna:sandi@host); isikan akun uji pada kolom akun_uji")
    if not url.host:
        raise GalatIdentitas("url_tanpa_host", "URL aplikasi harus memuat nama host")
    periksa_host(url.host)
    return url


UrlAplikasi = Annotated[HttpUrl, BeforeValidator(_validator(_url_sebelum)),
                        AfterValidator(_validator(periksa_url_aplikasi)),
                        Field(examples=["https://aplikasi.babelprov.go.id/"])]
