"""The outline of a "Spesifikasi Kebutuhan Aplikasi" (SKPL) and a check of a document against it.

The catalog SC-04/EGOTIK/2023, "FORMAT SPESIFIKASI KEBUTUHAN APLIKASI", part II
"SISTEMATIKA", prescribes the outline below. A development request may carry the text of its
SKPL; ``periksa_skpl`` tells the officer which parts of that outline the text has headings for.

Matching is tolerant, as real documents are: numbering is optional and may be written
"1.1", "1.1.", "1.1)", "I.", "BAB I"; case, extra whitespace, Markdown ``#`` headings, bold
markers and a few common wording variants ("Kebutuhan Data" for "Data Requirement",
"Traceability" for "Kerunutan") are accepted. A number that agrees with the outline only
breaks ties between titles; a title is always needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class BagianSkpl:
    """One entry of the catalog's SKPL outline."""

    nomor: str
    judul: str

    @property
    def label(self) -> str:
        return f"{self.nomor} {self.judul}"

    @property
    def tingkat(self) -> int:
        """1 for a chapter, 2 for a section, 3 for a subsection."""
        return self.nomor.count(".") + 1


OUTLINE_SKPL: tuple[BagianSkpl, ...] = (
    BagianSkpl("1", "Pendahuluan"),
    BagianSkpl("1.1", "Latar Belakang"),
    BagianSkpl("1.2", "Maksud dan Tujuan"),
    BagianSkpl("2", "Deskripsi Umum Aplikasi"),
    BagianSkpl("2.1", "Deskripsi"),
    BagianSkpl("2.2", "Fungsi"),
    BagianSkpl("2.3", "Lingkungan Operasi"),
    BagianSkpl("2.4", "Karakteristik Pengguna"),
    BagianSkpl("3", "Deskripsi Umum Kebutuhan"),
    BagianSkpl("3.1", "Kebutuhan Antarmuka Eksternal"),
    BagianSkpl("3.1.1", "Antarmuka Pemakai"),
    BagianSkpl("3.1.2", "Antarmuka Perangkat Keras"),
    BagianSkpl("3.1.3", "Antarmuka Perangkat Lunak"),
    BagianSkpl("3.1.4", "Antarmuka Komunikasi"),
    BagianSkpl("3.2", "Deskripsi Kebutuhan Fungsional"),
    BagianSkpl("3.2.1", "Rancangan Solusi Teknis"),
    BagianSkpl("3.2.2", "Data Requirement"),
    BagianSkpl("3.3", "Deskripsi Kebutuhan Nonfungsional"),
    BagianSkpl("3.4", "Batasan Perancangan"),
    BagianSkpl("3.5", "Kerunutan (Traceability)"),
    BagianSkpl("3.6", "Ringkasan Kebutuhan"),
    BagianSkpl("3.6.1", "Ringkasan Kebutuhan Fungsional"),
    BagianSkpl("3.6.2", "Ringkasan Kebutuhan Nonfungsional"),
    BagianSkpl("4", "Penutup"),
)
"""SC-04/EGOTIK/2023, Format Spesifikasi Kebutuhan Aplikasi, II. Sistematika."""

