"""The code base stays ruff-clean and its layers import downward only.

One table (:data:`LAPISAN`) says, bottom to top, which of our packages each layer may
import and which libraries it must never import; every import statement counts, at the top
of a module and inside functions or ``if TYPE_CHECKING:`` blocks alike (``ast.walk``). The
queries are the store's: no module outside ``store/`` builds a SQLAlchemy ``select``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Lapisan:
    folder: str
    boleh: frozenset[str]
    """Our packages this layer may import (itself always)."""
    pustaka_terlarang: frozenset[str] = frozenset()
    """Third-party libraries this layer never imports."""


def _lapisan(folder: str, boleh: str = "", terlarang: str = "") -> Lapisan:
    return Lapisan(folder, frozenset(boleh.split()), frozenset(terlarang.split()))


LAPISAN = (
    # bottom: one pydantic-settings object, importable by every layer
    _lapisan("settings"),
    # pure rules: no I/O, no Prefect, no database
    _lapisan("domain", "settings", "prefect sqlalchemy alembic httpx"),
    # SQLAlchemy models, migrations, queries: no Prefect
    _lapisan("store", "settings domain", "prefect"),
    # the thin client the CLI and the portal share
    _lapisan("klien", "settings domain store"),
    # Prefect tasks: all I/O
    _lapisan("tasks", "settings domain store klien"),
    _lapisan("flows", "settings domain store klien tasks"),
    _lapisan("deployments", "settings domain store klien tasks flows"),
    # on top: the command and the web front door (which runs no flow or task code itself)
    _lapisan("lpa", "settings domain store klien tasks flows deployments portal"),
    _lapisan("portal", "settings domain store klien"),
)
KAMI = frozenset(lapisan.folder for lapisan in LAPISAN)

BUKAN_LAPISAN = {
    "bench": "measuring scripts: like tests/, they drive every layer from outside",
}
"""Packages of the repository that are no layer of the service, with the reason."""

PENGECUALIAN = {
    ("klien", "tasks.keputusan"):
        "lpa decide and the portal judge an attempt (NIP, code, lockout) before they wake a "
        "run, with the very check the run makes; it reads the roster file and mails the "
        "lockout, so it is I/O and belongs to tasks/, and one copy of it is the point "
        "(docs/decisions.md).",
    ("klien", "tasks.notifikasi"):
        "the portal's mails go through the service's one channel (outbox or SMTP), as the "
        "flows' do (docs/decisions.md).",
}
"""(layer, module) imports allowed against the table, each with its reason. The modules
named import no Prefect at module level (test below), so the portal never loads it."""


@cache
def _pohon(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _modul(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)


def _impor(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the module, nested ones included; relative
    imports resolved against the module's package."""
    paket = path.relative_to(root).parent.parts
    hasil = []
    for node in ast.walk(_pohon(path)):
        if isinstance(node, ast.Import):
            hasil += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                dasar = list(paket[:len(paket) - node.level + 1])
                nama = ".".join([*dasar, node.module] if node.module else dasar)
            else:
                nama = node.module or ""
            hasil.append((node.lineno, nama))
    return sorted(hasil)


def _pelanggaran_lapisan(root: Path = ROOT) -> list[str]:
    pelanggaran = []
    for lapisan in LAPISAN:
        for path in _modul(root / lapisan.folder):
            rel = path.relative_to(root).as_posix()
            for baris, nama in _impor(path, root):
                akar = nama.split(".")[0]
                if akar in KAMI and akar != lapisan.folder and akar not in lapisan.boleh:
                    if (lapisan.folder, ".".join(nama.split(".")[:2])) in PENGECUALIAN:
                        continue
                    pelanggaran.append(f"{rel}:{baris}: {lapisan.folder}/ imports {nama} "
                                       f"({akar}/ is not below it)")
                elif akar in lapisan.pustaka_terlarang:
                    pelanggaran.append(f"{rel}:{baris}: {lapisan.folder}/ imports {nama} "
                                       f"(never in {lapisan.folder}/)")
    return pelanggaran


def test_ruff_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_layer_imports_only_the_layers_below_it() -> None:
    pelanggaran = _pelanggaran_lapisan()
    assert not pelanggaran, "Imports against the layers (tests/test_lint.py LAPISAN):\n" + \
        "\n".join(pelanggaran)


def test_every_package_of_ours_is_in_the_table() -> None:
    # A new top-level package must take its place in the table, or it escapes the check.
    paket = {p.parent.name for p in ROOT.glob("*/__init__.py")} - set(BUKAN_LAPISAN)
    assert paket - KAMI == set(), f"packages missing from LAPISAN: {sorted(paket - KAMI)}"


