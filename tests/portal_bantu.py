"""Helpers of the portal tests: a portal on a temporary data dir, the example forms as a
browser sends them, the CSRF and form tokens read from a page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from portal import formulir
from portal.app import buat_app
from settings import Settings

FORMS = Path(__file__).parent / "fixtures" / "forms"
BERKAS_FORM = {"pembangunan": "pembangunan.json", "uji-kelayakan": "uji_kelayakan.json",
               "va": "va.json"}


def portal(data_dir: Path, **lain: Any) -> TestClient:
    settings = Settings(data_dir=data_dir, **lain)
    return TestClient(buat_app(settings), base_url="http://127.0.0.1:8080")


def contoh(jenis: str) -> dict[str, Any]:
    return json.loads((FORMS / BERKAS_FORM[jenis]).read_text(encoding="utf-8"))


def isian_browser(jenis: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """``data`` as the form's inputs send it (dotted names, repeated checkboxes)."""
    bentuk = formulir.formulir(jenis)
    pasangan: list[tuple[str, str]] = []
    for path, nilai in formulir.nilai_dari_data(bentuk, data).items():
        for v in nilai if isinstance(nilai, list) else [nilai]:
            if v != "":
                pasangan.append((path, v))
    akun = data.get("akun_uji")
    if isinstance(akun, dict) and "password" in akun:
        pasangan.append(("akun_uji.password", akun["password"]))
    return pasangan


def token(html: str, nama: str) -> str:
    cocok = re.search(rf'name="{nama}" value="([^"]+)"', html)
    assert cocok, f"no {nama} in the page"
    return cocok.group(1)


def buka_formulir(client: TestClient, jenis: str) -> tuple[str, str]:
    """(csrf token, form token) of a fresh form page."""
    r = client.get(f"/permohonan/{jenis}")
    assert r.status_code == 200
    return token(r.text, "csrf_token"), token(r.text, "token_formulir")


def kirim(client: TestClient, jenis: str, pasangan: list[tuple[str, str]],
          files: Any = None, csrf: str | None = None, token_formulir: str | None = None):  # noqa: ANN201
    c, t = buka_formulir(client, jenis)
    isi = [("csrf_token", csrf if csrf is not None else c),
           ("token_formulir", token_formulir or t), *pasangan]
    return client.post(f"/permohonan/{jenis}", data=_dict(isi), files=files)


def _dict(pasangan: list[tuple[str, str]]) -> dict[str, Any]:
    hasil: dict[str, Any] = {}
    for k, v in pasangan:
        if k in hasil:
            hasil[k] = [*(hasil[k] if isinstance(hasil[k], list) else [hasil[k]]), v]
        else:
            hasil[k] = v
    return hasil
