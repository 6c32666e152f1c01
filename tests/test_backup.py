"""Backup and restore of our store on SQLite and on the real PostgreSQL.

Tickets in every state are made through the store's own tasks, backed up, the store is wiped
(every table, trigger and function dropped), restored, and every row of every table is
compared with what it was, together with the triggers that guard the store.
"""

from __future__ import annotations

import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bantu
import pytest
from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from domain.sop import JenisLayanan, Peran, langkah
from domain.tiket import HasilTiket
from settings import get_settings
from store import backup, chain, db
from store.backup import BackupError
from tasks import tiket

NIP_KADIS = "197203151998031004"
NIP_KABID = "198001012005011002"
NIP_PRAKOM = "199002022015031001"
NIP_PETUGAS = "199505052020121003"


@pytest.fixture
def store(store_url: str, tmp_path: Path, pengaturan_uji: bantu.Pengaturan) -> str:
    """The fresh store of ``store_url`` as the one the settings (and so the tasks) use."""
    pengaturan_uji(database_url=store_url, data_dir=tmp_path / "data", kunci_enkripsi=None)
    return store_url


def _buka(nama: str, akun: tuple[str, str] | None = None) -> str:
    titipan = None
    if akun:  # deposited first, as `lpa submit` and the portal do (store/secrets.py)
        from store import db, secrets

        settings = get_settings()
        with db.session_scope(settings.store_url) as session:
            box = secrets.fernet(None, settings.key_file)
            titipan = (akun[0], secrets.titipkan(session, box, akun[1], datetime.now(UTC)))
    nomor, created = tiket.buka_tiket.fn(
        JenisLayanan.UJI_KELAYAKAN if akun else JenisLayanan.PEMBANGUNAN,
        {"nama_aplikasi": nama, "catatan": "ujicoba cadangan é ✓"},
        nama, "Badan Kepegawaian Daerah", datetime.now(UTC), f"kunci-{nama}", titipan,
    )
    assert created
    return nomor


def _tunggu(nomor: str, kode: str, nip: str) -> int:
    """Start a step waiting for an official, with the hash of their one-time code."""
    step_id = tiket.mulai_langkah.fn(nomor, langkah(kode), "run-" + kode, (nip, "Pejabat"))
    tiket.simpan_hash_kode.fn(step_id, f"hash-{nomor}-{step_id}")
    return step_id


def _putuskan(nomor: str, step_id: int, nip: str, keputusan: str, kepada: Peran | None,
              disposisi: bool = True) -> None:
    tiket.catat_keputusan.fn(nomor, step_id, nip, keputusan, f"catatan {keputusan}", kepada,
                             disposisi)


def _arsipkan(nomor: str, hasil: HasilTiket) -> str:
    laporan = tiket.mulai_langkah.fn(nomor, langkah("laporan"), "run-laporan")
    tiket.selesaikan_langkah.fn(nomor, laporan, "Laporan ditulis")
    tiket.tutup_tiket.fn(nomor, hasil)
    arsip = tiket.mulai_langkah.fn(nomor, langkah("arsip"), "run-arsip")
    return tiket.arsipkan_tiket.fn(nomor, arsip, f"Ringkasan {nomor}")


