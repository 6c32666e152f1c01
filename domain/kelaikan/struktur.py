"""struktur: what exposed files look like, the pure recognisers the folder/file-structure
checks judge their observations with (``domain/kelaikan/nilai_struktur.py``): a git HEAD, a
.env with secrets, a folder listing, a backup archive or SQL dump, phpinfo(), an admin panel,
a dependency manifest, a robots.txt. Functions of a response's text only, unit-tested on
recorded files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import yaml

from domain.kelaikan.halaman import Halaman


def tampak_html(teks: str) -> bool:
    kepala = teks[:2000].lower()
    return "<html" in kepala or "<!doctype html" in kepala or "<body" in kepala


def _git_head(teks: str) -> bool:
    return bool(re.fullmatch(r"\s*(ref: refs/[\w./\-]+|[0-9a-f]{40}|[0-9a-f]{64})\s*", teks))


def _svn_wc(teks: str) -> bool:
    return teks.startswith("SQLite format 3")


def _hg_requires(teks: str) -> bool:
    baris = [b.strip() for b in teks.splitlines() if b.strip()]
    dikenal = {"revlogv1", "store", "fncache", "dotencode", "generaldelta", "sparserevlog",
               "share-safe", "persistent-nodemap", "revlog-compression-zstd"}
    return bool(baris) and all(re.fullmatch(r"[a-z0-9\-]+", b) for b in baris) and \
        bool(dikenal & set(baris))


VCS: dict[str, Callable[[str], bool]] = {
    ".git/HEAD": _git_head, ".svn/wc.db": _svn_wc, ".hg/requires": _hg_requires,
}


_BARIS_ENV = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")
KUNCI_RAHASIA = re.compile(r"PASS|PWD|SECRET|KEY|TOKEN|CREDENTIAL|PRIVATE", re.I)
_NILAI_KOSONG = {"", '""', "''", "null", "none", "changeme", "secret", "xxx", "true", "false"}
_STRING_KONEKSI = re.compile(r"(?:password|pwd)\s*=\s*[^;\s'\"]+", re.I)
_HASH_SANDI = re.compile(r"^[^:\s]+:(\$(?:apr1|2[abxy]?|5|6)\$\S+|\{SHA\}\S+|[./0-9A-Za-z]{13})$")
MAKS_SIMPUL = 5000


def kunci_rahasia_env(teks: str) -> list[str] | None:
    """Secret-looking keys with a value, when ``teks`` is an env file; else None."""
    if tampak_html(teks):
        return None
    baris = [b.strip() for b in teks.splitlines() if b.strip() and not b.strip().startswith("#")]
    cocok = [m for m in (_BARIS_ENV.match(b) for b in baris) if m]
    if len(cocok) < 2 or len(cocok) < 0.7 * len(baris):
        return None
    return [m.group(1) for m in cocok
            if KUNCI_RAHASIA.search(m.group(1))
            and m.group(2).strip().lower() not in _NILAI_KOSONG]


def _telusuri(data: object, awalan: str = "") -> Iterator[tuple[str, object]]:
    """(dotted key, scalar value) of nested dicts/lists, at most :data:`MAKS_SIMPUL` nodes
    (a YAML alias bomb stays cheap)."""
    tumpukan: list[tuple[str, object]] = [(awalan, data)]
    simpul = 0
    while tumpukan and simpul < MAKS_SIMPUL:
        kunci, nilai = tumpukan.pop()
        simpul += 1
        if isinstance(nilai, dict):
            tumpukan += [(f"{kunci}.{k}" if kunci else str(k), v) for k, v in nilai.items()]
        elif isinstance(nilai, list):
            tumpukan += [(kunci, v) for v in nilai[:200]]
        else:
            yield kunci, nilai


def kunci_rahasia_terstruktur(teks: str, jenis: str) -> list[str] | None:
    """Secret-looking keys with a value in a JSON or YAML config; None when not a config."""
    if tampak_html(teks):
        return None
    try:
        data = json.loads(teks) if jenis == "json" else yaml.safe_load(teks)
    except (ValueError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    hasil = []
    for kunci, nilai in _telusuri(data):
        if not isinstance(nilai, str | int) or isinstance(nilai, bool):
            continue
        teks_nilai = str(nilai).strip()
        nama = kunci.rsplit(".", 1)[-1]
        if (KUNCI_RAHASIA.search(nama) and teks_nilai.lower() not in _NILAI_KOSONG) or \
                _STRING_KONEKSI.search(teks_nilai):
            hasil.append(kunci)
    return sorted(set(hasil))


def rahasia_konfigurasi(nama_berkas: str, teks: str) -> tuple[str, list[str]] | None:
    """(what, secret-looking key names) when ``teks`` is a config file carrying secrets."""
    if nama_berkas == ".htpasswd":
        akun = [b for b in teks.splitlines() if _HASH_SANDI.match(b.strip())]
        return ("hash kata sandi", [f"{len(akun)} akun"]) if akun else None
    if nama_berkas.endswith(".json"):
        kunci = kunci_rahasia_terstruktur(teks, "json")
    elif nama_berkas.endswith((".yml", ".yaml")):
        kunci = kunci_rahasia_terstruktur(teks, "yaml")
    else:
        kunci = kunci_rahasia_env(teks)
    return ("kunci rahasia berisi nilai", kunci) if kunci else None


_DUMP = re.compile(r"^-- (?:MySQL dump|MariaDB dump|PostgreSQL database dump|phpMyAdmin SQL "
                   r"Dump|Dumping data)|^\s*CREATE TABLE\b|^\s*INSERT INTO\b", re.I | re.M)
_KODE = re.compile(r"\s*(?:<\?php\b|<\?=|<%@|<%=?\s|#!/)", re.I)


def jenis_cadangan(teks: str) -> str | None:
    """What a requested backup path returned, when it is recognisably a backup; else None."""
    if teks.startswith("PK\x03\x04"):
        return "arsip ZIP"
    if teks.startswith(("\x1f\ufffd\x08", "\x1f\x8b\x08")):
        return "arsip gzip"
    if teks.startswith("Rar!\x1a\x07"):
        return "arsip RAR"
    if teks.startswith("7z") and teks[2:6].endswith("'\x1c"):
        return "arsip 7z"
    if teks[257:262] == "ustar":
        return "arsip tar"
    if teks.startswith("b0VIM"):
        return "berkas swap vim"
    if _KODE.match(teks):
        return "kode sumber"
    if not tampak_html(teks) and _DUMP.search(teks[:20_000]):
        return "dump SQL"
    return None


_LISTING = re.compile(
    r"<title>\s*Index of /|<h1>\s*Index of /|Directory listing for /|\[To Parent Directory\]"
    r"|<title>\s*Directory Listing For",
    re.I,
)


def daftar_isi_folder(teks: str) -> bool:
    """A web server's listing of a folder (Apache, nginx, IIS, Tomcat, Python)."""
    return _LISTING.search(teks) is not None


