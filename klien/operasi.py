"""What the ``lpa`` verbs do, as functions the demo and the tests call the same way.

Prefect, the form models and the secrets' encryption are imported by the functions that
use them: ``lpa status`` and ``lpa inbox`` read our store and never import Prefect.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain.calendar import BusinessCalendar
from domain.sla import persen_terpakai
from domain.sop import Peran
from domain.tiket import HasilTiket, Keputusan, StatusTiket
from settings import Settings
from store import db, kueri, repo
from store.models import StepRecord, Ticket

INTAKE = "intake/intake"
POLL_KEPUTUSAN = 0.1
"""Seconds between ``lpa decide``'s looks at the step it decided (a read of our store)."""
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
    from domain.forms import sidik_formulir

    return "form-" + sidik_formulir(data)[:40]


def submit(settings: Settings, data: dict[str, Any], jenis: str | None = None,
           key: str | None = None, timeout: float = 180) -> str:
    """Submit a request (as ``lpa submit`` does) and return its ticket number: the ticket
    opened (:func:`buka_tiket`), then its intake run created (:func:`mulai_intake`)."""
    pembukaan = buka_tiket(settings, data, jenis, key, timeout)
    if isinstance(pembukaan, Pembukaan):
        mulai_intake(pembukaan, timeout)
        return pembukaan.nomor
    return pembukaan


@dataclass(frozen=True)
class Pembukaan:
    """A ticket just opened in the store whose intake run is still to be created."""

    nomor: str
    deployment: str
    parameters: dict[str, Any]
    key: str
    sidik: str


def buka_tiket(settings: Settings, data: dict[str, Any], jenis: str | None = None,
               key: str | None = None, timeout: float = 180) -> Pembukaan | str:
    """Validate a request and open its ticket in the store: the :class:`Pembukaan` whose
    intake run :func:`mulai_intake` creates, or the number of the ticket the same form
    already opened under this key (its run was created then).

    What is sent is exactly what ``lpa validate`` accepted, normalised; a feasibility form's
    password is first deposited encrypted in our store and the run receives its reference.
    A key already used for a different form is refused; the same form again returns the
    ticket it opened.

    The answer does not wait for the intake run (decision 24): the ticket is opened in our
    store here, exactly as the intake would open it (same key, same stored form, the deposit
    moved to the ticket), then the intake run is created with the idempotency key and the
    number returned. The intake run finds the ticket by its key and starts the ticket's run.
    Opening first means the run never races us for the same row. If the run cannot be
    created after the ticket was opened, the error names the ticket: the recovery starts its
    run (the SLA watch's pass, or ``lpa lanjutkan``), as for an intake that died before it.
    """
    from domain.errors import validasi
    from domain.forms import (
        PermohonanUjiKelayakan,
        detect_jenis,
        sidik_formulir,
        tanpa_rahasia,
        untuk_disimpan,
    )
    from domain.sop import JenisLayanan
    from store import secrets

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
        ada = kueri.ticket_by_key(session, key)
        if ada is not None:
            if sidik_formulir(ada.form) != sidik:
                raise _kunci_bentrok(key, ada.number)
            return ada.number
    deployment = _deployment_intake(timeout)  # nothing is stored when the server is away
    sekarang = datetime.now(UTC)
    with db.session_scope(settings.store_url) as session:
        rujukan = None
        if isinstance(form, PermohonanUjiKelayakan):
            box = secrets.fernet(_rahasia(settings.kunci_enkripsi), settings.key_file)
            rujukan = secrets.titipkan(session, box, form.akun_uji.password.get_secret_value(),
                                       sekarang)
        ticket, dibuat = repo.open_ticket(
            session,
            request_type=JenisLayanan(jenis),
            form=untuk_disimpan(form).model_dump(mode="json"),
            application_name=form.nama_aplikasi,
            agency=form.penanggung_jawab_struktural.unit_kerja,
            received_at=sekarang,
            calendar=BusinessCalendar.dari_pengaturan(settings),
            idempotency_key=key,
            budget_factor=settings.mutu_baku_faktor,
        )
        if not dibuat and sidik_formulir(ticket.form) != sidik:
            raise _kunci_bentrok(key, ticket.number)  # a concurrent submission won the key
        if rujukan:
            if dibuat:
                # the run gets the reference (the form's schema asks for one); the intake
                # finds the ticket open and never looks the deposit up
                secrets.klaim_titipan(session, rujukan, ticket.id, form.akun_uji.username,
                                      sekarang)
            else:
                secrets.buang_titipan(session, rujukan)
        nomor = ticket.number
    return Pembukaan(nomor, deployment,
                     {"permohonan": tanpa_rahasia(form, rujukan), "jenis": jenis}, key, sidik)


