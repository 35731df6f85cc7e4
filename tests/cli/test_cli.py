"""The ``foodhub`` command line on the small Villeurbanne territory (typer's CliRunner).

Exit codes: 0 success, 1 the work ran but found problems, 2 bad input or usage.
"""

from __future__ import annotations

import csv
import logging
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.app import app
from geo.matrix import OffNetworkWarning
from geo.network import load_network, network_info

VILLEURBANNE = Path(__file__).resolve().parents[1] / "data" / "villeurbanne"
OSM = Path(__file__).resolve().parents[2] / "data" / "osm" / "villeurbanne_ladoua_campus_drive.osm"
PLAN_FILES = (
    "routes.csv",
    "deliveries.csv",
    "unserved.csv",
    "summary.json",
    "routes.geojson",
    "map.html",
)


@pytest.fixture(scope="module")
def cache_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOODHUB_CACHE_DIR", str(tmp_path_factory.mktemp("foodhub-cache-cli")))
        yield


def _run(*args: str | Path) -> Result:
    """Invoke the CLI; then undo its logging set-up (a handler on the runner's closed stderr)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return CliRunner().invoke(app, [str(a) for a in args])
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _copy_territory(folder: Path) -> Path:
    """A copy of Villeurbanne whose hub.toml points at the road network by absolute path."""
    copy = folder / "villeurbanne"
    shutil.copytree(VILLEURBANNE, copy)
    hub = copy / "hub.toml"
    text = hub.read_text(encoding="utf-8")
    hub.write_text(
        text.replace("../../../data/osm/villeurbanne_ladoua_campus_drive.osm", OSM.as_posix()),
        encoding="utf-8",
    )
    return copy


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory, cache_env: None) -> Path:
    out = tmp_path_factory.mktemp("plan") / "plan"
    # prod_decines lies off the road network on purpose (straight-line estimates).
    with pytest.warns(OffNetworkWarning, match="prod_decines"):
        result = _run(
            "plan",
            VILLEURBANNE,
            "--out",
            out,
            "--engine",
            "pyvrp",
            "--time-limit",
            "1",
            "--max-iterations",
            "200",
            "--seed",
            "1",
            "--no-standalone",
        )
    assert result.exit_code == 0, result.output
    return out


def test_validate_villeurbanne(cache_env: None) -> None:
    result = _run("validate", VILLEURBANNE)
    assert result.exit_code == 0, result.output
    assert "is valid" in result.stdout
    assert "7 venues" in result.stdout


def test_validate_broken_copy_names_file_row_and_column(tmp_path: Path, cache_env: None) -> None:
    folder = _copy_territory(tmp_path)
    venues = folder / "venues.csv"
    with venues.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    columns = list(rows[0])
    rows[0]["lat"] = "91.2"
    with venues.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    result = _run("validate", folder)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = " ".join(result.output.split())
    assert "venues.csv" in message
    assert "row 2" in message
    assert "lat" in message
    assert "91.2" in message


def test_network_info_prints_nodes_and_km(cache_env: None) -> None:
    result = _run("network", "info", VILLEURBANNE, "--profile", "drive")
    assert result.exit_code == 0, result.output
    assert "nodes" in result.stdout
    assert "km of road" in result.stdout
    info = network_info(load_network(OSM, "drive"))
    assert f" {info.nodes:,} " in result.stdout
    assert f" {info.edges:,} " in result.stdout
    assert f" {info.road_km:,.1f} " in result.stdout


def test_plan_writes_every_output(plan_dir: Path) -> None:
    for name in PLAN_FILES:
        assert (plan_dir / name).is_file(), name
        assert (plan_dir / name).stat().st_size > 0, name
    assert list((plan_dir / "sheets").glob("*.pdf"))


def test_check_accepts_the_written_plan(plan_dir: Path) -> None:
    with pytest.warns(OffNetworkWarning):
        result = _run("check", VILLEURBANNE, plan_dir)
    assert result.exit_code == 0, result.output
    assert "no violation" in result.stdout


def test_check_rejects_an_arrival_made_earlier(plan_dir: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt"
    shutil.copytree(plan_dir, corrupt)
    routes = corrupt / "routes.csv"
    with routes.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    columns = list(rows[0])
    row = next(r for r in rows if r["action"] == "deliver")
    arrival = datetime.fromisoformat(row["arrival"]) - timedelta(minutes=30)
    row["arrival"] = arrival.isoformat(sep=" " if " " in row["arrival"] else "T")
    with routes.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.warns(OffNetworkWarning):
        result = _run("check", VILLEURBANNE, corrupt)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert row["site_id"] in result.output


def test_plan_with_a_bad_engine_exits_2(tmp_path: Path, cache_env: None) -> None:
    result = _run("plan", VILLEURBANNE, "--out", tmp_path / "p", "--engine", "gurobi")
    assert result.exit_code == 2
    assert "--engine" in result.output
    assert "gurobi" in result.output
    assert not (tmp_path / "p").exists()


def test_plan_and_check_of_a_week_without_orders(tmp_path: Path, cache_env: None) -> None:
    """Another week than hub.toml's: the plan is empty and ``check`` judges that week."""
    out = tmp_path / "empty-week"
    result = _run(
        "plan", VILLEURBANNE, "--out", out, "--week", "2027-W01", "--no-standalone",
        "--engine", "pyvrp", "--max-iterations", "50",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "routes.csv").read_text(encoding="utf-8").count("\n") == 1  # header only
    checked = _run("check", VILLEURBANNE, out)  # no round: no travel time is computed
    assert checked.exit_code == 0, checked.output
