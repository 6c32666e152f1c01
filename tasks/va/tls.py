"""TLS: what sslyze sees of one TLS service (protocols, weak cipher suites, certificate).

sslyze (PyPI) is run in a worker thread with few connections at once; the certificate is read
with ``cryptography`` from the chain the server sent, and validated by sslyze against its
bundled trust stores.
"""

from __future__ import annotations

import asyncio
import re
import warnings
from datetime import UTC
from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE

from domain.va.cek import ObservasiTLS
from settings import get_settings

PROTOKOL = {
    "ssl_2_0_cipher_suites": "SSL 2.0", "ssl_3_0_cipher_suites": "SSL 3.0",
    "tls_1_0_cipher_suites": "TLS 1.0", "tls_1_1_cipher_suites": "TLS 1.1",
    "tls_1_2_cipher_suites": "TLS 1.2", "tls_1_3_cipher_suites": "TLS 1.3",
}
# sslyze's bundled trust stores hold an old root cryptography warns about at every load
warnings.filterwarnings("ignore", message="Parsed a serial number which wasn't positive")

_LEMAH = re.compile(r"NULL|_anon_|EXPORT|RC4|_DES_|3DES|DES40|_MD5$", re.IGNORECASE)


class TLSTidakTerbaca(RuntimeError):
    """sslyze could not complete the TLS handshake with the service."""


def _nama_sertifikat(sertifikat: object) -> tuple[str, ...]:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    nama: list[str] = []
    try:
        san = sertifikat.extensions.get_extension_for_class(  # type: ignore[attr-defined]
            x509.SubjectAlternativeName).value
        nama += san.get_values_for_type(x509.DNSName)
        nama += [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    if not nama:
        nama += [str(a.value) for a in sertifikat.subject.get_attributes_for_oid(  # type: ignore[attr-defined]
            NameOID.COMMON_NAME)]
    return tuple(nama)


def amati_tls_sinkron(host: str, port: int) -> ObservasiTLS:
    from sslyze import (
        CertificateInfoExtraArgument,
        ScanCommand,
        ScanCommandsExtraArguments,
        Scanner,
        ServerNetworkLocation,
        ServerScanRequest,
        ServerScanStatusEnum,
    )

    perintah = {ScanCommand.CERTIFICATE_INFO, ScanCommand.SSL_2_0_CIPHER_SUITES,
                ScanCommand.SSL_3_0_CIPHER_SUITES, ScanCommand.TLS_1_0_CIPHER_SUITES,
                ScanCommand.TLS_1_1_CIPHER_SUITES, ScanCommand.TLS_1_2_CIPHER_SUITES,
                ScanCommand.TLS_1_3_CIPHER_SUITES}
    lokasi = ServerNetworkLocation(hostname=host, port=port, ip_address=host)
    ca = get_settings().va_ca_tambahan
    tambahan = (ScanCommandsExtraArguments(certificate_info=CertificateInfoExtraArgument(
        custom_ca_file=Path(ca))) if ca else ScanCommandsExtraArguments())
    pemindai = Scanner(per_server_concurrent_connections_limit=2,
                       concurrent_server_scans_limit=1)
    pemindai.queue_scans([ServerScanRequest(server_location=lokasi, scan_commands=perintah,
                                                          scan_commands_extra_arguments=tambahan)])
    hasil = next(iter(pemindai.get_results()))
    if hasil.scan_status != ServerScanStatusEnum.COMPLETED or hasil.scan_result is None:
        galat = getattr(hasil.connectivity_error_trace, "exc_value", None) or \
            hasil.connectivity_status
        raise TLSTidakTerbaca(f"jabat tangan TLS dengan {host}:{port} gagal: {galat}")
    sr = hasil.scan_result
    protokol: list[str] = []
    lemah: list[str] = []
    for atribut, nama in PROTOKOL.items():
        upaya = getattr(sr, atribut)
        if upaya.result is None or not upaya.result.accepted_cipher_suites:
            continue
        protokol.append(nama)
        for c in upaya.result.accepted_cipher_suites:
            s = c.cipher_suite
            if _LEMAH.search(s.name) or (s.key_size and s.key_size < 128):
                lemah.append(f"{nama} {s.name}")
    data: dict[str, object] = {"protokol": tuple(protokol),
                               "cipher_lemah": tuple(dict.fromkeys(lemah))}
    info = sr.certificate_info.result if sr.certificate_info else None
    if info is not None and info.certificate_deployments:
        d = info.certificate_deployments[0]
        daun = d.received_certificate_chain[0]
        data.update(
            subjek=daun.subject.rfc4514_string(), penerbit=daun.issuer.rfc4514_string(),
            berlaku_sampai=daun.not_valid_after_utc.astimezone(UTC),
            swatanda=daun.subject == daun.issuer and d.verified_certificate_chain is None,
            rantai_tepercaya=d.verified_certificate_chain is not None,
            nama=_nama_sertifikat(daun))
    return ObservasiTLS.model_validate(data)


@task(name="va.tls", cache_policy=NONE, persist_result=False, timeout_seconds=300)
async def amati_tls(host: str, port: int) -> ObservasiTLS:
    return await asyncio.to_thread(amati_tls_sinkron, host, port)