_VARIAN: dict[str, tuple[str, ...]] = {
    # Wording that means the same heading; the catalog's title is always accepted too.
    "1": ("pendahuluan", "introduction"),
    "1.1": ("latar belakang", "background"),
    "1.2": ("maksud dan tujuan", "tujuan dan maksud", "maksud tujuan", "tujuan"),
    "2": ("deskripsi umum aplikasi", "gambaran umum aplikasi", "deskripsi aplikasi umum"),
    "2.1": ("deskripsi", "deskripsi aplikasi", "gambaran umum"),
    "2.2": ("fungsi", "fungsi aplikasi", "fungsi produk"),
    "2.3": ("lingkungan operasi", "lingkungan operasional", "operating environment"),
    "2.4": ("karakteristik pengguna", "karakteristik pemakai", "user characteristics"),
    "3": ("deskripsi umum kebutuhan", "gambaran umum kebutuhan"),
    "3.1": ("kebutuhan antarmuka eksternal", "antarmuka eksternal",
            "external interface requirements"),
    "3.1.1": ("antarmuka pemakai", "antarmuka pengguna", "user interface",
              "user interfaces"),
    "3.1.2": ("antarmuka perangkat keras", "hardware interface", "hardware interfaces"),
    "3.1.3": ("antarmuka perangkat lunak", "software interface", "software interfaces"),
    "3.1.4": ("antarmuka komunikasi", "communication interface",
              "communications interfaces", "communication interfaces"),
    "3.2": ("deskripsi kebutuhan fungsional", "kebutuhan fungsional",
            "functional requirements"),
    "3.2.1": ("rancangan solusi teknis", "solusi teknis", "rancangan solusi"),
    "3.2.2": ("data requirement", "data requirements", "kebutuhan data"),
    "3.3": ("deskripsi kebutuhan nonfungsional", "kebutuhan nonfungsional",
            "non functional requirements", "nonfunctional requirements"),
    "3.4": ("batasan perancangan", "batasan desain", "batasan rancangan",
            "kendala perancangan", "design constraints"),
    "3.5": ("kerunutan", "traceability", "kerunutan traceability", "keterlacakan",
            "ketertelusuran", "matriks kerunutan"),
    "3.6": ("ringkasan kebutuhan",),
    "3.6.1": ("ringkasan kebutuhan fungsional",),
    "3.6.2": ("ringkasan kebutuhan nonfungsional",),
    "4": ("penutup", "kesimpulan dan penutup"),
}

_KATA_TAMBAHAN_MAKS = 3
"""A heading may add this many words after a known title ("Latar Belakang Masalah")."""


@dataclass(frozen=True)
class TemuanBagian:
    """Whether, and where, one outline entry was found."""

    bagian: BagianSkpl
    ditemukan: bool
    baris: int | None = None
    """1-based line of the heading in the text."""
    judul_dokumen: str | None = None
    """The heading as written in the document."""


@dataclass(frozen=True)
class HasilPeriksaSkpl:
    bagian: list[TemuanBagian]
    """Every outline entry, in the catalog's order."""
    ditemukan: list[BagianSkpl]
    tidak_ditemukan: list[BagianSkpl]
    tidak_berurutan: list[BagianSkpl]
    """Entries found, but not in the catalog's order relative to the others."""
    lengkap: bool
    """Every outline entry has a heading."""
    urutan_sesuai: bool
    skor: float
    """Fraction of outline entries found, 0.0-1.0."""
    ringkasan: str
    """One sentence in Bahasa Indonesia for the officer."""


# --- reading headings ---------------------------------------------------------------------

_ROMAWI = {"i": 1, "v": 5, "x": 10, "l": 50}
_PENOMORAN = re.compile(
    r"""^(?:(?:bab|bagian|chapter)\s+)?          # "BAB I", "Bagian 2"
        (?P<nomor>(?:\d+|[ivxl]+|[a-z])          # 1 / I / a
           (?:\s*[.,\-]\s*(?:\d+|[ivxl]+))*)     # .1 / -1 / .II
        (?:\s*[.):\-]\s*|\s+)                    # "1." / "1)" / "1 -" / "1 "
    """,
    re.IGNORECASE | re.VERBOSE,
)
_PEMIMPIN_DAFTAR_ISI = re.compile(r"(\.\s*){4,}|…{2,}|_{4,}")


@dataclass(frozen=True)
class _Judul:
    baris: int
    asli: str
    nomor: tuple[int, ...] | None
    bentuk: tuple[str, ...]
    """Normalized forms of the title: whole, and without parenthesised parts."""


def _romawi(teks: str) -> int | None:
    teks = teks.lower()
    if not teks or any(c not in _ROMAWI for c in teks):
        return None
    total = 0
    for i, c in enumerate(teks):
        nilai = _ROMAWI[c]
        if i + 1 < len(teks) and _ROMAWI[teks[i + 1]] > nilai:
            total -= nilai
        else:
            total += nilai
    return total


