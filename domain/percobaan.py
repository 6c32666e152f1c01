"""Attempts at deciding a waiting step: why one is refused, and when a step is locked.

A NIP is no secret and a decision code is eight characters from 31 (about 40 bits). What
keeps guessing hopeless is the lockout: after ``maks`` wrong attempts on one step (a NIP
that is not the assignee's, or a code that does not match) every attempt on that step is
refused for ``durasi``, even with the right code, and the official and their superior are
told by mail. Attempts count from the moment the step's code was issued, and again from
zero when a lockout ends; refusals during a lockout do not prolong it.

An attempt is charged to the step it was made for: the step that waited when the person
asked (``lpa decide`` binds it to that step record), or, for a code that already decided
an earlier step of the ticket, to that earlier step ("kode sudah dipakai"), never to
whatever step happens to wait next.

Who may decide is who holds the post when the attempt is judged: a step that waited while
the roster changed was passed to the new holder first (tasks/keputusan), so an attempt by
the official it was taken from is refused as ``langkah_dialihkan`` (not a guess: it does not
count towards the lockout), and their code no longer matches.

Pure rules; tasks/keputusan.py reads the attempts from the audit log and records new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.kode import kode_cocok
from domain.pesan import format_waktu_wib


class Penolakan(StrEnum):
    """Why an attempt was refused (stored as ``jenis`` in the ``keputusan_ditolak`` event)."""

    NIP_SALAH = "nip_salah"
    KODE_SALAH = "kode_salah"
    TERKUNCI = "terkunci"
    KODE_DIPAKAI = "kode_sudah_dipakai"
    CATATAN_KOSONG = "catatan_kosong"
    DIALIHKAN = "langkah_dialihkan"


ALASAN: dict[Penolakan, str] = {
    Penolakan.NIP_SALAH: "NIP bukan milik pejabat yang ditugaskan untuk langkah ini",
    Penolakan.KODE_SALAH: "kode keputusan salah",
    Penolakan.TERKUNCI: "langkah terkunci",
    Penolakan.KODE_DIPAKAI: "kode sudah dipakai",
    Penolakan.CATATAN_KOSONG: "catatan wajib diisi bila menolak atau mengembalikan",
    Penolakan.DIALIHKAN: "langkah dialihkan kepada pemegang jabatan yang baru",
}
"""The reason as audited (``alasan``): short, fixed texts an auditor can count."""

SALAH = frozenset({Penolakan.NIP_SALAH, Penolakan.KODE_SALAH})
"""The refusals that count towards a lockout (a guess at who or what the code is)."""


def jenis_dari_catatan(detail: Mapping[str, Any]) -> Penolakan | None:
    """The refusal kind of an audited refusal, also of one written before kinds were kept."""
    jenis = detail.get("jenis")
    if jenis:
        try:
            return Penolakan(jenis)
        except ValueError:
            return None
    alasan = detail.get("alasan", "")
    return next((j for j, teks in ALASAN.items() if teks == alasan), None)


@dataclass(frozen=True)
class Percobaan:
    """One refused attempt on a step, as far as the lockout is concerned."""

    at: datetime
    jenis: Penolakan | None


@dataclass(frozen=True)
class Kunci:
    """The lockout state of one step at one moment."""

    salah: int
    """Wrong attempts counted since the code was issued or the last lockout ended."""
    sampai: datetime | None
    """End of the lockout in force, None when the step is not locked."""

    @property
    def terkunci(self) -> bool:
        return self.sampai is not None


def keadaan_kunci(percobaan: Iterable[Percobaan], sekarang: datetime, maks: int,
                  durasi: timedelta, sejak: datetime | None = None) -> Kunci:
    """Replay the step's refusals (from ``sejak``, when its code was issued) up to ``sekarang``.

    The ``maks``-th wrong attempt locks the step for ``durasi`` from that attempt; attempts
    during the lockout are refused without counting; when it ends the count starts again.
    """
    salah = 0
    sampai: datetime | None = None
    for p in sorted(percobaan, key=lambda p: p.at):
        if sejak is not None and p.at < sejak:
            continue
        if p.at > sekarang:
            break
        if sampai is not None:
            if p.at < sampai:
                continue
            sampai, salah = None, 0
        if p.jenis in SALAH:
            salah += 1
            if salah >= maks:
                sampai, salah = p.at + durasi, 0
    if sampai is not None and sekarang >= sampai:
        sampai, salah = None, 0
    return Kunci(salah, sampai)


def mulai_terkunci(percobaan: Sequence[Percobaan], baru: Percobaan, maks: int,
                   durasi: timedelta, sejak: datetime | None = None) -> datetime | None:
    """When recording ``baru`` starts a lockout: its end; None otherwise (once per lockout)."""
    sebelum = keadaan_kunci(percobaan, baru.at, maks, durasi, sejak)
    if sebelum.terkunci:
        return None
    sesudah = keadaan_kunci([*percobaan, baru], baru.at, maks, durasi, sejak)
    return sesudah.sampai


@dataclass(frozen=True)
class LangkahKode:
    """What an attempt is checked against: one step record of the ticket."""

    step_id: int
    assignee_nip: str | None
    code_hash: str | None
    selesai: bool
    mantan_nip: frozenset[str] = frozenset()
    """Officials the step was assigned to before it passed to ``assignee_nip``."""


@dataclass(frozen=True)
class Putusan:
    """The verdict on one attempt: refused (and why) or not, and the step it is charged to."""

    jenis: Penolakan | None
    step_id: int

    @property
    def diterima(self) -> bool:
        return self.jenis is None


def bersihkan_nip(nip: Any) -> str:
    return "".join(str(nip or "").split())


def putuskan(nip: str, kode: str, keputusan: str, catatan: str, sasaran: LangkahKode,
             lainnya: Sequence[LangkahKode], kunci: Kunci,
             cocok: Callable[[str, str], bool] = kode_cocok) -> Putusan:
    """Judge one attempt on ``sasaran``, the step it was made for.

    In this order: a locked step refuses everything (no code is even hashed); the
    assignee's NIP with the step's code passes (if a refusal or return carries its note);
    a code that decided one of ``lainnya`` (the ticket's finished steps) with that step's
    assignee NIP is "used" and charged to that step; an official the step was taken from
    (roster changed) is told so; else a wrong NIP or a wrong code.
    """
    nip = bersihkan_nip(nip)
    if sasaran.selesai:
        # The step was decided while this attempt was on its way.
        if _milik(nip, kode, sasaran, cocok):
            return Putusan(Penolakan.KODE_DIPAKAI, sasaran.step_id)
    elif kunci.terkunci:
        return Putusan(Penolakan.TERKUNCI, sasaran.step_id)
    elif _milik(nip, kode, sasaran, cocok):
        if keputusan in ("tolak", "kembalikan") and not (catatan or "").strip():
            return Putusan(Penolakan.CATATAN_KOSONG, sasaran.step_id)
        return Putusan(None, sasaran.step_id)
    for langkah in lainnya:
        if langkah.selesai and langkah.step_id != sasaran.step_id and \
                _milik(nip, kode, langkah, cocok):
            return Putusan(Penolakan.KODE_DIPAKAI, langkah.step_id)
    if nip and nip != sasaran.assignee_nip and nip in sasaran.mantan_nip:
        return Putusan(Penolakan.DIALIHKAN, sasaran.step_id)
    if not sasaran.assignee_nip or nip != sasaran.assignee_nip:
        return Putusan(Penolakan.NIP_SALAH, sasaran.step_id)
    return Putusan(Penolakan.KODE_SALAH, sasaran.step_id)


def _milik(nip: str, kode: str, langkah: LangkahKode,
           cocok: Callable[[str, str], bool]) -> bool:
    return bool(langkah.assignee_nip and nip == langkah.assignee_nip and langkah.code_hash
                and cocok(kode, langkah.code_hash))


def pesan_penolakan(jenis: Penolakan, kunci: Kunci, maks: int, durasi: timedelta,
                    kunci_baru: datetime | None = None, pemegang: str | None = None) -> str:
    """What the person deciding is told (Bahasa Indonesia), after "Keputusan ditolak: ".

    ``pemegang`` names who holds the step now (for a refusal because it passed to them).
    """
    menit = _menit(durasi)
    if jenis is Penolakan.DIALIHKAN:
        kepada = f" ({pemegang})" if pemegang else ""
        return (f"{ALASAN[jenis]}{kepada} sesuai roster; kode yang dikirim kepada Anda tidak "
                "berlaku lagi")
    if kunci_baru is not None:
        return (f"{ALASAN[jenis]}; {maks} percobaan salah berturut-turut: langkah dikunci "
                f"sampai {format_waktu_wib(kunci_baru)}, pejabat dan atasannya diberi tahu "
                "melalui surel")
    if jenis is Penolakan.TERKUNCI and kunci.sampai is not None:
        return (f"langkah terkunci sampai {format_waktu_wib(kunci.sampai)} setelah {maks} "
                "percobaan salah; kode yang benar pun ditolak selama terkunci")
    if jenis is Penolakan.KODE_DIPAKAI:
        return "kode sudah dipakai: langkah yang menjadi tujuan kode ini sudah diputus"
    if jenis in SALAH:
        sisa = max(0, maks - kunci.salah)
        return (f"{ALASAN[jenis]} (sisa {sisa} percobaan sebelum langkah dikunci "
                f"{menit} menit)")
    return ALASAN[jenis]


RINGKAS: dict[Penolakan, str] = {
    Penolakan.NIP_SALAH: "NIP bukan pemegang jabatan ini",
    Penolakan.KODE_SALAH: "kode salah",
    Penolakan.TERKUNCI: "langkah sempat terkunci; penguncian telah berakhir",
    Penolakan.KODE_DIPAKAI: "kode sudah dipakai",
    Penolakan.CATATAN_KOSONG: "catatan wajib diisi bila menolak atau mengembalikan",
    Penolakan.DIALIHKAN: "langkah dialihkan kepada pemegang jabatan yang baru; kode lama "
                         "tidak berlaku",
}
"""The reason in a few words, for the resume dialog."""


def pukul_wib(dt: datetime) -> str:
    """"10.45 WIB": a time of day in WIB, for a lockout of minutes."""
    return format_waktu_wib(dt).rsplit("pukul ", 1)[1]


def ringkasan_penolakan(jumlah: int, terakhir: Penolakan | None, kunci: Kunci,
                        maks: int) -> str | None:
    """The line above the resume form after refused attempts: how many, and why the last
    one was refused (NIP, code, lockout, used code), so the person knows what to fix."""
    if not jumlah:
        return None
    awal = f"Percobaan sebelumnya ditolak ({jumlah}x)"
    if kunci.terkunci and kunci.sampai is not None:
        return (f"{awal}: langkah terkunci sampai {pukul_wib(kunci.sampai)} setelah {maks} "
                "percobaan salah; kode yang benar pun ditolak sampai saat itu.")
    sebab = RINGKAS.get(terakhir) if terakhir is not None else None
    teks = f"{awal}: {sebab}." if sebab else f"{awal}."
    if terakhir in SALAH:
        teks += f" Sisa {max(0, maks - kunci.salah)} percobaan sebelum langkah dikunci."
    return teks


def _menit(durasi: timedelta) -> str:
    menit = durasi.total_seconds() / 60
    return f"{menit:g}"
