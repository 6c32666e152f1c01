"""Vulnerability assessment (VA): hosts and services of the VA form, then their web pages.

``va`` reads like the assessor's day:

1. **Penemuan** (discovery subflow): the named hosts (and, on the operator's request, the
   hosts of ``ip_jaringan`` that answer) are scanned by nmap: TCP connect, the configured port
   list, service and version identification, rate and time bounds (``LPA_VA_*``).
2. **Per host** (one subflow each): every open service is judged by what it is (remote
   administration, cleartext FTP, data services reachable, end of life and known CVEs) and
   probed by its kind: SSH (methods offered, ssh-audit), TLS (sslyze), FTP (one anonymous
   login), data services (one read-only command, one default-account try).
3. **Web** (the feasibility test, ``flows.kelaikan.kelaikan``, a subflow per service): every
   HTTP(S) service found, on any port; its findings name the service.
4. The report (:class:`domain.va.laporan.LaporanVA`), its verdict in the feasibility test's
   terms, and the Prefect artifacts (summary, ports, findings).

Only addresses inside the scope are contacted (:class:`domain.va.cakupan.CakupanVA`); a
service whose probe fails is recorded with the reason and never stops the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger
from pydantic import SecretStr

from domain.kelaikan import LaporanKelaikan, TargetUji, UjiTidakDapatDinilai
from domain.va import dataset as data
from domain.va.cakupan import CakupanVA, OpsiPindai
from domain.va.cek import (
    cek,
    jenis_data,
    nilai_data,
    nilai_ftp,
    nilai_paparan,
    nilai_ssh,
    nilai_tls,
)
from domain.va.laporan import (
    KATEGORI_VA,
    HostVA,
    InfoDataset,
    LaporanVA,
    LayananWeb,
    PortTerbuka,
    TemuanVA,
    gabung_kategori_web,
    hasil_kategori_va,
    ringkas_galat,
)
from domain.va.nmap import HasilPindai, HostDipindai, Layanan, ringkas_perintah
from flows.penamaan import TIKET_UJI
from settings import get_settings
from tasks.va.artefak import terbitkan_artefak_va, terbitkan_penemuan
from tasks.va.data import amati_data, amati_ftp
from tasks.va.pindai import pindai, sapu
from tasks.va.ssh import amati_ssh
from tasks.va.tls import amati_tls

BATAS_WAKTU_HOST = 30 * 60
"""Wall-clock bound of one host's subflow, seconds (each probe has its own, shorter)."""


class VATidakDapatDijalankan(RuntimeError):
    """The assessment could not test anything (the message, in Bahasa Indonesia, says why)."""


def _nama(bagian: str) -> Callable[[], str]:
    def nama() -> str:
        nomor = TIKET_UJI.get()
        if nomor:
            return f"{nomor} · {bagian}"
        from prefect.runtime import flow_run

        p = flow_run.parameters
        cakupan = p.get("cakupan") or {}
        host = p.get("host") or {}
        alamat = (host.get("ip") if isinstance(host, dict) else getattr(host, "ip", None)) or \
            (cakupan.get("ip_aplikasi") if isinstance(cakupan, dict)
             else getattr(cakupan, "ip_aplikasi", "?"))
        return f"{bagian} · {alamat}"

    return nama


def opsi_dari_pengaturan() -> OpsiPindai:
    s = get_settings()
    return OpsiPindai(top_ports=s.va_top_ports, port=s.va_port, max_rate=s.va_max_rate,
                      host_timeout=s.va_host_timeout, versi_intensitas=s.va_intensitas_versi)


@flow(name="va-penemuan", flow_run_name=_nama("va-penemuan"), timeout_seconds=4 * 3600)
async def penemuan(cakupan: CakupanVA, opsi: OpsiPindai) -> HasilPindai:
    """The hosts to assess (named, plus a sweep's when asked) and their open services."""
    logger = get_run_logger()
    alamat = cakupan.host_bernama()
    if cakupan.sapu:
        lain = await sapu(cakupan, opsi)
        logger.info("Penyapuan %s menemukan %d host aktif", cakupan.ip_jaringan, len(lain))
        alamat += [a for a in lain if a not in alamat]
    hasil = await pindai(cakupan, alamat, opsi)
    logger.info("Penemuan: %s", hasil.ringkasan or "selesai")
    return hasil


async def _amati(cid: str, layanan: Layanan, aw: Awaitable[Any],
                 nilai: Callable[[Layanan, Any], list[TemuanVA]],
                 ) -> tuple[list[str], list[TemuanVA], dict[str, str]]:
    ids = cid.split()
    try:
        obs = await aw
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        alasan = f"{layanan.host}:{layanan.port}: {ringkas_galat(exc)}"
        return [], [], {cek(i).id: alasan for i in ids}
    return [cek(i).id for i in ids], nilai(layanan, obs), {}


