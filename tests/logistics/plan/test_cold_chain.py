"""Chilled and frozen goods as two compartments (issue 14, item 2), on the Villeurbanne territory.

Vehicles of the territory: ``frigo`` (chilled 6000 l and freezer 2500 l), ``van`` (a 300 l
chilled box, no freezer), ``bike`` (a 150 l chilled box, no freezer, ``campus`` zone only).
The tests derive from them a ``freezer`` van (the frigo without its chilled compartment), so
that no vehicle has both.  v1 is a venue any van may serve; v5 is bike only, inside the zone.
``yaourt`` is chilled (2.1 kg, 3 l), ``poulet_surgele`` frozen.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path

import pytest

from geo.matrix import OffNetworkWarning
from geo.travel import TravelTimes
from logistics.check.plan import check_plan
from logistics.load import Load, load_of
from logistics.plan.day_problem import (
    DayProblem,
    DayWork,
    SiteLine,
    build_day_problem,
    plan_rows,
)
from logistics.plan.travel import territory_travel_times
from logistics.plan.week import PlanOptions, WeekPlan, plan_week, site_matrices
from logistics.routing import RoutingResult, solve
from logistics.routing.schedule import build_route
from territory.model import OrderLine, Territory, Vehicle
from territory.reader import load_territory

VILLEURBANNE = Path(__file__).resolve().parents[2] / "data" / "villeurbanne"
TUESDAY = date(2026, 12, 1)
OPTIONS = PlanOptions(engine="pyvrp", time_limit_s=1, max_iterations=200, seed=1)

Setup = tuple[Territory, dict[str, TravelTimes]]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    cache = tmp_path_factory.mktemp("foodhub-cache-cold")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOODHUB_CACHE_DIR", str(cache))
        territory = load_territory(VILLEURBANNE)
        yield territory, dict(territory_travel_times(territory, cache_dir=cache))


def _vehicle(territory: Territory, vehicle_id: str) -> Vehicle:
    return next(v for v in territory.vehicles if v.id == vehicle_id)


def _chilled_van_and_freezer_van(territory: Territory) -> list[Vehicle]:
    """The chilled-only ``van`` and a ``freezer`` van: no vehicle has both compartments."""
    freezer = dataclasses.replace(_vehicle(territory, "frigo"), id="freezer", chilled_l=0)
    return [_vehicle(territory, "van"), freezer]


def _build(
    territory: Territory,
    travel: Mapping[str, TravelTimes],
    work: DayWork,
    vehicles: list[Vehicle],
) -> DayProblem:
    profiles = sorted({"drive"} | {v.profile for v in vehicles})
    sites = site_matrices(territory, travel, profiles)
    return build_day_problem(territory, work, vehicles, sites.matrices, sites.site_index)


def _deliveries(*lines: tuple[str, str, int]) -> DayWork:
    return DayWork(TUESDAY, tuple(SiteLine(site, product, q) for site, product, q in lines))


def _allowed(day_problem: DayProblem) -> dict[str, set[str]]:
    """Per product: the vehicles allowed at the stop that carries it."""
    problem = day_problem.problem
    assert problem is not None
    allowed: dict[str, set[str]] = {}
    for stop, content in zip(problem.stops, day_problem.contents, strict=True):
        ids = {v.id for t, v in enumerate(day_problem.vehicles) if stop.allows(t)}
        for line in content.lines:
            allowed[line.product_id] = ids
    return allowed


def _only_orders(territory: Territory, orders: list[tuple[str, str, int]]) -> Territory:
    week = territory.orders[0].week
    return dataclasses.replace(
        territory, orders=tuple(OrderLine(week, v, p, q) for v, p, q in orders)
    )


def _check(territory: Territory, plan: WeekPlan, travel: Mapping[str, TravelTimes]) -> list:
    # prod_decines lies outside the road network on purpose: its times are estimates.
    with pytest.warns(OffNetworkWarning, match="prod_decines"):
        return check_plan(territory, plan.tables, travel)


def test_chilled_and_frozen_lines_each_ride_on_the_van_with_that_compartment(
    setup: Setup,
) -> None:
    territory, travel = setup
    vehicles = _chilled_van_and_freezer_van(territory)
    dp = _build(
        territory, travel, _deliveries(("v1", "yaourt", 2), ("v1", "poulet_surgele", 1)), vehicles
    )
    assert dp.problem is not None and dp.rejected == ()
    assert _allowed(dp) == {"yaourt": {"van"}, "poulet_surgele": {"freezer"}}
    chilled, frozen = dp.problem.stops
    assert chilled.location == frozen.location == dp.sites.index("v1")
    assert chilled.delivery == Load(4_200, 0, 6_000, 0).as_tuple()  # 2 x (2.1 kg, 3 l chilled)
    assert frozen.delivery[2] == 0 and frozen.delivery[3] > 0
    result = solve(dp.problem, engine="pyvrp", time_limit_s=1, seed=1, max_iterations=200)
    assert result.feasible and result.unserved == ()
    rows = plan_rows(territory, dp, result)
    carried = {(d.product_id, d.quantity, d.vehicle_id) for d in rows.deliveries}
    assert carried == {("yaourt", 2, "van"), ("poulet_surgele", 1, "freezer")}


def test_week_plan_serves_both_lines_by_the_right_vans_and_passes_the_checker(
    setup: Setup,
) -> None:
    territory, travel = setup
    small = dataclasses.replace(
        _only_orders(territory, [("v1", "yaourt", 2), ("v1", "poulet_surgele", 1)]),
        vehicles=tuple(_chilled_van_and_freezer_van(territory)),
    )
    plan = plan_week(small, travel, options=OPTIONS)
    assert plan.tables.unserved == ()
    carried = {(d.product_id, d.quantity, d.vehicle_id) for d in plan.tables.deliveries}
    assert carried == {("yaourt", 2, "van"), ("poulet_surgele", 1, "freezer")}
    assert _check(small, plan, travel) == []
    # Tampered: the frozen line moved onto the chilled-only van's stop at v1.
    (van_stop,) = [d for d in plan.tables.deliveries if d.vehicle_id == "van"]
    moved = tuple(
        dataclasses.replace(d, vehicle_id="van", trip=van_stop.trip, seq=van_stop.seq)
        if d.product_id == "poulet_surgele"
        else d
        for d in plan.tables.deliveries
    )
    tampered = dataclasses.replace(plan, tables=dataclasses.replace(plan.tables, deliveries=moved))
    violations = _check(small, tampered, travel)
    frozen = [v for v in violations if v.kind == "compartment"]
    assert len(frozen) == 1 and "frozen goods" in frozen[0].message
    assert "van, which has no frozen compartment" in frozen[0].message


def test_chilled_and_frozen_stay_one_stop_when_that_restricts_no_vehicle(setup: Setup) -> None:
    territory, travel = setup
    # The van without its chilled box: only the frigo carries chilled goods, and frozen too.
    vehicles = [
        _vehicle(territory, "frigo"),
        dataclasses.replace(_vehicle(territory, "van"), chilled_l=0),
    ]
    dp = _build(
        territory, travel, _deliveries(("v1", "yaourt", 2), ("v1", "poulet_surgele", 1)), vehicles
    )
    assert dp.problem is not None and len(dp.problem.stops) == 1
    (cold,) = dp.problem.stops
    assert cold.delivery[2] == 6_000 and cold.delivery[3] > 0  # two dimensions of one stop
    assert _allowed(dp) == {"yaourt": {"frigo"}, "poulet_surgele": {"frigo"}}


def test_one_cold_stop_on_the_bi_temperature_van_unless_split_cold(setup: Setup) -> None:
    territory, travel = setup
    work = _deliveries(("v1", "yaourt", 2), ("v1", "poulet_surgele", 1))
    vehicles = [_vehicle(territory, "frigo"), _vehicle(territory, "van")]
    dp = _build(territory, travel, work, vehicles)
    assert dp.problem is not None and len(dp.problem.stops) == 1
    assert _allowed(dp) == {"yaourt": {"frigo"}, "poulet_surgele": {"frigo"}}
    profiles = sorted({v.profile for v in vehicles})
    sites = site_matrices(territory, travel, profiles)
    split = build_day_problem(
        territory, work, vehicles, sites.matrices, sites.site_index, split_cold=True
    )
    assert split.problem is not None and len(split.problem.stops) == 2
    assert _allowed(split) == {"yaourt": {"frigo", "van"}, "poulet_surgele": {"frigo"}}


def test_chilled_goods_move_to_the_chilled_van_when_the_frigo_has_no_room(setup: Setup) -> None:
    territory, travel = setup
    # The frigo's chilled box takes one pack of yoghurts (3 l) per day; the van's takes 100.
    frigo = dataclasses.replace(_vehicle(territory, "frigo"), chilled_l=3, max_trips=1)
    small = dataclasses.replace(
        _only_orders(territory, [("v1", "yaourt", 2), ("v1", "poulet_surgele", 1)]),
        vehicles=(frigo, _vehicle(territory, "van")),
    )
    plan = plan_week(small, travel, options=OPTIONS)
    assert plan.tables.unserved == ()
    carried = {(d.product_id, d.quantity, d.vehicle_id) for d in plan.tables.deliveries}
    assert ("poulet_surgele", 1, "frigo") in carried
    assert sum(q for product, q, _ in carried if product == "yaourt") == 2
    assert ("yaourt", 2, "van") in carried or ("yaourt", 1, "van") in carried
    assert _check(small, plan, travel) == []


def test_chilled_goods_go_by_cargo_bike_to_a_bike_only_venue(setup: Setup) -> None:
    territory, travel = setup
    dp = _build(
        territory,
        travel,
        _deliveries(("v5", "yaourt", 2), ("v5", "poulet_surgele", 1)),
        list(territory.vehicles),
    )
    assert dp.problem is not None
    assert _allowed(dp) == {"yaourt": {"bike"}}
    result = solve(dp.problem, engine="pyvrp", time_limit_s=1, seed=1, max_iterations=200)
    assert result.feasible and result.unserved == ()
    rows = plan_rows(territory, dp, result)
    assert {(d.product_id, d.quantity, d.vehicle_id) for d in rows.deliveries} == {
        ("yaourt", 2, "bike")
    }
    # The frozen line cannot go by bike: it is rejected on its own, with that reason.
    assert [(r.site_id, [line.product_id for line in r.lines]) for r in dp.rejected] == [
        ("v5", ["poulet_surgele"])
    ]


def test_frozen_line_no_allowed_vehicle_can_freeze_stays_unserved_saying_so(
    setup: Setup,
) -> None:
    territory, travel = setup
    dp = _build(
        territory, travel, _deliveries(("v5", "poulet_surgele", 1)), list(territory.vehicles)
    )
    assert dp.problem is None
    (rejected,) = dp.rejected
    assert rejected.reason == (
        "frozen goods, and no vehicle allowed at Groupement d'achat Doua 5 has a freezer"
        " compartment (cargo bikes only; allowed there on Tuesday 2026-12-01: bike)"
    )
    # The same in a week plan: the chilled line goes by bike, the frozen one is unserved.
    small = _only_orders(territory, [("v5", "yaourt", 2), ("v5", "poulet_surgele", 1)])
    plan = plan_week(small, travel, options=OPTIONS)
    assert {(d.product_id, d.quantity, d.vehicle_id) for d in plan.tables.deliveries} == {
        ("yaourt", 2, "bike")
    }
    (unserved,) = plan.tables.unserved
    assert (unserved.venue_id, unserved.product_id, unserved.quantity) == (
        "v5",
        "poulet_surgele",
        1,
    )
    assert "no vehicle allowed at Groupement d'achat Doua 5 has a freezer" in unserved.reason
    assert _check(small, plan, travel) == []


def test_chilled_and_frozen_pickups_are_split_the_same_way(setup: Setup) -> None:
    territory, travel = setup
    work = DayWork(
        TUESDAY,
        (),
        (SiteLine("prod_doua", "yaourt", 2), SiteLine("prod_doua", "poulet_surgele", 1)),
    )
    dp = _build(territory, travel, work, _chilled_van_and_freezer_van(territory))
    assert dp.problem is not None and dp.rejected == ()
    assert _allowed(dp) == {"yaourt": {"van"}, "poulet_surgele": {"freezer"}}
    assert all(stop.delivery == (0, 0, 0, 0) for stop in dp.problem.stops)


def _fleets(territory: Territory) -> dict[str, tuple[Vehicle, ...]]:
    frigo, van, bike = (_vehicle(territory, i) for i in ("frigo", "van", "bike"))
    return {
        "bundled": (frigo, van, bike),
        "chilled van + freezer van": (*_chilled_van_and_freezer_van(territory), bike),
        "no freezer": (van, bike),
        "small cold boxes": (
            dataclasses.replace(frigo, chilled_l=10, frozen_l=3),
            dataclasses.replace(van, chilled_l=5),
            dataclasses.replace(bike, chilled_l=4),
        ),
    }


@pytest.mark.parametrize(
    "fleet", ["bundled", "chilled van + freezer van", "no freezer", "small cold boxes"]
)
def test_loads_per_compartment_never_exceed_capacity(setup: Setup, fleet: str) -> None:
    territory, travel = setup
    variant = dataclasses.replace(territory, vehicles=_fleets(territory)[fleet])
    plan = plan_week(variant, travel, options=OPTIONS)
    assert _check(variant, plan, travel) == []
    # Independently of the checker: what each trip loads at the hub fits every compartment.
    products = variant.products_by_id
    vehicles = {v.id: v for v in variant.vehicles}
    loaded: dict[tuple[date, str, int], Load] = defaultdict(Load)
    for d in plan.tables.deliveries:
        p = products[d.product_id]
        loaded[(d.day, d.vehicle_id, d.trip)] = loaded[(d.day, d.vehicle_id, d.trip)] + load_of(
            p.unit_kg, p.unit_l, p.temperature, d.quantity
        )
    for (_, vehicle_id, _), load in loaded.items():
        v = vehicles[vehicle_id]
        assert load.kg <= v.capacity_kg + 1e-9
        ambient_l, chilled_l, frozen_l = load.litres()
        assert ambient_l <= v.capacity_l + 1e-9
        assert chilled_l <= v.chilled_l + 1e-9
        assert frozen_l <= v.frozen_l + 1e-9
    # Every ordered unit is delivered or unserved with a reason.
    ordered = sum(o.quantity for o in variant.orders_for(plan.week))
    delivered = sum(d.quantity for d in plan.tables.deliveries)
    assert delivered + sum(u.quantity for u in plan.tables.unserved) == ordered
    assert all(u.reason for u in plan.tables.unserved)


def test_a_break_never_splits_a_visit_into_rows_without_the_fixed_service_time(
    setup: Setup,
) -> None:
    """The site's fixed service time is paid on arriving from elsewhere: a break between
    two stops at one site would leave the second row without it, so plan_rows moves it."""
    territory, travel = setup
    frigo = [_vehicle(territory, "frigo")]
    profiles = sorted({v.profile for v in frigo})
    sites = site_matrices(territory, travel, profiles)
    work = _deliveries(("v2", "pates", 2), ("v2", "yaourt", 3))
    dp = build_day_problem(territory, work, frigo, sites.matrices, sites.site_index, long_days=True)
    assert dp.problem is not None and dp.problem.vehicle_types[0].break_ is not None
    split = build_route(dp.problem, 0, 0, [0, 1], break_position=1)
    assert [v.kind for v in split.visits] == ["start", "stop", "break", "stop", "end"]
    result = RoutingResult((split,), (), split.cost, "test", True, 0.0, 0)
    rows = plan_rows(territory, dp, result)
    actions = [(r.action, r.site_id) for r in rows.routes]
    assert actions.count(("deliver", "v2")) == 1
    (stop,) = [r for r in rows.routes if r.action == "deliver"]
    assert stop.departure - stop.service_start >= timedelta(seconds=12 * 60 + 6 * 5)
    assert sorted((d.product_id, d.quantity, d.seq) for d in rows.deliveries) == [
        ("pates", 2, stop.seq),
        ("yaourt", 3, stop.seq),
    ]
