"""The periodic evaluation's I/O: gathering from the store and the reports, writing the report.

The figures themselves are computed in ``domain.evaluasi`` and ``domain.ketersediaan``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NONE

from domain import evaluasi as ev
from domain.calendar import WIB, BusinessCalendar
from domain.grafik import batang_horizontal
from domain.kelaikan import LaporanKelaikan, TargetUji
from domain.ketersediaan import JANJI_KETERSEDIAAN, hitung_ketersediaan
from domain.laporan import HasilKelaikan, baca_hasil_kelaikan
from domain.sop import JenisLayanan
from domain.teks import md_aman, md_kode
from settings import get_settings
from store import db, kueri, repo
from store.models import KelaikanRerun, ProductionApp
from tasks.detak import cek_http
from tasks.pelaporan import kelaikan_path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
VERDICT_LULUS = ("LAYAK", "LAYAK_DENGAN_CATATAN")
LABEL_VERDICT = {"LAYAK": "LAYAK", "LAYAK_DENGAN_CATATAN": "LAYAK DENGAN CATATAN",
                 "TIDAK_LAYAK": "TIDAK LAYAK", "TIDAK_DAPAT_DIUJI": "tidak dapat diuji"}


class GagalProduksi(ValueError):
    """Marking an application in production was refused; the text is for people."""


def _baca_kelaikan(nomor: str) -> HasilKelaikan | None:
    """The ticket's ``kelaikan.json`` as the model step 5 dumped, or None."""
    path = kelaikan_path(nomor)
    return baca_hasil_kelaikan(path.read_bytes()) if path.exists() else None


def _temuan(hasil: HasilKelaikan | None) -> dict[str, str]:
    if hasil is None:
        return {}
    return {t.check_id: t.title for k in hasil.categories for t in k.findings}


# --- marking applications in production -------------------------------------------------

