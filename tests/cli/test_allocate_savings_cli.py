"""``foodhub allocate`` and ``foodhub savings`` on the small Villeurbanne territory."""

from __future__ import annotations

import csv
import json
import logging
import shutil
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app

VILLEURBANNE = Path(__file__).resolve().parents[1] / "data" / "villeurbanne"


@pytest.fixture(scope="module")
def cache_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOODHUB_CACHE_DIR", str(tmp_path_factory.mktemp("foodhub-cache-savings")))
        mp.setenv("COLUMNS", "200")
        yield


def _run(*args: str | Path) -> Result:
    """Invoke the CLI; then undo its logging set-up."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return CliRunner().invoke(app, [str(a) for a in args])
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_allocate_writes_lines_and_procurement(tmp_path: Path, cache_env: None) -> None:
    result = _run("allocate", VILLEURBANNE, "--out", tmp_path)
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "allocation.csv")
    assert rows and set(rows[0]) >= {"ordered", "allocated", "lots", "shortfall", "reason"}
    balance: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        key = (r["venue_id"], r["substitute_for"] or r["product_id"])
        balance[key] += int(r["ordered"]) - int(r["allocated"]) - int(r["shortfall"])
        if int(r["shortfall"]):
            assert r["reason"]
        if int(r["allocated"]):
            assert r["lots"]
    assert all(v == 0 for v in balance.values())
    procurement = _rows(tmp_path / "procurement.csv")
    assert procurement and all(int(p["quantity"]) <= int(p["offered"]) for p in procurement)
    assert "units ordered" in result.output and "Procurement" in result.output
    strict = _run("allocate", VILLEURBANNE, "--out", tmp_path, "--strict")
    assert strict.exit_code == 1  # Villeurbanne is short of eggs and potatoes


def test_allocate_without_any_supply_is_a_report_not_a_crash(
    tmp_path: Path, cache_env: None
) -> None:
    copy = tmp_path / "empty"
    shutil.copytree(VILLEURBANNE, copy)
    for name in ("stock.csv", "offers.csv"):
        header = (copy / name).read_text(encoding="utf-8").splitlines()[0]
        (copy / name).write_text(header + "\n", encoding="utf-8")
    hub = copy / "hub.toml"
    osm = (VILLEURBANNE / "../../../data/osm/villeurbanne_ladoua_campus_drive.osm").resolve()
    text = hub.read_text(encoding="utf-8")
    hub.write_text(
        text.replace("../../../data/osm/villeurbanne_ladoua_campus_drive.osm", osm.as_posix()),
        encoding="utf-8",
    )
    result = _run("allocate", copy, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "out" / "allocation.csv")
    assert all(r["allocated"] == "0" and r["shortfall"] == r["ordered"] for r in rows)
    assert all("in stock or offered" in r["reason"] for r in rows if r["day"])
    assert _rows(tmp_path / "out" / "procurement.csv") == []
    assert "status empty" in " ".join(result.output.split())


def test_savings_writes_markdown_html_and_png(tmp_path: Path, cache_env: None) -> None:
    out = tmp_path / "savings"
    result = _run(
        "savings",
        VILLEURBANNE,
        "--out",
        out,
        "--time-limit",
        "1",
        "--max-iterations",
        "30",
        "--seed",
        "1",
    )
    assert result.exit_code == 0, result.output
    for name in ("savings.md", "savings.html", "savings.png", "savings.json", "coalitions.csv"):
        assert (out / name).exists(), name
    assert (out / "savings.png").read_bytes().startswith(b"\x89PNG")
    assert "data:image/png;base64," in (out / "savings.html").read_text(encoding="utf-8")
    data = json.loads((out / "savings.json").read_text(encoding="utf-8"))
    shares = [o["shapley"]["share_eur"] for o in data["organisations"].values()]
    assert sum(shares) == pytest.approx(data["pooled_cost_eur"], abs=0.02)
    assert len(_rows(out / "coalitions.csv")) == 3
    assert "Shapley" in result.output  # the table header may wrap on a narrow terminal


def test_savings_rejects_bad_options(tmp_path: Path, cache_env: None) -> None:
    result = _run("savings", VILLEURBANNE, "--out", tmp_path, "--samples", "1")
    assert result.exit_code == 2
