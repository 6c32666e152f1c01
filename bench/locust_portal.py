"""The Locust users of bench/bench_portal.py, run by it as a subprocess (``python -m locust``;
Locust patches with gevent, which never enters our own processes). What they need (tracking
tokens, a staff session, the form to send) comes in the JSON file ``$BENCH_PORTAL_DATA``.

- ``Penjelajah``: a requester browsing: the landing page, the three forms, tracking pages.
- ``Operator``: a signed-in service-desk officer reloading ``/operator`` (every open ticket).
- ``Pengaju``: a requester opening the VA form and sending it (with its attachment): one new
  ticket each time, the intake run started and its number shown.
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["BENCH_PORTAL_DATA"], encoding="utf-8").read())  # noqa: SIM115
_TOKEN = re.compile(r'name="(csrf_token|token_formulir)" value="([^"]+)"')
SURAT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _halaman(user: HttpUser, path: str, name: str) -> str | None:
    with user.client.get(path, name=name, catch_response=True) as r:
        if r.status_code != 200 or "</html>" not in r.text:
            r.failure(f"{r.status_code}")
            return None
        return r.text


class Penjelajah(HttpUser):
    wait_time = between(1, 3)

    @task(1)
    def beranda(self) -> None:
        _halaman(self, "/", "GET /")

    @task(3)
    def formulir(self) -> None:
        jenis = random.choice(["pembangunan", "uji-kelayakan", "va"])
        _halaman(self, f"/permohonan/{jenis}", "GET /permohonan/[jenis]")

    @task(4)
    def lacak(self) -> None:
        _halaman(self, f"/lacak/{random.choice(DATA['lacak'])}", "GET /lacak/[token]")


class Operator(HttpUser):
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.client.cookies.set(DATA["cookie_sesi"], DATA["sesi"])

    @task
    def daftar(self) -> None:
        teks = _halaman(self, "/operator", "GET /operator")
        if teks is not None and DATA["tiket_contoh"] not in teks:
            raise AssertionError("the operators' list lacks an open ticket")


class Pengaju(HttpUser):
    wait_time = between(2, 4)

    @task
    def ajukan(self) -> None:
        teks = _halaman(self, "/permohonan/va", "GET /permohonan/va")
        if teks is None:
            return
        token = dict(_TOKEN.findall(teks))
        isian = [("csrf_token", token["csrf_token"]),
                 ("token_formulir", token["token_formulir"]), *map(tuple, DATA["form_va"])]
        with self.client.post("/permohonan/va", data=isian, name="POST /permohonan/va",
                              files={"lampiran.surat_permohonan":
                                     ("surat.pdf", SURAT, "application/pdf")},
                              catch_response=True) as r:
            if r.status_code != 200 or 'id="nomor-tiket"' not in r.text:
                r.failure(f"{r.status_code}: no ticket number")
