"""The independent plan checker on a tiny hand-computed week plan.

Territory: the base of ``tests/territory_factory.py`` with a break due after 2.5 h.
Travel: a hand-made table (metres between sites), 0.18 s/m by van (20 km/h) and
0.24 s/m by bike (15 km/h), so every time below can be checked by hand.

The correct plan (hub opens 05:00-14:00, loading 15 min, 2 s handling per unit)::

    Mon FRIDGE1  start 06:00-06:15 | V01 arr 06:18, opens 08:00, 15 min + 15 units -> 08:15:30
                 break 08:15:30-08:45:30 | end 08:48:30          (2 h 48 > 2.5 h: break due)
    Tue BIKE1    start 09:00-09:15 | V02 arr 09:17, opens 10:00, 10 min + 3 units -> 10:10:06
                 end 10:12:06
    Tue VAN1     start 07:00-07:15 | P01 07:33, 10 min + 20 units -> 07:43:40
                 reload 08:01:40-08:16:40 | P01 08:34:40 -> 08:45:00 | end 09:03:00 (2 trips)
    Wed FRIDGE1  start 07:00-07:15 | V03 arr 07:30, opens 08:00, 20 min + 6 units -> 08:20:12
                 end 08:35:12
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import ArrayLike

from geo.matrix import TravelMatrices
from geo.travel import TravelTimes
from logistics.check.plan import (
    KINDS,
    Violation,
    check_plan,
    check_plan_folder,
    format_report,
)
from logistics.plan.travel import territory_travel_times
from logistics.tables.files import (
    DeliveryLine,
    PickupLine,
    PlanTables,
    RouteStop,
    UnservedLine,
    write_plan_tables,
)
from territory.errors import InputError
from territory.model import Territory
from territory.reader import load_territory
from tests.territory_factory import territory_files, write_territory

PARIS = ZoneInfo("Europe/Paris")
MON, TUE, WED = date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)

_METRES = {
    ("hub", "V01"): 1000,
    ("hub", "V02"): 500,
    ("hub", "V03"): 5000,
    ("hub", "P01"): 6000,
    ("V01", "V02"): 1200,
    ("V01", "V03"): 4000,
    ("V01", "P01"): 7000,
    ("V02", "V03"): 5500,
    ("V02", "P01"): 6000,
    ("V03", "P01"): 8000,
}


class TableTravel:
    """Travel from the hand-made table above, at a constant number of seconds per metre."""

    def __init__(self, territory: Territory, seconds_per_m: float) -> None:
        self.seconds_per_m = seconds_per_m
        sites = [(territory.hub.id, territory.hub.lon, territory.hub.lat)]
        sites += [(v.id, v.lon, v.lat) for v in territory.venues]
        sites += [(p.id, p.lon, p.lat) for p in territory.producers]
        self.ids = {(round(lon, 6), round(lat, 6)): site for site, lon, lat in sites}

    def matrices(self, points: ArrayLike, *, labels: Sequence[str] | None = None) -> TravelMatrices:
        array = np.asarray(points, dtype=float)
        ids = [self.ids[(round(lon, 6), round(lat, 6))] for lon, lat in array]
        n = len(ids)
        distance = np.zeros((n, n), dtype=np.int64)
        for i, a in enumerate(ids):
            for j, b in enumerate(ids):
                if a != b:
                    distance[i, j] = _METRES.get((a, b), _METRES.get((b, a), 0))
        duration = np.rint(distance * self.seconds_per_m).astype(np.int64)
        return TravelMatrices(duration_s=duration, distance_m=distance, snap_distance_m=np.zeros(n))

    def path(self, a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
        return [a, b]


def travel_for(territory: Territory) -> dict[str, TravelTimes]:
    return {"drive": TableTravel(territory, 0.18), "bike": TableTravel(territory, 0.24)}


def _at(day: date, hhmmss: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmmss), tzinfo=PARIS)


def _stop(
    day: date,
    vehicle: str,
    trip: int,
    seq: int,
    site: str,
    action: str,
    times: tuple[str, str, str],
    travel: tuple[int, int],
    load: tuple[float, float, float, float] = (0, 0, 0, 0),
) -> RouteStop:
    kind = "hub" if site == "hub" else "producer" if site.startswith("P") else "venue"
    arrival, start, departure = (_at(day, t) for t in times)
    return RouteStop(day, vehicle, trip, seq, site, kind, action, arrival, start, departure,
                     *travel, *load)  # fmt: skip


ROUTES = (
    _stop(MON, "FRIDGE1", 1, 1, "hub", "start", ("06:00", "06:00", "06:15"), (0, 0),
          (12.5, 12, 3, 0)),
    _stop(MON, "FRIDGE1", 1, 2, "V01", "deliver", ("06:18", "08:00", "08:15:30"), (1000, 180)),
    _stop(MON, "FRIDGE1", 1, 3, "V01", "break", ("08:15:30", "08:15:30", "08:45:30"), (0, 0)),
    _stop(MON, "FRIDGE1", 1, 4, "hub", "end", ("08:48:30",) * 3, (1000, 180)),
    _stop(TUE, "BIKE1", 1, 1, "hub", "start", ("09:00", "09:00", "09:15"), (0, 0), (3, 3.6, 0, 0)),
    _stop(TUE, "BIKE1", 1, 2, "V02", "deliver", ("09:17", "10:00", "10:10:06"), (500, 120)),
    _stop(TUE, "BIKE1", 1, 3, "hub", "end", ("10:12:06",) * 3, (500, 120)),
    _stop(TUE, "VAN1", 1, 1, "hub", "start", ("07:00", "07:00", "07:15"), (0, 0)),
    _stop(TUE, "VAN1", 1, 2, "P01", "pickup", ("07:33", "07:33", "07:43:40"), (6000, 1080),
          (100, 240, 0, 0)),
    _stop(TUE, "VAN1", 1, 3, "hub", "reload", ("08:01:40", "08:01:40", "08:16:40"), (6000, 1080)),
    _stop(TUE, "VAN1", 2, 4, "P01", "pickup", ("08:34:40", "08:34:40", "08:45"), (6000, 1080),
          (50, 120, 0, 0)),
    _stop(TUE, "VAN1", 2, 5, "hub", "end", ("09:03",) * 3, (6000, 1080)),
    _stop(WED, "FRIDGE1", 1, 1, "hub", "start", ("07:00", "07:00", "07:15"), (0, 0),
          (22, 48, 0, 3)),
    _stop(WED, "FRIDGE1", 1, 2, "V03", "deliver", ("07:30", "08:00", "08:20:12"), (5000, 900)),
    _stop(WED, "FRIDGE1", 1, 3, "hub", "end", ("08:35:12",) * 3, (5000, 900)),
)  # fmt: skip
DELIVERIES = (
    DeliveryLine(MON, "FRIDGE1", 1, 2, "V01", "A1", 10),
    DeliveryLine(MON, "FRIDGE1", 1, 2, "V01", "C1", 5),
    DeliveryLine(TUE, "BIKE1", 1, 2, "V02", "A1", 3),
    DeliveryLine(WED, "FRIDGE1", 1, 2, "V03", "F1", 2),
    DeliveryLine(WED, "FRIDGE1", 1, 2, "V03", "T1", 4),
)
PICKUPS = (
    PickupLine(TUE, "VAN1", 1, 2, "P01", "T1", 20),
    PickupLine(TUE, "VAN1", 2, 4, "P01", "T1", 10),
)
PLAN = PlanTables(ROUTES, DELIVERIES, PICKUPS, ())


def _row(day: date, vehicle: str, seq: int) -> int:
    """Index in ROUTES of a stop."""
    return next(
        i for i, s in enumerate(ROUTES) if (s.day, s.vehicle_id, s.seq) == (day, vehicle, seq)
    )


def _files() -> dict[str, Any]:
    files = territory_files()
    files["hub"]["driver"]["break_after_h"] = 2.5
    return files


def _territory(folder: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> Territory:
    files = _files()
    if edit is not None:
        edit(files)
    write_territory(folder, **files)
    return load_territory(folder)


def _check(territory: Territory, plan: PlanTables = PLAN) -> list[Violation]:
    return check_plan(territory, plan, travel_for(territory))


def _with_stop(index: int, **changes: Any) -> PlanTables:
    stop = ROUTES[index]
    for name in ("arrival", "service_start", "departure"):
        if isinstance(changes.get(name), str):
            changes[name] = _at(stop.day, changes[name])
    routes = list(ROUTES)
    routes[index] = dataclasses.replace(stop, **changes)
    return dataclasses.replace(PLAN, routes=tuple(routes))


def _vehicle(files: dict[str, Any], vehicle_id: str) -> dict[str, str]:
    return next(row for row in files["vehicles"] if row["id"] == vehicle_id)


def _kinds(violations: list[Violation]) -> set[str]:
    return {v.kind for v in violations}


@pytest.fixture(scope="module")
def territory(tmp_path_factory: pytest.TempPathFactory) -> Territory:
    return _territory(tmp_path_factory.mktemp("territory"))


def test_correct_plan_has_no_violation(territory: Territory) -> None:
    assert _check(territory) == []
    assert format_report([]) == "The plan passes every check."


# --- mutations of the plan: exactly one kind each --------------------------------------


def test_arrival_sooner_than_the_drive_allows(territory: Territory) -> None:
    violations = _check(territory, _with_stop(_row(MON, "FRIDGE1", 2), arrival="06:17"))
    assert _kinds(violations) == {"travel_time"}
    assert violations[0].message == (
        "Mon 2026-11-30, FRIDGE1 trip 1, stop 2 (V01 Epicerie Figuerolles): arrives 06:17, "
        "but leaving Test hub at 06:15 with 3 min of travel it cannot be there before 06:18."
    )
    assert violations[0].row == _row(MON, "FRIDGE1", 2) + 2


def test_service_outside_opening_hours(territory: Territory) -> None:
    violations = _check(territory, _with_stop(_row(MON, "FRIDGE1", 2), service_start="07:50"))
    assert _kinds(violations) == {"opening_hours"}
    assert violations[0].message == (
        "Mon 2026-11-30, FRIDGE1 trip 1, stop 2 (V01 Epicerie Figuerolles): service starts "
        "07:50, opening hours 08:00-12:00, 14:00-18:00."
    )
    assert (violations[0].day, violations[0].vehicle_id, violations[0].site_id) == (
        MON,
        "FRIDGE1",
        "V01",
    )


def test_wrong_distance(territory: Territory) -> None:
    violations = _check(territory, _with_stop(_row(WED, "FRIDGE1", 2), distance_m=5100))
    assert _kinds(violations) == {"distance"}
    assert "5100 m" in violations[0].message and "5000 m" in violations[0].message


def test_wrong_duration(territory: Territory) -> None:
    assert _kinds(_check(territory, _with_stop(_row(WED, "FRIDGE1", 2), duration_s=800))) == {
        "duration"
    }


def test_missing_break(territory: Territory) -> None:
    brk = _row(MON, "FRIDGE1", 3)
    routes = list(ROUTES)
    del routes[brk]
    routes[brk] = dataclasses.replace(routes[brk], seq=3)
    violations = _check(territory, dataclasses.replace(PLAN, routes=tuple(routes)))
    assert _kinds(violations) == {"break"}
    assert "without a break of 30 min" in violations[0].message


def test_too_short_break(territory: Territory) -> None:
    plan = _with_stop(_row(MON, "FRIDGE1", 3), departure="08:35:30")
    assert _kinds(_check(territory, plan)) == {"break"}


def test_too_short_service(territory: Territory) -> None:
    violations = _check(territory, _with_stop(_row(MON, "FRIDGE1", 2), departure="08:15"))
    assert _kinds(violations) == {"service"}
    assert "15 units to handle take 15 min 30 s" in violations[0].message


def test_too_short_loading(territory: Territory) -> None:
    plan = _with_stop(_row(TUE, "VAN1", 3), departure="08:10")
    assert _kinds(_check(territory, plan)) == {"loading"}


def test_recorded_load_wrong(territory: Territory) -> None:
    violations = _check(territory, _with_stop(_row(TUE, "VAN1", 2), load_kg=90.0))
    assert _kinds(violations) == {"load"}
    assert "load_kg 90 instead of 100" in violations[0].message


def test_sequence_gap(territory: Territory) -> None:
    assert _kinds(_check(territory, _with_stop(_row(TUE, "BIKE1", 3), seq=4))) == {"sequence"}


def test_wrong_trip_number(territory: Territory) -> None:
    assert _kinds(_check(territory, _with_stop(_row(TUE, "VAN1", 4), trip=1))) >= {"sequence"}


def test_line_pointing_at_no_stop(territory: Territory) -> None:
    deliveries = (*DELIVERIES, DeliveryLine(TUE, "BIKE1", 1, 9, "V02", "A1", 1))
    violations = _check(territory, dataclasses.replace(PLAN, deliveries=deliveries))
    assert "line" in _kinds(violations)
    line = next(v for v in violations if v.kind == "line")
    assert line.message.startswith("deliveries.csv row 7 (Tue 2026-12-01, BIKE1 trip 1, stop 9)")


def test_coverage_gap_and_unserved(territory: Territory) -> None:
    deliveries = DELIVERIES[:2] + DELIVERIES[3:]
    routes = list(ROUTES)
    i = _row(TUE, "BIKE1", 1)
    routes[i] = dataclasses.replace(routes[i], load_kg=0, load_l=0)
    j = _row(TUE, "BIKE1", 2)
    routes[j] = dataclasses.replace(routes[j], departure=_at(TUE, "10:10"))
    plan = PlanTables(tuple(routes), deliveries, PICKUPS, ())
    violations = _check(territory, plan)
    assert _kinds(violations) == {"coverage"}
    assert violations[0].message == (
        "V02 Point Ecusson ordered 3 units of Pasta (A1) for week 2026-W49; 0 are delivered "
        "and 0 reported unserved: 3 units are neither delivered nor reported unserved."
    )
    reason = "No cargo bike was available on Tuesday."
    plan = dataclasses.replace(plan, unserved=(UnservedLine("V02", "A1", 3, reason),))
    assert _check(territory, plan) == []


def test_unserved_reported_too(territory: Territory) -> None:
    plan = dataclasses.replace(PLAN, unserved=(UnservedLine("V01", "A1", 1, "short"),))
    assert _kinds(_check(territory, plan)) == {"coverage"}


_LOAD_FIELDS = ("load_kg", "load_l", "chilled_l", "frozen_l")


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(0, len(ROUTES) - 1),
    field=st.sampled_from(_LOAD_FIELDS),
    delta=st.one_of(st.floats(0.02, 500), st.floats(-500, -0.02)),
)
def test_recorded_loads_are_never_trusted(
    territory: Territory, index: int, field: str, delta: float
) -> None:
    value = getattr(ROUTES[index], field) + delta
    violations = _check(territory, _with_stop(index, **{field: value}))
    assert _kinds(violations) == {"load"}
    assert [v.row for v in violations] == [index + 2]


@settings(max_examples=40, deadline=None)
@given(index=st.integers(1, len(ROUTES) - 1), early_s=st.integers(2, 60))
def test_no_arrival_beats_the_drive(territory: Territory, index: int, early_s: int) -> None:
    stop = ROUTES[index]
    if stop.action in ("start", "break"):
        return
    moved = stop.arrival - timedelta(seconds=early_s)
    start = min(stop.service_start, moved) if stop.action != "deliver" else stop.service_start
    plan = _with_stop(index, arrival=moved, service_start=start)
    assert "travel_time" in _kinds(_check(territory, plan))


# --- mutations of the territory: exactly one kind each ---------------------------------


def _edit_vehicle(vehicle_id: str, **values: str) -> Callable[[dict[str, Any]], None]:
    def edit(files: dict[str, Any]) -> None:
        _vehicle(files, vehicle_id).update(values)

    return edit


@pytest.mark.parametrize(
    ("column", "value", "unit"),
    [
        ("capacity_kg", "10", "kg"),
        ("capacity_l", "10", "litres of ambient goods"),
        ("chilled_l", "2", "litres of chilled goods"),
        ("frozen_l", "2", "litres of frozen goods"),
    ],
)
def test_overload_in_each_dimension(tmp_path: Path, column: str, value: str, unit: str) -> None:
    territory = _territory(tmp_path, _edit_vehicle("FRIDGE1", **{column: value}))
    violations = _check(territory)
    assert _kinds(violations) == {"capacity"}
    assert all(f"{unit}, more than the {value} " in v.message for v in violations)
    assert all(f"FRIDGE1 can take ({column})" in v.message for v in violations)


def test_chilled_goods_without_chilled_compartment(tmp_path: Path) -> None:
    territory = _territory(tmp_path, _edit_vehicle("FRIDGE1", chilled_l="0"))
    violations = _check(territory)
    assert _kinds(violations) == {"compartment"}
    assert violations[0].message == (
        "Mon 2026-11-30, FRIDGE1: chilled goods (Yoghurt 4x125g (C1)) on FRIDGE1, "
        "which has no chilled compartment."
    )


def test_bike_outside_its_zone(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        ring = [[3.86, 43.60], [3.877, 43.60], [3.877, 43.62], [3.86, 43.62], [3.86, 43.60]]
        files["zones"]["features"][0]["geometry"]["coordinates"] = [ring]

    violations = _check(_territory(tmp_path, edit))
    assert _kinds(violations) == {"zone"}
    assert violations[0].site_id == "V02"


def test_bike_only_venue_served_by_a_van(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["venues"][0]["access"] = "bike_only"

    violations = _check(_territory(tmp_path, edit))
    assert _kinds(violations) == {"access"}
    assert "only be served by cargo bike, not by FRIDGE1" in violations[0].message


def test_no_truck_venue_served_by_a_truck(tmp_path: Path) -> None:
    territory = _territory(tmp_path, _edit_vehicle("FRIDGE1", kind="truck"))
    violations = _check(territory)
    assert _kinds(violations) == {"access"}
    assert violations[0].site_id == "V03"


def test_shift_end_exceeded(tmp_path: Path) -> None:
    violations = _check(_territory(tmp_path, _edit_vehicle("FRIDGE1", shift_end="08:30")))
    assert _kinds(violations) == {"shift"}
    assert "returns 08:48:30, after the shift of FRIDGE1 ends (06:00-08:30)" in (
        violations[0].message
    )


def test_shift_start_too_early(tmp_path: Path) -> None:
    violations = _check(_territory(tmp_path, _edit_vehicle("FRIDGE1", shift_start="06:30")))
    assert _kinds(violations) == {"shift"}


def test_day_longer_than_max_shift(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["hub"]["driver"]["max_shift_h"] = 2.5

    assert _kinds(_check(_territory(tmp_path, edit))) == {"shift_length"}


def test_too_many_trips(tmp_path: Path) -> None:
    violations = _check(_territory(tmp_path, _edit_vehicle("VAN1", max_trips="1")))
    assert _kinds(violations) == {"max_trips"}
    assert violations[0].message == (
        "Tue 2026-12-01, VAN1: makes 2 trips from the hub, at most 1 allowed."
    )


def test_vehicle_on_a_day_it_does_not_work(tmp_path: Path) -> None:
    violations = _check(_territory(tmp_path, _edit_vehicle("FRIDGE1", days="mon;fri")))
    assert _kinds(violations) == {"vehicle_day"}
    assert violations[0].day == WED


def test_hub_closed_at_departure(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["hub"]["opening_hours"]["mon"] = "07:00-14:00"

    assert _kinds(_check(_territory(tmp_path, edit))) == {"hub_closed"}


def test_pickup_above_offer(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["offers"][0]["quantity"] = "25"

    violations = _check(_territory(tmp_path, edit))
    assert _kinds(violations) == {"offer"}
    assert violations[0].message == (
        "Tue 2026-12-01: 30 units of Tomatoes (T1) are picked up at P01 Ferme du Lez, "
        "which offers 25 on tue."
    )


def test_over_delivery(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["orders"][0]["quantity"] = "8"

    violations = _check(_territory(tmp_path, edit))
    assert _kinds(violations) == {"over_delivery"}
    assert "receives 10 units of Pasta (A1), more than the 8 it ordered" in violations[0].message


def test_unordered_product(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["orders"] = [row for row in files["orders"] if row["product_id"] != "T1"]

    assert _kinds(_check(_territory(tmp_path, edit))) == {"unordered"}


def test_coverage_gap_from_a_new_order(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["orders"].append(
            {"week": "2026-W49", "venue_id": "V02", "product_id": "C1", "quantity": "4"}
        )

    assert _kinds(_check(_territory(tmp_path, edit))) == {"coverage"}


def test_day_outside_the_week(territory: Territory) -> None:
    plan = PLAN
    week = territory.week
    assert week is not None
    other = dataclasses.replace(week, week=week.week - 1)
    assert _kinds(check_plan(territory, plan, travel_for(territory), week=other)) >= {"week"}


# --- folder, report, errors ------------------------------------------------------------


def test_check_plan_folder(tmp_path: Path) -> None:
    territory = _territory(tmp_path / "territory")
    write_plan_tables(PLAN, tmp_path / "plan")
    report = check_plan_folder(
        tmp_path / "territory", tmp_path / "plan", travel=travel_for(territory)
    )
    assert report.ok
    assert (report.vehicle_days, report.stops) == (4, len(ROUTES))


def test_check_plan_folder_unreadable_table(tmp_path: Path) -> None:
    territory = _territory(tmp_path / "territory")
    write_plan_tables(PLAN, tmp_path / "plan")
    routes = tmp_path / "plan" / "routes.csv"
    lines = routes.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("deliver", "teleport")
    routes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "plan" / "pickups.csv").unlink()
    with pytest.raises(InputError) as caught:
        check_plan_folder(tmp_path / "territory", tmp_path / "plan", travel=travel_for(territory))
    found = {(p.file, p.row) for p in caught.value.problems}
    assert found == {("routes.csv", 3), ("pickups.csv", None)}


def test_territory_without_network_is_planned_and_checked_on_straight_lines(
    tmp_path: Path,
) -> None:
    """No [network] in hub.toml: both planner and checker use the same straight-line times."""
    from logistics.plan.week import PlanOptions, plan_week

    territory = _territory(tmp_path / "territory")
    assert not territory.hub.network
    travel = territory_travel_times(territory)
    plan = plan_week(
        territory, travel, options=PlanOptions(engine="pyvrp", time_limit_s=1, max_iterations=100)
    )
    assert plan.tables.routes
    write_plan_tables(plan.tables, tmp_path / "plan")
    report = check_plan_folder(tmp_path / "territory", tmp_path / "plan")
    assert list(report.violations) == []


def test_format_report(territory: Territory) -> None:
    violations = _check(territory, _with_stop(_row(MON, "FRIDGE1", 2), service_start="07:50"))
    violations.append(Violation("offer", "Tue 2026-12-01: too many tomatoes."))
    text = format_report(violations)
    assert text.splitlines()[0] == "2 problems in the plan (opening_hours 1, offer 1):"
    assert text.splitlines()[1].startswith("- [opening_hours] routes.csv row 3: Mon 2026-11-30")
    assert text.splitlines()[2] == "- [offer] Tue 2026-12-01: too many tomatoes."


def test_violation_kind_is_known() -> None:
    with pytest.raises(ValueError, match="unknown violation kind"):
        Violation("late", "x")
    assert len(set(KINDS)) == len(KINDS)


def test_unknown_vehicle_and_site(territory: Territory) -> None:
    plan = _with_stop(_row(TUE, "BIKE1", 2), site_id="V99")
    violations = _check(territory, plan)
    assert _kinds(violations) >= {"reference"}
    renamed = tuple(
        dataclasses.replace(s, vehicle_id="VAN9") if s.vehicle_id == "BIKE1" else s for s in ROUTES
    )
    violations = _check(territory, dataclasses.replace(PLAN, routes=renamed))
    assert "reference" in _kinds(violations)
    assert any("there is no vehicle VAN9" in v.message for v in violations)


def test_producer_without_pickup_hours_that_day(tmp_path: Path) -> None:
    def no_hours(files: dict[str, Any]) -> None:
        files["opening_hours"] = [r for r in files["opening_hours"] if r["site_id"] != "P01"]

    assert _check(_territory(tmp_path / "a", no_hours)) == []

    def monday_only(files: dict[str, Any]) -> None:
        no_hours(files)
        files["opening_hours"].append(
            {"site_id": "P01", "weekday": "mon", "start": "07:00", "end": "09:00"}
        )

    assert _check(_territory(tmp_path / "b", monday_only)) == []


def test_frozen_goods_without_freezer_compartment(tmp_path: Path) -> None:
    territory = _territory(tmp_path, _edit_vehicle("FRIDGE1", frozen_l="0"))
    violations = _check(territory)
    assert _kinds(violations) == {"compartment"}
    assert [v.message for v in violations] == [
        "Wed 2026-12-02, FRIDGE1: frozen goods (Frozen vegetables (F1)) on FRIDGE1, "
        "which has no frozen compartment."
    ]
