"""Uji beban I/O: render the locustfile, run Locust in subprocesses, read what it measured.

Locust monkey-patches the standard library with gevent, so it never enters a Prefect
process (docs/decisions and ARCHITECTURE decision 4): every run is ``python -m locust`` in a
new process group,

* locally on every core: ``--processes N`` (N = CPU count by default; the master binds
  127.0.0.1 on a free port, never all interfaces), or
* distributed: ``--master --master-bind-host H --master-bind-port P --expect-workers N``;
  workers elsewhere run ``locust -f - --worker --master-host H --master-port P``
  (the locustfile is downloaded from the master).

The locustfile's shape (``templates/locustfile.py.j2``) writes each finished step's raw
numbers (histogram, requests, failures, CPU samples) to a JSON file; this module polls it to
move the progress artifact and reads it at the end. Locust's own ``--csv`` statistics are kept
beside it for reference. The run is bounded: at its deadline the whole process group is
terminated, then killed.

The test account reaches the locustfile only through environment variables
(:data:`ENV_USERNAME`, :data:`ENV_PASSWORD`): never in a file, an argument, a log or a report.

Scope: every run loads the scope guard (``templates/locust_cakupan.py.j2``, rendered as
:data:`NAMA_PENJAGA` with the target's origin baked in) first, beside the locustfile(s), the
requester's own included: redirects off the target's origin are not followed, requests off
it are refused (a failure named :data:`NAMA_DITOLAK`), other TCP connections too; the counts
land in :data:`NAMA_CAKUPAN`. Locust's own telemetry (OpenTelemetry, opt-in) stays off: the
subprocess gets no ``LOCUST_*``/``OTEL_*``/proxy variables of ours, ``OTEL_SDK_DISABLED``, and
a ``HOME`` without ``.locust.conf`` (:func:`lingkungan_locust`).
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import csv
import json
import os
import re
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from prefect import task
from prefect.artifacts import aupdate_progress_artifact
from prefect.cache_policies import NONE
from pydantic import SecretStr

from domain.beban import RencanaBeban, RingkasanBeban, Skenario
from domain.grafik import sumbu_bulat
from tasks.kelaikan.klien import origin

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
ENV_USERNAME = "LPA_UJI_USERNAME"
ENV_PASSWORD = "LPA_UJI_PASSWORD"
ENV_HASIL = "LPA_BEBAN_HASIL"
ENV_CAKUPAN = "LPA_BEBAN_CAKUPAN"
NAMA_HASIL = "langkah.json"
NAMA_CAKUPAN = "cakupan.json"
NAMA_PENJAGA = "lpa_cakupan.py"
NAMA_DITOLAK = "DITOLAK: di luar cakupan uji"
"""Locust's statistics name of every request the scope guard refused."""
TELEMETRI_MATI = {
    "OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "none",
    "OTEL_METRICS_EXPORTER": "none", "OTEL_LOGS_EXPORTER": "none",
}
"""OpenTelemetry off outright, whatever a locustfile or an installed SDK would do."""
NAMA_LOG = "locust.log"
NAMA_CSV = "locust"
TENGGANG_MULAI = 30.0
"""Seconds allowed beyond the plan for Locust to start (import, fork, workers connecting)."""
TENGGANG_BERHENTI = 10.0
"""Seconds between SIGTERM and SIGKILL of the process group at the deadline."""
POLA_CPU = re.compile(r"CPU usage above|exceeded cpu threshold", re.I)

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    autoescape=select_autoescape(["html", "html.j2"], default_for_string=False),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


class GagalUjiBeban(RuntimeError):
    """Locust could not run (bad locustfile, workers never came, crash); message in Bahasa
    Indonesia."""


# --- Locustfile ----------------------------------------------------------------------------

