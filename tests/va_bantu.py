"""Real services on loopback addresses for the vulnerability-assessment tests (``import
va_bantu``): Debian's sshd, an FTP server (pyftpdlib), a TLS service (Python's ssl), a
redis-server, each in a weak and a hardened configuration, and a decoy that counts the
connections it accepts. Every one listens on its own 127.0.14.x address (127.0.0.0/8 is all
this machine), so the well-known ports are free, and is stopped on exit.

A tool that is not installed makes the test skip with the reason (``.ci/run`` installs them).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import bantu
import pytest

SSHD = "/usr/sbin/sshd"


def perlu(program: str) -> str:
    path = shutil.which(program) or (program if Path(program).exists() else None)
    if path is None:
        pytest.skip(f"{program} tidak terpasang (.ci/run memasangnya)")
    return path


def _tunggu_port(alamat: str, port: int, proses: subprocess.Popen | None = None) -> None:
    def terbuka() -> bool:
        if proses is not None:
            assert proses.poll() is None, f"server di {alamat}:{port} berhenti"
        try:
            with socket.create_connection((alamat, port), timeout=0.5):
                return True
        except OSError:
            return False

    bantu.tunggu(terbuka, 20, jeda=0.1, pesan=f"{alamat}:{port} tidak terbuka")


@contextmanager
def _proses(argumen: list[str], alamat: str, port: int) -> Iterator[subprocess.Popen]:
    proses = subprocess.Popen(argumen, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL)
    try:
        _tunggu_port(alamat, port, proses)
        yield proses
    finally:
        proses.terminate()
        try:
            proses.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proses.kill()
            proses.wait()


SSHD_LEMAH = """PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin yes
KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1
Ciphers +3des-cbc,aes128-cbc
MACs +hmac-sha1,hmac-md5
"""
SSHD_KERAS = """PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
HostKeyAlgorithms ssh-ed25519
"""


@contextmanager
def sshd(alamat: str, folder: Path, *, keras: bool, port: int = 22) -> Iterator[None]:
    """Debian's OpenSSH sshd with its own configuration and a temporary ed25519 host key."""
    program = perlu(SSHD)
    perlu("ssh-keygen")
    perlu("ssh")  # the assessment asks the login methods with OpenSSH's client
    folder.mkdir(parents=True, exist_ok=True)
    kunci = folder / "kunci_host"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(kunci)],
                   check=True, stdin=subprocess.DEVNULL)
    konfig = folder / "sshd_config"
    konfig.write_text(f"ListenAddress {alamat}:{port}\nHostKey {kunci}\nPidFile none\n"
                      f"UsePAM no\nStrictModes no\n" + (SSHD_KERAS if keras else SSHD_LEMAH),
                      encoding="utf-8")
    Path("/run/sshd").mkdir(exist_ok=True)  # the privilege-separation directory
    with _proses([program, "-D", "-e", "-f", str(konfig)], alamat, port):
        yield


@contextmanager
def ftp(alamat: str, folder: Path, *, anonim: bool, port: int = 21) -> Iterator[None]:
    """pyftpdlib: anonymous login allowed (weak) or only a named account (hardened)."""
    try:
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import FTPHandler
        from pyftpdlib.servers import FTPServer
    except ImportError:
        pytest.skip("pyftpdlib belum terpasang: pip install -e '.[test]'")
    folder.mkdir(parents=True, exist_ok=True)
    izin = DummyAuthorizer()
    if anonim:
        izin.add_anonymous(str(folder))
    else:
        izin.add_user("operator", "sandi-ftp-panjang-uji", str(folder), perm="elr")
    handler = type("Handler", (FTPHandler,), {"authorizer": izin, "banner": "FTP uji siap."})
    server = FTPServer((alamat, port), handler)
    benang = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.2},
                              daemon=True)
    benang.start()
    try:
        _tunggu_port(alamat, port)
        yield
    finally:
        server.close_all()
        benang.join(timeout=10)


