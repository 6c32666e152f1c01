"""The scope of a VA: which addresses may be contacted, and the nmap command that keeps to it.

``ip_jaringan`` is the scope. Every address the assessment contacts must lie inside it: the
application host, the database host and, only when the operator asks for a sweep, the other
hosts of the network. A sweep is allowed on networks no wider than a /24 (IPv4) or /120
(IPv6). Without ``ip_jaringan`` (``lpa va`` without ``--ip-jaringan``) the scope is the named
hosts themselves.

Discovery is a TCP connect scan (``-sT``: the operating system's ``connect()``, never raw SYN
packets), ``--unprivileged`` so that nmap sends no raw packet even as root, no host discovery
(``-Pn``) and no DNS (``-n``: a DNS server is outside the scope), rate-limited
(``--max-rate``), bounded in time (``--host-timeout``), with service and version
identification (``-sV``) and no NSE script beyond the version probes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PREFIKS_SAPU: dict[int, int] = {4: 24, 6: 120}
"""The widest network a sweep may cover, per IP version (a /24 is 256 addresses)."""

Alamat = ipaddress.IPv4Address | ipaddress.IPv6Address
Jaringan = ipaddress.IPv4Network | ipaddress.IPv6Network


class GalatCakupan(ValueError):
    """The request names an address outside its own scope, or a sweep too wide (the
    message is in Bahasa Indonesia)."""


class CakupanVA(BaseModel):
    """The addresses of one assessment, checked against each other."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ip_aplikasi: str = Field(description="Alamat IP server aplikasi.")
    ip_database: str | None = Field(default=None, description="Alamat IP server basis data.")
    ip_jaringan: str | None = Field(
        default=None, description="Jaringan dalam cakupan (CIDR); tanpa ini hanya kedua host.")
    sapu: bool = Field(
        default=False,
        description="Sapu seluruh jaringan (hanya atas permintaan operator, paling luas /24).")

    @field_validator("ip_aplikasi", "ip_database")
    @classmethod
    def _ip_sah(cls, nilai: str | None) -> str | None:
        if nilai is None:
            return None
        from domain.identitas import GalatIdentitas, periksa_ip_host

        try:
            return periksa_ip_host(nilai)
        except GalatIdentitas as exc:
            raise ValueError(exc.pesan) from None

    @field_validator("ip_jaringan")
    @classmethod
    def _jaringan_sah(cls, nilai: str | None) -> str | None:
        if nilai is None:
            return None
        from domain.identitas import GalatIdentitas, periksa_jaringan

        try:
            return periksa_jaringan(nilai, ketat=False)
        except GalatIdentitas as exc:
            raise ValueError(exc.pesan) from None

    @model_validator(mode="after")
    def _dalam_cakupan(self) -> CakupanVA:
        if self.ip_jaringan is not None:
            jaringan = ipaddress.ip_network(self.ip_jaringan)
            for nama, ip in (("IP aplikasi", self.ip_aplikasi),
                             ("IP database", self.ip_database)):
                if ip is not None and ipaddress.ip_address(ip) not in jaringan:
                    raise ValueError(f"{nama} {ip} berada di luar IP jaringan {jaringan}; "
                                     "alamat di luar cakupan tidak pernah dihubungi")
        if self.sapu:
            if self.ip_jaringan is None:
                raise ValueError("penyapuan jaringan membutuhkan IP jaringan (CIDR)")
            jaringan = ipaddress.ip_network(self.ip_jaringan)
            if jaringan.prefixlen < PREFIKS_SAPU[jaringan.version]:
                raise ValueError(
                    f"jaringan {jaringan} terlalu luas untuk disapu (paling luas "
                    f"/{PREFIKS_SAPU[jaringan.version]})")
        return self

    @property
    def jaringan(self) -> Jaringan:
        """The scope as a network (without ``ip_jaringan``: the application host alone)."""
        if self.ip_jaringan is not None:
            return ipaddress.ip_network(self.ip_jaringan)
        ip = ipaddress.ip_address(self.ip_aplikasi)
        return ipaddress.ip_network(f"{ip}/{ip.max_prefixlen}")

    def host_bernama(self) -> list[str]:
        """The named hosts, application first, each once."""
        return list(dict.fromkeys(h for h in (self.ip_aplikasi, self.ip_database) if h))

    def dalam_cakupan(self, alamat: str) -> bool:
        """May ``alamat`` be contacted? Inside ``ip_jaringan``, or one of the named hosts when
        there is none."""
        try:
            ip = ipaddress.ip_address(alamat)
        except ValueError:
            return False
        if self.ip_jaringan is None:
            return str(ip) in self.host_bernama()
        return ip in ipaddress.ip_network(self.ip_jaringan)

    def saring(self, alamat: Iterable[str]) -> list[str]:
        """``alamat`` in scope, in order, each once; raises on the first outside it."""
        hasil = []
        for a in alamat:
            if not self.dalam_cakupan(a):
                raise GalatCakupan(f"alamat {a} di luar cakupan {self.jaringan}")
            if a not in hasil:
                hasil.append(a)
        return hasil


