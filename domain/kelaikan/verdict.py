"""The verdict over a report's categories, why it is not LAYAK, and the report itself.

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

from collections.abc import Iterable
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.kelaikan.hasil import (
    BOBOT_SEVERITY,
    KATEGORI,
    LABEL_SEBAB,
    HasilKategori,
    Temuan,
    Verdict,
    alasan_per_cek,
    nama_kategori,
    sebab_tidak_diuji,
    tindakan_pemohon,
)
from domain.kelaikan.registri import CEK
from domain.kelaikan.target import TargetUji


class UjiTidakDapatDinilai(ValueError):
    """Not one category could be tested: the report would carry no information."""


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


MAKS_JUDUL = 8
"""Checks named by title in one sentence of :func:`alasan_verdict` (the rest counted)."""


def alasan_verdict(kategori: Iterable[HasilKategori]) -> list[str]:
    """Why the verdict of ``kategori`` is not LAYAK, in Bahasa Indonesia, one sentence per
    reason: high findings, failed categories, low findings, then per category and reason
    the checks not requested (with what the requester should give for a LAYAK verdict) apart
    from those that could not be tested (with why), each named by its title: the summary an
    official reads says what was not tested and why. Empty when the verdict is LAYAK."""
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
            judul = [CEK[c].judul if c in CEK else c for c in cek]
            nama = ("; ".join(judul[:MAKS_JUDUL])
                    + (f"; dan {len(judul) - MAKS_JUDUL} lainnya" if len(judul) > MAKS_JUDUL
                       else ""))
            awal = (f"{nama_kategori(k.id)}: {apa}{LABEL_SEBAB[sebab_tidak_diuji(sebab)]} "
                    f"({sebab.strip().rstrip('.')})" + (f": {nama}." if judul else "."))
            if sebab_tidak_diuji(sebab) == "tidak_diminta":
                kalimat.append(
                    f"{awal} Katalog layanan mensyaratkan aplikasi lulus pengujian ini untuk "
                    f"dinyatakan LAYAK; yang perlu diberikan pemohon: "
                    f"{_titik(tindakan_pemohon(sebab))}")
            else:
                kalimat.append(
                    f"{awal} Yang perlu dilakukan pemohon: {_titik(tindakan_pemohon(sebab))}")
    return kalimat


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
