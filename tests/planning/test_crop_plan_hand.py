"""A one-producer one-crop plan checked by hand, and empty / infeasible inputs."""

from __future__ import annotations

import pytest

from planning.mip import solve_crop_plan
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.result import PlanStatus
from tests.planning.instances import one_crop_problem


def test_two_beds_beat_shortage_when_waste_is_cheap() -> None:
    # One bed: 3 kg/m2 x 10 m2 = 30 kg over 2 weeks = 15 kg/week; demand 20 kg/week.
    # 1 bed: shortage 5+5 = 10 kg -> cost 10.  2 beds: 30 kg/week, waste 10+10 -> 0.3 x 20 = 6.
    plan = solve_crop_plan(one_crop_problem())
    assert plan.status is PlanStatus.OPTIMAL
    assert [(p.beds, p.start_week, p.harvest_weeks) for p in plan.plantings] == [(2, 10, (14, 15))]
    assert plan.plantings[0].sowing_week == 6
    assert plan.objective == pytest.approx(6.0, abs=1e-6)
    assert plan.coverage == pytest.approx(1.0)
    assert plan.waste_kg == pytest.approx(20.0)
    assert plan.plantings[0].harvest_kg_per_week == pytest.approx(30.0)
    # income: 2 beds x 30 kg x 2 EUR/kg
    assert plan.producers[0].income_eur == pytest.approx(120.0)
    assert plan.bound is not None and plan.bound == pytest.approx(6.0, abs=1e-6)
    assert plan.gap == pytest.approx(0.0, abs=1e-9)


def test_one_bed_when_waste_costs_more_than_shortage() -> None:
    # waste 0.6/kg: 2 beds cost 12 > 1 bed costing 10 -> 1 bed, 30 of 40 kg covered.
    plan = solve_crop_plan(one_crop_problem(options=CropPlanOptions(gap_rel=0.0, waste_weight=0.6)))
    assert [p.beds for p in plan.plantings] == [1]
    assert plan.objective == pytest.approx(10.0, abs=1e-6)
    assert plan.coverage == pytest.approx(0.75)
    [limit] = plan.limits
    assert limit.product_id == "salade" and limit.reason == "land"
    assert limit.shortage_kg == pytest.approx(10.0)


def test_land_limits_to_one_bed() -> None:
    plan = solve_crop_plan(one_crop_problem(field_beds=1))
    assert [p.beds for p in plan.plantings] == [1]
    assert plan.coverage == pytest.approx(0.75)
    assert plan.producers[0].peak_beds_field == 1


def test_no_producer_is_an_empty_report() -> None:
    base = one_crop_problem()
    plan = solve_crop_plan(CropPlanProblem((), base.catalogue, base.demand, base.options))
    assert plan.status is PlanStatus.EMPTY
    assert not plan.plantings
    assert any("no producer" in m for m in plan.messages)
    [limit] = plan.limits
    assert limit.reason == "missing_crop"
    assert plan.coverage == 0.0


def test_no_demand_is_an_empty_report() -> None:
    plan = solve_crop_plan(one_crop_problem(central_kg=0.0))
    assert plan.status is PlanStatus.EMPTY
    assert any("no demand" in m for m in plan.messages)
    assert plan.coverage == 0.0


def test_unreachable_minimum_income_is_infeasible_when_hard() -> None:
    # the most the producer can earn: 2 beds x 30 kg x 2 EUR x a few crops a year << 100,000
    problem = one_crop_problem(
        min_income_eur=100_000.0, options=CropPlanOptions(gap_rel=0.0, min_income="hard")
    )
    plan = solve_crop_plan(problem)
    assert plan.status is PlanStatus.INFEASIBLE
    assert not plan.plantings
    [message] = plan.messages
    assert "minimum" in message and "P1" in message


def test_unreachable_minimum_income_is_a_penalty_when_soft() -> None:
    plan = solve_crop_plan(one_crop_problem(min_income_eur=100_000.0))
    assert plan.status is PlanStatus.OPTIMAL
    assert plan.producers[0].income_eur < plan.producers[0].min_income_eur


def test_succession_step_keeps_every_other_start_week() -> None:
    from dataclasses import replace

    from planning.catalogue import CropCatalogue
    from tests.planning.instances import lettuce

    base = one_crop_problem(options=CropPlanOptions(gap_rel=0.0, start_step_weeks=2))
    catalogue = CropCatalogue((lettuce(shift_max_weeks=3),), base.catalogue.products)
    problem = replace(base, catalogue=catalogue)
    plan = solve_crop_plan(problem)
    assert plan.plantings
    assert all((p.start_week - 10) % 2 == 0 for p in plan.plantings)
