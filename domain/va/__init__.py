"""Vulnerability assessment (VA) of hosts and services: the pure half.

The VA form names three addresses: IP Aplikasi, IP Database and IP Jaringan. The assessment
finds the services the two hosts expose (a TCP connect scan of a well-known port list, then
service and version identification), checks each service by kind (remote administration,
TLS, data services, software past its end of life), and runs the feasibility test's web checks
on every HTTP(S) service found. IP Jaringan is the scope: no address outside it is ever
contacted.

Modules, each one idea:
    * :mod:`domain.va.cakupan`: the scope and the nmap command line it allows;
    * :mod:`domain.va.nmap`: nmap's XML read into services;
    * :mod:`domain.va.cek`: the checks (id, title, severity, CWE) and how each observation
      is judged;
    * :mod:`domain.va.dataset`: the dated offline end-of-life and known-vulnerability data;
    * :mod:`domain.va.laporan`: the report (the feasibility test's schema, with a category
      for hosts and services whose findings carry ``host`` and ``port``) and its verdict.
"""