def _isi_semua_keadaan() -> dict[str, str]:
    """Tickets in every state the procedure knows, through the store's own tasks."""
    made: dict[str, str] = {}
    # Open, waiting at step 2, with its test account still stored (encrypted).
    made["langkah2"] = _buka("SIMPEG", akun=("penguji", "rahasia-uji"))
    _tunggu(made["langkah2"], "disposisi_kadis", NIP_KADIS)
    # Open, waiting at step 4, after one refused attempt with a wrong code.
    made["langkah4"] = nomor = _buka("SIKD")
    s2 = _tunggu(nomor, "disposisi_kadis", NIP_KADIS)
    tiket.catat_keputusan_tidak_sah.fn(nomor, s2, NIP_KABID, "kode salah")
    _putuskan(nomor, s2, NIP_KADIS, "setuju", Peran.KABID_EGOV)
    s3 = _tunggu(nomor, "disposisi_kabid", NIP_KABID)
    _putuskan(nomor, s3, NIP_KABID, "setuju", Peran.PRANATA_KOMPUTER)
    _tunggu(nomor, "perintah_prakom", NIP_PRAKOM)
    # Returned to the requester: the clock is stopped while they complete it.
    made["dikembalikan"] = nomor = _buka("E-Surat")
    s2 = _tunggu(nomor, "disposisi_kadis", NIP_KADIS)
    _putuskan(nomor, s2, NIP_KADIS, "kembalikan", None)
    tiket.mulai_langkah.fn(nomor, langkah("kelengkapan"), "run-kel", jam_berhenti=True)
    # Rejected by the Kepala Dinas and archived with its agenda number.
    made["ditolak"] = nomor = _buka("Portal OPD", akun=("penguji2", "rahasia-2"))
    s2 = _tunggu(nomor, "disposisi_kadis", NIP_KADIS)
    _putuskan(nomor, s2, NIP_KADIS, "tolak", None)
    made["agenda_ditolak"] = _arsipkan(nomor, HasilTiket.DITOLAK)
    # Approved through every step and archived.
    made["disetujui"] = nomor = _buka("Satu Data")
    for kode, nip, kepada in (("disposisi_kadis", NIP_KADIS, Peran.KABID_EGOV),
                              ("disposisi_kabid", NIP_KABID, Peran.PRANATA_KOMPUTER),
                              ("perintah_prakom", NIP_PRAKOM, Peran.PETUGAS_SERVICE_DESK)):
        _putuskan(nomor, _tunggu(nomor, kode, nip), nip, "setuju", kepada)
    s5 = _tunggu(nomor, "rekomendasi", NIP_PETUGAS)
    _putuskan(nomor, s5, NIP_PETUGAS, "setuju", None, disposisi=False)
    made["agenda_disetujui"] = _arsipkan(nomor, HasilTiket.DISETUJUI)
    return made


