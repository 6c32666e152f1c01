"""SOP step 1: a request comes in, is validated, opens a ticket, and the ticket's run starts.

The form is the flow's typed parameter, so the Prefect UI renders it as a form. Validation
errors are answered in Bahasa Indonesia (the flow validates itself rather than letting
Prefect answer in English), and nothing is stored for an invalid form.

The parameter never holds a secret: a feasibility form arrives with its test account's
password already deposited, encrypted, in our store by the client (``lpa submit``, the
portal), and only the deposit's reference (``akun_uji.rahasia``) travels here. The
deployment enforces the parameter schema, so a call that sends a ``password`` is refused by
the Prefect server before any run (and any copy of it) exists.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_client, get_run_logger
from prefect.artifacts import acreate_markdown_artifact
from prefect.context import get_run_context
from prefect.deployments import run_deployment
from prefect.states import Completed, State
from pydantic import BaseModel, Field

from domain.errors import validasi
from domain.forms import (
    PermohonanRun,
    PermohonanUjiKelayakanTitipan,
    detect_jenis,
    untuk_disimpan,
)
from domain.pemulihan import PROSES_TIKET
from domain.sop import JenisLayanan
from domain.teks import md_aman
from store.secrets import TitipanTidakAda
from tasks.tiket import buka_tiket, kunci_run_proses


class HasilIntake(BaseModel):
    """What the intake run answers its caller (the run's result, and its state message).

    A refused form is an expected outcome, not a failure: the run completes with
    ``ditolak=True``, every field's Indonesian error, and how to send it again.
    """

    nomor_tiket: str | None = None
    dibuka: bool = False
    """False for a repeat of a request already open (the same idempotency key)."""
    ditolak: bool = False
    galat: list[dict[str, str]] = Field(default_factory=list)
    pesan: str = ""


KIRIM_ULANG = ("Perbaiki isian yang disebut lalu kirim ulang dengan kunci idempoten BARU: "
               "kunci ini sudah terpakai oleh penolakan ini (`lpa submit` membuat kunci baru "
               "sendiri untuk formulir yang berubah).")


def tag_tiket(jenis: JenisLayanan, instansi: str) -> list[str]:
    """Tags an operator filters by in the UI: the request type and the requesting agency."""
    return [f"jenis:{jenis.value}", f"instansi:{instansi}"[:200]]


@flow(name="intake", flow_run_name="intake-{jenis}", validate_parameters=False)
async def intake(
    permohonan: PermohonanRun,
    jenis: JenisLayanan | None = None,
    diterima: datetime | None = None,
) -> State:
    """Validate the form, open the ticket (idempotent), start the ticket's run.

    The result is a :class:`HasilIntake`: the ticket number, or the refusal with every
    field's error. The flow run's idempotency key (given by the portal) is the ticket's
    idempotency key too, so a request submitted twice opens one ticket and one ticket run.
    """
    logger = get_run_logger()
    data = permohonan if isinstance(permohonan, dict) else permohonan.model_dump(mode="json")
    jenis_value = JenisLayanan(jenis) if jenis else detect_jenis(data)
    if jenis_value is None:
        return await _tolak([{"field": "jenis", "message": "jenis formulir tidak dapat "
                              "ditebak dari isinya; sebutkan pembangunan, uji-kelayakan atau va"}])
    form, errors = validasi(JenisLayanan(jenis_value).value, data, titipan=True)
    if form is None:
        return await _tolak(errors)
    jenis_layanan = JenisLayanan(jenis_value)
    run = get_run_context().flow_run
    key = run.idempotency_key if run is not None else None
    titipan = None
    if isinstance(form, PermohonanUjiKelayakanTitipan):
        titipan = (form.akun_uji.username, form.akun_uji.rahasia)
    instansi = form.penanggung_jawab_struktural.unit_kerja
    try:
        nomor, dibuat = buka_tiket(
            jenis_layanan, untuk_disimpan(form), form.nama_aplikasi, instansi,
            diterima or datetime.now(UTC), key, titipan,
        )
    except TitipanTidakAda:
        return await _tolak([{"field": "akun_uji.rahasia", "message": (
            "titipan kata sandi tidak ditemukan, sudah dipakai, atau kedaluwarsa; ajukan "
            "permohonan lagi melalui portal atau `lpa submit`")}])
    # Not opened here: the client (portal, ``lpa submit``) opened it in the store as soon as
    # this run existed (decision 24), or this is a repeat of an earlier request.
    logger.info("Tiket %s %s", nomor, "dibuka" if dibuat else
                "sudah dibuka oleh portal/`lpa submit` atau oleh permohonan yang sama")
    tags = tag_tiket(jenis_layanan, instansi)
    if run is not None:
        # Named and tagged after the ticket, so an operator finds it in the UI.
        async with get_client() as client:
            await client.update_flow_run(
                run.id, name=f"{nomor} · langkah 1 pengajuan",
                tags=sorted(set(run.tags) | set(tags)),
            )
    await _mulai_proses(nomor, tags)
    hasil = HasilIntake(nomor_tiket=nomor, dibuka=dibuat,
                        pesan=f"Tiket {nomor} {'dibuka' if dibuat else 'sudah dibuka'}")
    return Completed(message=hasil.pesan, data=hasil)


JEDA_ULANG_PROSES = (5.0, 15.0, 30.0)
"""Seconds between the attempts to create the ticket's run while the server answers 5xx."""


async def _mulai_proses(nomor: str, tags: list[str]) -> None:
    """The ticket's ``proses-tiket`` run, with the ticket's first-run key (one run however
    often it is asked). A server too busy to answer (SQLite locked: 503 after the client's
    own retries) is asked again after :data:`JEDA_ULANG_PROSES`; a ticket whose run still
    could not be created is started by the recovery (the SLA watch's pass)."""
    import asyncio

    import httpx
    from prefect.exceptions import PrefectHTTPStatusError

    for jeda in (*JEDA_ULANG_PROSES, None):
        try:
            await run_deployment(
                PROSES_TIKET,
                parameters={"nomor_tiket": nomor},
                flow_run_name=nomor,
                tags=tags,
                idempotency_key=kunci_run_proses(nomor),
                timeout=0,
                as_subflow=False,
            )
            return
        except (PrefectHTTPStatusError, httpx.TransportError) as exc:
            sementara = not isinstance(exc, PrefectHTTPStatusError) or \
                exc.response.status_code >= 500
            if jeda is None or not sementara:
                raise
            get_run_logger().warning(
                "Run proses tiket %s belum dapat dibuat (%s); dicoba lagi dalam %g detik",
                nomor, type(exc).__name__, jeda)
            await asyncio.sleep(jeda)


async def _tolak(galat: list[dict[str, str]]) -> State:
    """Complete the run with the refusal: its result, its state message and an artifact."""
    hasil = HasilIntake(ditolak=True, galat=[dict(g) for g in galat],
                        pesan=f"Formulir ditolak: {len(galat)} isian perlu diperbaiki. "
                              + KIRIM_ULANG)
    get_run_logger().warning("Formulir ditolak: %s", "; ".join(
        f"{g['field']}: {g['message']}" for g in galat))
    baris = "\n".join(f"| {md_aman(g['field'])} | {md_aman(g['message'])} |" for g in galat)
    await acreate_markdown_artifact(
        key="intake-ditolak",
        markdown=f"## Formulir ditolak\n\n| Isian | Yang perlu diperbaiki |\n|---|---|\n"
                 f"{baris}\n\n{KIRIM_ULANG}\n",
        description="Penolakan formulir permohonan (intake)")
    ringkas = "; ".join(f"{g['field']}: {g['message']}" for g in galat)
    return Completed(message=f"Formulir ditolak — {ringkas}"[:2000], data=hasil)
