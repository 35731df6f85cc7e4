"""The house rules that a reviewer would otherwise check by hand.

* imports flow one way: ``api, cli -> planning, logistics -> territory, geo``
  (``geo`` takes only the error hierarchy from ``territory``; the benchmarks may import
  the product, and only the ``foodhub bench`` face imports them);
* a class name means one thing in the whole product;
* only :mod:`territory.clock` reads the wall clock for a calendar time;
* ``logistics/`` keeps its work in sub-packages (a handful of modules at its top).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("territory", "geo", "logistics", "planning", "api", "cli", "benchmarks")
ALLOWED = {
    "territory": {"territory"},
    "geo": {"geo", "territory"},
    "logistics": {"logistics", "territory", "geo"},
    "planning": {"planning", "territory", "geo"},
    "api": {"api", "logistics", "planning", "territory", "geo"},
    "cli": {"cli", "api", "logistics", "planning", "territory", "geo", "benchmarks"},
    "benchmarks": {"benchmarks", "api", "logistics", "planning", "territory", "geo"},
}
WALL_CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
                    ("date", "today"), ("time", "time")}  # fmt: skip


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for pkg in PACKAGES for p in _modules(pkg)}


TREES = _trees()


def _package(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _imports(tree: ast.Module) -> list[tuple[str, int]]:
    """Every module imported anywhere in the file (also inside functions), with its line."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def test_imports_flow_one_way() -> None:
    wrong = []
    for path, tree in TREES.items():
        here = _package(path)
        for module, line in _imports(tree):
            top = module.split(".")[0]
            if top in PACKAGES and top not in ALLOWED[here]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
            if here == "geo" and top == "territory" and module != "territory.errors":
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module} (geo: errors only)")
    assert not wrong, "\n".join(wrong)


def test_a_class_name_means_one_thing() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for path, tree in TREES.items():
        if _package(path) == "benchmarks":
            continue
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                where[node.name].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    twice = {name: places for name, places in where.items() if len(places) > 1}
    assert not twice, twice


def test_only_the_clock_reads_the_calendar_time() -> None:
    calls = []
    for path, tree in TREES.items():
        if path == ROOT / "territory" / "clock.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
                if (name, node.func.attr) in WALL_CLOCK_CALLS:
                    calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not calls, calls


def test_logistics_works_in_sub_packages() -> None:
    top = [p.name for p in (ROOT / "logistics").glob("*.py")]
    assert len(top) <= 8, top


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's order of ``__all__``: CONSTANTS, then Classes, then functions."""
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_exports_a_sorted_all(package: str) -> None:
    init = ROOT / package / "__init__.py"
    tree = TREES[init]
    names = [
        [elt.value for elt in node.value.elts if isinstance(elt, ast.Constant)]
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", None) == "__all__" for t in node.targets)
        and isinstance(node.value, ast.List | ast.Tuple)
    ]
    if package in ("benchmarks", "cli", "api"):
        return  # entry points and HTTP: nothing to re-export
    assert names, f"{package}/__init__.py has no __all__"
    assert names[0] == sorted(names[0], key=_isort_key)
