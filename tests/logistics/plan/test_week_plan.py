"""The week planner end to end on the small Villeurbanne (La Doua) territory.

Every plan is verified by the independent checker; every test uses PyVRP with an
iteration limit and a seed, so it is fast and reproducible.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from geo.matrix import OffNetworkWarning
from geo.travel import TravelTimes
from logistics.check.plan import check_plan
from logistics.plan.travel import territory_travel_times
from logistics.plan.week import PlanOptions, WeekPlan, plan_week
from logistics.savings.standalone import pooling_comparison
from territory.model import WEEKDAYS, Territory, TimeWindow
from territory.reader import load_territory

VILLEURBANNE = Path(__file__).resolve().parents[2] / "data" / "villeurbanne"
OPTIONS = PlanOptions(engine="pyvrp", time_limit_s=1, max_iterations=200, seed=1)


@pytest.fixture(scope="session")
def villeurbanne(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Territory, Mapping[str, TravelTimes]]]:
    cache = tmp_path_factory.mktemp("foodhub-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FOODHUB_CACHE_DIR", str(cache))
        territory = load_territory(VILLEURBANNE)
        yield territory, territory_travel_times(territory, cache_dir=cache)


@pytest.fixture(scope="session")
def week_plan(villeurbanne: tuple[Territory, Mapping[str, TravelTimes]]) -> WeekPlan:
    territory, travel = villeurbanne
    return plan_week(territory, travel, options=OPTIONS)


def _check(territory: Territory, plan: WeekPlan, travel: Mapping[str, TravelTimes]) -> list:
    # prod_decines lies outside the road network on purpose: its times are estimates.
    with pytest.warns(OffNetworkWarning, match="prod_decines"):
        return check_plan(territory, plan.tables, travel)


def test_plan_passes_the_independent_checker(
    villeurbanne: tuple[Territory, Mapping[str, TravelTimes]], week_plan: WeekPlan
) -> None:
    territory, travel = villeurbanne
    assert week_plan.tables.routes, "the week should have rounds"
    assert all(day.feasible for day in week_plan.days)
    assert _check(territory, week_plan, travel) == []
    assert week_plan.approximated_sites == ("prod_decines",)


def test_every_ordered_unit_is_delivered_or_unserved_with_a_reason(
    villeurbanne: tuple[Territory, Mapping[str, TravelTimes]], week_plan: WeekPlan
) -> None:
    territory, _ = villeurbanne
    ordered: dict[tuple[str, str], int] = defaultdict(int)
    for line in territory.orders_for(territory.week):
        ordered[(line.venue_id, line.product_id)] += line.quantity
    accounted: dict[tuple[str, str], int] = defaultdict(int)
    for delivery in week_plan.tables.deliveries:
        assert delivery.quantity > 0
        accounted[(delivery.venue_id, delivery.substitute_for or delivery.product_id)] += (
            delivery.quantity
        )
    for unserved in week_plan.tables.unserved:
        assert unserved.quantity > 0
        assert unserved.reason.strip(), unserved
        accounted[(unserved.venue_id, unserved.product_id)] += unserved.quantity
    assert dict(accounted) == dict(ordered)


def test_same_seed_and_iteration_limit_give_identical_tables(
    villeurbanne: tuple[Territory, Mapping[str, TravelTimes]], week_plan: WeekPlan
) -> None:
    territory, travel = villeurbanne
    again = plan_week(territory, travel, options=OPTIONS)
    assert again.tables == week_plan.tables


def test_egg_shortage_is_reported_unserved(week_plan: WeekPlan) -> None:
    eggs = [u for u in week_plan.tables.unserved if u.product_id == "oeufs"]
    assert eggs
    assert all(u.reason.startswith("not enough") for u in eggs)
    assert all("Œufs plein air" in u.reason for u in eggs)


def test_no_refrigerated_vehicle_reports_cold_lines_unserved(
    villeurbanne: tuple[Territory, Mapping[str, TravelTimes]],
) -> None:
    territory, travel = villeurbanne
    # Remove the refrigerated van, and the small cold boxes of the others.
    vehicles = tuple(
        dataclasses.replace(v, chilled_l=0, frozen_l=0)
        for v in territory.vehicles
        if v.kind != "refrigerated_van"
    )
    warm = dataclasses.replace(territory, vehicles=vehicles)
    plan = plan_week(warm, travel, options=OPTIONS)
    temperature = {p.id: p.temperature for p in warm.products}
    delivered = [d for d in plan.tables.deliveries if temperature[d.product_id] != "ambient"]
    assert delivered == []
    chilled = [u for u in plan.tables.unserved if temperature[u.product_id] == "chilled"]
    assert {u.venue_id for u in chilled} >= {"v1", "v2", "v3", "v4"}
    for line in plan.tables.unserved:
        if line.reason.startswith("not enough"):
            continue  # a stock shortage comes first
        if temperature[line.product_id] == "chilled":
            assert "refrigerated" in line.reason, line
        elif temperature[line.product_id] == "frozen":
            assert "freezer" in line.reason, line
    assert _check(warm, plan, travel) == []
    # Chilled farm produce cannot be collected either: the pickups are reported as missed, and
    # the deliveries that depended on them are unserved instead of planned from thin air.
    missed = {(m.producer_id, m.product_id) for m in plan.missed_pickups}
    assert any(temperature[product] == "chilled" for _, product in missed)
    assert not plan.tables.pickups or all(
        temperature[p.product_id] == "ambient" for p in plan.tables.pickups
    )
    assert any("no round could collect it" in u.reason for u in plan.tables.unserved)


def test_chilled_goods_still_go_when_only_the_freezer_is_missing(
    villeurbanne: tuple[Territory, Mapping[str, TravelTimes]],
) -> None:
    """Found by this suite and fixed in build_day_problem: chilled and frozen goods formed one
    "cold" stop, so without a freezer the chilled goods were rejected too."""
    territory, travel = villeurbanne
    vehicles = tuple(v for v in territory.vehicles if v.kind != "refrigerated_van")
    assert any(v.chilled_l > 0 for v in vehicles)
    plan = plan_week(dataclasses.replace(territory, vehicles=vehicles), travel, options=OPTIONS)
    wrongly = [
        u
        for u in plan.tables.unserved
        if u.product_id in ("salade", "yaourt") and "freezer" in u.reason
    ]
    assert wrongly == []
    frozen = [u for u in plan.tables.unserved if u.product_id == "poulet_surgele"]
    assert {u.venue_id for u in frozen} == {"v1", "v7"}
    assert all("freezer" in u.reason for u in frozen)
    assert _check(dataclasses.replace(territory, vehicles=vehicles), plan, travel) == []


def test_unreachable_opening_window_is_explained(
    villeurbanne: tuple[Territory, Mapping[str, TravelTimes]],
) -> None:
    territory, travel = villeurbanne
    early = {day: (TimeWindow(5 * 60, 5 * 60 + 10),) for day in WEEKDAYS[:5]}
    venues = tuple(
        dataclasses.replace(v, opening=early) if v.id == "v4" else v for v in territory.venues
    )
    plan = plan_week(dataclasses.replace(territory, venues=venues), travel, options=OPTIONS)
    v4 = [u for u in plan.tables.unserved if u.venue_id == "v4"]
    assert v4
    assert not [d for d in plan.tables.deliveries if d.venue_id == "v4"]
    for line in v4:
        assert line.reason.startswith("opens 05:00-05:10, earliest possible arrival "), line
        earliest = line.reason.rsplit(" ", 1)[1]
        assert earliest > "05:10"


def test_standalone_comparison_gives_per_organisation_figures(
    villeurbanne: tuple[Territory, Mapping[str, TravelTimes]], week_plan: WeekPlan
) -> None:
    territory, travel = villeurbanne
    comparison = pooling_comparison(territory, travel, week_plan, options=OPTIONS)
    per_org = comparison["per_organisation"]
    assert isinstance(per_org, dict)
    assert set(per_org) == {"org_a", "org_b"}
    for figures in per_org.values():
        assert figures["orders_total"] > 0
        assert 0 <= figures["orders_served"] <= figures["orders_total"]
        assert "distance_km" in figures
    saving = comparison["saving"]
    assert isinstance(saving, dict)
    assert set(saving) == {"distance_km", "duration_h", "co2_kg", "cost_eur", "rounds"}
    for value in saving.values():
        assert set(value) == {"absolute", "percent"}
    pooled = comparison["pooled"]
    assert isinstance(pooled, dict)
    assert pooled["orders_served"] == sum(d.quantity for d in week_plan.tables.deliveries)