def _rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (reflected, so tables added later are covered too)."""
    meta = MetaData()
    eng = db.engine(url)
    meta.reflect(eng)
    with eng.connect() as conn:
        # Ordered by primary key; a table that lost its key is still compared, sorted here.
        return {
            t.name: [dict(r._mapping) for r in conn.execute(
                select(t).order_by(*t.primary_key.columns))]
            if t.primary_key.columns else
            sorted((dict(r._mapping) for r in conn.execute(select(t))), key=repr)
            for t in meta.sorted_tables
        }


def _guards(url: str) -> list[tuple[Any, ...]]:
    """The schema's triggers (and functions on PostgreSQL), as the database describes them."""
    with db.engine(url).connect() as conn:
        if conn.dialect.name == "sqlite":
            return [tuple(r) for r in conn.execute(text(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE type IN ('trigger', 'index') ORDER BY name"))]
        triggers = conn.execute(text(
            "SELECT tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal ORDER BY tgname"))
        functions = conn.execute(text(
            "SELECT proname, pg_get_functiondef(p.oid) FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE nspname = 'public' "
            "ORDER BY proname"))
        return [tuple(r) for r in triggers] + [tuple(r) for r in functions]


def _wipe(url: str) -> None:
    """Drop everything: the whole database file, or the whole public schema."""
    db.dispose_all()
    if make_url(url).get_backend_name() == "sqlite":
        path = Path(make_url(url).database or "")
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        return
    with db.engine(url).begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.dispose_all()


def _audit_update_refused(url: str) -> None:
    with db.engine(url).connect() as c:
        assert c.execute(text("SELECT count(*) FROM audit_event")).scalar_one() > 0
    with pytest.raises(DBAPIError, match="hanya boleh ditambah"), db.engine(url).begin() as c:
        c.execute(text("UPDATE audit_event SET kind = 'dipalsukan'"))


def _chains_intact(url: str) -> None:
    with db.engine(url).connect() as conn:
        reports = chain.verify(conn)
    assert [(r.table, r.broken) for r in reports] == [("audit_event", None),
                                                      ("agenda_entry", None)]


def test_backup_wipe_restore_brings_every_row_and_guard_back(store: str, tmp_path: Path
                                                             ) -> None:
    made = _isi_semua_keadaan()
    before, guards = _rows(store), _guards(store)
    # Not a vacuous comparison: every kind of record is there.
    states = {t["number"]: t["state"] for t in before["ticket"]}
    assert sorted(states.values()) == ["diarsipkan", "diarsipkan", "dikembalikan",
                                       "diproses", "diproses"]
    assert {e["number"] for e in before["agenda_entry"]} == {made["agenda_ditolak"],
                                                             made["agenda_disetujui"]}
    assert len(before["disposition"]) == 7 and len(before["test_credential"]) == 1
    assert any(s["code_hash"] for s in before["step_record"])
    assert {"keputusan_ditolak", "tiket_diarsipkan"} <= {a["kind"] for a in before["audit_event"]}

    manifest = backup.backup(store, tmp_path / "cadangan.lpa")
    assert manifest.tables == {name: len(rows) for name, rows in before.items()}

    _wipe(store)
    assert backup.stored_rows(store) == 0 and _rows(store) == {}

    result = backup.restore(store, tmp_path / "cadangan.lpa")
    assert result.upgraded_to is None
    assert _rows(store) == before
    assert _guards(store) == guards
    _audit_update_refused(store)
    _chains_intact(store)
    with pytest.raises(DBAPIError, match="diarsipkan"), db.engine(store).begin() as c:
        c.execute(text("UPDATE ticket SET state = 'diproses' WHERE archived_at IS NOT NULL"))
    # The restored store goes on: sequences and counters continue after the restored rows.
    assert tiket.akun_uji(made["langkah2"]) == ("penguji", "rahasia-uji")
    nomor = _buka("Setelah Pemulihan")
    assert nomor not in states and nomor > max(states)
    _chains_intact(store)  # the restored chains go on


def test_restore_onto_a_store_with_rows_needs_force(store: str, tmp_path: Path) -> None:
    nomor = _buka("Lama")
    backup.backup(store, tmp_path / "lama.lpa")
    _buka("Baru")
    before = _rows(store)
    with pytest.raises(BackupError, match="tidak kosong.*--force"):
        backup.restore(store, tmp_path / "lama.lpa")
    assert _rows(store) == before
    backup.restore(store, tmp_path / "lama.lpa", force=True)
    assert [t["number"] for t in _rows(store)["ticket"]] == [nomor]
    _audit_update_refused(store)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_restore_waits_a_bounded_time_for_a_locked_sqlite_store(
        store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    _buka("Terkunci")
    backup.backup(store, tmp_path / "a.lpa")
    before = _rows(store)
    db.dispose_all()
    monkeypatch.setattr(backup, "LOCK_WAIT_S", 0.5)
    writer = sqlite3.connect(make_url(store).database or "", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        with pytest.raises(BackupError, match="terkunci"):
            backup.restore(store, tmp_path / "a.lpa", force=True)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _rows(store) == before


def _archive(path: Path, manifest: dict[str, Any], dump: bytes) -> None:
    body = json.dumps(manifest, default=str).encode()
    with tarfile.open(path, "w") as tar:
        for name, data in (("manifest.json", body), (manifest["dump"], dump)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _parts(path: Path) -> tuple[dict[str, Any], bytes]:
    with tarfile.open(path, "r:*") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        dump = tar.extractfile(manifest["dump"]).read()  # type: ignore[union-attr]
    return manifest, dump


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_corrupt_or_mismatched_files_are_refused_and_the_store_is_untouched(
        store: str, tmp_path: Path) -> None:
    _buka("Pertama")
    good = tmp_path / "baik.lpa"
    backup.backup(store, good)
    manifest, dump = _parts(good)
    _buka("Kedua")
    before = _rows(store)
    other = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"

    raw = good.read_bytes()
    (tmp_path / "terpotong.lpa").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "bukan-tar.lpa").write_bytes(b"ini bukan arsip")
    flipped = bytearray(dump)
    flipped[len(flipped) // 2] ^= 0xFF
    _archive(tmp_path / "dump-diubah.lpa", manifest, bytes(flipped))
    _archive(tmp_path / "mesin-lain.lpa",
             {**manifest, "engine": other, "dump": backup.DUMP[other]}, dump)
    _archive(tmp_path / "revisi-asing.lpa", {**manifest, "schema_revision": "9999"}, dump)
    _archive(tmp_path / "manifest-rusak.lpa", {**manifest, "format_version": 7}, dump)
    # Counts that the dump does not hold: only found by looking inside the restored data.
    lies = {**manifest["tables"], "ticket": manifest["tables"]["ticket"] + 1}
    _archive(tmp_path / "jumlah-salah.lpa", {**manifest, "tables": lies}, dump)

    expected = {
        "terpotong.lpa": "bukan berkas cadangan lpa yang utuh",
        "bukan-tar.lpa": "bukan arsip tar",
        "dump-diubah.lpa": "SHA-256",
        "mesin-lain.lpa": f"dibuat dari {other}",
        "revisi-asing.lpa": "revisi skema '9999' yang tidak dikenal",
        "manifest-rusak.lpa": "kolom 'format_version'",
        "jumlah-salah.lpa": "jumlah baris tabel ticket",
        "tidak-ada.lpa": "tidak ditemukan",
    }
    for name, message in expected.items():
        # --force: even a store that may be replaced is left as it was by a bad file.
        with pytest.raises(BackupError, match=message):
            backup.restore(store, tmp_path / name, force=True)
        assert _rows(store) == before, name
    _audit_update_refused(store)


def test_cli_backup_and_restore_end_to_end(store: str, tmp_path: Path) -> None:
    from lpa.cli import app

    nomor = _buka("Lewat CLI")
    runner = CliRunner()
    out = tmp_path / "cli.lpa"
    done = runner.invoke(app, ["backup", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "Cadangan ditulis" in done.output and "ticket 1" in done.output
    assert runner.invoke(app, ["backup", "--out", str(out)]).exit_code == 1  # no overwrite

    refused = runner.invoke(app, ["restore", str(out)])
    assert refused.exit_code == 1
    assert "tidak kosong" in refused.output

    _wipe(store)
    done = runner.invoke(app, ["restore", str(out)])
    assert done.exit_code == 0, done.output
    assert "dipulihkan" in done.output
    assert [t["number"] for t in _rows(store)["ticket"]] == [nomor]


def test_a_backup_of_an_older_schema_is_restored_and_upgraded(store: str, tmp_path: Path
                                                              ) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    _wipe(store)
    cfg = db.alembic_config()
    with db.engine(store).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with db.engine(store).begin() as conn:
        conn.execute(text(
            "INSERT INTO ticket (number, year, request_type, application_name, agency, form, "
            "state, created_at, updated_at) VALUES ('LPA-2026-000042', 2026, 'va', 'Lama', "
            "'Dinas', '{}', 'diproses', '2026-11-30 02:00:00', '2026-11-30 02:00:00')"))
        conn.execute(text("INSERT INTO audit_event (at, ticket_id, kind, detail) "
                          "VALUES ('2026-11-30 02:00:00', 1, 'tiket_dibuka', '{}')"))
    assert backup.backup(store, tmp_path / "lama.lpa").schema_revision == "0001"
    _wipe(store)

    result = backup.restore(store, tmp_path / "lama.lpa")
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head != "0001" and result.upgraded_to == head
    rows = _rows(store)
    assert rows["alembic_version"] == [{"version_num": head}]
    assert "test_credential" in rows
    assert [t["number"] for t in rows["ticket"]] == ["LPA-2026-000042"]
    assert [a["chain_seq"] for a in rows["audit_event"]] == [1]  # chained by the upgrade
    _chains_intact(store)
    _audit_update_refused(store)


def test_postgresql_urls_become_libpq_conninfo_without_the_password() -> None:
    conninfo, env = backup._libpq(
        "postgresql+psycopg://lpa:s3cr%27et@db.example:5433/lpa_store?sslmode=require")
    assert conninfo == ("host='db.example' port='5433' user='lpa' dbname='lpa_store' "
                        "sslmode='require'")
    assert env["PGPASSWORD"] == "s3cr'et"
    assert "s3cr" not in conninfo
