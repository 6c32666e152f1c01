"""The test account's password for ``lpa kelaikan`` and ``lpa va``: never on the command line.

A command-line argument is visible to every user of the machine (``ps``) and stays in the
shell's history, so there is no ``--password``: the password comes from the environment
variable ``LPA_UJI_PASSWORD`` or, when a user name is given without it and the command runs
in a terminal, from a prompt that does not echo what is typed.
"""

from __future__ import annotations

import os
import sys

import typer

from klien import galat

ENV_SANDI = "LPA_UJI_PASSWORD"


class SandiTidakAda(ValueError):
    """A user name without a password, and no terminal to ask for it."""


def sandi_akun_uji(username: str | None) -> str | None:
    """The test account's password: the environment's, else asked for on a terminal when
    ``username`` is given; ``None`` without both. An empty variable counts as unset."""
    sandi = os.environ.get(ENV_SANDI) or None
    if sandi is None and username is not None:
        if sys.stdin is None or not sys.stdin.isatty():
            raise SandiTidakAda(
                f"Akun uji --username {username} membutuhkan kata sandi: isi variabel "
                f"lingkungan {ENV_SANDI}, atau jalankan perintah di terminal agar kata sandi "
                "ditanyakan tanpa ditampilkan (opsi --password tidak ada: baris perintah "
                "terlihat oleh pengguna lain).")
        # click asks again on an empty answer
        sandi = typer.prompt("Kata sandi akun uji", hide_input=True)
    galat.rahasiakan(sandi)
    return sandi
