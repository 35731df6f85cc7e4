"""Solving the crop-plan MIP (:mod:`planning.mip_model`) with HiGHS through PuLP (CBC fallback).

When several producers are interchangeable (same bed size, same products), the solve runs in
stages, each within the time limit:

1. the relaxation with those producers merged (:mod:`planning.producer_groups`): few integer
   variables, solved close to optimality; its bound is a valid bound of the real plan;
2. the real model with each (itinerary, start week) capped at the merged plan's beds: the merged
   plan split between the real producers under their own land, rotation, labour and income rows;
3. only when the gap to the stage-1 bound is still above the target and a quarter of the time
   limit is left: the full model for the
   time left (the better of its plan and the stage-2 plan is kept).  HiGHS is not given the
   stage-2 plan as a start: with a start, HiGHS 1.16 reported objectives its own column values
   did not match.

The reported bound is the best of the stage-1 and stage-3 bounds, so the gap is a true one.
Solver objects never leave this module.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pulp

from planning.catalogue import LANDS
from planning.diagnosis import explain_limits
from planning.income_rebalance import rebalance_incomes
from planning.mip_model import CropModel, Start, build_model, candidate_starts
from planning.problem import CropPlanProblem, PlanOptions
from planning.producer_groups import merge_interchangeable
from planning.result import CropPlan, PlanStatus, Planting, ProducerOutcome, ProductWeek
from planning.season import WEEKS

__all__ = ["solve_crop_plan"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

MERGED_SHARE = 0.72  # of the time limit, for the merged relaxation
SPLIT_SHARE = 0.2  # of the time limit, for splitting its plan between producers
FULL_MIN_SHARE = 0.25  # of the time limit: below this, the full model is not tried after a split


@dataclass(frozen=True)
class _Outcome:
    """One solve: status, objective, bound and gap as HiGHS reports them."""

    status: PlanStatus
    objective: float | None
    bound: float | None
    gap: float | None


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence the solver banner written straight to file descriptor 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


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


def _status(model: pulp.LpProblem) -> _Outcome:
    """Normalise the solver outcome: status, objective, bound, gap."""
    highs = getattr(model, "solverModel", None)
    if highs is not None and hasattr(highs, "getInfo"):
        import highspy  # only when the HiGHS backend ran

        info = highs.getInfo()
        status = highs.getModelStatus()
        feasible = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        objective = float(info.objective_function_value) if feasible else None
        bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else None
        gap = float(info.mip_gap) if feasible and math.isfinite(info.mip_gap) else None
        if status == highspy.HighsModelStatus.kOptimal:
            return _Outcome(PlanStatus.OPTIMAL, objective, bound, gap)
        if status == highspy.HighsModelStatus.kInfeasible:
            return _Outcome(PlanStatus.INFEASIBLE, None, None, None)
        if feasible:
            return _Outcome(PlanStatus.FEASIBLE, objective, bound, gap)
        if status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
            return _Outcome(PlanStatus.NO_SOLUTION, None, bound, None)
        return _Outcome(PlanStatus.ERROR, None, None, None)
    code = model.status
    objective = pulp.value(model.objective)
    if code == pulp.LpStatusOptimal:
        return _Outcome(PlanStatus.OPTIMAL, objective, None, None)
    if code == pulp.LpStatusInfeasible:
        return _Outcome(PlanStatus.INFEASIBLE, None, None, None)
    if model.sol_status == pulp.LpSolutionIntegerFeasible:
        return _Outcome(PlanStatus.FEASIBLE, objective, None, None)
    return _Outcome(PlanStatus.ERROR, None, None, None)


def _solver(opts: PlanOptions, time_limit_s: float, gap_rel: float) -> pulp.LpSolver:
    if pulp.HiGHS().available():
        return pulp.HiGHS(
            msg=False,
            timeLimit=time_limit_s,
            gapRel=gap_rel,
            mip_heuristic_effort=opts.heuristic_effort,
        )
    logger.warning("HiGHS is not available, using CBC")
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=gap_rel)


def _run(
    built: CropModel,
    opts: PlanOptions,
    seconds: float,
    *,
    gap_rel: float | None = None,
) -> _Outcome:
    """Solve by branch-and-bound until the gap (default: the options' gap) or ``seconds``."""
    gap = opts.gap_rel if gap_rel is None else gap_rel
    with _quiet_stdout():
        built.model.solve(_solver(opts, max(1.0, seconds), gap))
    return _status(built.model)


def _split_caps(merged: CropModel) -> dict[tuple[str, int], int]:
    """Beds per (itinerary, start week) in the merged plan."""
    caps: dict[tuple[str, int], int] = defaultdict(int)
    for start, beds in zip(merged.starts, merged.beds(), strict=True):
        if beds > 0:
            caps[start.key] += beds
    return dict(caps)


def _warm_start(
    problem: CropPlanProblem,
    deadline: float,
    note: Progress,
) -> tuple[CropModel, _Outcome, float | None] | None:
    """Stages 1 and 2: plan merged producers, then split that plan; ``None`` if not applicable.

    The split keeps the merged plan's starts, each capped at its merged beds.  It first packs as
    many bed-weeks as the real producers' land, family and labour rows allow (a quick MIP),
    prices that packing with the beds fixed, and only when that is not within the gap solves the
    capped model with the real objective (fair incomes included) for the time left to stage 2.
    Returns the better split model, its outcome (without bound: a restricted model's bound is
    not a bound of the real one) and the merged relaxation's bound.
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
    first = _run(merged, opts, MERGED_SHARE * budget, gap_rel=opts.gap_rel / 4)
    note(
        f"merged producers ({len(groups.producers)} groups): {first.status.value},"
        f" objective {_number(first.objective)}, bound {_number(first.bound)}"
    )
    if not first.status.has_plan:
        return None
    caps = _split_caps(merged)
    starts = [
        replace(s, upper=min(s.upper, caps[s.key]))
        for s in candidate_starts(problem)
        if caps.get(s.key, 0) > 0
    ]
    split_until = time.perf_counter() + SPLIT_SHARE * budget
    packed = build_model(problem, starts, caps, demand_rows=False)
    packed.model.setObjective(
        pulp.LpAffineExpression(
            [(v, -float(s.itinerary.bed_weeks)) for v, s in zip(packed.x, starts, strict=True)]
        )
    )
    packing = _run(packed, opts, split_until - time.perf_counter(), gap_rel=0.0)
    if not packing.status.has_plan:
        return None
    candidates = {(s.producer.id, s.itinerary.id, s.week): s for s in candidate_starts(problem)}
    rebalanced = rebalance_incomes(
        problem,
        {
            candidates[(s.producer.id, s.itinerary.id, s.week)]: beds
            for s, beds in zip(starts, packed.beds(), strict=True)
        },
        candidates,
    )
    fixed = build_model(problem, [replace(s, upper=n) for s, n in rebalanced.items()])
    for var in fixed.x:
        var.lowBound = var.upBound
    best = (fixed, replace(_run(fixed, opts, deadline - time.perf_counter()), bound=None))
    left_out = sum(caps.values()) - sum(packed.beds())
    note(
        f"merged plan packed between producers ({left_out} beds left out):"
        f" objective {_number(best[1].objective)}"
    )
    if not best[1].status.has_plan:
        return None
    if _combined(best[1], first.bound, opts.gap_rel).status is PlanStatus.OPTIMAL:
        return best[0], best[1], first.bound
    split = build_model(problem, starts, caps)
    seconds = split_until - time.perf_counter()
    if seconds >= 1.0:
        second = replace(_run(split, opts, seconds, gap_rel=opts.gap_rel / 4), bound=None)
        note(
            f"merged plan split between producers by MIP: {second.status.value},"
            f" objective {_number(second.objective)}"
        )
        if second.status.has_plan and (second.objective or math.inf) < (
            best[1].objective or math.inf
        ):
            best = (split, second)
    return best[0], best[1], first.bound


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:,.1f}"


def _combined(outcome: _Outcome, floor: float | None, gap_rel: float) -> _Outcome:
    """Outcome with the best known bound (a relaxation's bound is valid for the full model)."""
    bound = max((b for b in (outcome.bound, floor) if b is not None), default=None)
    if outcome.objective is None or bound is None:
        return replace(outcome, bound=bound)
    gap = max(0.0, (outcome.objective - bound) / max(abs(outcome.objective), 1e-9))
    status = PlanStatus.OPTIMAL if gap <= gap_rel + 1e-9 else PlanStatus.FEASIBLE
    return _Outcome(status, outcome.objective, bound, gap)


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
        first = _run(full, opts, deadline - opts.time_limit_s - time.perf_counter())
        note(f"coverage stage: {first.status.value}")
        if first.status.has_plan and first.objective is not None:
            demand_total = sum(d.total_kg for d in problem.demand)
            full.model += (
                pulp.LpAffineExpression(full.shortage)
                <= first.objective + 1e-6 * demand_total + 1e-4,
                "coverage_first",
            )
        full.model.setObjective(pulp.LpAffineExpression(full.objective))
    outcome = _run(full, opts, deadline - time.perf_counter())
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
    outcome: _Outcome,
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
