"""The documentation lists code only as the code is: modules, verbs, deployments, paths,
migrations, tests and the feasibility checks, read from the code itself, so none can drift.

Every test here reads files and imports modules; nothing starts a server.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml
from typer.main import get_command

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
MODULES_DOC = DOCS / "02-modules.md"
DATABASE_DOC = DOCS / "03-database.md"
MIGRATIONS = ROOT / "store" / "migrations" / "versions"
LAYERS = ("flows", "tasks", "domain", "store", "lpa", "deployments")
"""The code folders whose every module docs/02-modules.md lists."""
MARKDOWN = sorted([README, *DOCS.glob("*.md"), ROOT / "deployments" / "produksi.md"])
ANGKA = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10}


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _code(text: str) -> str:
    """The code of a Markdown text, one command per line: fenced blocks (indented ones too)
    without their comments, and inline code spans. A command a block shows being refused as
    unknown (its next line says "tidak dikenal") is an example of a mistake: left out."""
    fence = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.M | re.S)
    lines = []
    for block in fence.findall(text):
        baris = re.sub(r"(?:^|\s)#.*$", "", block, flags=re.M).splitlines()
        lines += [b for b, sesudah in zip(baris, [*baris[1:], ""], strict=True)
                  if "tidak dikenal" not in sesudah]
    return "\n".join([*lines, *re.findall(r"`([^`\n]+)`", fence.sub("", text))])


# --- lpa verbs ------------------------------------------------------------------------------

def _verbs() -> dict[str, str]:
    """Every leaf verb of the ``lpa`` command ("db migrasi" for a sub-app's) -> its module."""
    from lpa.cli import app

    verbs: dict[str, str] = {}

    def walk(command, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for name, sub in command.commands.items():
            if hasattr(sub, "commands"):
                walk(sub, f"{prefix}{name} ")
            else:
                verbs[prefix + name] = sub.callback.__module__
    walk(get_command(app), "")
    return verbs


def _groups() -> set[str]:
    from lpa.cli import app

    return {n for n, c in get_command(app).commands.items() if hasattr(c, "commands")}


_LPA = re.compile(r"(?:^|&&|\|\||;|\|)[ \t]*(?:\$[ \t]+)?(?:[A-Z_][A-Z0-9_]*=\S*[ \t]+)*"
                  r"(?:\./bin/|\.venv/bin/)?lpa[ \t]+([a-z][a-z-]*)(?:[ \t]+([a-z][a-z-]*))?",
                  re.M)
"""``lpa VERB [SUBVERB]`` where a command starts (a line, after ``$``, ``&&``, ``;``, ``|``
or environment assignments), also as ``./bin/lpa`` or ``.venv/bin/lpa``."""


def _verbs_shown(text: str) -> set[str]:
    groups = _groups()
    shown = set()
    for verb, sub in _LPA.findall(_code(text)):
        shown.add(f"{verb} {sub}" if verb in groups and sub else verb)
    return shown


def test_every_verb_is_in_the_readme() -> None:
    shown = _verbs_shown(_read(README))
    missing = sorted(set(_verbs()) - shown)
    assert not missing, f"lpa verbs the README never shows: {missing}"


@pytest.mark.parametrize("doc", MARKDOWN, ids=_rel)
def test_every_verb_a_document_shows_exists(doc: Path) -> None:
    verbs = set(_verbs()) | _groups()
    unknown = sorted(_verbs_shown(_read(doc)) - verbs)
    assert not unknown, f"{_rel(doc)} shows lpa verbs that do not exist: {unknown}"


# --- docs/02-modules.md -----------------------------------------------------------------------

def _module_rows() -> list[tuple[list[str], str]]:
    """Each table row of docs/02-modules.md: the paths its first cell names (``a/b.py, c.py``
    is ``a/b.py`` and ``a/c.py``), and the whole row."""
    rows = []
    for line in _read(MODULES_DOC).splitlines():
        if not line.startswith("| `"):
            continue
        folder, paths = None, []
        for token in re.findall(r"`([^`]+)`", line.split("|")[1]):
            if "/" in token:
                folder = token.rstrip("/").rsplit("/", 1)[0] if not token.endswith("/") \
                    else token.rstrip("/")
                paths.append(token)
            else:
                assert folder, f"{token!r} without a folder before it: {line}"
                paths.append(f"{folder}/{token}")
        rows.append((paths, line))
    return rows


def test_every_module_in_the_modules_doc_exists() -> None:
    named = [p for paths, _ in _module_rows() for p in paths]
    missing = [p for p in named if not (ROOT / p).exists()]
    assert not missing, f"docs/02-modules.md names modules that do not exist: {missing}"


def test_every_module_is_in_the_modules_doc() -> None:
    named = {p for paths, _ in _module_rows() for p in paths}
    folders = tuple(p for p in named if p.endswith("/"))
    code = {_rel(f) for layer in LAYERS for f in (ROOT / layer).rglob("*.py")
            if f.name != "__init__.py"}
    missing = sorted(p for p in code - named if not p.startswith(folders))
    assert not missing, f"modules docs/02-modules.md does not list: {missing}"


def test_every_verb_is_in_the_row_of_its_module() -> None:
    rows = _module_rows()
    wrong = []
    for verb, module in sorted(_verbs().items()):
        path = module.replace(".", "/") + ".py"
        pattern = re.compile(rf"`lpa {re.escape(verb)}`")
        if not any(path in paths and pattern.search(row) for paths, row in rows):
            wrong.append(f"lpa {verb} ({path})")
    assert not wrong, f"verbs not in the docs/02-modules.md row of their module: {wrong}"


PROGRAMS = {"lpa", "pg_dump", "psql"}
"""Code-like names in docs/02-modules.md that are programs, not Python names."""


def test_every_name_a_module_row_gives_is_in_its_modules() -> None:
    """``name`` or ``name(args)`` in a row's description is defined by one of its modules
    (table names, programs and environment variables aside)."""
    from store.models import Base

    missing = []
    for paths, row in _module_rows():
        modules = [importlib.import_module(p.removesuffix(".py").replace("/", "."))
                   for p in paths if p.endswith(".py")]
        for token in re.findall(r"`([^`]+)`", "|".join(row.split("|")[2:])):
            m = re.fullmatch(r"([A-Za-z_]\w*)(?:\(.*\))?", token)
            if not m or not modules or m.group(1) in PROGRAMS | set(Base.metadata.tables) \
                    or token.startswith(("LPA_", "PREFECT_")):
                continue
            if not any(hasattr(module, m.group(1)) for module in modules):
                missing.append(f"{m.group(1)} ({', '.join(paths)})")
    assert not missing, f"docs/02-modules.md names what its modules do not define: {missing}"


def test_the_migrations_row_names_every_migration() -> None:
    row = next(row for paths, row in _module_rows() if "store/migrations/" in paths)
    assert set(re.findall(r"`(\d{4})`", row)) == _revisions()


# --- deployments --------------------------------------------------------------------------------

def _served() -> dict[str, object]:
    from deployments.serve import deployments

    return {f"{d.flow_name}/{d.name}": d for d in deployments()}


def _entrypoint(d: object) -> str:
    file, _, func = d.entrypoint.rpartition(":")  # type: ignore[attr-defined]
    path = Path(file)
    return f"{_rel(path) if path.is_absolute() else path.as_posix()}:{func}"


def _readme_deployments() -> dict[str, str]:
    """The README's deployment table: ``flow/deployment`` -> the flow's file."""
    text = _read(README)
    start = text.index("| deployment | flow | what it does |")
    rows = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1]
    return rows


def test_readme_deployment_table_is_what_serve_serves() -> None:
    served = _served()
    table = _readme_deployments()
    assert set(table) == set(served)
    for name, d in served.items():
        assert table[name] == _entrypoint(d).split(":")[0], name
    count = re.search(r"(\w+)\s+deployments\s+are\s+served", _read(README))
    assert count and ANGKA[count.group(1).lower()] == len(served)


def test_prefect_yaml_declares_what_serve_serves() -> None:
    served = {d.name: d for d in _served().values()}  # type: ignore[attr-defined]
    declared = {d["name"]: d for d in yaml.safe_load(_read(ROOT / "prefect.yaml"))["deployments"]}
    assert set(declared) == set(served)
    for name, d in served.items():
        y = declared[name]
        assert y["entrypoint"] == _entrypoint(d), name
        assert [(s["cron"], s["timezone"]) for s in y.get("schedules", [])] == [
            (s.schedule.cron, s.schedule.timezone) for s in d.schedules], name
        assert y.get("concurrency_limit") == d.concurrency_limit, name
        assert set(y.get("tags", [])) == set(d.tags), name
        assert y.get("enforce_parameter_schema", True) == d.enforce_parameter_schema, name


def test_operations_doc_names_every_served_deployment() -> None:
    text = _read(DOCS / "07-operations.md")
    served = _served()
    for name in served:
        assert f"`{name}`" in text, name
    count = re.search(r"serves\s+the\s+(\w+)\s+deployments", text)
    assert count and ANGKA[count.group(1).lower()] == len(served)


# --- paths, module attributes and tests named in the documentation ------------------------------

_PATH = re.compile(r"(?<![\w/.$-])(?:\./)?((?:flows|tasks|domain|store|lpa|deployments|templates"
                   r"|tests|bench|config|docs|bin)/[\w./*-]*)")


def _broken_path(token: str) -> str | None:
    """Why a path written in a document names nothing, or None when it names something."""
    token = token.rstrip(".,:;")
    if "*" in token:
        return None if list(ROOT.glob(token)) else "no file matches"
    if (ROOT / token).exists():
        return None
    module, _, attr = token.rpartition(".")
    if attr.isidentifier() and (ROOT / f"{module}.py").is_file():  # domain/teks.md_aman
        name = module.replace("/", ".")
        return None if hasattr(importlib.import_module(name), attr) else f"{name} has no {attr}"
    return "does not exist"


@pytest.mark.parametrize("doc", MARKDOWN, ids=_rel)
def test_every_path_a_document_names_exists(doc: Path) -> None:
    broken = sorted({f"{t} ({why})" for t in _PATH.findall(_read(doc))
                     if (why := _broken_path(t))})
    assert not broken, f"{_rel(doc)} names paths that do not exist: {broken}"


@pytest.mark.parametrize("doc", MARKDOWN, ids=_rel)
def test_every_test_a_document_names_exists(doc: Path) -> None:
    """``test_x::test_y`` (and ``…::test_z`` after it, same module) name real tests."""
    missing = []
    for line in _read(doc).splitlines():
        module = None
        for mod, name in re.findall(r"(test_\w+|…)(?:\.py)?::(test_\w+)", line):
            module = module if mod == "…" else mod
            if module is None:
                missing.append(f"…::{name} (no test module named before it)")
                continue
            path = ROOT / "tests" / f"{module}.py"
            if not path.is_file() or not re.search(rf"def {name}\(", _read(path)):
                missing.append(f"{module}::{name}")
    assert not missing, f"{_rel(doc)} names tests that do not exist: {missing}"


# --- docs/03-database.md --------------------------------------------------------------------------

def _revisions() -> set[str]:
    return {re.search(r'^revision = "(\d{4})"', _read(f), re.M).group(1)  # type: ignore[union-attr]
            for f in MIGRATIONS.glob("*.py")}


def _created_by(revision: str) -> set[str]:
    (f,) = [f for f in MIGRATIONS.glob("*.py")
            if re.search(rf'^revision = "{revision}"', _read(f), re.M)]
    return set(re.findall(r'create_table\(\s*"(\w+)"', _read(f)))


def test_database_doc_names_only_real_migrations() -> None:
    named = set(re.findall(r"`(\d{4})`", _read(DATABASE_DOC)))
    assert named and named <= _revisions(), sorted(named - _revisions())


def test_each_table_is_under_the_migration_that_creates_it() -> None:
    """A section headed "(migration `N`)" draws only tables that migration N creates."""
    wrong = []
    for section in re.split(r"^## ", _read(DATABASE_DOC), flags=re.M)[1:]:
        heading = section.splitlines()[0]
        revisions = re.findall(r"`(\d{4})`", heading) if "migration" in heading else []
        if not revisions:
            continue
        created = set().union(*(_created_by(r) for r in revisions))
        for table in re.findall(r"^\s+(\w+) \{$", section, re.M):
            if table not in created:
                wrong.append(f"{table} under {heading!r}")
    assert not wrong, wrong


def test_every_table_is_drawn_once() -> None:
    from store.models import Base

    drawn = re.findall(r"^\s+(\w+) \{$", _read(DATABASE_DOC), re.M)
    assert sorted(drawn) == sorted(Base.metadata.tables), "docs/03-database.md's entities"


# --- docs/kelaikan-checks.md ----------------------------------------------------------------

def test_checks_doc_is_the_registry() -> None:
    from domain.kelaikan import CEK

    rows = {}
    for line in _read(DOCS / "kelaikan-checks.md").splitlines():
        m = re.match(r"\| `([a-z_]+\.[a-z_]+)` \| (.*?) \| (WSTG-[A-Z]+-\d+) \| (CWE-\d+) \| "
                     r"(\w+) \|", line)
        if m:
            rows[m.group(1)] = m.groups()[1:]
    assert set(rows) == set(CEK)
    for cek_id, (judul, wstg, cwe, severity) in rows.items():
        c = CEK[cek_id]
        assert judul.split(" — ")[0] == c.judul, cek_id
        assert (wstg, cwe, severity) == (c.wstg, c.cwe, c.severity), cek_id
