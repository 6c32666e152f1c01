"""The feasibility test's Prefect artifacts: a Markdown summary and a findings table.

Both are built from a :class:`domain.kelaikan.LaporanKelaikan` that has already been cleaned
of secrets; they carry the target URL, never the test account.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from prefect import task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NONE

from domain.kelaikan import KATEGORI, LaporanKelaikan, alasan_verdict
from domain.teks import md_aman, md_kode

LABEL_VERDICT = {
    "LAYAK": "LAYAK",
    "LAYAK_DENGAN_CATATAN": "LAYAK DENGAN CATATAN",
    "TIDAK_LAYAK": "TIDAK LAYAK",
}
LABEL_STATUS = {"lulus": "lulus", "gagal": "gagal", "tidak_diuji": "tidak diuji"}


def kunci_artefak(url: str, jenis: str = "ringkasan") -> str:
    """A stable artifact key per target (lower-case letters, digits and dashes only)."""
    bagian = urlsplit(url)
    port = bagian.port or (443 if bagian.scheme == "https" else 80)
    dasar = f"{bagian.hostname or ''}-{port}{bagian.path.rstrip('/')}"
    slug = re.sub(r"[^a-z0-9]+", "-", dasar.lower()).strip("-")
    return f"kelaikan-{jenis}-{slug}"[:200]


def ringkasan_markdown(laporan: LaporanKelaikan) -> str:
    """The summary artifact. The target URL, the reasons and the evidence come from the
    request and from the tested application: they are made inert (:mod:`domain.teks`)."""
    durasi = (laporan.finished - laporan.started).total_seconds()
    baris = [
        f"# Uji kelaikan: **{LABEL_VERDICT[laporan.verdict]}**",
        "",
        f"- Aplikasi: {md_kode(laporan.target)}",
        f"- Waktu uji: {laporan.started:%Y-%m-%d %H:%M:%S %Z} – "
        f"{laporan.finished:%H:%M:%S} ({durasi:.1f} detik)",
        "",
        "| Kategori | Status | Temuan | Keterangan |",
        "|---|---|---|---|",
    ]
    for k in laporan.categories:
        jumlah = {s: sum(t.severity == s for t in k.findings)
                  for s in ("tinggi", "sedang", "rendah", "info")}
        ringkas = ", ".join(f"{n} {s}" for s, n in jumlah.items() if n) or "-"
        baris.append(f"| {KATEGORI[k.id]} | {LABEL_STATUS[k.status]} | {ringkas} | "
                     f"{md_aman(k.reason) or '-'} |")
    alasan = alasan_verdict(laporan.categories)
    if alasan:
        baris += ["", "## Mengapa bukan LAYAK", "", *(f"- {md_aman(a)}" for a in alasan)]
    temuan = laporan.temuan()
    if temuan:
        baris += ["", "## Temuan", ""]
        for kategori, t in temuan:
            baris += [
                f"### [{t.severity}] {t.title}",
                f"`{t.check_id}` · {t.wstg} · {t.cwe} · {KATEGORI[kategori]}",
                "",
                f"**Bukti:** {md_aman(t.evidence)}",
                "",
                f"**Rekomendasi:** {t.recommendation}",
                "",
            ]
    return "\n".join(baris)


def tabel_temuan(laporan: LaporanKelaikan) -> list[dict[str, str]]:
    """One row per finding; with none, one row that says so and why (never Prefect's
    English "No results"): which categories passed and which were not tested, with reason."""
    baris = [
        {
            "kategori": kategori, "check_id": t.check_id, "severity": t.severity,
            "judul": t.title, "wstg": t.wstg, "cwe": t.cwe, "bukti": t.evidence,
            "rekomendasi": t.recommendation,
        }
        for kategori, t in laporan.temuan()
    ]
    if baris:
        return baris
    tidak_diuji = [f"{KATEGORI[k.id]}: {k.reason}" for k in laporan.categories
                   if k.status == "tidak_diuji"]
    alasan = ("semua pemeriksaan yang dijalankan lulus"
              + ("; tidak diuji — " + "; ".join(tidak_diuji) if tidak_diuji else ""))
    return [{"kategori": "-", "check_id": "-", "severity": "-", "judul": "Tidak ada temuan",
             "wstg": "-", "cwe": "-", "bukti": alasan, "rekomendasi": "-"}]


@task(name="kelaikan.artefak", cache_policy=NONE, persist_result=False, timeout_seconds=60)
async def terbitkan_artefak(laporan: LaporanKelaikan) -> tuple[str, str]:
    """Publish both artifacts (attached to the running flow); return their keys."""
    kunci_ringkas = kunci_artefak(laporan.target)
    kunci_tabel = kunci_artefak(laporan.target, "temuan")
    judul = f"Uji kelaikan {md_aman(laporan.target)}: {LABEL_VERDICT[laporan.verdict]}"
    await acreate_markdown_artifact(
        markdown=ringkasan_markdown(laporan), key=kunci_ringkas, description=judul,
    )
    await acreate_table_artifact(
        table=tabel_temuan(laporan), key=kunci_tabel,
        description=f"Temuan uji kelaikan {md_aman(laporan.target)}",
    )
    return kunci_ringkas, kunci_tabel
