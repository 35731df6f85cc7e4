"""``foodhub plan`` and the server's planning job run one pipeline: same seed, same plan files.

Both faces plan the same Villeurbanne copy (the server from its database, the command
line from the folder) with PyVRP, a seed and an iteration limit, so both are
deterministic; the stand-alone comparison is off to keep it fast.
"""

from __future__ import annotations

import inspect
import logging
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import logistics.pipeline
from api.db import open_database
from api.db.models import PlanRow
from api.jobs import job_budget_s
from api.schemas.plans import JobCreate
from cli.app import app, plan
from logistics.pipeline import DEFAULT_TIME_LIMIT_S
from logistics.tables import PlanTables, tables_from_json, write_plan_tables
from tests.api_http.conftest import FAST_JOB, WEEK, Seeded, wait_for_job

# prod_decines lies off the road network on purpose (straight-line estimates).
pytestmark = pytest.mark.filterwarnings("ignore::geo.matrix.OffNetworkWarning")

JOB = FAST_JOB | {"standalone": False}
TABLES = ("routes.csv", "deliveries.csv", "pickups.csv", "unserved.csv")


def _foodhub_plan(territory: Path, out: Path) -> None:
    """``foodhub plan`` with the job's options; undo its logging set-up afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        result = CliRunner().invoke(
            app,
            [
                "plan",
                str(territory),
                "--out",
                str(out),
                "--week",
                WEEK,
                "--engine",
                str(JOB["engine"]),
                "--time-limit",
                str(JOB["time_limit_s"]),
                "--max-iterations",
                str(JOB["max_iterations"]),
                "--seed",
                str(JOB["seed"]),
                "--no-standalone",
            ],
        )
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert result.exit_code == 0, result.output


def _stored_tables(seeded: Seeded, plan_id: int) -> PlanTables:
    database = open_database(seeded.settings.database_url)
    try:
        with database.read() as session:
            data = session.scalar(select(PlanRow.tables).where(PlanRow.id == plan_id))
    finally:
        database.dispose()
    return tables_from_json(data)


def test_one_default_time_limit_for_both_faces() -> None:
    assert inspect.signature(plan).parameters["time_limit"].default == DEFAULT_TIME_LIMIT_S
    assert JobCreate(week=WEEK).time_limit_s == DEFAULT_TIME_LIMIT_S
    assert job_budget_s({}) == job_budget_s({"time_limit_s": DEFAULT_TIME_LIMIT_S})


def test_cli_and_job_write_the_same_plan_files(
    client: httpx.Client,
    tokens: dict[str, dict[str, str]],
    seeded: Seeded,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    coordinator = tokens["coord"]
    started = client.post("/planning-jobs", headers=coordinator, json=JOB)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["id"], coordinator)
    assert job["status"] == "succeeded", job
    served = _stored_tables(seeded, job["plan_id"])
    write_plan_tables(served, tmp_path / "server")

    sheet_calls: list[dict[str, Any]] = []
    real = logistics.pipeline.write_driver_sheets

    def spy(*args: Any, **kwargs: Any) -> list[Path]:
        sheet_calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(logistics.pipeline, "write_driver_sheets", spy)
    monkeypatch.setenv("FOODHUB_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "cli"
    _foodhub_plan(seeded.territory, out)

    assert served.routes, "the week should have rounds"
    for name in TABLES:
        cli_text = (out / name).read_text(encoding="utf-8")
        assert cli_text == (tmp_path / "server" / name).read_text(encoding="utf-8"), name
    rounds_csv = client.get(f"/weeks/{WEEK}/rounds.csv", headers=coordinator)
    assert rounds_csv.text == (out / "routes.csv").read_text(encoding="utf-8")

    # the CLI's driver sheets follow the roads, as the server's do (its stored GeoJSON)
    geojson = client.get(f"/weeks/{WEEK}/rounds.geojson", headers=coordinator).json()
    assert len(sheet_calls) == 1
    assert sheet_calls[0]["geojson"] == geojson
    stops = Counter((s.day.isoformat(), s.vehicle_id, s.trip) for s in served.routes)
    trips = [f for f in geojson["features"] if f["properties"].get("feature") == "trip"]
    assert trips
    for trip in trips:
        key = (
            trip["properties"]["day"],
            trip["properties"]["vehicle_id"],
            trip["properties"]["trip"],
        )
        assert len(trip["geometry"]["coordinates"]) > stops[key], key  # not one vertex per stop


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is missing")
def test_cli_sheet_titles_its_map_as_following_the_roads(seeded: Seeded, tmp_path: Path) -> None:
    """Without road lines the sheet says its map is drawn as the crow flies."""
    out = tmp_path / "cli"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOODHUB_CACHE_DIR", str(tmp_path / "cache"))
        _foodhub_plan(seeded.territory, out)
    sheet = sorted((out / "sheets").glob("*.pdf"))[0]
    text = subprocess.run(
        ["pdftotext", str(sheet), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Plan de la tournée" in text
    assert "à vol d'oiseau" not in text
