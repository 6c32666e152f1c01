"""The portal's JSON API: token authentication and revocation (lpa token), 422 with the
Indonesian messages and no ticket, no flow run; 201, the same key again, 409 against a real
Prefect stack; the OpenAPI description and its page."""

from __future__ import annotations

import re
from pathlib import Path

import bantu
from portal_bantu import contoh, portal
from sqlalchemy import func, select
from typer.testing import CliRunner

from lpa.cli import app as cli
from settings import Settings
from store import db
from store.models import AuditEvent, Ticket

runner = CliRunner()


def _token(pengaturan_uji: bantu.Pengaturan, data_dir: Path,
           instansi: str) -> tuple[int, str]:
    pengaturan_uji(data_dir=data_dir)
    hasil = runner.invoke(cli, ["token", "buat", "--instansi", instansi])
    assert hasil.exit_code == 0, hasil.output
    nomor = int(re.search(r"#(\d+)", hasil.output).group(1))
    return nomor, hasil.output.strip().splitlines()[-1]


def _jumlah_tiket(data_dir: Path) -> int:
    with db.session_scope(Settings(data_dir=data_dir).store_url) as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def test_token_cli_auth_and_revocation(tmp_path, pengaturan_uji) -> None:
    nomor, raw = _token(pengaturan_uji, tmp_path, "Dinas Kesehatan")
    client = portal(tmp_path)
    kepala = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/tiket/LPA-2026-000001", headers=kepala).status_code == 404
    r = client.get("/api/v1/tiket/LPA-2026-000001")
    assert r.status_code == 401 and "Token API" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/tiket/X", headers={"Authorization": "Bearer salah"}
                      ).status_code == 401
    pengaturan_uji(data_dir=tmp_path)
    daftar = runner.invoke(cli, ["token", "daftar"])
    assert "Dinas Kesehatan" in daftar.output and "aktif" in daftar.output
    assert raw not in daftar.output
    assert runner.invoke(cli, ["token", "cabut", str(nomor)]).exit_code == 0
    assert "dicabut" in runner.invoke(cli, ["token", "daftar"]).output
    assert client.get("/api/v1/tiket/LPA-2026-000001", headers=kepala).status_code == 401
    with db.session_scope(Settings(data_dir=tmp_path).store_url) as s:
        alasan = [d["alasan"] for d in s.scalars(
            select(AuditEvent.detail).where(AuditEvent.kind == "portal_ditolak"))]
        assert {"token_api_tidak_ada", "token_api_tidak_sah"} <= set(alasan)
        assert s.scalar(select(func.count()).where(
            AuditEvent.kind == "token_api_dicabut")) == 1


def test_invalid_form_is_422_with_indonesian_messages_and_no_ticket(tmp_path,
                                                                    pengaturan_uji) -> None:
    _, raw = _token(pengaturan_uji, tmp_path, "DPMPTSP")
    client = portal(tmp_path)
    data = contoh("uji-kelayakan")
    data["pemohon"]["nip"] = "123"
    del data["url_aplikasi"]
    kepala = {"Authorization": f"Bearer {raw}", "Idempotency-Key": "k-1"}
    r = client.post("/api/v1/permohonan/uji-kelayakan", json=data, headers=kepala)
    assert r.status_code == 422
    assert {"field": "pemohon.nip", "message": "NIP (pemohon.nip) harus 18 digit angka "
            "(tertulis 3 digit)"} in r.json()["errors"]
    assert {"field": "url_aplikasi", "message": "URL aplikasi (url_aplikasi): wajib diisi"} \
        in r.json()["errors"]
    assert "Penguji#2024" not in r.text
    # no key, a body that is no object, an unknown form type: 422 in the same shape
    r = client.post("/api/v1/permohonan/va", json=contoh("va"),
                    headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "Idempotency-Key"
    r = client.post("/api/v1/permohonan/va", json=[1], headers=kepala)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "formulir"
    assert client.post("/api/v1/permohonan/lain", json={}, headers=kepala).status_code == 422
    assert _jumlah_tiket(tmp_path) == 0


def test_openapi_in_indonesian_and_a_docs_page_without_script(tmp_path) -> None:
    client = portal(tmp_path)
    skema = client.get("/api/openapi.json").json()
    assert set(skema["paths"]) == {"/api/v1/permohonan/{jenis}", "/api/v1/tiket/{nomor}"}
    assert "Idempotency-Key" in skema["paths"]["/api/v1/permohonan/{jenis}"]["post"][
        "description"]
    r = client.get("/api/docs")
    assert r.status_code == 200 and "/api/v1/permohonan/{jenis}" in r.text
    assert "<script" not in r.text and "Ajukan permohonan layanan" in r.text


# --- against a real Prefect stack --------------------------------------------------------

def test_submit_201_same_key_same_ticket_other_form_409_and_only_own_agency(
        stack, pengaturan_uji) -> None:
    data_dir = stack.settings.data_dir
    _, raw = _token(pengaturan_uji, data_dir, "DPMPTSP")
    _, lain = _token(pengaturan_uji, data_dir, "Dinas Lain")
    client = portal(data_dir, **{k: v for k, v in stack.settings.model_dump().items()
                                 if k != "data_dir"})
    kepala = {"Authorization": f"Bearer {raw}", "Idempotency-Key": "sipo-2026-001"}
    r = client.post("/api/v1/permohonan/va", json=contoh("va"), headers=kepala)
    assert r.status_code == 201, r.text
    nomor = r.json()["nomor_tiket"]
    assert re.fullmatch(r"LPA-\d{4}-\d{6}", nomor)
    assert r.json()["tautan_status"].startswith(stack.settings.portal_url + "/lacak/")
    ulang = client.post("/api/v1/permohonan/va", json=contoh("va"), headers=kepala)
    assert ulang.status_code == 200 and ulang.json()["nomor_tiket"] == nomor
    berbeda = contoh("va") | {"nama_aplikasi": "Aplikasi lain"}
    r = client.post("/api/v1/permohonan/va", json=berbeda, headers=kepala)
    assert r.status_code == 409 and "TIDAK diajukan" in r.json()["detail"]
    # the same key of another agency is another submission
    r = client.get(f"/api/v1/tiket/{nomor}", headers={"Authorization": f"Bearer {raw}"})
    assert r.status_code == 200 and r.json()["tiket"] == nomor
    assert r.json()["langkah"][0]["kode"] == "pengajuan"
    assert client.get(f"/api/v1/tiket/{nomor}", headers={"Authorization": f"Bearer {lain}"}
                      ).status_code == 404
    assert _jumlah_tiket(data_dir) == 1
    # the tracking link works
    lacak = client.get(ulang.json()["tautan_status"].removeprefix(stack.settings.portal_url))
    assert lacak.status_code == 200 and nomor in lacak.text