PHPINFO = re.compile(r"<title>phpinfo\(\)</title>|>PHP Version [\d.]+<|<h2>PHP License</h2>",
                      re.I)
HALAMAN_UJI = re.compile(
    r"Apache2 (?:Ubuntu|Debian) Default Page|Test Page for the (?:Apache|Nginx) HTTP Server"
    r"|<title>Welcome to nginx!</title>|<title>IIS Windows Server</title>|<h1>It works!</h1>",
    re.I,
)


_TANDA_PANEL: dict[str, re.Pattern[str]] = {
    "phpMyAdmin": re.compile(r"<title>[^<]*phpMyAdmin|name=\"pma_username\"", re.I),
    "Adminer": re.compile(r"<title>[^<]*Adminer\b|name=\"auth\[driver\]\"|adminer\.org", re.I),
    "status Apache": re.compile(r"Apache Server Status for", re.I),
    "info Apache": re.compile(r"Apache Server Information", re.I),
    "Tomcat Manager": re.compile(r"Tomcat Web Application Manager", re.I),
}


def panel_dikenali(jenis: str, h: Halaman) -> bool:
    if jenis == "Tomcat Manager" and h.status == 401:
        return "tomcat manager" in (h.header("www-authenticate") or "").lower()
    return _TANDA_PANEL[jenis].search(h.text) is not None


_BARIS_REQUIREMENTS = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._\-]*(?:\[[\w,\s\-]+\])?\s*(?:(==|>=|<=|~=|!=|>|<)\s*[\w.*+!\-]+"
    r"(?:\s*,\s*(?:==|>=|<=|~=|!=|>|<)\s*[\w.*+!\-]+)*)?\s*(?:;.*)?$"
)


def _json_dict(teks: str) -> dict[str, Any] | None:
    if tampak_html(teks):
        return None
    try:
        data = json.loads(teks)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _paket_dari(peta: object) -> list[str]:
    return [f"{k} {v}" for k, v in peta.items() if isinstance(v, str)] \
        if isinstance(peta, dict) else []