def mulai_intake(pembukaan: Pembukaan, timeout: float = 180) -> None:
    """Create the intake run of a ticket :func:`buka_tiket` opened, with its idempotency key
    (the same key returns the run it made). If it cannot be created, the error names the
    ticket: the recovery starts its run (the SLA watch's pass, or ``lpa lanjutkan``)."""
    from domain.forms import sidik_formulir

    nomor = pembukaan.nomor
    belum = (f"Tiket {nomor} sudah dibuka, tetapi prosesnya belum dimulai: {{}}. Pemantau "
             f"SLA akan memulainya; atau jalankan `lpa lanjutkan {nomor}`.")
    try:
        run = _buat_run_intake(pembukaan.deployment, pembukaan.parameters, pembukaan.key,
                               timeout)
    except GagalOperasi as exc:
        raise GagalOperasi(belum.format(exc), exc.code) from None
    dikirim = (run.get("parameters") or {}).get("permohonan")
    if isinstance(dikirim, dict) and sidik_formulir(dikirim) != pembukaan.sidik:
        # Prefect holds a run an earlier, different form made under this key (a raw call).
        raise GagalOperasi(
            belum.format(f"kunci idempoten {pembukaan.key!r} sudah dipakai run lain"), 1)


DEPLOYMENT_INGAT_DETIK = 60.0
"""How long a process (the portal) reuses the intake deployment's id it looked up."""
_deployment_diingat: dict[str, tuple[str, float]] = {}


def _deployment_intake(timeout: float) -> str:
    """The intake deployment's id on the server this process is pointed at; looked up at
    most once a minute per server (decision 26: under load the lookup was most of a portal
    submission's answer). A server that went away meanwhile is found when the run is
    created, and the recovery starts the run of the ticket opened."""
    import time

    from klien.lingkungan import KlienPrefect

    with KlienPrefect(timeout=min(timeout, 30.0)) as api:
        alamat = api.alamat
        ingat = _deployment_diingat.get(alamat)
        if ingat is not None and time.monotonic() < ingat[1]:
            return ingat[0]
        jawab = api.minta("GET", f"deployments/name/{INTAKE}")
    if jawab.status_code == 404:
        raise GagalOperasi("Deployment intake tidak ada di server Prefect yang dituju; "
                           "jalankan `lpa up` (atau periksa LPA_PREFECT_API_URL)")
    if not jawab.is_success:
        raise GagalOperasi(
            f"Server Prefect menolak permohonan (HTTP {jawab.status_code}); rinciannya "
            "di log. Periksa bahwa server dan lpa berasal dari versi yang sama.")
    deployment = str(jawab.json()["id"])
    _deployment_diingat[alamat] = (deployment, time.monotonic() + DEPLOYMENT_INGAT_DETIK)
    return deployment


def _buat_run_intake(deployment: str, parameters: dict[str, Any], key: str,
                     timeout: float) -> dict[str, Any]:
    """The intake run with the idempotency key (the same key returns the run it made),
    through the REST API without importing Prefect. The flow run, as the API returns it."""
    from klien.lingkungan import KlienPrefect

    with KlienPrefect(timeout=min(timeout, 30.0)) as api:
        jawab = api.minta("POST", f"deployments/{deployment}/create_flow_run",
                          json={"parameters": parameters, "idempotency_key": key,
                                "state": {"type": "SCHEDULED"}})
    if not jawab.is_success:
        raise GagalOperasi(f"server Prefect menjawab HTTP {jawab.status_code}")
    return jawab.json()


class KunciBentrok(GagalOperasi):
    """The idempotency key was used for another form (the portal and the API answer 409)."""


def _kunci_bentrok(key: str, nomor: str | None) -> GagalOperasi:
    milik = f" (tiket {nomor})" if nomor else ""
    return KunciBentrok(
        f"Kunci idempoten {key!r} sudah dipakai untuk permohonan lain{milik}; formulir ini "
        "TIDAK diajukan. Gunakan kunci lain, atau tanpa --key.", 1)