def test_the_check_sees_nested_and_relative_imports(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "m.py").write_text(
        "def f():\n    from tasks import tiket\n    import prefect\n\n"
        "from . import db\nfrom ..flows import layanan\nfrom domain import sop\n",
        encoding="utf-8")
    assert _pelanggaran_lapisan(tmp_path) == [
        "store/m.py:2: store/ imports tasks (tasks/ is not below it)",
        "store/m.py:3: store/ imports prefect (never in store/)",
        "store/m.py:6: store/ imports flows (flows/ is not below it)",
    ]


def test_the_exempted_task_modules_import_no_prefect_at_module_level() -> None:
    # klien/ (and so the portal) imports them: Prefect only inside the functions that need it,
    # and no other task module at module level (which could bring Prefect in).
    dikecualikan = {modul for _, modul in PENGECUALIAN}
    for modul in sorted(dikecualikan):
        tree = _pohon(ROOT / (modul.replace(".", "/") + ".py"))
        atas = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        nama = [a.name for n in atas if isinstance(n, ast.Import) for a in n.names] + \
            [n.module or "" for n in atas if isinstance(n, ast.ImportFrom)]
        assert [n for n in nama if n.split(".")[0] == "prefect"] == [], modul
        assert {n for n in nama if n.split(".")[0] == "tasks"} <= dikecualikan, modul


# --- the feasibility-test wing: small modules, no private names across them ------------

SAYAP_KELAIKAN = ("domain/kelaikan", "tasks/kelaikan")
"""The packages of the feasibility test (issue 13): each module one idea, at most
:data:`BARIS_MAKS_SAYAP` lines."""
BARIS_MAKS_SAYAP = 400


def test_the_feasibility_wing_modules_stay_small() -> None:
    besar = [f"{p.relative_to(ROOT)}: {n} lines"
             for folder in SAYAP_KELAIKAN for p in _modul(ROOT / folder)
             if (n := len(p.read_text(encoding="utf-8").splitlines())) > BARIS_MAKS_SAYAP]
    besar += [f"flows/kelaikan.py: {n} lines" for n in
              [len((ROOT / "flows/kelaikan.py").read_text(encoding="utf-8").splitlines())]
              if n > BARIS_MAKS_SAYAP]
    assert not besar, f"split by idea (at most {BARIS_MAKS_SAYAP} lines):\n" + "\n".join(besar)


def test_the_feasibility_wing_imports_no_private_name_across_modules() -> None:
    pribadi = []
    for folder in (*SAYAP_KELAIKAN, "flows"):
        for path in _modul(ROOT / folder):
            for node in ast.walk(_pohon(path)):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                        ("domain.kelaikan", "tasks.kelaikan", "flows.kelaikan")):
                    pribadi += [f"{path.relative_to(ROOT)}:{node.lineno}: {a.name}"
                                for a in node.names if a.name.startswith("_")]
    assert not pribadi, "\n".join(pribadi)


# --- queries live in store/ -------------------------------------------------------------

SELECT_BELUM_PINDAH: dict[str, str] = {}
"""Modules still building queries, each with who moves them (empty when done)."""


def _select_di(path: Path) -> list[int]:
    """Lines where the module takes SQLAlchemy's ``select`` (imported, or as an attribute
    of the imported library)."""
    baris = []
    pustaka = set()
    for node in ast.walk(_pohon(path)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == \
                "sqlalchemy" and any(a.name == "select" for a in node.names):
            baris.append(node.lineno)
        elif isinstance(node, ast.Import):
            pustaka |= {a.asname or a.name for a in node.names
                        if a.name.split(".")[0] == "sqlalchemy"}
    for node in ast.walk(_pohon(path)):
        if isinstance(node, ast.Attribute) and node.attr == "select" and \
                ast.unparse(node.value) in pustaka:
            baris.append(node.lineno)
    return sorted(baris)


def test_no_query_is_built_outside_store() -> None:
    pelanggaran = []
    for lapisan in LAPISAN:
        if lapisan.folder == "store":
            continue
        for path in _modul(ROOT / lapisan.folder):
            rel = path.relative_to(ROOT).as_posix()
            if rel in SELECT_BELUM_PINDAH:
                continue
            pelanggaran += [f"{rel}:{b}: select() outside store/ (a named query in "
                            "store/kueri.py or store/repo.py)" for b in _select_di(path)]
    assert not pelanggaran, "\n".join(pelanggaran)
    masih = [rel for rel in SELECT_BELUM_PINDAH if _select_di(ROOT / rel)]
    assert masih == list(SELECT_BELUM_PINDAH), "moved already: drop from SELECT_BELUM_PINDAH"


def test_the_query_check_sees_both_spellings(tmp_path: Path) -> None:
    contoh = tmp_path / "m.py"
    contoh.write_text("import sqlalchemy as sa\nfrom sqlalchemy import func, select\n\n"
                      "def f():\n    return sa.select(1), select(2), func.count()\n",
                      encoding="utf-8")
    assert _select_di(contoh) == [2, 5]
