"""Attachments: PDF, DOCX and ODT only, recognised by their content (never by name or the
type the browser claims), size-limited, stored under ``data_dir/lampiran`` named by their
SHA-256, and served back only as downloads of the recognised type.

``filetype`` reads the magic bytes (PDF, ZIP); a ZIP is a DOCX only when its
``[Content_Types].xml`` declares a WordprocessingML main document, an ODT only when its
``mimetype`` entry says ``application/vnd.oasis.opendocument.text``.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import filetype
from fastapi.responses import FileResponse

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
AKHIRAN = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
_ISI_KECIL = 1 << 20
"""Largest inner ZIP entry read to recognise a document (a zip bomb stays unread)."""

JENIS_LAMPIRAN: dict[str, str] = {
    "surat_permohonan": "Surat permohonan",
    "user_requirement": "Dokumen user requirement / Spesifikasi Kebutuhan Aplikasi (SKPL)",
    "manual_instalasi": "Dokumen manual instalasi",
    "manual_pengguna": "Manual penggunaan aplikasi",
    "dokumen_uat": "Dokumen User Acceptance Test (UAT)",
}
"""The documents the catalog names, as the forms ask for them."""

LAMPIRAN_PER_JENIS: dict[str, tuple[str, ...]] = {
    "pembangunan": ("surat_permohonan", "user_requirement"),
    "uji-kelayakan": ("surat_permohonan", "manual_instalasi", "manual_pengguna", "dokumen_uat"),
    "va": ("surat_permohonan",),
}
DOKUMENTASI = {"manual_instalasi": "manual_instalasi", "manual_pengguna": "manual_pengguna",
               "dokumen_uat": "dokumen_uat"}
"""An attached manual or UAT document ticks the feasibility form's ``dokumentasi`` box."""


def kenali(isi: bytes) -> str | None:
    """The document type of ``isi`` (PDF, DOCX, ODT) from its content, or None."""
    jenis = filetype.guess_mime(isi[:8192])
    if jenis == PDF and isi.startswith(b"%PDF-"):
        return PDF
    if not isi.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(isi)) as arsip:
            nama = set(arsip.namelist())
            if "mimetype" in nama and arsip.getinfo("mimetype").file_size < 200:
                if arsip.read("mimetype").strip() == ODT.encode() and "content.xml" in nama:
                    return ODT
            if "[Content_Types].xml" in nama and \
                    arsip.getinfo("[Content_Types].xml").file_size < _ISI_KECIL:
                tipe = arsip.read("[Content_Types].xml")
                if b"wordprocessingml.document.main+xml" in tipe and "word/document.xml" in nama:
                    return DOCX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


@dataclass(frozen=True)
class BerkasDiterima:
    nama: str
    mime: str
    ukuran: int
    sha256: str
    path: Path


def nama_aman(nama: str | None, mime: str) -> str:
    """The file name to show and to download as: the browser's name, reduced to safe
    characters, with the extension of the recognised type."""
    dasar = Path(nama or "lampiran").name
    dasar = "".join(c if c.isalnum() or c in "-_ ." else "_" for c in dasar).strip(" .")
    dasar = os.path.splitext(dasar)[0][:100] or "lampiran"
    return dasar + AKHIRAN[mime]


def periksa(isi: bytes, nama: str | None, maks_byte: int) -> tuple[str | None, str | None]:
    """(recognised type, None) or (None, the Indonesian rule it broke)."""
    if len(isi) > maks_byte:
        return None, f"berkas terlalu besar; maksimal {maks_byte / 1_000_000:g} MB".replace(
            ".", ",")
    if not isi:
        return None, "berkas kosong"
    mime = kenali(isi)
    if mime is None:
        return None, ("isi berkas bukan PDF, DOCX atau ODT (jenis berkas dikenali dari isinya, "
                      "bukan dari namanya)")
    return mime, None


def simpan(folder: Path, isi: bytes) -> tuple[str, Path]:
    """Write ``isi`` as ``folder/<sha256>`` (once); (sha256, path)."""
    sha = hashlib.sha256(isi).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / sha
    if not path.exists():
        sementara = folder / f".{sha}.{os.getpid()}"
        sementara.write_bytes(isi)
        os.replace(sementara, path)
    return sha, path


def unduhan(path: Path, nama: str, mime: str) -> FileResponse:
    """A stored file as a download: attachment disposition, the recognised type, nosniff,
    and a sandbox should a browser render it anyway."""
    if mime not in AKHIRAN and mime not in ("text/html", "application/json"):
        mime = "application/octet-stream"
    respons = FileResponse(path, media_type=mime, filename=nama,
                           content_disposition_type="attachment")
    respons.headers["X-Content-Type-Options"] = "nosniff"
    respons.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return respons