def _rahasia(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _buang(settings: Settings, rujukan: str | None) -> None:
    from store import secrets

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
    step_id: int | None = None
    """The step record (the portal's decision page of a signed-in official)."""

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["jatuh_tempo"] = self.jatuh_tempo.isoformat() if self.jatuh_tempo else None
        return d


def inbox(settings: Settings, nip: str | None = None) -> list[Menunggu]:
    """The decisions waiting for a person, oldest due first.

    ``nip`` may be written as the roster and the forms allow (with spaces)."""
    nip = _nip(nip)
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        rows = repo.waiting_steps(session, _LANGKAH_KEPUTUSAN | {"kelengkapan"}, nip)
        items = [
            Menunggu(t.number, s.code, s.step_no, Peran(s.actor_role).label, s.assignee_nip,
                     s.assignee_name, s.due_at, s.breached, s.flow_run_id,
                     s.code_hash is not None, s.id)
            for s, t in rows
        ]
    return sorted(items, key=lambda m: (m.jatuh_tempo is None, m.jatuh_tempo or datetime.max,
                                        m.tiket))


def _nip(nilai: str | None) -> str | None:
    """A NIP to look up, normalised as the forms and the roster do (spaces dropped)."""
    if nilai is None or not nilai.strip():
        return None
    from domain.identitas import GalatIdentitas, normalisasi_nip

    try:
        return normalisasi_nip(nilai)
    except GalatIdentitas as exc:
        raise GagalOperasi(f"--nip: {exc}", 2) from None


@dataclass(frozen=True)
class TiketTerbuka:
    """One line of the operators' list of open tickets."""

    tiket: str
    aplikasi: str
    instansi: str
    jenis: str
    status: str
    step_no: int | None
    langkah: str | None
    pelaksana: str | None
    nip: str | None
    nama: str | None
    mulai: datetime | None
    jatuh_tempo: datetime | None
    persen_terpakai: float | None
    """Share of the step's mutu baku used, in business time (None while the clock stops)."""
    terlambat: bool
    flow_run_id: str | None = None
    """The run of the open step (else the ticket's): the operators' link to Prefect's UI."""

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        for kunci in ("mulai", "jatuh_tempo"):
            d[kunci] = d[kunci].isoformat() if d[kunci] else None
        if self.persen_terpakai is not None:
            d["persen_terpakai"] = round(self.persen_terpakai, 1)
        return d


def tiket_terbuka(settings: Settings, *, instansi: str | None = None,
                  jenis: str | None = None, nip: str | None = None,
                  hanya_terlambat: bool = False,
                  sekarang: datetime | None = None) -> list[TiketTerbuka]:
    """Open tickets with the step each is at, its assignee, due time and the share of its
    mutu baku used (business time, as the SLA watch counts it); soonest due first."""
    return halaman_tiket_terbuka(settings, instansi=instansi, jenis=jenis, nip=nip,
                                 hanya_terlambat=hanya_terlambat, sekarang=sekarang).tiket


@dataclass(frozen=True)
class HalamanTiket:
    """One page of the open tickets, with the counts of the whole filtered list."""

    tiket: list[TiketTerbuka]
    jumlah: int
    jumlah_terlambat: int


def halaman_tiket_terbuka(settings: Settings, *, instansi: str | None = None,
                          jenis: str | None = None, nip: str | None = None,
                          langkah: str | None = None, hanya_terlambat: bool = False,
                          batas: int | None = None, mulai: int = 0,
                          sekarang: datetime | None = None) -> HalamanTiket:
    """:func:`tiket_terbuka` paged in the query (``batas`` rows from row ``mulai``; all
    when ``batas`` is None), with the filtered list's size and late count: the SLA figures
    are computed for the page's rows only (``/operator`` with 1,000 open tickets)."""
    nip = _nip(nip)
    sekarang = sekarang or datetime.now(UTC)
    calendar = BusinessCalendar.dari_pengaturan(settings)
    saringan = {"agency": instansi, "request_type": jenis, "assignee_nip": nip,
                "step_code": langkah}
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        rows = repo.open_tickets(session, **saringan,
                                 late_at=sekarang if hanya_terlambat else None,
                                 limit=batas, offset=mulai)
        if batas is None:
            jumlah, terlambat = len(rows), None
        else:
            jumlah, terlambat = repo.count_open_tickets(session, sekarang, **saringan,
                                                        late_only=hanya_terlambat)
        hasil = [_baris_terbuka(t, s, sekarang, calendar) for t, s in rows]
    if terlambat is None:
        terlambat = sum(i.terlambat for i in hasil)
    return HalamanTiket(hasil, jumlah, terlambat)


def _baris_terbuka(t: Ticket, s: StepRecord | None, sekarang: datetime,
                   calendar: BusinessCalendar) -> TiketTerbuka:
    persen = persen_terpakai(s.started_at, s.due_at, sekarang, calendar) if s else None
    terlambat = bool(s and (s.breached or (s.due_at is not None and sekarang >= s.due_at)))
    return TiketTerbuka(
        t.number, t.application_name, t.agency, t.request_type, t.state,
        s.step_no if s else None, s.code if s else None,
        Peran(s.actor_role).label if s else None,
        s.assignee_nip if s else None, s.assignee_name if s else None,
        s.started_at if s else None, s.due_at if s else None, persen, terlambat,
        (s.flow_run_id if s else None) or t.flow_run_id)


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


def _langkah(settings: Settings, step_id: int) -> tuple[str | None, bool]:
    """(run, finished) of one step record: where an attempt bound to that step goes."""
    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, step_id)
        assert step is not None
        return step.flow_run_id, step.finished_at is not None