def _langkah_untuk_locust(skenario: Skenario) -> list[dict[str, Any]]:
    langkah = []
    for s in skenario.steps:
        path, body = s.path, None
        if s.data:
            data = urlencode({k: str(v) for k, v in s.data.items()})
            if s.method in ("GET", "HEAD", "DELETE"):
                path += ("&" if "?" in path else "?") + data
            else:
                body = data
        jeda = list(s.think_time) if isinstance(s.think_time, tuple) else s.think_time
        langkah.append({"method": s.method, "path": path, "label": s.label, "body": body,
                        "think_time": jeda})
    return langkah


def render_locustfile(rencana: RencanaBeban, skenario: Skenario | None) -> str:
    """The locustfile: users from ``skenario`` plus the stepped shape; with ``skenario``
    None, the shape only (to go beside a user-supplied locustfile)."""
    konteks: dict[str, Any] = {
        "pengguna": skenario is not None,
        "env_username": ENV_USERNAME, "env_password": ENV_PASSWORD, "env_hasil": ENV_HASIL,
        # repr() of a str is an inert Python literal whatever the scenario contains
        "rencana_json": repr(json.dumps(rencana.untuk_locust())),
        "skenario_json": "''", "bobot_langkah": [],
    }
    if skenario is not None:
        data = {"login": skenario.login.model_dump() if skenario.login else None,
                "steps": _langkah_untuk_locust(skenario)}
        konteks["skenario_json"] = repr(json.dumps(data))
        konteks["bobot_langkah"] = [s.weight for s in skenario.steps]
    return _ENV.get_template("locustfile.py.j2").render(**konteks)


def render_penjaga(url: str) -> str:
    """The scope guard for the target ``url`` (see the module docstring); the origin rule is
    the security checks' (:func:`tasks.kelaikan.klien.origin`)."""
    skema, host, port = origin(url)
    return _ENV.get_template("locust_cakupan.py.j2").render(
        # repr() of a str is an inert Python literal
        asal_json=repr(json.dumps([skema, host, port])), nama_ditolak_json=repr(NAMA_DITOLAK),
        env_cakupan=ENV_CAKUPAN)


