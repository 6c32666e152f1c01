"""What the ``lpa`` verbs do, as functions the demo and the tests call the same way."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from prefect.deployments import run_deployment
from prefect.exceptions import NotPausedError, ObjectNotFound, PrefectHTTPStatusError
from prefect.flow_runs import resume_flow_run
from sqlalchemy import select

from domain.errors import validasi
from domain.forms import PermohonanUjiKelayakan, detect_jenis, sidik_formulir, tanpa_rahasia
from domain.sop import Peran
from lpa.settings import Settings
from store import db, repo, secrets
from store.models import AuditEvent, StepRecord, Ticket

INTAKE = "intake/intake"
_LANGKAH_KEPUTUSAN = {"disposisi_kadis", "disposisi_kabid", "perintah_prakom", "rekomendasi",
                      "hosting_integrasi"}


class GagalOperasi(Exception):
    """A refused operation; the message is for people (Bahasa Indonesia)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def kunci_idempoten(data: dict[str, Any]) -> str:
    """The same form submitted twice gets the same key, so it opens one ticket.

    Computed from the normalised form without its secret (``sidik_formulir``): a key is
    stored by Prefect, and a hash of a password would be one to guess against.
    """
    return "form-" + sidik_formulir(data)[:40]


def submit(settings: Settings, data: dict[str, Any], jenis: str | None = None,
           key: str | None = None, timeout: float = 180) -> str:
    """Create an intake run (as the portal does) and return the ticket number.

    What is sent is exactly what ``lpa validate`` accepted, normalised; a feasibility form's
    password is first deposited encrypted in our store and the run receives its reference.
    A key already used for a different form is refused; the same form again returns the
    ticket it opened.
    """
    jenis = jenis or detect_jenis(data)
    if jenis is None:
        raise GagalOperasi("Jenis formulir tidak dapat ditebak; sebutkan --jenis", 1)
    form, errors = validasi(jenis, data)
    if form is None:
        raise GagalOperasi(
            "Formulir tidak sah:\n" + "\n".join(f"- {e['field']}: {e['message']}" for e in errors),
            1,
        )
    sidik = sidik_formulir(form.model_dump(mode="json"))
    key = key or kunci_idempoten(form.model_dump(mode="json"))
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        ada = session.scalars(select(Ticket).where(Ticket.idempotency_key == key)).one_or_none()
        if ada is not None:
            if sidik_formulir(ada.form) != sidik:
                raise _kunci_bentrok(key, ada.number)
            return ada.number
        rujukan = None
        if isinstance(form, PermohonanUjiKelayakan):
            box = secrets.fernet(_rahasia(settings.kunci_enkripsi), settings.key_file)
            rujukan = secrets.titipkan(session, box, form.akun_uji.password.get_secret_value(),
                                       datetime.now(UTC))
    parameters = {"permohonan": tanpa_rahasia(form, rujukan), "jenis": jenis}
    try:
        run = run_deployment(INTAKE, parameters=parameters, idempotency_key=key,
                             timeout=timeout, poll_interval=1, as_subflow=False)
    except ObjectNotFound:
        _buang(settings, rujukan)
        raise GagalOperasi("Deployment intake tidak ada di server Prefect yang dituju; "
                           "jalankan `lpa up` (atau periksa LPA_PREFECT_API_URL)") from None
    except PrefectHTTPStatusError as exc:
        _buang(settings, rujukan)
        raise GagalOperasi(
            f"Server Prefect menolak permohonan (HTTP {exc.response.status_code}); rinciannya "
            "di log. Periksa bahwa server dan lpa berasal dari versi yang sama.") from exc
    dikirim = (run.parameters or {}).get("permohonan")
    if isinstance(dikirim, dict) and sidik_formulir(dikirim) != sidik:
        # Prefect answered with the run an earlier, different form made under this key.
        _buang(settings, rujukan)
        raise _kunci_bentrok(key, None)
    if rujukan and isinstance(dikirim, dict) and \
            (dikirim.get("akun_uji") or {}).get("rahasia") != rujukan:
        _buang(settings, rujukan)  # a repeat: the first submission's deposit is the one used
    if run.state is None or not run.state.is_final():
        raise GagalOperasi(f"Intake belum selesai dalam {timeout:.0f} detik (run {run.id})")
    if not run.state.is_completed():
        raise GagalOperasi(f"Intake gagal: {run.state.message} (run {run.id})", 1)
    with db.session_scope(settings.store_url) as session:
        ticket = session.scalars(
            select(Ticket).where(Ticket.idempotency_key == key)).one_or_none()
        if ticket is None:  # the intake refused the form: its state message says why
            raise GagalOperasi(f"{run.state.message or 'Formulir ditolak'} (run {run.id})", 1)
        return ticket.number


