"""Small hand-checkable days of :func:`build_day_problem` on the Villeurbanne territory.

Vehicles (vehicle type index = position in the list passed): ``frigo`` refrigerated van,
``van`` (a small chilled box, no freezer), ``bike`` cargo bike limited to the ``campus``
zone.  v1-v4 are outside the zone, v5 and v6 (bike_only) inside it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from geo.travel import TravelTimes
from logistics.load import Load
from logistics.plan.day_problem import (
    DayProblem,
    DayWork,
    SiteLine,
    StopLine,
    build_day_problem,
    plan_rows,
)
from logistics.plan.travel import territory_travel_times
from logistics.plan.week import site_matrices
from logistics.routing import solve
from territory.model import Territory, Vehicle
from territory.reader import load_territory

VILLEURBANNE = Path(__file__).resolve().parents[2] / "data" / "villeurbanne"
TUESDAY = date(2026, 12, 1)

Setup = tuple[Territory, dict[str, TravelTimes]]


@pytest.fixture(scope="session")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    cache = tmp_path_factory.mktemp("foodhub-cache-day")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOODHUB_CACHE_DIR", str(cache))
        territory = load_territory(VILLEURBANNE)
        yield territory, dict(territory_travel_times(territory, cache_dir=cache))


def _build(
    territory: Territory,
    travel: dict[str, TravelTimes],
    deliveries: list[tuple[str, str, int]],
    vehicles: list[Vehicle] | None = None,
    day: date = TUESDAY,
) -> DayProblem:
    fleet = list(territory.vehicles if vehicles is None else vehicles)
    profiles = sorted({"drive"} | {v.profile for v in fleet})
    sites = site_matrices(territory, travel, profiles)
    work = DayWork(day, tuple(SiteLine(site, product, q) for site, product, q in deliveries))
    return build_day_problem(territory, work, fleet, sites.matrices, sites.site_index)


def _allowed(day_problem: DayProblem, stop: int) -> set[str]:
    problem = day_problem.problem
    assert problem is not None
    return {
        day_problem.vehicles[t].id
        for t in range(len(problem.vehicle_types))
        if problem.stops[stop].allows(t)
    }


def test_cold_and_ambient_goods_are_separate_stops_at_the_same_place(setup: Setup) -> None:
    territory, travel = setup
    dp = _build(territory, travel, [("v2", "pates", 2), ("v2", "yaourt", 3)])
    assert dp.problem is not None and dp.rejected == ()
    assert [c.lines for c in dp.contents] == [
        (StopLine("pates", 2, ""),),
        (StopLine("yaourt", 3, ""),),
    ]
    ambient, cold = dp.problem.stops
    assert ambient.location == cold.location == dp.sites.index("v2")
    assert ambient.delivery == Load(12_000, 28_000, 0, 0).as_tuple()  # 2 x (6 kg, 14 l)
    assert cold.delivery == Load(6_300, 0, 9_000, 0).as_tuple()  # 3 x (2.1 kg, 3 l chilled)
    # service: 12 min at v2, paid once per visit on the arc to v2, + 6 s per unit at each stop
    assert ambient.service_s == 6 * 2
    assert cold.service_s == 6 * 3
    hub, v2 = 0, dp.sites.index("v2")
    drive = site_matrices(territory, travel, ["drive"])
    row = drive.site_index
    for profile in dp.problem.profiles.values():
        assert profile.duration_s[v2, v2] == 0
    assert dp.problem.profiles["drive"].duration_s[hub, v2] == (
        drive.matrices["drive"].duration_s[row[territory.hub.id], row["v2"]] + 12 * 60
    )
    assert (
        dp.problem.profiles["drive"].duration_s[v2, hub]
        == (drive.matrices["drive"].duration_s[row["v2"], row[territory.hub.id]])
    )
    # windows move 12 min later, as the arrival does
    opening = territory.venues_by_id["v2"].opening["tue"]
    assert ambient.windows == tuple(
        (w.start_min * 60 + 12 * 60, w.end_min * 60 + 12 * 60) for w in opening
    )


def test_bike_only_venue_allows_only_the_bike(setup: Setup) -> None:
    territory, travel = setup
    dp = _build(territory, travel, [("v5", "pomme_de_terre", 1)])
    assert dp.problem is not None
    assert _allowed(dp, 0) == {"bike"}


def test_vehicle_with_a_zone_only_gets_stops_inside_it(setup: Setup) -> None:
    territory, travel = setup
    dp = _build(territory, travel, [("v1", "pates", 1), ("v6", "pomme", 1)])
    by_site = {c.site_id: i for i, c in enumerate(dp.contents)}
    assert _allowed(dp, by_site["v1"]) == {"frigo", "van"}  # v1 lies outside "campus"
    assert _allowed(dp, by_site["v6"]) == {"bike"}
    free_bike = [dataclasses.replace(v, zone=None) for v in territory.vehicles]
    dp = _build(territory, travel, [("v1", "pates", 1)], vehicles=free_bike)
    assert _allowed(dp, 0) == {"frigo", "van", "bike"}


def test_a_load_too_big_for_any_vehicle_is_split_into_stops_that_fit(setup: Setup) -> None:
    territory, travel = setup
    # 150 bags of 10 kg = 1500 kg; the vans carry 1000 kg at most.
    dp = _build(territory, travel, [("v1", "pomme_de_terre", 150)])
    assert dp.problem is not None and dp.rejected == ()
    assert len(dp.problem.stops) == 2
    assert sum(c.units for c in dp.contents) == 150
    capacities = [vt.capacity for vt in dp.problem.vehicle_types]
    for stop in dp.problem.stops:
        assert stop.location == dp.sites.index("v1")
        assert any(
            all(d <= c for d, c in zip(stop.delivery, cap, strict=True))
            for t, cap in enumerate(capacities)
            if stop.allows(t)
        )


def test_a_single_unit_larger_than_every_vehicle_is_rejected(setup: Setup) -> None:
    territory, travel = setup
    products = tuple(
        dataclasses.replace(p, unit_kg=2000) if p.id == "pates" else p for p in territory.products
    )
    heavy = dataclasses.replace(territory, products=products)
    dp = _build(heavy, travel, [("v1", "pates", 1), ("v2", "pomme", 1)])
    assert [(r.site_id, r.reason) for r in dp.rejected] == [
        ("v1", "a single unit is larger than any suitable vehicle")
    ]
    assert [c.site_id for c in dp.contents] == ["v2"]


def test_a_venue_closed_that_day_is_rejected(setup: Setup) -> None:
    territory, travel = setup
    venues = tuple(
        dataclasses.replace(v, opening={d: w for d, w in v.opening.items() if d != "tue"})
        if v.id == "v1"
        else v
        for v in territory.venues
    )
    closed = dataclasses.replace(territory, venues=venues)
    dp = _build(closed, travel, [("v1", "pates", 1), ("v2", "pates", 1)])
    assert len(dp.rejected) == 1
    rejected = dp.rejected[0]
    assert rejected.site_id == "v1"
    assert rejected.lines == (StopLine("pates", 1, ""),)
    assert rejected.reason == "closed on Tuesday 2026-12-01"
    assert [c.site_id for c in dp.contents] == ["v2"]


def test_plan_rows_merge_consecutive_stops_at_the_same_site(setup: Setup) -> None:
    territory, travel = setup
    frigo = [v for v in territory.vehicles if v.id == "frigo"]
    dp = _build(territory, travel, [("v2", "pates", 2), ("v2", "yaourt", 3)], vehicles=frigo)
    assert dp.problem is not None and len(dp.problem.stops) == 2
    result = solve(dp.problem, engine="pyvrp", time_limit_s=1, seed=1, max_iterations=200)
    assert result.feasible and result.unserved == ()
    rows = plan_rows(territory, dp, result)
    routes, deliveries, pickups = rows.routes, rows.deliveries, rows.pickups
    assert [(r.action, r.site_id, r.seq) for r in routes] == [
        ("start", "hub", 1),
        ("deliver", "v2", 2),
        ("end", "hub", 3),
    ]
    stop = routes[1]
    assert stop.departure - stop.service_start >= timedelta(seconds=12 * 60 + 6 * 5)
    assert stop.load_kg == pytest.approx(0)
    assert sorted((d.product_id, d.quantity, d.seq) for d in deliveries) == [
        ("pates", 2, 2),
        ("yaourt", 3, 2),
    ]
    assert pickups == ()
