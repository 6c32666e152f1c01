"""SSH: the authentication methods a server offers, and ssh-audit's view of its algorithms.

The methods are asked the way any client asks, with OpenSSH's own ``ssh`` and the ``none``
method: the server answers which methods may continue; no password is ever sent.
ssh-audit (PyPI, run as a subprocess with JSON output) reads the key exchange, host key,
cipher and MAC lists; its "fail" notes are kept, the domain judges them.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys

from prefect import task
from prefect.cache_policies import NONE

from domain.va.cek import ObservasiSSH

BATAS_DETIK = 60.0
PENGGUNA_UJI = "lpa-va"
"""The user name of the ``none`` request: one no server has, so that no account is touched."""


async def _jalankan(argumen: list[str], batas: float) -> tuple[int, str, str]:
    proses = await asyncio.create_subprocess_exec(
        *argumen, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL)
    try:
        keluar, galat = await asyncio.wait_for(proses.communicate(), timeout=batas)
    except TimeoutError:
        proses.kill()
        await proses.wait()
        raise TimeoutError(f"{argumen[0]} melewati batas {batas:g} detik") from None
    return (proses.returncode or 0, keluar.decode(errors="replace"),
            galat.decode(errors="replace"))


async def metode_otentikasi(host: str, port: int) -> tuple[str, ...] | None:
    """The methods the server lets continue after ``none`` (None without an ``ssh`` client
    or an answer)."""
    ssh = shutil.which("ssh")
    if ssh is None:
        return None
    _, _, galat = await _jalankan([
        ssh, "-v", "-o", "BatchMode=yes", "-o", "PreferredAuthentications=none",
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10",
        "-o", "ConnectionAttempts=1", "-F", "/dev/null", "-p", str(port),
        f"{PENGGUNA_UJI}@{host}", "true"], BATAS_DETIK)
    m = re.search(r"Authentications that can continue: ([a-z0-9@.,\-]+)", galat)
    return tuple(m.group(1).split(",")) if m else None


async def audit_algoritma(host: str, port: int) -> tuple[str, ...] | None:
    """ssh-audit's "fail" notes, ``jenis nama: catatan``; None when it gave no JSON."""
    _, keluar, _ = await _jalankan([sys.executable, "-m", "ssh_audit", "-j", "-t", "10",
                                    "-p", str(port), host], BATAS_DETIK)
    try:
        data = json.loads(keluar)
    except json.JSONDecodeError:
        return None
    gagal = []
    for jenis in ("kex", "key", "enc", "mac"):
        for alg in data.get(jenis, []):
            for catatan in (alg.get("notes") or {}).get("fail", []):
                gagal.append(f"{jenis} {alg.get('algorithm')}: {catatan}")
    return tuple(gagal)


@task(name="va.ssh", cache_policy=NONE, persist_result=False, timeout_seconds=180)
async def amati_ssh(host: str, port: int) -> ObservasiSSH:
    metode, gagal = await asyncio.gather(metode_otentikasi(host, port),
                                         audit_algoritma(host, port))
    return ObservasiSSH(metode_otentikasi=metode, algoritma_gagal=gagal or (),
                        audit_jalan=gagal is not None)
