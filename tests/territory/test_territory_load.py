"""Loading valid territories: values, defaults, immutability, warnings, Montpellier."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory import (
    IsoWeek,
    Territory,
    TimeWindow,
    Venue,
    load_territory,
    validate_territory,
)
from territory.errors import InputError
from tests.territory_factory import territory_files, write_territory

REPO = Path(__file__).resolve().parents[2]


def test_base_territory_loads_with_its_values(tmp_path: Path) -> None:
    write_territory(tmp_path)

    report = validate_territory(tmp_path)

    assert report.problems == ()
    assert report.warnings == ()
    territory = report.territory
    assert territory is not None
    assert territory.folder == tmp_path.resolve()
    hub = territory.hub
    assert (hub.id, hub.lon, hub.lat, hub.timezone) == ("hub", 3.876, 43.611, "Europe/Paris")
    assert hub.week == IsoWeek(2026, 49)
    assert hub.opening["mon"] == (TimeWindow(300, 840),)
    assert "sat" not in hub.opening
    assert hub.service.loading_min == 15
    assert hub.driver.break_min == 30
    assert dict(hub.co2) == {"diesel_kg_per_l": 2.68, "electric_g_per_kwh": 52}
    assert len(territory.organisations) == 3
    assert [v.id for v in territory.venues] == ["V01", "V02", "V03"]
    v01, v02, v03 = territory.venues
    assert v01.opening["mon"] == (TimeWindow(480, 720), TimeWindow(840, 1080))
    assert v01.delivery_days == ("mon", "thu")
    assert v01.accepts_substitutes is True
    assert v02.service_min == 10  # empty -> hub default
    assert v02.deliveries_per_week == 1
    assert v02.access == "bike_only"
    assert v03.deliveries_per_week == 2
    assert v03.accepts_substitutes is False
    assert territory.producers_by_id["P01"].opening["tue"] == (TimeWindow(420, 540),)
    assert territory.products_by_id["C1"].temperature == "chilled"
    bike = territory.vehicles_by_id["BIKE1"]
    assert (bike.profile, bike.zone, bike.max_trips) == ("bike", "centre", 3)
    assert bike.shift == TimeWindow(480, 780)
    assert territory.vehicles_by_id["VAN1"].zone is None
    assert sum(line.quantity for line in territory.orders) == 24
    assert len(territory.orders_for()) == 5
    assert territory.orders_history[0].week == IsoWeek(2026, 48)
    assert territory.stock[1].expiry == dt.date(2026, 12, 10)
    assert territory.offers[0].day == "tue"
    centre = territory.zones_by_name["centre"]
    assert centre.contains(v02.lon, v02.lat)
    assert not centre.contains(v03.lon, v03.lat)
    assert centre.wkt.startswith("POLYGON")
    assert territory.organisations_by_id["O2"].contact is None


def test_territory_is_immutable(tmp_path: Path) -> None:
    territory = load_territory(write_territory(tmp_path))

    with pytest.raises(dataclasses.FrozenInstanceError):
        territory.hub = territory.hub  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        territory.venues[0].lat = 0.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        territory.venues_by_id["X"] = territory.venues[0]  # type: ignore[index]
    with pytest.raises(TypeError):
        territory.venues[0].opening["sun"] = ()  # type: ignore[index]
    assert isinstance(territory.orders, tuple)
    assert hash(territory.venues[0]) == hash(territory.venues[0])


def test_spreadsheet_quirks_are_accepted(tmp_path: Path) -> None:
    """BOM, CRLF, extra columns, blank lines, blanks around cells, mixed-case weekdays."""
    write_territory(tmp_path)
    venues = (tmp_path / "venues.csv").read_text(encoding="utf-8").splitlines()
    venues[0] += ",notes"
    venues[1] += ",call before"
    venues.insert(2, ",,,,,,,,,,,,")
    venues[3] = venues[3].replace("tue", " Tue ")
    data = "\ufeff" + "\r\n".join(venues) + "\r\n\r\n"
    (tmp_path / "venues.csv").write_bytes(data.encode("utf-8"))

    report = validate_territory(tmp_path)

    assert report.problems == ()
    assert report.territory is not None
    assert report.territory.venues_by_id["V02"].delivery_days == ("tue",)


def test_blank_line_still_counts_as_a_spreadsheet_row(tmp_path: Path) -> None:
    write_territory(tmp_path)
    lines = (tmp_path / "venues.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")
    lines[3] = lines[3].replace("43.610", "95")
    (tmp_path / "venues.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    problems = validate_territory(tmp_path).problems

    assert [str(p) for p in problems] == ["venues.csv row 4, column lat: 95 is not a latitude"]


def test_optional_files_and_columns_may_be_absent(tmp_path: Path) -> None:
    files = territory_files()
    for row in files["venues"]:
        for column in ("service_min", "deliveries_per_week", "accepts_substitutes", "address"):
            del row[column]
    files["vehicles"][1]["zone"] = ""
    files["opening_hours"] = [r for r in files["opening_hours"] if r["site_id"] != "P01"]
    for stem in ("producers", "stock", "offers", "orders_history", "zones"):
        files[stem] = None
    files["hub"] = {"name": "Minimal hub", "lon": 3.9, "lat": 43.6}
    write_territory(tmp_path, **files)

    territory = load_territory(tmp_path)

    assert territory.producers == territory.stock == territory.offers == ()
    assert territory.orders_history == territory.zones == ()
    assert territory.hub.id == "hub"
    assert territory.hub.week is None
    assert territory.week == IsoWeek(2026, 49)  # latest week ordered
    assert territory.hub.opening == {}
    assert territory.hub.service.default_service_min == 10
    assert all(v.service_min == 10 for v in territory.venues)


def test_warnings_do_not_stop_loading(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    files = territory_files()
    files["orders"] = [r for r in files["orders"] if r["venue_id"] != "V02"]
    files["orders"].append(
        {"week": "2026-W50", "venue_id": "V01", "product_id": "A1", "quantity": "1"}
    )
    files["orders"].append(dict(files["orders"][0]))
    files["stock"][1]["expiry"] = "2026-11-29"
    files["offers"][0]["day"] = "wed"
    files["vehicles"][0]["days"] = "mon;sat"
    files["vehicles"][1]["profile"] = "drive"
    files["vehicles"][1]["zone"] = ""
    write_territory(tmp_path, **files)

    report = validate_territory(tmp_path)

    assert report.problems == ()
    assert report.territory is not None
    assert [str(w) for w in report.warnings] == [
        "offers.csv row 2, column day: producer P01 has no pickup hours on wed",
        "orders.csv row 6, column week: 1 lines are for 2026-W50, not the planned week 2026-W49; "
        "they are not planned",
        "orders.csv row 7, column product_id: V01 already ordered A1 for 2026-W49 on row 2; "
        "both lines count",
        "stock.csv row 3, column expiry: 2026-11-29 is before the planned week 2026-W49 "
        "(starts 2026-11-30); lot L2 will not be used",
        "vehicles.csv row 2, column days: the hub is closed on sat",
        "venues.csv row 3, column id: V02 has no orders for 2026-W49",
        "venues.csv row 3, column access: no vehicle has profile bike",
    ]
    with caplog.at_level(logging.WARNING, logger="territory.reader"):
        territory = load_territory(tmp_path)
    assert len(territory.orders) == 6
    assert len(caplog.records) == len(report.warnings)


def test_network_paths_are_resolved_but_not_loaded(tmp_path: Path) -> None:
    files = territory_files()
    files["hub"]["network"] = {"drive": "../roads/city.osm.bz2", "bike": "bike.osm"}
    folder = tmp_path / "territory"
    write_territory(folder, **files)
    (tmp_path / "roads").mkdir()
    (tmp_path / "roads" / "city.osm.bz2").write_bytes(b"not even OSM")
    (folder / "bike.osm").write_bytes(b"")

    territory = load_territory(folder)

    assert dict(territory.hub.network) == {
        "drive": (tmp_path / "roads" / "city.osm.bz2").resolve(),
        "bike": (folder / "bike.osm").resolve(),
    }


def test_hub_hours_may_also_come_from_opening_hours_csv(tmp_path: Path) -> None:
    files = territory_files()
    files["opening_hours"].append(
        {"site_id": "hub", "weekday": "sat", "start": "06:00", "end": "10:00"}
    )
    files["opening_hours"].append(
        {"site_id": "hub", "weekday": "mon", "start": "15:00", "end": "17:00"}
    )
    write_territory(tmp_path, **files)

    hub = load_territory(tmp_path).hub

    assert hub.opening["sat"] == (TimeWindow(360, 600),)
    assert hub.opening["mon"] == (TimeWindow(300, 840), TimeWindow(900, 1020))


def test_records_validate_on_creation_and_name_the_field() -> None:
    venue = load_territory_base().venues[0]

    with pytest.raises(InputError) as caught:
        dataclasses.replace(venue, lat=91.2, households=-1)

    assert [str(p) for p in caught.value.problems] == [
        "Venue column lat: 91.2 is not a latitude",
        "Venue column households: -1 must be 0 or more",
    ]
    with pytest.raises(
        InputError, match="TimeWindow column end_min: 08:00 is not after the start 12:00"
    ):
        TimeWindow(720, 480)
    with pytest.raises(InputError, match="IsoWeek column week: 2025-W53 is not an ISO week"):
        IsoWeek(2025, 53)
    assert isinstance(venue, Venue)


def test_territory_checks_its_own_references() -> None:
    territory = load_territory_base()

    with pytest.raises(InputError) as caught:
        Territory(
            folder=territory.folder,
            hub=territory.hub,
            organisations=territory.organisations,
            venues=(*territory.venues, territory.venues[0]),
            products=territory.products,
            orders=territory.orders,
        )

    assert [str(p) for p in caught.value.problems] == [
        "Territory column venues: duplicate id V01",
    ]


def test_iso_week_dates() -> None:
    week = IsoWeek.parse("2026-W49")
    assert str(week) == "2026-W49"
    assert week.monday() == dt.date(2026, 11, 30)
    assert week.date_of("sun") == dt.date(2026, 12, 6)


def load_territory_base() -> Territory:
    with tempfile.TemporaryDirectory() as folder:
        return load_territory(write_territory(Path(folder)))


# ------------------------------------------------------------------ property-based
_ids = st.integers(min_value=1, max_value=5)


@st.composite
def _random_files(draw: st.DrawFn) -> dict[str, object]:
    files = territory_files()
    n_venues = draw(_ids)
    n_products = draw(_ids)
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    venues, opening = [], []
    for index in range(n_venues):
        chosen = draw(st.lists(st.sampled_from(days), min_size=1, max_size=7, unique=True))
        venues.append(
            {
                "id": f"V{index}",
                "name": draw(
                    st.text(min_size=1, max_size=12).filter(
                        lambda s: s.strip() == s and s.isprintable()
                    )
                ),
                "kind": "grocery",
                "organisation_id": draw(st.sampled_from(["O1", "O2", "O3"])),
                "lon": str(draw(st.floats(-180, 180, allow_nan=False))),
                "lat": str(draw(st.floats(-90, 90, allow_nan=False))),
                "households": str(draw(st.integers(0, 10_000))),
                "delivery_days": ";".join(chosen),
                "access": draw(st.sampled_from(["any", "bike_only", "no_truck"])),
                "service_min": draw(st.sampled_from(["", "0", "7.5", "30"])),
                "deliveries_per_week": str(draw(st.integers(1, len(chosen)))),
                "accepts_substitutes": draw(st.sampled_from(["", "yes", "no", "1", "FALSE"])),
                "address": "",
            }
        )
        for day in chosen:
            start = draw(st.integers(0, 22 * 60))
            end = draw(st.integers(start + 1, 24 * 60))
            opening.append(
                {
                    "site_id": f"V{index}",
                    "weekday": day,
                    "start": f"{start // 60:02d}:{start % 60:02d}",
                    "end": f"{end // 60:02d}:{end % 60:02d}",
                }
            )
    opening.append({"site_id": "P01", "weekday": "tue", "start": "07:00", "end": "09:00"})
    products = [
        {
            "id": f"X{index}",
            "name": f"Product {index}",
            "category": "dry",
            "temperature": draw(st.sampled_from(["ambient", "chilled", "frozen"])),
            "unit": "kg",
            "unit_kg": str(draw(st.floats(0.001, 100))),
            "unit_l": str(draw(st.floats(0, 100))),
            "shelf_life_days": str(draw(st.integers(0, 999))),
            "price_eur": str(draw(st.floats(0, 1000))),
        }
        for index in range(n_products)
    ]
    orders = [
        {
            "week": "2026-W49",
            "venue_id": f"V{draw(st.integers(0, n_venues - 1))}",
            "product_id": f"X{draw(st.integers(0, n_products - 1))}",
            "quantity": str(draw(st.integers(1, 500))),
        }
        for _ in range(draw(st.integers(0, 12)))
    ]
    files.update(
        venues=venues,
        opening_hours=opening,
        products=products,
        orders=orders,
        orders_history=[],
        stock=[],
        offers=[{"producer_id": "P01", "product_id": "X0", "quantity": "3", "day": "tue"}],
    )
    return files


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=_random_files())
def test_random_valid_territories_load_and_round_trip(files: dict[str, object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        write_territory(Path(folder), **files)
        report = validate_territory(folder)

    assert report.problems == ()
    territory = report.territory
    assert territory is not None
    venues = files["venues"]
    orders = files["orders"]
    assert isinstance(venues, list) and isinstance(orders, list)
    assert [v.id for v in territory.venues] == [row["id"] for row in venues]
    assert [v.name for v in territory.venues] == [row["name"] for row in venues]
    assert len(territory.products) == len(files["products"])  # type: ignore[arg-type]
    assert len(territory.orders) == len(orders)
    assert sum(line.quantity for line in territory.orders) == sum(
        int(r["quantity"]) for r in orders
    )
    for venue in territory.venues:
        assert set(venue.delivery_days) <= set(venue.opening)
        assert 1 <= venue.deliveries_per_week <= len(venue.delivery_days)
    ordering = {line.venue_id for line in territory.orders}
    assert {w.row for w in report.warnings if w.message.endswith("has no orders for 2026-W49")} == {
        index + 2 for index, row in enumerate(venues) if row["id"] not in ordering
    }


# ------------------------------------------------------------------ bundled data
def test_bundled_montpellier_territory_loads_without_problems() -> None:
    folder = REPO / "data" / "montpellier"
    assert (folder / "hub.toml").exists(), "data/montpellier is part of the repository"

    report = validate_territory(folder)

    assert [str(p) for p in report.problems] == []
    territory = report.territory
    assert territory is not None
    assert territory.venues and territory.vehicles and territory.orders_for()
    assert territory.week == IsoWeek(2026, 49)
    assert set(territory.hub.network) == {"drive", "bike"}
    assert all(path.is_file() for path in territory.hub.network.values())
    assert any(vehicle.profile == "bike" and vehicle.zone for vehicle in territory.vehicles)