_SKEMA_BELUM_ADA = "Run input schema not found"
"""The server's answer while a just-suspended run has not yet saved its input schema."""


def _tidak_menunggu(settings: Settings, nomor: str, flow_run_id: str) -> str:
    """Why a step's run cannot take a decision now, for the person deciding."""
    from prefect import get_client

    from domain.pemulihan import pesan_run_berhenti

    with get_client(sync_client=True) as client:
        state = client.read_flow_run(UUID(flow_run_id)).state
    if state is None or not state.is_final():
        return f"Run {flow_run_id} tidak sedang menunggu keputusan"
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)
        pemulihan = kueri.count_audit_events(session, ticket.id, "tiket_dipulihkan")
        nomor = ticket.number
    return pesan_run_berhenti(flow_run_id, state.type.value, state.name, state.message,
                              pemulihan, nomor)


class _BelumMenunggu(Exception):
    """The step's run is not suspended at this moment (or not yet ready for input)."""


def _lanjutkan_run(flow_run_id: str, run_input: dict[str, Any]) -> str:
    """Resume the suspended run with ``run_input``; the key of the wait it answered.

    The key binds this attempt to the run's verdict on it: the run audits a refusal with
    the key of the input it refused, so each caller learns its own attempt's result.
    """
    import json

    from klien.lingkungan import KlienPrefect

    # Prefect's REST API directly: its client would cost `lpa decide` a second of imports.
    with KlienPrefect() as api:
        jawab = api.minta("GET", f"flow_runs/{UUID(flow_run_id)}")
        jawab.raise_for_status()
        state = jawab.json().get("state") or {}
        if state.get("type") != "PAUSED":
            raise _BelumMenunggu
        jawab = api.minta("POST", f"flow_runs/{flow_run_id}/resume",
                          json={"run_input": run_input})
        if not jawab.is_success:  # the server's refusal is shown to the user
            raise GagalOperasi(f"Server menolak masukan: HTTP {jawab.status_code} "
                               f"{jawab.text[:500]}", 2)
        hasil = jawab.json()
        if hasil.get("status") == "ABORT":  # no longer paused when the server looked
            raise _BelumMenunggu
        if hasil.get("status") != "ACCEPT":
            alasan = str((hasil.get("details") or {}).get("reason") or hasil.get("status"))
            if _SKEMA_BELUM_ADA in alasan:
                raise _BelumMenunggu
            raise GagalOperasi(f"Server menolak masukan: {alasan}", 2)
        kunci = str((state.get("state_details") or {}).get("pause_key"))
        # Another input may have been taken between reading the state and resuming: find
        # the wait that holds our input (the newest one, should it be there twice).
        jawab = api.minta("POST", f"flow_runs/{flow_run_id}/input/filter",
                          json={"prefix": "suspended-", "limit": 1000, "exclude_keys": []})
        jawab.raise_for_status()
        jawaban = [i for i in jawab.json() if i["key"].endswith("-response")
                   and json.loads(i["value"]) == run_input]
    if jawaban:
        terbaru = max(jawaban, key=lambda i: datetime.fromisoformat(i["created"]) if
                      i.get("created") else datetime.min.replace(tzinfo=UTC))
        kunci = terbaru["key"].removeprefix("suspended-").removesuffix("-response")
    return kunci


