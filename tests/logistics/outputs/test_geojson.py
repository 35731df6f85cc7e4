import dataclasses
import json
from pathlib import Path

import pytest

from logistics.outputs.geojson import routes_geojson, write_routes_geojson
from logistics.tables.files import PlanTables
from territory.errors import InputError
from territory.model import Territory

Point = tuple[float, float]


def _features(collection: dict, kind: str) -> list[dict]:
    return [f for f in collection["features"] if f["properties"]["feature"] == kind]


def test_one_line_per_trip_with_valid_properties(territory: Territory, tables: PlanTables) -> None:
    collection = routes_geojson(territory, tables)
    assert collection["type"] == "FeatureCollection"
    lines = _features(collection, "trip")
    trips = {(s.day.isoformat(), s.vehicle_id, s.trip) for s in tables.routes}
    assert {
        (f["properties"]["day"], f["properties"]["vehicle_id"], f["properties"]["trip"])
        for f in lines
    } == trips
    assert len(lines) == len(trips) == 4
    hub = [territory.hub.lon, territory.hub.lat]
    for line in lines:
        coordinates = line["geometry"]["coordinates"]
        assert line["geometry"]["type"] == "LineString"
        assert len(coordinates) >= 2
        assert coordinates[0] == hub and coordinates[-1] == hub  # every loop closes at the hub
        properties = line["properties"]
        assert properties["colour"].startswith("#")
        assert properties["vehicle"] in {v.name for v in territory.vehicles}
        assert properties["distance_km"] > 0
        assert properties["n_stops"] >= 1
    van_first = next(
        f["properties"]
        for f in lines
        if f["properties"]["vehicle_id"] == "VAN1"
        and f["properties"]["trip"] == 1
        and f["properties"]["day"] == "2026-12-01"
    )
    # hub -> V01 -> P01 -> back to the hub (the return leg is carried by the reload row)
    assert van_first["distance_km"] == pytest.approx(15.0)
    assert van_first["n_stops"] == 2
    assert van_first["duration"] == "1 h 30"


def test_points_for_every_stop_and_the_hub(territory: Territory, tables: PlanTables) -> None:
    collection = routes_geojson(territory, tables)
    stops = _features(collection, "stop")
    assert len(stops) == len(tables.routes)
    delivery = next(f["properties"] for f in stops if f["properties"]["site_id"] == "V01")
    assert delivery["eta"] == "08:20"
    assert delivery["site_name"] == "Épicerie sociale Celleneuve"
    assert delivery["load_kg"] == 40
    assert len(_features(collection, "hub")) == 1
    assert len(_features(collection, "producer")) == 1


def test_lines_follow_the_given_paths_per_profile(territory: Territory, tables: PlanTables) -> None:
    calls: list[str] = []

    def path(profile: str, a: Point, b: Point) -> list[Point]:
        calls.append(profile)
        middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 0.001)
        return [a, middle, b]

    collection = routes_geojson(territory, tables, path)
    assert set(calls) == {"drive", "bike"}
    # each distinct leg is asked once: the van drives hub -> V01 on both days
    assert calls.count("drive") == 6  # hub-V01, V01-P01, P01-hub, hub-V02, V02-hub, V01-hub
    assert calls.count("bike") == 2
    bike = next(
        f for f in _features(collection, "trip") if f["properties"]["vehicle_id"] == "BIKE1"
    )
    assert len(bike["geometry"]["coordinates"]) == 5  # hub, mid, V03, mid, hub


def test_a_mapping_of_travel_times_is_accepted(territory: Territory, tables: PlanTables) -> None:
    travel = pytest.importorskip("geo.travel")
    collection = routes_geojson(territory, tables, {"drive": travel.StraightLineTravelTimes()})
    assert len(_features(collection, "trip")) == 4


def test_reload_row_carrying_the_old_trip_number_gives_the_same_loops(
    territory: Territory, tables: PlanTables
) -> None:
    routes = tuple(
        dataclasses.replace(s, trip=1) if s.action == "reload" else s for s in tables.routes
    )
    other = routes_geojson(territory, dataclasses.replace(tables, routes=routes))
    original = routes_geojson(territory, tables)
    assert [f["geometry"] for f in _features(other, "trip")] == [
        f["geometry"] for f in _features(original, "trip")
    ]


def test_unknown_site_is_an_input_error(territory: Territory, tables: PlanTables) -> None:
    routes = (dataclasses.replace(tables.routes[1], site_id="NOPE"), *tables.routes[2:])
    with pytest.raises(InputError, match="NOPE"):
        routes_geojson(territory, dataclasses.replace(tables, routes=routes))


def test_write_routes_geojson(tmp_path: Path, territory: Territory, tables: PlanTables) -> None:
    path = tmp_path / "plan" / "routes.geojson"
    collection = write_routes_geojson(path, territory, tables)
    assert json.loads(path.read_text(encoding="utf-8")) == collection
