"""The organisation roster: who holds each post of the SOP, and so who may decide.

Prefect OSS knows no users, so a suspended approval step cannot ask "who is logged in".
Instead the roster names the holder of every post; a decision is accepted only from the
holder :meth:`Roster.pemegang_langkah` names *at the moment of the decision* (with the
one-time code sent to that holder). A step that waits while the roster changes passes to
the new holder (tasks/keputusan: a new code to them, the old one void).

Acting holders follow Indonesian civil-service practice: a Plh. (pelaksana harian, short
absence) takes precedence over a Plt. (pelaksana tugas, vacancy or long absence), who takes
precedence over the definitif holder. Deactivating an entry (``aktif: false``) ends it.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    StringConstraints,
    ValidationError,
    model_validator,
)

from domain.sop import Peran

PERAN_WAJIB: tuple[Peran, ...] = (
    Peran.KEPALA_DINAS,
    Peran.KABID_EGOV,
    Peran.PRANATA_KOMPUTER,
    Peran.PETUGAS_SERVICE_DESK,
)
"""Posts that must always have an active holder, or some step could wait for nobody."""

PERAN_JAMAK: frozenset[Peran] = frozenset({Peran.PETUGAS_SERVICE_DESK})
"""Posts held by several people at once; tickets are shared out among them."""

_URUTAN_STATUS: tuple[str, ...] = ("plh", "plt", "definitif")
"""Precedence of holders: the first non-empty group decides."""

_LABEL_STATUS = {"plh": "Plh.", "plt": "Plt.", "definitif": "definitif"}


class RosterTidakSah(ValueError):
    """The roster file or data is invalid; the message is for people (Bahasa Indonesia)."""


def _normalisasi_nip(nilai: Any) -> Any:
    """Accept NIPs written in the usual groups ("19850312 201001 1 004")."""
    if isinstance(nilai, int) and not isinstance(nilai, bool):
        nilai = str(nilai)
    if not isinstance(nilai, str):
        raise ValueError("NIP harus berupa teks 18 angka")
    nip = "".join(nilai.split())
    if len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        raise ValueError(f"NIP harus 18 angka, bukan {nilai!r}")
    return nip


NipRoster = Annotated[str, BeforeValidator(_normalisasi_nip)]
"""An 18-digit NIP (whitespace removed). The full PNS structure check lives elsewhere."""


class Pejabat(BaseModel):
    """One person holding one post (a person acting in a second post has two entries)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    peran: Peran
    nip: NipRoster
    nama: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    email: EmailStr
    status: Literal["definitif", "plt", "plh"] = "definitif"
    aktif: bool = True

    @property
    def sebutan(self) -> str:
        """How the post is named in letters: "Plt. Kepala Dinas Kominfo"."""
        if self.status == "definitif":
            return self.peran.label
        return f"{_LABEL_STATUS[self.status]} {self.peran.label}"


