"""Uji kelaikan (feasibility test): categories, checks, findings and the verdict.

The service catalog SC-04/EGOTIK/2023 calls a web application feasible ("layak") only when it
passes six security tests: folder/file structure, data validation, authentication and session
management, input and error messages, the database management system, and "other" (use of an
application framework and of official e-mail). A stress test (uji beban) may be requested
beside them.

Every check has a stable id (``<category>.<name>``), one OWASP WSTG v4.2 test id, one CWE and a
default severity; :data:`CEK` lists them. A check run yields findings (:class:`Temuan`); the
findings of one category make its result (:class:`HasilKategori`); the results make the report
(:class:`LaporanKelaikan`) and its verdict.

Status of a category (:func:`hasil_kategori`)
    * ``gagal``: at least one finding of severity ``tinggi`` or ``sedang``.
    * ``tidak_diuji``: no such finding, but the category could not be tested completely: an
      input it needs was not given (e.g. no database host), it is not available yet, or one of
      its checks failed or timed out. ``reason`` says which and why.
    * ``lulus``: every check ran and none found anything above ``rendah``.
    A ``gagal`` category whose other checks could not run keeps ``gagal`` and names those
    checks in ``reason``.

Why a check did not run (:func:`sebab_tidak_diuji`), two different things
    * ``tidak_diminta``: the request did not ask for it or gave none of the data it needs
      (:data:`ALASAN_TIDAK_DIMINTA`: no database host, no test account, a stress test without
      load figures). The requester clears it by giving that data.
    * ``tidak_dapat_diuji``: it was asked for but could not be tested (the application or the
      database did not answer, an error, a time limit, the test account could not log in).

Verdict (:func:`tentukan_verdict`), over the categories present in the report
    1. ``TIDAK_LAYAK`` when any finding is ``tinggi``, or two or more categories are ``gagal``.
    2. Otherwise ``LAYAK_DENGAN_CATATAN`` when exactly one category is ``gagal`` (then only
       with ``sedang`` findings), or there are ``rendah`` findings, or any category is
       ``tidak_diuji``, whether ``tidak_diminta`` or ``tidak_dapat_diuji``: the catalog
       calls an application layak only when it passes every test of the vulnerability test,
       the database management system test included, so a request without a database host
       cannot be LAYAK (docs/decisions.md #17).
    3. Otherwise ``LAYAK``: every category ``lulus`` with no finding above ``info``.
    A report in which not one category could be tested has no verdict: the test itself did
    not run (:class:`UjiTidakDapatDinilai`). :func:`alasan_verdict` says in words why a
    verdict is not LAYAK, naming what was not requested (and what the requester should give)
    apart from what could not be tested (and why).

The stress-test category appears only when a stress test was requested (the form's
``jenis_pengujian`` lets the requester choose it): one not requested is not in the report
and does not count.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from domain.identitas import (
    GalatIdentitas,
    alasan_ip_terlarang,
    host_url_tertulis,
    periksa_host,
    periksa_jaringan,
)
from domain.kelaikan_sesi_dbms_lain import CEK_SESI_DBMS_LAIN
from domain.kelaikan_struktur_input import CEK_STRUKTUR_INPUT

KategoriId = Literal[
    "struktur", "validasi_data", "otentikasi_sesi", "input_error", "dbms", "lain_lain",
    "uji_beban",
]
Severity = Literal["tinggi", "sedang", "rendah", "info"]
StatusKategori = Literal["lulus", "gagal", "tidak_diuji"]
Verdict = Literal["LAYAK", "LAYAK_DENGAN_CATATAN", "TIDAK_LAYAK"]

KATEGORI: dict[str, str] = {
    "struktur": "Struktur folder atau file website",
    "validasi_data": "Validasi data",
    "otentikasi_sesi": "Otentikasi dan manajemen session",
    "input_error": "Input dan error message",
    "dbms": "Database management system",
    "lain_lain": "Lain-lain (penggunaan framework aplikasi dan penggunaan email kedinasan)",
    "uji_beban": "Uji beban (stress test)",
}
"""Category ids and their names, in the catalog's order and wording ("Spesifikasi Layanan"
point 4: "Pengujian kelayakan struktur folder atau file website, Pengujian validasi data,
Pengujian otentikasi dan manajemen session, ..."), without the leading "Pengujian". The one
table of names: every report, artifact and command reads it (never a copy)."""

def nama_kategori(kategori: str) -> str:
    """The name of a category id (:data:`KATEGORI`); an unknown id readably, as a fallback."""
    if kategori in KATEGORI:
        return KATEGORI[kategori]
    teks = str(kategori).replace("_", " ").strip()
    return teks[:1].upper() + teks[1:] or "—"


KATEGORI_KEAMANAN: tuple[str, ...] = tuple(k for k in KATEGORI if k != "uji_beban")
"""The six security categories, always tested together."""

BOBOT_SEVERITY: dict[str, int] = {"tinggi": 3, "sedang": 2, "rendah": 1, "info": 0}
SEVERITY_GAGAL = frozenset({"tinggi", "sedang"})
"""Severities that make a category fail."""

SUFIKS_KEDINASAN = "go.id"
"""Official e-mail of Indonesian government bodies lives under this public suffix."""

ALASAN_BELUM_TERSEDIA = "belum tersedia"
ALASAN_TANPA_DB = "host/port basis data tidak disebut dalam permohonan"
ALASAN_TANPA_DATA_BEBAN = ("data uji beban (pengguna per hari, jam efektif per hari, lama "
                           "transaksi) tidak diberikan")
ALASAN_TANPA_AKUN = "akun uji tidak diberikan"

TINDAKAN_PEMOHON: tuple[tuple[str, str], ...] = (
    (ALASAN_TANPA_DB,
     "cantumkan alamat IP server basis data pada permohonan (isian IP database; port "
     "database bila bukan port bawaan DBMS-nya), pastikan server itu dapat dijangkau dari "
     "jaringan penguji, lalu ajukan uji ulang"),
    (ALASAN_TANPA_DATA_BEBAN,
     "lengkapi data uji beban pada formulir (estimasi maksimum pengguna per hari, jam efektif "
     "pengaksesan per hari, lama pengguna bertransaksi), lalu ajukan uji ulang"),
    (ALASAN_TANPA_AKUN,
     "sertakan akun uji (nama pengguna dan kata sandi) pada permohonan, lalu ajukan uji ulang"),
    ("login dengan akun uji tidak berhasil",
     "pastikan akun uji yang diberikan aktif dan dapat masuk melalui halaman login aplikasi, "
     "lalu ajukan uji ulang"),
)
"""What the requester should do about a reason a check did not run: the first entry whose
text occurs in the reason."""
TINDAKAN_UMUM = ("pastikan aplikasi (dan server yang disebut dalam permohonan) dapat dijangkau "
                 "dari jaringan penguji selama pengujian, lalu ajukan uji ulang")


def tindakan_pemohon(alasan: str) -> str:
    """What the requester should do so that a check not run for ``alasan`` can run."""
    return next((t for kunci, t in TINDAKAN_PEMOHON if kunci in alasan), TINDAKAN_UMUM)


ALASAN_TIDAK_DIMINTA: tuple[str, ...] = (ALASAN_TANPA_DB, ALASAN_TANPA_DATA_BEBAN,
                                         ALASAN_TANPA_AKUN)
"""Reasons meaning the request gave none of the data a check needs: "tidak diminta"."""

SebabTidakDiuji = Literal["tidak_diminta", "tidak_dapat_diuji"]
LABEL_SEBAB: dict[str, str] = {
    "tidak_diminta": "tidak diminta dalam permohonan",
    "tidak_dapat_diuji": "tidak dapat diuji",
}
"""How a report names the two reasons a check did not run."""


def sebab_tidak_diuji(alasan: str | None) -> SebabTidakDiuji:
    """``tidak_diminta`` when ``alasan`` says the request gave no data for the check (no
    database host, no test account, no load figures); otherwise ``tidak_dapat_diuji``: it
    was asked for and could not be tested (unreachable, error, time limit, login failed)."""
    teks = alasan or ""
    return ("tidak_diminta" if any(a in teks for a in ALASAN_TIDAK_DIMINTA)
            else "tidak_dapat_diuji")


_ID_CEK = re.compile(r"(?:^|; )([a-z_]+\.[a-z0-9_]+): ")


def alasan_per_cek(alasan: str | None) -> tuple[dict[str, str], str | None]:
    """A category's ``reason`` read back: ``"a.b: sebab; c.d: sebab"`` -> ({check id:
    reason}, None); any other text is the category's own reason -> ({}, text)."""
    if not alasan:
        return {}, None
    posisi = [(m.start(1), m.end(), m.group(1)) for m in _ID_CEK.finditer(alasan)]
    if not posisi or posisi[0][0] != 0:
        return {}, alasan
    hasil = {}
    for i, (_, akhir, cid) in enumerate(posisi):
        ujung = posisi[i + 1][0] - 2 if i + 1 < len(posisi) else len(alasan)
        hasil[cid] = alasan[akhir:ujung].strip()
    return hasil, None


