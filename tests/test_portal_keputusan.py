"""The officials' decision page (portal/rute_keputusan.py): mailed one-time links, the portal
authorisation the run accepts in place of the code (tasks/keputusan.py), and a decision
through a link on the real Prefect stack."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from portal_staf_bantu import (
    KABID,
    KADIS,
    KODE,
    PETUGAS,
    audit,
    buka_tiket,
    csrf,
    klien,
    langkah_tersimpan,
    pengaturan,
    tautan,
)

from domain.sop import JenisLayanan
from portal.batas import MAKS_CATATAN
from store import db, portal_pejabat
from store.models import StepRecord


@pytest.fixture
def siap(tmp_path: Path):  # noqa: ANN201
    settings = pengaturan(tmp_path)
    t = buka_tiket(settings, riwayat=True, pejabat=KABID, kode_langkah="disposisi_kabid")
    return settings, t, klien(settings)


def test_link_shows_the_ticket_form_history_due_time_and_three_buttons(siap) -> None:
    settings, t, client = siap
    raw = tautan(settings, t, KABID[0])
    r = client.get(f"/keputusan/{raw}")
    assert r.status_code == 200, r.text
    html = r.text
    assert t.nomor in html and "Dinas Kesehatan Provinsi" in html
    assert "Teruskan ke Kabid, prioritaskan" in html  # the Kepala Dinas's note
    assert 'data-medan="nama_aplikasi"' in html and "Batas waktu (mutu baku)" in html
    for k in ("setuju", "tolak", "kembalikan"):
        assert f'id="tombol-{k}"' in html
    assert "pemeriksaan-skpl" not in html  # only on the recommendation step
    # the security headers of the skeleton apply; the token is in no header or link we set
    assert r.headers["Referrer-Policy"] == "no-referrer"


def test_recommendation_page_shows_the_skpl_outline_check(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    import json

    from portal_staf_bantu import FORMS

    form = json.loads((FORMS / "pembangunan.json").read_text(encoding="utf-8"))
    form["dokumen_spesifikasi"] = "BAB I PENDAHULUAN\n1.1 Latar Belakang\nisi\n"
    t = buka_tiket(settings, "rekomendasi", PETUGAS, form=form)
    r = klien(settings).get(f"/keputusan/{tautan(settings, t, PETUGAS[0])}")
    assert r.status_code == 200
    assert 'id="pemeriksaan-skpl"' in r.text and "tidak ditemukan" in r.text


def test_the_form_is_read_as_its_model_in_the_catalog_order(tmp_path: Path) -> None:
    """The decision page reads the ticket's form through domain.forms.baca_formulir: rows in
    the model's order whatever the stored JSON's, a set sorted; a stored form that no longer
    validates is said to be unreadable on the page (and logged), not a failed page."""
    import json

    from portal_bantu import contoh

    settings = pengaturan(tmp_path)
    form = contoh("uji-kelayakan")
    form.pop("akun_uji")["password"]
    form["akun_uji"] = {"username": "penguji"}  # as the ticket keeps it: no password
    form["jenis_pengujian"] = ["uji_kerentanan", "stress_test"]
    form["uji_beban"] = {"pengguna_per_hari": 1000, "jam_efektif_per_hari": 8,
                         "durasi_transaksi_menit": 5}
    terbalik = dict(reversed(list(json.loads(json.dumps(form)).items())))
    t = buka_tiket(settings, "disposisi_kadis", KADIS, jenis=JenisLayanan.UJI_KELAYAKAN,
                   form=terbalik)
    html = klien(settings).get(f"/keputusan/{tautan(settings, t, KADIS[0])}").text
    medan = re.findall(r'<tr data-medan="([^"]+)"', html)
    assert medan.index("nama_aplikasi") < medan.index("url_aplikasi") < \
        medan.index("pengguna_per_hari") < medan.index("nip")
    baris = html.split('data-medan="jenis_pengujian"')[1].split("</tr>")[0]
    assert "stress_test, uji_kerentanan" in baris
    assert "Akun uji › Nama pengguna" in html and "password" not in medan

    rusak = {k: v for k, v in form.items() if k != "nama_aplikasi"}
    t2 = buka_tiket(settings, "disposisi_kadis", KADIS, jenis=JenisLayanan.UJI_KELAYAKAN,
                    form=rusak)
    r = klien(settings).get(f"/keputusan/{tautan(settings, t2, KADIS[0])}")
    assert r.status_code == 200 and 'id="formulir-tak-terbaca"' in r.text
    assert 'id="tombol-setuju"' in r.text and "Traceback" not in r.text


def test_unknown_and_expired_links_are_refused_in_indonesian_and_audited(siap) -> None:
    settings, t, client = siap
    r = client.get("/keputusan/bukan-token-yang-ada")
    assert r.status_code == 404 and "Tautan ini tidak dikenal" in r.text
    lama = tautan(settings, t, KABID[0], berlaku=timedelta(seconds=-1))
    r = client.get(f"/keputusan/{lama}")
    assert r.status_code == 410 and "Masa berlaku tautan ini sudah habis" in r.text
    events = audit(settings, "portal_ditolak")
    assert [e.detail["alasan"] for e in events] == ["tautan_tidak_dikenal", "tautan_kedaluwarsa"]
    # the private token is never written to the audit trail
    assert all(lama not in str(e.detail) and e.detail["jalur"] == "/keputusan/…"
               for e in events)


def test_used_link_is_refused(siap) -> None:
    settings, t, client = siap
    raw = tautan(settings, t, KABID[0])
    with db.session_scope(settings.store_url) as s:
        link = portal_pejabat.cari_tautan_keputusan(s, raw)
        assert link is not None
        assert portal_pejabat.pakai_tautan_keputusan(s, link.id, datetime.now(UTC))
    r = client.get(f"/keputusan/{raw}")
    assert r.status_code == 410 and "sudah dipakai" in r.text


def test_link_dies_when_the_step_ends_or_passes_to_another_official(siap) -> None:
    settings, t, client = siap
    raw = tautan(settings, t, KABID[0])
    with db.session_scope(settings.store_url) as s:
        s.get(StepRecord, t.langkah_id).assignee_nip = "198307142008011004"  # a Plh. now
    r = client.get(f"/keputusan/{raw}")
    assert r.status_code == 410 and "dialihkan kepada pemegang jabatan yang baru" in r.text
    with db.session_scope(settings.store_url) as s:
        step = s.get(StepRecord, t.langkah_id)
        step.assignee_nip, step.finished_at, step.decision = KABID[0], datetime.now(UTC), "setuju"
    r = client.get(f"/keputusan/{raw}")
    assert r.status_code == 410 and "Langkah ini sudah diputus" in r.text


@pytest.mark.parametrize("keputusan", ["tolak", "kembalikan"])
def test_refusal_or_return_without_a_note_is_refused_beside_the_note(siap, keputusan) -> None:
    settings, t, client = siap
    raw = tautan(settings, t, KABID[0])
    token = csrf(client, f"/keputusan/{raw}")
    r = client.post(f"/keputusan/{raw}", data={"csrf_token": token, "keputusan": keputusan,
                                               "catatan": "   "})
    assert r.status_code == 422
    assert re.search(r'data-galat-untuk="catatan"[^>]*>Catatan wajib diisi', r.text)
    assert "1 isian perlu diperbaiki" in r.text
    # nothing was used up or authorised, the step still waits, the refusal is audited
    with db.session_scope(settings.store_url) as s:
        assert portal_pejabat.cari_tautan_keputusan(s, raw).used_at is None
        assert s.query(portal_pejabat.OtorisasiPortal).count() == 0
    assert langkah_tersimpan(settings, t.langkah_id).finished_at is None
    assert audit(settings, "portal_ditolak")[-1].detail["alasan"] == \
        "formulir_keputusan_tidak_sah"


def test_decision_post_without_csrf_token_is_refused(siap) -> None:
    settings, t, client = siap
    raw = tautan(settings, t, KABID[0])
    client.get(f"/keputusan/{raw}")
    r = client.post(f"/keputusan/{raw}", data={"keputusan": "setuju"})
    assert r.status_code == 403 and "tanda keamanannya tidak sah" in r.text
    e = audit(settings, "portal_ditolak")[-1]
    assert e.detail["alasan"] == "csrf_tanpa_token" and e.detail["jalur"] == "/keputusan/…"


def test_decisions_are_rate_limited(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path, portal_batas_keputusan="2/minute")
    t = buka_tiket(settings, "disposisi_kabid", KABID)
    client = klien(settings)
    raw = tautan(settings, t, KABID[0])
    token = csrf(client, f"/keputusan/{raw}")
    kode = [client.post(f"/keputusan/{raw}", data={"csrf_token": token, "keputusan": "tolak"})
            .status_code for _ in range(3)]
    assert kode == [422, 422, 429]
    assert audit(settings, "portal_ditolak")[-1].detail["alasan"] == "batas_keputusan"


# --- the authorisation the run accepts in place of the code --------------------------------

def _otorisasi(settings, t, nip: str, berlaku: timedelta = timedelta(minutes=5),
               step_id: int | None = None) -> str:
    with db.session_scope(settings.store_url) as s:
        return portal_pejabat.buat_otorisasi(s, t.ticket_id, step_id or t.langkah_id, nip,
                                             "tautan", berlaku, datetime.now(UTC))


def _periksa(settings, t, nip: str, kode: str, sumber: str = "portal",
             keputusan: str = "setuju"):
    from tasks.keputusan import periksa_percobaan

    return periksa_percobaan(settings, t.nomor, t.langkah_id,
                             {"nip": nip, "kode": kode, "keputusan": keputusan,
                              "catatan": ""}, sumber=sumber)


def test_portal_authorisation_decides_only_its_ticket_step_and_nip(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    t = buka_tiket(settings, "disposisi_kadis", KADIS)
    lain = buka_tiket(settings, "disposisi_kadis", KADIS)
    assert _periksa(settings, t, KADIS[0], _otorisasi(settings, t, KADIS[0])).diterima
    # the code keeps working beside it
    assert _periksa(settings, t, KADIS[0], KODE).diterima
    # another official's NIP, another ticket's step, an expired or invented one: refused
    assert not _periksa(settings, t, KABID[0], _otorisasi(settings, t, KABID[0])).diterima
    assert not _periksa(settings, t, KADIS[0], _otorisasi(settings, lain, KADIS[0])).diterima
    assert not _periksa(settings, t, KADIS[0],
                        _otorisasi(settings, t, KADIS[0], timedelta(seconds=-1))).diterima
    assert not _periksa(settings, t, KADIS[0], "portal:" + "x" * 43).diterima
    jenis = [e.detail["jenis"] for e in audit(settings, "keputusan_ditolak")]
    assert jenis == ["nip_salah", "kode_salah", "kode_salah", "kode_salah"]


def test_run_accepting_an_authorisation_audits_it_as_via_portal_once(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    t = buka_tiket(settings, "disposisi_kadis", KADIS)
    kode = _otorisasi(settings, t, KADIS[0], timedelta(seconds=2))
    assert _periksa(settings, t, KADIS[0], kode, sumber="run").diterima
    assert _periksa(settings, t, KADIS[0], kode, sumber="run").diterima  # a re-run
    [e] = audit(settings, "keputusan_via_portal")
    assert (e.actor, e.detail["step_id"], e.detail["via"]) == (KADIS[0], t.langkah_id, "tautan")
    # once the step is decided, the same authorisation is a used code
    with db.session_scope(settings.store_url) as s:
        s.get(StepRecord, t.langkah_id).finished_at = datetime.now(UTC)
    hasil = _periksa(settings, t, KADIS[0], kode, sumber="run")
    assert hasil.jenis is not None and hasil.jenis.value == "kode_sudah_dipakai"


# --- on the real stack: a mailed link and a signed-in official decide the run --------------

def _jalur_tautan(surel: dict) -> str:
    cocok = re.search(r"http://127\.0\.0\.1:8080(/keputusan/[A-Za-z0-9_-]+)", surel["isi"])
    assert cocok, surel["isi"]
    return cocok.group(1)


def _masukan_run(flow_run_id: str) -> str:
    """Every input the run was resumed with, as Prefect stores it."""
    from klien.lingkungan import KlienPrefect

    with KlienPrefect() as api:
        jawab = api.minta("POST", f"flow_runs/{flow_run_id}/input/filter",
                          json={"prefix": "", "limit": 1000, "exclude_keys": []})
        jawab.raise_for_status()
        return " ".join(i["value"] for i in jawab.json())


def test_link_and_session_decide_the_run_and_the_store_records_it(stack) -> None:
    from fastapi.testclient import TestClient
    from portal_staf_bantu import PRAKOM, masuk_sebagai
    from sop_bantu import form, mails, wait_for_step, wait_suspended

    from klien import operasi
    from lpa.demo import kode_dari_surel
    from portal.app import buat_app

    st = stack
    nomor = operasi.submit(st.settings, form("pembangunan.json",
                                             nama_aplikasi="Diputus Lewat Portal"),
                           "pembangunan")
    kadis = wait_for_step(st, nomor, "disposisi_kadis")
    assert kadis.flow_run_id
    wait_suspended(kadis.flow_run_id)
    [surel] = mails(st, nomor, "kode_keputusan")
    assert "Kode keputusan sekali pakai:" in surel["isi"]  # the code stays beside the link
    jalur = _jalur_tautan(surel)
    client = TestClient(buat_app(st.settings), base_url="http://127.0.0.1:8080",
                        follow_redirects=False)
    r = client.post(jalur, data={"csrf_token": csrf(client, jalur), "keputusan": "setuju",
                                 "catatan": "Teruskan, prioritas tinggi"})
    assert r.status_code == 200 and 'data-hasil="diterima"' in r.text, r.text
    step = langkah_tersimpan(st.settings, kadis_id := _step_id(st, nomor, "disposisi_kadis"))
    assert (step.decision, step.note) == ("setuju", "Teruskan, prioritas tinggi")
    [via] = [e for e in audit(st.settings, "keputusan_via_portal")
             if e.detail["step_id"] == kadis_id]
    assert (via.actor, via.detail["via"]) == (kadis.nip, "tautan")
    # the link's own token never reached the run; the link is dead now
    assert jalur.rsplit("/", 1)[1] not in _masukan_run(kadis.flow_run_id)
    r = client.get(jalur)
    assert r.status_code == 410 and "Langkah ini sudah diputus" in r.text

    # the Kabid decides with the code: her link dies with the step
    kabid = wait_for_step(st, nomor, "disposisi_kabid")
    wait_suspended(kabid.flow_run_id)
    jalur_kabid = _jalur_tautan(mails(st, nomor, "kode_keputusan")[-1])
    kode = kode_dari_surel(st.settings.outbox_dir, nomor)
    assert kode is not None
    operasi.decide(st.settings, nomor, kabid.nip, kode[0], "setuju")
    r = client.get(jalur_kabid)
    assert r.status_code == 410 and "Langkah ini sudah diputus" in r.text

    # the Pranata Komputer, signed in, decides from /saya without a code
    prakom = wait_for_step(st, nomor, "perintah_prakom")
    wait_suspended(prakom.flow_run_id)
    masuk_sebagai(client, st.settings, PRAKOM)
    prakom_id = _step_id(st, nomor, "perintah_prakom")
    assert f"/saya/langkah/{prakom_id}" in client.get("/saya").text
    jalur = f"/saya/langkah/{prakom_id}"
    r = client.post(jalur, data={"csrf_token": csrf(client, jalur), "keputusan": "setuju"})
    assert r.status_code == 200 and 'data-hasil="diterima"' in r.text, r.text
    assert langkah_tersimpan(st.settings, prakom_id).decision == "setuju"
    assert [e.detail["via"] for e in audit(st.settings, "keputusan_via_portal")
            if e.detail["step_id"] == prakom_id] == ["sesi"]
    # deciding again is refused with the precise reason, nothing changes
    r = client.post(jalur, data={"csrf_token": csrf(client, "/saya"), "keputusan": "tolak",
                                 "catatan": "x"})
    assert r.status_code == 403 and "tidak sedang menunggu keputusan Anda" in r.text


def _step_id(st, nomor: str, kode: str) -> int:  # noqa: ANN001
    from store import repo

    with db.session_scope(st.settings.store_url) as s:
        return [x.id for x in repo.get_ticket(s, nomor).steps if x.code == kode][-1]


def test_hosting_step_asks_domain_hosting_integration_within_their_limits(tmp_path: Path) -> None:
    settings = pengaturan(tmp_path)
    t = buka_tiket(settings, "hosting_integrasi", PETUGAS)
    client = klien(settings)
    raw = tautan(settings, t, PETUGAS[0])
    r = client.get(f"/keputusan/{raw}")
    # each field carries its limit on the page (the server's, below)
    for k, maks in (("domain", 253), ("hosting", 500), ("integrasi", 2000)):
        assert f'id="isian-{k}" maxlength="{maks}"' in r.text, k
    assert f'id="isian-catatan" maxlength="{MAKS_CATATAN}"' in r.text
    r = client.post(f"/keputusan/{raw}", data={
        "csrf_token": csrf(client, f"/keputusan/{raw}"), "keputusan": "setuju",
        "domain": "a" * 254, "hosting": "VM-01", "catatan": "c" * (MAKS_CATATAN + 1)})
    assert r.status_code == 422
    assert re.search(r'data-galat-untuk="domain"[^>]*>Domain \(domain\): terlalu panjang; '
                     r'maksimal 253 karakter<', r.text)
    assert re.search(r'data-galat-untuk="catatan"[^>]*>Instruksi / catatan \(catatan\): '
                     rf'terlalu panjang; maksimal {MAKS_CATATAN} karakter<', r.text)
    assert 'value="VM-01"' in r.text  # what was typed stays


def test_attachments_are_listed_and_downloaded_through_the_link_and_by_staff(siap) -> None:
    import hashlib

    from portal_staf_bantu import masuk_sebagai

    from store import portal_pemohon

    settings, t, client = siap
    isi = b"%PDF-1.4\n% surat permohonan\n"
    sha = hashlib.sha256(isi).hexdigest()
    (settings.data_dir / "lampiran").mkdir(parents=True, exist_ok=True)
    (settings.data_dir / "lampiran" / sha).write_bytes(isi)
    with db.session_scope(settings.store_url) as s:
        lamp = portal_pemohon.Lampiran(
            kunci="k-1", ticket_id=t.ticket_id, jenis="surat_permohonan",
            nama_berkas="surat.pdf", mime="application/pdf", ukuran=len(isi), sha256=sha,
            path=str(settings.data_dir / "lampiran" / sha), created_at=datetime.now(UTC))
        s.add(lamp)
        s.flush()
        lamp_id = lamp.id
    raw = tautan(settings, t, KABID[0])
    assert f'id="lampiran-{lamp_id}"' in client.get(f"/keputusan/{raw}").text
    r = client.get(f"/keputusan/{raw}/lampiran/{lamp_id}")
    assert r.status_code == 200 and r.content == isi
    assert r.headers["content-disposition"].startswith("attachment")
    assert client.get(f"/keputusan/{raw}/lampiran/{lamp_id + 1}").status_code == 404
    # staff, from the operators' view of the ticket; nobody else
    assert client.get(f"/operator/tiket/{t.nomor}/lampiran/{lamp_id}").status_code == 303
    masuk_sebagai(client, settings, KADIS)
    halaman = client.get(f"/operator/tiket/{t.nomor}").text
    assert f'href="/operator/tiket/{t.nomor}/lampiran/{lamp_id}"' in halaman
    assert client.get(f"/operator/tiket/{t.nomor}/lampiran/{lamp_id}").content == isi


def test_when_the_run_cannot_be_reached_the_official_is_told_and_keeps_the_link(
        siap, monkeypatch) -> None:
    from klien import operasi

    settings, t, client = siap

    def tidak_terjangkau(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise ConnectionRefusedError("127.0.0.1:4200")
    monkeypatch.setattr(operasi, "_lanjutkan_run", tidak_terjangkau)
    raw = tautan(settings, t, KABID[0])
    r = client.post(f"/keputusan/{raw}", data={"csrf_token": csrf(client, f"/keputusan/{raw}"),
                                               "keputusan": "setuju"})
    assert r.status_code == 409 and 'data-hasil="tidak-tercatat"' in r.text
    assert "tidak dapat dihubungi" in r.text and "Traceback" not in r.text
    with db.session_scope(settings.store_url) as s:
        assert portal_pejabat.cari_tautan_keputusan(s, raw).used_at is None  # given back
    log = (settings.data_dir / "log" / "portal-galat.log").read_text()
    assert "ConnectionRefusedError" in log and raw not in log
    assert audit(settings, "portal_ditolak")[-1].detail["alasan"] == "keputusan_tidak_tercatat"
    assert client.get(f"/keputusan/{raw}").status_code == 200
