"""``foodhub db publish-crop-plan``: each producer gets its share of a crop-plan folder."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from api.db.engine import open_database
from api.db.models import CropPlanRow
from tests.api_http.conftest import territory_copy
from tests.api_http.test_db_cli import _run

PLANTINGS = (
    "producer_id,itinerary_name,product_id,beds,sowing_week,start_week,"
    "first_harvest_week,last_harvest_week,harvest_kg_per_week,harvest_kg,income_eur\n"
    "prod_decines,Carotte pleine terre,carotte,4,5,5,18,22,72,360,381.6\n"
)


def _crop_plan(folder: Path, producer: str = "prod_decines") -> Path:
    folder.mkdir()
    (folder / "plantings.csv").write_text(PLANTINGS.replace("prod_decines", producer), "utf-8")
    (folder / "producer_harvest.csv").write_text(
        f"producer_id,product_id,week,harvest_kg\n{producer},carotte,18,72\n", "utf-8"
    )
    (folder / "producers.csv").write_text(f"producer_id,income_eur\n{producer},381.6\n", "utf-8")
    (folder / "summary.json").write_text(json.dumps({"season": 2027}), "utf-8")
    return folder


def test_publish_crop_plan_stores_each_producers_share(tmp_path: Path) -> None:
    env = {"FOODHUB_DATA_DIR": str(tmp_path / "data"), "FOODHUB_DEV": "1", "DATABASE_URL": ""}
    assert _run("db", "import", territory_copy(tmp_path), env=env).exit_code == 0
    result = _run("db", "publish-crop-plan", _crop_plan(tmp_path / "plan"), env=env)
    assert result.exit_code == 0, result.output
    assert "1 producers" in " ".join(result.output.split())
    database = open_database(f"sqlite:///{tmp_path / 'data' / 'foodhub.sqlite3'}")
    try:
        with database.read() as session:
            (row,) = session.scalars(select(CropPlanRow))
            assert row.producer_id == "prod_decines" and row.season == "2027"
            assert row.document["plantings"][0]["itinerary_name"] == "Carotte pleine terre"
            assert row.document["harvest"][0]["week"] == "18"
    finally:
        database.dispose()
    unknown = _run("db", "publish-crop-plan", _crop_plan(tmp_path / "bad", "nobody"), env=env)
    assert unknown.exit_code == 2
    assert "producer nobody is not in the database" in " ".join(unknown.output.split())
