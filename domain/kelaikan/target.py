"""What an approved request names as the feasibility test's target, and what counts as
official e-mail."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from domain.identitas import (
    GalatIdentitas,
    alasan_ip_terlarang,
    host_url_tertulis,
    periksa_host,
    periksa_jaringan,
)

SUFIKS_KEDINASAN = "go.id"
"""Official e-mail of Indonesian government bodies lives under this public suffix."""


# --- The request's target ----------------------------------------------------------------

def _origin(url: str) -> tuple[str, str, int]:
    bagian = urlsplit(url)
    port = bagian.port or (443 if bagian.scheme == "https" else 80)
    return bagian.scheme, (bagian.hostname or "").lower(), port


class TargetUji(BaseModel):
    """What an approved request names: the application, a test account, the database host.

    The password is a :class:`SecretStr`: it shows as ``**********`` in ``repr``, logs and
    JSON dumps (also where Prefect stores a run's parameters).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="Alamat aplikasi (http/https).")
    username: str | None = Field(default=None, max_length=200)
    password: SecretStr | None = None
    db_host: str | None = Field(default=None, max_length=253)
    db_port: int | None = Field(default=None, ge=1, le=65535)
    network: str | None = Field(default=None, description="Jaringan dalam cakupan (CIDR).")
    email_formulir: tuple[str, ...] = Field(
        default=(), description="Alamat email pada formulir permohonan (diperiksa lain_lain).")

    @field_validator("url")
    @classmethod
    def _url_sah(cls, nilai: str) -> str:
        nilai = nilai.strip()
        bagian = urlsplit(nilai)
        if bagian.scheme not in ("http", "https") or not bagian.hostname:
            raise ValueError("URL aplikasi harus diawali http:// atau https:// dan memuat host")
        if bagian.username is not None or bagian.password is not None:
            raise ValueError("URL aplikasi tidak boleh memuat nama pengguna atau kata sandi")
        try:
            bagian.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise ValueError("port pada URL aplikasi tidak sah") from None
        if any(not k.isprintable() for k in nilai):
            raise ValueError("URL aplikasi tidak boleh memuat karakter kendali atau karakter "
                             "tak terlihat")
        try:  # the same host rules as the request form (domain.identitas)
            periksa_host(host_url_tertulis(nilai) or "")
        except GalatIdentitas as exc:
            raise ValueError(exc.pesan) from None
        return bagian._replace(fragment="").geturl()

    @field_validator("db_host")
    @classmethod
    def _host_sah(cls, nilai: str | None) -> str | None:
        if nilai is None:
            return None
        nilai = nilai.strip().lower()
        if not re.fullmatch(r"[a-z0-9.:\-]+", nilai):
            raise ValueError("host basis data tidak sah")
        try:
            ip = ipaddress.ip_address(nilai)
        except ValueError:
            try:  # a name; numeric spellings ("2130706433") are refused as in the URL
                return periksa_host(nilai, "Host basis data")
            except GalatIdentitas as exc:
                raise ValueError(exc.pesan) from None
        alasan = alasan_ip_terlarang(ip)
        if alasan:
            raise ValueError(f"Host basis data {ip} adalah {alasan} dan tidak dapat diuji")
        return str(ip)

    @field_validator("network")
    @classmethod
    def _jaringan_sah(cls, nilai: str | None) -> str | None:
        if nilai is None:
            return None
        try:
            jaringan = ipaddress.ip_network(nilai.strip(), strict=False)
        except ValueError:
            raise ValueError("jaringan harus berupa CIDR, mis. 10.10.0.0/24") from None
        try:  # the same rules as the VA form's ip_jaringan, host bits cleared
            return periksa_jaringan(str(jaringan), ketat=False)
        except GalatIdentitas as exc:
            raise ValueError(exc.pesan) from None

    @model_validator(mode="after")
    def _akun_lengkap(self) -> TargetUji:
        if (self.username is None) != (self.password is None):
            raise ValueError("akun uji harus berisi nama pengguna dan kata sandi sekaligus")
        return self

    @property
    def origin(self) -> tuple[str, str, int]:
        """Scheme, host and port: the scope of every HTTP request of the test."""
        return _origin(self.url)

    @property
    def host(self) -> str:
        return self.origin[1]

    @property
    def host_db(self) -> str | None:
        """The database host to test: the one given, else the application's host when only a
        port was given, else None (the dbms category is then not tested)."""
        if self.db_host:
            return self.db_host
        return self.host if self.db_port else None

    def rahasia(self) -> list[str]:
        """Strings that must never appear in any output of the test."""
        return [self.password.get_secret_value()] if self.password else []


def alamat_kedinasan(sufiks: str) -> bool:
    """An e-mail domain whose public suffix is ``go.id`` (or below it) is official."""
    sufiks = sufiks.lower().strip(".")
    return sufiks == SUFIKS_KEDINASAN or sufiks.endswith("." + SUFIKS_KEDINASAN)
