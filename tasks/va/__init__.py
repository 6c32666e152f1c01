"""Vulnerability assessment: the I/O half (nmap, sslyze, ssh-audit, polite probes, report).

Every function here contacts only the (host, port) it is given; the flow (flows/va.py) gives
only what discovery found inside the scope (:class:`domain.va.cakupan.CakupanVA`).
"""
