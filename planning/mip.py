"""Solving the crop-plan MIP (:mod:`planning.mip_model`) with HiGHS through PuLP (CBC fallback).

When several producers are interchangeable (same bed size, same products), the solve runs in
stages, each within the time limit:

1. the relaxation with those producers merged (:mod:`planning.producer_groups`): few integer
   variables; its root node gives a bound (a valid bound of the real plan) and a plan, which
   branch-and-bound (small models) or a neighbourhood search (large ones) then improves
   (:mod:`planning.neighbourhood_search`);
2. the merged plan packed onto each group's members (:mod:`planning.merged_packing`), beds
   moved between them to close income gaps (:mod:`planning.income_rebalance`), and the plan
   priced with the real objective (beds fixed); if that is not within the gap and stage 1
   searched, the same neighbourhood search on the real model, first around the products of
   any bed left out, until within the gap or the time is up;
3. only when the gap to the stage-1 bound is still above the target and a quarter of the time
   limit is left (small models): the full model for the time left (the better of its plan and
   the stage-2 plan is kept).  HiGHS is never given a plan as a start: with a start, HiGHS
   1.16 reported objectives its own column values did not match.

The reported bound is the best of the stage-1 and stage-3 bounds, so the gap is a true one.
Solver objects never leave the planning package.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

import pulp

from planning.catalogue import LANDS
from planning.diagnosis import explain_limits
from planning.highs_copy import HighsCopy, highs_copy
from planning.income_rebalance import rebalance_incomes
from planning.merged_packing import pack_merged_plan
from planning.mip_model import CropModel, Start, build_model, candidate_starts
from planning.neighbourhood_search import improve_plan, search_plan
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.producer_groups import merge_interchangeable
from planning.result import CropPlan, PlanStatus, Planting, ProducerOutcome, ProductWeek
from planning.season import WEEKS
from planning.solver_run import Outcome, highs_available, quiet_stdout, run_model

__all__ = ["solve_crop_plan"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

MERGED_SHARE = 0.72  # of the time limit, for the merged relaxation
SPLIT_SHARE = 0.2  # of the time limit, for splitting its plan between producers
SEARCH_WORKERS = min(2, os.cpu_count() or 1)  # threads of the neighbourhood search
POLISH_MARGIN_S = 3.0  # seconds kept after polishing, to price the plan and write it out
FULL_MIN_SHARE = 0.25  # of the time limit: below this, the full model is not tried after a split


def _empty(problem: CropPlanProblem) -> list[str]:
    messages = []
    if not problem.producers:
        messages.append("no producer takes part in the crop plan (crop_producers.csv)")
    elif all(p.field_beds + p.greenhouse_beds == 0 for p in problem.producers):
        messages.append("the producers commit no bed to the plan")
    if all(d.total_kg <= 0 for d in problem.demand):
        messages.append("there is no demand for any crop product")
    if not messages:
        messages.append(
            "no producer grows a demanded product on land it has: check producer_crops.csv"
        )
    return messages


def _merged_plan(
    merged: CropModel, opts: CropPlanOptions, seconds: float, note: Progress
) -> tuple[dict[Start, int], float | None, bool] | None:
    """Plan the merged producers, ``None`` without plan.

    With HiGHS, the root node then branch-and-bound or a neighbourhood search
    (:mod:`planning.neighbourhood_search`); otherwise branch-and-bound through PuLP.  Returns
    the beds per merged start, the bound, and whether the model was large enough to search.
    """
    if not highs_available():
        outcome = run_model(merged, opts, seconds, gap_rel=opts.gap_rel / 4)
        if not outcome.status.has_plan:
            return None
        return dict(zip(merged.starts, merged.beds(), strict=True)), outcome.bound, False
    began = time.perf_counter()
    copies = _copies(merged)
    found = search_plan(
        merged, copies, opts, seconds - (time.perf_counter() - began), opts.gap_rel / 4
    )
    note(
        f"merged producers: objective {_number(found.objective)}, bound {_number(found.bound)}"
        f" ({found.rounds} neighbourhood rounds, {found.improvements} better plans)"
    )
    if found.beds is None:
        return None
    return dict(zip(merged.starts, found.beds, strict=True)), found.bound, found.rounds > 0


def _warm_start(
    problem: CropPlanProblem,
    deadline: float,
    note: Progress,
) -> tuple[CropModel, Outcome, float | None] | None:
    """Stages 1 and 2: plan merged producers, then split that plan; ``None`` if not applicable.

    The split packs each group's beds onto its members (:mod:`planning.merged_packing`), moves
    beds to close income gaps and prices the result with the beds fixed.  When that is not
    within the gap and the merged model was large enough to be searched, a neighbourhood search
    on the real model (first around the products of beds left out) uses the time left, stopping
    once within the gap; small models go on to the full model instead, which can prove the gap.
    Returns the priced model, its outcome (without bound: a restricted model's bound is not a
    bound of the real one) and the merged relaxation's bound.
    """
    opts = problem.options
    relaxed = merge_interchangeable(problem)
    if relaxed is None or opts.min_income == "hard":
        return None
    budget = deadline - time.perf_counter()
    groups = relaxed.problem
    merged = build_model(
        groups, candidate_starts(groups, relaxed.rotation), rotation=relaxed.rotation
    )
    note(f"merged producers: {len(groups.producers)} groups, {len(merged.x)} integer variables")
    planned = _merged_plan(merged, opts, MERGED_SHARE * budget, note)
    if planned is None:
        return None
    merged_beds, floor, large = planned
    split_until = time.perf_counter() + SPLIT_SHARE * budget
    candidates = {(s.producer.id, s.itinerary.id, s.week): s for s in candidate_starts(problem)}
    packing = pack_merged_plan(problem, relaxed, merged_beds, candidates, split_until)
    rebalanced = rebalance_incomes(problem, packing.beds, candidates)
    best = _priced(problem, rebalanced, deadline)
    note(
        f"merged plan packed between producers ({packing.left_out} beds left out):"
        f" objective {_number(best[1].objective)}"
    )
    if best[1].objective is None:
        return None
    seconds = deadline - time.perf_counter() - POLISH_MARGIN_S
    within = _combined(best[1], floor, opts.gap_rel).status is PlanStatus.OPTIMAL
    if within or not large or seconds < 1.0:
        return best[0], best[1], floor
    full = build_model(problem, list(candidates.values()))
    copies = _copies(full)
    beds = [rebalanced.get(s, 0) for s in full.starts]
    found = improve_plan(
        full,
        copies,
        opts,
        beds,
        best[1].objective,
        seconds,
        focus=packing.short_products,
        target=_within_gap(floor, opts.gap_rel),
    )
    note(
        f"plan improved on the real producers: objective {_number(found.objective)}"
        f" ({found.rounds} neighbourhood rounds, {found.improvements} better plans)"
    )
    if found.improvements and found.beds is not None:
        polished = _priced(problem, dict(zip(full.starts, found.beds, strict=True)), deadline)
        if (polished[1].objective or math.inf) < best[1].objective:
            best = polished
    return best[0], best[1], floor


def _copies(built: CropModel) -> list[HighsCopy]:
    """One HiGHS copy of the model per search worker (HiGHS prints a banner when created)."""
    with quiet_stdout():
        return [highs_copy(built.model) for _ in range(SEARCH_WORKERS)]


def _within_gap(bound: float | None, gap_rel: float) -> float:
    """Largest objective within ``gap_rel`` of ``bound`` (gap relative to the objective)."""
    if bound is None:
        return -math.inf
    if gap_rel >= 1:
        return math.inf
    return bound / (1 - gap_rel) - 1e-6 * max(1.0, abs(bound))


def _priced(
    problem: CropPlanProblem, beds: dict[Start, int], deadline: float
) -> tuple[CropModel, Outcome]:
    """The model of a plan with its beds fixed, solved for the rest (outcome without bound)."""
    fixed = build_model(problem, [replace(s, upper=n) for s, n in beds.items() if n > 0])
    for var in fixed.x:
        var.lowBound = var.upBound
    outcome = run_model(fixed, problem.options, deadline - time.perf_counter())
    return fixed, replace(outcome, bound=None)


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:,.1f}"


def _combined(outcome: Outcome, floor: float | None, gap_rel: float) -> Outcome:
    """Outcome with the best known bound (a relaxation's bound is valid for the full model)."""
    bound = max((b for b in (outcome.bound, floor) if b is not None), default=None)
    if outcome.objective is None or bound is None:
        return replace(outcome, bound=bound)
    gap = max(0.0, (outcome.objective - bound) / max(abs(outcome.objective), 1e-9))
    status = PlanStatus.OPTIMAL if gap <= gap_rel + 1e-9 else PlanStatus.FEASIBLE
    return Outcome(status, outcome.objective, bound, gap)


def solve_crop_plan(problem: CropPlanProblem, *, progress: Progress | None = None) -> CropPlan:
    """Choose how many beds of which itinerary each producer starts in which week.

    Parameters
    ----------
    problem
        Producers, catalogue, demand and options (time limit, gap, weights).
    progress
        Called with a short message after each stage (model built, solved, ...).

    Returns
    -------
    CropPlan
        Status ``empty`` or ``infeasible`` with messages and no plantings when there is nothing
        to plan or the hard constraints cannot hold; otherwise the plan, its product-week table,
        the producers' incomes, the coverage limits, and the objective, best bound and gap.
    """
    started = time.perf_counter()
    note = progress or (lambda _message: None)
    opts = problem.options
    starts = candidate_starts(problem)
    if not starts:
        weeks = _weeks(problem, [])
        return CropPlan(
            PlanStatus.EMPTY,
            None,
            None,
            None,
            time.perf_counter() - started,
            weeks=weeks,
            producers=_outcomes(problem, []),
            limits=explain_limits(problem, weeks, ()),
            messages=tuple(_empty(problem)),
        )
    deadline = started + opts.time_limit_s * (2 if opts.coverage_first else 1)
    warm = None if opts.coverage_first else _warm_start(problem, deadline, note)
    if warm is not None:
        split, outcome, floor = warm
        outcome = _combined(outcome, floor, opts.gap_rel)
        if (
            outcome.status is PlanStatus.OPTIMAL
            or deadline - time.perf_counter() < FULL_MIN_SHARE * opts.time_limit_s
        ):
            return _plan(problem, split, outcome, started, note)
    full = build_model(problem, starts)
    note(f"MIP built: {len(full.x)} integer variables, {full.model.numConstraints()} constraints")
    logger.info("crop-plan MIP: %d start variables", len(full.x))
    if opts.coverage_first:
        full.model.setObjective(pulp.LpAffineExpression(full.shortage))
        first = run_model(full, opts, deadline - opts.time_limit_s - time.perf_counter())
        note(f"coverage stage: {first.status.value}")
        if first.status.has_plan and first.objective is not None:
            demand_total = sum(d.total_kg for d in problem.demand)
            full.model += (
                pulp.LpAffineExpression(full.shortage)
                <= first.objective + 1e-6 * demand_total + 1e-4,
                "coverage_first",
            )
        full.model.setObjective(pulp.LpAffineExpression(full.objective))
    outcome = run_model(full, opts, deadline - time.perf_counter())
    if warm is not None:
        outcome = _combined(outcome, warm[2], opts.gap_rel)
        if not outcome.status.has_plan or (warm[1].objective or math.inf) < (
            outcome.objective or math.inf
        ):
            kept = _combined(warm[1], outcome.bound, opts.gap_rel)
            return _plan(problem, warm[0], kept, started, note)
    return _plan(problem, full, outcome, started, note)


def _plan(
    problem: CropPlanProblem,
    built: CropModel,
    outcome: Outcome,
    started: float,
    note: Progress,
) -> CropPlan:
    """The crop plan read from a solved model."""
    opts = problem.options
    runtime = time.perf_counter() - started
    status = outcome.status
    note(f"solved: {status.value}")
    logger.info("crop-plan MIP %s in %.1f s, gap %s", status.value, runtime, outcome.gap)
    n_variables, n_constraints = built.model.numVariables(), built.model.numConstraints()
    if not status.has_plan:
        failure = {
            PlanStatus.INFEASIBLE: "no plan meets every hard constraint: with minimum incomes"
            " set as hard, some producer cannot reach its minimum on its land and crops"
            + _income_suspects(problem),
            PlanStatus.NO_SOLUTION: f"no plan found within {opts.time_limit_s:g} s",
            PlanStatus.ERROR: "the solver failed",
        }
        return CropPlan(
            status,
            None,
            outcome.bound,
            None,
            runtime,
            weeks=_weeks(problem, []),
            producers=_outcomes(problem, []),
            messages=(failure.get(status, status.value),),
            n_variables=n_variables,
            n_constraints=n_constraints,
        )
    plantings = []
    for s, beds in zip(built.starts, built.beds(), strict=True):
        if beds > 0:
            plantings.append(_planting(s, beds))
    plantings.sort(key=lambda p: (p.producer_id, p.start_week, p.itinerary_id))

    def values(variables: dict[tuple[str, int], pulp.LpVariable]) -> dict[tuple[str, int], float]:
        return {k: (v.value() or 0.0) for k, v in variables.items()}

    weeks = _weeks(
        problem,
        plantings,
        short=values(built.short),
        buffer=values(built.buffer),
        waste=values(built.waste),
        stock=values(built.stock),
    )
    messages = []
    if status is PlanStatus.FEASIBLE:
        messages.append(
            f"time limit {opts.time_limit_s:g} s reached: plan within"
            f" {100 * (outcome.gap or 0):.2f} % of the best bound"
        )
    return CropPlan(
        status,
        outcome.objective,
        outcome.bound,
        outcome.gap,
        runtime,
        plantings=tuple(plantings),
        weeks=weeks,
        producers=_outcomes(problem, plantings),
        limits=explain_limits(problem, weeks, tuple(plantings)),
        messages=tuple(messages),
        n_variables=n_variables,
        n_constraints=n_constraints,
    )


def _planting(s: Start, beds: int) -> Planting:
    it = s.itinerary
    assert it.product_id is not None
    return Planting(
        producer_id=s.producer.id,
        itinerary_id=it.id,
        product_id=it.product_id,
        land=it.land,
        beds=beds,
        bed_m2=s.producer.bed_m2,
        start_week=s.week,
        sowing_week=it.sowing_week_from(s.week),
        occupied_weeks=it.occupied_weeks(s.week),
        harvest_weeks=it.harvest_weeks_from(s.week),
        harvest_kg_per_week=beds * s.q,
        income_eur=beds * s.q * it.harvest_weeks * s.producer.prices_eur_kg[it.product_id],
    )


def _income_suspects(problem: CropPlanProblem) -> str:
    """`` (prod_a: at most 1,200 EUR < 2,000)`` for producers whose minimum looks out of reach.

    The ceiling is generous: every bed of each land type grows, back to back all year, the
    itinerary of highest income per bed-week, whatever the demand.
    """
    suspects = []
    for producer in problem.producers:
        ceiling = 0.0
        for land in LANDS:
            best = max(
                (
                    it.yield_kg_m2
                    * producer.bed_m2
                    * producer.prices_eur_kg[it.product_id or ""]
                    / it.bed_weeks
                    for it in problem.eligible(producer)
                    if it.land == land
                ),
                default=0.0,
            )
            ceiling += best * producer.beds(land) * WEEKS
        if producer.min_income_eur > ceiling:
            suspects.append(
                f"{producer.id}: at most {ceiling:,.0f} EUR < {producer.min_income_eur:,.0f}"
            )
    return f" ({'; '.join(suspects)})" if suspects else ""


def _weeks(
    problem: CropPlanProblem,
    plantings: list[Planting],
    *,
    short: dict[tuple[str, int], float] | None = None,
    buffer: dict[tuple[str, int], float] | None = None,
    waste: dict[tuple[str, int], float] | None = None,
    stock: dict[tuple[str, int], float] | None = None,
) -> tuple[ProductWeek, ...]:
    """Product-week table; harvest recomputed from the plantings, not read from the solver."""
    harvest: dict[tuple[str, int], float] = defaultdict(float)
    for planting in plantings:
        for w in planting.harvest_weeks:
            harvest[(planting.product_id, w)] += planting.harvest_kg_per_week
    rows = []
    for demand in problem.demand:
        k = demand.product_id
        for w in range(1, WEEKS + 1):
            central = demand.central(w)
            lacking = min(central, max(0.0, (short or {}).get((k, w), central)))
            supplied = central - lacking + max(0.0, (buffer or {}).get((k, w), 0.0))
            rows.append(
                ProductWeek(
                    product_id=k,
                    week=w,
                    demand_kg=central,
                    demand_high_kg=demand.high(w),
                    harvest_kg=harvest.get((k, w), 0.0),
                    supplied_kg=supplied,
                    stock_kg=max(0.0, (stock or {}).get((k, w), 0.0)),
                    waste_kg=max(0.0, (waste or {}).get((k, w), harvest.get((k, w), 0.0))),
                )
            )
    return tuple(rows)


def _outcomes(problem: CropPlanProblem, plantings: list[Planting]) -> tuple[ProducerOutcome, ...]:
    total_area = sum(p.area_m2 for p in problem.producers) or 1.0
    total_income = sum(p.income_eur for p in plantings)
    out = []
    for producer in problem.producers:
        mine = [p for p in plantings if p.producer_id == producer.id]
        peak = {}
        used = 0
        for land_type in LANDS:
            per_week = [0] * WEEKS
            for p in mine:
                if p.land == land_type:
                    for w in p.occupied_weeks:
                        per_week[w - 1] += p.beds
            peak[land_type] = max(per_week)
            used += sum(per_week)
        committed = (producer.field_beds + producer.greenhouse_beds) * WEEKS
        out.append(
            ProducerOutcome(
                producer_id=producer.id,
                name=producer.name,
                income_eur=sum(p.income_eur for p in mine),
                min_income_eur=producer.min_income_eur,
                fair_income_eur=problem.options.fair_share
                * producer.area_m2
                / total_area
                * total_income,
                beds_field=producer.field_beds,
                beds_greenhouse=producer.greenhouse_beds,
                peak_beds_field=peak["field"],
                peak_beds_greenhouse=peak["greenhouse"],
                bed_weeks_used_share=used / committed if committed else 0.0,
            )
        )
    return tuple(out)