def punya_shape_sendiri(locustfile: Path) -> bool:
    """Whether a user-supplied locustfile defines its own LoadTestShape (ours replaces it)."""
    try:
        pohon = ast.parse(locustfile.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return False
    for node in ast.walk(pohon):
        if isinstance(node, ast.ClassDef):
            for dasar in node.bases:
                nama = dasar.attr if isinstance(dasar, ast.Attribute) else getattr(
                    dasar, "id", "")
                if nama == "LoadTestShape":
                    return True
    return False


def siapkan_locustfile(kerja: Path, rencana: RencanaBeban, skenario: Skenario | None,
                       locustfile_pengguna: Path | None = None) -> list[Path]:
    """Write the locustfile(s) into ``kerja``; returns the ``-f`` list (ours first, so our
    shape is the one Locust uses)."""
    kerja.mkdir(parents=True, exist_ok=True)
    if locustfile_pengguna is not None:
        if not locustfile_pengguna.is_file():
            raise GagalUjiBeban(f"Locustfile {locustfile_pengguna} tidak ditemukan")
        try:
            compile(locustfile_pengguna.read_text(encoding="utf-8"),
                    str(locustfile_pengguna), "exec")
        except (SyntaxError, UnicodeDecodeError) as exc:
            raise GagalUjiBeban(f"Locustfile {locustfile_pengguna} bukan Python yang sah: "
                                f"{exc}") from None
        bentuk = kerja / "lpa_bentuk.py"
        bentuk.write_text(render_locustfile(rencana, None), encoding="utf-8")
        salinan = kerja / "locustfile_pengguna.py"
        salinan.write_text(locustfile_pengguna.read_text(encoding="utf-8"), encoding="utf-8")
        return [bentuk, salinan]
    berkas = kerja / "locustfile.py"
    berkas.write_text(render_locustfile(rencana, skenario), encoding="utf-8")
    return [berkas]


# --- Running Locust ------------------------------------------------------------------------

@dataclass(frozen=True)
class Distribusi:
    """How Locust spreads the load.

    ``master_bind`` None: one machine, ``processes`` worker processes (-1: one per core, 0:
    a single process without workers). ``master_bind`` "HOST:PORT": a master there waiting
    for ``expect_workers`` workers (at most ``tunggu_workers`` seconds).
    """

    processes: int = -1
    master_bind: str | None = None
    expect_workers: int = 0
    tunggu_workers: float = 60.0

    def __post_init__(self) -> None:
        if self.master_bind is not None:
            host, _, port = self.master_bind.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError("--master-bind harus berbentuk HOST:PORT, mis. "
                                 "10.10.20.5:5557")
            if self.expect_workers < 1:
                raise ValueError("mode terdistribusi perlu --expect-workers minimal 1")
        elif self.processes < -1:
            raise ValueError("jumlah proses harus -1 (semua core), 0 atau lebih")

    @property
    def jumlah_proses(self) -> int:
        return (os.cpu_count() or 1) if self.processes == -1 else self.processes

    @property
    def tenggang(self) -> float:
        """Seconds the run may take beyond its plan."""
        return TENGGANG_MULAI + (self.tunggu_workers if self.master_bind else 0.0)


def port_bebas(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def perintah_locust(berkas: list[Path], url: str, distribusi: Distribusi,
                    csv_prefix: Path) -> list[str]:
    """The Locust command line (no secret in it)."""
    cmd = [sys.executable, "-m", "locust", "-f", ",".join(str(b) for b in berkas),
           # no trailing slash: the scenario's paths start with one
           "--headless", "--only-summary", "--host", url.rstrip("/"), "--csv", str(csv_prefix),
           "--loglevel", "INFO",
           "--exit-code-on-error", "0", "--stop-timeout", "5"]
    if distribusi.master_bind is not None:
        host, _, port = distribusi.master_bind.rpartition(":")
        cmd += ["--master", "--master-bind-host", host, "--master-bind-port", port,
                "--expect-workers", str(distribusi.expect_workers),
                "--expect-workers-max-wait", str(int(distribusi.tunggu_workers))]
    elif distribusi.jumlah_proses > 0:
        port = str(port_bebas())
        cmd += ["--processes", str(distribusi.jumlah_proses),
                "--master-bind-host", "127.0.0.1", "--master-bind-port", port,
                "--master-port", port]
    return cmd


def _bawaan_lingkungan(kunci: str) -> bool:
    """Variables of the calling environment that must not reach Locust: its own options
    (``LOCUST_*``, e.g. ``LOCUST_ENABLE_OPENTELEMETRY``), OpenTelemetry's, and proxies
    (requests would send the load through them)."""
    k = kunci.upper()
    return (k.startswith(("LOCUST_", "OTEL_")) or k.endswith("_PROXY")
            or k in (ENV_USERNAME, ENV_PASSWORD, ENV_HASIL, ENV_CAKUPAN))


def lingkungan_locust(hasil: Path, username: str | None,
                      password: SecretStr | None) -> dict[str, str]:
    """The environment of a Locust subprocess: telemetry off, no ambient Locust options,
    proxies or config file (``HOME`` is the work folder, so ``~/.locust.conf`` is none),
    where to write, and the test account when the scenario logs in."""
    env = {k: v for k, v in os.environ.items() if not _bawaan_lingkungan(k)}
    env.update(TELEMETRI_MATI)
    env["HOME"] = str(hasil.parent)
    env[ENV_HASIL] = str(hasil)
    env[ENV_CAKUPAN] = str(hasil.parent / NAMA_CAKUPAN)
    env["PYTHONUNBUFFERED"] = "1"
    if username is not None and password is not None:
        env[ENV_USERNAME] = username
        env[ENV_PASSWORD] = password.get_secret_value()
    return env


def baca_hasil(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _hentikan(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)


def _grup_hidup(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _tunggu_atau_bunuh(proc: asyncio.subprocess.Process) -> None:
    """Wait for the master, then for the rest of its process group (the workers it forked),
    ``TENGGANG_BERHENTI`` seconds at most; whatever is left is killed."""
    batas = time.monotonic() + TENGGANG_BERHENTI
    try:
        await asyncio.wait_for(proc.wait(), TENGGANG_BERHENTI)
    except TimeoutError:
        pass
    while _grup_hidup(proc.pid) and time.monotonic() < batas:
        await asyncio.sleep(0.1)
    if _grup_hidup(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    await proc.wait()


def ekor_log(path: Path, baris: int = 15, rahasia: list[str] | None = None) -> str:
    try:
        teks = path.read_text(encoding="utf-8", errors="replace").splitlines()[-baris:]
    except OSError:
        return ""
    hasil = "\n".join(teks)
    for r in rahasia or []:
        if r:
            hasil = hasil.replace(r, "[disensor]")
    return hasil


@task(name="uji-beban-locust", cache_policy=NONE, task_run_name="locust · {url}")
async def jalankan_locust(
    url: str, berkas: list[Path], rencana: RencanaBeban, kerja: Path,
    distribusi: Distribusi, username: str | None = None, password: SecretStr | None = None,
    progress_id: UUID | None = None, interval: float = 2.0,
) -> dict[str, Any]:
    """Run the plan with Locust in its own process group, bounded by the plan's duration
    plus the start-up allowance; returns the raw step data and how the run ended.

    Raises :class:`GagalUjiBeban` when Locust did not measure a single step.
    """
    hasil_path, log_path = kerja / NAMA_HASIL, kerja / NAMA_LOG
    hasil_path.unlink(missing_ok=True)
    (kerja / NAMA_CAKUPAN).unlink(missing_ok=True)
    penjaga = kerja / NAMA_PENJAGA
    penjaga.write_text(render_penjaga(url), encoding="utf-8")
    # the guard first: it is in place before any other locustfile's code runs
    cmd = perintah_locust([penjaga, *(b for b in berkas if b != penjaga)], url, distribusi,
                          kerja / NAMA_CSV)
    batas = rencana.durasi_total + distribusi.tenggang
    mulai = time.monotonic()
    with open(log_path, "wb") as log:
        proc = await asyncio.create_subprocess_exec(
            *cmd, stdout=log, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
            env=lingkungan_locust(hasil_path, username, password), cwd=kerja,
            start_new_session=True,
        )
        dihentikan = False
        try:
            while True:
                try:
                    await asyncio.wait_for(proc.wait(), interval)
                    await _tunggu_atau_bunuh(proc)  # workers still shutting down
                    break
                except TimeoutError:
                    pass
                if time.monotonic() - mulai > batas:
                    dihentikan = True
                    _hentikan(proc)
                    await _tunggu_atau_bunuh(proc)
                    break
                if progress_id is not None:
                    data = baca_hasil(hasil_path) or {}
                    detik = float(data.get("detik") or 0.0)
                    selesai = len(data.get("langkah") or [])
                    persen = max(detik / rencana.durasi_total,
                                 selesai / len(rencana.langkah)) * 100
                    with contextlib.suppress(Exception):  # progress is best effort
                        await aupdate_progress_artifact(progress_id, min(99.0, persen))
        except BaseException:  # cancelled or timed out from outside: never leave Locust behind
            _hentikan(proc)
            await _tunggu_atau_bunuh(proc)
            raise
    detik_beban = time.monotonic() - mulai
    rahasia = [password.get_secret_value()] if password is not None else []
    data = baca_hasil(hasil_path)
    log_teks = ekor_log(log_path, 10_000, rahasia)
    if not data or not data.get("langkah"):
        sebab = "dihentikan pada batas waktu" if dihentikan else f"kode keluar {proc.returncode}"
        raise GagalUjiBeban(f"Locust tidak menghasilkan pengukuran ({sebab}). Log terakhir:\n"
                            f"{ekor_log(log_path, 15, rahasia)}")
    galat_skenario = galat_pengguna(kerja / f"{NAMA_CSV}_exceptions.csv", rahasia)
    if galat_skenario and not any(s.get("requests") for s in data["langkah"]):
        # not a single request left the generator: the scenario broke, not the application
        raise GagalUjiBeban(f"skenario tidak dapat dijalankan oleh Locust: {galat_skenario}")
    if progress_id is not None:
        with contextlib.suppress(Exception):
            await aupdate_progress_artifact(progress_id, 100.0)
    return {
        **data,
        "cakupan": baca_hasil(kerja / NAMA_CAKUPAN) or {},
        "dihentikan": dihentikan,
        "returncode": proc.returncode,
        "peringatan_cpu": bool(POLA_CPU.search(log_teks)),
        "detik_beban": round(detik_beban, 3),
        "perintah": cmd,
        "kerja": str(kerja),
    }


def galat_pengguna(berkas: Path, rahasia: list[str]) -> str | None:
    """The most frequent exception raised in the simulated users' code (Locust's
    ``*_exceptions.csv``), secrets removed; None when there was none."""
    try:
        with open(berkas, newline="", encoding="utf-8") as f:
            baris = list(csv.DictReader(f))
    except OSError:
        return None
    if not baris:
        return None
    teratas = max(baris, key=lambda b: int(b.get("Count") or 0))
    pesan = (teratas.get("Message") or "").strip()[:300]
    for r in rahasia:
        pesan = pesan.replace(r, "[disensor]")
    return f"{pesan} ({teratas.get('Count')} kali)"


# --- Charts and the HTML part of the report --------------------------------------------------

def _skala(nilai: float) -> float:
    """A round upper bound for an axis: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k."""
    if nilai <= 0:
        return 1.0
    dasar = 10 ** int(f"{nilai:e}".split("e")[1])
    for k in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if nilai <= k * dasar:
            return k * dasar
    return 10 * dasar


def _fmt(v: float) -> str:
    return f"{v:g}" if v < 10_000 else f"{v / 1000:g}rb"


def grafik_svg(judul: str, sumbu_y: str, seri: list[tuple[str, str, list[tuple[float, float]]]],
               *, garis_h: tuple[str, float] | None = None,
               garis_v: tuple[str, float] | None = None,
               lebar: int = 560, tinggi: int = 300) -> str:
    """A small line chart as inline SVG (no plotting library). ``seri``: (label, colour,
    [(x, y)]); ``garis_h``/``garis_v``: a labelled horizontal/vertical reference line."""
    kiri, kanan, atas, bawah = 64, 16, 46, 46
    pw, ph = lebar - kiri - kanan, tinggi - atas - bawah
    xs = [x for _, _, titik in seri for x, _ in titik] + ([garis_v[1]] if garis_v else [])
    ys = [y for _, _, titik in seri for _, y in titik] + ([garis_h[1]] if garis_h else [])
    sumbu_x = sumbu_bulat(max(xs, default=1))  # users: whole numbers only
    xmaks, ymaks = sumbu_x[-1], _skala(max(ys, default=1) * 1.05)

    def px(x: float) -> float:
        return kiri + pw * x / xmaks

    def py(y: float) -> float:
        return atas + ph * (1 - y / ymaks)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lebar} {tinggi}" '
           f'width="{lebar}" height="{tinggi}" font-family="sans-serif" font-size="11" '
           f'role="img" aria-label="{_esc(judul)}">',
           f'<text x="{lebar / 2}" y="16" text-anchor="middle" font-size="13" '
           f'font-weight="bold">{_esc(judul)}</text>',
           f'<rect x="{kiri}" y="{atas}" width="{pw}" height="{ph}" fill="none" '
           f'stroke="#999"/>']
    for i in range(6):
        y = ymaks * i / 5
        out.append(f'<line x1="{kiri}" x2="{kiri + pw}" y1="{py(y):.1f}" y2="{py(y):.1f}" '
                   f'stroke="#e5e5e5"/>')
        out.append(f'<text x="{kiri - 6}" y="{py(y) + 4:.1f}" text-anchor="end">'
                   f'{_fmt(round(y, 3))}</text>')
    for x in sumbu_x:
        out.append(f'<text class="sumbu-x" x="{px(x):.1f}" y="{atas + ph + 16}" '
                   f'text-anchor="middle">{_fmt(x)}</text>')
    out.append(f'<text x="{kiri + pw / 2}" y="{tinggi - 8}" text-anchor="middle">'
               f'Pengguna serentak</text>')
    out.append(f'<text x="14" y="{atas + ph / 2}" text-anchor="middle" '
               f'transform="rotate(-90 14 {atas + ph / 2})">{_esc(sumbu_y)}</text>')
    if garis_h:
        out.append(f'<line x1="{kiri}" x2="{kiri + pw}" y1="{py(garis_h[1]):.1f}" '
                   f'y2="{py(garis_h[1]):.1f}" stroke="#c0392b" stroke-dasharray="6 4"/>'
                   f'<text x="{kiri + 4}" y="{py(garis_h[1]) - 4:.1f}" '
                   f'fill="#c0392b">{_esc(garis_h[0])}</text>')
    if garis_v:
        # the label on the side with room: at the right end it would be cut off
        kanan_penuh = px(garis_v[1]) > kiri + pw * 0.75
        lx, jangkar = (px(garis_v[1]) - 4, "end") if kanan_penuh else (px(garis_v[1]) + 4,
                                                                        "start")
        out.append(f'<line x1="{px(garis_v[1]):.1f}" x2="{px(garis_v[1]):.1f}" y1="{atas}" '
                   f'y2="{atas + ph}" stroke="#7f8c8d" stroke-dasharray="4 4"/>'
                   f'<text x="{lx:.1f}" y="{atas + 12}" fill="#555" text-anchor="{jangkar}">'
                   f'{_esc(garis_v[0])}</text>')
    for n, (label, warna, titik) in enumerate(seri):
        if titik:
            poin = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in titik)
            out.append(f'<polyline points="{poin}" fill="none" stroke="{warna}" '
                       f'stroke-width="2"/>')
            out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{warna}"/>'
                    for x, y in titik]
        lx = kiri + n * 90
        out.append(f'<rect x="{lx}" y="{atas - 14}" width="12" height="3" fill="{warna}"/>'
                   f'<text x="{lx + 16}" y="{atas - 9}">{_esc(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def _esc(teks: str) -> str:
    return (teks.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def grafik_uji_beban(ringkasan: RingkasanBeban) -> dict[str, str]:
    """The two charts of the report: response time and throughput against users."""
    langkah = [s for s in ringkasan.steps if s.requests > 0]
    waktu = [(label, warna, [(s.users, getattr(s, kunci)) for s in langkah
                             if getattr(s, kunci) is not None])
             for label, warna, kunci in (("p50", "#2980b9", "p50_ms"),
                                         ("p95", "#e67e22", "p95_ms"),
                                         ("p99", "#8e44ad", "p99_ms"))]
    target = (f"target {ringkasan.target_users}", float(ringkasan.target_users))
    return {
        "waktu_respons": grafik_svg(
            "Waktu respons terhadap pengguna serentak", "Waktu respons (ms)", waktu,
            garis_h=(f"ambang p95 {ringkasan.p95_threshold_ms:g} ms",
                     ringkasan.p95_threshold_ms), garis_v=target),
        "throughput": grafik_svg(
            "Throughput terhadap pengguna serentak", "Permintaan per detik",
            [("req/detik", "#27ae60", [(s.users, s.rps) for s in langkah])], garis_v=target),
    }


def render_html(ringkasan: RingkasanBeban) -> str:
    """The stress part of the HTML report (a ``<section>``, charts inline)."""
    return _ENV.get_template("uji_beban.html.j2").render(
        r=ringkasan, grafik=grafik_uji_beban(ringkasan))
