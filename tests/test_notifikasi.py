"""Notification channels: files for development, a real SMTP server for production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.parser import BytesParser
from pathlib import Path
from types import SimpleNamespace

import bantu
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

from domain.pesan import (
    format_waktu_wib,
    pesan_dikembalikan,
    pesan_eskalasi,
    pesan_hasil_layanan,
    pesan_kode_keputusan,
)
from tasks.notifikasi import (
    GagalMengirimPesan,
    Lampiran,
    Pesan,
    SaluranBerkas,
    SaluranSMTP,
    baca_kotak_keluar,
    saluran_dari_pengaturan,
)

ROOT = Path(__file__).resolve().parents[1]
PENGIRIM = "layanan-aplikasi@babelprov.go.id"
ISI = "Yth. Bapak/Ibu,\n\nKode keputusan: K7M2-QX9P — mohon segera “diputus”. Terima kasih.\n"


def _pesan(**lain: object) -> Pesan:
    data: dict[str, object] = dict(
        kepada=("rina.marlina@babelprov.go.id",),
        tembusan=("hendra.saputra@babelprov.go.id",),
        subjek="[LPA-2026-000001] Mohon keputusan: Sistem Informasi Pelayanan Terpadu (DPMPTSP)",
        isi=ISI,
        jenis="kode_keputusan",
        tiket="LPA-2026-000001",
    )
    data.update(lain)
    return Pesan(**data)  # type: ignore[arg-type]


# --- Messages (domain.pesan) -------------------------------------------------------------

def test_format_waktu_wib() -> None:
    assert format_waktu_wib(datetime(2026, 11, 30, 2, 30, tzinfo=UTC)) == \
        "Senin, 30 November 2026 pukul 09.30 WIB"
    assert format_waktu_wib(datetime(2026, 8, 17, 8, 5)) == "Senin, 17 Agustus 2026 pukul 08.05 WIB"
    assert format_waktu_wib(datetime(2026, 1, 4, 23, 59, tzinfo=UTC)).startswith(
        "Senin, 5 Januari 2026 pukul 06.59")
    assert format_waktu_wib(datetime(2026, 3, 20, 17, 0)).startswith("Jumat, 20 Maret")


def test_pesan_kode_keputusan_names_everything_needed_to_decide() -> None:
    subjek, isi = pesan_kode_keputusan(
        nomor_tiket="LPA-2026-000001", nama_aplikasi="SIPP\nversi 2", instansi="DPMPTSP",
        langkah="Kadis Kominfo melakukan disposisi kepada Kabid eGotik",
        nama="Drs. Hendra Saputra, M.Si.", nip="197203151998031002", kode="K7M2-QX9P",
        jatuh_tempo=datetime(2026, 11, 30, 2, 30, tzinfo=UTC),
        tautan_ui="http://127.0.0.1:4200/flow-runs/flow-run/abc",
    )
    assert "\n" not in subjek and "LPA-2026-000001" in subjek and "SIPP versi 2" in subjek
    for teks in ("Yth. Bapak/Ibu Drs. Hendra Saputra, M.Si.", "DPMPTSP", "SIPP versi 2",
                 "disposisi kepada Kabid eGotik", "Senin, 30 November 2026 pukul 09.30 WIB",
                 "K7M2-QX9P", "http://127.0.0.1:4200/flow-runs/flow-run/abc",
                 "lpa decide LPA-2026-000001 --nip 197203151998031002 --code K7M2-QX9P "
                 "--decision setuju|tolak|kembalikan [--note"):
        assert teks in isi, teks
    _, tanpa_tautan = pesan_kode_keputusan(
        nomor_tiket="LPA-2026-000001", nama_aplikasi="SIPP", instansi="DPMPTSP", langkah="x",
        nama="X", nip="197203151998031002", kode="K7M2-QX9P", jatuh_tempo=None, tautan_ui=None,
    )
    assert "Prefect UI" in tanpa_tautan and "http" not in tanpa_tautan


def test_pesan_eskalasi_and_dikembalikan() -> None:
    subjek, isi = pesan_eskalasi(
        nomor_tiket="LPA-2026-000002", nama_aplikasi="SIPP", instansi="DPMPTSP",
        langkah="Perintah kepada petugas", nama="Yudi Pratama, S.Kom.",
        jatuh_tempo=datetime(2026, 11, 30, 2, 30, tzinfo=UTC), nama_atasan="Rina Marlina",
    )
    assert "Eskalasi" in subjek and "LPA-2026-000002" in subjek
    assert "Yudi Pratama" in isi and "Rina Marlina" in isi and "pukul 09.30 WIB" in isi
    assert "lpa decide LPA-2026-000002" in isi

    subjek, isi = pesan_dikembalikan(
        nomor_tiket="LPA-2026-000003", nama_aplikasi="SIPP", instansi="DPMPTSP",
        catatan="Lampirkan KAK.\nSertakan surat permohonan bertanda tangan.",
        nip="198501012010011001", kode="AB23-CD45", tautan_ui=None,
    )
    assert "dikembalikan" in subjek and "LPA-2026-000003" in subjek
    assert "Lampirkan KAK." in isi and "Sertakan surat permohonan" in isi
    assert "lpa lengkapi LPA-2026-000003 --nip 198501012010011001 --code AB23-CD45" in isi


def test_the_escalation_mentions_a_copy_only_when_one_is_sent() -> None:
    umum = dict(nomor_tiket="LPA-2026-000004", nama_aplikasi="SIPP", instansi="DPMPTSP",
                langkah="Kadis Kominfo melakukan disposisi", nama="Drs. Hendra Saputra, M.Si.",
                jatuh_tempo=datetime(2026, 11, 30, 2, 30, tzinfo=UTC))
    _, tanpa = pesan_eskalasi(**umum)  # the Kepala Dinas: no superior, no copy
    assert "ditembuskan" not in tanpa and "atasan" not in tanpa
    _, dengan = pesan_eskalasi(**umum, nama_atasan="Rina Marlina")
    assert "ditembuskan kepada atasan langsung, Bapak/Ibu Rina Marlina" in dengan
    # the code mail of a post without a superior promises no escalation to one either
    _, kode = pesan_kode_keputusan(
        nomor_tiket="LPA-2026-000004", nama_aplikasi="SIPP", instansi="DPMPTSP", langkah="x",
        nama="X", nip="197203151998031002", kode="K7M2-QX9P", jatuh_tempo=None,
        tautan_ui=None, ada_atasan=False)
    assert "atasan langsung" not in kode


def test_the_return_mail_says_who_returned_it_where_and_how_to_answer() -> None:
    _, isi = pesan_dikembalikan(
        nomor_tiket="LPA-2026-000005", nama_aplikasi="SIPP", instansi="DPMPTSP",
        catatan="Lampirkan KAK.", nip="198501012010011001", kode="AB23-CD45",
        pejabat="Kepala Dinas Kominfo, Drs. Hendra Saputra, M.Si.",
        langkah="langkah 2: Kadis Kominfo melakukan disposisi kepada Kabid eGotik")
    for teks in ("Dikembalikan oleh", "Kepala Dinas Kominfo, Drs. Hendra Saputra",
                 "Dikembalikan pada", "langkah 2: Kadis Kominfo", "Lampirkan KAK.",
                 "lpa lengkapi LPA-2026-000005 --nip 198501012010011001 --code AB23-CD45"):
        assert teks in isi, teks


def test_the_outcome_mail_gives_the_outcome_the_note_and_the_agenda_number() -> None:
    umum = dict(nomor_tiket="LPA-2026-000006", nama_aplikasi="SIPP", instansi="DPMPTSP",
                jenis_layanan="Uji Kelayakan Aplikasi", nomor_agenda="AGD-2026-000001",
                diarsipkan=datetime(2026, 11, 30, 2, 30, tzinfo=UTC))
    subjek, isi = pesan_hasil_layanan(**umum, ditolak=True, ditolak_oleh="Kabid, Rina",
                                      ditolak_pada="langkah 3", catatan="Sudah ada.",
                                      lampiran="laporan.pdf")
    assert "ditolak" in subjek and "LPA-2026-000006" in subjek
    for teks in ("DITOLAK", "Ditolak oleh", "Kabid, Rina", "| Sudah ada.", "AGD-2026-000001",
                 "Laporan layanan terlampir (laporan.pdf)"):
        assert teks in isi, teks
    subjek, isi = pesan_hasil_layanan(**umum, ditolak=False, verdict="LAYAK_DENGAN_CATATAN",
                                      diuji=True)
    assert "selesai" in subjek.lower() and "uji kelaikan: LAYAK DENGAN CATATAN" in isi
    assert "salinannya dapat diminta" in isi and "Catatan penolakan" not in isi


# --- SaluranBerkas ------------------------------------------------------------------------

def test_saluran_berkas_writes_eml_and_outbox(tmp_path: Path) -> None:
    saluran = SaluranBerkas(tmp_path / "outbox", PENGIRIM)
    saluran.kirim(_pesan())
    saluran.kirim(_pesan(tiket=None, jenis="pengingat", tembusan=(), subjek="Pengingat harian"))

    eml = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(eml) == 2
    assert [p.name for p in eml if "-LPA-2026-000001-kode_keputusan-" in p.name]
    assert [p.name for p in eml if "-umum-pengingat-" in p.name]
    assert not list((tmp_path / "outbox").glob(".*"))

    berkas = next(p for p in eml if "kode_keputusan" in p.name)
    mentah = berkas.read_bytes()
    assert b"\r\n" in mentah and max(mentah) < 128  # RFC 5322 lines, 7-bit transport safe
    msg = BytesParser(policy=policy.default).parse(berkas.open("rb"))
    assert msg["To"] == "rina.marlina@babelprov.go.id"
    assert msg["Cc"] == "hendra.saputra@babelprov.go.id"
    assert msg["From"].addresses[0].addr_spec == PENGIRIM
    assert msg["Subject"] == _pesan().subjek
    assert msg["Date"].datetime.tzinfo is not None
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@babelprov.go.id>")
    assert msg["X-LPA-Tiket"] == "LPA-2026-000001"
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content_charset() == "utf-8"
    assert msg.get_content().replace("\r\n", "\n") == ISI

    kotak = baca_kotak_keluar(tmp_path / "outbox")
    assert [k["jenis"] for k in kotak] == ["kode_keputusan", "pengingat"]
    assert set(kotak[0]) == {"waktu", "kepada", "tembusan", "subjek", "isi", "jenis", "tiket",
                             "lampiran", "berkas"}
    assert kotak[0]["lampiran"] == [] and kotak[0]["berkas"] == berkas.name
    assert kotak[0]["kepada"] == ["rina.marlina@babelprov.go.id"]
    assert kotak[0]["tembusan"] == ["hendra.saputra@babelprov.go.id"]
    assert kotak[0]["isi"] == ISI and kotak[0]["tiket"] == "LPA-2026-000001"
    assert kotak[1]["tiket"] is None
    assert datetime.fromisoformat(kotak[0]["waktu"]).tzinfo is not None
    # One line per message, UTF-8 kept readable.
    baris = (tmp_path / "outbox" / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(baris) == 2 and "“diputus”" in baris[0]


def test_an_attachment_travels_in_the_mail_and_only_its_name_in_the_outbox_line(
        tmp_path: Path) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    SaluranBerkas(tmp_path, PENGIRIM).kirim(_pesan(
        jenis="permohonan_ditolak", lampiran=(Lampiran("laporan.pdf", "application/pdf", pdf),)))
    [baris] = baca_kotak_keluar(tmp_path)
    assert [(x["nama"], x["jenis"], x["ukuran"]) for x in baris["lampiran"]] == [
        ("laporan.pdf", "application/pdf", len(pdf))]
    assert "%PDF" not in json.dumps(baris)
    msg = BytesParser(policy=policy.default).parse((tmp_path / baris["berkas"]).open("rb"))
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == ISI
    [lampiran] = list(msg.iter_attachments())
    assert lampiran.get_filename() == "laporan.pdf"
    assert lampiran.get_content_type() == "application/pdf"
    assert lampiran.get_content() == pdf


def test_subject_line_breaks_cannot_inject_headers(tmp_path: Path) -> None:
    SaluranBerkas(tmp_path).kirim(_pesan(subjek="Halo\r\nBcc: penyusup@contoh.id"))
    msg = message_from_bytes(next(tmp_path.glob("*.eml")).read_bytes(), policy=policy.default)
    assert msg["Bcc"] is None and msg["Subject"] == "Halo Bcc: penyusup@contoh.id"


def test_odd_ticket_and_kind_make_safe_file_names(tmp_path: Path) -> None:
    SaluranBerkas(tmp_path).kirim(_pesan(tiket="../../etc/passwd", jenis="a/b"))
    (berkas,) = tmp_path.glob("*.eml")
    assert berkas.parent == tmp_path and "/" not in berkas.name


def test_missing_outbox_reads_as_empty(tmp_path: Path) -> None:
    assert baca_kotak_keluar(tmp_path / "tidak-ada") == []


def test_concurrent_thread_writers_give_whole_lines(tmp_path: Path) -> None:
    saluran = SaluranBerkas(tmp_path, PENGIRIM)
    besar = "Catatan panjang dengan é, ü dan “kutip”. " * 800  # ~35 kB per line

    def tulis(n: int) -> None:
        for i in range(15):
            saluran.kirim(_pesan(tiket=f"LPA-2026-{n:03d}{i:03d}", isi=besar))

    threads = [threading.Thread(target=tulis, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kotak = baca_kotak_keluar(tmp_path)
    assert len(kotak) == 120
    assert all(k["isi"] == besar for k in kotak)
    assert len({k["tiket"] for k in kotak}) == 120
    assert len(list(tmp_path.glob("*.eml"))) == 120


def test_concurrent_process_writers_give_whole_lines(tmp_path: Path) -> None:
    kode = (
        "import sys; from pathlib import Path; "
        "from tasks.notifikasi import Pesan, SaluranBerkas; "
        "s = SaluranBerkas(Path(sys.argv[1])); n = sys.argv[2]; "
        "[s.kirim(Pesan(kepada=('a@babelprov.go.id',), subjek='s', isi='x' * 50000, "
        "jenis='uji', tiket=f'{n}-{i}')) for i in range(20)]"
    )
    proses = [subprocess.Popen([sys.executable, "-c", kode, str(tmp_path), str(n)], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}) for n in range(4)]
    assert [p.wait(timeout=120) for p in proses] == [0, 0, 0, 0]
    baris = (tmp_path / "outbox.jsonl").read_bytes().split(b"\n")
    assert baris[-1] == b"" and len(baris) == 81
    assert all(json.loads(b)["isi"] == "x" * 50000 for b in baris[:-1])


# --- SaluranSMTP against a real SMTP server ------------------------------------------------

class _Kotak:
    """aiosmtpd handler that keeps every envelope it receives."""

    def __init__(self) -> None:
        self.amplop: list[Envelope] = []

    async def handle_DATA(self, server: object, session: object, envelope: Envelope) -> str:
        self.amplop.append(envelope)
        return "250 OK"


def _mulai(handler: _Kotak, **lain: object) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=bantu.port_bebas(), **lain)
    controller.start()
    return controller


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, _Kotak]]:
    kotak = _Kotak()
    controller = _mulai(kotak)
    try:
        yield controller, kotak
    finally:
        controller.stop()


def test_smtp_delivers_to_to_and_cc(smtp_server: tuple[Controller, _Kotak]) -> None:
    controller, kotak = smtp_server
    saluran = SaluranSMTP("127.0.0.1", controller.port, PENGIRIM, timeout=10)
    saluran.kirim(_pesan())
    (amplop,) = kotak.amplop
    assert amplop.mail_from == PENGIRIM
    assert sorted(amplop.rcpt_tos) == ["hendra.saputra@babelprov.go.id",
                                       "rina.marlina@babelprov.go.id"]
    msg = message_from_bytes(amplop.original_content or amplop.content, policy=policy.default)
    assert msg["Subject"] == _pesan().subjek
    assert msg["To"] == "rina.marlina@babelprov.go.id"
    assert msg["Cc"] == "hendra.saputra@babelprov.go.id"
    assert msg.get_content_charset() == "utf-8"
    assert msg.get_content().replace("\r\n", "\n") == ISI


def test_smtp_sends_the_attachment(smtp_server: tuple[Controller, _Kotak]) -> None:
    controller, kotak = smtp_server
    html = "<html><body>Laporan — lengkap</body></html>".encode()
    SaluranSMTP("127.0.0.1", controller.port, PENGIRIM, timeout=10).kirim(
        _pesan(lampiran=(Lampiran("laporan.html", "text/html", html),)))
    (amplop,) = kotak.amplop
    msg = message_from_bytes(amplop.original_content or amplop.content, policy=policy.default)
    [lampiran] = list(msg.iter_attachments())
    assert lampiran.get_filename() == "laporan.html"
    assert lampiran.get_content().encode() == html


def test_smtp_login_is_used_when_a_username_is_set() -> None:
    masuk: list[tuple[bytes, bytes]] = []

    def authenticator(server: object, session: object, envelope: object, mechanism: str,
                      auth_data: object) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        masuk.append((auth_data.login, auth_data.password))
        # handled=False: let the server answer 535 itself on failure.
        return AuthResult(success=auth_data.password == b"rahasia", handled=False)

    kotak = _Kotak()
    controller = _mulai(kotak, authenticator=authenticator, auth_require_tls=False)
    try:
        SaluranSMTP("127.0.0.1", controller.port, PENGIRIM, username="layanan",
                    password="rahasia", timeout=10).kirim(_pesan())
        assert len(kotak.amplop) == 1
        with pytest.raises(GagalMengirimPesan, match=f"Login ke server SMTP 127.0.0.1:"
                                                     f"{controller.port} ditolak"):
            SaluranSMTP("127.0.0.1", controller.port, PENGIRIM, username="layanan",
                        password="salah", timeout=10).kirim(_pesan())
    finally:
        controller.stop()
    assert masuk[0] == (b"layanan", b"rahasia")


def test_smtp_closed_port_is_an_indonesian_error() -> None:
    port = bantu.port_bebas()
    saluran = SaluranSMTP("127.0.0.1", port, PENGIRIM, timeout=5)
    with pytest.raises(GagalMengirimPesan, match=f"Gagal mengirim surel melalui server SMTP "
                                                 f"127.0.0.1:{port}: koneksi ditolak"):
        saluran.kirim(_pesan())


def test_smtp_without_recipients_is_refused_before_connecting() -> None:
    with pytest.raises(GagalMengirimPesan, match="tidak mempunyai penerima"):
        SaluranSMTP("127.0.0.1", bantu.port_bebas(), PENGIRIM).kirim(_pesan(kepada=(), tembusan=()))


# --- Choosing the channel -------------------------------------------------------------------

def test_saluran_dari_pengaturan(tmp_path: Path) -> None:
    berkas = saluran_dari_pengaturan(SimpleNamespace(  # type: ignore[arg-type]
        notifikasi="berkas", outbox_dir=tmp_path / "outbox", smtp_pengirim=PENGIRIM))
    assert isinstance(berkas, SaluranBerkas) and berkas.direktori == tmp_path / "outbox"
    assert berkas.pengirim == PENGIRIM

    class Rahasia:
        def get_secret_value(self) -> str:
            return "rahasia"

    smtp = saluran_dari_pengaturan(SimpleNamespace(  # type: ignore[arg-type]
        notifikasi="smtp", smtp_host="mail.babelprov.go.id", smtp_port=587,
        smtp_pengirim=PENGIRIM, smtp_user="layanan", smtp_password=Rahasia(),
        smtp_starttls=True))
    assert isinstance(smtp, SaluranSMTP)
    assert (smtp.host, smtp.port, smtp.username, smtp.password, smtp.starttls) == \
        ("mail.babelprov.go.id", 587, "layanan", "rahasia", True)
