"""Day-aware allocation of scarce stock and producer offers to order lines.

The plan command calls :func:`allocate` after the week planner has put every
order line on a delivery day and before routing.  It decides, in whole units,
how much of each line is served, from which stock lot or producer offer, and
which offers the hub must collect.

Supply and when it may serve a delivery on day ``d`` (``m`` is
``min_remaining_days``):

* a **stock lot** is at the hub from the start of the week and serves ``d`` only
  if ``expiry >= d + m`` (a lot never leaves with less than ``m`` days left);
* a **producer offer** on weekday ``w`` is collected on that date ``p`` of the
  planned week, goes to the hub and leaves from the next day on: it serves ``d``
  only if ``p < d <= p + shelf_life_days - m``.

Fairness (phase 1, each product on its own — products are independent, so the
LP is separable; all products are still solved in one block-diagonal model):

1. maximise ``t`` such that, for every line ``i`` that *some* eligible supply
   could serve, ``allocated_i / ordered_i >= 1 - (1 - t) / w_i``, where ``w_i``
   is the venue's priority (default 1, so plainly ``allocated_i / ordered_i >= t``;
   a venue of priority 2 gets half the shortfall rate).  Lines no supply could
   ever reach (wrong day, expired) do not drag ``t`` down: they get 0 and a reason.
2. With every line at least at ``floor(ordered_i * (1 - (1 - t) / w_i))`` units,
   maximise the total units allocated.
3. With that total fixed, minimise a small per-unit cost: stock before offers
   (stock is already at the hub, an offer costs a collection), among lots the
   first-expiring first (cost grows with the expiry rank), among offers the
   cheapest to collect per unit first: a producer-day's *collection cost* is the
   round trip hub -> producer -> hub (straight line, km) divided by the units the
   producer offers that day, so nearer producers and bigger producer-days (fewer
   visits for the same units) come first (a proxy: an LP cannot count visits,
   the routing then combines visits into rounds); as a last tie-break, days
   serving more households.
4. Within a delivery day, lines of one product are interchangeable for supply:
   the day's units are spread by water-filling on the weighted shortfall rate
   (leximin within the day), then rounded by largest remainder (ties: more
   households first, then venue id), never below a line's floor nor above its
   order.  Lots are handed out to lines first-expiring first.

Stages 2 and 3 are network-flow LPs (totally unimodular), so their optimal
vertices are whole units: no rounding can break conservation.  Stage 1 is the
only fractional one; its floors are rounded down, so the smallest fill rate is
the LP optimum ``t`` within one unit per line.

Substitutes (phase 2): after phase 1, the *spare* supply (what no order of its
own product used) of a product may serve the remaining shortfall of a line of
another product of the same category and temperature class, when the venue
accepts substitutes, with the same day rules and the same three stages (the
max-min is now on ``(allocated + substituted) / ordered`` per category).  Units
replace units one for one: a crate of one product replaces a crate of another
whatever their ``unit``/``unit_kg`` — coordinators should keep the products of
one category in comparable units.

Limitations: the max-min is a single level then total quantity, not a full
leximin across delivery days (within a day it is leximin); producer visits are
reduced by a heuristic cost, not minimised exactly; offers are dated in the ISO
week of the earliest demand day.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum
from typing import Literal, NamedTuple

import numpy as np

from geo.distance import great_circle_m
from logistics.allocation.lp import LpOutcome, TransportProblem, solve_flows, solve_levels
from territory import values as checks
from territory.errors import InputError, Problem
from territory.model import WEEKDAYS, IsoWeek, Product, Territory

__all__ = [
    "AllocatedLine",
    "Allocation",
    "AllocationStatus",
    "Demand",
    "Pickup",
    "Source",
    "allocate",
    "supply_by_day",
]

logger = logging.getLogger(__name__)

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_UNCOUNTABLE_UNITS = frozenset({"kg", "g", "l", "L", "ml", "cl"})
_FLOOR_EPS = 1e-6


@dataclass(frozen=True)
class Demand:
    """One order line placed on one delivery day.

    Parameters
    ----------
    venue_id, product_id
        Who receives what.
    day
        Delivery date.
    quantity
        Units ordered (whole number >= 0).

    Raises
    ------
    InputError
        When a field is empty or the quantity is not a whole number >= 0.
    """

    venue_id: str
    product_id: str
    day: date
    quantity: int

    def __post_init__(self) -> None:
        checks.raise_problems(
            "Demand",
            [
                ("venue_id", checks.non_empty_text(self.venue_id)),
                ("product_id", checks.non_empty_text(self.product_id)),
                ("day", None if isinstance(self.day, date) else "must be a date"),
                ("quantity", checks.whole_at_least(0)(self.quantity)),
            ],
        )


@dataclass(frozen=True)
class Source:
    """Where allocated units come from.

    Parameters
    ----------
    kind
        ``stock`` (a lot at the hub) or ``offer`` (a producer's offer).
    ref
        The lot id, or the producer id.
    pickup_day
        Offers only: the date the hub collects it; ``None`` for stock.
    quantity
        Units taken from it (whole number > 0).
    """

    kind: Literal["stock", "offer"]
    ref: str
    pickup_day: date | None
    quantity: int


@dataclass(frozen=True)
class AllocatedLine:
    """What one demand line (or one substitute for it) receives.

    Parameters
    ----------
    venue_id, product_id, day
        The venue, the product delivered, the delivery date.
    ordered
        Units ordered; ``0`` on a substitute line.
    allocated
        Units of ``product_id`` delivered.
    substitute_for
        On a substitute line, the product it replaces; else ``None``.
    sources
        Where the allocated units come from (sums to ``allocated``).
    shortfall
        Units still missing after substitutes (``0`` on substitute lines).
    reason
        ``""`` when the ordered product is fully served (always on substitute
        lines); otherwise a sentence a coordinator understands, which also says
        how many units substitutes replaced.
    """

    venue_id: str
    product_id: str
    day: date
    ordered: int
    allocated: int
    substitute_for: str | None
    sources: tuple[Source, ...]
    shortfall: int
    reason: str

    @property
    def fill_rate(self) -> float:
        """``(ordered - shortfall) / ordered`` (substitutes count), 1 if nothing ordered."""
        return 1.0 if self.ordered == 0 else (self.ordered - self.shortfall) / self.ordered


@dataclass(frozen=True)
class Pickup:
    """Units of an offer the hub must collect.

    Parameters
    ----------
    producer_id, product_id
        Whose offer of what.
    pickup_day
        Date of the collection.
    quantity
        Units to collect (sum over every line it serves, > 0).
    """

    producer_id: str
    product_id: str
    pickup_day: date
    quantity: int


class AllocationStatus(Enum):
    """Normalised outcome of :func:`allocate`."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"  # a time limit was hit; the allocation is valid, maybe not optimal
    INFEASIBLE = "infeasible"
    EMPTY = "empty"  # no demand, or no supply could serve any demand
    ERROR = "error"  # the solver failed; nothing allocated


@dataclass(frozen=True)
class Allocation:
    """Result of :func:`allocate`.

    Parameters
    ----------
    lines
        One line per demand, in demand order, followed by the substitute lines.
    pickups
        Offers to collect, summed per producer, product and day, sorted.
    status
        Normalised status.
    min_fill_rate
        Smallest ``fill_rate`` over demand lines with ``ordered > 0`` (1 if none).
    objective
        Total units allocated (own product plus substitutes).
    message
        One sentence summing up.
    """

    lines: tuple[AllocatedLine, ...]
    pickups: tuple[Pickup, ...]
    status: AllocationStatus
    min_fill_rate: float
    objective: float
    message: str

    @property
    def shortfall(self) -> int:
        """Units ordered but not served, substitutes counted as served."""
        return sum(line.shortfall for line in self.lines)


@dataclass
class _Supply:
    """One source of one product (mutable working record)."""

    product: Product
    kind: Literal["stock", "offer"]
    ref: str
    pickup_day: date | None
    expiry: date | None
    capacity: int
    cost: float = 0.0
    used: int = 0

    def serves(self, day: date, min_remaining_days: int) -> bool:
        if self.kind == "stock":
            assert self.expiry is not None
            return self.expiry >= day + timedelta(days=min_remaining_days)
        assert self.pickup_day is not None
        keep = self.product.shelf_life_days - min_remaining_days
        return self.pickup_day < day <= self.pickup_day + timedelta(days=keep)


class _Part(NamedTuple):
    """Units of one supply given to one line (unpacks as ``supply, units``)."""

    supply: _Supply
    units: int
    """Whole units taken from ``supply``."""


@dataclass
class _Line:
    """One demand line being allocated (mutable working record)."""

    index: int
    demand: Demand
    weight: float
    households: int
    allocated: int = 0
    sources: list[_Part] = field(default_factory=list)
    substitutes: dict[str, list[_Part]] = field(default_factory=dict)

    @property
    def substituted(self) -> int:
        return sum(n for parts in self.substitutes.values() for _, n in parts)


@dataclass
class _Class:
    """Lines of one block that the same sources may serve."""

    block: int
    lines: list[_Line]
    supplies: list[_Supply]


def _day_name(day: date) -> str:
    return f"{_DAY_NAMES[day.weekday()]} {day.isoformat()}"


def _units(quantity: int, product: Product) -> str:
    unit = product.unit
    if quantity != 1 and unit not in _UNCOUNTABLE_UNITS and not unit.endswith("s"):
        unit += "s"
    return f"{quantity} {unit}"


def _check_arguments(
    territory: Territory,
    demands: Sequence[Demand],
    min_remaining_days: int,
    priorities: Mapping[str, float] | None,
    time_limit_s: float,
) -> None:
    problems: list[Problem] = []
    for i, demand in enumerate(demands):
        if demand.venue_id not in territory.venues_by_id:
            problems.append(Problem("demands", f"unknown venue {demand.venue_id}", row=i))
        if demand.product_id not in territory.products_by_id:
            problems.append(Problem("demands", f"unknown product {demand.product_id}", row=i))
    if checks.whole_at_least(0)(min_remaining_days) is not None:
        problems.append(
            Problem(
                "allocate",
                f"{min_remaining_days} is not a whole number >= 0",
                column="min_remaining_days",
            )
        )
    if not (isinstance(time_limit_s, int | float) and time_limit_s > 0):
        problems.append(Problem("allocate", f"{time_limit_s} is not > 0", column="time_limit_s"))
    for venue_id, weight in (priorities or {}).items():
        if venue_id not in territory.venues_by_id:
            problems.append(Problem("priorities", f"unknown venue {venue_id}"))
        elif not (isinstance(weight, int | float) and math.isfinite(weight) and weight > 0):
            problems.append(Problem("priorities", f"{venue_id}: {weight} is not a weight > 0"))
    if problems:
        raise InputError(problems)


def _supplies(territory: Territory, week: IsoWeek) -> dict[str, list[_Supply]]:
    """Usable supply (quantity > 0) per product, with its stage-3 cost."""
    products = territory.products_by_id
    by_product: dict[str, list[_Supply]] = defaultdict(list)
    for lot in territory.stock:
        if lot.quantity > 0:
            by_product[lot.product_id].append(
                _Supply(products[lot.product_id], "stock", lot.lot, None, lot.expiry, lot.quantity)
            )
    merged: dict[tuple[str, str, date], int] = defaultdict(int)
    for offer in territory.offers:
        if offer.quantity > 0:
            merged[(offer.producer_id, offer.product_id, week.date_of(offer.day))] += offer.quantity
    # collection cost per unit: a visit's round trip from the hub (straight line) over
    # the units the producer offers that day -- nearer and bigger producer-days first
    visit_size: dict[tuple[str, date], int] = defaultdict(int)
    for (producer_id, _, day), quantity in merged.items():
        visit_size[(producer_id, day)] += quantity
    hub, producers = territory.hub, territory.producers_by_id
    visit_km = {
        (producer_id, day): 2e-3
        * float(
            great_circle_m(hub.lon, hub.lat, producers[producer_id].lon, producers[producer_id].lat)
        )
        / size
        for (producer_id, day), size in visit_size.items()
    }
    visit_rank = {
        key: rank
        for rank, key in enumerate(
            sorted(visit_size, key=lambda k: (round(visit_km[k], 6), -visit_size[k], k[1], k[0]))
        )
    }
    for (producer_id, product_id, day), quantity in sorted(merged.items()):
        supply = _Supply(products[product_id], "offer", producer_id, day, None, quantity)
        supply.cost = 2.0 + visit_rank[(producer_id, day)] / max(len(visit_rank), 1)
        by_product[product_id].append(supply)
    for supplies in by_product.values():
        lots = sorted((s for s in supplies if s.kind == "stock"), key=lambda s: (s.expiry, s.ref))
        for rank, supply in enumerate(lots):
            supply.cost = rank / len(lots)
        supplies.sort(key=lambda s: (s.cost, s.ref))
    return by_product


def _water_fill(ordered: np.ndarray, weight: np.ndarray, low: np.ndarray, extra: int) -> np.ndarray:
    """Fractional totals ``clip(ordered * (1 - v / weight), low, ordered)`` summing to
    ``low.sum() + extra``: the weighted shortfall level ``v`` is as low as possible."""
    room = ordered - low
    if extra >= room.sum() - 1e-9:
        return ordered.astype(np.float64)
    if extra <= 0:
        return low.astype(np.float64)

    def given(level: np.ndarray) -> np.ndarray:
        levels = np.atleast_1d(level)[:, None]
        total = np.clip(ordered * (1 - levels / weight), low, ordered)
        return (total - low).sum(axis=1)

    breaks = np.unique(np.concatenate([[0.0], weight * (1 - low / np.maximum(ordered, 1))]))
    amounts = given(breaks)  # decreasing in the level
    k = int(np.searchsorted(-amounts, -extra, side="left"))  # first break giving <= extra
    hi, lo_level = breaks[k], breaks[max(k - 1, 0)]
    a_hi, a_lo = amounts[k], amounts[max(k - 1, 0)]
    level = hi if a_lo == a_hi else lo_level + (a_lo - extra) * (hi - lo_level) / (a_lo - a_hi)
    return np.clip(ordered * (1 - level / weight), low, ordered)


def _distribute(lines: list[_Line], base: list[int], floors: list[int], total: int) -> list[int]:
    """Split ``total`` new units among lines of one class (see module docstring, step 4)."""
    ordered = np.array([line.demand.quantity for line in lines], dtype=np.float64)
    weight = np.array([line.weight for line in lines])
    low = np.array(base, dtype=np.float64) + np.array(floors, dtype=np.float64)
    extra = total - sum(floors)
    target = _water_fill(ordered, weight, low, extra)
    whole = np.maximum(np.floor(target + 1e-9), low).astype(np.int64)
    left = int(low.sum() + extra - whole.sum())
    order = sorted(
        range(len(lines)),
        key=lambda i: (-(target[i] - whole[i]), -lines[i].households, lines[i].demand.venue_id, i),
    )
    for i in order:
        if left <= 0:
            break
        if whole[i] < ordered[i]:
            whole[i] += 1
            left -= 1
    return [int(w) - b for w, b in zip(whole, base, strict=True)]


def _hand_out(amounts: list[int], flows: list[_Part]) -> list[list[_Part]]:
    """Give each line its amount from the class flows, cheapest (first-expiring) first."""
    queue = sorted((f for f in flows if f.units), key=lambda f: (f.supply.cost, f.supply.ref))
    head = 0
    left = queue[0].units if queue else 0
    out: list[list[_Part]] = []
    for amount in amounts:
        parts: list[_Part] = []
        while amount > 0:
            take = min(amount, left)
            parts.append(_Part(queue[head].supply, take))
            amount -= take
            left -= take
            if left == 0 and head + 1 < len(queue):
                head += 1
                left = queue[head].units
        out.append(parts)
    return out


@dataclass(frozen=True)
class _Transport:
    """The LP of a phase and the supplies its sources stand for (by source index)."""

    problem: TransportProblem
    supplies: list[_Supply]


@dataclass(frozen=True)
class _Flows:
    """Stage 2 of a phase: the whole-unit flow per edge and the floors it respects."""

    outcome: LpOutcome
    flows: np.ndarray
    floors: list[list[int]]
    """Per class, per line: the units the line gets at least (above its base)."""


@dataclass(frozen=True)
class _Phase:
    """What the three LP stages of a phase give.

    Attributes
    ----------
    outcome
        The normalised LP outcome (``ERROR``/``INFEASIBLE``: nothing allocated).
    parts
        Per class, per line: the units taken from each supply.
    levels
        Per block: the max-min level ``t`` of stage 1.
    """

    outcome: LpOutcome
    parts: list[list[list[_Part]]]
    levels: dict[int, float]


def _distinct_supplies(classes: Sequence[_Class]) -> list[_Supply]:
    """Every supply of the classes once, in first-seen order (the LP sources)."""
    seen: set[int] = set()
    supplies: list[_Supply] = []
    for cls in classes:
        for supply in cls.supplies:
            if id(supply) not in seen:
                seen.add(id(supply))
                supplies.append(supply)
    return supplies


def _transport(classes: list[_Class], n_blocks: int, base: Mapping[int, int]) -> _Transport:
    """The transport LP of the classes; ``base`` holds units lines already have.

    Lines with nothing yet are pooled per class and priority weight (one LP item);
    lines with a base are items of their own.
    """
    supplies = _distinct_supplies(classes)
    supply_index = {id(supply): i for i, supply in enumerate(supplies)}
    source_block = np.zeros(len(supplies), dtype=np.int64)
    for cls in classes:
        for supply in cls.supplies:
            source_block[supply_index[id(supply)]] = cls.block
    max_households = max((ln.households for c in classes for ln in c.lines), default=0) or 1
    edge_source, edge_class, edge_cost = [], [], []
    item_class: list[int] = []
    item_q: list[float] = []
    item_w: list[float] = []
    item_base: list[float] = []
    class_upper = []
    for k, cls in enumerate(classes):
        households = sum(line.households for line in cls.lines) / max_households
        for supply in cls.supplies:
            edge_source.append(supply_index[id(supply)])
            edge_class.append(k)
            edge_cost.append(supply.cost - 0.01 * min(households, 1.0))
        upper = 0
        pooled: dict[float, float] = defaultdict(float)
        for line in cls.lines:
            done = base.get(line.index, 0)
            upper += line.demand.quantity - done
            if done == 0:
                pooled[line.weight] += line.demand.quantity
            else:
                item_class.append(k)
                item_q.append(line.demand.quantity)
                item_w.append(line.weight)
                item_base.append(done)
        for weight, quantity in pooled.items():
            item_class.append(k)
            item_q.append(quantity)
            item_w.append(weight)
            item_base.append(0)
        class_upper.append(upper)
    problem = TransportProblem(
        n_blocks=n_blocks,
        source_block=source_block,
        source_capacity=np.array([s.capacity - s.used for s in supplies], dtype=np.int64),
        class_block=np.array([c.block for c in classes], dtype=np.int64),
        class_upper=np.array(class_upper, dtype=np.int64),
        edge_source=np.array(edge_source, dtype=np.int64),
        edge_class=np.array(edge_class, dtype=np.int64),
        edge_cost=np.array(edge_cost, dtype=np.float64),
        item_class=np.array(item_class, dtype=np.int64),
        item_quantity=np.array(item_q, dtype=np.float64),
        item_weight=np.array(item_w, dtype=np.float64),
        item_base=np.array(item_base, dtype=np.float64),
    )
    return _Transport(problem, supplies)


def _floors(
    classes: Sequence[_Class], levels: np.ndarray, base: Mapping[int, int]
) -> list[list[int]]:
    """Per class, per line: ``floor(ordered * (1 - level / weight))`` less its base, >= 0."""
    floors: list[list[int]] = []
    for cls in classes:
        level = levels[cls.block]
        floors.append(
            [
                max(
                    0,
                    math.floor(line.demand.quantity * (1 - level / line.weight) + _FLOOR_EPS)
                    - base.get(line.index, 0),
                )
                for line in cls.lines
            ]
        )
    return floors


def _time_left(deadline: float) -> float:
    """Seconds until ``deadline`` (a :func:`time.perf_counter` time), at least 1 ms."""
    return max(deadline - time.perf_counter(), 1e-3)


def _solve_floored_flows(
    problem: TransportProblem, floors: list[list[int]], deadline: float
) -> _Flows:
    """Stage 2 with the floors; one unit less per line if a floor rounded past the optimum."""
    lower = np.array([sum(f) for f in floors], dtype=np.int64)
    outcome, flows = solve_flows(problem, lower, time_limit_s=_time_left(deadline))
    if outcome == LpOutcome.INFEASIBLE:  # a floor rounded up past the LP optimum: one unit less
        floors = [[max(f - 1, 0) for f in fs] for fs in floors]
        lower = np.array([sum(f) for f in floors], dtype=np.int64)
        outcome, flows = solve_flows(problem, lower, time_limit_s=_time_left(deadline))
    return _Flows(outcome, flows, floors)


def _class_parts(
    classes: Sequence[_Class], transport: _Transport, stage2: _Flows, base: Mapping[int, int]
) -> list[list[list[_Part]]]:
    """Per class, per line, the parts: flows spread over lines (step 4), supplies marked used."""
    problem = transport.problem
    per_class: list[list[_Part]] = [[] for _ in classes]
    for e in np.flatnonzero(stage2.flows):
        supply = transport.supplies[int(problem.edge_source[e])]
        per_class[int(problem.edge_class[e])].append(_Part(supply, int(stage2.flows[e])))
        supply.used += int(stage2.flows[e])
    result = []
    for k, cls in enumerate(classes):
        total = sum(n for _, n in per_class[k])
        amounts = _distribute(
            cls.lines, [base.get(line.index, 0) for line in cls.lines], stage2.floors[k], total
        )
        result.append(_hand_out(amounts, per_class[k]))
    return result


def _solve_phase(
    classes: list[_Class],
    n_blocks: int,
    base: Mapping[int, int],
    deadline: float,
) -> _Phase:
    """Run the three LP stages on classes; returns per class, per line, the parts."""
    transport = _transport(classes, n_blocks, base)
    outcome1, levels = solve_levels(transport.problem, time_limit_s=_time_left(deadline))
    if outcome1 in (LpOutcome.ERROR, LpOutcome.INFEASIBLE):
        return _Phase(outcome1, [], {})
    stage2 = _solve_floored_flows(transport.problem, _floors(classes, levels, base), deadline)
    if stage2.outcome in (LpOutcome.ERROR, LpOutcome.INFEASIBLE):
        return _Phase(stage2.outcome, [], {})
    parts = _class_parts(classes, transport, stage2, base)
    timed_out = LpOutcome.TIME_LIMIT in (outcome1, stage2.outcome)
    outcome = LpOutcome.TIME_LIMIT if timed_out else stage2.outcome
    return _Phase(outcome, parts, {b: float(levels[b]) for b in range(n_blocks)})


def _stock_and_offers(supplies: Sequence[_Supply]) -> str:
    stock = sum(s.capacity for s in supplies if s.kind == "stock")
    offers = sum(s.capacity for s in supplies if s.kind == "offer")
    return f"stock {stock}, offers {offers}"


def _no_supply_reason(
    product: Product, day: date, supplies: Sequence[_Supply], min_remaining_days: int
) -> str:
    """Why no supply of the product can reach a delivery on ``day``."""
    name = f'"{product.name}"'
    if not supplies:
        return f"no {name} in stock or offered by producers this week"
    parts = []
    lots = [s for s in supplies if s.kind == "stock"]
    if lots:
        latest = max(s.expiry for s in lots if s.expiry is not None)
        remain = (
            f" (at least {min_remaining_days} day{'s' * (min_remaining_days != 1)} "
            "of shelf life must remain)"
            if min_remaining_days
            else ""
        )
        parts.append(
            f"{name} in stock expires {latest.isoformat()}, too early for delivery on "
            f"{_day_name(day)}{remain}"
        )
    offers = [s for s in supplies if s.kind == "offer" and s.pickup_day is not None]
    if offers:
        days = sorted({s.pickup_day for s in offers if s.pickup_day is not None})
        before = [p for p in days if p < day]
        if not before:
            listed = " and ".join(_DAY_NAMES[p.weekday()] for p in days)
            parts.append(
                f"{name} is offered by producers on {listed} only, delivery is on "
                f"{_DAY_NAMES[day.weekday()]}"
            )
        else:
            keep = product.shelf_life_days - min_remaining_days
            parts.append(
                f"{name} collected on {_DAY_NAMES[before[-1].weekday()]} can leave the hub for "
                f"{max(keep, 0)} day{'s' * (keep != 1)} only, too short for delivery on "
                f"{_day_name(day)}"
            )
    return "; ".join(parts)


def _reason(
    line: _Line,
    product: Product,
    supplies: Sequence[_Supply],
    ordered_total: int,
    min_remaining_days: int,
    names: Mapping[str, str],
) -> str:
    demand = line.demand
    if line.allocated >= demand.quantity:
        return ""
    usable = [s for s in supplies if s.serves(demand.day, min_remaining_days)]
    name = f'"{product.name}"'
    if not usable:
        reason = _no_supply_reason(product, demand.day, supplies, min_remaining_days)
    else:
        available = sum(s.capacity for s in usable)
        total = sum(s.capacity for s in supplies)
        if available == total and available < ordered_total:
            reason = (
                f"not enough {name} this week: ordered {_units(ordered_total, product)} in total, "
                f"{available} available ({_stock_and_offers(usable)})"
            )
        elif available < ordered_total:
            reason = (
                f"not enough {name} for delivery on {_day_name(demand.day)}: ordered "
                f"{_units(ordered_total, product)} in total this week, {available} of the "
                f"{total} available can reach that day ({_stock_and_offers(usable)})"
            )
        else:
            reason = (
                f"not enough {name} for delivery on {_day_name(demand.day)}: the "
                f"{_units(available, product)} that can reach that day also serve "
                "deliveries on other days"
            )
    for substitute_id, parts in line.substitutes.items():
        n = sum(q for _, q in parts)
        reason += f'; {_units(n, product)} replaced by "{names[substitute_id]}"'
    return reason


def _sources(parts: Sequence[_Part]) -> tuple[Source, ...]:
    merged: dict[tuple[str, str, date | None], int] = defaultdict(int)
    for supply, n in parts:
        merged[(supply.kind, supply.ref, supply.pickup_day)] += n
    return tuple(Source(kind, ref, day, n) for (kind, ref, day), n in merged.items() if n > 0)  # type: ignore[arg-type]


def supply_by_day(
    territory: Territory, week: IsoWeek, *, min_remaining_days: int = 1
) -> dict[str, dict[date, int]]:
    """Units of each product that can leave the hub on each day of ``week``.

    The allocation's own rule (module docstring): a stock lot still good on ``d`` with
    ``min_remaining_days`` to spare, or produce offered for collection on a day before
    ``d`` and still fresh.  Units are not shared out between days: a lot good all week
    counts on every day.  Products without supply are absent; days without any are 0.
    """
    days = [week.date_of(name) for name in WEEKDAYS]
    return {
        product_id: {
            day: sum(s.capacity for s in supplies if s.serves(day, min_remaining_days))
            for day in days
        }
        for product_id, supplies in sorted(_supplies(territory, week).items())
    }


def allocate(
    territory: Territory,
    demands: Sequence[Demand],
    *,
    min_remaining_days: int = 1,
    priorities: Mapping[str, float] | None = None,
    time_limit_s: float = 10.0,
) -> Allocation:
    """Allocate stock lots and producer offers to demand lines, fairly, in whole units.

    See the module docstring for the day rules, the exact fairness objective and
    the substitution rules.

    Parameters
    ----------
    territory
        Products, venues (households, ``accepts_substitutes``), stock, offers.
    demands
        Order lines already placed on delivery days.  Offers are dated in the ISO
        week of the earliest demand day.
    min_remaining_days
        Days of shelf life a unit must still have on its delivery day (whole >= 0).
    priorities
        Venue id -> weight > 0 (default 1): a venue of weight ``w`` gets ``1 / w``
        times the common shortfall rate.
    time_limit_s
        Time limit for all LP solves together, seconds (> 0).

    Returns
    -------
    Allocation
        Never raises for shortage: unserved units are lines with reasons.
        ``EMPTY`` when there is no demand or no supply can serve any demand.

    Raises
    ------
    InputError
        When a demand names an unknown venue or product, or an argument is invalid.
    """
    started = time.perf_counter()
    deadline = started + float(time_limit_s) if isinstance(time_limit_s, int | float) else 0.0
    _check_arguments(territory, demands, min_remaining_days, priorities, time_limit_s)
    lines = _working_lines(territory, demands, priorities or {})
    products = territory.products_by_id
    names = {p.id: p.name for p in territory.products}
    if not any(d.quantity > 0 for d in demands):
        context = _Context(products, {}, {}, min_remaining_days, names)
        return _result(lines, context, AllocationStatus.EMPTY, "no demand to allocate")
    week = IsoWeek(*min(d.day for d in demands).isocalendar()[:2])
    supplies = _supplies(territory, week)
    context = _Context(products, supplies, _ordered_total(demands), min_remaining_days, names)

    # phase 1: each product on its own orders
    product_ids = sorted({d.product_id for d in demands if d.quantity > 0})
    classes = _own_classes(lines, supplies, product_ids, min_remaining_days)
    if not classes:
        return _result(
            lines,
            context,
            AllocationStatus.EMPTY,
            "nothing to allocate: no supply can reach any delivery day",
        )
    phase = _solve_phase(classes, len(product_ids), {}, deadline)
    if phase.outcome in (LpOutcome.ERROR, LpOutcome.INFEASIBLE):
        return _failed(lines, context, phase.outcome)
    _take(classes, phase.parts)
    logger.debug("allocation phase 1: %d classes, levels %s", len(classes), phase.levels)

    # phase 2: spare supply of the same category and temperature replaces shortfalls
    outcome2 = _substitute(lines, territory, supplies, min_remaining_days, deadline)
    timed_out = LpOutcome.TIME_LIMIT in (phase.outcome, outcome2)
    status = AllocationStatus.FEASIBLE if timed_out else AllocationStatus.OPTIMAL
    message = "time limit hit; allocation valid but maybe not optimal" if timed_out else "optimal"
    if outcome2 in (LpOutcome.ERROR, LpOutcome.INFEASIBLE):
        message = f"substitution LP failed ({outcome2.value}); no substitutes proposed"
    logger.info(
        "allocation of %d demand lines in %.3f s", len(lines), time.perf_counter() - started
    )
    return _result(lines, context, status, message)


def _failed(lines: list[_Line], context: _Context, outcome: LpOutcome) -> Allocation:
    """The allocation when the phase 1 LP failed: nothing allocated, every line short."""
    status = (
        AllocationStatus.INFEASIBLE if outcome == LpOutcome.INFEASIBLE else AllocationStatus.ERROR
    )
    message = f"the allocation LP failed ({outcome.value}); nothing allocated"
    return _result(lines, context, status, message)


def _take(classes: Sequence[_Class], parts: Sequence[Sequence[list[_Part]]]) -> None:
    """Give phase 1 lines their parts (per class, per line) and the units they make."""
    for cls, per_line in zip(classes, parts, strict=True):
        for line, got in zip(cls.lines, per_line, strict=True):
            line.sources = got
            line.allocated = sum(n for _, n in got)


@dataclass(frozen=True)
class _Context:
    """What writing the result lines needs besides the lines.

    Attributes
    ----------
    products
        Products by id.
    supplies
        Usable supply per product id (empty when there was no demand).
    ordered_total
        Units of each product ordered over the week.
    min_remaining_days
        Shelf life a delivered unit must still have, days.
    names
        Product names by id (for the reasons).
    """

    products: Mapping[str, Product]
    supplies: Mapping[str, list[_Supply]]
    ordered_total: Mapping[str, int]
    min_remaining_days: int
    names: Mapping[str, str]


def _working_lines(
    territory: Territory, demands: Sequence[Demand], priorities: Mapping[str, float]
) -> list[_Line]:
    """One working line per demand, with its venue's priority weight and households."""
    venues = territory.venues_by_id
    return [
        _Line(i, d, float(priorities.get(d.venue_id, 1.0)), venues[d.venue_id].households)
        for i, d in enumerate(demands)
    ]


def _ordered_total(demands: Sequence[Demand]) -> dict[str, int]:
    """Units ordered over the week, per product."""
    total: dict[str, int] = defaultdict(int)
    for d in demands:
        total[d.product_id] += d.quantity
    return total


def _own_classes(
    lines: Sequence[_Line],
    supplies: Mapping[str, list[_Supply]],
    product_ids: Sequence[str],
    min_remaining_days: int,
) -> list[_Class]:
    """Phase 1 classes: lines of one product and day with the supply that may serve them.

    Each product is its own block (numbered in ``product_ids`` order); a product and day
    that no supply can reach has no class (its lines get nothing, and a reason).
    """
    block_of = {p: b for b, p in enumerate(product_ids)}
    groups: dict[tuple[str, date], list[_Line]] = defaultdict(list)
    for line in lines:
        if line.demand.quantity > 0:
            groups[(line.demand.product_id, line.demand.day)].append(line)
    classes = []
    for (product_id, day), members in sorted(groups.items()):
        usable = [s for s in supplies.get(product_id, []) if s.serves(day, min_remaining_days)]
        if usable:
            classes.append(_Class(block_of[product_id], members, usable))
    return classes


def _substitute(
    lines: list[_Line],
    territory: Territory,
    supplies: Mapping[str, list[_Supply]],
    min_remaining_days: int,
    deadline: float,
) -> LpOutcome:
    """Phase 2: serve remaining shortfalls from spare supply of similar products."""
    venues = territory.venues_by_id
    spare: dict[tuple[str, str], list[_Supply]] = defaultdict(list)
    for product_id, items in supplies.items():
        product = territory.products_by_id[product_id]
        for supply in items:
            if supply.capacity > supply.used:
                spare[(product.category, product.temperature)].append(supply)
    groups: dict[tuple[str, str, str, date], list[_Line]] = defaultdict(list)
    for line in lines:
        d = line.demand
        if line.allocated < d.quantity and venues[d.venue_id].accepts_substitutes:
            product = territory.products_by_id[d.product_id]
            groups[(product.category, product.temperature, d.product_id, d.day)].append(line)
    block_of: dict[tuple[str, str], int] = {}
    classes = []
    for (category, temperature, product_id, day), members in sorted(groups.items()):
        usable = [
            s
            for s in spare.get((category, temperature), [])
            if s.product.id != product_id and s.serves(day, min_remaining_days)
        ]
        if usable:
            block = block_of.setdefault((category, temperature), len(block_of))
            classes.append(_Class(block, members, usable))
    if not classes:
        return LpOutcome.OPTIMAL
    base = {line.index: line.allocated for cls in classes for line in cls.lines}
    phase = _solve_phase(classes, len(block_of), base, deadline)
    for cls, per_line in zip(classes, phase.parts, strict=True):
        for line, got in zip(cls.lines, per_line, strict=True):
            for supply, n in got:
                line.substitutes.setdefault(supply.product.id, []).append(_Part(supply, n))
    return phase.outcome


def _own_line(line: _Line, context: _Context) -> AllocatedLine:
    """The result line of a demand: its own product, shortfall after substitutes, reason."""
    d = line.demand
    return AllocatedLine(
        venue_id=d.venue_id,
        product_id=d.product_id,
        day=d.day,
        ordered=d.quantity,
        allocated=line.allocated,
        substitute_for=None,
        sources=_sources(line.sources),
        shortfall=d.quantity - line.allocated - line.substituted,
        reason=_reason(
            line,
            context.products[d.product_id],
            context.supplies.get(d.product_id, []),
            context.ordered_total.get(d.product_id, d.quantity),
            context.min_remaining_days,
            context.names,
        ),
    )


def _substitute_lines(line: _Line) -> list[AllocatedLine]:
    """The result lines of a demand's substitutes, by substitute product id."""
    d = line.demand
    return [
        AllocatedLine(
            venue_id=d.venue_id,
            product_id=substitute_id,
            day=d.day,
            ordered=0,
            allocated=sum(n for _, n in parts),
            substitute_for=d.product_id,
            sources=_sources(parts),
            shortfall=0,
            reason="",
        )
        for substitute_id, parts in sorted(line.substitutes.items())
    ]


def _pickups(lines: Sequence[_Line]) -> tuple[Pickup, ...]:
    """Offers to collect, summed per producer, product and day, sorted."""
    pickups: dict[tuple[str, str, date], int] = defaultdict(int)
    for line in lines:
        taken = [(line.demand.product_id, part) for part in line.sources]
        taken += [(sid, part) for sid, parts in line.substitutes.items() for part in parts]
        for product_id, (supply, n) in taken:
            if supply.kind == "offer" and supply.pickup_day is not None:
                pickups[(supply.ref, product_id, supply.pickup_day)] += n
    return tuple(
        Pickup(producer, product, day, n)
        for (producer, product, day), n in sorted(pickups.items())
        if n > 0
    )


def _result(
    lines: list[_Line], context: _Context, status: AllocationStatus, message: str
) -> Allocation:
    """The allocation: demand lines in demand order, then the substitute lines."""
    out = [_own_line(line, context) for line in lines]
    extra = [sub for line in lines for sub in _substitute_lines(line)]
    every = tuple(out + extra)
    rates = [line.fill_rate for line in out if line.ordered > 0]
    served = sum(line.allocated for line in every)
    unserved = sum(line.shortfall for line in out)
    summary = f"{message}: {served} units allocated, {unserved} short"
    return Allocation(
        lines=every,
        pickups=_pickups(lines),
        status=status,
        min_fill_rate=min(rates, default=1.0),
        objective=float(served),
        message=summary,
    )
