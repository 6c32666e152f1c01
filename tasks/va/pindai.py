"""Discovery: nmap as a subprocess, XML on stdout, bounded in time.

The command line comes from :func:`domain.va.cakupan.argumen_nmap` (connect scan, no raw
packet, no DNS, rate and time bounds); the addresses from the scope. nmap's XML is read by
:func:`domain.va.nmap.baca_xml_nmap`; every host in it is checked against the scope once more.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE

from domain.va.cakupan import (
    CakupanVA,
    OpsiPindai,
    argumen_nmap,
    argumen_sapu,
    daftar_port,
    port_teratas,
)
from domain.va.nmap import HasilPindai, baca_xml_nmap


class AlatTidakAda(RuntimeError):
    """A tool the assessment needs is not installed (the message says which, in Bahasa
    Indonesia)."""


class PemindaianGagal(RuntimeError):
    """nmap ended with an error or past its bound."""


def program_nmap() -> str:
    nmap = shutil.which("nmap")
    if nmap is None:
        raise AlatTidakAda("nmap tidak terpasang (apt-get install nmap)")
    return nmap


async def jalankan_nmap(argumen: Sequence[str], batas: float) -> bytes:
    """nmap's stdout; killed at ``batas`` seconds."""
    proses = await asyncio.create_subprocess_exec(
        program_nmap(), *argumen, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL)
    try:
        keluar, galat = await asyncio.wait_for(proses.communicate(), timeout=batas)
    except TimeoutError:
        proses.kill()
        await proses.wait()
        raise PemindaianGagal(f"nmap melewati batas waktu {batas:g} detik") from None
    if proses.returncode != 0:
        pesan = galat.decode(errors="replace").strip().splitlines()
        raise PemindaianGagal(f"nmap gagal (kode {proses.returncode}): "
                              f"{pesan[-1] if pesan else 'tanpa pesan'}")
    return keluar


def _batas(opsi: OpsiPindai, jumlah_host: int) -> float:
    """nmap scans hosts in parallel groups; its own --host-timeout bounds each, this bounds
    the process (and a hanging one)."""
    return opsi.host_timeout * max(1, min(jumlah_host, 4)) + 60


def dengan_port_wajib(opsi: OpsiPindai) -> OpsiPindai:
    """Without an explicit list: nmap's top ports (its own ``nmap-services``) and
    :data:`domain.va.cakupan.PORT_WAJIB`, as one ``-p`` list; ``--top-ports`` alone when
    nmap's table cannot be read."""
    if opsi.port:
        return opsi
    for folder in (Path(program_nmap()).resolve().parent.parent / "share" / "nmap",
                   Path("/usr/share/nmap")):
        berkas = folder / "nmap-services"
        if berkas.is_file():
            port = port_teratas(berkas.read_text(encoding="utf-8", errors="replace"),
                                opsi.top_ports)
            return opsi.model_copy(update={"port": daftar_port(port)})
    return opsi


@task(name="va.pindai", cache_policy=NONE, persist_result=False, timeout_seconds=7200 * 2)
async def pindai(cakupan: CakupanVA, alamat: list[str], opsi: OpsiPindai) -> HasilPindai:
    """Open TCP ports, services and versions of ``alamat`` (each inside the scope)."""
    alamat = cakupan.saring(alamat)
    opsi = dengan_port_wajib(opsi)
    hasil = baca_xml_nmap(await jalankan_nmap(argumen_nmap(alamat, opsi),
                                              _batas(opsi, len(alamat))))
    cakupan.saring(h.ip for h in hasil.host)  # what nmap reports must be what it was given
    return hasil


@task(name="va.sapu", cache_policy=NONE, persist_result=False, timeout_seconds=7200 * 2)
async def sapu(cakupan: CakupanVA, opsi: OpsiPindai) -> list[str]:
    """The hosts of ``ip_jaringan`` that answer (only on the operator's request)."""
    if not cakupan.sapu or cakupan.ip_jaringan is None:
        return []
    hasil = baca_xml_nmap(await jalankan_nmap(argumen_sapu(cakupan.ip_jaringan, opsi),
                                              _batas(opsi, 4)))
    return cakupan.saring(h.ip for h in hasil.host if h.status == "up")
