"""Invariants of the crop plan on small random instances (Hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.catalogue import CropCatalogue, CropProduct, Itinerary
from planning.demand import ProductDemand
from planning.mip import solve_crop_plan
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.producers import CropProducer
from planning.result import CropPlan
from planning.season import WEEKS
from tests.planning.instances import demand

PRODUCTS = ("k1", "k2")
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def itineraries(draw: st.DrawFn, index: int) -> Itinerary:
    offset = draw(st.integers(1, 10))
    return Itinerary(
        id=f"it{index}",
        name=f"it{index}",
        species=f"s{index}",
        family=draw(st.sampled_from(["A", "B"])),
        land=draw(st.sampled_from(["field", "greenhouse"])),
        bed_start_week=draw(st.integers(1, WEEKS)),
        harvest_offset_weeks=offset,
        harvest_weeks=draw(st.integers(1, 4)),
        shift_max_weeks=draw(st.integers(0, 2)),
        yield_kg_m2=draw(st.sampled_from([1.0, 2.0, 3.5])),
        rotation_interval_years=draw(st.sampled_from([None, 2.0])),
        product_id=draw(st.sampled_from(PRODUCTS)),
    )


@st.composite
def catalogues_and_demand(
    draw: st.DrawFn,
) -> tuple[CropCatalogue, tuple[ProductDemand, ...]]:
    """1-3 random itineraries of the two products, and a random demand every third week."""
    its = tuple(draw(itineraries(i)) for i in range(draw(st.integers(1, 3))))
    products = {
        k: CropProduct(k, k, storage_weeks=draw(st.sampled_from([0, 0, 3]))) for k in PRODUCTS
    }
    demands = tuple(
        demand(
            k,
            {w: draw(st.sampled_from([0.0, 10.0, 25.0, 60.0])) for w in range(1, WEEKS + 1, 3)},
            high_factor=1.2,
        )
        for k in PRODUCTS
    )
    return CropCatalogue(its, products), demands


@st.composite
def problems(draw: st.DrawFn) -> CropPlanProblem:
    catalogue, demands = draw(catalogues_and_demand())
    producers = tuple(
        CropProducer(
            f"P{n}",
            f"P{n}",
            bed_m2=10.0,
            field_beds=draw(st.integers(0, 4)),
            greenhouse_beds=draw(st.integers(0, 2)),
            prices_eur_kg={k: 2.0 for k in PRODUCTS if draw(st.booleans()) or k == "k1"},
            min_income_eur=draw(st.sampled_from([0.0, 50.0])),
        )
        for n in range(draw(st.integers(1, 2)))
    )
    return CropPlanProblem(
        producers,
        catalogue,
        demands,
        CropPlanOptions(gap_rel=0.0, time_limit_s=120, coverage_first=True),
    )


def _check_land(problem: CropPlanProblem, plan: CropPlan) -> None:
    used: dict[tuple[str, str, int], int] = defaultdict(int)
    family: dict[tuple[str, str, str, int], int] = defaultdict(int)
    its = problem.catalogue.by_id
    for p in plan.plantings:
        for w in p.occupied_weeks:
            used[(p.producer_id, p.land, w)] += p.beds
            family[(p.producer_id, p.land, its[p.itinerary_id].family, w)] += p.beds
    beds = {p.id: p for p in problem.producers}
    for (pid, land, _w), n in used.items():
        assert n <= beds[pid].beds(land)
    for (pid, land, fam, _w), n in family.items():
        interval = next(
            (i.rotation_interval_years for i in its.values() if i.family == fam and i.land == land),
            None,
        )
        rules = [i.rotation_interval_years for i in its.values() if i.family == fam]
        if all(r is not None and r > 1 for r in rules) and interval:
            assert n <= beds[pid].beds(land) / interval + 1e-9


@SETTINGS
@given(problems())
def test_land_is_never_over_used_and_harvests_follow_the_itinerary(
    problem: CropPlanProblem,
) -> None:
    plan = solve_crop_plan(problem)
    assert plan.status.value in ("optimal", "empty")
    _check_land(problem, plan)
    its = problem.catalogue.by_id
    harvest: dict[tuple[str, int], float] = defaultdict(float)
    for p in plan.plantings:
        it = its[p.itinerary_id]
        assert p.start_week in it.start_weeks()
        assert p.harvest_weeks == it.harvest_weeks_from(p.start_week)
        assert p.occupied_weeks == it.occupied_weeks(p.start_week)
        assert len(p.occupied_weeks) == it.harvest_offset_weeks + it.harvest_weeks
        assert p.product_id in problem.producers[int(p.producer_id[1:])].prices_eur_kg
        for w in p.harvest_weeks:
            harvest[(p.product_id, w)] += p.harvest_kg_per_week
    for row in plan.weeks:
        assert abs(row.harvest_kg - harvest.get((row.product_id, row.week), 0.0)) < 1e-6
        # nothing is supplied that was not harvested (now or kept in store)
        assert row.supplied_kg <= row.demand_high_kg + 1e-6


@SETTINGS
@given(problems(), st.integers(0, 1), st.integers(1, 3), st.sampled_from(["field", "greenhouse"]))
def test_coverage_never_decreases_when_a_producer_gains_land(
    problem: CropPlanProblem, who: int, extra: int, land: str
) -> None:
    who = min(who, len(problem.producers) - 1)
    before = solve_crop_plan(problem)
    producer = problem.producers[who]
    bigger = (
        replace(producer, field_beds=producer.field_beds + extra)
        if land == "field"
        else replace(producer, greenhouse_beds=producer.greenhouse_beds + extra)
    )
    producers = tuple(bigger if p.id == producer.id else p for p in problem.producers)
    after = solve_crop_plan(replace(problem, producers=producers))
    _check_land(replace(problem, producers=producers), after)
    assert after.coverage >= before.coverage - 1e-5