def tandai_produksi(nomor: str, url: str | None = None, aktif: bool = True) -> dict[str, Any]:
    """Mark the application of ticket ``nomor`` as in production (or no longer).

    Only an application whose feasibility test passed (LAYAK or LAYAK DENGAN CATATAN) may be
    marked; its URL defaults to the one tested.
    """
    hasil = _baca_kelaikan(nomor.strip().upper())
    if aktif and (hasil is None or hasil.verdict not in VERDICT_LULUS):
        verdict = (hasil.verdict if hasil is not None else None) or "belum ada"
        raise GagalProduksi(
            f"Tiket {nomor}: hanya aplikasi yang lulus uji kelaikan (LAYAK atau LAYAK DENGAN "
            f"CATATAN) dapat ditandai produksi; hasil uji tiket ini: {verdict}")
    alamat = url or (hasil.target if hasil is not None else None)
    if aktif:
        try:
            alamat = TargetUji(url=alamat or "").url
        except ValueError:
            raise GagalProduksi(f"--url: {alamat!r} bukan alamat aplikasi yang sah (harus "
                                "diawali http:// atau https:// dan memuat host)") from None
    now = datetime.now(UTC)
    with db.session_scope(get_settings().store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        app = kueri.production_app(session, ticket.id)
        if app is None:
            if not aktif:
                raise GagalProduksi(f"Tiket {ticket.number} tidak ditandai produksi")
            app = ProductionApp(ticket_id=ticket.id, url=alamat, marked_at=now, active=True)
            session.add(app)
        else:
            app.active = aktif
            if aktif:
                app.url, app.marked_at = alamat, now
        session.flush()
        repo.audit(session, "aplikasi_produksi" if aktif else "aplikasi_nonproduksi",
                   ticket=ticket, at=now, url=app.url)
        return {"tiket": ticket.number, "aplikasi": ticket.application_name, "url": app.url,
                "aktif": app.active}


# --- procedure ------------------------------------------------------------------------------

@task(name="kumpulkan-prosedur", cache_policy=NONE)
def kumpulkan_prosedur(p: ev.Periode) -> dict[str, Any]:
    settings = get_settings()
    cal = BusinessCalendar.dari_pengaturan(settings)
    with db.session_scope(settings.store_url) as session:
        rows = kueri.steps_in_period(session, p.mulai, p.selesai)
        rekam = [ev.RekamLangkah(t.number, t.request_type, t.agency, s.code, s.started_at,
                                 s.due_at, s.finished_at, s.breached) for s, t in rows]
    jenis_label = {j.value: j.label for j in JenisLayanan}
    return {
        "per_langkah": [asdict(r) for r in ev.ringkas_langkah(rekam, p, cal)],
        "per_instansi": [asdict(r) for r in ev.ringkas_per(rekam, p, lambda r: r.instansi)],
        "per_jenis": [asdict(r) for r in ev.ringkas_per(
            rekam, p, lambda r: jenis_label.get(r.jenis, r.jenis))],
        "backlog": [asdict(b) | {"jumlah": b.jumlah}
                    for b in ev.backlog(rekam, min(p.selesai, datetime.now(UTC)), cal)],
        "kelompok_umur": [label for label, _ in ev.KELOMPOK_UMUR],
    }


# --- technical ------------------------------------------------------------------------------

@task(name="kumpulkan-kelaikan", cache_policy=NONE)
def kumpulkan_kelaikan(p: ev.Periode) -> dict[str, Any]:
    """Feasibility tests of tickets whose test step finished in the period."""
    with db.session_scope(get_settings().store_url) as session:
        rows = kueri.tested_in_period(session, p.mulai, p.selesai)
    hasil = []
    for nomor, instansi in rows:
        data = _baca_kelaikan(nomor)
        hasil.append(ev.HasilUji(nomor, instansi, data.verdict if data is not None else None,
                                 _temuan(data)))
    return {
        "uji": [{"nomor": h.nomor, "instansi": h.instansi, "verdict": h.verdict,
                 "temuan": len(h.temuan)} for h in hasil],
        "verdict": ev.hitung_verdict(hasil),
        "temuan_tersering": [asdict(t) for t in ev.temuan_tersering(hasil)],
    }


@task(name="daftar-aplikasi-produksi", cache_policy=NONE)
def daftar_produksi() -> list[dict[str, Any]]:
    """Active production apps with the findings of their previous run (or of their test)."""
    with db.session_scope(get_settings().store_url) as session:
        daftar = []
        for app, ticket in kueri.active_production_apps(session):
            lalu = kueri.last_rerun(session, app.id)
            if lalu is not None:
                sebelumnya, sumber = list(lalu.check_ids), f"uji ulang {lalu.period}"
            else:
                sebelumnya = sorted(_temuan(_baca_kelaikan(ticket.number)))
                sumber = f"uji kelaikan tiket {ticket.number}"
            daftar.append({"production_id": app.id, "nomor": ticket.number,
                           "aplikasi": ticket.application_name, "instansi": ticket.agency,
                           "url": app.url, "sebelumnya": sebelumnya, "sumber": sumber})
    return daftar


@task(name="simpan-uji-ulang", cache_policy=NONE)
def simpan_uji_ulang(app: dict[str, Any], periode_label: str, mulai: datetime,
                     hasil: LaporanKelaikan | None, galat: str | None) -> dict[str, Any]:
    kini = sorted(_temuan(hasil))
    baru, hilang = ev.temuan_baru(kini, app["sebelumnya"]) if hasil else ([], [])
    judul = _temuan(hasil)
    with db.session_scope(get_settings().store_url) as session:
        session.add(KelaikanRerun(
            production_id=app["production_id"], period=periode_label, started_at=mulai,
            finished_at=datetime.now(UTC), verdict=hasil.verdict if hasil else None,
            check_ids=kini, new_check_ids=baru, error=galat))
    return {"nomor": app["nomor"], "aplikasi": app["aplikasi"], "url": app["url"],
            "verdict": hasil.verdict if hasil else None, "dibanding": app["sumber"],
            "temuan": kini, "baru": [{"check_id": c, "judul": judul[c]} for c in baru],
            "hilang": hilang, "galat": galat}


# --- implementation: availability ----------------------------------------------------------

@task(name="hitung-ketersediaan", cache_policy=NONE)
async def hitung_ketersediaan_periode(p: ev.Periode) -> dict[str, Any]:
    """The service's measured availability, and each production app's (probes, now)."""
    settings = get_settings()
    cal = BusinessCalendar.dari_pengaturan(settings)
    sampai = min(p.selesai, datetime.now(UTC))
    with db.session_scope(settings.store_url) as session:
        detak = kueri.heartbeats(session, p.mulai, p.selesai)
        apps = [(app.id, app.url, ticket.number, ticket.application_name)
                for app, ticket in kueri.active_production_apps(session)]
        probe = kueri.app_probes(session, p.mulai, p.selesai)
    layanan = hitung_ketersediaan(detak, p.mulai, sampai, cal)
    import asyncio

    kini = await asyncio.gather(*(cek_http(pid, url) for pid, url, _, _ in apps))
    aplikasi = []
    for (pid, url, nomor, nama), cek in zip(apps, kini, strict=True):
        k = hitung_ketersediaan(probe.get(pid, []), p.mulai, sampai, cal)
        aplikasi.append({"nomor": nomor, "aplikasi": nama, "url": url,
                         "slot_total": k.slot_total, "slot_jawab": k.slot_jawab,
                         "persen": k.persen, "memenuhi": k.memenuhi,
                         "cek_sekarang": {"ok": cek.ok, "status": cek.status_code,
                                          "latency_ms": cek.latency_ms, "galat": cek.error}})
    return {"layanan": {"slot_total": layanan.slot_total, "slot_jawab": layanan.slot_jawab,
                        "persen": layanan.persen, "target": JANJI_KETERSEDIAAN,
                        "memenuhi": layanan.memenuhi, "sampai": sampai.isoformat()},
            "aplikasi": aplikasi}


# --- the report -----------------------------------------------------------------------------

def _angka(v: Any, desimal: int = 1, satuan: str = "") -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{desimal}f}".replace(".", ",") + satuan
    return f"{v}{satuan}"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html.j2"]), trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["angka"] = _angka
    env.filters["verdict"] = lambda v: LABEL_VERDICT.get(v or "TIDAK_DAPAT_DIUJI", v)
    env.filters["md"] = md_aman  # the Markdown template; HTML is autoescaped
    env.filters["md_kode"] = md_kode
    return env


