"""One row per kind of mistake in a territory folder, with the exact sentence reported.

Rows of the base territory are listed in ``tests/territory_factory.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from territory import load_territory, validate_territory
from territory.errors import InputError
from tests.territory_factory import territory_files, to_toml, without_column, write_territory

Files = dict[str, Any]


def _set(stem: str, index: int, column: str, value: str) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        files[stem][index][column] = value

    return mutate


def _hub(key: str, value: Any) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        table, _, leaf = key.rpartition(".")
        target = files["hub"][table] if table else files["hub"]
        if value is None:
            del target[leaf]
        else:
            target[leaf] = value

    return mutate


def _replace(stem: str, content: Any) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        files[stem] = content

    return mutate


def _append(stem: str, row: dict[str, str]) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        files[stem].append(row)

    return mutate


def _drop_column(stem: str, column: str) -> Callable[[Files], None]:
    def mutate(files: Files) -> None:
        files[stem] = without_column(files[stem], column)

    return mutate


def _bowtie(files: Files) -> None:
    ring = [[3.86, 43.60], [3.89, 43.62], [3.89, 43.60], [3.86, 43.62], [3.86, 43.60]]
    files["zones"]["features"][0]["geometry"]["coordinates"] = [ring]


def _no_zone_name(files: Files) -> None:
    files["zones"]["features"][0]["properties"] = {}


CASES: list[tuple[str, Callable[[Files], None], list[str]]] = [
    # --- files and columns
    ("missing file", _replace("venues", None), ["venues.csv: file is missing"]),
    ("missing hub.toml", _replace("hub", None), ["hub.toml: file is missing"]),
    ("missing column", _drop_column("venues", "lat"), ["venues.csv: column lat is missing"]),
    ("empty file", _replace("organisations", ""), ["organisations.csv: file is empty"]),
    (
        "duplicate header",
        _replace("organisations", "id,name,id\nO1,a,b\nO2,c,d\nO3,e,f\n"),
        ["organisations.csv row 1: column id appears twice"],
    ),
    # --- empty and malformed values
    (
        "empty required value",
        _set("venues", 0, "name", ""),
        ["venues.csv row 2, column name: a value is required"],
    ),
    (
        "not a number",
        _set("venues", 2, "households", "abc"),
        ['venues.csv row 4, column households: "abc" is not a number'],
    ),
    (
        "comma decimal",
        _set("products", 0, "unit_kg", "1,5"),
        ['products.csv row 2, column unit_kg: "1,5" is not a number'],
    ),
    (
        "latitude",
        _set("venues", 0, "lat", "91.2"),
        ["venues.csv row 2, column lat: 91.2 is not a latitude"],
    ),
    (
        "longitude",
        _set("venues", 1, "lon", "-200"),
        ["venues.csv row 3, column lon: -200 is not a longitude"],
    ),
    (
        "negative capacity",
        _set("vehicles", 0, "capacity_kg", "-5"),
        ["vehicles.csv row 2, column capacity_kg: -5 must be 0 or more"],
    ),
    (
        "negative households",
        _set("venues", 0, "households", "-1"),
        ["venues.csv row 2, column households: -1 must be 0 or more"],
    ),
    (
        "negative order quantity",
        _set("orders", 0, "quantity", "-3"),
        ["orders.csv row 2, column quantity: -3 must be more than 0"],
    ),
    (
        "zero order quantity",
        _set("orders", 1, "quantity", "0"),
        ["orders.csv row 3, column quantity: 0 must be more than 0"],
    ),
    (
        "negative stock",
        _set("stock", 0, "quantity", "-1"),
        ["stock.csv row 2, column quantity: -1 must be 0 or more"],
    ),
    (
        "fractional quantity",
        _set("orders", 0, "quantity", "2.5"),
        ["orders.csv row 2, column quantity: 2.5 is not a whole number"],
    ),
    (
        "fractional households",
        _set("venues", 1, "households", "12.5"),
        ["venues.csv row 3, column households: 12.5 is not a whole number"],
    ),
    (
        "unit_kg zero",
        _set("products", 0, "unit_kg", "0"),
        ["products.csv row 2, column unit_kg: 0 must be more than 0"],
    ),
    (
        "max_trips zero",
        _set("vehicles", 0, "max_trips", "0"),
        ["vehicles.csv row 2, column max_trips: 0 must be 1 or more"],
    ),
    (
        "deliveries_per_week out of range",
        _set("venues", 0, "deliveries_per_week", "8"),
        ["venues.csv row 2, column deliveries_per_week: 8 must be between 1 and 7"],
    ),
    (
        "more deliveries than delivery days",
        _set("venues", 1, "deliveries_per_week", "2"),
        [
            "venues.csv row 3, column deliveries_per_week: 2 deliveries a week need at least "
            "2 delivery days, but delivery_days lists 1"
        ],
    ),
    (
        "bad boolean",
        _set("venues", 0, "accepts_substitutes", "maybe"),
        ['venues.csv row 2, column accepts_substitutes: "maybe" is not yes or no'],
    ),
    # --- words from closed sets
    (
        "bad weekday",
        _set("venues", 0, "delivery_days", "mon;tue;xyz"),
        [
            "venues.csv row 2, column delivery_days: xyz is not a weekday "
            "(mon, tue, wed, thu, fri, sat, sun)"
        ],
    ),
    (
        "repeated weekday",
        _set("vehicles", 0, "days", "mon;mon"),
        ["vehicles.csv row 2, column days: mon appears twice"],
    ),
    (
        "unknown access",
        _set("venues", 0, "access", "truck"),
        ['venues.csv row 2, column access: "truck" is not one of any, bike_only, no_truck'],
    ),
    (
        "unknown temperature",
        _set("products", 1, "temperature", "cold"),
        ['products.csv row 3, column temperature: "cold" is not one of ambient, chilled, frozen'],
    ),
    (
        "unknown profile",
        _set("vehicles", 0, "profile", "car"),
        ['vehicles.csv row 2, column profile: "car" is not one of drive, bike'],
    ),
    # --- times
    (
        "hour 25",
        _set("opening_hours", 0, "start", "25:00"),
        ['opening_hours.csv row 2, column start: "25:00" is not a time (HH:MM)'],
    ),
    (
        "French time",
        _set("opening_hours", 1, "end", "7h30"),
        ['opening_hours.csv row 3, column end: "7h30" is not a time (HH:MM)'],
    ),
    (
        "end before start",
        _append(
            "opening_hours", {"site_id": "V02", "weekday": "fri", "start": "12:00", "end": "08:00"}
        ),
        ["opening_hours.csv row 9, column end: 08:00 is before the start 12:00"],
    ),
    (
        "end equals start",
        _set("opening_hours", 3, "end", "10:00"),
        ["opening_hours.csv row 5, column end: 10:00 is not after the start 10:00"],
    ),
    (
        "overlapping slots",
        _append(
            "opening_hours", {"site_id": "V01", "weekday": "mon", "start": "11:00", "end": "13:00"}
        ),
        [
            "opening_hours.csv row 9, column start: 11:00-13:00 overlaps 08:00-12:00 (row 2) "
            "for V01 on mon"
        ],
    ),
    (
        "unknown site",
        _append(
            "opening_hours", {"site_id": "X1", "weekday": "mon", "start": "08:00", "end": "09:00"}
        ),
        [
            "opening_hours.csv row 9, column site_id: unknown site X1 "
            "(not the hub, a venue or a producer)"
        ],
    ),
    (
        "hub hours in the csv overlap hub.toml",
        _append(
            "opening_hours", {"site_id": "hub", "weekday": "mon", "start": "13:00", "end": "15:00"}
        ),
        [
            "opening_hours.csv row 9, column start: 13:00-15:00 overlaps 05:00-14:00 (hub.toml) "
            "for hub on mon"
        ],
    ),
    (
        "delivery day without opening hours",
        _set("venues", 0, "delivery_days", "mon;thu;sat"),
        [
            "venues.csv row 2, column delivery_days: V01 is delivered on sat "
            "but has no opening hours that day"
        ],
    ),
    (
        "shift ends before it starts",
        _set("vehicles", 0, "shift_end", "06:00"),
        ["vehicles.csv row 2, column shift_end: 06:00 is before the shift start 07:00"],
    ),
    (
        "shift of zero length",
        _set("vehicles", 2, "shift_end", "06:00"),
        ["vehicles.csv row 4, column shift_end: 06:00 is not after the shift start 06:00"],
    ),
    # --- weeks and dates
    (
        "ISO week without W",
        _set("orders", 0, "week", "2026-49"),
        ['orders.csv row 2, column week: "2026-49" is not an ISO week (like 2026-W49)'],
    ),
    (
        "ISO week 53 that does not exist",
        _set("orders", 0, "week", "2025-W53"),
        ['orders.csv row 2, column week: "2025-W53" is not an ISO week (like 2026-W49)'],
    ),
    (
        "ISO date",
        _set("stock", 0, "expiry", "2026-13-01"),
        ['stock.csv row 2, column expiry: "2026-13-01" is not a date (YYYY-MM-DD)'],
    ),
    (
        "French date",
        _set("stock", 1, "expiry", "10/12/2026"),
        ['stock.csv row 3, column expiry: "10/12/2026" is not a date (YYYY-MM-DD)'],
    ),
    # --- ids and references
    (
        "duplicate id",
        _append("venues", dict(territory_files()["venues"][0])),
        ["venues.csv row 5, column id: duplicate id V01 (first seen on row 2)"],
    ),
    (
        "producer id already a venue id",
        _set("producers", 0, "id", "V03"),
        [
            "offers.csv row 2, column producer_id: unknown producer P01",
            "opening_hours.csv row 8, column site_id: unknown site P01 "
            "(not the hub, a venue or a producer)",
            "producers.csv row 2, column id: V03 is already an id in venues.csv (row 4)",
        ],
    ),
    (
        "duplicate stock lot",
        _append(
            "stock", {"product_id": "A1", "lot": "L1", "quantity": "5", "expiry": "2027-01-01"}
        ),
        ["stock.csv row 4, column lot: duplicate lot L1 of product A1 (first seen on row 2)"],
    ),
    (
        "unknown product",
        _set("orders", 3, "product_id", "P999"),
        ["orders.csv row 5, column product_id: unknown product P999"],
    ),
    (
        "unknown venue",
        _set("orders", 4, "venue_id", "V99"),
        ["orders.csv row 6, column venue_id: unknown venue V99"],
    ),
    (
        "unknown venue in history",
        _set("orders_history", 0, "venue_id", "V99"),
        ["orders_history.csv row 2, column venue_id: unknown venue V99"],
    ),
    (
        # the venue is reported, not each order that names it
        "order for a venue whose organisation is unknown",
        _set("venues", 1, "organisation_id", "O9"),
        ["venues.csv row 3, column organisation_id: unknown organisation O9"],
    ),
    (
        "unknown organisation of a vehicle",
        _set("vehicles", 1, "organisation_id", "O9"),
        ["vehicles.csv row 3, column organisation_id: unknown organisation O9"],
    ),
    (
        "unknown producer",
        _set("offers", 0, "producer_id", "P9"),
        ["offers.csv row 2, column producer_id: unknown producer P9"],
    ),
    (
        "unknown product in stock",
        _set("stock", 0, "product_id", "Z1"),
        ["stock.csv row 2, column product_id: unknown product Z1"],
    ),
    (
        "cargo bike in an unknown zone",
        _set("vehicles", 1, "zone", "centre-ville"),
        ["vehicles.csv row 3, column zone: unknown zone centre-ville"],
    ),
    (
        "cargo bike zone without zones.geojson",
        _replace("zones", None),
        ["vehicles.csv row 3, column zone: unknown zone centre"],
    ),
    # --- hub.toml
    (
        "TOML syntax error",
        _replace("hub", 'name = "Hub"\nlon = 3.8\nlat 43.6\n'),
        [
            "hub.toml: not valid TOML: Expected '=' after a key in a key/value pair "
            "(at line 3, column 5)"
        ],
    ),
    ("hub latitude", _hub("lat", 91.2), ["hub.toml column lat: 91.2 is not a latitude"]),
    ("hub longitude text", _hub("lon", "east"), ['hub.toml column lon: "east" is not a number']),
    ("hub without name", _hub("name", None), ["hub.toml column name: a value is required"]),
    ("hub without lon", _hub("lon", None), ["hub.toml column lon: a value is required"]),
    (
        "hub time zone",
        _hub("timezone", "Europe/Parus"),
        ['hub.toml column timezone: "Europe/Parus" is not a time zone (like Europe/Paris)'],
    ),
    (
        "hub week",
        _hub("week", "2026-W60"),
        ['hub.toml column week: "2026-W60" is not an ISO week (like 2026-W49)'],
    ),
    (
        "hub hours end before start",
        _hub("opening_hours.mon", "14:00-05:00"),
        ["hub.toml column opening_hours.mon: 05:00 is before the start 14:00"],
    ),
    (
        "hub hours overlap",
        _hub("opening_hours.tue", "05:00-10:00;09:00-14:00"),
        ["hub.toml column opening_hours.tue: 09:00-14:00 overlaps 05:00-10:00"],
    ),
    (
        "hub hours malformed",
        _hub("opening_hours.wed", "5h-14h"),
        ['hub.toml column opening_hours.wed: "5h" is not a time (HH:MM)'],
    ),
    (
        "hub hours bad weekday",
        _hub("opening_hours.monday", "05:00-14:00"),
        [
            "hub.toml column opening_hours.monday: monday is not a weekday "
            "(mon, tue, wed, thu, fri, sat, sun)"
        ],
    ),
    (
        "negative service time",
        _hub("service.default_service_min", -1),
        ["hub.toml column service.default_service_min: -1 must be 0 or more"],
    ),
    (
        "co2 factor not a number",
        _hub("co2.diesel_kg_per_l", "lots"),
        ['hub.toml column co2.diesel_kg_per_l: "lots" is not a number'],
    ),
    (
        "unknown network profile",
        _hub("network", {"car": "roads.osm"}),
        ['hub.toml column network.car: "car" is not one of drive, bike'],
    ),
    # --- zones.geojson
    (
        "zones not JSON",
        _replace("zones", '{"type": "FeatureCollection", "features": [}'),
        ["zones.geojson: not valid JSON: Expecting value (at line 1, column 44)"],
    ),
    (
        "zones not a FeatureCollection",
        _replace("zones", {"type": "Feature"}),
        ["zones.geojson: is not a GeoJSON FeatureCollection"],
    ),
    (
        "zone without a name",
        _no_zone_name,
        [
            "vehicles.csv row 3, column zone: unknown zone centre",
            "zones.geojson: feature 1 has no name property",
        ],
    ),
    (
        "zone polygon not valid",
        _bowtie,
        ["zones.geojson: feature 1 (centre): invalid polygon (Self-intersection[3.875 43.61])"],
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [pytest.param(mutate, expected, id=name) for name, mutate, expected in CASES],
)
def test_each_mistake_is_reported_exactly(
    tmp_path: Path, mutate: Callable[[Files], None], expected: list[str]
) -> None:
    files = territory_files()
    mutate(files)
    write_territory(tmp_path, **files)

    with pytest.raises(InputError) as caught:
        load_territory(tmp_path)

    assert [str(problem) for problem in caught.value.problems] == expected
    report = validate_territory(tmp_path)
    assert report.territory is None
    assert report.problems == caught.value.problems


def test_non_utf8_file_names_the_byte_and_its_position(tmp_path: Path) -> None:
    header = "id,name,kind,contact\n"
    data = (header + "O1,Café solidaire,grocery,\nO2,b,,\nO3,c,,\n").encode("cp1252")
    write_territory(tmp_path, organisations=data)

    with pytest.raises(InputError) as caught:
        load_territory(tmp_path)

    position = len(header) + len("O1,Caf")
    assert [str(p) for p in caught.value.problems] == [
        f"organisations.csv: not valid UTF-8 (byte 0xe9 at position {position}); save it as UTF-8"
    ]


def test_missing_network_file_is_reported_with_where_it_was_looked_for(tmp_path: Path) -> None:
    files = territory_files()
    files["hub"]["network"] = {"drive": "roads/missing.osm"}
    write_territory(tmp_path, **files)

    with pytest.raises(InputError) as caught:
        load_territory(tmp_path)

    expected = tmp_path.resolve() / "roads" / "missing.osm"
    assert [str(p) for p in caught.value.problems] == [
        f"hub.toml column network.drive: file roads/missing.osm does not exist "
        f"(looked for {expected})"
    ]


def test_every_mistake_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    files = territory_files()
    files["hub"]["lat"] = 91.2
    files["venues"][0]["lat"] = "91.2"
    files["venues"][2]["households"] = "abc"
    files["venues"].append(dict(files["venues"][2]))
    files["opening_hours"][5]["end"] = "7h30"
    files["products"][0]["unit_kg"] = "0"
    files["vehicles"][1]["zone"] = "nowhere"
    files["orders"][3]["product_id"] = "P999"
    files["stock"][0]["expiry"] = "2026-02-30"
    files["zones"] = '{"type": '
    files["offers"] = None  # optional: absence is fine
    write_territory(tmp_path, **files)

    report = validate_territory(tmp_path)

    assert [str(p) for p in report.problems] == [
        "hub.toml column lat: 91.2 is not a latitude",
        'opening_hours.csv row 7, column end: "7h30" is not a time (HH:MM)',
        "orders.csv row 5, column product_id: unknown product P999",
        "products.csv row 2, column unit_kg: 0 must be more than 0",
        'stock.csv row 2, column expiry: "2026-02-30" is not a date (YYYY-MM-DD)',
        "venues.csv row 2, column lat: 91.2 is not a latitude",
        'venues.csv row 4, column households: "abc" is not a number',
        "venues.csv row 5, column id: duplicate id V03 (first seen on row 4)",
        'venues.csv row 5, column households: "abc" is not a number',
        "zones.geojson: not valid JSON: Expecting value (at line 1, column 10)",
    ]
    assert report.territory is None
    with pytest.raises(InputError) as caught:
        load_territory(tmp_path)
    assert caught.value.problems == report.problems


def test_several_missing_files_and_columns(tmp_path: Path) -> None:
    files = territory_files()
    files["orders"] = None
    files["products"] = None
    files["vehicles"] = without_column(without_column(files["vehicles"], "days"), "shift_end")
    write_territory(tmp_path, **files)

    with pytest.raises(InputError) as caught:
        load_territory(tmp_path)

    assert [str(p) for p in caught.value.problems] == [
        "orders.csv: file is missing",
        "products.csv: file is missing",
        "vehicles.csv: column shift_end is missing",
        "vehicles.csv: column days is missing",
    ]


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_folder_that_is_not_a_territory_folder(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "nowhere"
    if kind == "file":
        target.write_text("x", encoding="utf-8")
    expected = "does not exist" if kind == "missing" else "is not a folder"

    with pytest.raises(InputError, match=f"territory folder .*nowhere {expected}"):
        load_territory(target)
    report = validate_territory(target)
    assert report.territory is None
    assert [p.message for p in report.problems] == [f"territory folder {target} {expected}"]


def test_hub_toml_written_by_hand_is_accepted_like_the_factory_one(tmp_path: Path) -> None:
    files = territory_files()
    write_territory(tmp_path, hub=to_toml(files["hub"]))
    assert validate_territory(tmp_path).problems == ()
