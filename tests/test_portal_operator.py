"""The operators' list of open tickets (portal/rute_operator.py): staff only, the figures of
``lpa status``, filters by agency, type, step and lateness, links to timeline and run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from portal_staf_bantu import (
    KABID,
    KADIS,
    PETUGAS,
    audit,
    buka_tiket,
    klien,
    masuk_sebagai,
    pengaturan,
)

from domain.sop import JenisLayanan


@pytest.fixture
def tiket(tmp_path: Path):  # noqa: ANN201
    settings = pengaturan(tmp_path)
    lama = datetime.now(UTC) - timedelta(days=30)
    t1 = buka_tiket(settings, "disposisi_kadis", KADIS, jenis=JenisLayanan.VA,
                    instansi="Dinas Kesehatan Provinsi", mulai=lama)
    t2 = buka_tiket(settings, "disposisi_kabid", KABID, instansi="Badan Kepegawaian Daerah")
    t3 = buka_tiket(settings, "rekomendasi", PETUGAS, instansi="Dinas Pendidikan")
    return settings, (t1, t2, t3)


def _nomor(html: str) -> list[str]:
    return re.findall(r'<tr id="tiket-([^"]+)"', html)


def test_non_staff_cannot_see_operator_pages(tiket) -> None:
    settings, (t1, _, _) = tiket
    client = klien(settings)
    for path in ("/operator", f"/operator/tiket/{t1.nomor}", "/operator?terlambat=1"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/masuk", path
    assert {e.detail["alasan"] for e in audit(settings, "portal_ditolak")} == {
        "operator_perlu_masuk"}


@pytest.fixture
def ui_prefect(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Prefect's UI address as the portal reads it, whether Prefect was imported before this
    test (then Prefect's settings, read at import, are what counts) or not (the environment)."""
    from prefect.settings import PREFECT_UI_URL, temporary_settings

    monkeypatch.setenv("PREFECT_UI_URL", "http://127.0.0.1:4200")
    with temporary_settings(updates={PREFECT_UI_URL: "http://127.0.0.1:4200"}):
        yield


def test_operator_lists_open_tickets_with_sla_figures_and_filters(tiket, ui_prefect) -> None:
    settings, (t1, t2, t3) = tiket
    client = klien(settings)
    masuk_sebagai(client, settings, PETUGAS)
    r = client.get("/operator")
    assert r.status_code == 200
    assert _nomor(r.text) == [t1.nomor, t2.nomor, t3.nomor]  # soonest due first
    baris = r.text.split(f'<tr id="tiket-{t1.nomor}"')[1].split("</tr>")[0]
    assert 'data-terlambat="ya"' in baris and "Vulnerability Assessment" in baris
    assert KADIS[1] in baris and "WIB" in baris and re.search(r"\d+%", baris)
    assert f'href="/operator/tiket/{t1.nomor}"' in baris
    # the run's page in Prefect's UI (PREFECT_UI_URL; a test server's own once Prefect is
    # loaded in this process)
    assert re.search(r'href="http://127\.0\.0\.1:\d+/flow-runs/flow-run/0{8}-', baris), baris
    assert _nomor(client.get("/operator?terlambat=1").text) == [t1.nomor]
    assert _nomor(client.get("/operator?jenis=va").text) == [t1.nomor]
    assert _nomor(client.get("/operator?langkah=rekomendasi").text) == [t3.nomor]
    assert _nomor(client.get("/operator?instansi=kepegawaian").text) == [t2.nomor]
    assert _nomor(client.get("/operator?jenis=pembangunan&langkah=disposisi_kadis").text) == []
    # an unknown filter value is ignored, not an error
    assert _nomor(client.get("/operator?jenis=%3Cscript%3E").text) == [t1.nomor, t2.nomor,
                                                                        t3.nomor]


def test_operator_ticket_page_shows_the_timeline(tiket) -> None:
    settings, (t1, _, _) = tiket
    client = klien(settings)
    masuk_sebagai(client, settings, KADIS)
    r = client.get(f"/operator/tiket/{t1.nomor}")
    assert r.status_code == 200 and t1.nomor in r.text and "melakukan disposisi" in r.text
    assert 'id="tabel-tahapan"' in r.text  # the tracking page's own timeline
    assert "formulir-lengkapi" not in r.text and "/lacak/" not in r.text
    assert client.get("/operator/tiket/LPA-2000-999999").status_code == 404


def test_operator_list_is_paged_with_the_filters_kept_in_plain_links(
        tiket, monkeypatch: pytest.MonkeyPatch) -> None:
    from portal import rute_operator

    settings, (t1, t2, t3) = tiket
    assert rute_operator.PER_HALAMAN == 50
    monkeypatch.setattr(rute_operator, "PER_HALAMAN", 2)
    client = klien(settings)
    masuk_sebagai(client, settings, PETUGAS)
    r = client.get("/operator")
    assert _nomor(r.text) == [t1.nomor, t2.nomor]
    assert "3 tiket terbuka, 1 terlambat" in r.text  # counts of the whole list
    assert "Halaman 1 dari 2" in r.text
    assert 'href="/operator?halaman=2" rel="next"' in r.text and 'rel="prev"' not in r.text
    r = client.get("/operator?halaman=2")
    assert _nomor(r.text) == [t3.nomor] and "Halaman 2 dari 2" in r.text
    assert 'href="/operator" rel="prev"' in r.text and 'rel="next"' not in r.text
    # past the end: the last page; not a number: the first
    assert _nomor(client.get("/operator?halaman=99").text) == [t3.nomor]
    for salah in ("abc", "0", "-1", "1e9", "9" * 40):
        assert _nomor(client.get(f"/operator?halaman={salah}").text) == [t1.nomor, t2.nomor]
    # filters stay in the page links, with the page
    r = client.get("/operator?instansi=dinas")
    assert _nomor(r.text) == [t1.nomor, t3.nomor] and "Halaman" not in r.text
    r = client.get("/operator?jenis=pembangunan")
    assert _nomor(r.text) == [t2.nomor, t3.nomor]
    monkeypatch.setattr(rute_operator, "PER_HALAMAN", 1)
    r = client.get("/operator?jenis=pembangunan&terlambat=&instansi=+Dinas+")
    assert _nomor(r.text) == [t3.nomor] and "Halaman 1 dari 1" not in r.text
    r = client.get("/operator?instansi=Badan&jenis=pembangunan&halaman=1")
    assert _nomor(r.text) == [t2.nomor]
    r = client.get("/operator?jenis=pembangunan")
    assert 'href="/operator?jenis=pembangunan&amp;halaman=2" rel="next"' in r.text


def test_operator_agency_filter_is_limited_on_the_page_and_the_server(tiket) -> None:
    from portal.batas import MAKS_INSTANSI

    settings, (t1, t2, t3) = tiket
    client = klien(settings)
    masuk_sebagai(client, settings, PETUGAS)
    assert f'id="saring-instansi" maxlength="{MAKS_INSTANSI}"' in client.get("/operator").text
    r = client.get("/operator", params={"instansi": "x" * (MAKS_INSTANSI + 1)})
    assert r.status_code == 422
    assert re.search(r'data-galat-untuk="instansi"[^>]*>Instansi \(instansi\): terlalu '
                     rf'panjang; maksimal {MAKS_INSTANSI} karakter<', r.text)
    assert _nomor(r.text) == [t1.nomor, t2.nomor, t3.nomor]  # the filter not applied
    assert audit(settings, "portal_ditolak")[-1].detail["alasan"] == \
        "saringan_operator_tidak_sah"