def _urai_nomor(teks: str) -> tuple[int, ...] | None:
    hasil = []
    for bagian in re.split(r"\s*[.,\-]\s*", teks.strip()):
        if bagian.isdigit():
            hasil.append(int(bagian))
        elif (angka := _romawi(bagian)) is not None:
            hasil.append(angka)
        else:
            return None  # a letter ("A.") numbers a heading without telling which
    return tuple(hasil) or None


def normalisasi(teks: str) -> str:
    """Lower case, punctuation to spaces, common spelling variants unified."""
    teks = teks.lower().replace("&", " dan ")
    teks = re.sub(r"[^\w\s]|_", " ", teks)
    teks = " ".join(teks.split())
    teks = re.sub(r"\bantar muka\b", "antarmuka", teks)
    teks = re.sub(r"\bnon (fungsional|functional)\b", r"non\1", teks)
    return teks


def _bentuk(judul: str) -> tuple[str, ...]:
    utuh = normalisasi(judul)
    tanpa_kurung = normalisasi(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", judul))
    return tuple(dict.fromkeys(b for b in (utuh, tanpa_kurung) if b))


def _judul_judul(teks: str) -> list[_Judul]:
    """Every line that could be a heading, with its number (if any) and title."""
    hasil = []
    for i, mentah in enumerate(teks.splitlines(), start=1):
        baris = mentah.strip()
        if not baris or baris.startswith("|") or _PEMIMPIN_DAFTAR_ISI.search(baris):
            continue  # table rows and table-of-contents lines are not headings
        markdown = baris.startswith("#")
        baris = baris.lstrip("#").strip()
        baris = re.sub(r"^[-*+>]\s+", "", baris)  # list bullets, quotes
        baris = baris.replace("**", "").replace("__", "").strip("*_` \t")
        nomor = None
        cocok = _PENOMORAN.match(baris + " ")
        if cocok:
            nomor = _urai_nomor(cocok.group("nomor"))
            sisa, bernomor = (baris + " ")[cocok.end():], True
        else:
            sisa, bernomor = baris, False
        sisa = sisa.strip().rstrip(":.").strip()
        if ":" in sisa and not (markdown or bernomor):
            continue  # "Fungsi: mencatat ..." is a line of text, not a heading
        bentuk = _bentuk(sisa)
        if bentuk:
            hasil.append(_Judul(i, mentah.strip(), nomor, bentuk))
    return hasil


def _nomor_bagian(bagian: BagianSkpl) -> tuple[int, ...]:
    return tuple(int(n) for n in bagian.nomor.split("."))


_ALIAS: dict[str, tuple[str, ...]] = {
    b.nomor: tuple(dict.fromkeys((*_bentuk(b.judul), *_VARIAN.get(b.nomor, ()))))
    for b in OUTLINE_SKPL
}


def _skor(judul: _Judul, bagian: BagianSkpl) -> int:
    """4 for the exact title, 1 for the title followed by a few words; +2 if numbered alike.

    An exact title outweighs a loose one with the right number: the words say more than the
    numbering, which documents often shift.
    """
    nilai = 0
    for alias in _ALIAS[bagian.nomor]:
        for bentuk in judul.bentuk:
            if bentuk == alias:
                nilai = max(nilai, 4)
            elif (bentuk.startswith(alias + " ")
                  and len(bentuk.split()) - len(alias.split()) <= _KATA_TAMBAHAN_MAKS):
                nilai = max(nilai, 1)
    if nilai and judul.nomor == _nomor_bagian(bagian):
        nilai += 2
    return nilai


def _cocokkan(judul_judul: list[_Judul]) -> dict[str, _Judul]:
    """Outline number → the first heading that names it."""
    ditemukan: dict[str, _Judul] = {}
    for judul in judul_judul:
        skor = {b.nomor: _skor(judul, b) for b in OUTLINE_SKPL}
        tertinggi = max(skor.values())
        if tertinggi == 0:
            continue
        calon = [b for b in OUTLINE_SKPL if skor[b.nomor] == tertinggi]
        # Among equals, the first outline entry not yet found.
        belum = [b for b in calon if b.nomor not in ditemukan]
        if belum:
            ditemukan[belum[0].nomor] = judul
    return ditemukan


def _terurut_terpanjang(posisi: list[int]) -> set[int]:
    """Indices (into ``posisi``) of one longest strictly increasing subsequence."""
    n = len(posisi)
    panjang = [1] * n
    sebelum = [-1] * n
    for i in range(n):
        for j in range(i):
            if posisi[j] < posisi[i] and panjang[j] + 1 > panjang[i]:
                panjang[i], sebelum[i] = panjang[j] + 1, j
    if not n:
        return set()
    i = max(range(n), key=lambda k: (panjang[k], -k))
    hasil = set()
    while i != -1:
        hasil.add(i)
        i = sebelum[i]
    return hasil


# --- the check ----------------------------------------------------------------------------

def periksa_skpl(teks: str) -> HasilPeriksaSkpl:
    """Which parts of the catalog's SKPL outline ``teks`` has headings for, and in what order."""
    kosong = not (teks or "").strip()
    cocok = {} if kosong else _cocokkan(_judul_judul(teks))

    bagian = [
        TemuanBagian(b, True, cocok[b.nomor].baris, cocok[b.nomor].asli)
        if b.nomor in cocok else TemuanBagian(b, False)
        for b in OUTLINE_SKPL
    ]
    ditemukan = [t.bagian for t in bagian if t.ditemukan]
    tidak_ditemukan = [t.bagian for t in bagian if not t.ditemukan]
    posisi = [cocok[b.nomor].baris for b in ditemukan]
    terurut = _terurut_terpanjang(posisi)
    tidak_berurutan = [b for i, b in enumerate(ditemukan) if i not in terurut]

    total = len(OUTLINE_SKPL)
    skor = len(ditemukan) / total
    return HasilPeriksaSkpl(
        bagian=bagian,
        ditemukan=ditemukan,
        tidak_ditemukan=tidak_ditemukan,
        tidak_berurutan=tidak_berurutan,
        lengkap=not tidak_ditemukan,
        urutan_sesuai=not tidak_berurutan,
        skor=skor,
        ringkasan=_ringkasan(kosong, ditemukan, tidak_ditemukan, tidak_berurutan),
    )


def _daftar(bagian: list[BagianSkpl]) -> str:
    return ", ".join(b.label for b in bagian)


def _ringkasan(kosong: bool, ditemukan: list[BagianSkpl], tidak_ditemukan: list[BagianSkpl],
               tidak_berurutan: list[BagianSkpl]) -> str:
    total = len(OUTLINE_SKPL)
    if kosong:
        return (f"Dokumen spesifikasi kebutuhan aplikasi kosong; seluruh {total} bagian "
                "sistematika SC-04/EGOTIK/2023 belum ada.")
    if not ditemukan:
        return (f"Tidak satu pun dari {total} judul bagian sistematika spesifikasi kebutuhan "
                "aplikasi SC-04/EGOTIK/2023 ditemukan dalam dokumen.")
    urutan = (f"; urutan tidak sesuai sistematika pada: {_daftar(tidak_berurutan)}"
              if tidak_berurutan else "")
    if not tidak_ditemukan:
        if tidak_berurutan:
            return f"Dokumen memuat seluruh {total} bagian sistematika{urutan}."
        return (f"Dokumen memuat seluruh {total} bagian sistematika spesifikasi kebutuhan "
                "aplikasi sesuai urutan SC-04/EGOTIK/2023.")
    return (f"Dokumen memuat {len(ditemukan)} dari {total} bagian; belum ada: "
            f"{_daftar(tidak_ditemukan)}{urutan}.")
