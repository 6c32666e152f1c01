"""One settings object for the whole system (environment prefix ``LPA_``).

Every module that needs configuration asks :func:`get_settings`; nothing else reads
``os.environ`` for our own options. The bottom layer: it imports nothing of ours (the
service's calendar is built from these fields in domain/:
``BusinessCalendar.dari_pengaturan(settings)``).
"""

from __future__ import annotations

from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LPA_", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"),
        description="Where the SQLite store, reports and development mail land.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of our store; unset means SQLite in data_dir/lpa.db.",
    )
    database_url_migrasi: str | None = Field(
        default=None,
        description="SQLAlchemy URL for migrations and grants (`lpa db migrasi`, `lpa db "
        "hak-akses`), as the role that owns the store's tables; unset means database_url.",
    )
    migrasi_otomatis: bool = Field(
        default=True,
        description="Processes bring the store to the newest schema when they first touch "
        "it; false: they only check the schema and refuse an older one (production, where "
        "the service's role has no right to change the schema).",
    )
    jam_buka: time = Field(default=time(8, 0), description="Service opening time (WIB).")
    jam_tutup: time = Field(default=time(16, 0), description="Service closing time (WIB).")
    hari_kerja: frozenset[int] = Field(
        default=frozenset({0, 1, 2, 3, 4}), description="Working weekdays, Monday = 0."
    )
    libur_tambahan: frozenset[date] = Field(
        default=frozenset(),
        description="Extra non-working dates beyond the national holidays and cuti bersama.",
    )

    roster_file: Path = Field(
        default=Path("config/roster.yaml"),
        description="The organisation roster: who holds which post (YAML).",
    )
    notifikasi: Literal["berkas", "smtp"] = Field(
        default="berkas",
        description="Notification channel: 'berkas' writes mail to data_dir/outbox "
        "(development), 'smtp' sends it.",
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_pengirim: str = "layanan-aplikasi@babelprov.go.id"

    kunci_enkripsi: SecretStr | None = Field(
        default=None,
        description="Fernet key for stored secrets; unset means a key file in data_dir.",
    )
    mutu_baku_faktor: float = Field(
        default=1.0, gt=0,
        description="Scale of every mutu baku (tests compress time; production keeps 1).",
    )
    uji_beban_durasi_maks: float = Field(
        default=900.0, gt=0, le=3600,
        description="Upper bound (seconds) of the stress test run in a ticket's step 5.",
    )
    uji_beban_p95_ms: float = Field(
        default=3000.0, gt=0,
        description="The stress test's p95 response-time threshold (ms) in a ticket's step 5.",
    )
    uji_batas_permintaan: float = Field(
        default=30.0, gt=0, le=600,
        description="Total deadline (seconds) of one request to an application under test: "
                    "connect, headers and the whole body (per-read timeouts are no deadline).",
    )
    uji_batas_total: float = Field(
        default=1200.0, gt=0, le=86400,
        description="Upper bound (seconds) of one whole feasibility test; a stress test "
                    "that needs longer stretches it to its own duration plus 300 s.",
    )
    va_top_ports: int = Field(
        default=1000, ge=1, le=65535,
        description="Vulnerability assessment: how many of nmap's most common TCP ports "
                    "discovery scans on each host (nmap --top-ports).",
    )
    va_port: str | None = Field(
        default=None, pattern=r"^[0-9,\-]{1,2000}$",
        description="Vulnerability assessment: an explicit port list (nmap -p, e.g. "
                    "'22,80,443,8000-8100') instead of the top ports.",
    )
    va_max_rate: float = Field(
        default=100.0, gt=0, le=10000,
        description="Vulnerability assessment: the most connection attempts per second "
                    "nmap may make (nmap --max-rate).",
    )
    va_host_timeout: int = Field(
        default=600, ge=10, le=7200,
        description="Vulnerability assessment: seconds nmap may spend on one host before it "
                    "gives up on it (nmap --host-timeout).",
    )
    va_intensitas_versi: int = Field(
        default=7, ge=0, le=9,
        description="Vulnerability assessment: how many of nmap's version probes a service "
                    "gets (nmap --version-intensity; a silent or unknown service costs up to "
                    "a few minutes at 7, half a minute at 2).",
    )
    va_ca_tambahan: Path | None = Field(
        default=None,
        description="Vulnerability assessment: a PEM file of extra root certificates the TLS "
                    "check trusts beside the public stores (e.g. the government's own CA).",
    )
    batas_detak_run: float | None = Field(
        default=None, ge=45,
        description="Seconds after a flow run's heartbeat without news before the zombie "
                    "automation marks it Crashed (default: twice "
                    "PREFECT_FLOWS_HEARTBEAT_FREQUENCY plus 60).",
    )
    kode_percobaan_maks: int = Field(
        default=5, ge=1, le=100,
        description="Wrong attempts (NIP or decision code) on one step before it is locked.",
    )
    kode_kunci_menit: float = Field(
        default=15.0, gt=0, le=24 * 60,
        description="Minutes a step stays locked after too many wrong attempts; every "
                    "attempt, even with the right code, is refused meanwhile.",
    )
    prefect_api_url: str = Field(
        default="http://127.0.0.1:4200/api",
        description="The Prefect API the lpa command talks to when PREFECT_API_URL is unset.",
    )
    serve_poll_detik: float = Field(
        default=0.5, ge=0.1, le=60,
        description="Seconds between the deployment server's (lpa up) looks for runs to "
                    "start: a new request, a resumed decision (Prefect's own setting "
                    "takes whole seconds).",
    )
    serve_forkserver: bool = Field(
        default=True,
        description="Flow runs of the deployment server (lpa up) start as forks of a "
                    "process that has imported the flows once, not as new interpreters "
                    "that import them again (deployments/serve.py).",
    )

    portal_host: str = Field(
        default="127.0.0.1", description="Address the portal (lpa up) listens on.")
    portal_port: int = Field(default=8080, ge=1, le=65535,
                             description="Port the portal (lpa up) listens on.")
    portal_url: str = Field(
        default="http://127.0.0.1:8080",
        description="The portal's public base URL, used in mailed links (tracking, decisions).")
    portal_kunci: SecretStr | None = Field(
        default=None,
        description="Key that signs the portal's form tokens (CSRF); unset means a key file "
                    "in data_dir (kunci.portal), created on first use.")
    unggah_maks_mb: float = Field(
        default=10.0, gt=0, le=100,
        description="Largest attachment (PDF, DOCX, ODT) the portal accepts, in MB.")
    portal_batas_kirim: str = Field(
        default="20/minute",
        description="Rate limit of submissions per client address (portal forms and API), "
                    "as the limits library writes it (e.g. 20/minute).")

    portal_tautan_keputusan_hari: float = Field(
        default=14.0, gt=0, le=90,
        description="Days a mailed decision link stays valid at most; it dies sooner when "
                    "used or when its step ends or passes to another official.")
    portal_otorisasi_menit: float = Field(
        default=10.0, gt=0, le=60,
        description="Minutes the portal's one-time authorisation to decide (written after a "
                    "link or session was verified) may wait for the run to check it.")
    portal_tautan_masuk_menit: float = Field(
        default=15.0, gt=0, le=24 * 60,
        description="Minutes a mailed staff sign-in link stays valid (used once).")
    portal_sesi_idle_menit: float = Field(
        default=30.0, gt=0, le=24 * 60,
        description="Minutes without a request after which a staff session ends.")
    portal_sesi_maks_jam: float = Field(
        default=8.0, gt=0, le=24 * 7,
        description="Hours after sign-in at which a staff session ends however active.")
    portal_batas_masuk: str = Field(
        default="5/15minute",
        description="Rate limit of sign-in link requests per client address and per NIP or "
                    "address asked for (limits library notation).")
    portal_batas_keputusan: str = Field(
        default="20/minute",
        description="Rate limit of decisions sent from the portal per client address.")

    @property
    def key_file(self) -> Path:
        return self.data_dir / "kunci.fernet"

    @property
    def laporan_dir(self) -> Path:
        return self.data_dir / "laporan"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'lpa.db').resolve()}"

    @property
    def migration_url(self) -> str:
        """Where migrations and grants run: the owner's URL, else the store's."""
        return self.database_url_migrasi or self.store_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
