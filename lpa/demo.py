"""``lpa demo``: one feasibility-test request through all seven SOP steps, for real.

It starts what it needs (a Prefect server on SQLite, the deployment server, a sample web
application on 127.0.0.1), submits the request as the intake portal would, lets scripted
officials decide through the same path a person uses (the one-time codes they receive in
the development outbox, then ``lpa decide``), waits for the archive, prints where the report
is and the Prefect UI address, and stops what it started.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from klien import operasi
from klien.lingkungan import pakai_prefect
from lpa import server
from lpa.contoh_aplikasi import ContohAplikasi
from settings import Settings
from store import db
from tasks.notifikasi import baca_kotak_keluar

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "forms"
_KODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")


def kode_dari_surel(outbox: Path, nomor: str, jenis: str = "kode_keputusan",
                    sesudah: int = 0) -> tuple[str, int] | None:
    """The newest one-time code mailed for ticket ``nomor`` (and how many mails were read)."""
    pesan = baca_kotak_keluar(outbox) if (outbox / "outbox.jsonl").exists() else []
    cocok = [p for p in pesan[sesudah:] if p.get("tiket") == nomor and p.get("jenis") == jenis]
    for p in reversed(cocok):
        found = _KODE.search(p["isi"])
        if found:
            return found.group(1), len(pesan)
    return None


def pejabat_memutus(settings: Settings, nomor: str, keputusan: str = "setuju",
                    catatan: str = "Dilanjutkan sesuai SOP.", timeout: float = 120,
                    console: Console | None = None) -> str:
    """A scripted official: wait for the ticket's next decision, read the code, decide."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = [m for m in operasi.inbox(settings) if m.tiket == nomor]
        # The mail goes out before the code's hash is stored: once the step shows its code
        # as issued, the newest code mailed for this ticket is this step's.
        if waiting and waiting[0].langkah != "kelengkapan" and waiting[0].kode_terbit:
            found = kode_dari_surel(settings.outbox_dir, nomor)
            step = waiting[0]
            if found and step.nip:
                extra = {"domain": "contoh.babelprov.go.id", "hosting": "VM DC Diskominfo",
                         "integrasi": "SPLP daerah"} if step.langkah == "hosting_integrasi" \
                    else None
                if console:
                    console.print(f"  {step.nama} ({step.peran}) memutus '{keputusan}' "
                                  f"pada langkah {step.step_no} {step.langkah}")
                operasi.decide(settings, nomor, step.nip, found[0], keputusan, catatan, extra)
                return step.langkah
        time.sleep(0.5)
    raise operasi.GagalOperasi(f"Tidak ada keputusan yang menunggu untuk {nomor}")


def tunggu_arsip(settings: Settings, nomor: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = operasi.status(settings, nomor)
        if data["nomor_agenda"]:
            return data
        time.sleep(0.5)
    raise operasi.GagalOperasi(f"Tiket {nomor} belum diarsipkan dalam {timeout:.0f} detik")


DEMO_DURASI_BEBAN = "20"
"""Seconds of the demo's stress test (a real run has up to 15 minutes)."""


def formulir_contoh(url: str) -> dict[str, Any]:
    """The sample request, pointed at the sample application, asking for both tests the
    form offers; the stress test's figures make a target of 4 concurrent users."""
    data = json.loads((SAMPLES / "uji_kelayakan.json").read_text(encoding="utf-8"))
    data["url_aplikasi"] = url
    data["jenis_pengujian"] = ["uji_kerentanan", "stress_test"]
    data["uji_beban"] = {
        "pengguna_per_hari": 60, "jam_efektif_per_hari": 1, "durasi_transaksi_menit": 2,
        "skenario": "steps:\n  - path: /\n    think_time: [0.5, 1.5]\n",
    }
    return data


def _port_portal(settings: Settings) -> int:
    """The configured portal port when it is free, else any free one (a running `lpa up`
    keeps its own)."""
    import socket

    with socket.socket() as s:
        try:
            s.bind((settings.portal_host, settings.portal_port))
        except OSError:
            return server.free_port()
    return settings.portal_port


def run_demo(settings: Settings, console: Console, keep: bool = False) -> Path:
    db.upgrade(settings.store_url)
    port = server.free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = server.prefect_env(settings, api, poll_seconds=1)
    env.setdefault("LPA_UJI_BEBAN_DURASI_MAKS", DEMO_DURASI_BEBAN)
    # this process's Prefect client talks to the demo's own server, whatever the shell's
    # PREFECT_HOME or profile says (Prefect may already be imported: refreshed)
    pakai_prefect({k: v for k, v in env.items()
                   if k.startswith("PREFECT_") or k == "DO_NOT_TRACK"})
    logs = settings.data_dir / "log"
    console.print(f"[bold]Penyimpanan[/]: {settings.store_url}")
    console.print("Menyalakan server Prefect (SQLite)...")
    # everything started here stops with the demo: at its end, on an error, on Ctrl-C or
    # SIGTERM (lpa demo installs server.henti_pada_sinyal), descendants included
    with server.Kelompok() as kelompok, ContohAplikasi(aman=True) as aplikasi:
        prefect, serve = server.nyalakan(kelompok, env, port, logs, "demo-")
        _, portal_url = server.nyalakan_portal(kelompok, env, settings, logs, "demo-",
                                               port=_port_portal(settings))
        console.print(f"[bold]Portal[/]: {portal_url}")
        console.print(f"Aplikasi contoh: {aplikasi.url}")
        nomor = operasi.submit(settings, formulir_contoh(aplikasi.url), "uji-kelayakan",
                               key=f"demo-{time.time_ns()}")
        console.print(f"[bold]Tiket dibuka[/]: {nomor}")
        for _ in range(3):
            pejabat_memutus(settings, nomor, console=console)
        console.print("  Petugas service desk menjalankan uji kelaikan (enam kategori "
                      "keamanan dan uji beban)...")
        data = tunggu_arsip(settings, nomor)
        laporan = settings.laporan_dir / nomor / "laporan.html"
        kelaikan = settings.laporan_dir / nomor / "kelaikan" / "laporan.html"
        console.print(f"[bold green]Diarsipkan[/]: {data['nomor_agenda']}")
        console.print(f"Laporan  : {laporan.resolve()}")
        if kelaikan.exists():
            console.print(f"Laporan uji kelaikan: {kelaikan.resolve()}")
        console.print(f"Prefect UI: {api.removesuffix('/api')}")
        console.print(f"Portal    : {portal_url}")
        if keep:
            console.print("Ctrl-C untuk menghentikan.")
            while prefect.alive():
                time.sleep(1)
        return laporan