def _sertifikat(folder: Path, alamat: str, *, kedaluwarsa: bool) -> tuple[Path, Path, Path]:
    """(certificate, key, CA file): self-signed and expired (weak), or signed by a test CA
    with the address in its SAN and valid now (hardened)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    sekarang = datetime.now(UTC)
    folder.mkdir(parents=True, exist_ok=True)

    def nama(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    kunci = ec.generate_private_key(ec.SECP256R1())
    if kedaluwarsa:
        sert = (x509.CertificateBuilder().subject_name(nama("aplikasi-uji.local"))
                .issuer_name(nama("aplikasi-uji.local")).public_key(kunci.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(sekarang - timedelta(days=400))
                .not_valid_after(sekarang - timedelta(days=30))
                .sign(kunci, hashes.SHA256()))
        ca_pem = sert.public_bytes(serialization.Encoding.PEM)
    else:
        kunci_ca = ec.generate_private_key(ec.SECP256R1())
        ca = (x509.CertificateBuilder().subject_name(nama("CA Uji lpa"))
              .issuer_name(nama("CA Uji lpa")).public_key(kunci_ca.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(sekarang - timedelta(days=1))
              .not_valid_after(sekarang + timedelta(days=30))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                           False, False), critical=True)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(kunci_ca.public_key()),
                             critical=False)
              .sign(kunci_ca, hashes.SHA256()))
        sert = (x509.CertificateBuilder().subject_name(nama(alamat))
                .issuer_name(ca.subject).public_key(kunci.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(sekarang - timedelta(days=1))
                .not_valid_after(sekarang + timedelta(days=30))
                .add_extension(x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address(alamat))]), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                               critical=True)
                .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                               critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    kunci_ca.public_key()), critical=False)
                .sign(kunci_ca, hashes.SHA256()))
        ca_pem = ca.public_bytes(serialization.Encoding.PEM)
    p_sert, p_kunci, p_ca = folder / "sert.pem", folder / "kunci.pem", folder / "ca.pem"
    p_sert.write_bytes(sert.public_bytes(serialization.Encoding.PEM))
    p_kunci.write_bytes(kunci.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    p_ca.write_bytes(ca_pem)
    return p_sert, p_kunci, p_ca


@contextmanager
def tls(alamat: str, folder: Path, *, lemah: bool, port: int = 993) -> Iterator[Path]:
    """A TLS service (Python's ssl; it answers nothing after the handshake): TLS 1.0 and
    every cipher down to security level 0 with an expired self-signed certificate (weak), or
    TLS 1.2+ with AEAD suites and a certificate from a test CA (hardened). Yields the CA
    file (for ``LPA_VA_CA_TAMBAHAN``)."""
    sert, kunci, ca = _sertifikat(folder, alamat, kedaluwarsa=lemah)
    konteks = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    konteks.load_cert_chain(sert, kunci)
    if lemah:
        konteks.minimum_version = ssl.TLSVersion.TLSv1
        konteks.set_ciphers("ALL:@SECLEVEL=0")
    else:
        konteks.minimum_version = ssl.TLSVersion.TLSv1_2
        konteks.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
    def layani(sambungan: socket.socket) -> None:
        try:
            sambungan.settimeout(5)
            with konteks.wrap_socket(sambungan, server_side=True) as s:
                s.recv(1024)
        except (OSError, ssl.SSLError):
            pass
        finally:
            sambungan.close()

    with _pendengar([(alamat, port)], lambda s: threading.Thread(
            target=layani, args=(s,), daemon=True).start()):
        yield ca


@contextmanager
def redis(alamat: str, folder: Path, *, sandi: str | None, port: int = 6379) -> Iterator[None]:
    """Debian's redis-server on ``alamat``: without a password (weak) or with one."""
    program = perlu("redis-server")
    folder.mkdir(parents=True, exist_ok=True)
    argumen = [program, "--bind", alamat, "--port", str(port), "--save", "",
               "--appendonly", "no", "--dir", str(folder), "--protected-mode", "no"]
    if sandi:
        argumen += ["--requirepass", sandi]
    with _proses(argumen, alamat, port):
        yield


@contextmanager
def _pendengar(alamat: list[tuple[str, int]],
               terima: Callable[[socket.socket], None]) -> Iterator[None]:
    """Listen on every (address, port), hand each accepted connection to ``terima``."""
    soket = [socket.create_server(a) for a in alamat]
    berhenti = threading.Event()

    def jalan(dengar: socket.socket) -> None:
        dengar.settimeout(0.2)
        while not berhenti.is_set():
            try:
                sambungan, _ = dengar.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            terima(sambungan)

    benang = [threading.Thread(target=jalan, args=(s,), daemon=True) for s in soket]
    for b in benang:
        b.start()
    try:
        yield
    finally:
        berhenti.set()
        for b in benang:
            b.join(timeout=5)
        for s in soket:
            s.close()


@contextmanager
def memcached(alamat: str, *, otentikasi: bool, port: int = 11211) -> Iterator[None]:
    """Debian's memcached on ``alamat``: open (weak), or with ASCII authentication (``-Y``,
    a user and password file: ``stats`` is refused before ``set auth``)."""
    import tempfile

    program = perlu("memcached")
    argumen = [program, "-u", "nobody", "-l", alamat, "-p", str(port), "-U", "0"]
    # memcached reads the file as ``nobody``: a folder of its own that user may enter
    folder = Path(tempfile.mkdtemp(prefix="lpa-va-mc-", dir="/tmp"))
    try:
        if otentikasi:
            folder.chmod(0o755)
            berkas = folder / "auth"
            berkas.write_text("operator:sandi-memcached-panjang\n", encoding="utf-8")
            berkas.chmod(0o644)
            argumen += ["-Y", str(berkas)]
        with _proses(argumen, alamat, port):
            yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_dengan_sandi(alamat: str, port: int = 5432) -> Iterator[None]:
    """A throw-away PostgreSQL cluster (Debian's binaries, run as the ``postgres`` user)
    listening on ``alamat``, every login by password (scram-sha-256): the hardened twin of
    the local database that takes ``postgres`` without one."""
    import pwd
    import tempfile

    biner = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not biner:
        pytest.skip("PostgreSQL server tidak terpasang")
    try:
        pemilik = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("pengguna sistem postgres tidak ada")
    folder = Path(tempfile.mkdtemp(prefix="lpa-va-pg-", dir="/tmp"))
    try:
        os.chown(folder, pemilik.pw_uid, pemilik.pw_gid)
        sandi = folder / "sandi"
        sandi.write_text("sandi-postgres-panjang-uji\n", encoding="utf-8")
        os.chown(sandi, pemilik.pw_uid, pemilik.pw_gid)
        sebagai = ["runuser", "-u", "postgres", "--"]
        subprocess.run([*sebagai, str(biner[-1].parent / "initdb"), "-D", str(folder / "data"),
                        "-A", "scram-sha-256", f"--pwfile={sandi}", "-U", "postgres"],
                       check=True, capture_output=True, timeout=120)
        with _proses([*sebagai, str(biner[-1]), "-D", str(folder / "data"),
                      "-c", f"listen_addresses={alamat}", "-p", str(port), "-k", str(folder)],
                     alamat, port):
            yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def halaman_web(alamat: str, port: int, folder: Path) -> Iterator[None]:
    """A static page (Python's http.server) on ``alamat``: the HTTP service the web checks
    run on."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<html><head><title>Aplikasi uji</title></head>"
                                       "<body><p>Selamat datang</p></body></html>")

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *a: object, **kw: object) -> None:
            super().__init__(*a, directory=str(folder), **kw)  # type: ignore[arg-type]

        def log_message(self, *_: object) -> None:
            pass

    with bantu.server_web(Handler, alamat, port):
        yield


class Umpan:
    """A decoy listening on (address, ports) that counts every connection it accepts."""

    def __init__(self, alamat: str, ports: list[int]) -> None:
        self.alamat = alamat
        self.jumlah = 0
        self._kunci = threading.Lock()
        self._dengar = _pendengar([(alamat, p) for p in ports], self._terima)

    def _terima(self, sambungan: socket.socket) -> None:
        with self._kunci:
            self.jumlah += 1
        sambungan.close()

    def __enter__(self) -> Umpan:
        self._dengar.__enter__()
        return self

    def __exit__(self, *_: object) -> None:
        self._dengar.__exit__(None, None, None)
