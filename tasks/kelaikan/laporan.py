"""The feasibility-test report the office hands the agency: ``laporan.json`` and
``laporan.html`` (``templates/laporan_kelaikan.html.j2``), in Bahasa Indonesia.

The HTML puts the verdict first, then per category what was tested, what was found (with
evidence and a recommendation) and what was not tested and why. It is rendered from a
:class:`domain.kelaikan.LaporanKelaikan` that has been cleaned of the test account's secrets;
:func:`tulis_laporan_kelaikan` checks that once more before anything reaches the disk, and
writes both files only when both are ready (no half report).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from domain.beban import RingkasanBeban
from domain.calendar import WIB
from domain.kelaikan import (
    BOBOT_SEVERITY,
    CEK,
    KATEGORI,
    LABEL_SEBAB,
    LaporanKelaikan,
    alasan_per_cek,
    alasan_verdict,
    cek_kategori,
    sebab_tidak_diuji,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_HTML = "laporan_kelaikan.html.j2"

LABEL_VERDICT = {
    "LAYAK": "LAYAK",
    "LAYAK_DENGAN_CATATAN": "LAYAK DENGAN CATATAN",
    "TIDAK_LAYAK": "TIDAK LAYAK",
}
ARTI_VERDICT = {
    "LAYAK": "Semua kategori lulus tanpa temuan di atas tingkat info.",
    "LAYAK_DENGAN_CATATAN": (
        "Tidak ada temuan tingkat tinggi dan paling banyak satu kategori gagal; masih ada "
        "temuan yang harus ditindaklanjuti, pemeriksaan yang tidak diminta dalam permohonan "
        "(mis. tanpa IP database), atau pemeriksaan yang tidak dapat diuji."),
    "TIDAK_LAYAK": (
        "Ada temuan tingkat tinggi atau dua kategori atau lebih gagal: aplikasi belum layak "
        "dioperasikan sebelum temuan diperbaiki dan diuji ulang."),
}
KELAS_VERDICT = {"LAYAK": "ok", "LAYAK_DENGAN_CATATAN": "warn", "TIDAK_LAYAK": "fail"}
LABEL_STATUS = {"lulus": "LULUS", "gagal": "GAGAL", "tidak_diuji": "TIDAK DIUJI"}
KELAS_STATUS = {"lulus": "ok", "gagal": "fail", "tidak_diuji": "netral"}
LABEL_TINGKAT = {"tinggi": "TINGGI", "sedang": "SEDANG", "rendah": "RENDAH", "info": "INFO"}
KELAS_TINGKAT = {"tinggi": "fail", "sedang": "warn", "rendah": "netral", "info": "netral"}


def tanggal_wib(waktu: datetime) -> str:
    return waktu.astimezone(WIB).strftime("%d-%m-%Y %H:%M:%S WIB")


def _beban_html(beban: dict[str, object] | None) -> Markup | None:
    """The stress test's own section (arithmetic, per-step table, charts), when measured."""
    if not beban:
        return None
    from tasks.stress import render_html  # the stress I/O module; Locust itself is not imported

    return Markup(render_html(RingkasanBeban.model_validate(beban)))