def grafik(data: dict[str, Any]) -> dict[str, str]:
    pr, tek, imp = data["prosedur"], data["teknis"], data["implementasi"]
    return {
        "tepat_waktu": batang_horizontal(
            [(r["label"], r["persen_tepat"]) for r in pr["per_langkah"]],
            judul="Langkah selesai dalam mutu baku (%)", maks=100, satuan="%"),
        "verdict": batang_horizontal(
            [(LABEL_VERDICT[k], float(v)) for k, v in tek["verdict"].items()],
            judul="Hasil uji kelaikan dalam periode (jumlah)"),
        "ketersediaan": batang_horizontal(
            [("Layanan (jam layanan)", imp["layanan"]["persen"])]
            + [(a["aplikasi"], a["persen"]) for a in imp["aplikasi"]],
            judul="Ketersediaan terukur pada jam layanan (%)", maks=100, satuan="%",
            garis=JANJI_KETERSEDIAAN, label_garis="janji 90%"),
    }


def baris_csv(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure as one row: bagian, kelompok, metrik, nilai (long format)."""
    baris: list[dict[str, Any]] = []

    def tambah(bagian: str, kelompok: str, nilai: dict[str, Any]) -> None:
        for metrik, v in nilai.items():
            if isinstance(v, (int, float, str)) or v is None:
                baris.append({"periode": data["periode"], "bagian": bagian,
                              "kelompok": kelompok, "metrik": metrik,
                              "nilai": "" if v is None else v})

    pr, tek, imp = data["prosedur"], data["teknis"], data["implementasi"]
    for r in pr["per_langkah"]:
        tambah("prosedur_langkah", r["kode"], {k: v for k, v in r.items() if k != "kode"})
    for r in pr["per_instansi"]:
        tambah("prosedur_instansi", r["kelompok"], r)
    for r in pr["per_jenis"]:
        tambah("prosedur_jenis", r["kelompok"], r)
    for b in pr["backlog"]:
        tambah("backlog", b["kode"], {"jumlah": b["jumlah"], "terlambat": b["terlambat"],
                                      **b["per_umur"]})
    tambah("kelaikan_verdict", "periode", tek["verdict"])
    for t in tek["temuan_tersering"]:
        tambah("kelaikan_temuan", t["check_id"], t)
    for u in tek["uji_ulang"]:
        tambah("uji_ulang", u["nomor"], {"verdict": u["verdict"], "temuan": len(u["temuan"]),
                                         "temuan_baru": len(u["baru"]),
                                         "temuan_hilang": len(u["hilang"])})
    tambah("ketersediaan", "layanan", imp["layanan"])
    for a in imp["aplikasi"]:
        tambah("ketersediaan_aplikasi", a["nomor"],
               {k: a[k] for k in ("url", "slot_total", "slot_jawab", "persen", "memenuhi")}
               | {"cek_sekarang_ok": a["cek_sekarang"]["ok"]})
    return baris


@task(name="tulis-evaluasi", cache_policy=NONE)
def tulis_evaluasi(data: dict[str, Any], keluaran: str | None) -> dict[str, str]:
    """evaluasi.html, evaluasi.md, evaluasi.csv and evaluasi.json, plus the UI artifact."""
    folder = Path(keluaran) if keluaran else (get_settings().laporan_dir / "evaluasi"
                                             / data["periode"])
    folder.mkdir(parents=True, exist_ok=True)
    env = _env()
    konteks = {"d": data, "grafik": grafik(data),
               "dibuat": datetime.fromisoformat(data["dibuat"]).astimezone(WIB)
               .strftime("%d-%m-%Y %H:%M WIB")}
    html = env.get_template("evaluasi.html.j2").render(**konteks)
    md = env.get_template("evaluasi.md.j2").render(**konteks)
    buf = io.StringIO()
    tulis = csv.DictWriter(buf, fieldnames=["periode", "bagian", "kelompok", "metrik", "nilai"])
    tulis.writeheader()
    tulis.writerows(baris_csv(data))
    berkas = {"html": folder / "evaluasi.html", "markdown": folder / "evaluasi.md",
              "csv": folder / "evaluasi.csv", "json": folder / "evaluasi.json"}
    berkas["html"].write_text(html, encoding="utf-8")
    berkas["markdown"].write_text(md, encoding="utf-8")
    berkas["csv"].write_text(buf.getvalue(), encoding="utf-8")
    berkas["json"].write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    create_markdown_artifact(key=f"evaluasi-{data['periode']}", markdown=md,
                             description=f"Evaluasi layanan periode {data['periode']}")
    return {k: str(v) for k, v in berkas.items()}
