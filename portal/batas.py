"""Length limits of the portal's own inputs (those no request-form model declares).

The request forms' limits come from their pydantic models (portal/formulir.py); these are
the inputs around them. Each is given to the page (``maxlength``) and checked by the server
(an Indonesian message beside the field): the page's limit is a convenience, the server's
is the check.
"""

from __future__ import annotations

MAKS_CATATAN = 4000
"""A decision's note and a requester's answer to a return: the runs' own limit
(flows/disposition.py: ``catatan``, ``max_length=4000``), so the run never refuses what the
portal let through."""
MAKS_INSTANSI = 200
"""The operators' agency filter: the longest agency name the store keeps
(store/models.py, ``Ticket.agency``)."""
