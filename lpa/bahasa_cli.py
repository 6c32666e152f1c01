"""Typer's own usage errors (a missing argument, an unknown option, a value outside the
choices...) told to people in Bahasa Indonesia.

Typer words these in English, and since it carries its own copy of Click (typer 0.2x) they no
longer pass through ``gettext``, so no message catalog can translate them. ``lpa.cli.main``
runs the command with ``standalone_mode=False``, which hands the exception to us instead of
printing it, and :func:`pesan_galat_pemakaian` words it from the exception's own fields
(the parameter, the option name, the cause), never from its English text; an English text
this module does not recognise becomes a general Indonesian sentence, not a leak.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import typer

try:  # typer >= 0.2x carries its own copy of Click
    from typer._click import exceptions as _klik
except ImportError:  # pragma: no cover - older typer on the click package
    from click import exceptions as _klik  # type: ignore[no-redef]

GalatKlik = _klik.ClickException
"""Everything Typer raises for people (usage errors, files it could not open)."""
GalatPemakaian = _klik.UsageError
Dibatalkan = typer.Abort

_POTONGAN = {"[OPTIONS]": "[OPSI]", "COMMAND [ARGS]...": "PERINTAH [ARGUMEN]...",
             "COMMAND": "PERINTAH", "[ARGS]...": "[ARGUMEN]..."}


def _petunjuk(exc: Any) -> str:
    """The parameter as the command line writes it: '--jenis', 'tiket'."""
    if getattr(exc, "param_hint", None) is not None:
        hint = exc.param_hint
        return hint if isinstance(hint, str) else " / ".join(f"'{h}'" for h in hint)
    param = getattr(exc, "param", None)
    return param.get_error_hint() if param is not None else ""


def _cara_pakai(ctx: Any) -> str | None:
    if ctx is None:
        return None
    try:
        potongan = ctx.command.collect_usage_pieces(ctx)
    except Exception:  # noqa: BLE001 - the usage line is a courtesy
        return None
    # Typer writes an argument as {name} (required) or [name]: shown as NAME, [NAME]
    kata = [_POTONGAN.get(p) or re.sub(r"\{(\w+)\}", r"\1", p).upper() for p in potongan]
    return f"Cara pakai: {ctx.command_path} {' '.join(kata)}".rstrip()


_PILIHAN = re.compile(r"^(?P<nilai>.*) is not one of (?P<pilihan>.*?)\.?$", re.S)
_BERKAS = re.compile(
    r"^(?:File|Directory|Path) (?P<nama>.+) (?P<aturan>does not exist|is a file|is a directory"
    r"|is not readable|is not writable)\.$", re.S)
_ATURAN_BERKAS = {
    "does not exist": "tidak ada",
    "is a file": "adalah berkas, padahal yang diminta direktori",
    "is a directory": "adalah direktori, padahal yang diminta berkas",
    "is not readable": "tidak dapat dibaca",
    "is not writable": "tidak dapat ditulisi",
}
_BUKAN_JENIS = re.compile(r"^Value (?P<nilai>.+) is not a valid \w+\.$", re.S)


def _isi_nilai_salah(exc: Any) -> str:
    """Why a value was refused, from the cause Typer recorded (a pydantic error)."""
    from domain.errors import pesan_aturan  # the form models: only when a value was refused

    sebab = exc.__cause__
    if sebab is not None and hasattr(sebab, "errors"):
        try:
            galat = sebab.errors(include_url=False)
        except Exception:  # noqa: BLE001 - fall through to the general sentence
            galat = []
        if galat:
            pertama = galat[0]
            ctx = dict(pertama.get("ctx") or {})
            if pertama["type"] == "value_error":
                cocok = _PILIHAN.match(str(ctx.get("error", "")))
                if cocok:
                    pilihan = re.findall(r"'([^']*)'", cocok["pilihan"]) or [cocok["pilihan"]]
                    return (f"{cocok['nilai']} bukan salah satu pilihan; pilih "
                            + ", ".join(pilihan))
            isi = pesan_aturan(pertama["type"], ctx)
            if isi and isi != "nilai tidak valid":
                return isi
    pesan = str(getattr(exc, "message", "") or "")
    cocok = _BERKAS.match(pesan)
    if cocok:
        return f"{cocok['nama']} {_ATURAN_BERKAS[cocok['aturan']]}"
    cocok = _BUKAN_JENIS.match(pesan)
    if cocok:
        return f"{cocok['nilai']} bukan nilai yang sah"
    if pesan == "Value must be an iterable.":
        return "harus berupa daftar nilai"
    return "nilai ini tidak dapat dipakai"


def _jumlah_nilai(teks: str) -> str:
    cocok = re.search(r"requires (\d+) arguments|takes (\d+) values", teks)
    return f"{(cocok.group(1) or cocok.group(2))} nilai" if cocok else "satu nilai"


def _isi(exc: Any) -> str:
    """The error itself, one Indonesian sentence."""
    if isinstance(exc, _klik.MissingParameter):
        jenis = exc.param_type or getattr(exc.param, "param_type_name", "parameter")
        label = {"argument": "Argumen", "option": "Opsi"}.get(jenis, "Parameter")
        return f"{label} {_petunjuk(exc)} wajib diisi.".replace("  ", " ")
    if isinstance(exc, _klik.BadParameter):
        return f"Nilai {_petunjuk(exc)} tidak sah: {_isi_nilai_salah(exc)}.".replace("  ", " ")
    if isinstance(exc, _klik.NoSuchOption):
        teks = f"Opsi {exc.option_name} tidak dikenal"
        if exc.possibilities:
            teks += "; mungkin maksud Anda " + " atau ".join(sorted(exc.possibilities))
        return teks + "."
    if isinstance(exc, _klik.BadOptionUsage):
        if "does not take a value" in exc.message:
            return f"Opsi {exc.option_name} tidak menerima nilai."
        return f"Opsi {exc.option_name} memerlukan {_jumlah_nilai(exc.message)}."
    if isinstance(exc, _klik.BadArgumentUsage):
        cocok = re.match(r"Argument '?([^' ]+)'? takes", exc.message)
        nama = f" {cocok.group(1)}" if cocok else ""
        return f"Argumen{nama} memerlukan {_jumlah_nilai(exc.message)}."
    pesan = str(getattr(exc, "message", "") or "")
    ctx = getattr(exc, "ctx", None)
    cocok = re.match(r"No such command '(.*?)'\.", pesan, re.S)
    if cocok:
        teks = f"Perintah '{cocok.group(1)}' tidak dikenal"
        perintah = _daftar_perintah(ctx)
        mirip = difflib.get_close_matches(cocok.group(1), perintah, n=1)
        if mirip:
            teks += f"; mungkin maksud Anda '{mirip[0]}'"
        elif perintah:
            teks += "; yang ada: " + ", ".join(perintah)
        return teks + "."
    if pesan == "Missing command.":
        perintah = _daftar_perintah(ctx)
        return "Sebutkan perintahnya" + (": " + ", ".join(perintah) if perintah else "") + "."
    cocok = re.match(r"Got unexpected extra argument\S* \((.*)\)$", pesan, re.S)
    if cocok:
        return f"Argumen berlebih: {cocok.group(1)}."
    cocok = _BUKAN_JENIS.match(pesan)
    if cocok:
        return f"{cocok['nilai']} bukan nilai yang sah."
    if isinstance(exc, GalatPemakaian):
        return "Perintah ini tidak dapat dijalankan dengan argumen dan opsi tersebut."
    nama = getattr(exc, "ui_filename", None)
    if nama:
        return f"Berkas {nama!r} tidak dapat dibuka."
    return "Perintah ini tidak dapat dijalankan."


def _daftar_perintah(ctx: Any) -> list[str]:
    try:
        return list(ctx.command.list_commands(ctx)) if ctx is not None else []
    except Exception:  # noqa: BLE001 - a courtesy
        return []


def pesan_galat_pemakaian(exc: Any) -> str:
    """What ``lpa`` prints for a Typer error: the usage line, the error, where help is."""
    ctx = getattr(exc, "ctx", None)
    baris = []
    cara = _cara_pakai(ctx)
    if cara:
        baris.append(cara)
    baris.append(f"Galat: {_isi(exc)}")
    if ctx is not None:
        baris.append(f"Bantuan: {ctx.command_path} --help")
    return "\n".join(baris)


def bantuan_berbahasa_indonesia() -> None:
    """``--help`` screens in Bahasa Indonesia: the help option's own line, the panel titles,
    the usage line and the markers Typer writes in English (``[required]``, ``[default:
    ...]``, ``[env var: ...]``). Typer keeps these as module constants and literals of its
    copy of Click, so they are set here once, before any help is printed."""
    from typer import rich_utils
    from typer._click import core, formatting

    rich_utils.ARGUMENTS_PANEL_TITLE = "Argumen"
    rich_utils.OPTIONS_PANEL_TITLE = "Opsi"
    rich_utils.COMMANDS_PANEL_TITLE = "Perintah"
    rich_utils.DEPRECATED_STRING = "(usang) "
    rich_utils.DEFAULT_STRING = "[bawaan: {}]"
    rich_utils.ENVVAR_STRING = "[variabel lingkungan: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[wajib]"
    if getattr(core.Command.get_help_option, "_lpa", False):
        return
    asli_opsi = core.Command.get_help_option
    asli_cara_pakai = formatting.HelpFormatter.write_usage

    def get_help_option(self: Any, ctx: Any) -> Any:
        opsi = asli_opsi(self, ctx)
        if opsi is not None:
            opsi.help = "Tampilkan bantuan ini, lalu keluar."
        return opsi

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for inggris, indonesia in _POTONGAN.items():  # "COMMAND [ARGS]..." before "COMMAND"
            args = args.replace(inggris, indonesia)
        asli_cara_pakai(self, prog, args, "Cara pakai: " if prefix is None else prefix)

    get_help_option._lpa = True  # type: ignore[attr-defined]
    core.Command.get_help_option = get_help_option  # type: ignore[method-assign]
    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
