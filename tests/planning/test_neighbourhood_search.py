"""The HiGHS copy, the neighbourhood search and the packing of a merged plan, checked against
independent solves of the PuLP models."""

from __future__ import annotations

from dataclasses import replace
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given, settings

from planning import neighbourhood_search
from planning.highs_copy import highs_copy
from planning.merged_packing import pack_merged_plan
from planning.mip import solve_crop_plan
from planning.mip_model import CropModel, Start, build_model, candidate_starts
from planning.neighbourhood_search import improve_plan, search_plan
from planning.problem import CropPlanProblem
from planning.producer_groups import merge_interchangeable
from planning.solver_run import quiet_stdout
from tests.planning.instances import one_crop_problem
from tests.planning.test_crop_plan_properties import SETTINGS, _check_land
from tests.planning.test_producer_groups import _optimum, shared_problems

FEW = settings(SETTINGS, max_examples=12)


def _full(problem: CropPlanProblem) -> CropModel:
    return build_model(problem, candidate_starts(problem))


def _price(problem: CropPlanProblem, starts: list[Start], beds: list[int]) -> float:
    """Objective of a plan, recomputed by PuLP with its beds fixed (infeasible plans fail)."""
    fixed = build_model(
        problem, [replace(s, upper=n) for s, n in zip(starts, beds, strict=True) if n > 0]
    )
    for var in fixed.x:
        var.lowBound = var.upBound
    return _optimum(fixed.model)


def _copy(built: CropModel):  # type: ignore[no-untyped-def]
    with quiet_stdout():
        return highs_copy(built.model)


@FEW
@given(shared_problems())
def test_the_highs_copy_has_the_pulp_optimum(problem: CropPlanProblem) -> None:
    assume(candidate_starts(problem))
    built = _full(problem)
    copy = _copy(built)
    copy.highs.setOptionValue("mip_rel_gap", 0.0)
    copy.highs.run()
    expected = _optimum(_full(problem).model)
    got = copy.highs.getInfo().objective_function_value
    assert got == pytest.approx(expected, rel=1e-6, abs=1e-6)
    values = np.asarray(copy.highs.getSolution().col_value)
    assert copy.objective_of(values) == pytest.approx(expected, rel=1e-6, abs=1e-6)
    # a thousand more beds on every start break the land rows
    broken = values.copy()
    broken[[copy.column[v.name] for v in built.x]] += 1000
    assert copy.objective_of(broken) is None


@FEW
@given(shared_problems())
def test_improving_an_empty_plan_never_worsens_it_and_reports_its_true_objective(
    problem: CropPlanProblem,
) -> None:
    assume(candidate_starts(problem))
    built = _full(problem)
    empty = [0] * len(built.x)
    start_objective = _price(problem, built.starts, empty)
    found = improve_plan(
        built, [_copy(built), _copy(built)], problem.options, empty, start_objective, 1.5
    )
    assert found.beds is not None and found.objective is not None
    assert found.objective <= start_objective + 1e-6
    assert found.rounds >= 1
    # the search's objective is the plan's own, recomputed from its beds
    assert _price(problem, built.starts, list(found.beds)) == pytest.approx(
        found.objective, rel=1e-6, abs=1e-6
    )
    assert found.objective >= _optimum(_full(problem).model) - 1e-6


def test_improving_stops_at_once_when_the_plan_meets_the_target() -> None:
    problem = one_crop_problem(central_kg=20.0)
    built = _full(problem)
    empty = [0] * len(built.x)
    objective = _price(problem, built.starts, empty)
    found = improve_plan(
        built,
        [_copy(built), _copy(built)],
        problem.options,
        empty,
        objective,
        30.0,
        target=objective,
    )
    assert (found.rounds, found.beds, found.objective) == (0, tuple(empty), objective)


@FEW
@given(shared_problems())
def test_a_small_model_is_solved_by_branch_and_bound_to_its_optimum(
    problem: CropPlanProblem,
) -> None:
    assume(candidate_starts(problem))
    built = _full(problem)
    found = search_plan(built, [_copy(built)], problem.options, 60.0, 0.0)
    assert found.rounds == 0  # no neighbourhood search on a quick root
    assert found.objective == pytest.approx(_optimum(_full(problem).model), rel=1e-6, abs=1e-6)
    assert found.bound is not None and found.objective is not None
    assert found.bound <= found.objective + 1e-6


@FEW
@given(shared_problems())
def test_packing_places_at_most_the_merged_beds_on_land_the_members_have(
    problem: CropPlanProblem,
) -> None:
    relaxed = merge_interchangeable(problem)
    assume(relaxed is not None and candidate_starts(problem))
    assert relaxed is not None
    groups = relaxed.problem
    merged = build_model(
        groups, candidate_starts(groups, relaxed.rotation), rotation=relaxed.rotation
    )
    _optimum(merged.model)
    merged_beds = dict(zip(merged.starts, merged.beds(), strict=True))
    candidates = {(s.producer.id, s.itinerary.id, s.week): s for s in candidate_starts(problem)}
    packing = pack_merged_plan(problem, relaxed, merged_beds, candidates, deadline=float("inf"))
    placed: dict[tuple[str, str, int], int] = {}
    for start, beds in packing.beds.items():
        group = next(g for g, members in relaxed.members.items() if start.producer in members)
        key = (group, start.itinerary.id, start.week)
        placed[key] = placed.get(key, 0) + beds
        assert beds <= start.upper
    wanted = {(s.producer.id, s.itinerary.id, s.week): n for s, n in merged_beds.items() if n}
    assert all(n <= wanted.get(key, 0) for key, n in placed.items())
    assert packing.left_out == sum(wanted.values()) - sum(placed.values())
    assert (packing.left_out == 0) == (not packing.short_products)
    starts = list(packing.beds)
    _price(problem, starts, [packing.beds[s] for s in starts])  # land, family, labour hold


@settings(FEW, max_examples=6)
@given(shared_problems())
def test_the_searched_path_gives_a_true_gap_and_a_plan_within_the_land(
    problem: CropPlanProblem,
) -> None:
    """Forced onto the large-model path (root node, then search), the solve stays honest."""
    assume(merge_interchangeable(problem) is not None and candidate_starts(problem))
    problem = replace(problem, options=replace(problem.options, time_limit_s=6.0))
    with mock.patch.object(neighbourhood_search, "SMALL_ROOT_SHARE", 0.0):
        plan = solve_crop_plan(problem)
    assert plan.status.has_plan
    assert plan.objective is not None and plan.bound is not None and plan.gap is not None
    real = _optimum(_full(problem).model)
    assert plan.bound <= real + 1e-6 * max(1.0, real)
    assert plan.objective >= real - 1e-6 * max(1.0, real)
    gap = max(0.0, (plan.objective - plan.bound) / max(plan.objective, 1e-9))
    assert plan.gap == pytest.approx(gap, abs=1e-9)
    _check_land(problem, plan)
