"""Maxspeed parsing, way filters and directions of the travel profiles."""

from __future__ import annotations

import pytest

from geo.profiles import (
    BIKE_SPEED_KMH,
    DRIVE_SPEED_KMH,
    edge_speeds_kmh,
    is_usable,
    parse_maxspeed_kmh,
    travel_directions,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", 30.0),
        ("50", 50.0),
        (" 70 ", 70.0),
        ("50 km/h", 50.0),
        ("50kmh", 50.0),
        ("30 mph", 30 * 1.609344),
        ("20mph", 20 * 1.609344),
        ("10 knots", 18.52),
        ("7,5", 7.5),
        ("FR:urban", 50.0),
        ("fr:zone30", 30.0),
        ("FR:rural", 80.0),
        ("FR:motorway", 130.0),
        ("DE:living_street", 7.0),
        ("walk", 6.0),
        ("50;30", 30.0),
        ("30|50", 30.0),
        ("FR:urban;30", 30.0),
        ("signals;50", 50.0),
        ("none", None),
        ("signals", None),
        ("variable", None),
        ("fast", None),
        ("0", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_maxspeed(value: str | None, expected: float | None) -> None:
    got = parse_maxspeed_kmh(value)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@pytest.mark.parametrize(
    ("tags", "drive", "bike"),
    [
        ({"highway": "residential"}, True, True),
        ({"highway": "motorway"}, True, False),
        ({"highway": "motorway_link"}, True, False),
        ({"highway": "trunk"}, True, False),
        ({"highway": "trunk_link"}, True, False),
        ({"highway": "cycleway"}, False, True),
        ({"highway": "footway"}, False, False),
        ({"highway": "footway", "bicycle": "yes"}, False, True),
        ({"highway": "service"}, False, True),
        ({"highway": "residential", "access": "private"}, False, False),
        ({"highway": "residential", "motor_vehicle": "no"}, False, True),
        ({"highway": "residential", "bicycle": "no"}, True, False),
        ({"highway": "pedestrian", "area": "yes"}, False, False),
        ({"building": "yes"}, False, False),
    ],
)
def test_usable(tags: dict[str, str], drive: bool, bike: bool) -> None:
    assert is_usable(tags, "drive") is drive
    assert is_usable(tags, "bike") is bike


@pytest.mark.parametrize(
    ("tags", "drive", "bike"),
    [
        ({"highway": "residential"}, (True, True), (True, True)),
        ({"highway": "residential", "oneway": "yes"}, (True, False), (True, False)),
        ({"highway": "residential", "oneway": "-1"}, (False, True), (False, True)),
        ({"highway": "primary", "junction": "roundabout"}, (True, False), (True, False)),
        ({"highway": "motorway"}, (True, False), (True, False)),
        ({"highway": "motorway", "oneway": "no"}, (True, True), (True, True)),
        (
            {"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"},
            (True, False),
            (True, True),
        ),
        (
            {"highway": "residential", "oneway": "yes", "cycleway": "opposite_lane"},
            (True, False),
            (True, True),
        ),
    ],
)
def test_directions(
    tags: dict[str, str], drive: tuple[bool, bool], bike: tuple[bool, bool]
) -> None:
    assert travel_directions(tags, "drive") == drive
    assert travel_directions(tags, "bike") == bike


def test_speeds() -> None:
    assert (
        edge_speeds_kmh({"highway": "residential"}, "drive")
        == (DRIVE_SPEED_KMH["residential"],) * 2
    )
    assert edge_speeds_kmh({"highway": "primary", "maxspeed": "70"}, "drive") == (70.0, 70.0)
    assert edge_speeds_kmh(
        {"highway": "primary", "maxspeed": "50", "maxspeed:backward": "30"}, "drive"
    ) == (50.0, 30.0)
    assert edge_speeds_kmh({"highway": "unknown_class"}, "drive") == (30.0, 30.0)
    assert edge_speeds_kmh({"highway": "primary", "maxspeed": "70"}, "bike") == (
        BIKE_SPEED_KMH,
        BIKE_SPEED_KMH,
    )


def test_unknown_profile() -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        is_usable({"highway": "residential"}, "truck")
