"""The VA's Prefect artifacts: a Markdown summary (verdict, hosts and ports), and a findings
table whose rows name host and port. Built from a report already cleaned of secrets."""

from __future__ import annotations

import re

from prefect import task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NONE

from domain.kelaikan import alasan_verdict
from domain.teks import md_aman, md_kode
from domain.va.laporan import LaporanVA, judul_kategori
from domain.va.nmap import HasilPindai

LABEL_VERDICT = {"LAYAK": "LAYAK", "LAYAK_DENGAN_CATATAN": "LAYAK DENGAN CATATAN",
                 "TIDAK_LAYAK": "TIDAK LAYAK"}
LABEL_STATUS = {"lulus": "lulus", "gagal": "gagal", "tidak_diuji": "tidak diuji"}


def kunci_artefak_va(target: str, jenis: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", target.lower()).strip("-")
    return f"va-{jenis}-{slug}"[:200]


def ringkasan_markdown_va(laporan: LaporanVA) -> str:
    durasi = (laporan.finished - laporan.started).total_seconds()
    baris = [f"# Vulnerability assessment: **{LABEL_VERDICT[laporan.verdict]}**", "",
             f"- Host: {md_kode(laporan.target)} (cakupan {md_kode(laporan.cakupan)})",
             f"- Waktu: {durasi:.1f} detik",
             f"- Data EOL/CVE bertanggal {laporan.dataset.tanggal:%d-%m-%Y}", ""]
    for h in laporan.hosts:
        baris += [f"## Host {md_kode(h.ip)} ({h.peran})", "", "| Port | Layanan |", "|---|---|"]
        baris += [f"| {p.port}/{p.protokol} | {md_aman(p.layanan)} |" for p in h.port]
        if not h.port:
            baris.append("| - | tidak ada port terbuka |")
        baris.append("")
    baris += ["## Kategori", "", "| Kategori | Status | Temuan |", "|---|---|---|"]
    for k in laporan.categories:
        jumlah = {s: sum(t.severity == s for t in k.findings)
                  for s in ("tinggi", "sedang", "rendah", "info")}
        ringkas = ", ".join(f"{n} {s}" for s, n in jumlah.items() if n) or "-"
        baris.append(f"| {judul_kategori(k.id)} | {LABEL_STATUS[k.status]} | {ringkas} |")
    alasan = alasan_verdict(laporan.categories)
    if alasan:
        baris += ["", "## Mengapa bukan LAYAK", "", *(f"- {md_aman(a)}" for a in alasan)]
    return "\n".join(baris)


def tabel_temuan_va(laporan: LaporanVA) -> list[dict[str, str]]:
    baris = [{"host": t.host or "-", "port": str(t.port or "-"),
              "kategori": judul_kategori(kid), "severity": t.severity, "judul": t.title,
              "cwe": t.cwe, "bukti": t.evidence, "rekomendasi": t.recommendation}
             for kid, t in laporan.temuan()]
    return baris or [{"host": "-", "port": "-", "kategori": "-", "severity": "-",
                      "judul": "Tidak ada temuan", "cwe": "-",
                      "bukti": "semua pemeriksaan yang dijalankan lulus", "rekomendasi": "-"}]


@task(name="va.artefak", cache_policy=NONE, persist_result=False, timeout_seconds=60)
async def terbitkan_artefak_va(laporan: LaporanVA) -> tuple[str, str]:
    kunci = kunci_artefak_va(laporan.target, "ringkasan")
    kunci_tabel = kunci_artefak_va(laporan.target, "temuan")
    await acreate_markdown_artifact(
        markdown=ringkasan_markdown_va(laporan), key=kunci,
        description=f"VA {md_aman(laporan.target)}: {LABEL_VERDICT[laporan.verdict]}")
    await acreate_table_artifact(table=tabel_temuan_va(laporan), key=kunci_tabel,
                                 description=f"Temuan VA {md_aman(laporan.target)}")
    return kunci, kunci_tabel


def penemuan_markdown(target: str, pindaian: HasilPindai) -> str:
    """What discovery found, published at once (the checks and the web tests take longer)."""
    baris = [f"# VA {md_kode(target)}: penemuan layanan", "",
             md_aman(pindaian.ringkasan) or "-", ""]
    for h in pindaian.host:
        if not h.layanan:
            continue
        baris += [f"## Host {md_kode(h.ip)}", "", "| Port | Layanan |", "|---|---|"]
        baris += [f"| {s.port}/{s.protokol} | {md_aman(s.label)} |" for s in h.layanan]
        baris.append("")
    return "\n".join(baris)


@task(name="va.artefak-penemuan", cache_policy=NONE, persist_result=False, timeout_seconds=60)
async def terbitkan_penemuan(target: str, pindaian: HasilPindai) -> str:
    kunci = kunci_artefak_va(target, "penemuan")
    await acreate_markdown_artifact(markdown=penemuan_markdown(target, pindaian), key=kunci,
                                    description=f"Penemuan layanan VA {md_aman(target)}")
    return kunci
