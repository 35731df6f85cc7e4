"""The crop-plan MIP as a PuLP model: start variables, land, rotation, labour, balance, income.

Decision: ``x[p, i, s]`` = whole number of beds producer ``p`` starts with itinerary ``i`` in week
``s`` (any week within the itinerary's shift range: successions).  With ``q`` the harvest of one
bed in each of its harvest weeks (yield x bed area / harvest weeks), for each product ``k`` and
week ``w`` of the 52-week cycle:

* harvest ``H[k,w] = sum q x`` over the starts harvested in ``w``;
* ``H = (D - short) + buffer + waste + stock[w] - stock[w-1]`` with ``0 <= short <= D`` (central
  demand), ``0 <= buffer <= high - D``, ``waste >= 0``; ``stock = 0`` for products that do not keep,
  otherwise ``stock[w] <= H[w-S+1..w]`` (only the last ``S`` weeks of harvest can be in store);
* land: for each producer, land type and week, beds occupied ``<= beds`` committed;
* rotation: beds of one family ``<= floor(beds / rotation interval)`` in every week (optional);
* labour: hours in each week ``<= labour_h_week`` when the producer gives a limit;
* income ``I[p] = sum price x harvest``; ``I[p] + lack_min[p] >= min_income[p]`` and
  ``I[p] + lack_fair[p] >= fair_share x capacity_share[p] x sum I`` (lack penalised; minimum income
  can be made hard);
* optional caps: the beds started with itinerary ``i`` in week ``s``, over all producers, at most
  a given number (used to split a plan of merged producers between the real ones).

Objective (kg-equivalent, minimised): shortage + buffer + waste + income lack, weighted by
:class:`planning.problem.CropPlanOptions`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulp

from planning.catalogue import Itinerary
from planning.problem import CropPlanProblem
from planning.producers import CropProducer
from planning.season import WEEKS, cycle_week

__all__ = ["CropModel", "FamilyBeds", "Start", "build_model", "candidate_starts", "family_beds"]

Terms = list[tuple[pulp.LpVariable, float]]
FamilyBeds = Mapping[tuple[str, str, float], int]
"""(producer id, land, rotation interval in years) -> beds of one family allowed in a week."""


def family_beds(
    producer: CropProducer, land: str, interval: float, overrides: FamilyBeds | None = None
) -> int:
    """Beds of one botanical family a producer may have on one land type in any week."""
    if overrides is not None and (producer.id, land, interval) in overrides:
        return overrides[(producer.id, land, interval)]
    return math.floor(producer.beds(land) / interval + 1e-9)


@dataclass(frozen=True)
class Start:
    """One integer decision: beds of ``itinerary`` that ``producer`` starts in ``week``."""

    producer: CropProducer
    itinerary: Itinerary
    week: int
    q: float  # kg per bed per harvest week
    upper: int

    @property
    def key(self) -> tuple[str, int]:
        """(itinerary id, start week): what a cap limits."""
        return (self.itinerary.id, self.week)


def candidate_starts(problem: CropPlanProblem, rotation: FamilyBeds | None = None) -> list[Start]:
    """Every start a producer may make, with an upper bound on its beds.

    The bound is the producer's land (and rotation share), and the beds that would already meet
    the high demand of every week the harvest can serve (fresh, or from store up to ``S`` weeks
    later): beds beyond it can only add waste.
    """
    opts = problem.options
    out = []
    for producer in problem.producers:
        for itinerary in problem.eligible(producer):
            beds = producer.beds(itinerary.land)
            interval = itinerary.rotation_interval_years
            if opts.rotation and interval is not None and interval > 1:
                beds = min(beds, family_beds(producer, itinerary.land, interval, rotation))
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
                    reach = {cycle_week(h + d) for h in harvest for d in range(storage + 1)}
                    needed = sum(demand.high(w) for w in reach) / q
                else:
                    needed = max(demand.high(w) for w in harvest) / q
                upper = min(beds, math.ceil(needed - 1e-9))
                if upper > 0:
                    out.append(Start(producer, itinerary, week, q, upper))
    return out


@dataclass
class CropModel:
    """A built model and the handles needed to read its solution."""

    model: pulp.LpProblem
    starts: list[Start]
    x: list[pulp.LpVariable]
    short: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    buffer: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    waste: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    stock: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    objective: Terms = field(default_factory=list)
    shortage: Terms = field(default_factory=list)
    income_lack: Terms = field(default_factory=list)

    def beds(self) -> list[int]:
        """Beds of each start in the solution, rounded to whole beds."""
        return [round(v.value() or 0.0) for v in self.x]


def build_model(
    problem: CropPlanProblem,
    starts: list[Start],
    caps: Mapping[tuple[str, int], int] | None = None,
    rotation: FamilyBeds | None = None,
    *,
    demand_rows: bool = True,
) -> CropModel:
    """Build the MIP over ``starts``.

    ``caps`` bounds the beds per (itinerary, start week); ``rotation`` overrides the family
    limits of :func:`family_beds`; without ``demand_rows`` the model has land, rotation,
    labour, cap and income rows only (no harvest balance, no shortage).
    """
    model = pulp.LpProblem("crop_plan", pulp.LpMinimize)
    x = [
        model.add_variable(f"x{n}", lowBound=0, upBound=s.upper, cat=pulp.LpInteger)
        for n, s in enumerate(starts)
    ]
    built = CropModel(model, starts, x)
    harvest_rows = _supply_rows(problem, model, starts, x, caps, rotation)
    if demand_rows:
        _balance_rows(problem, built, harvest_rows)
    _income_rows(problem, built)
    model.setObjective(pulp.LpAffineExpression(built.objective))
    return built


def _supply_rows(
    problem: CropPlanProblem,
    model: pulp.LpProblem,
    starts: list[Start],
    x: list[pulp.LpVariable],
    caps: Mapping[tuple[str, int], int] | None,
    rotation: FamilyBeds | None,
) -> dict[tuple[str, int], Terms]:
    """Land, rotation, labour and cap rows; returns the harvest terms per (product, week).

    Each start appears in the land (and family) row of every week its beds are occupied.  (A
    week-to-week difference form, with ~3 rows per start, was measured slower for HiGHS
    branch-and-bound: weaker propagation.)
    """
    opts = problem.options
    by_id = {p.id: p for p in problem.producers}
    land_rows: dict[tuple[str, str, int], Terms] = defaultdict(list)
    family_rows: dict[tuple[str, str, str, int], Terms] = defaultdict(list)
    harvest_rows: dict[tuple[str, int], Terms] = defaultdict(list)
    cap_rows: dict[tuple[str, int], Terms] = defaultdict(list)
    interval_of: dict[str, float] = {}
    labour: dict[tuple[str, int], Terms] = defaultdict(list)
    for var, s in zip(x, starts, strict=True):
        it, p = s.itinerary, s.producer
        assert it.product_id is not None
        interval = it.rotation_interval_years
        ruled = opts.rotation and interval is not None and interval > 1
        if ruled:
            assert interval is not None
            interval_of[it.family] = interval
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
        if caps is not None:
            cap_rows[s.key].append((var, 1.0))
    for (pid, land_type, w), terms in sorted(land_rows.items()):
        model += (
            pulp.LpAffineExpression(terms) <= by_id[pid].beds(land_type),
            f"land_{pid}_{land_type}_{w}",
        )
    for (pid, land_type, fam, w), terms in sorted(family_rows.items()):
        model += (
            pulp.LpAffineExpression(terms)
            <= family_beds(by_id[pid], land_type, interval_of[fam], rotation),
            f"rot_{pid}_{land_type}_{fam}_{w}",
        )
    for (pid, w), terms in sorted(labour.items()):
        limit = by_id[pid].labour_h_week
        assert limit is not None
        model += (pulp.LpAffineExpression(terms) <= limit, f"lab_{pid}_{w}")
    for n, (key, terms) in enumerate(sorted(cap_rows.items())):
        assert caps is not None
        model += (pulp.LpAffineExpression(terms) <= caps[key], f"cap{n}")
    return harvest_rows


def _balance_rows(
    problem: CropPlanProblem, built: CropModel, harvest_rows: dict[tuple[str, int], Terms]
) -> None:
    """Harvest = supplied demand + buffer + waste + stock change, per product and week."""
    opts = problem.options
    model = built.model
    products = sorted({s.itinerary.product_id for s in built.starts if s.itinerary.product_id})
    grown = set(products)
    for k, demand in problem.demand_by_product.items():
        for w in range(1, WEEKS + 1):
            # a product nobody can start is short of its whole demand
            low = 0.0 if k in grown else demand.central(w)
            short = model.add_variable(f"s_{k}_{w}", low, demand.central(w))
            built.short[(k, w)] = short
            built.shortage.append((short, 1.0))
            built.objective.append((short, opts.shortage_weight))
    for k in products:
        demand = problem.demand_by_product[k]
        storage = problem.catalogue.products[k].storage_weeks
        harvest = {w: model.add_variable(f"h_{k}_{w}", 0) for w in range(1, WEEKS + 1)}
        for w, h_var in harvest.items():
            model += (
                pulp.LpAffineExpression(harvest_rows.get((k, w), [])) - h_var == 0,
                f"harv_{k}_{w}",
            )
        for w in range(1, WEEKS + 1):
            built.buffer[(k, w)] = model.add_variable(
                f"b_{k}_{w}", 0, max(0.0, demand.high(w) - demand.central(w))
            )
            built.waste[(k, w)] = model.add_variable(f"w_{k}_{w}", 0)
            built.objective.append((built.buffer[(k, w)], opts.buffer_weight))
            built.objective.append((built.waste[(k, w)], opts.waste_weight))
            if storage > 0:
                built.stock[(k, w)] = model.add_variable(f"i_{k}_{w}", 0)
        for w in range(1, WEEKS + 1):
            supplied = (
                demand.central(w) - built.short[(k, w)] + built.buffer[(k, w)] + built.waste[(k, w)]
            )
            if storage > 0:
                prev = built.stock[(k, cycle_week(w - 1))]
                model += (harvest[w] + prev == supplied + built.stock[(k, w)], f"bal_{k}_{w}")
                recent = pulp.lpSum(harvest[cycle_week(w - d)] for d in range(storage))
                model += (built.stock[(k, w)] <= recent, f"keep_{k}_{w}")
            else:
                model += (harvest[w] == supplied, f"bal_{k}_{w}")


def _income_rows(problem: CropPlanProblem, built: CropModel) -> None:
    """Each producer's income, its minimum and its fair share of the total."""
    opts = problem.options
    model = built.model
    income: dict[str, Terms] = defaultdict(list)
    for var, s in zip(built.x, built.starts, strict=True):
        it, p = s.itinerary, s.producer
        assert it.product_id is not None
        income[p.id].append((var, s.q * it.harvest_weeks * p.prices_eur_kg[it.product_id]))
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
                built.income_lack.append((lack, opts.income_weight))
                model += (mine + lack >= p.min_income_eur, f"minc_{p.id}")
        if opts.fair_share > 0 and len(problem.producers) > 1:
            lack_fair = model.add_variable(f"lf_{p.id}", 0)
            built.income_lack.append((lack_fair, opts.income_weight))
            share = opts.fair_share * p.area_m2 / total_area
            model += (mine + lack_fair - share * total_income >= 0, f"fair_{p.id}")
    built.objective.extend(built.income_lack)
