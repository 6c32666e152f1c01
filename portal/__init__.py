"""The service desk's web front door: forms, tracking pages, decision pages, the JSON API.

Server-rendered in Bahasa Indonesia, no JavaScript. It imports settings/, domain/, store/
and klien/ only: never flow code (tests/test_lint.py checks it). Build the application with
:func:`portal.app.buat_app`.
"""