class UjiTidakDapatDinilai(ValueError):
    """Not one category could be tested: the report would carry no information."""


# --- Findings and results ----------------------------------------------------------------

class Temuan(BaseModel):
    """One finding: what was seen, how bad it is, where it is defined, what to do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    check_id: str = Field(pattern=r"^[a-z_]+\.[a-z0-9_]+$")
    title: str
    severity: Severity
    wstg: str = Field(pattern=r"^WSTG-[A-Z]{4}-\d{2}$")
    cwe: str = Field(pattern=r"^CWE-\d+$")
    evidence: str
    recommendation: str


class HasilKategori(BaseModel):
    """The result of one category."""

    model_config = ConfigDict(extra="forbid")

    id: KategoriId
    status: StatusKategori
    reason: str | None = None
    """Why the category (or some of its checks) was not tested; None when all ran."""
    findings: list[Temuan] = Field(default_factory=list)
    checks_run: list[str] = Field(default_factory=list)
    """Ids of the checks that ran to the end, findings or not."""
    beban: dict[str, object] | None = None
    """uji_beban only: the measurements, ``domain.beban.RingkasanBeban`` as JSON data."""

    @property
    def title(self) -> str:
        return KATEGORI[self.id]

    @model_validator(mode="after")
    def _status_konsisten(self) -> HasilKategori:
        gagal = any(t.severity in SEVERITY_GAGAL for t in self.findings)
        if gagal != (self.status == "gagal"):
            raise ValueError(
                f"status {self.status!r} kategori {self.id} tidak sesuai dengan temuannya"
            )
        if self.status == "tidak_diuji" and not self.reason:
            raise ValueError(f"kategori {self.id} tidak diuji tanpa alasan")
        return self


def hasil_kategori(
    kategori: str,
    findings: Iterable[Temuan],
    checks_run: Iterable[str],
    tidak_jalan: dict[str, str] | None = None,
) -> HasilKategori:
    """The result of ``kategori`` from its findings, the checks that ran, and those that did
    not (check id -> reason, in Bahasa Indonesia)."""
    findings = sorted(findings, key=lambda t: (-BOBOT_SEVERITY[t.severity], t.check_id))
    tidak_jalan = dict(tidak_jalan or {})
    alasan = "; ".join(f"{cek}: {sebab}" for cek, sebab in tidak_jalan.items()) or None
    if any(t.severity in SEVERITY_GAGAL for t in findings):
        status: StatusKategori = "gagal"
    elif tidak_jalan:
        status = "tidak_diuji"
    else:
        status = "lulus"
    return HasilKategori(
        id=kategori, status=status, reason=alasan, findings=findings,
        checks_run=list(dict.fromkeys(checks_run)),
    )


def kategori_tidak_diuji(kategori: str, alasan: str) -> HasilKategori:
    """A category that was not tested at all."""
    return HasilKategori(id=kategori, status="tidak_diuji", reason=alasan)


def tentukan_verdict(kategori: Iterable[HasilKategori]) -> Verdict:
    """The verdict rules of the module docstring: a category ``tidak_diuji`` keeps the
    verdict from LAYAK whether its checks were not requested or could not be tested;
    :func:`alasan_verdict` says which."""
    kategori = list(kategori)
    if not kategori or all(k.status == "tidak_diuji" and not k.checks_run for k in kategori):
        raise UjiTidakDapatDinilai("Tidak ada satu pun kategori yang dapat diuji.")
    temuan = [t for k in kategori for t in k.findings]
    gagal = [k for k in kategori if k.status == "gagal"]
    if any(t.severity == "tinggi" for t in temuan) or len(gagal) >= 2:
        return "TIDAK_LAYAK"
    if (
        gagal
        or any(k.status == "tidak_diuji" for k in kategori)
        or any(t.severity == "rendah" for t in temuan)
    ):
        return "LAYAK_DENGAN_CATATAN"
    return "LAYAK"


def _nama_daftar(nama: list[str]) -> str:
    nama = list(dict.fromkeys(nama))
    return nama[0] if len(nama) == 1 else ", ".join(nama[:-1]) + " dan " + nama[-1]


def _titik(teks: str) -> str:
    teks = teks.strip()
    return teks if teks.endswith((".", "!", "?")) else teks + "."


def alasan_verdict(kategori: Iterable[HasilKategori]) -> list[str]:
    """Why the verdict of ``kategori`` is not LAYAK, in Bahasa Indonesia, one sentence per
    reason: high findings, failed categories, low findings, then per category and reason
    the checks not requested (with what the requester should give for a LAYAK verdict) apart
    from those that could not be tested (with why). Empty when the verdict is LAYAK."""
    kategori = list(kategori)
    kalimat: list[str] = []
    tinggi = [k for k in kategori if any(t.severity == "tinggi" for t in k.findings)]
    if tinggi:
        n = sum(t.severity == "tinggi" for k in tinggi for t in k.findings)
        kalimat.append(f"Ada {n} temuan tingkat tinggi, pada "
                       f"{_nama_daftar([nama_kategori(k.id) for k in tinggi])}.")
    gagal = [nama_kategori(k.id) for k in kategori if k.status == "gagal"]
    if gagal:
        kalimat.append(f"{len(gagal)} kategori gagal: {_nama_daftar(gagal)}.")
    rendah = [k for k in kategori if any(t.severity == "rendah" for t in k.findings)]
    if rendah:
        n = sum(t.severity == "rendah" for k in rendah for t in k.findings)
        kalimat.append(f"Ada {n} temuan tingkat rendah, pada "
                       f"{_nama_daftar([nama_kategori(k.id) for k in rendah])}.")
    for k in kategori:
        per_cek, alasan_kat = alasan_per_cek(k.reason)
        kelompok: dict[str, list[str]] = {}
        if alasan_kat or (k.status == "tidak_diuji" and not per_cek):
            kelompok[alasan_kat or k.reason or "alasannya tidak tercatat"] = []
        for cid, sebab in per_cek.items():
            kelompok.setdefault(sebab, []).append(cid)
        for sebab, cek in kelompok.items():
            apa = f"{len(cek)} pemeriksaan " if cek else ""
            awal = (f"{nama_kategori(k.id)}: {apa}{LABEL_SEBAB[sebab_tidak_diuji(sebab)]} "
                    f"({sebab.strip().rstrip('.')}).")
            if sebab_tidak_diuji(sebab) == "tidak_diminta":
                kalimat.append(
                    f"{awal} Katalog layanan mensyaratkan aplikasi lulus pengujian ini untuk "
                    f"dinyatakan LAYAK; yang perlu diberikan pemohon: "
                    f"{_titik(tindakan_pemohon(sebab))}")
            else:
                kalimat.append(
                    f"{awal} Yang perlu dilakukan pemohon: {_titik(tindakan_pemohon(sebab))}")
    return kalimat


# --- The request's target ----------------------------------------------------------------

def _origin(url: str) -> tuple[str, str, int]:
    bagian = urlsplit(url)
    port = bagian.port or (443 if bagian.scheme == "https" else 80)
    return bagian.scheme, (bagian.hostname or "").lower(), port


class TargetUji(BaseModel):
    """What an approved request names: the application, a test account, the database host.

    The password is a :class:`SecretStr`: it shows as ``**********`` in ``repr``, logs and
    JSON dumps (also where Prefect stores a run's parameters).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="Alamat aplikasi (http/https).")
    username: str | None = Field(default=None, max_length=200)
    password: SecretStr | None = None
    db_host: str | None = Field(default=None, max_length=253)
    db_port: int | None = Field(default=None, ge=1, le=65535)
    network: str | None = Field(default=None, description="Jaringan dalam cakupan (CIDR).")
    email_formulir: tuple[str, ...] = Field(
        default=(), description="Alamat email pada formulir permohonan (diperiksa lain_lain).")

    @field_validator("url")
    @classmethod
    def _url_sah(cls, nilai: str) -> str:
        nilai = nilai.strip()
        bagian = urlsplit(nilai)
        if bagian.scheme not in ("http", "https") or not bagian.hostname:
            raise ValueError("URL aplikasi harus diawali http:// atau https:// dan memuat host")
        if bagian.username is not None or bagian.password is not None:
            raise ValueError("URL aplikasi tidak boleh memuat nama pengguna atau kata sandi")
        try:
            bagian.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise ValueError("port pada URL aplikasi tidak sah") from None
        if any(not k.isprintable() for k in nilai):
            raise ValueError("URL aplikasi tidak boleh memuat karakter kendali atau karakter "
                             "tak terlihat")
        try:  # the same host rules as the request form (domain.identitas)
            periksa_host(host_url_tertulis(nilai) or "")
        except GalatIdentitas as exc:
            raise ValueError(exc.pesan) from None
        return bagian._replace(fragment="").geturl()

    @field_validator("db_host")
    @classmethod
    def _host_sah(cls, nilai: str | None) -> str | None:
        if nilai is None:
            return None
        nilai = nilai.strip().lower()
        if not re.fullmatch(r"[a-z0-9.:\-]+", nilai):
            raise ValueError("host basis data tidak sah")
        try:
            ip = ipaddress.ip_address(nilai)
        except ValueError:
            try:  # a name; numeric spellings ("2130706433") are refused as in the URL
                return periksa_host(nilai, "Host basis data")
            except GalatIdentitas as exc:
                raise ValueError(exc.pesan) from None
        alasan = alasan_ip_terlarang(ip)
        if alasan:
            raise ValueError(f"Host basis data {ip} adalah {alasan} dan tidak dapat diuji")
        return str(ip)

    @field_validator("network")
    @classmethod
    def _jaringan_sah(cls, nilai: str | None) -> str | None:
        if nilai is None:
            return None
        try:
            jaringan = ipaddress.ip_network(nilai.strip(), strict=False)
        except ValueError:
            raise ValueError("jaringan harus berupa CIDR, mis. 10.10.0.0/24") from None
        try:  # the same rules as the VA form's ip_jaringan, host bits cleared
            return periksa_jaringan(str(jaringan), ketat=False)
        except GalatIdentitas as exc:
            raise ValueError(exc.pesan) from None

    @model_validator(mode="after")
    def _akun_lengkap(self) -> TargetUji:
        if (self.username is None) != (self.password is None):
            raise ValueError("akun uji harus berisi nama pengguna dan kata sandi sekaligus")
        return self

    @property
    def origin(self) -> tuple[str, str, int]:
        """Scheme, host and port: the scope of every HTTP request of the test."""
        return _origin(self.url)

    @property
    def host(self) -> str:
        return self.origin[1]

    @property
    def host_db(self) -> str | None:
        """The database host to test: the one given, else the application's host when only a
        port was given, else None (the dbms category is then not tested)."""
        if self.db_host:
            return self.db_host
        return self.host if self.db_port else None

    def rahasia(self) -> list[str]:
        """Strings that must never appear in any output of the test."""
        return [self.password.get_secret_value()] if self.password else []


# --- The report ---------------------------------------------------------------------------

class LaporanKelaikan(BaseModel):
    """The feasibility-test report; ``model_dump(mode="json")`` is ``laporan.json``."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    target: str
    """The application URL only: never credentials."""
    started: AwareDatetime
    finished: AwareDatetime
    categories: list[HasilKategori]

    @classmethod
    def susun(
        cls, target: TargetUji | str, started: datetime, finished: datetime,
        categories: Iterable[HasilKategori],
    ) -> LaporanKelaikan:
        """Order the categories as the catalog does and apply the verdict rules."""
        urutan = list(KATEGORI)
        categories = sorted(categories, key=lambda k: urutan.index(k.id))
        ids = [k.id for k in categories]
        if len(ids) != len(set(ids)):
            raise ValueError("kategori ganda dalam laporan")
        return cls(
            verdict=tentukan_verdict(categories),
            target=target.url if isinstance(target, TargetUji) else target,
            started=started, finished=finished, categories=categories,
        )

    def tanpa_rahasia(self, rahasia: Iterable[str]) -> LaporanKelaikan:
        """A copy in which every given secret is replaced in all free text."""
        rahasia = [r for r in rahasia if r]
        if not rahasia:
            return self
        data = self.model_dump()
        for kategori in data["categories"]:
            kategori["reason"] = sensor(kategori["reason"], rahasia)
            for temuan in kategori["findings"]:
                for kunci in ("evidence", "title", "recommendation"):
                    temuan[kunci] = sensor(temuan[kunci], rahasia)
        return LaporanKelaikan.model_validate(data)

    def temuan(self) -> list[tuple[str, Temuan]]:
        """All findings with their category id, most severe first."""
        semua = [(k.id, t) for k in self.categories for t in k.findings]
        return sorted(semua, key=lambda p: -BOBOT_SEVERITY[p[1].severity])


DISENSOR = "[disensor]"


def sensor(teks: str | None, rahasia: Iterable[str]) -> str | None:
    if teks is None:
        return None
    for r in rahasia:
        if r:
            teks = teks.replace(r, DISENSOR)
    return teks


def alamat_kedinasan(sufiks: str) -> bool:
    """An e-mail domain whose public suffix is ``go.id`` (or below it) is official."""
    sufiks = sufiks.lower().strip(".")
    return sufiks == SUFIKS_KEDINASAN or sufiks.endswith("." + SUFIKS_KEDINASAN)


# --- The checks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Cek:
    """One automated check: what it tests and how its findings are classified."""

    id: str
    judul: str
    """Title of a finding."""
    severity: Severity
    wstg: str
    cwe: str
    uraian: str
    """What the check does, for the docs and the report's "what was tested"."""
    rekomendasi: str

    @property
    def kategori(self) -> str:
        return self.id.split(".", 1)[0]

    def temuan(self, evidence: str, *, severity: Severity | None = None) -> Temuan:
        return Temuan(
            check_id=self.id, title=self.judul, severity=severity or self.severity,
            wstg=self.wstg, cwe=self.cwe, evidence=evidence, recommendation=self.rekomendasi,
        )


_DAFTAR_CEK = (
    *(Cek(*baris) for baris in CEK_STRUKTUR_INPUT),
    *(Cek(*baris) for baris in CEK_SESI_DBMS_LAIN),
)

CEK: dict[str, Cek] = {c.id: c for c in _DAFTAR_CEK}
"""Every check by id, in catalog order."""


def cek_kategori(kategori: str) -> list[Cek]:
    return [c for c in _DAFTAR_CEK if c.kategori == kategori]

