"""Which Prefect server the ``lpa`` command talks to, and no call outside it.

Prefect reads its settings from the environment (and the profile under ``PREFECT_HOME``)
when it is first imported, and starts a throwaway server of its own when no API URL is
set. A verb of ours must reach the service's server or say plainly that it cannot, so the
environment is settled here, before Prefect is imported, and refreshed if it already was.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from settings import Settings

TANPA_TELEMETRI: dict[str, str] = {
    # Prefect's client analytics (DO_NOT_TRACK is the standard switch it honours) and the
    # server's telemetry service; the V2 UI calls an outside analytics host (ARCHITECTURE).
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_UI_V2_ENABLED": "false",
}
"""Set in every process we are or start: a government install makes no outside call."""


class ServerTidakMenjawab(RuntimeError):
    """The Prefect server the command is pointed at did not answer; message in Indonesian."""


def matikan_telemetri(env: dict[str, str] | os._Environ[str] | None = None) -> None:
    """Turn every telemetry and analytics channel off in ``env`` (this process by default)."""
    target = os.environ if env is None else env
    target.update(TANPA_TELEMETRI)


def alamat_api(settings: Settings) -> str:
    """``LPA_PREFECT_API_URL``, else ``PREFECT_API_URL``, else the ``lpa up`` default.

    A ``PREFECT_API_URL`` kept in a Prefect profile is deliberately not consulted: the
    command serves this installation, whatever profile the shell happens to have.
    """
    if "prefect_api_url" in settings.model_fields_set:
        return settings.prefect_api_url
    return os.environ.get("PREFECT_API_URL") or settings.prefect_api_url


def pakai_prefect(env: dict[str, str]) -> None:
    """Apply Prefect settings to this process, also after Prefect was imported."""
    os.environ.update(env)
    if "prefect.context" in sys.modules:
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()


def arahkan(settings: Settings, *, periksa: bool = True) -> str:
    """Point this process at the service's Prefect server; never at a throwaway one.

    Returns the API URL. With ``periksa``, the server's health endpoint must answer, else
    :class:`ServerTidakMenjawab` says so and names ``lpa up``.
    """
    api = alamat_api(settings).rstrip("/")
    env = dict(TANPA_TELEMETRI)
    env.update({"PREFECT_API_URL": api, "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "false"})
    pakai_prefect(env)
    if periksa:
        periksa_server(api)
    return api


def _kepala_auth(auth: str | None) -> dict[str, str]:
    if not auth:
        return {}
    import base64

    return {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()}


def periksa_server(api: str, timeout: float = 5.0) -> None:
    import httpx

    headers = _kepala_auth(os.environ.get("PREFECT_API_AUTH_STRING"))
    try:
        jawab = httpx.get(f"{api}/health", headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ServerTidakMenjawab(
            f"Server Prefect di {api} tidak menjawab ({type(exc).__name__}). Jalankan "
            "`lpa up` di mesin layanan, atau arahkan LPA_PREFECT_API_URL ke server layanan."
        ) from None
    if jawab.status_code == 401:
        raise ServerTidakMenjawab(
            f"Server Prefect di {api} menolak tanpa kredensial yang benar (HTTP 401); "
            "periksa PREFECT_API_AUTH_STRING (hanya operator yang memegangnya).")
    if jawab.status_code != 200:
        raise ServerTidakMenjawab(
            f"Server Prefect di {api} menjawab HTTP {jawab.status_code} pada pemeriksaan "
            "kesehatan; periksa log server, atau jalankan `lpa up`.")


class KlienPrefect:
    """The few calls of Prefect's REST API that ``lpa submit`` and ``lpa decide`` make,
    without importing Prefect (its client costs a verb about a second of its start).

    Against the server this process is pointed at (:func:`arahkan`; Prefect's settings
    context when Prefect is already imported, as in the tests and the demo), with
    ``PREFECT_API_AUTH_STRING``, and retried like Prefect's own client on 429, 502 and 503
    (the server answers 503 while its SQLite database is busy).
    """

    COBA = 6

    def __init__(self, timeout: float = 30.0) -> None:
        import httpx

        if "prefect.settings" in sys.modules:
            from prefect.settings import get_current_settings

            api = get_current_settings().api
            url = api.url or ""
            auth = api.auth_string.get_secret_value() if api.auth_string else None
            tanpa_verifikasi, sertifikat = api.tls_insecure_skip_verify, api.ssl_cert_file
        else:
            url = os.environ.get("PREFECT_API_URL", "")
            auth = os.environ.get("PREFECT_API_AUTH_STRING")
            tanpa_verifikasi = os.environ.get("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "").lower() \
                in ("1", "true", "yes")
            sertifikat = os.environ.get("PREFECT_API_SSL_CERT_FILE") or \
                os.environ.get("SSL_CERT_FILE")
        # TLS as Prefect's client does it: its certificate file, or none verified on demand
        verify: Any = True
        if tanpa_verifikasi:
            verify = False
        elif sertifikat and url.startswith("https:"):
            import ssl

            verify = ssl.create_default_context(cafile=sertifikat)
        self.alamat = url.rstrip("/")
        """The API's address this client calls."""
        self._klien = httpx.Client(base_url=url.rstrip("/") + "/", timeout=timeout,
                                   headers=_kepala_auth(auth), verify=verify)

    def __enter__(self) -> KlienPrefect:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._klien.close()

    def minta(self, metode: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        """One request (``path`` relative to the API), retried while the server is busy."""
        import time

        for coba in range(self.COBA):
            jawab = self._klien.request(metode, path, **kwargs)  # type: ignore[arg-type]
            if jawab.status_code not in (429, 502, 503) or coba == self.COBA - 1:
                return jawab
            time.sleep(min(0.25 * 2 ** coba, 5.0))
        raise AssertionError("unreachable")


SEMENTARA = "server Prefect sementara (bukan server layanan; run tidak tampil di UI layanan)"


def server_atau_sementara(settings: Settings) -> str:
    """For the verbs that can run on their own (``lpa kelaikan``, ``lpa evaluate``): the
    service's server when it answers, else Prefect's temporary in-process server, chosen
    here and returned for the verb to announce (never silently)."""
    api = alamat_api(settings).rstrip("/")
    try:
        periksa_server(api, timeout=3)
    except ServerTidakMenjawab:
        os.environ.pop("PREFECT_API_URL", None)  # no URL: Prefect's own temporary server
        pakai_prefect({
            **TANPA_TELEMETRI,
            "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true",
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
            "PREFECT_SERVER_UI_ENABLED": "false",
        })
        return f"{SEMENTARA}; server layanan {api} tidak menjawab"
    arahkan(settings, periksa=False)
    return api


def url_ui_run(flow_run_id: str | None) -> str | None:
    """The Prefect UI page of a run, for operators (the portal's list links to it).

    Prefect's ``PREFECT_UI_URL`` when Prefect is loaded, else the environment's, else the
    API URL without its ``/api``; None without a run or an address. Imports no Prefect.
    """
    if not flow_run_id:
        return None
    if "prefect.settings" in sys.modules:
        from prefect.settings import PREFECT_UI_URL

        base = PREFECT_UI_URL.value() or ""
    else:
        base = os.environ.get("PREFECT_UI_URL") or ""
        if not base:
            api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
            base = api.removesuffix("/api") if api.endswith("/api") else ""
    if not base:
        return None
    return f"{base.rstrip('/')}/flow-runs/flow-run/{flow_run_id}"
