"""Uji kelaikan results: categories, severities, findings, one category's result, and
why a check did not run.


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
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