def _kunci_bentrok(key: str, nomor: str | None) -> GagalOperasi:
    milik = f" (tiket {nomor})" if nomor else ""
    return GagalOperasi(
        f"Kunci idempoten {key!r} sudah dipakai untuk permohonan lain{milik}; formulir ini "
        "TIDAK diajukan. Gunakan kunci lain, atau tanpa --key.", 1)


def _rahasia(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _buang(settings: Settings, rujukan: str | None) -> None:
    if rujukan:
        with db.session_scope(settings.store_url) as session:
            secrets.buang_titipan(session, rujukan)


@dataclass(frozen=True)
class Menunggu:
    tiket: str
    langkah: str
    step_no: int
    peran: str
    nip: str | None
    nama: str | None
    jatuh_tempo: datetime | None
    terlambat: bool
    flow_run_id: str | None
    kode_terbit: bool
    """Whether the one-time code has been sent (the step can be decided)."""

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["jatuh_tempo"] = self.jatuh_tempo.isoformat() if self.jatuh_tempo else None
        return d


def inbox(settings: Settings, nip: str | None = None) -> list[Menunggu]:
    """The decisions waiting for a person, oldest due first."""
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        query = (
            select(StepRecord, Ticket)
            .join(Ticket, StepRecord.ticket_id == Ticket.id)
            .where(StepRecord.finished_at.is_(None), Ticket.archived_at.is_(None),
                   StepRecord.code.in_(_LANGKAH_KEPUTUSAN | {"kelengkapan"}))
        )
        if nip:
            query = query.where(StepRecord.assignee_nip == nip)
        rows = session.execute(query).all()
        items = [
            Menunggu(t.number, s.code, s.step_no, Peran(s.actor_role).label, s.assignee_nip,
                     s.assignee_name, s.due_at, s.breached, s.flow_run_id,
                     s.code_hash is not None)
            for s, t in rows
        ]
    return sorted(items, key=lambda m: (m.jatuh_tempo is None, m.jatuh_tempo or datetime.max,
                                        m.tiket))


def _open_step(settings: Settings, nomor: str, codes: set[str]) -> tuple[int, str, str]:
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        waiting = [s for s in ticket.steps if s.finished_at is None and s.code in codes]
        if not waiting:
            raise GagalOperasi(f"Tiket {ticket.number} tidak sedang menunggu keputusan ini", 1)
        step = waiting[-1]
        if not step.flow_run_id:
            raise GagalOperasi(f"Langkah {step.code} tiket {ticket.number} tidak punya run")
        return step.id, step.code, step.flow_run_id


def _refusals(settings: Settings, step_id: int) -> list[str]:
    with db.session_scope(settings.store_url) as session:
        details = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.kind == "keputusan_ditolak")
        ).all()
    return [d.get("alasan", "") for d in details if d.get("step_id") == step_id]


def _finished(settings: Settings, step_id: int) -> bool:
    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, step_id)
        return step is not None and step.finished_at is not None


_SKEMA_BELUM_ADA = "Run input schema not found"
"""The server's answer while a just-suspended run has not yet saved its input schema."""


