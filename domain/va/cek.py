"""The checks of the hosts-and-services category, and how each observation is judged.

Each check is declared once in :data:`CEK_VA` (id, title, severity, WSTG, CWE, what it does,
the fix). The observations are plain models filled by ``tasks/va/`` (nmap, sslyze,
ssh-audit, one polite probe per data service); the ``nilai_*`` functions here turn them into
findings, each naming its host and port and carrying its evidence. Nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict

from domain.kelaikan.cek import CekDasar
from domain.kelaikan.hasil import Severity
from domain.va import dataset as data
from domain.va.laporan import KATEGORI_VA, TemuanVA
from domain.va.nmap import Layanan


@dataclass(frozen=True)
class CekVA(CekDasar):
    """A check of hosts and services: a :class:`CekDasar` whose finding names its host and
    port.

    No observation or judge of its own here: the ``nilai_*`` functions below judge."""

    def temuan(  # type: ignore[override] - a VA finding is made for a service, not a page
            self, layanan: Layanan | None, bukti: str, *, host: str | None = None,
            severity: Severity | None = None, judul: str | None = None) -> TemuanVA:
        # the place leads the evidence too: the ticket report shows evidence, not host/port
        tempat = f"{layanan.host}:{layanan.port}/{layanan.protokol}" if layanan else host
        return TemuanVA(
            check_id=self.id, title=judul or self.judul, severity=severity or self.severity,
            wstg=self.wstg, cwe=self.cwe, recommendation=self.rekomendasi,
            evidence=f"{tempat} — {bukti}" if tempat else bukti,
            host=layanan.host if layanan else host, port=layanan.port if layanan else None)


def _c(nama: str, *baris: str) -> CekVA:
    judul, severity, wstg, cwe, uraian, rekomendasi = baris
    return CekVA(f"{KATEGORI_VA}.{nama}", judul, severity, wstg, cwe, uraian,  # type: ignore[arg-type]
                 rekomendasi)


_INFRA = "WSTG-CONF-01"
_TLS = "WSTG-CRYP-01"

_DAFTAR = (
    # remote administration
    _c("ssh_kata_sandi", "SSH menerima login dengan kata sandi", "sedang", _INFRA, "CWE-309",
       "Metode otentikasi yang ditawarkan server SSH (tanpa mencoba login).",
       "Matikan PasswordAuthentication dan KbdInteractiveAuthentication; gunakan kunci publik."),
    _c("ssh_algoritma_lemah", "SSH menawarkan algoritma kriptografi lemah", "sedang", _INFRA,
       "CWE-327",
       "Algoritma pertukaran kunci, kunci host, cipher dan MAC yang ditawarkan (ssh-audit).",
       "Hapus algoritma yang ditandai ssh-audit (mis. diffie-hellman-group1-sha1, 3des-cbc, "
       "hmac-sha1) dari KexAlgorithms, HostKeyAlgorithms, Ciphers dan MACs."),
    _c("telnet_terbuka", "Telnet terbuka", "tinggi", _INFRA, "CWE-319",
       "Layanan Telnet (administrasi jarak jauh tanpa enkripsi) terjangkau.",
       "Matikan Telnet; gunakan SSH dengan kunci publik."),
    _c("ftp_terbuka", "FTP tanpa enkripsi terbuka", "sedang", _INFRA, "CWE-319",
       "Layanan FTP (kredensial dan data dikirim tanpa enkripsi) terjangkau.",
       "Ganti FTP dengan SFTP, atau wajibkan FTPS; batasi aksesnya ke jaringan pengelola."),
    _c("ftp_anonim", "FTP menerima login anonim", "tinggi", _INFRA, "CWE-284",
       "Satu percobaan login 'anonymous' yang sopan (tanpa membaca atau menulis berkas).",
       "Matikan login anonim (mis. anonymous_enable=NO pada vsftpd)."),
    _c("rdp_terbuka", "Remote Desktop (RDP) terbuka", "sedang", _INFRA, "CWE-284",
       "Layanan RDP terjangkau dari jaringan penguji.",
       "Batasi RDP ke jaringan pengelola atau VPN, wajibkan NLA."),
    _c("smb_terbuka", "SMB/NetBIOS terbuka", "tinggi", _INFRA, "CWE-284",
       "Layanan berbagi berkas Windows (SMB 445, NetBIOS 139) terjangkau.",
       "Tutup SMB/NetBIOS dari jaringan di luar server; jangan buka ke jaringan pengguna."),
    _c("vnc_terbuka", "VNC terbuka", "tinggi", _INFRA, "CWE-284",
       "Layanan VNC (desktop jarak jauh) terjangkau.",
       "Matikan VNC atau batasi ke VPN pengelola; jangan pernah tanpa kata sandi."),
    # TLS
    _c("tls_protokol_usang", "TLS menawarkan protokol usang", "sedang", _TLS, "CWE-327",
       "Protokol yang diterima server (sslyze): SSL 2.0/3.0, TLS 1.0/1.1.",
       "Terima hanya TLS 1.2 dan TLS 1.3."),
    _c("tls_cipher_lemah", "TLS menawarkan cipher lemah", "sedang", _TLS, "CWE-326",
       "Cipher suite yang diterima (sslyze): NULL, anonim, EXPORT, RC4, DES/3DES, kunci < 128 "
       "bit.", "Batasi cipher suite ke AEAD (AES-GCM, ChaCha20-Poly1305) dengan ECDHE."),
    _c("tls_sertifikat_kedaluwarsa", "Sertifikat TLS kedaluwarsa", "sedang", _TLS, "CWE-298",
       "Masa berlaku sertifikat server.", "Perbarui sertifikat (mis. otomatis dengan ACME)."),
    _c("tls_sertifikat_swatanda", "Sertifikat TLS ditandatangani sendiri (self-signed)",
       "sedang", _TLS, "CWE-295",
       "Penerbit sertifikat sama dengan subjeknya dan tidak tepercaya.",
       "Gunakan sertifikat dari CA tepercaya (mis. BSrE atau Let's Encrypt)."),
    _c("tls_rantai_tidak_lengkap", "Rantai sertifikat TLS tidak lengkap atau tidak tepercaya",
       "sedang", _TLS, "CWE-296",
       "Validasi rantai sertifikat yang dikirim server terhadap penyimpanan CA (sslyze).",
       "Kirim sertifikat antara (intermediate) bersama sertifikat server."),
    _c("tls_nama_tidak_cocok", "Nama pada sertifikat TLS tidak memuat alamat yang diuji",
       "info", _TLS, "CWE-297",
       "Apakah sertifikat memuat alamat IP yang diuji (formulir VA hanya memuat alamat IP; "
       "nama domain aplikasi diperiksa pada uji kelaikan web).",
       "Pastikan sertifikat memuat nama domain yang dipakai pengguna."),
    # data services
    _c("db_terjangkau", "Layanan data terjangkau dari jaringan penguji", "sedang", _INFRA,
       "CWE-284",
       "Port basis data atau penyimpanan data (MySQL/MariaDB, PostgreSQL, SQL Server, Oracle, "
       "MongoDB, Redis, Elasticsearch, Memcached) menerima koneksi dari jaringan penguji.",
       "Batasi port basis data dengan firewall agar hanya server aplikasi yang dapat "
       "menjangkaunya."),
    _c("db_kredensial_bawaan", "Basis data menerima kredensial bawaan atau kosong", "tinggi",
       _INFRA, "CWE-1392",
       "Satu percobaan login yang sopan per basis data dengan akun bawaan tanpa kata sandi "
       "(root MySQL/MariaDB, postgres PostgreSQL).",
       "Beri kata sandi kuat pada akun bawaan, atau matikan akun tersebut dari jaringan."),
    _c("tanpa_otentikasi", "Layanan data tanpa otentikasi", "tinggi", _INFRA, "CWE-306",
       "Perintah baca-saja tanpa kredensial (Redis PING, MongoDB listDatabases, "
       "Elasticsearch GET /, Memcached stats).",
       "Aktifkan otentikasi (requirepass/ACL Redis, authorization MongoDB, security "
       "Elasticsearch, SASL Memcached) dan batasi port dengan firewall."),
    # software
    _c("versi_eol", "Perangkat lunak melewati akhir masa dukungan (EOL)", "sedang", _INFRA,
       "CWE-1104",
       "Versi yang diumumkan layanan dibandingkan dengan data siklus rilis luring bertanggal.",
       "Tingkatkan ke siklus rilis yang masih didukung."),
    _c("versi_rentan", "Versi perangkat lunak memiliki kerentanan yang diketahui", "tinggi",
       _INFRA, "CWE-1395",
       "Versi yang diumumkan layanan dibandingkan dengan data CVE luring bertanggal (hanya "
       "bila versi itu membuktikan kerentanannya; build distribusi tidak).",
       "Perbarui ke versi yang memperbaiki CVE tersebut."),
)

CEK_VA: dict[str, CekVA] = {c.id: c for c in _DAFTAR}
"""Every check of the hosts-and-services category, by id."""


def cek(nama: str) -> CekVA:
    return CEK_VA[f"{KATEGORI_VA}.{nama}"]


# --- Observations (filled by tasks/va/) ------------------------------------------------------

class ObservasiSSH(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    metode_otentikasi: tuple[str, ...] | None = None
    """What the server offers before any login (``publickey``, ``password``,
    ``keyboard-interactive``); None when it could not be asked."""
    algoritma_gagal: tuple[str, ...] = ()
    """ssh-audit's "fail" items, e.g. ``kex diffie-hellman-group1-sha1``."""
    audit_jalan: bool = False