def _ditolak(jenis: Any, pesan: str) -> GagalOperasi:
    from domain.percobaan import Penolakan

    akhir = "" if jenis == Penolakan.KODE_DIPAKAI else "; langkah tetap menunggu"
    return GagalOperasi(f"Keputusan ditolak: {pesan}{akhir}", 1)


def _putuskan(settings: Settings, nomor: str, step_id: int, code: str,
              run_input: dict[str, Any], wait: float, sumber: str = "lpa") -> str:
    """Decide step ``step_id`` (the one the person meant) with ``run_input``.

    NIP, code and lockout are checked against the store first: a refused attempt is
    audited and answered at once, without waking the run. An accepted one resumes the
    step's run (the run checks again) and waits for the run's verdict on this very input.
    """
    from domain.percobaan import jenis_dari_catatan
    from tasks.keputusan import penolakan_run, periksa_percobaan, pesan_penolakan_tercatat

    deadline = time.monotonic() + wait
    flow_run_id, _ = _langkah(settings, step_id)
    hasil = periksa_percobaan(settings, nomor, step_id, run_input, sumber=sumber,
                              flow_run_id=flow_run_id)
    if not hasil.diterima:
        raise _ditolak(hasil.jenis, hasil.pesan)
    while True:
        flow_run_id, selesai = _langkah(settings, step_id)
        if selesai:
            # Decided meanwhile by another attempt with this code: this one is used up.
            hasil = periksa_percobaan(settings, nomor, step_id, run_input, sumber=sumber,
                                      flow_run_id=flow_run_id)
            raise _ditolak(hasil.jenis, hasil.pesan)
        if not flow_run_id:
            raise GagalOperasi(f"Langkah {code} tiket {nomor} tidak punya run")
        try:
            kunci = _lanjutkan_run(flow_run_id, run_input)
            break
        except _BelumMenunggu:
            # The step is recorded a moment before its run suspends, Prefect stores the input
            # schema a moment after the Suspended state, and a run that died is replaced
            # (tasks/pemulihan) and the step moved to the new run: retry shortly, on the
            # same step record.
            if time.monotonic() > deadline:
                raise GagalOperasi(_tidak_menunggu(settings, nomor, flow_run_id)) from None
            time.sleep(POLL_KEPUTUSAN)
    while time.monotonic() < deadline:
        # Finished first, then the refusal: a run refuses an input before any later input
        # can finish the step, so once finished is seen, this input's refusal is final.
        _, selesai = _langkah(settings, step_id)
        tolak = penolakan_run(settings, nomor, flow_run_id, kunci)
        if tolak is not None:
            raise _ditolak(jenis_dari_catatan(tolak),
                           pesan_penolakan_tercatat(settings, nomor, tolak))
        if selesai:
            return code
        time.sleep(POLL_KEPUTUSAN)
    raise GagalOperasi(f"Keputusan terkirim, tetapi belum diproses dalam {wait:.0f} detik", 2)


def resume(settings: Settings, nomor: str, run_input: dict[str, Any], codes: set[str],
           wait: float = 90) -> str:
    """Decide the step of ``codes`` waiting now with ``run_input``; its code when accepted."""
    step_id, code, _ = _open_step(settings, nomor, codes)
    return _putuskan(settings, nomor, step_id, code, run_input, wait)


def decide(settings: Settings, nomor: str, nip: str, kode: str, keputusan: str,
           catatan: str = "", hosting: dict[str, str] | None = None, wait: float = 90) -> str:
    step_id, code, _ = _open_step(settings, nomor, _LANGKAH_KEPUTUSAN)
    run_input: dict[str, Any] = {"keputusan": keputusan, "catatan": catatan, "nip": nip,
                                 "kode": kode}
    if code == "hosting_integrasi":
        run_input.update(hosting or {})
    return _putuskan(settings, nomor, step_id, code, run_input, wait)