def _tidak_menunggu(flow_run_id: str) -> str:
    """Why a step's run cannot take a decision now, for the person deciding."""
    from prefect import get_client

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
    if state is not None and state.is_final():
        return (f"Run {flow_run_id} berhenti ({state.name}); pengawas SLA akan melanjutkan "
                "tiket dengan run baru dalam beberapa menit (atau operator: lpa lanjutkan). "
                "Kode Anda tetap berlaku; coba lagi nanti.")
    return f"Run {flow_run_id} tidak sedang menunggu keputusan"


def resume(settings: Settings, nomor: str, run_input: dict[str, Any], codes: set[str],
           wait: float = 90) -> str:
    """Resume the waiting step with ``run_input`` and wait for the flow's verdict on it."""
    step_id, code, flow_run_id = _open_step(settings, nomor, codes)
    before = len(_refusals(settings, step_id))
    deadline = time.monotonic() + wait
    while True:
        try:
            resume_flow_run(UUID(flow_run_id), run_input=run_input)
            break
        except (NotPausedError, RuntimeError) as exc:
            # The step is recorded a moment before its run suspends, and Prefect stores the
            # input schema a moment after the Paused state: in either window, retry shortly.
            belum_siap = isinstance(exc, NotPausedError) or _SKEMA_BELUM_ADA in str(exc)
            if not belum_siap:
                raise GagalOperasi(f"Server menolak masukan: {exc}", 2) from None
            if time.monotonic() > deadline:
                raise GagalOperasi(_tidak_menunggu(flow_run_id)) from None
            time.sleep(0.5)
            # A run that died is replaced (tasks/pemulihan); the step then waits in the new one.
            step_id, code, flow_run_id = _open_step(settings, nomor, codes)
        except Exception as exc:  # noqa: BLE001 - the server's refusal is shown to the user
            raise GagalOperasi(f"Server menolak masukan: {exc}", 2) from None
    while time.monotonic() < deadline:
        if _finished(settings, step_id):
            return code
        refusals = _refusals(settings, step_id)
        if len(refusals) > before:
            raise GagalOperasi(f"Keputusan ditolak: {refusals[-1]}; langkah tetap menunggu", 1)
        time.sleep(0.5)
    raise GagalOperasi(f"Keputusan terkirim, tetapi belum diproses dalam {wait:.0f} detik", 2)


def decide(settings: Settings, nomor: str, nip: str, kode: str, keputusan: str,
           catatan: str = "", hosting: dict[str, str] | None = None, wait: float = 90) -> str:
    step_id, code, _ = _open_step(settings, nomor, _LANGKAH_KEPUTUSAN)
    run_input: dict[str, Any] = {"keputusan": keputusan, "catatan": catatan, "nip": nip,
                                 "kode": kode}
    if code == "hosting_integrasi":
        run_input.update(hosting or {})
    return resume(settings, nomor, run_input, _LANGKAH_KEPUTUSAN, wait)


def lengkapi(settings: Settings, nomor: str, nip: str, kode: str, catatan: str = "",
             wait: float = 90) -> str:
    return resume(settings, nomor, {"catatan": catatan, "nip": nip, "kode": kode},
                  {"kelengkapan"}, wait)


def status(settings: Settings, nomor: str) -> dict[str, Any]:
    """The ticket and its steps, from our store."""
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "tiket": ticket.number,
            "jenis": ticket.request_type,
            "aplikasi": ticket.application_name,
            "instansi": ticket.agency,
            "status": ticket.state,
            "hasil": ticket.outcome,
            "nomor_agenda": ticket.agenda_entry.number if ticket.agenda_entry else None,
            "langkah": [
                {
                    "no": s.step_no, "kode": s.code, "pelaksana": s.actor_role,
                    "petugas_nip": s.assignee_nip, "mulai": iso(s.started_at),
                    "jatuh_tempo": iso(s.due_at), "selesai": iso(s.finished_at),
                    "keputusan": s.decision, "catatan": s.note, "terlambat": s.breached,
                }
                for s in ticket.steps
            ],
        }
