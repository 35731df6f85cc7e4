"""Merging interchangeable producers: a valid bound, and a staged solve that stays exact."""

from __future__ import annotations

from dataclasses import replace

import pulp
from hypothesis import assume, given
from hypothesis import strategies as st

from planning.catalogue import CropCatalogue, CropProduct
from planning.mip import solve_crop_plan
from planning.mip_model import build_model, candidate_starts
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.producer_groups import merge_interchangeable, producer_groups
from planning.producers import CropProducer
from tests.planning.instances import demand, lettuce, one_crop_problem
from tests.planning.test_crop_plan_properties import (
    PRODUCTS,
    SETTINGS,
    _check_land,
    catalogues_and_demand,
)


@st.composite
def shared_problems(draw: st.DrawFn) -> CropPlanProblem:
    """2-3 producers growing the same products (so at least two merge), random land."""
    catalogue, demands = draw(catalogues_and_demand())
    producers = tuple(
        CropProducer(
            f"P{n}",
            f"P{n}",
            bed_m2=10.0,
            field_beds=draw(st.integers(0, 5)),
            greenhouse_beds=draw(st.integers(0, 3)),
            prices_eur_kg={k: draw(st.sampled_from([1.0, 2.0, 3.0])) for k in PRODUCTS},
            labour_h_week=draw(st.sampled_from([None, None, 2.0])),
            min_income_eur=draw(st.sampled_from([0.0, 50.0])),
        )
        for n in range(draw(st.integers(2, 3)))
    )
    return CropPlanProblem(producers, catalogue, demands, CropPlanOptions(gap_rel=0.0))


def _optimum(model: pulp.LpProblem) -> float:
    model.solve(pulp.HiGHS(msg=False))
    assert model.status == pulp.LpStatusOptimal
    return float(pulp.value(model.objective) or 0.0)


@SETTINGS
@given(shared_problems())
def test_merged_producers_bound_the_real_optimum(problem: CropPlanProblem) -> None:
    merged = merge_interchangeable(problem)
    assume(merged is not None and candidate_starts(problem))
    assert merged is not None
    real = _optimum(build_model(problem, candidate_starts(problem)).model)
    relaxed = build_model(
        merged.problem,
        candidate_starts(merged.problem, merged.rotation),
        rotation=merged.rotation,
    )
    assert _optimum(relaxed.model) <= real + 1e-6 * max(1.0, abs(real))
    # the staged solve still reaches the real optimum when asked for a zero gap
    plan = solve_crop_plan(problem)
    assert plan.status.value == "optimal"
    assert plan.objective is not None
    assert abs(plan.objective - real) <= 1e-6 * max(1.0, abs(real))
    _check_land(problem, plan)


def test_groups_keep_labour_limited_producers_alone() -> None:
    base = one_crop_problem()
    p1 = base.producers[0]
    twin = CropProducer("P2", "Twin", 10.0, 3, 0, {"salade": 3.0})
    limited = CropProducer("P3", "Limited", 10.0, 3, 0, {"salade": 2.0}, labour_h_week=5.0)
    other_bed = CropProducer("P4", "Big beds", 20.0, 3, 0, {"salade": 2.0})
    problem = CropPlanProblem((p1, twin, limited, other_bed), base.catalogue, base.demand)
    groups = [[p.id for p in g] for g in producer_groups(problem)]
    assert groups == [["P1", "P2"], ["P3"], ["P4"]]
    merged = merge_interchangeable(problem)
    assert merged is not None
    first = merged.problem.producers[0]
    assert (first.field_beds, first.min_income_eur, first.labour_h_week) == (5, 0.0, None)
    assert merged.problem.producers[1].labour_h_week == 5.0
    assert merged.problem.options.fair_share == 0.0
    both_limited = CropPlanProblem(
        (limited, replace(limited, id="P5")), base.catalogue, base.demand
    )
    assert merge_interchangeable(both_limited) is None


def test_a_product_nobody_grows_is_wholly_short() -> None:
    base = one_crop_problem(central_kg=20.0)
    catalogue = CropCatalogue(
        (lettuce(),),
        {"salade": CropProduct("salade", "Salade"), "chou": CropProduct("chou", "Chou")},
    )
    problem = CropPlanProblem(
        base.producers,
        catalogue,
        (*base.demand, demand("chou", {20: 30.0})),
        base.options,
    )
    plan = solve_crop_plan(problem)
    assert plan.status.value == "optimal"
    assert plan.coverage_of("chou") == 0.0
    assert plan.objective is not None and plan.objective >= 30.0
