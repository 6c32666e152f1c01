"""The orchestration layer: Prefect flows that read like the SOP.

Importing any flow module installs :class:`TungguBukanGalat` on Prefect's flow-run logger.
"""

from __future__ import annotations

import logging


class TungguBukanGalat(logging.Filter):
    """A ticket run that suspends to wait for an official finished normally, but Prefect's
    async flow engine logs every non-completed end at ERROR ("Finished in state
    Suspended(...)"). Operators learn to ignore red; a wait is not an error: logged at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            pesan = record.getMessage()
            if pesan.startswith(("Finished in state Suspended", "Finished in state Paused")):
                record.levelno, record.levelname = logging.INFO, "INFO"
        return True


_logger = logging.getLogger("prefect.flow_runs")
if not any(isinstance(f, TungguBukanGalat) for f in _logger.filters):
    _logger.addFilter(TungguBukanGalat())