class OpsiPindai(BaseModel):
    """How hard discovery may knock: the port list, its rate and its time bound."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    top_ports: int = Field(default=1000, ge=1, le=65535)
    port: str | None = Field(default=None, pattern=r"^[0-9,\-]{1,8000}$",
                             description="Daftar port nmap (mis. 22,80,443); menggantikan "
                                         "top_ports bila diisi.")
    max_rate: float = Field(default=100.0, gt=0, le=10000)
    host_timeout: int = Field(default=600, ge=10, le=7200)
    versi_intensitas: int = Field(default=7, ge=0, le=9)


PORT_WAJIB = (21, 22, 23, 139, 445, 1433, 1521, 2375, 2379, 3306, 3389, 5432, 5601, 5900,
              5984, 6379, 6443, 8086, 9042, 9200, 9300, 11211, 15672, 27017)
"""Ports always scanned beside nmap's top ports: the remote-administration and data services
the checks look for, several of which (Redis 6379, MongoDB 27017, Elasticsearch 9200,
Memcached 11211...) are not among nmap's 1,000 most common."""


def port_teratas(nmap_services: str, n: int) -> list[int]:
    """The ``n`` most common TCP ports by nmap's own frequency table (``nmap-services``),
    with :data:`PORT_WAJIB`, sorted."""
    baris = []
    for b in nmap_services.splitlines():
        bagian = b.split()
        if len(bagian) >= 3 and not b.startswith("#") and bagian[1].endswith("/tcp"):
            try:
                baris.append((float(bagian[2]), int(bagian[1].split("/")[0])))
            except ValueError:
                continue
    teratas = {port for _, port in sorted(baris, reverse=True)[:n]}
    return sorted(teratas | set(PORT_WAJIB))


def daftar_port(port: Sequence[int]) -> str:
    """Ports as nmap's ``-p`` list, runs joined (``21-23,80``)."""
    hasil: list[str] = []
    for p in sorted(set(port)):
        if hasil and "-" not in hasil[-1] and int(hasil[-1]) == p - 1:
            hasil[-1] = f"{hasil[-1]}-{p}"
        elif hasil and "-" in hasil[-1] and int(hasil[-1].split("-")[1]) == p - 1:
            hasil[-1] = f"{hasil[-1].split('-')[0]}-{p}"
        else:
            hasil.append(str(p))
    return ",".join(hasil)


def argumen_nmap(alamat: Sequence[str], opsi: OpsiPindai) -> list[str]:
    """nmap's arguments (after the program name) for discovery on ``alamat``: connect scan,
    version identification, rate and time bounds, XML on stdout. The addresses come last and
    are each one host: never a range or a name."""
    for a in alamat:
        ipaddress.ip_address(a)  # raises on anything but a single address
    port = ["-p", opsi.port] if opsi.port else ["--top-ports", str(opsi.top_ports)]
    enam = ["-6"] if any(":" in a for a in alamat) else []
    return [
        "-sT", "--unprivileged", "-Pn", "-n", *enam,
        *port,
        "-sV", "--version-intensity", str(opsi.versi_intensitas),
        "--max-rate", f"{opsi.max_rate:g}",
        "--max-retries", "1",
        "--host-timeout", f"{opsi.host_timeout}s",
        "--open", "-oX", "-",
        *alamat,
    ]


PORT_SAPU = (21, 22, 23, 25, 53, 80, 135, 139, 443, 445, 1433, 3306, 3389, 5432, 5900, 6379,
             8080, 8443, 9200, 27017)
"""The ports a sweep knocks on (TCP connect) to find the hosts that are up."""


def argumen_sapu(jaringan: str, opsi: OpsiPindai) -> list[str]:
    """nmap's arguments for a sweep of ``jaringan`` (only on the operator's request): host
    discovery by TCP connect to :data:`PORT_SAPU`, no port scan, XML on stdout."""
    net = ipaddress.ip_network(jaringan)
    if net.prefixlen < PREFIKS_SAPU[net.version]:
        raise GalatCakupan(f"jaringan {net} terlalu luas untuk disapu")
    enam = ["-6"] if net.version == 6 else []
    return ["-sn", "--unprivileged", "-n", *enam,
            "-PS" + ",".join(str(p) for p in PORT_SAPU),
            "--max-rate", f"{opsi.max_rate:g}", "--max-retries", "1",
            "--host-timeout", f"{opsi.host_timeout}s", "-oX", "-", str(net)]
