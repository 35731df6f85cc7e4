"""The crop-plan MIP (PuLP model, HiGHS solver; CBC when HiGHS is not available).

Decision: ``x[p, i, s]`` = whole number of beds producer ``p`` starts with itinerary ``i`` in week
``s`` (any week within the itinerary's shift range: successions).  With ``q`` the harvest of one
bed in each of its harvest weeks (yield x bed area / harvest weeks), for each product ``k`` and
week ``w`` of the 52-week cycle:

* harvest ``H[k,w] = sum q x`` over the starts harvested in ``w``;
* ``H = (D - short) + buffer + waste + stock[w] - stock[w-1]`` with ``0 <= short <= D`` (central
  demand), ``0 <= buffer <= high - D``, ``waste >= 0``; ``stock = 0`` for products that do not keep,
  otherwise ``stock[w] <= H[w-S+1..w]`` (only the last ``S`` weeks of harvest can be in store);
* land: for each producer, land type and week, beds occupied ``<= beds`` committed;
* rotation: beds of one family ``<= beds / rotation interval`` in every week (optional);
* labour: hours in each week ``<= labour_h_week`` when the producer gives a limit;
* income ``I[p] = sum price x harvest``; ``I[p] + lack_min[p] >= min_income[p]`` and
  ``I[p] + lack_fair[p] >= fair_share x capacity_share[p] x sum I`` (lack penalised; minimum income
  can be made hard).

Objective (kg-equivalent, minimised): shortage + buffer + waste + income lack, weighted by
:class:`planning.problem.PlanOptions`.  Solver objects never leave this module.
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
from dataclasses import dataclass

import pulp

from planning.catalogue import LANDS, Itinerary
from planning.diagnosis import explain_limits
from planning.problem import CropPlanProblem, PlanOptions
from planning.producers import CropProducer
from planning.result import CropPlan, PlanStatus, Planting, ProducerOutcome, ProductWeek
from planning.season import WEEKS, cycle_week

__all__ = ["solve_crop_plan"]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Start:
    producer: CropProducer
    itinerary: Itinerary
    week: int
    q: float  # kg per bed per harvest week
    upper: int


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


def _starts(problem: CropPlanProblem) -> list[_Start]:
    opts = problem.options
    out = []
    for producer in problem.producers:
        for itinerary in problem.eligible(producer):
            beds = producer.beds(itinerary.land)
            interval = itinerary.rotation_interval_years
            if opts.rotation and interval is not None and interval > 1:
                beds = min(beds, math.floor(producer.beds(itinerary.land) / interval + 1e-9))
            if beds <= 0:
                continue
            assert itinerary.product_id is not None
            demand = problem.demand_by_product[itinerary.product_id]
            storage = problem.catalogue.products[itinerary.product_id].storage_weeks
            q = itinerary.harvest_kg_per_bed_week(producer.bed_m2)
            for week in itinerary.start_weeks():
                if itinerary.shift_of(week) % opts.start_step_weeks:
                    continue
                harvest = itinerary.harvest_weeks_from(week)
                if storage > 0:
                    reach = {cycle_week(h + d) for h in harvest for d in range(storage)}
                    needed = sum(demand.high(w) for w in reach) / q
                else:
                    needed = max(demand.high(w) for w in harvest) / q
                upper = min(beds, math.ceil(needed - 1e-9))
                if upper > 0:
                    out.append(_Start(producer, itinerary, week, q, upper))
    return out


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


def _status(model: pulp.LpProblem) -> tuple[PlanStatus, float | None, float | None, float | None]:
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
            return PlanStatus.OPTIMAL, objective, bound, gap
        if status == highspy.HighsModelStatus.kInfeasible:
            return PlanStatus.INFEASIBLE, None, None, None
        if feasible:
            return PlanStatus.FEASIBLE, objective, bound, gap
        if status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
            return PlanStatus.NO_SOLUTION, None, bound, None
        return PlanStatus.ERROR, None, None, None
    code = model.status
    objective = pulp.value(model.objective)
    if code == pulp.LpStatusOptimal:
        return PlanStatus.OPTIMAL, objective, None, None
    if code == pulp.LpStatusInfeasible:
        return PlanStatus.INFEASIBLE, None, None, None
    if model.sol_status == pulp.LpSolutionIntegerFeasible:
        return PlanStatus.FEASIBLE, objective, None, None
    return PlanStatus.ERROR, None, None, None


def _solver(time_limit_s: float, gap_rel: float, heuristic_effort: float) -> pulp.LpSolver:
    if pulp.HiGHS().available():
        return pulp.HiGHS(
            msg=False,
            timeLimit=time_limit_s,
            gapRel=gap_rel,
            mip_heuristic_effort=heuristic_effort,
        )
    logger.warning("HiGHS is not available, using CBC")
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=gap_rel)


def _run(
    model: pulp.LpProblem, opts: PlanOptions, deadline: float
) -> tuple[PlanStatus, float | None, float | None, float | None]:
    """Solve the model by HiGHS branch-and-bound until the gap or the deadline."""
    remaining = max(1.0, deadline - time.perf_counter())
    with _quiet_stdout():
        model.solve(_solver(remaining, opts.gap_rel, opts.heuristic_effort))
    return _status(model)


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
        the producers' incomes, the coverage limits, and the solver's objective, bound and gap.
    """
    started = time.perf_counter()
    note = progress or (lambda _message: None)
    opts = problem.options
    starts = _starts(problem)
    if not starts:
        messages = _empty(problem)
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
            messages=tuple(messages),
        )

    model = pulp.LpProblem("crop_plan", pulp.LpMinimize)
    x = [
        model.add_variable(f"x{n}", lowBound=0, upBound=s.upper, cat=pulp.LpInteger)
        for n, s in enumerate(starts)
    ]
    by_id = {p.id: p for p in problem.producers}
    # Each start appears in the land (and family) row of every week its beds are occupied and
    # in the harvest row of every week it is harvested.  (A week-to-week difference form, with
    # ~3 rows per start, was measured slower for HiGHS branch-and-bound: weaker propagation.)
    land_rows: dict[tuple[str, str, int], list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    family_rows: dict[tuple[str, str, str, int], list[tuple[pulp.LpVariable, float]]] = defaultdict(
        list
    )
    harvest_rows: dict[tuple[str, int], list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    interval_of: dict[str, float] = {}
    labour: dict[tuple[str, int], list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    income: dict[str, list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    for var, s in zip(x, starts, strict=True):
        it, p = s.itinerary, s.producer
        assert it.product_id is not None
        ruled = (
            opts.rotation
            and it.rotation_interval_years is not None
            and it.rotation_interval_years > 1
        )
        if ruled:
            assert it.rotation_interval_years is not None
            interval_of[it.family] = it.rotation_interval_years
        for w in it.occupied_weeks(s.week):
            land_rows[(p.id, it.land, w)].append((var, 1.0))
            if ruled:
                family_rows[(p.id, it.land, it.family, w)].append((var, 1.0))
            if p.labour_h_week is not None:
                labour[(p.id, w)].append((var, opts.upkeep_h_m2_week * p.bed_m2))
        for w in it.harvest_weeks_from(s.week):
            harvest_rows[(it.product_id, w)].append((var, s.q))
            if p.labour_h_week is not None:
                labour[(p.id, w)].append((var, opts.harvest_h_kg * s.q))
        if p.labour_h_week is not None:
            labour[(p.id, s.week)].append((var, opts.planting_h_m2 * p.bed_m2))
        income[p.id].append((var, s.q * it.harvest_weeks * p.prices_eur_kg[it.product_id]))
    for (pid, land_type, w), terms in sorted(land_rows.items()):
        model += (
            pulp.LpAffineExpression(terms) <= by_id[pid].beds(land_type),
            f"land_{pid}_{land_type}_{w}",
        )
    for (pid, land_type, fam, w), terms in sorted(family_rows.items()):
        model += (
            pulp.LpAffineExpression(terms) <= by_id[pid].beds(land_type) / interval_of[fam],
            f"rot_{pid}_{land_type}_{fam}_{w}",
        )
    for (pid, w), terms in sorted(labour.items()):
        limit = by_id[pid].labour_h_week
        assert limit is not None
        model += (pulp.LpAffineExpression(terms) <= limit, f"lab_{pid}_{w}")

    objective_terms: list[tuple[pulp.LpVariable, float]] = []
    shortage_terms: list[tuple[pulp.LpVariable, float]] = []
    products = sorted({s.itinerary.product_id for s in starts if s.itinerary.product_id})
    short_vars: dict[tuple[str, int], pulp.LpVariable] = {}
    stock_vars: dict[tuple[str, int], pulp.LpVariable] = {}
    waste_vars: dict[tuple[str, int], pulp.LpVariable] = {}
    buffer_vars: dict[tuple[str, int], pulp.LpVariable] = {}
    for k in problem.demand_by_product:
        demand = problem.demand_by_product[k]
        for w in range(1, WEEKS + 1):
            short = model.add_variable(f"s_{k}_{w}", 0, demand.central(w))
            short_vars[(k, w)] = short
            shortage_terms.append((short, 1.0))
            objective_terms.append((short, opts.shortage_weight))
    for n, k in enumerate(products):
        demand = problem.demand_by_product[k]
        storage = problem.catalogue.products[k].storage_weeks
        harvest_vars = {w: model.add_variable(f"h{n}_{w}", 0) for w in range(1, WEEKS + 1)}
        for w, h_var in harvest_vars.items():
            model += (
                pulp.LpAffineExpression(harvest_rows.get((k, w), [])) - h_var == 0,
                f"harv{n}_{w}",
            )
        for w in range(1, WEEKS + 1):
            buffer_vars[(k, w)] = model.add_variable(
                f"b_{k}_{w}", 0, max(0.0, demand.high(w) - demand.central(w))
            )
            waste_vars[(k, w)] = model.add_variable(f"w_{k}_{w}", 0)
            objective_terms.append((buffer_vars[(k, w)], opts.buffer_weight))
            objective_terms.append((waste_vars[(k, w)], opts.waste_weight))
            if storage > 0:
                stock_vars[(k, w)] = model.add_variable(f"i_{k}_{w}", 0)
        for w in range(1, WEEKS + 1):
            supplied = (
                demand.central(w) - short_vars[(k, w)] + buffer_vars[(k, w)] + waste_vars[(k, w)]
            )
            h = harvest_vars[w]
            if storage > 0:
                prev = stock_vars[(k, cycle_week(w - 1))]
                model += (h + prev == supplied + stock_vars[(k, w)], f"bal_{k}_{w}")
                recent = pulp.lpSum(harvest_vars[cycle_week(w - d)] for d in range(storage))
                model += (stock_vars[(k, w)] <= recent, f"keep_{k}_{w}")
            else:
                model += (h == supplied, f"bal_{k}_{w}")
    total_area = sum(p.area_m2 for p in problem.producers) or 1.0
    income_vars = {p.id: model.add_variable(f"inc_{p.id}", 0) for p in problem.producers}
    total_income = model.add_variable("inc_total", 0)
    for p in problem.producers:
        model += (
            pulp.LpAffineExpression(income[p.id]) - income_vars[p.id] == 0,
            f"inc_{p.id}",
        )
    model += (pulp.lpSum(income_vars.values()) - total_income == 0, "inc_total")
    for p in problem.producers:
        mine = income_vars[p.id]
        if p.min_income_eur > 0:
            if opts.min_income == "hard":
                model += (mine >= p.min_income_eur, f"minc_{p.id}")
            else:
                lack = model.add_variable(f"lm_{p.id}", 0)
                objective_terms.append((lack, opts.income_weight))
                model += (mine + lack >= p.min_income_eur, f"minc_{p.id}")
        if opts.fair_share > 0 and len(problem.producers) > 1:
            lack_fair = model.add_variable(f"lf_{p.id}", 0)
            objective_terms.append((lack_fair, opts.income_weight))
            share = opts.fair_share * p.area_m2 / total_area
            model += (mine + lack_fair - share * total_income >= 0, f"fair_{p.id}")
    n_variables, n_constraints = model.numVariables(), model.numConstraints()
    note(f"MIP built: {len(x)} integer variables, {n_constraints} constraints")
    logger.info("crop-plan MIP: %d start variables, %d constraints", len(x), n_constraints)

    deadline = time.perf_counter() + opts.time_limit_s * (2 if opts.coverage_first else 1)
    if opts.coverage_first:
        model.setObjective(pulp.LpAffineExpression(shortage_terms))
        status, best, _, _ = _run(model, opts, deadline - opts.time_limit_s)
        note(f"coverage stage: {status.value}")
        if status.has_plan and best is not None:
            demand_total = sum(d.total_kg for d in problem.demand)
            model += (
                pulp.LpAffineExpression(shortage_terms) <= best + 1e-6 * demand_total + 1e-4,
                "coverage_first",
            )
    model.setObjective(pulp.LpAffineExpression(objective_terms))
    status, objective, bound, gap = _run(model, opts, deadline)
    runtime = time.perf_counter() - started
    note(f"solved: {status.value}")
    logger.info("crop-plan MIP %s in %.1f s, gap %s", status.value, runtime, gap)
    if not status.has_plan:
        failure = {
            PlanStatus.INFEASIBLE: "no plan meets every hard constraint: with minimum incomes"
            " set as hard, some producer cannot reach its minimum on its land and crops"
            + _income_suspects(problem),
            PlanStatus.NO_SOLUTION: f"no plan found within {opts.time_limit_s:g} s",
            PlanStatus.ERROR: "the solver failed",
        }
        weeks = _weeks(problem, [])
        return CropPlan(
            status,
            None,
            bound,
            None,
            runtime,
            weeks=weeks,
            producers=_outcomes(problem, []),
            messages=(failure.get(status, status.value),),
            n_variables=n_variables,
            n_constraints=n_constraints,
        )
    plantings = []
    for var, s in zip(x, starts, strict=True):
        beds = round(var.value() or 0.0)
        if beds <= 0:
            continue
        it = s.itinerary
        assert it.product_id is not None
        plantings.append(
            Planting(
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
        )
    plantings.sort(key=lambda p: (p.producer_id, p.start_week, p.itinerary_id))
    values = {
        key: (short_vars[key].value() or 0.0, buffer_vars.get(key), waste_vars.get(key))
        for key in short_vars
    }
    weeks = _weeks(
        problem,
        plantings,
        short={k: v[0] for k, v in values.items()},
        buffer={k: (v.value() or 0.0) for k, v in buffer_vars.items()},
        waste={k: (v.value() or 0.0) for k, v in waste_vars.items()},
        stock={k: (v.value() or 0.0) for k, v in stock_vars.items()},
    )
    messages = []
    if status is PlanStatus.FEASIBLE:
        messages.append(
            f"time limit {opts.time_limit_s:g} s reached: plan within"
            f" {100 * (gap or 0):.2f} % of the best bound"
        )
    return CropPlan(
        status,
        objective,
        bound,
        gap,
        runtime,
        plantings=tuple(plantings),
        weeks=weeks,
        producers=_outcomes(problem, plantings),
        limits=explain_limits(problem, weeks, tuple(plantings)),
        messages=tuple(messages),
        n_variables=n_variables,
        n_constraints=n_constraints,
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