def paket_manifest(nama: str, teks: str) -> list[str] | None:
    """``name version`` of the packages a dependency manifest lists; None when ``teks`` is not
    that manifest."""
    if nama in ("composer.json", "package.json"):
        data = _json_dict(teks)
        if data is None:
            return None
        kunci = ("require", "require-dev") if nama == "composer.json" else \
            ("dependencies", "devDependencies")
        if not any(k in data for k in kunci) and not (
                nama == "package.json" and "name" in data and "version" in data):
            return None
        return [p for k in kunci for p in _paket_dari(data.get(k))]
    if nama == "composer.lock":
        data = _json_dict(teks)
        if data is None or not isinstance(data.get("packages"), list):
            return None
        return [f"{p.get('name')} {p.get('version', '')}".strip()
                for k in ("packages", "packages-dev") for p in data.get(k) or []
                if isinstance(p, dict)]
    if nama == "package-lock.json":
        data = _json_dict(teks)
        if data is None or "lockfileVersion" not in data:
            return None
        paket = data.get("packages") or data.get("dependencies") or {}
        return [f"{k.rsplit('node_modules/', 1)[-1]} {v.get('version', '')}".strip()
                for k, v in paket.items() if k and isinstance(v, dict)]
    if tampak_html(teks):
        return None
    if nama == "yarn.lock":
        entri = re.findall(r'^"?(@?[^@\s"][^@\s"]*)@[^\n]*:\n\s+version:? "?([\w.\-+]+)', teks,
                           re.M)
        if "yarn lockfile" not in teks[:300] and not entri:
            return None
        return [f"{n} {v}" for n, v in entri]
    if nama == "requirements.txt":
        baris = [b.strip() for b in teks.splitlines()
                 if b.strip() and not b.strip().startswith(("#", "-r ", "-e ", "--"))]
        cocok = [m for m in (_BARIS_REQUIREMENTS.match(b) for b in baris) if m]
        if not baris or not any(m.group(1) for m in cocok) or len(cocok) < 0.8 * len(baris):
            return None
        return [m.group(0).split(";")[0].replace(" ", "") for m in cocok]
    if nama == "Gemfile.lock":
        if not re.search(r"^GEM\s*$", teks, re.M) or "specs:" not in teks:
            return None
        return [f"{n} {v}" for n, v in re.findall(r"^ {4}([\w.\-]+) \(([\w.\-]+)\)$", teks, re.M)]
    if nama == "pom.xml":
        if "<project" not in teks or "<artifactId>" not in teks:
            return None
        return [f"{a} {v}" for a, v in re.findall(
            r"<artifactId>([^<]+)</artifactId>\s*<version>([^<]+)</version>", teks)]
    return None


KATA_SENSITIF = frozenset({
    "admin", "administrator", "adm", "backup", "backups", "bak", "cadangan", "old", "lama",
    "config", "conf", "konfigurasi", "private", "privat", "rahasia", "internal", "secret",
    "test", "tes", "testing", "uji", "coba", "ujicoba", "dev", "devel", "development",
    "staging", "debug", "db", "database", "sql", "dump", "log", "logs", "phpmyadmin",
    "adminer", "install", "installer", "setup", "tmp", "temp", "git", "svn", "env", "cpanel",
    "panel", "manager", "console", "swagger",
})
_BARIS_ROBOTS = re.compile(r"^\s*(user-agent|disallow|allow|sitemap)\s*:\s*(\S*)", re.I | re.M)


def path_sensitif(path: str) -> bool:
    return any(k in KATA_SENSITIF for k in re.split(r"[/_\-.]+", path.lower()) if k)


def baca_robots(teks: str) -> tuple[list[str], list[str]] | None:
    """(Allow/Disallow paths, Sitemap URLs) of a robots.txt; None when it is not one."""
    if tampak_html(teks):
        return None
    baris = _BARIS_ROBOTS.findall(teks)
    if not baris:
        return None
    path = []
    for jenis, nilai in baris:
        if jenis.lower() in ("disallow", "allow") and nilai.startswith("/"):
            nilai = nilai.rstrip("$").removesuffix("*")
            if "*" not in nilai and nilai != "/":
                path.append(nilai)
    peta = [nilai for jenis, nilai in baris if jenis.lower() == "sitemap" and nilai]
    return list(dict.fromkeys(path)), peta


def baca_sitemap(teks: str) -> list[str] | None:
    if "<urlset" not in teks[:2000] and "<sitemapindex" not in teks[:2000]:
        return None
    return re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", teks)[:500]
