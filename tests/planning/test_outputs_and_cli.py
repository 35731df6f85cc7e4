"""Output files of a crop plan and the ``foodhub crop-plan`` command on a tiny territory."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from cli.app import app
from planning.mip import solve_crop_plan
from planning.outputs import write_crop_plan
from tests.planning.instances import one_crop_problem
from tests.territory_factory import territory_files, write_territory


def test_every_output_file_is_written(tmp_path: Path) -> None:
    problem = one_crop_problem()
    plan = solve_crop_plan(problem)
    written = write_crop_plan(plan, problem, tmp_path / "out")
    names = {p.relative_to(tmp_path / "out").as_posix() for p in written}
    assert {
        "plantings.csv",
        "producer_harvest.csv",
        "coverage.csv",
        "demand.csv",
        "producers.csv",
        "limits.csv",
        "coverage.png",
        "sheets/P1.html",
        "summary.json",
    } <= names
    with (tmp_path / "out" / "plantings.csv").open(encoding="utf-8") as f:
        [row] = list(csv.DictReader(f))
    assert row["beds"] == "2" and row["start_week"] == "10" and row["first_harvest_week"] == "14"
    sheet = (tmp_path / "out" / "sheets" / "P1.html").read_text(encoding="utf-8")
    assert "Plan de culture partagé" in sheet and "Plantation S10" in sheet
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal" and summary["coverage_share"] == 1.0
    assert summary["demand_sources"] == {"survey": ["salade"]}


def _tiny_territory(tmp_path: Path) -> Path:
    folder = write_territory(tmp_path / "t", **territory_files())
    (folder / "crop_producers.csv").write_text(
        "producer_id,bed_m2,field_beds,greenhouse_beds,labour_h_week,min_income_eur\n"
        "P01,30,4,1,,200\n",
        encoding="utf-8",
    )
    (folder / "producer_crops.csv").write_text(
        "producer_id,product_id,price_eur_kg\nP01,salade,2.5\n", encoding="utf-8"
    )
    (folder / "reference_consumption.csv").write_text(
        "product_id,kg_per_household_week,season_winter,season_spring,season_summer,season_autumn\n"
        "salade,0.02,0.9,1.0,1.2,0.9\n",
        encoding="utf-8",
    )
    return folder


def test_cli_writes_a_plan(tmp_path: Path) -> None:
    folder = _tiny_territory(tmp_path)
    result = CliRunner().invoke(
        app, ["crop-plan", str(folder), "--season", "2027", "--out", str(tmp_path / "plan")]
    )
    assert result.exit_code == 0, result.output
    assert "Local coverage" in result.output
    assert (tmp_path / "plan" / "sheets" / "P01.html").exists()
    summary = json.loads((tmp_path / "plan" / "summary.json").read_text(encoding="utf-8"))
    assert summary["demand_sources"]["inca3"] == ["salade"]
    assert summary["status"] in ("optimal", "feasible")


def test_cli_reports_bad_input_with_exit_2(tmp_path: Path) -> None:
    folder = _tiny_territory(tmp_path)
    (folder / "crop_producers.csv").write_text("producer_id,bed_m2\nP01,abc\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["crop-plan", str(folder), "--season", "2027"])
    assert result.exit_code == 2
    assert "crop_producers.csv row 2, column bed_m2" in result.output


def test_cli_empty_plan_exits_1(tmp_path: Path) -> None:
    folder = _tiny_territory(tmp_path)
    (folder / "producer_crops.csv").write_text(
        "producer_id,product_id,price_eur_kg\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        app, ["crop-plan", str(folder), "--season", "2027", "--out", str(tmp_path / "p")]
    )
    assert result.exit_code == 1
    assert "empty" in result.output and "producer_crops.csv" in result.output
