"""The VA report the office hands the agency: ``laporan.json``, ``laporan.html`` and
``laporan.pdf`` (``templates/laporan_va.html.j2``), in Bahasa Indonesia.

Per host a table of open ports with service and version, then the findings by severity (each
with host and port, evidence, CWE and a recommendation), the verdict in the feasibility
test's terms and why it is not LAYAK. The files are written together or not at all, and never
with a secret of the test in them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain.kelaikan import BOBOT_SEVERITY, alasan_verdict
from domain.va.laporan import LaporanVA, judul_kategori
from tasks.laporan import render_pdf, tanggal_wib

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

LABEL_VERDICT = {"LAYAK": "LAYAK", "LAYAK_DENGAN_CATATAN": "LAYAK DENGAN CATATAN",
                 "TIDAK_LAYAK": "TIDAK LAYAK"}
ARTI_VERDICT = {
    "LAYAK": "Semua layanan yang ditemukan dan semua kategori lulus tanpa temuan di atas "
             "tingkat info.",
    "LAYAK_DENGAN_CATATAN": "Tidak ada temuan tingkat tinggi dan paling banyak satu kategori "
                            "gagal; masih ada temuan atau pemeriksaan yang harus "
                            "ditindaklanjuti.",
    "TIDAK_LAYAK": "Ada temuan tingkat tinggi atau dua kategori atau lebih gagal: host dan "
                   "layanannya belum layak dioperasikan sebelum temuan diperbaiki dan diuji "
                   "ulang.",
}
KELAS_VERDICT = {"LAYAK": "ok", "LAYAK_DENGAN_CATATAN": "warn", "TIDAK_LAYAK": "fail"}
LABEL_STATUS = {"lulus": "LULUS", "gagal": "GAGAL", "tidak_diuji": "TIDAK DIUJI"}
KELAS_STATUS = {"lulus": "ok", "gagal": "fail", "tidak_diuji": "netral"}

_ENV = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                   autoescape=True, trim_blocks=True, lstrip_blocks=True)


def _konteks(laporan: LaporanVA) -> dict[str, Any]:
    semua = laporan.temuan()
    per_port: dict[tuple[str | None, int | None], list[str]] = {}
    for _, t in semua:
        per_port.setdefault((t.host, t.port), []).append(t.severity)
    host = [{"ip": h.ip, "peran": h.peran, "port": [
        {"port": p.port, "protokol": p.protokol, "layanan": p.layanan, "tls": p.tls,
         "temuan": ", ".join(f"{n} {s}" for s in BOBOT_SEVERITY
                             if (n := per_port.get((h.ip, p.port), []).count(s)))}
        for p in h.port]} for h in laporan.hosts]
    temuan_per_tingkat = []
    for tingkat in BOBOT_SEVERITY:
        daftar = [{"lokasi": f"{t.host or '-'}{f':{t.port}' if t.port else ''}",
                   "judul": t.title, "kategori": judul_kategori(kid), "cwe": t.cwe,
                   "check_id": t.check_id, "bukti": t.evidence,
                   "rekomendasi": t.recommendation}
                  for kid, t in semua if t.severity == tingkat]
        if daftar:
            temuan_per_tingkat.append((tingkat, daftar))
    kategori = [{
        "judul": judul_kategori(k.id), "status": LABEL_STATUS[k.status],
        "kelas": KELAS_STATUS[k.status], "alasan": k.reason,
        "jumlah": ", ".join(f"{n} {s}" for s in BOBOT_SEVERITY
                            if (n := sum(t.severity == s for t in k.findings)))
        or "tanpa temuan"} for k in laporan.categories]
    return {
        "laporan": laporan, "verdict": LABEL_VERDICT[laporan.verdict],
        "kelas_verdict": KELAS_VERDICT[laporan.verdict],
        "arti_verdict": ARTI_VERDICT[laporan.verdict],
        "alasan_verdict": alasan_verdict(laporan.categories),
        "mulai": tanggal_wib(laporan.started), "selesai": tanggal_wib(laporan.finished),
        "durasi": f"{(laporan.finished - laporan.started).total_seconds():.1f}",
        "jumlah": {s: sum(t.severity == s for _, t in semua) for s in BOBOT_SEVERITY},
        "host": host, "temuan_per_tingkat": temuan_per_tingkat, "kategori": kategori,
    }


def render_laporan_va_html(laporan: LaporanVA) -> str:
    return _ENV.get_template("laporan_va.html.j2").render(_konteks(laporan))


class RahasiaBocor(RuntimeError):
    """A secret of the test would have been written: nothing was written."""


def tulis_laporan_va(laporan: LaporanVA, direktori: Path,
                     rahasia: Iterable[str] = ()) -> list[Path]:
    """Write ``laporan.json``, ``laporan.html`` and (where WeasyPrint works) ``laporan.pdf``
    into ``direktori``: all of them or none."""
    rahasia = [r for r in rahasia if r]
    laporan = laporan.tanpa_rahasia(rahasia)
    teks_json = json.dumps(laporan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    teks_html = render_laporan_va_html(laporan)
    if any(r in teks_json or r in teks_html for r in rahasia):
        raise RahasiaBocor("kata sandi akun uji akan tertulis di laporan; laporan tidak ditulis")
    isi: dict[str, bytes] = {"laporan.json": teks_json.encode(),
                             "laporan.html": teks_html.encode()}
    pdf = render_pdf(teks_html)
    if pdf is not None:
        isi["laporan.pdf"] = pdf
    direktori.mkdir(parents=True, exist_ok=True)
    sementara = {direktori / n: direktori / f".{n}.{os.getpid()}.tmp" for n in isi}
    try:
        for tmp, data in zip(sementara.values(), isi.values(), strict=True):
            tmp.write_bytes(data)
        for tujuan, tmp in sementara.items():
            os.replace(tmp, tujuan)
    finally:
        for tmp in sementara.values():
            tmp.unlink(missing_ok=True)
    return list(sementara)
