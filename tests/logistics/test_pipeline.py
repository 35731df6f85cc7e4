"""The one pipeline of ``foodhub plan`` and of the server's planning job, on Villeurbanne.

PyVRP with a seed and an iteration limit: fast and reproducible.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import logistics.pipeline
from logistics import PipelineResult, PlanFolder, pipeline_steps, run_week, write_outputs
from logistics.pipeline import DEFAULT_TIME_LIMIT_S
from logistics.plan.week import PlanOptions
from logistics.tables import PlanTables, read_plan_tables, tables_from_json, tables_to_json
from territory.model import Territory
from territory.reader import load_territory

# prod_decines lies outside the road network on purpose: its times are estimates.
pytestmark = pytest.mark.filterwarnings("ignore::geo.matrix.OffNetworkWarning")

VILLEURBANNE = Path(__file__).resolve().parents[1] / "data" / "villeurbanne"
OPTIONS = PlanOptions(engine="pyvrp", time_limit_s=1, max_iterations=100, seed=1)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("foodhub-cache-pipeline")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOODHUB_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def territory(cache: Path) -> Territory:
    return load_territory(VILLEURBANNE)


@pytest.fixture(scope="module")
def messages() -> list[str]:
    return []


@pytest.fixture(scope="module")
def result(territory: Territory, cache: Path, messages: list[str]) -> PipelineResult:
    return run_week(
        territory, options=OPTIONS, standalone=False, progress=messages.append, cache_dir=cache
    )


@pytest.fixture(scope="module")
def sheet_calls() -> list[dict[str, Any]]:
    return []


@pytest.fixture(scope="module")
def folder(
    result: PipelineResult,
    territory: Territory,
    tmp_path_factory: pytest.TempPathFactory,
    sheet_calls: list[dict[str, Any]],
) -> PlanFolder:
    real = logistics.pipeline.write_driver_sheets

    def spy(*args: Any, **kwargs: Any) -> list[Path]:
        sheet_calls.append(kwargs)
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(logistics.pipeline, "write_driver_sheets", spy)
        return write_outputs(
            result, territory, tmp_path_factory.mktemp("pipeline") / "plan", lang="en"
        )


def _trip_lines(geojson: dict[str, Any]) -> dict[tuple[str, str, int], list[list[float]]]:
    return {
        (f["properties"]["day"], f["properties"]["vehicle_id"], f["properties"]["trip"]): f[
            "geometry"
        ]["coordinates"]
        for f in geojson["features"]
        if f["properties"].get("feature") == "trip"
    }


def _follows_the_roads(geojson: dict[str, Any], tables: PlanTables) -> bool:
    """More vertices than stops on every trip: straight lines have exactly one per stop."""
    stops = Counter((s.day.isoformat(), s.vehicle_id, s.trip) for s in tables.routes)
    lines = _trip_lines(geojson)
    return bool(lines) and all(len(line) > stops[key] for key, line in lines.items())


def test_default_time_limit_is_the_plan_options_default() -> None:
    assert PlanOptions().time_limit_s == DEFAULT_TIME_LIMIT_S


def test_run_week_plans_checks_and_draws_the_roads(
    result: PipelineResult, territory: Territory, messages: list[str]
) -> None:
    assert result.tables.routes, "the week should have rounds"
    assert result.violations == ()
    assert result.summary["checker_violations"] == 0
    assert result.summary["week"] == str(territory.week)
    assert result.summary["seed"] == 1 and result.summary["max_iterations"] == 100
    assert result.comparison is None and result.summary["standalone_comparison"] is None
    assert result.week == territory.week
    assert set(result.travel) >= {"drive"}
    assert _follows_the_roads(result.geojson, result.tables)
    assert messages[0] == "road networks loaded"
    assert messages[-1] == "plan checked: 0 violations"
    assert len(messages) <= pipeline_steps(territory, None, standalone=False)


def test_write_outputs_writes_the_folder_and_rechecks_it(
    folder: PlanFolder, result: PipelineResult
) -> None:
    names = [p.relative_to(folder.folder).as_posix() for p in folder.files]
    assert names[:7] == [
        "routes.csv",
        "deliveries.csv",
        "pickups.csv",
        "unserved.csv",
        "summary.json",
        "routes.geojson",
        "map.html",
    ]
    assert all(p.is_file() and p.stat().st_size > 0 for p in folder.files)
    assert folder.sheets and all(p.suffix == ".pdf" for p in folder.sheets)
    assert len(folder.sheets) == len({(s.day, s.vehicle_id) for s in result.tables.routes})
    assert folder.report.violations == ()
    assert read_plan_tables(folder.folder) == result.tables
    geojson = json.loads((folder.folder / "routes.geojson").read_text(encoding="utf-8"))
    assert geojson == result.geojson
    summary = json.loads((folder.folder / "summary.json").read_text(encoding="utf-8"))
    assert summary == folder.summary
    assert summary["checker_violations"] == 0
    assert summary["wall_s"] >= result.summary["wall_s"]


def test_driver_sheets_get_the_road_geometry(
    folder: PlanFolder, result: PipelineResult, sheet_calls: list[dict[str, Any]]
) -> None:
    assert len(sheet_calls) == 1
    assert sheet_calls[0]["geojson"] is result.geojson
    assert sheet_calls[0]["lang"] == "en"
    assert _follows_the_roads(sheet_calls[0]["geojson"], result.tables)


def test_tables_json_form_round_trips(result: PipelineResult) -> None:
    data = json.loads(json.dumps(tables_to_json(result.tables)))
    assert set(data) == {"routes", "deliveries", "pickups", "unserved"}
    assert isinstance(data["routes"][0]["arrival"], str)
    assert tables_from_json(data) == result.tables
