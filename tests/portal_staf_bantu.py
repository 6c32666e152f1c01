"""Helpers of the staff-side portal tests: a store with waiting steps, a signed-in client,
the tokens read from pages and mails."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from domain.calendar import BusinessCalendar
from domain.kode import hash_kode
from domain.sop import JenisLayanan, langkah
from portal.app import buat_app
from portal.sesi import COOKIE_SESI
from settings import Settings
from store import db, portal_pejabat, repo
from store.models import AuditEvent, StepRecord

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "tests" / "fixtures" / "forms"

KADIS = ("197203151998031002", "Drs. Hendra Saputra, M.Si.", "hendra.saputra@babelprov.go.id")
KABID = ("198005222005012003", "Rina Marlina, S.Kom., M.T.", "rina.marlina@babelprov.go.id")
PLH_KABID = ("198307142008011004", "Agus Setiawan, S.T., M.Kom.",
             "agus.setiawan@babelprov.go.id")
PRAKOM = ("198811092011011001", "Yudi Pratama, S.Kom.", "yudi.pratama@babelprov.go.id")
PETUGAS = ("199204172019032008", "Dewi Anggraini, S.T.", "dewi.anggraini@babelprov.go.id")
KODE = "ABCD2345"


def pengaturan(tmp_path: Path, **lain: Any) -> Settings:
    roster = tmp_path / "roster.yaml"
    if not roster.exists():
        shutil.copyfile(ROOT / "config" / "roster.yaml", roster)
    return Settings(data_dir=tmp_path, roster_file=roster, **lain)


def klien(settings: Settings) -> TestClient:
    return TestClient(buat_app(settings), base_url="http://127.0.0.1:8080",
                      follow_redirects=False)


@dataclass
class Tiket:
    nomor: str
    ticket_id: int
    langkah_id: int


def buka_tiket(settings: Settings, kode_langkah: str = "disposisi_kadis",
               pejabat: tuple[str, str, str] = KADIS, *, jenis: JenisLayanan =
               JenisLayanan.PEMBANGUNAN, instansi: str = "Dinas Kesehatan Provinsi",
               mulai: datetime | None = None, form: dict[str, Any] | None = None,
               riwayat: bool = False) -> Tiket:
    """A ticket whose step ``kode_langkah`` waits for ``pejabat`` with code :data:`KODE`."""
    db.upgrade(settings.store_url)
    cal, now = BusinessCalendar(), mulai or datetime.now(UTC)
    if form is None:
        form = json.loads((FORMS / "pembangunan.json").read_text(encoding="utf-8"))
    with db.session_scope(settings.store_url) as s:
        ticket, _ = repo.open_ticket(s, request_type=jenis, form=form,
                                     application_name=form.get("nama_aplikasi", "Aplikasi"),
                                     agency=instansi, received_at=now, opened_at=now,
                                     calendar=cal)
        if riwayat:
            kadis = repo.start_step(s, ticket, langkah("disposisi_kadis"), now, cal,
                                    assignee_nip=KADIS[0], assignee_name=KADIS[1])
            repo.finish_step(s, kadis, now, decision="setuju",
                             note="Teruskan ke Kabid, prioritaskan")
        step = repo.start_step(s, ticket, langkah(kode_langkah), now, cal,
                               assignee_nip=pejabat[0], assignee_name=pejabat[1],
                               flow_run_id="00000000-0000-0000-0000-000000000000")
        step.code_hash = hash_kode(KODE)
        return Tiket(ticket.number, ticket.id, step.id)


def tautan(settings: Settings, t: Tiket, nip: str = KADIS[0],
           berlaku: timedelta = timedelta(days=1)) -> str:
    with db.session_scope(settings.store_url) as s:
        return portal_pejabat.buat_tautan_keputusan(s, t.ticket_id, t.langkah_id, nip, berlaku,
                                                    datetime.now(UTC))


def masuk_sebagai(client: TestClient, settings: Settings, pejabat: tuple[str, str, str]) -> str:
    """Sign ``client`` in as ``pejabat`` (a session written to the store); the raw id."""
    db.upgrade(settings.store_url)
    with db.session_scope(settings.store_url) as s:
        raw = portal_pejabat.buat_sesi(s, pejabat[0], pejabat[1], timedelta(hours=8),
                                       datetime.now(UTC))
    client.cookies.set(COOKIE_SESI, raw)
    return raw


def csrf(client: TestClient, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, r.text
    cocok = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
    assert cocok
    return cocok.group(1)


def audit(settings: Settings, kind: str) -> list[AuditEvent]:
    from sqlalchemy import select

    with db.session_scope(settings.store_url) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.kind == kind)
                              .order_by(AuditEvent.id)))


def langkah_tersimpan(settings: Settings, step_id: int) -> StepRecord:
    with db.session_scope(settings.store_url) as s:
        step = s.get(StepRecord, step_id)
        assert step is not None
        return step
