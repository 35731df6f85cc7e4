"""The pages' pure helpers: pooling savings rows, crop calendar, road basemap (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

from api.web.basemap import basemap_geojson
from api.web.crop_calendar import gantt_rows, weekly_harvest
from api.web.routes import _savings
from tests.api_http.conftest import OSM


def test_savings_rows_come_from_the_standalone_comparison() -> None:
    summary = {
        "standalone_comparison": {
            "standalone": {
                "distance_km": 30.0,
                "duration_h": 3.0,
                "co2_kg": 6.0,
                "cost_eur": 300.0,
            },
            "pooled": {"distance_km": 20.0, "duration_h": 2.5, "co2_kg": 4.0, "cost_eur": 200.0},
            "saving": {
                "distance_km": {"absolute": 10.0, "percent": 33.3},
                "duration_h": {"absolute": 0.5, "percent": 16.7},
                "co2_kg": {"absolute": 2.0, "percent": 33.3},
                "cost_eur": {"absolute": 100.0, "percent": 33.3},
            },
        }
    }
    rows = _savings(summary)
    assert rows is not None
    assert [r["key"] for r in rows] == ["distance_km", "duration_h", "co2_kg", "cost_eur"]
    assert rows[-1] == {
        "key": "cost_eur",
        "standalone": 300.0,
        "pooled": 200.0,
        "saving": 100.0,
        "percent": 33.3,
    }
    assert _savings({}) is None
    assert _savings({"standalone_comparison": None}) is None


def test_crop_calendar_phases_and_weekly_harvest() -> None:
    document = {
        "plantings": [
            {
                "product_id": "salade",
                "itinerary_name": "Laitue",
                "sowing_week": 8,
                "start_week": 12,
                "first_harvest_week": 18,
                "last_harvest_week": 19,
                "harvest_kg_per_week": 10,
            },
            {  # an overwintering crop: harvest wraps over the new year
                "product_id": "poireau",
                "sowing_week": 30,
                "start_week": 30,
                "first_harvest_week": 52,
                "last_harvest_week": 2,
                "harvest_kg_per_week": 5,
            },
            {"product_id": "bad", "sowing_week": "x"},
            "not a planting",
        ]
    }
    rows = {r.product_id: r for r in gantt_rows(document)}
    salade = [(s.phase, s.first, s.last) for s in rows["salade"].segments]
    assert salade == [("sowing", 8, 11), ("growing", 12, 17), ("harvest", 18, 19)]
    poireau = [(s.phase, s.first, s.last) for s in rows["poireau"].segments]
    assert poireau == [("growing", 30, 51), ("harvest", 52, 53), ("harvest", 1, 2)]
    assert rows["bad"].segments == ()
    harvest = {week: total for week, _, total in weekly_harvest(document)}
    assert harvest == {1: 5.0, 2: 5.0, 18: 10.0, 19: 10.0, 52: 5.0, 53: 5.0}
    assert gantt_rows({"plantings": "nope"}) == []


def test_basemap_draws_each_road_once(tmp_path: Path) -> None:
    data = json.loads(basemap_geojson({"drive": str(OSM)}, tmp_path))
    (feature,) = data["features"]
    lines = feature["geometry"]["coordinates"]
    assert lines and all(len(line) >= 2 for line in lines)
    keys = {(tuple(line[0]), tuple(line[-1])) for line in lines}
    reversed_keys = {(b, a) for a, b in keys}
    assert not keys & reversed_keys - {k for k in keys if k[0] == k[1]}  # no road twice
    assert list(tmp_path.glob("basemap-*.geojson"))  # cached on disk
    assert json.loads(basemap_geojson({}, tmp_path)) == {
        "type": "FeatureCollection",
        "features": [],
    }