@flow(name="va-host", flow_run_name=_nama("va-host"), timeout_seconds=BATAS_WAKTU_HOST)
async def periksa_host(host: HostDipindai) -> tuple[list[TemuanVA], list[str], dict[str, str]]:
    """Every open service of ``host`` judged and probed by its kind; returns the findings,
    the checks that ran and those that could not (check id → reason)."""
    temuan: list[TemuanVA] = []
    jalan = ["telnet_terbuka", "ftp_terbuka", "rdp_terbuka", "smb_terbuka", "vnc_terbuka",
             "db_terjangkau", "versi_eol", "versi_rentan"]
    jalan = [cek(i).id for i in jalan]
    langkah: list[Awaitable[tuple[list[str], list[TemuanVA], dict[str, str]]]] = []
    for s in host.layanan:
        temuan += nilai_paparan(s)
        if s.nama == "ssh":
            langkah.append(_amati("ssh_kata_sandi ssh_algoritma_lemah", s,
                                  amati_ssh(s.host, s.port), nilai_ssh))
        if s.tls and not s.nama.startswith("ms-wbt"):
            langkah.append(_amati(
                "tls_protokol_usang tls_cipher_lemah tls_sertifikat_kedaluwarsa "
                "tls_sertifikat_swatanda tls_rantai_tidak_lengkap tls_nama_tidak_cocok", s,
                amati_tls(s.host, s.port), nilai_tls))
        if s.nama == "ftp" and s.tunnel != "ssl":
            langkah.append(_amati("ftp_anonim", s, amati_ftp(s.host, s.port), nilai_ftp))
        jenis = jenis_data(s)
        if jenis in ("mysql", "postgresql"):
            langkah.append(_amati("db_kredensial_bawaan", s,
                                  amati_data(jenis, s.host, s.port, s.tls), nilai_data))
        elif jenis in ("redis", "mongodb", "elasticsearch", "memcached"):
            langkah.append(_amati("tanpa_otentikasi", s,
                                  amati_data(jenis, s.host, s.port, s.tls), nilai_data))
    tidak: dict[str, str] = {}
    for ids, t, gagal in await asyncio.gather(*langkah):
        jalan += ids
        temuan += t
        for cid, alasan in gagal.items():  # several services may fail the same check
            tidak[cid] = f"{tidak[cid]}; {alasan}" if cid in tidak else alasan
    return temuan, jalan, tidak


async def _uji_web(layanan: Layanan, cakupan: CakupanVA, host_db: str | None,
                   username: str | None, password: SecretStr | None,
                   ) -> LaporanKelaikan | str:
    """The feasibility test on one HTTP(S) service, or why it could not run."""
    skema = "https" if layanan.tls or layanan.nama == "https" else "http"
    ip = f"[{layanan.host}]" if ":" in layanan.host else layanan.host
    try:
        target = TargetUji(url=f"{skema}://{ip}:{layanan.port}/", username=username,
                           password=password, db_host=host_db, network=cakupan.ip_jaringan)
    except ValueError as exc:
        return f"target web tidak sah: {exc}"
    from flows.kelaikan import kelaikan

    try:
        return LaporanKelaikan.model_validate(await kelaikan(target, stress=False))
    except UjiTidakDapatDinilai as exc:
        return f"uji web tidak dapat dinilai: {exc}"
    except Exception as exc:  # noqa: BLE001 - recorded as the reason
        return f"uji web tidak dapat dijalankan: {ringkas_galat(exc)}"


def _peran(ip: str, cakupan: CakupanVA) -> str:
    peran = [p for p, a in (("aplikasi", cakupan.ip_aplikasi),
                            ("database", cakupan.ip_database)) if a == ip]
    return " dan ".join(peran) or "jaringan"


