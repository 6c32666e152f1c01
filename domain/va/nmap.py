"""nmap's XML output (``-oX``) read into hosts and services.

Only what the assessment needs: per host its address and state, per open port the protocol,
the service name nmap gave, product, version, extra information, whether it is wrapped in
TLS (``tunnel="ssl"``), CPEs, and nmap's own run statistics (time, how it ended).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pydantic import BaseModel, ConfigDict, Field

NAMA_HTTP = frozenset({"http", "https", "http-proxy", "http-alt", "https-alt", "ssl/http",
                       "http-mgmt", "httpx"})
NAMA_TLS = frozenset({"https", "ssl", "imaps", "pop3s", "smtps", "ldaps", "ftps", "https-alt",
                      "ms-wbt-server"})


class Layanan(BaseModel):
    """One open port and what listens on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str
    port: int = Field(ge=1, le=65535)
    protokol: str = "tcp"
    nama: str = ""
    """nmap's service name (``ssh``, ``http``, ``mysql``...); empty when unknown."""
    produk: str = ""
    versi: str = ""
    info: str = ""
    tunnel: str = ""
    """``ssl`` when nmap found the service behind TLS."""
    cpe: tuple[str, ...] = ()
    metode: str = ""
    """How nmap named it: ``probed`` (answered a probe) or ``table`` (port number only)."""

    @property
    def tls(self) -> bool:
        return self.tunnel == "ssl" or self.nama in NAMA_TLS

    @property
    def http(self) -> bool:
        return self.nama in NAMA_HTTP or self.nama.startswith("http")

    @property
    def label(self) -> str:
        """Service and version as the report's table shows them."""
        nama = (f"{self.tunnel}/" if self.tunnel else "") + (self.nama or "tidak dikenal")
        versi = " ".join(b for b in (self.produk, self.versi, f"({self.info})"
                                     if self.info else "") if b)
        return f"{nama} {versi}".strip()


class HostDipindai(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    ip: str
    status: str
    """``up`` or ``down`` as nmap said."""
    alasan: str = ""
    layanan: tuple[Layanan, ...] = ()


class HasilPindai(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: tuple[HostDipindai, ...]
    perintah: str = ""
    """nmap's command line as nmap recorded it."""
    detik: float = 0.0
    ringkasan: str = ""
    """nmap's own closing line (``Nmap done at ...; 2 IP addresses (2 hosts up)...``)."""


class XmlNmapRusak(ValueError):
    """nmap's output is no nmap XML (the message is in Bahasa Indonesia)."""


def ringkas_perintah(perintah: str) -> str:
    """nmap's command line with a long port list told by its size (``-p <1011 port>``)."""
    def ganti(m: re.Match[str]) -> str:
        jumlah = 0
        for bagian in m.group(1).split(","):
            awal, _, akhir = bagian.partition("-")
            jumlah += int(akhir or awal) - int(awal) + 1
        return f"-p <{jumlah} port>"

    return re.sub(r"-p ([0-9,\-]{80,})", ganti, perintah)


def baca_xml_nmap(teks: str | bytes) -> HasilPindai:
    """Hosts and their open TCP services from nmap's XML."""
    try:
        akar = ET.fromstring(teks)
    except ET.ParseError as exc:
        raise XmlNmapRusak(f"keluaran nmap bukan XML yang sah ({exc})") from None
    if akar.tag != "nmaprun":
        raise XmlNmapRusak("keluaran nmap bukan laporan nmap (nmaprun)")
    hosts = []
    for h in akar.iter("host"):
        alamat = next((a.get("addr", "") for a in h.iter("address")
                       if a.get("addrtype") in ("ipv4", "ipv6")), "")
        status = h.find("status")
        keadaan = status.get("state", "unknown") if status is not None else "unknown"
        alasan = status.get("reason", "") if status is not None else ""
        layanan = []
        for p in h.iter("port"):
            state = p.find("state")
            if state is None or state.get("state") != "open":
                continue
            s = p.find("service")
            attr = s.attrib if s is not None else {}
            layanan.append(Layanan(
                host=alamat, port=int(p.get("portid", "0")), protokol=p.get("protocol", "tcp"),
                nama=attr.get("name", ""), produk=attr.get("product", ""),
                versi=attr.get("version", ""), info=attr.get("extrainfo", ""),
                tunnel=attr.get("tunnel", ""), metode=attr.get("method", ""),
                cpe=tuple(c.text or "" for c in (s.iter("cpe") if s is not None else [])),
            ))
        hosts.append(HostDipindai(ip=alamat, status=keadaan, alasan=alasan,
                                  layanan=tuple(sorted(layanan, key=lambda x: x.port))))
    selesai = akar.find("runstats/finished")
    return HasilPindai(
        host=tuple(hosts), perintah=akar.get("args", ""),
        detik=float(selesai.get("elapsed", "0")) if selesai is not None else 0.0,
        ringkasan=selesai.get("summary", "") if selesai is not None else "",
    )

