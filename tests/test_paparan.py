"""Production exposure, as written down: the runbook and ``lpa up`` (docs/08-security.md).

No server is started here. The running server, its 401s and the unprivileged worker are in
``tests/test_produksi.py``; these checks keep the runbook (deployments/produksi.md) saying
what those tests show: the Prefect API bound to loopback or a private interface only, behind
a TLS proxy that admits operators and workers only, the credential kept from officials and
requesters, every service unit unprivileged, and no call-outs.
"""

from __future__ import annotations

import ipaddress
import re
import signal
from pathlib import Path

import bantu
import pytest
from typer.testing import CliRunner

from lpa import server
from settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
RUNBOOK = ROOT / "deployments" / "produksi.md"


def _runbook() -> str:
    return RUNBOOK.read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", _runbook(), re.M | re.S)


def _bindable(host: str) -> bool:
    """Loopback or a private address: never every interface, never a public one."""
    address = ipaddress.ip_address(host)
    return not address.is_unspecified and (address.is_loopback or address.is_private)


def test_runbook_binds_the_prefect_server_to_loopback_or_a_private_interface() -> None:
    hosts = re.findall(r"prefect server start[^\n`]*?--host\s+(\S+)", _runbook())
    # section 2 (by hand), the server's unit, and the several API servers of section 7
    assert len(hosts) >= 3, hosts
    assert all(_bindable(h) for h in hosts), hosts
    # the one-server setup, where the proxy runs on the same machine: loopback itself
    server_block = next(b for b in _blocks("bash") if "PREFECT_SERVER_API_AUTH_STRING" in b)
    assert re.search(r"prefect server start --host 127\.0\.0\.1 ", server_block), server_block
    assert "--host 0.0.0.0" not in _runbook()


def test_runbook_proxy_admits_operators_and_workers_only() -> None:
    [nginx] = _blocks("nginx")
    servers = re.split(r"^server \{", nginx, flags=re.M)[1:]
    assert len(servers) == 2, "one server block for operators, one for workers"
    for block in servers:
        # a bare "listen 443" would listen on every interface
        [listen] = re.findall(r"^\s*listen\s+(\S+)", block, re.M)
        host, _, port = listen.rpartition(":")
        assert host and _bindable(host) and port.isdigit(), listen
        assert re.search(rf"listen\s+{re.escape(listen)}\s+ssl;", block), "TLS on every port"
        assert re.search(r"^\s*deny\s+all;", block, re.M), "everything not allowed is denied"
        assert re.findall(r"^\s*allow\s+\S+;", block, re.M), "someone is admitted"
        assert re.search(r"proxy_pass http://127\.0\.0\.1:4200;", block)
    operators, workers = servers
    assert re.search(r"^\s*ssl_verify_client\s+on;", operators, re.M), "operators need a cert"
    # workers (no client certificate in Prefect's client) by their own addresses only
    allowed = re.findall(r"^\s*allow\s+(\S+);", workers, re.M)
    assert all("/" not in a for a in allowed), allowed
    assert re.search(r"location / \{ return 403; \}", workers), "workers get the API only"


def _section(title_start: str) -> str:
    text = _runbook()
    start = text.index(f"\n## {title_start}")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_runbook_keeps_the_credential_from_officials_and_requesters() -> None:
    table = [line for line in _section("0. Who may reach the Prefect API").splitlines()
             if line.startswith("| ") and not line.startswith("| Who")]
    rows = {cells[0]: cells[1:] for cells in
            ([c.strip() for c in line.strip("|").split("|")] for line in table)}
    outsiders = [who for who in rows if who.startswith(("officials", "requesters"))]
    assert len(outsiders) == 2, rows
    for who in outsiders:
        holds, reaches = rows[who]
        assert holds == "**no**" and reaches.startswith("**no**"), (who, rows[who])
    insiders = [who for who in rows if who not in outsiders]
    assert insiders and all(rows[who][0].startswith("yes") for who in insiders), rows
    # the client settings are given to our own processes, and nowhere to the portal
    clients = _section("3. Server-side clients")
    assert "never the portal, officials or requesters" in clients
    assert "PREFECT_API_AUTH_STRING" in clients