@flow(name="va", flow_run_name=_nama("va"), timeout_seconds=6 * 3600)
async def va(cakupan: CakupanVA, opsi: OpsiPindai | None = None, web: bool = True,
             username: str | None = None, password: SecretStr | None = None,
             ) -> dict[str, Any]:
    """The whole assessment; returns ``laporan.json`` (:class:`domain.va.laporan.LaporanVA`).

    ``opsi``: discovery's port list, rate and time bound (default: ``LPA_VA_*``); ``web``:
    run the feasibility test on every HTTP(S) service found; ``username``/``password``: the
    test account for the web checks, when the request gives one.
    """
    logger = get_run_logger()
    mulai = datetime.now(UTC)
    opsi = opsi or opsi_dari_pengaturan()
    try:
        pindaian = await penemuan(cakupan, opsi)
    except Exception as exc:  # noqa: BLE001 - no discovery, no assessment
        raise VATidakDapatDijalankan(f"penemuan layanan gagal: {exc}") from None
    terbuka = [h for h in pindaian.host if h.layanan]
    await terbitkan_penemuan(", ".join(cakupan.host_bernama()), pindaian)
    if not terbuka:
        raise VATidakDapatDijalankan(
            f"tidak ada port terbuka pada {', '.join(cakupan.host_bernama())} dalam daftar "
            "port yang dipindai: host tidak dapat dijangkau dari penguji, atau semua "
            "layanannya tertutup")
    temuan: list[TemuanVA] = []
    jalan: list[str] = []
    tidak: dict[str, str] = {}
    for h in terbuka:  # one host at a time: the rate bound holds per assessment
        t, j, g = await periksa_host(h)
        temuan += t
        jalan += j
        tidak.update({k: f"{tidak[k]}; {v}" if k in tidak else v for k, v in g.items()})
    kategori = [hasil_kategori_va(KATEGORI_VA, temuan, jalan, tidak)]
    layanan_web: list[LayananWeb] = []
    if web:
        per_layanan: list[tuple[Layanan, LaporanKelaikan | str]] = []
        host_db = cakupan.ip_database
        for s in [s for h in terbuka for s in h.layanan if s.http]:
            logger.info("Uji web (uji kelaikan) pada %s:%d", s.host, s.port)
            hasil = await _uji_web(s, cakupan, host_db, username, password)
            host_db = None  # the database host's own checks run once
            per_layanan.append((s, hasil))
            layanan_web.append(LayananWeb(
                url=f"{s.host}:{s.port}",
                hasil=hasil.verdict if isinstance(hasil, LaporanKelaikan) else hasil))
        kategori += gabung_kategori_web(per_layanan, cakupan.ip_database)
    ds = data.dataset()
    hosts = [HostVA(ip=h.ip, peran=_peran(h.ip, cakupan),
                    status="diuji" if h.layanan else "tidak ada port terbuka",
                    port=[PortTerbuka(port=s.port, protokol=s.protokol, layanan=s.label,
                                      tls=s.tls, http=s.http) for s in h.layanan])
             for h in pindaian.host if h.layanan or h.ip in cakupan.host_bernama()]
    laporan = LaporanVA.susun(
        target=", ".join(cakupan.host_bernama()), cakupan=str(cakupan.jaringan),
        started=mulai, finished=datetime.now(UTC), categories=kategori, hosts=hosts,
        dataset=InfoDataset(tanggal=ds.tanggal, sumber=ds.sumber), layanan_web=layanan_web,
        pemindaian=f"{pindaian.ringkasan} — {ringkas_perintah(pindaian.perintah)}".strip(" —"))
    if password is not None:
        laporan = laporan.tanpa_rahasia([password.get_secret_value()])
    await terbitkan_artefak_va(laporan)
    logger.info("VA %s selesai: %s", laporan.target, laporan.verdict)
    return laporan.model_dump(mode="json")


async def va_untuk_tiket(tiket: Any, step_id: int, batas: float) -> None:
    """Step 5 of a VA ticket: the assessment of the form's addresses (``ip_jaringan`` the
    scope, no sweep), kept as the ticket's ``kelaikan.json`` and, when it ran, the full VA
    report beside it (``va/laporan.{json,html,pdf}``)."""
    from prefect import tags

    from domain.laporan import HasilKelaikan, UjiTidakJalan
    from flows.intake import tag_tiket
    from flows.penamaan import untuk_tiket
    from tasks import tiket as t
    from tasks.pelaporan import kelaikan_path, simpan_kelaikan
    from tasks.va.laporan import tulis_laporan_va

    logger = get_run_logger()
    form = tiket.permohonan
    cakupan = CakupanVA(ip_aplikasi=form.ip_aplikasi, ip_database=form.ip_database,
                        ip_jaringan=form.ip_jaringan)
    akun = t.akun_uji(tiket.nomor)
    rahasia = [akun[1]] if akun else []
    hasil: HasilKelaikan
    try:
        with untuk_tiket(tiket.nomor), tags(*tag_tiket(tiket.jenis, tiket.instansi)):
            laporan = LaporanVA.model_validate(await va.with_options(
                timeout_seconds=max(batas, 600))(
                cakupan, username=akun[0] if akun else None,
                password=SecretStr(akun[1]) if akun else None))
        hasil = laporan
        catatan = f"Hasil vulnerability assessment: {laporan.verdict}"
    except Exception as exc:  # noqa: BLE001 - reported on the ticket, not hidden
        alasan = f"Vulnerability assessment tidak dapat dijalankan: {ringkas_galat(exc)}"
        for r in rahasia:
            alasan = alasan.replace(r, "[disensor]")
        hasil = UjiTidakJalan(target=", ".join(cakupan.host_bernama()), ringkasan=alasan)
        catatan = alasan
    simpan_kelaikan(tiket.nomor, hasil)
    if isinstance(hasil, LaporanVA):
        tulis_laporan_va(hasil, kelaikan_path(tiket.nomor).parent / "va", rahasia)
    logger.info("Vulnerability assessment %s: %s", tiket.nomor, catatan)
    t.selesaikan_langkah(tiket.nomor, step_id, catatan=catatan)