def _skor(kunci: str, nip: str) -> int:
    """A stable per-(ticket, officer) weight; never Python's per-process salted hash()."""
    digest = hashlib.sha256(f"{kunci}\x00{nip}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


class Roster(BaseModel):
    """Everybody who may act in the SOP, validated so every step has somebody to ask."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pejabat: list[Pejabat]

    @model_validator(mode="after")
    def _periksa(self) -> Roster:
        for p in self.pejabat:
            if p.peran is Peran.OPD:
                raise ValueError(
                    f"{p.nama} (NIP {p.nip}): peran '{p.peran.value}' tidak dicatat dalam "
                    "roster; pemohon ditentukan oleh formulir permohonan"
                )
        kosong = [
            peran.label for peran in PERAN_WAJIB
            if not any(p.aktif and p.peran is peran for p in self.pejabat)
        ]
        if kosong:
            raise ValueError(
                "Roster tidak lengkap: tidak ada pemegang aktif untuk jabatan "
                + ", ".join(kosong)
            )
        definitif: dict[str, Peran] = {}
        for p in self.pejabat:
            if p.status != "definitif":
                continue
            lain = definitif.setdefault(p.nip, p.peran)
            if lain is not p.peran:
                raise ValueError(
                    f"NIP {p.nip} ({p.nama}) tercatat definitif pada dua jabatan: "
                    f"{lain.label} dan {p.peran.label}; jabatan kedua harus berstatus "
                    "plt atau plh"
                )
        for peran in Peran:
            if peran in PERAN_JAMAK:
                continue
            for status in _URUTAN_STATUS:
                aktif = [p for p in self.pejabat
                         if p.aktif and p.peran is peran and p.status == status]
                if len({p.nip for p in aktif}) > 1:
                    nama = ", ".join(f"{p.nama} (NIP {p.nip})" for p in aktif)
                    raise ValueError(
                        f"Jabatan {peran.label} hanya boleh dipegang satu orang "
                        f"{_LABEL_STATUS[status]} yang aktif, tercatat: {nama}"
                    )
        return self

    def _kandidat(self, peran: Peran) -> list[Pejabat]:
        """Active holders of the highest-precedence status present (plh > plt > definitif)."""
        for status in _URUTAN_STATUS:
            calon = [p for p in self.pejabat if p.aktif and p.peran is peran and p.status == status]
            if calon:
                return calon
        return []

    def pemegang(self, peran: Peran, kunci: str = "") -> Pejabat:
        """Who decides for ``peran`` now; ``kunci`` (the ticket number) shares out officers.

        Several officers are chosen by rendezvous hashing on (kunci, NIP): the same ticket
        always gets the same officer, whatever the order of the file, and adding or
        deactivating one officer moves only that officer's share of tickets.
        """
        calon = self._kandidat(peran)
        if not calon:
            raise RosterTidakSah(f"Tidak ada pemegang aktif untuk jabatan {peran.label}")
        if len(calon) == 1:
            return calon[0]
        return max(calon, key=lambda p: (_skor(kunci, p.nip), p.nip))

    def atasan(self, peran: Peran, kunci: str = "") -> Pejabat | None:
        """The escalation target: the holder of the superior post, None at the top."""
        if peran.atasan is None:
            return None
        return self.pemegang(peran.atasan, kunci)

    def pemegang_langkah(self, peran: Peran, kunci: str = "",
                         ditugaskan: str | None = None) -> Pejabat:
        """Who may decide a step of ``peran`` for ticket ``kunci`` now.

        ``ditugaskan`` is the NIP the waiting step is assigned to. A post held by one person
        goes to :meth:`pemegang`, so a Plh. appointed while a step waits takes it over, and
        the replaced official loses it. A post shared by several officers keeps its ticket
        with the assigned officer while that officer is still among the holders who act
        (adding an officer moves no waiting ticket); otherwise :meth:`pemegang` picks.
        """
        if ditugaskan and peran in PERAN_JAMAK:
            for p in self._kandidat(peran):
                if p.nip == ditugaskan:
                    return p
        return self.pemegang(peran, kunci)

    def boleh_memutus(self, peran: Peran, nip: str, kunci: str = "",
                      ditugaskan: str | None = None) -> bool:
        """True only for the holder :meth:`pemegang_langkah` names (not a replaced one)."""
        try:
            nip_bersih = _normalisasi_nip(nip)
            return self.pemegang_langkah(peran, kunci, ditugaskan).nip == nip_bersih
        except ValueError:
            return False

    @classmethod
    def from_yaml_text(cls, text: str) -> Roster:
        """Parse the roster file; errors name the entry (1-based and its line) and field."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise RosterTidakSah(f"Berkas roster bukan YAML yang sah: {exc}") from None
        if not isinstance(data, dict) or "pejabat" not in data:
            raise RosterTidakSah(
                "Berkas roster harus berisi kunci 'pejabat' dengan daftar pemegang jabatan"
            )
        if not isinstance(data["pejabat"], list):
            raise RosterTidakSah("'pejabat' dalam berkas roster harus berupa daftar")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise RosterTidakSah(_uraikan_galat(exc, _baris_entri(text))) from None


_PESAN_GALAT = {
    "missing": "wajib diisi",
    "extra_forbidden": "kolom tidak dikenal",
    "string_type": "harus berupa teks",
    "string_too_short": "tidak boleh kosong",
    "string_too_long": "terlalu panjang",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "model_type": "harus berupa pemetaan kolom: nilai",
    "list_type": "harus berupa daftar",
    "dict_type": "harus berupa pemetaan kolom: nilai",
}


def _terjemahkan(err: Any) -> str:
    """Pydantic's English message in Bahasa Indonesia (our own validators already are)."""
    jenis = err["type"]
    if jenis in _PESAN_GALAT:
        return _PESAN_GALAT[jenis]
    if jenis == "enum":
        return "harus salah satu dari: " + ", ".join(p.value for p in PERAN_WAJIB)
    if jenis == "literal_error":
        return "harus salah satu dari: " + ", ".join(_URUTAN_STATUS)
    if jenis == "value_error":
        pesan = str(err.get("ctx", {}).get("error", err["msg"]))
        if err["loc"] and err["loc"][-1] == "email":
            return f"alamat surel tidak sah ({err.get('input')!r})"
        return pesan
    return err["msg"]


def _baris_entri(text: str) -> list[int]:
    """Line numbers of the entries of 'pejabat', for messages a person can act on."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for kunci, nilai in node.value:
        if kunci.value == "pejabat" and isinstance(nilai, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in nilai.value]
    return []


def _uraikan_galat(exc: ValidationError, baris: list[int]) -> str:
    """One Indonesian line per problem: "entri ke-2 (baris 14), kolom 'email': ..."."""
    bagian = []
    for err in exc.errors():
        loc = err["loc"]
        pesan = _terjemahkan(err)
        if len(loc) >= 2 and loc[0] == "pejabat" and isinstance(loc[1], int):
            indeks = loc[1]
            tempat = f"entri pejabat ke-{indeks + 1}"
            if indeks < len(baris):
                tempat += f" (baris {baris[indeks]})"
            if len(loc) > 2:
                tempat += f", kolom '{'.'.join(str(x) for x in loc[2:])}'"
            bagian.append(f"{tempat}: {pesan}")
        elif loc:
            bagian.append(f"kolom '{'.'.join(str(x) for x in loc)}': {pesan}")
        else:
            bagian.append(pesan)
    if all(not err["loc"] for err in exc.errors()):
        return "; ".join(bagian)
    return "Roster tidak sah: " + "; ".join(bagian)
