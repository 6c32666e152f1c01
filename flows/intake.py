"""SOP step 1: a request comes in, is validated, opens a ticket, and the ticket's run starts.

The form is the flow's typed parameter, so the Prefect UI renders it as a form. Validation
errors are answered in Bahasa Indonesia (the flow validates itself rather than letting
Prefect answer in English), and nothing is stored for an invalid form.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_client, get_run_logger
from prefect.context import get_run_context
from prefect.deployments import run_deployment

from domain.errors import validasi
from domain.forms import PermohonanPembangunan, PermohonanUjiKelayakan, PermohonanVA, detect_jenis
from domain.sop import JenisLayanan
from tasks.tiket import buka_tiket

PROSES_TIKET = "proses-tiket/proses-tiket"

Permohonan = PermohonanPembangunan | PermohonanUjiKelayakan | PermohonanVA


class FormulirTidakSah(ValueError):
    """The request form failed validation; the message lists every field and rule."""


def tag_tiket(jenis: JenisLayanan, instansi: str) -> list[str]:
    """Tags an operator filters by in the UI: the request type and the requesting agency."""
    return [f"jenis:{jenis.value}", f"instansi:{instansi}"[:200]]


@flow(name="intake", flow_run_name="intake-{jenis}", validate_parameters=False)
async def intake(
    permohonan: Permohonan,
    jenis: JenisLayanan | None = None,
    diterima: datetime | None = None,
) -> str:
    """Validate the form, open the ticket (idempotent), start the ticket's run; return its number.

    The flow run's idempotency key (given by the portal) is the ticket's idempotency key too,
    so a request submitted twice opens one ticket and one ticket run.
    """
    logger = get_run_logger()
    data = permohonan if isinstance(permohonan, dict) else permohonan.model_dump(
        mode="json", context={"reveal_secrets": True})
    jenis_value = JenisLayanan(jenis) if jenis else detect_jenis(data)
    if jenis_value is None:
        raise FormulirTidakSah("jenis: jenis formulir tidak dapat ditebak dari isinya")
    form, errors = validasi(JenisLayanan(jenis_value).value, data)
    if form is None:
        raise FormulirTidakSah(
            "Formulir tidak sah:\n" + "\n".join(f"- {e['field']}: {e['message']}" for e in errors)
        )
    jenis_layanan = JenisLayanan(jenis_value)
    run = get_run_context().flow_run
    key = run.idempotency_key if run is not None else None
    akun = None
    if isinstance(form, PermohonanUjiKelayakan):
        akun = (form.akun_uji.username, form.akun_uji.password.get_secret_value())
    instansi = form.penanggung_jawab_struktural.unit_kerja
    nomor, dibuat = buka_tiket(
        jenis_layanan, form.model_dump(mode="json"), form.nama_aplikasi, instansi,
        diterima or datetime.now(UTC), key, akun,
    )
    logger.info("Tiket %s %s", nomor, "dibuka" if dibuat else "sudah ada (permohonan ulang)")
    tags = tag_tiket(jenis_layanan, instansi)
    if run is not None:
        # Named and tagged after the ticket, so an operator finds it in the UI.
        async with get_client() as client:
            await client.update_flow_run(
                run.id, name=f"{nomor} · langkah 1 pengajuan",
                tags=sorted(set(run.tags) | set(tags)),
            )
    await run_deployment(
        PROSES_TIKET,
        parameters={"nomor_tiket": nomor},
        flow_run_name=nomor,
        tags=tags,
        idempotency_key=f"proses-{nomor}",
        timeout=0,
        as_subflow=False,
    )
    return nomor
