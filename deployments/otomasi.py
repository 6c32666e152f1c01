"""The Prefect automation that marks a dead ("zombie") flow run Crashed.

A run whose process is killed with the machine, or with ``kill -9``, stays Running on the
server: nothing is left to report its end. Every flow run sends a heartbeat event
(``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` seconds, Prefect's default 180); this automation
marks a run Crashed when, after a heartbeat, none of the expected events follows within
twice that interval plus a minute (or ``LPA_BATAS_DETAK_RUN`` seconds). The SLA watch then
starts a ticket's crashed run again (tasks/pemulihan). This follows Prefect's "detect
zombie flows" recipe, with Suspended and Paused added to the expected events, since a ticket
waiting for an official sends none.

``lpa up`` (deployments/serve.py) makes sure it exists; with workers (prefect.yaml) run
``python -m deployments.otomasi`` once against the server.
"""

from __future__ import annotations

from datetime import timedelta

from prefect.automations import Automation
from prefect.client.schemas.objects import StateType
from prefect.events.actions import ChangeFlowRunState
from prefect.events.schemas.automations import EventTrigger, Posture
from prefect.events.schemas.events import ResourceSpecification
from prefect.settings import get_current_settings

from settings import get_settings

NAMA = "lpa: run tanpa detak ditandai Crashed"
PESAN = "Run tidak mengirim detak (heartbeat); prosesnya dianggap mati."
_DIHARAPKAN = {
    "prefect.flow-run.heartbeat",
    "prefect.flow-run.Completed",
    "prefect.flow-run.Failed",
    "prefect.flow-run.Cancelled",
    "prefect.flow-run.Crashed",
    "prefect.flow-run.Suspended",
    "prefect.flow-run.Paused",
}


def batas_detak(frekuensi: int | None = None) -> timedelta:
    """How long after a heartbeat a run without news is taken for dead."""
    tetap = get_settings().batas_detak_run
    if tetap:
        return timedelta(seconds=tetap)
    detik = frekuensi or get_current_settings().flows.heartbeat_frequency or 180
    return timedelta(seconds=2 * detik + 60)


def otomasi_zombie(within: timedelta | None = None) -> Automation:
    return Automation(
        name=NAMA,
        description="Menandai Crashed run yang berhenti mengirim detak; pengawas SLA lpa "
                    "lalu melanjutkan tiketnya dengan run baru.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect=set(_DIHARAPKAN),
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=within or batas_detak(),
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED, message=PESAN)],
    )


def pastikan_otomasi_zombie(within: timedelta | None = None) -> Automation:
    """Create the automation, or bring an existing one of that name up to date."""
    want = otomasi_zombie(within)
    try:
        ada = Automation.read(name=NAMA)
    except ValueError:
        return want.create()
    if ada.trigger != want.trigger or ada.actions != want.actions or not ada.enabled:
        ada.trigger, ada.actions, ada.enabled = want.trigger, want.actions, True
        ada.update()
    return ada


if __name__ == "__main__":
    a = pastikan_otomasi_zombie()
    print(f"{a.name}: {a.id}")