def putuskan_portal(settings: Settings, nomor: str, step_id: int, nip: str, via: str,
                    keputusan: str, catatan: str = "",
                    tambahan: dict[str, str] | None = None, wait: float = 90) -> str:
    """Decide step ``step_id`` for the portal, which verified a decision link or a session
    of ``nip``: a one-time, short-lived authorisation bound to (ticket, step, NIP) is written
    to the store and goes to the run in place of the code (store/portal_pejabat.py); the
    link's own token never leaves the portal. Returns the step's code when the decision was
    recorded; raises :class:`GagalOperasi` with the precise reason otherwise."""
    from datetime import timedelta

    from store import portal_pejabat

    with db.session_scope(settings.store_url) as session:
        step = session.get(StepRecord, step_id)
        if step is None or step.ticket.number != nomor:
            raise GagalOperasi(f"Langkah tidak ditemukan pada tiket {nomor}", 1)
        code = step.code
        otorisasi = portal_pejabat.buat_otorisasi(
            session, step.ticket_id, step_id, nip, via,
            timedelta(minutes=settings.portal_otorisasi_menit), datetime.now(UTC))
    run_input: dict[str, Any] = {"keputusan": keputusan, "catatan": catatan, "nip": nip,
                                 "kode": otorisasi}
    if code == "hosting_integrasi":
        run_input.update(tambahan or {})
    return _putuskan(settings, nomor, step_id, code, run_input, wait, sumber="portal")


def kirim_surel(settings: Settings, kepada: tuple[str, ...], subjek: str, isi: str,
                jenis: str, tiket: str | None = None) -> None:
    """Send one message through the service's channel (outbox file or SMTP), as the flows
    do; for the portal, which imports no task module."""
    from tasks.notifikasi import Pesan, saluran_dari_pengaturan

    saluran_dari_pengaturan(settings).kirim(Pesan(kepada=kepada, subjek=subjek, isi=isi,
                                                  jenis=jenis, tiket=tiket))


def lengkapi(settings: Settings, nomor: str, nip: str, kode: str, catatan: str = "",
             wait: float = 90) -> str:
    return resume(settings, nomor, {"catatan": catatan, "nip": nip, "kode": kode},
                  {"kelengkapan"}, wait)


def status(settings: Settings, nomor: str) -> dict[str, Any]:
    """The ticket, its outcome and its steps, from our store."""
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as session:
        ticket = repo.get_ticket(session, nomor)

        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        verdict = _verdict_kelaikan(settings, ticket)
        return {
            "tiket": ticket.number,
            "jenis": ticket.request_type,
            "aplikasi": ticket.application_name,
            "instansi": ticket.agency,
            "status": ticket.state,
            "hasil": ticket.outcome,
            "uraian_hasil": _uraian_hasil(ticket),
            "verdict_kelaikan": verdict,
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


def _verdict_kelaikan(settings: Settings, ticket: Ticket) -> str | None:
    """The feasibility test's verdict (LAYAK, LAYAK_DENGAN_CATATAN, TIDAK_LAYAK), or
    TIDAK_DAPAT_DIUJI when the test ran but could not judge; None without a test."""
    if not any(s.code == "uji_kelaikan" and s.finished_at for s in ticket.steps):
        return None
    from domain.laporan import baca_hasil_kelaikan

    path = settings.laporan_dir / ticket.number / "kelaikan.json"
    try:
        hasil = baca_hasil_kelaikan(path.read_bytes())
    except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
        return None
    return hasil.verdict or "TIDAK_DAPAT_DIUJI"


def _uraian_hasil(ticket: Ticket) -> str:
    """Where the ticket stands, in one phrase for people."""
    terbuka = [s for s in ticket.steps if s.finished_at is None]
    langkah = terbuka[-1] if terbuka else None

    def nama(s: StepRecord) -> str:
        return f"langkah {s.step_no} {s.code}"

    if ticket.state == StatusTiket.DIKEMBALIKAN.value or (
            langkah is not None and langkah.code == "kelengkapan"):
        balik = [s for s in ticket.steps if s.decision == Keputusan.KEMBALIKAN.value]
        dari = f" pada {nama(balik[-1])}" if balik else ""
        return f"dikembalikan ke pemohon{dari}; menunggu kelengkapan (jam layanan berhenti)"
    if ticket.outcome:
        tolak = [s for s in ticket.steps if s.decision == Keputusan.TOLAK.value]
        if ticket.outcome == HasilTiket.DITOLAK.value and tolak:
            teks = f"ditolak pada {nama(tolak[-1])} oleh {Peran(tolak[-1].actor_role).label}"
        else:
            teks = ticket.outcome
        if ticket.state == StatusTiket.DIARSIPKAN.value:
            return f"{teks}; diarsipkan"
        return f"{teks}; menunggu pengarsipan"
    if langkah is not None:
        siapa = f", menunggu {langkah.assignee_name}" if langkah.assignee_name else ""
        return f"diproses: {nama(langkah)}{siapa}"
    return "diproses"