class ObservasiTLS(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    protokol: tuple[str, ...] = ()
    """Protocols accepted, e.g. ``TLS 1.0``."""
    cipher_lemah: tuple[str, ...] = ()
    subjek: str = ""
    penerbit: str = ""
    berlaku_sampai: datetime | None = None
    swatanda: bool = False
    rantai_tepercaya: bool | None = None
    nama: tuple[str, ...] = ()
    """The names and addresses the certificate covers (SAN, else CN)."""


class ObservasiData(BaseModel):
    """One polite probe of a data service."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    jenis: str
    tanpa_otentikasi: bool | None = None
    """True: a read-only command answered without credentials; None: not asked."""
    kredensial_kosong: str | None = None
    """The default account that logged in without a password (never a password)."""
    bukti: str = ""


class ObservasiFTP(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    anonim: bool
    balasan: str = ""


JENIS_DATA = {
    "mysql": "mysql", "postgresql": "postgresql", "ms-sql-s": "mssql", "oracle-tns": "oracle",
    "mongodb": "mongodb", "mongod": "mongodb", "redis": "redis", "memcached": "memcached",
    "memcache": "memcached",
    "elasticsearch": "elasticsearch",
}
"""nmap's service names of the data services, and our kind of each."""
PORT_DATA = {3306: "mysql", 5432: "postgresql", 1433: "mssql", 1521: "oracle",
             27017: "mongodb", 6379: "redis", 11211: "memcached", 9200: "elasticsearch"}


def jenis_data(layanan: Layanan) -> str | None:
    """The data-service kind of ``layanan`` (by nmap's name, else by Elasticsearch's answer
    on HTTP, else by its well-known port when nmap did not recognise it)."""
    if layanan.nama in JENIS_DATA:
        return JENIS_DATA[layanan.nama]
    if "elasticsearch" in f"{layanan.produk} {layanan.info}".lower():
        return "elasticsearch"
    if not layanan.nama or layanan.nama == "unknown" or layanan.metode == "table":
        return PORT_DATA.get(layanan.port)
    return None


ADMIN = {"telnet": "telnet_terbuka", "ms-wbt-server": "rdp_terbuka", "microsoft-ds":
         "smb_terbuka", "netbios-ssn": "smb_terbuka", "vnc": "vnc_terbuka"}


def nilai_paparan(layanan: Layanan) -> list[TemuanVA]:
    """What the service being reachable says by itself: remote administration exposed,
    cleartext FTP, a data service reachable, the software's end of life and known CVEs."""
    hasil: list[TemuanVA] = []
    label = layanan.label
    nama = layanan.nama
    if nama in ADMIN or (nama.startswith("vnc")):
        hasil.append(cek(ADMIN.get(nama, "vnc_terbuka")).temuan(
            layanan, f"nmap: {label} terbuka"))
    if nama == "ftp" and layanan.tunnel != "ssl":
        hasil.append(cek("ftp_terbuka").temuan(layanan, f"nmap: {label} terbuka tanpa TLS"))
    jenis = jenis_data(layanan)
    if jenis:
        hasil.append(cek("db_terjangkau").temuan(
            layanan, f"nmap: {label} menerima koneksi TCP dari alamat penguji"))
    hasil += nilai_versi(layanan)
    return hasil


def nilai_versi(layanan: Layanan, *, pada: date | None = None) -> list[TemuanVA]:
    pada = pada or datetime.now(UTC).date()
    hasil: list[TemuanVA] = []
    if not layanan.produk:
        return hasil
    diumumkan = f"{layanan.produk} {layanan.versi}".strip()
    akhir = data.eol(layanan.produk, layanan.versi, pada=pada)
    ds = data.dataset()
    if akhir is not None:
        produk, siklus, tanggal = akhir
        kapan = (f"berakhir {tanggal:%d-%m-%Y}" if tanggal else
                 "lebih tua dari siklus tertua yang masih tercatat")
        hasil.append(cek("versi_eol").temuan(
            layanan, f"{diumumkan} (siklus {produk.produk} {siklus}, dukungan {kapan}; "
                     f"data EOL bertanggal {ds.tanggal:%d-%m-%Y})"))
    for c in data.cve(layanan.produk, layanan.versi):
        hasil.append(cek("versi_rentan").temuan(
            layanan, f"{diumumkan}: {c.cve} ({c.judul}); rentang rentan {c.dari} sampai "
                     f"sebelum {c.sebelum}; data CVE bertanggal {ds.tanggal:%d-%m-%Y}",
            judul=f"{c.produk} {c.cve}: {c.judul}"))
    return hasil


_NSA = "National Security Agency"
"""ssh-audit fails the NIST curves on suspicion alone; they are OpenSSH's defaults and no
weakness is known, so that note alone makes no finding."""
_SANGAT_LEMAH = re.compile(r"1024|logjam|3des|md5|rc4|arcfour|des-cbc|blowfish|cast128|"
                           r"broken & deprecated|-96", re.IGNORECASE)


CATATAN_SSH_AUDIT = {
    "using small 1024-bit modulus": "modulus 1024 bit terlalu kecil",
    "vulnerable to the Logjam attack": "rentan serangan Logjam",
    "using broken SHA-1 hash algorithm": "memakai hash SHA-1 yang sudah rusak",
    "using broken MD5 hash algorithm": "memakai hash MD5 yang sudah rusak",
    "using broken & deprecated 3DES cipher": "memakai cipher 3DES yang rusak dan usang",
    "using broken RC4 cipher": "memakai cipher RC4 yang rusak",
    "using weak cipher": "memakai cipher lemah",
    "using small 64-bit tag size": "tag 64 bit terlalu kecil",
    "using deprecated DSA algorithm": "memakai algoritma DSA yang usang",
}
"""ssh-audit's notes as the report says them; a note not listed is quoted as it is."""


def _terjemah(catatan: str) -> str:
    for asli, indonesia in CATATAN_SSH_AUDIT.items():
        catatan = catatan.replace(asli, indonesia)
    return catatan


def nilai_ssh(layanan: Layanan, obs: ObservasiSSH) -> list[TemuanVA]:
    """Password login offered: ``sedang``. Algorithms ssh-audit fails: ``sedang`` when one is
    broken outright (1024-bit groups, 3DES, MD5, RC4...), ``rendah`` when only SHA-1."""
    hasil: list[TemuanVA] = []
    metode = set(obs.metode_otentikasi or ())
    if metode & {"password", "keyboard-interactive"}:
        hasil.append(cek("ssh_kata_sandi").temuan(
            layanan, f"metode otentikasi yang ditawarkan: {', '.join(sorted(metode))}"))
    gagal = [a for a in obs.algoritma_gagal if _NSA not in a]
    if gagal:
        per_alg: dict[str, list[str]] = {}
        for a in gagal:
            nama, _, catatan = a.partition(": ")
            per_alg.setdefault(nama, []).append(_terjemah(catatan))
        bukti = "; ".join(f"{n} ({', '.join(c)})" for n, c in per_alg.items())
        sangat = any(_SANGAT_LEMAH.search(a) for a in gagal)
        hasil.append(cek("ssh_algoritma_lemah").temuan(
            layanan, f"ssh-audit menandai gagal: {bukti}",
            severity=None if sangat else "rendah"))
    return hasil


def _nama_cocok(host: str, nama: tuple[str, ...]) -> bool:
    return host.lower() in {n.lower().strip("[]") for n in nama}


def nilai_tls(layanan: Layanan, obs: ObservasiTLS, *,
              sekarang: datetime | None = None) -> list[TemuanVA]:
    sekarang = sekarang or datetime.now(UTC)
    hasil: list[TemuanVA] = []
    usang = [p for p in obs.protokol if p in ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1")]
    if usang:
        sangat = any(p.startswith("SSL") for p in usang)
        hasil.append(cek("tls_protokol_usang").temuan(
            layanan, f"protokol diterima: {', '.join(obs.protokol)}",
            severity="tinggi" if sangat else None))
    if obs.cipher_lemah:
        hasil.append(cek("tls_cipher_lemah").temuan(
            layanan, "cipher lemah diterima: " + ", ".join(obs.cipher_lemah[:12])
            + (f" (dan {len(obs.cipher_lemah) - 12} lagi)" if len(obs.cipher_lemah) > 12
               else "")))
    if obs.berlaku_sampai is not None and obs.berlaku_sampai < sekarang:
        hasil.append(cek("tls_sertifikat_kedaluwarsa").temuan(
            layanan, f"sertifikat {obs.subjek} berlaku sampai "
                     f"{obs.berlaku_sampai:%d-%m-%Y %H:%M} UTC"))
    if obs.swatanda:
        hasil.append(cek("tls_sertifikat_swatanda").temuan(
            layanan, f"subjek = penerbit: {obs.subjek}"))
    elif obs.rantai_tepercaya is False:
        hasil.append(cek("tls_rantai_tidak_lengkap").temuan(
            layanan, f"rantai {obs.subjek} ← {obs.penerbit} tidak dapat divalidasi ke CA "
                     "tepercaya"))
    if obs.subjek and not _nama_cocok(layanan.host, obs.nama):
        hasil.append(cek("tls_nama_tidak_cocok").temuan(
            layanan, f"sertifikat memuat {', '.join(obs.nama) or '(tanpa nama)'}; alamat yang "
                     f"diuji {layanan.host}"))
    return hasil


def nilai_ftp(layanan: Layanan, obs: ObservasiFTP) -> list[TemuanVA]:
    if not obs.anonim:
        return []
    return [cek("ftp_anonim").temuan(layanan, f"USER anonymous diterima: {obs.balasan}")]


def nilai_data(layanan: Layanan, obs: ObservasiData) -> list[TemuanVA]:
    hasil: list[TemuanVA] = []
    if obs.kredensial_kosong:
        hasil.append(cek("db_kredensial_bawaan").temuan(
            layanan, f"{obs.jenis}: akun '{obs.kredensial_kosong}' masuk tanpa kata sandi. "
                     f"{obs.bukti}".strip()))
    if obs.tanpa_otentikasi:
        hasil.append(cek("tanpa_otentikasi").temuan(
            layanan, f"{obs.jenis} menjawab tanpa kredensial: {obs.bukti}"))
    return hasil