def _units() -> dict[str, dict[str, list[str]]]:
    units = {}
    for block in _blocks("ini"):
        keys: dict[str, list[str]] = {}
        for line in block.splitlines():
            if "=" in line and not line.lstrip().startswith(("#", "[")):
                key, _, value = line.partition("=")
                keys.setdefault(key.strip(), []).append(value.strip())
        units[keys["Description"][0]] = keys
    return units


def test_runbook_units_run_unprivileged() -> None:
    units = _units()
    assert len(units) == 2, list(units)  # the worker's and the server's
    for name, keys in units.items():
        [user] = keys["User"]
        [group] = keys["Group"]
        assert user and user not in ("root", "0"), (name, user)
        assert group and group not in ("root", "0"), (name, group)
        assert keys["NoNewPrivileges"] == ["yes"], name
        assert keys["CapabilityBoundingSet"] == [""], name  # no capabilities at all
        assert keys["ProtectSystem"] == ["strict"], name    # read-only but for the lines below
        assert keys["ProtectHome"] == ["yes"], name
        assert keys["KillSignal"] == ["SIGINT"], name
    [worker] = [k for k in units.values() if "worker start" in k["ExecStart"][0]]
    assert worker["User"] == ["lpa"]
    # the only writable directory is LPA_HOME's var/
    [home] = worker["WorkingDirectory"]
    assert worker["ReadWritePaths"] == [f"{home}/var"]
    [prefect] = [k for k in units.values() if "server start" in k["ExecStart"][0]]
    assert "--host 127.0.0.1 " in prefect["ExecStart"][0]
    assert "ReadWritePaths" not in prefect and prefect["StateDirectory"] == ["prefect"]
    # the runbook creates the user without a shell and gives it no sudo
    text = _runbook()
    assert re.search(r"useradd --system [^\n]*--shell /usr/sbin/nologin lpa\n", text)
    assert "sudo -l -U lpa" in text
    assert "install -d -o lpa -g lpa -m 0750 /opt/lpa/var" in text


def test_runbook_and_lpa_up_keep_the_install_from_calling_out() -> None:
    [server_block] = [b for b in _blocks("bash") if "prefect server start" in b]
    for setting in ("PREFECT_SERVER_UI_V2_ENABLED=false", "PREFECT_SERVER_ANALYTICS_ENABLED=false"):
        assert f"export {setting}" in server_block, setting
    env = server.prefect_env(get_settings(), "http://127.0.0.1:4200/api")
    assert env["PREFECT_SERVER_UI_V2_ENABLED"] == "false"
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


class _Recorded:
    """Stands in for server.Proses: records the command, starts nothing."""

    commands: list[list[str]] = []

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.commands.append(list(args))

    def alive(self) -> bool:
        return False

    def stop(self, timeout: float = 20) -> None:
        pass


def test_lpa_up_binds_the_prefect_server_to_loopback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        pengaturan_uji: bantu.Pengaturan) -> None:
    from lpa.cli import app
    from store import db

    def not_started(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("only the command is checked")

    _Recorded.commands = []
    pengaturan_uji(data_dir=tmp_path)
    monkeypatch.setattr(server, "Proses", _Recorded)
    monkeypatch.setattr(server, "wait_healthy", not_started)
    monkeypatch.setattr(db, "upgrade", lambda _url: None)
    monkeypatch.setattr(signal, "signal", lambda *_args: None)  # keep pytest's handlers
    port = server.free_port()
    result = CliRunner().invoke(app, ["up", "--port", str(port),
                                      "--portal-port", str(server.free_port())])
    assert "only the command is checked" in result.output, result.output
    [command] = _Recorded.commands
    assert command[command.index("server") + 1] == "start", command
    assert command[command.index("--host") + 1] == "127.0.0.1", command
    assert command[command.index("--port") + 1] == str(port), command
    assert "0.0.0.0" not in command
