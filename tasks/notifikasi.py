"""Notification channels: mail to officials and requesters, to files or over SMTP.

The development channel writes real RFC 5322 messages plus one JSON line per message to
``outbox.jsonl``; the demo's scripted officials and the tests read their codes from
there, exactly as a person reads their mail. Production sends the same message by SMTP.
A message may carry attachments (the ticket's report to the requester): both channels send
them as MIME parts; the JSON line names them (file name, type, size, SHA-256), never their
content.

Plain functions on purpose: the flows wrap them in tasks, so this module imports no Prefect.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from settings import Settings

NAMA_PENGIRIM = "Layanan Aplikasi Diskominfo Babel"
PENGIRIM_BAWAAN = "layanan-aplikasi@babelprov.go.id"
KOTAK_KELUAR = "outbox.jsonl"


class GagalMengirimPesan(RuntimeError):
    """A message could not be delivered; the text names the server for the operator."""


@dataclass(frozen=True)
class Lampiran:
    """One attached file: its name as the recipient sees it, its MIME type and content."""

    nama: str
    jenis_mime: str
    isi: bytes

    def ringkas(self) -> dict[str, object]:
        return {"nama": self.nama, "jenis": self.jenis_mime, "ukuran": len(self.isi),
                "sha256": hashlib.sha256(self.isi).hexdigest()}


@dataclass(frozen=True)
class Pesan:
    """One message: who, what, and which ticket it belongs to (for filtering and audit)."""

    kepada: tuple[str, ...]
    subjek: str
    isi: str
    jenis: str
    tiket: str | None
    tembusan: tuple[str, ...] = ()
    lampiran: tuple[Lampiran, ...] = ()

    def __post_init__(self) -> None:
        # Callers pass lists now and then (or values come back from JSON); keep it hashable.
        object.__setattr__(self, "kepada", _alamat(self.kepada))
        object.__setattr__(self, "tembusan", _alamat(self.tembusan))
        object.__setattr__(self, "lampiran", tuple(self.lampiran))


def _alamat(nilai: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(nilai, str):
        nilai = (nilai,)
    return tuple(dict.fromkeys(a.strip() for a in nilai if a and a.strip()))


class Saluran(Protocol):
    """Anything that can deliver a :class:`Pesan`."""

    def kirim(self, pesan: Pesan) -> None: ...


def _satu_baris(teks: str) -> str:
    """Header values must not carry line breaks (header injection, broken mail)."""
    return " ".join(teks.split())


def susun_email(pesan: Pesan, pengirim: str, waktu: datetime | None = None) -> EmailMessage:
    """The RFC 5322 message both channels send: UTF-8, quoted-printable, 7-bit clean."""
    waktu = waktu or datetime.now(UTC)
    nama, alamat = parseaddr(pengirim)
    msg = EmailMessage()
    msg["From"] = formataddr((nama or NAMA_PENGIRIM, alamat or pengirim))
    if pesan.kepada:
        msg["To"] = ", ".join(pesan.kepada)
    if pesan.tembusan:
        msg["Cc"] = ", ".join(pesan.tembusan)
    msg["Subject"] = _satu_baris(pesan.subjek)
    msg["Date"] = format_datetime(waktu)
    domain = (alamat or pengirim).rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring="lpa", domain=domain)
    if pesan.tiket:
        msg["X-LPA-Tiket"] = _satu_baris(pesan.tiket)
    msg["X-LPA-Jenis"] = _satu_baris(pesan.jenis)
    msg.set_content(pesan.isi, charset="utf-8", cte="quoted-printable")
    for lampiran in pesan.lampiran:
        utama, _, sub = lampiran.jenis_mime.partition("/")
        # text parts are UTF-8 (our reports); named so, or a reader would guess ASCII
        msg.add_attachment(lampiran.isi, maintype=utama or "application",
                           subtype=sub or "octet-stream",
                           filename=_satu_baris(lampiran.nama),
                           params={"charset": "utf-8"} if utama == "text" else None)
    return msg


def _aman_untuk_nama_berkas(teks: str) -> str:
    bersih = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in teks)
    return bersih.strip("._-") or "umum"


class SaluranBerkas:
    """Development channel: ``.eml`` files plus ``outbox.jsonl`` in one directory."""

    def __init__(self, direktori: Path, pengirim: str = PENGIRIM_BAWAAN) -> None:
        self.direktori = Path(direktori)
        self.pengirim = pengirim

    def kirim(self, pesan: Pesan) -> None:
        waktu = datetime.now(UTC)
        self.direktori.mkdir(parents=True, exist_ok=True)
        msg = susun_email(pesan, self.pengirim, waktu)
        nama = "-".join((
            waktu.strftime("%Y%m%dT%H%M%S%fZ"),
            _aman_untuk_nama_berkas(pesan.tiket or "umum"),
            _aman_untuk_nama_berkas(pesan.jenis),
            secrets.token_hex(4),
        )) + ".eml"
        # Written under a temporary name and renamed: a reader never sees half a message.
        sementara = self.direktori / f".{nama}.tmp"
        sementara.write_bytes(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
        os.replace(sementara, self.direktori / nama)
        # The JSON line goes last: once it is there, the whole message exists.
        baris = json.dumps({
            "waktu": waktu.isoformat(),
            "kepada": list(pesan.kepada),
            "tembusan": list(pesan.tembusan),
            "subjek": pesan.subjek,
            "isi": pesan.isi,
            "jenis": pesan.jenis,
            "tiket": pesan.tiket,
            "lampiran": [lampiran.ringkas() for lampiran in pesan.lampiran],
            "berkas": nama,
        }, ensure_ascii=False) + "\n"
        _tambahkan_baris(self.direktori / KOTAK_KELUAR, baris.encode("utf-8"))


def _tambahkan_baris(path: Path, data: bytes) -> None:
    """Append one line atomically w.r.t. other writers (threads and processes)."""
    with open(path, "ab", buffering=0) as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            tampilan = memoryview(data)
            while tampilan:
                ditulis = f.write(tampilan)
                tampilan = tampilan[ditulis or 0:]
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def baca_kotak_keluar(direktori: Path) -> list[dict]:
    """Every message in ``outbox.jsonl``, oldest first; an empty list when none was sent."""
    path = Path(direktori) / KOTAK_KELUAR
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below, after the lock
    except FileNotFoundError:
        return []
    with f:
        fcntl.flock(f.fileno(), fcntl.LOCK_SH)
        try:
            data = f.read()
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    baris = data.decode("utf-8").split("\n")
    # The last element is "" after a complete last line; anything else is unfinished.
    return [json.loads(b) for b in baris[:-1] if b.strip()]


class SaluranSMTP:
    """Production channel: send through the agency's SMTP relay."""

    def __init__(
        self,
        host: str,
        port: int,
        pengirim: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 30,
    ) -> None:
        self.host = host
        self.port = port
        self.pengirim = pengirim
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def kirim(self, pesan: Pesan) -> None:
        penerima = list(dict.fromkeys(pesan.kepada + pesan.tembusan))
        server = f"{self.host}:{self.port}"
        if not penerima:
            raise GagalMengirimPesan(
                f"Pesan '{pesan.subjek}' tidak mempunyai penerima; tidak dikirim ke {server}"
            )
        msg = susun_email(pesan, self.pengirim)
        amplop_dari = parseaddr(self.pengirim)[1] or self.pengirim
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                ditolak = smtp.send_message(msg, from_addr=amplop_dari, to_addrs=penerima)
        except smtplib.SMTPAuthenticationError as exc:
            raise GagalMengirimPesan(
                f"Login ke server SMTP {server} ditolak untuk pengguna {self.username!r}: "
                f"{_uraian(exc)}"
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise GagalMengirimPesan(
                f"Server SMTP {server} menolak semua penerima: {', '.join(exc.recipients)}"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise GagalMengirimPesan(
                f"Gagal mengirim surel melalui server SMTP {server}: {_uraian(exc)}"
            ) from exc
        if ditolak:
            raise GagalMengirimPesan(
                f"Server SMTP {server} menolak sebagian penerima: {', '.join(ditolak)}"
            )


def _uraian(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        pesan = exc.smtp_error
        teks = pesan.decode("utf-8", "replace") if isinstance(pesan, bytes) else str(pesan)
        return f"{exc.smtp_code} {teks}"
    if isinstance(exc, ConnectionRefusedError):
        return "koneksi ditolak (server tidak berjalan atau port salah)"
    if isinstance(exc, TimeoutError):
        return "waktu tunggu habis"
    return str(exc) or type(exc).__name__


def saluran_dari_pengaturan(settings: Settings) -> Saluran:
    """The channel the settings ask for: 'berkas' (development) or 'smtp'."""
    if settings.notifikasi == "berkas":
        return SaluranBerkas(settings.outbox_dir, settings.smtp_pengirim)
    if settings.notifikasi == "smtp":
        password = settings.smtp_password
        return SaluranSMTP(
            host=settings.smtp_host,
            port=settings.smtp_port,
            pengirim=settings.smtp_pengirim,
            username=settings.smtp_user,
            password=password.get_secret_value() if password is not None else None,
            starttls=settings.smtp_starttls,
        )
    raise ValueError(
        f"Saluran notifikasi tidak dikenal: {settings.notifikasi!r} (pilih 'berkas' atau 'smtp')"
    )