def _konteks(laporan: LaporanKelaikan) -> dict[str, Any]:
    kategori = []
    semua = laporan.temuan()
    for k in laporan.categories:
        alasan, alasan_kategori = alasan_per_cek(k.reason)
        temuan_per_cek: dict[str, int] = {}
        for t in k.findings:
            temuan_per_cek[t.check_id] = temuan_per_cek.get(t.check_id, 0) + 1
        katalog = cek_kategori(k.id)
        ids = [c.id for c in katalog]
        ids += [i for i in [*k.checks_run, *alasan, *temuan_per_cek] if i not in ids]
        diuji, tidak = [], []
        for cid in ids:
            cek = CEK.get(cid)
            baris = {"id": cid, "judul": cek.judul if cek else cid,
                     "uraian": cek.uraian if cek else "", "wstg": cek.wstg if cek else "",
                     "cwe": cek.cwe if cek else "", "temuan": temuan_per_cek.get(cid, 0)}
            if cid in k.checks_run:
                diuji.append(baris)
            elif cid in alasan:
                tidak.append({**baris, "alasan": alasan[cid],
                              "sebab": LABEL_SEBAB[sebab_tidak_diuji(alasan[cid])]})
            elif alasan_kategori or (k.status == "tidak_diuji" and not k.checks_run):
                sebab = alasan_kategori or k.reason or "-"
                tidak.append({**baris, "alasan": sebab,
                              "sebab": LABEL_SEBAB[sebab_tidak_diuji(sebab)]})
        temuan = sorted(k.findings, key=lambda t: (-BOBOT_SEVERITY[t.severity], t.check_id))
        kategori.append({
            "id": k.id, "judul": KATEGORI[k.id], "status": LABEL_STATUS[k.status],
            "kelas": KELAS_STATUS[k.status], "diuji": diuji, "tidak_diuji": tidak,
            "alasan_kategori": alasan_kategori,
            "sebab_kategori": LABEL_SEBAB[sebab_tidak_diuji(alasan_kategori)],
            "temuan": [{
                "check_id": t.check_id, "judul": t.title, "tingkat": LABEL_TINGKAT[t.severity],
                "kelas": KELAS_TINGKAT[t.severity], "wstg": t.wstg, "cwe": t.cwe,
                "bukti": t.evidence, "rekomendasi": t.recommendation,
            } for t in temuan],
            "jumlah": {s: sum(t.severity == s for t in k.findings) for s in LABEL_TINGKAT},
            "beban_html": _beban_html(k.beban),
        })
    durasi = (laporan.finished - laporan.started).total_seconds()
    return {
        "laporan": laporan,
        "verdict": LABEL_VERDICT[laporan.verdict],
        "kelas_verdict": KELAS_VERDICT[laporan.verdict],
        "arti_verdict": ARTI_VERDICT[laporan.verdict],
        "alasan_verdict": alasan_verdict(laporan.categories),
        "mulai": tanggal_wib(laporan.started),
        "selesai": tanggal_wib(laporan.finished),
        "durasi": f"{durasi:.1f}",
        "kategori": kategori,
        "jumlah": {s: sum(t.severity == s for _, t in semua) for s in LABEL_TINGKAT},
        "label_tingkat": LABEL_TINGKAT,
    }


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def kode_md(teks: str) -> Markup:
    """Escape ``teks`` and show its `backtick` spans as code (catalog texts use them)."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(teks))))


def id_cek(teks: object) -> Markup:
    """A check id (``otentikasi_sesi.cache_halaman_terotentikasi``) escaped, with a break
    opportunity (``<wbr>``) after each dot and underscore: a long id wraps at its parts
    instead of widening its column past the page, and words elsewhere are never split."""
    return Markup(re.sub(r"([._])", r"\1<wbr>", str(escape(str(teks)))))


_ENV.filters["kode_md"] = kode_md
_ENV.filters["id_cek"] = id_cek


def render_laporan_kelaikan_html(laporan: LaporanKelaikan) -> str:
    """The report as one self-contained HTML5 document (inline CSS, printable on A4)."""
    return _ENV.get_template(TEMPLATE_HTML).render(_konteks(laporan))


class RahasiaBocor(RuntimeError):
    """A secret of the test would have been written: nothing was written."""


def tulis_laporan_kelaikan(laporan: LaporanKelaikan, direktori: Path,
                           rahasia: Iterable[str] = ()) -> tuple[Path, Path]:
    """Write ``laporan.json`` and ``laporan.html`` into ``direktori`` (created), both or
    neither; refuse when a secret would appear in either."""
    rahasia = [r for r in rahasia if r]
    laporan = laporan.tanpa_rahasia(rahasia)
    teks_json = json.dumps(laporan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    teks_html = render_laporan_kelaikan_html(laporan)
    for r in rahasia:
        if r in teks_json or r in teks_html:
            raise RahasiaBocor("kata sandi akun uji akan tertulis di laporan; laporan tidak "
                               "ditulis")
    direktori.mkdir(parents=True, exist_ok=True)
    tujuan = (direktori / "laporan.json", direktori / "laporan.html")
    sementara = [p.with_name(f".{p.name}.{os.getpid()}.tmp") for p in tujuan]
    try:
        sementara[0].write_text(teks_json, encoding="utf-8")
        sementara[1].write_text(teks_html, encoding="utf-8")
        for s, t in zip(sementara, tujuan, strict=True):
            os.replace(s, t)
    finally:
        for s in sementara:
            s.unlink(missing_ok=True)
    return tujuan
