"""The week's pooled plan: delivery days, stock allocation, then one routing problem per day.

Pipeline (``foodhub plan``)::

    orders of the week --pool per venue--> loads
      -> delivery days per venue, balanced over the fleet   (logistics.plan.delivery_days)
      -> order lines split over a venue's deliveries (perishables evenly, the rest first)
      -> allocation of stock lots and producer offers        (logistics.allocation.allocate)
      -> per day: routing problem -> engines -> checker      (logistics.plan.day_problem, routing)
         (again with chilled and frozen goods as separate stops when cold goods are left
         unserved; the day keeps whichever serves more units, then costs less)
      -> plan tables + unserved lines with reasons

Every routed day is verified by :func:`logistics.routing.verify`; the caller also
runs the independent file-level checker (:mod:`logistics.check.plan`) on what is written.
"""

from __future__ import annotations

import logging
import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from geo.matrix import OffNetworkWarning, TravelMatrices
from geo.travel import TravelTimes
from logistics.allocation.allocate import AllocatedLine, Allocation, Demand, allocate
from logistics.plan.day_choice import (
    DAY_METHODS,
    DayChoice,
    choose_days,
    no_day_reason,
    supply_timing_reason,
    week_days,
)
from logistics.plan.day_problem import (
    DayProblem,
    DayRows,
    DayWork,
    SiteLine,
    StopLine,
    build_day_problem,
    plan_rows,
)
from logistics.plan.unserved_reasons import explain_unserved
from logistics.routing import RoutingProblem, RoutingResult, solve
from logistics.tables.files import DeliveryLine, PickupLine, PlanTables, RouteStop, UnservedLine
from territory.errors import InputError, Problem
from territory.model import IsoWeek, Territory, Vehicle

__all__ = [
    "DayOutcome",
    "MissedPickup",
    "PlanOptions",
    "SiteMatrices",
    "WeekDemands",
    "WeekPlan",
    "plan_week",
    "site_matrices",
    "week_days",
    "week_demands",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class PlanOptions:
    """How to plan.

    Parameters
    ----------
    engine
        ``auto`` (PyVRP and OR-Tools in parallel, best verified plan), ``pyvrp`` or ``ortools``.
    time_limit_s
        Solver time per day, seconds.
    seed
        Random seed of the engines.
    max_iterations
        Iteration limit per day (with a seed: a reproducible run), or ``None``.
    min_remaining_days
        Shelf life a delivered product must still have, days.
    long_days
        Let drivers work up to ``max_shift_h`` with a break, instead of keeping their
        days within ``break_after_h`` (no break needed).
    days
        How delivery days are chosen: ``joint`` (with the routes and the supply timing)
        or ``balance`` (the first version's load balancing), see
        :mod:`logistics.plan.day_choice`.
    """

    engine: str = "auto"
    time_limit_s: float = 5.0
    seed: int = 0
    max_iterations: int | None = None
    min_remaining_days: int = 1
    long_days: bool = False
    days: str = "joint"

    def __post_init__(self) -> None:
        if self.days not in DAY_METHODS:
            raise ValueError(f"days must be one of {', '.join(DAY_METHODS)}, got {self.days!r}")


@dataclass(frozen=True)
class DayOutcome:
    """How one day's routing went."""

    day: date
    stops: int
    engine: str
    feasible: bool
    runtime_s: float
    violations: tuple[str, ...] = ()


@dataclass(frozen=True)
class WeekPlan:
    """A week's plan: the tables, the allocation and how each day was solved."""

    week: IsoWeek
    tables: PlanTables
    allocation: Allocation
    days: tuple[DayOutcome, ...]
    approximated_sites: tuple[str, ...] = field(default=())
    missed_pickups: tuple[MissedPickup, ...] = field(default=())


@dataclass(frozen=True)
class MissedPickup:
    """Offered produce that no round could collect; what it was meant for goes unserved."""

    producer_id: str
    product_id: str
    day: date
    quantity: int
    reason: str


@dataclass(frozen=True)
class SiteMatrices:
    """Travel matrices over every site of a territory (see :func:`site_matrices`).

    Attributes
    ----------
    matrices
        Per profile (``drive``, ``bike``), durations (s) and distances (m) between sites.
    site_index
        Row of each site id (the hub included) in every matrix.
    approximated
        Ids of the sites off the road network, whose travel times are approximated.
    """

    matrices: Mapping[str, TravelMatrices]
    site_index: Mapping[str, int]
    approximated: tuple[str, ...]


class WeekDemands(NamedTuple):
    """Order lines on delivery days (see :func:`week_demands`)."""

    demands: list[Demand]
    """Dated demand lines, whole units, by venue then product."""
    unserved: list[UnservedLine]
    """Order lines no delivery day can take, with reasons."""
    choice: DayChoice
    """The delivery days chosen and the supply per day behind them."""


@dataclass
class _WeekRows:
    """The week's plan rows so far (mutable working record)."""

    routes: list[RouteStop] = field(default_factory=list)
    deliveries: list[DeliveryLine] = field(default_factory=list)
    pickups: list[PickupLine] = field(default_factory=list)

    def add(self, rows: DayRows) -> None:
        """Append a day's rows."""
        self.routes += rows.routes
        self.deliveries += rows.deliveries
        self.pickups += rows.pickups


class _Outcomes:
    """What a week's days could not do: unserved order lines and missed farm pickups."""

    def __init__(self) -> None:
        self.unserved: list[UnservedLine] = []
        self.missed: list[MissedPickup] = []
        self._missed_left: dict[tuple[str, str, date], int] = defaultdict(int)
        self._missed_reason: dict[tuple[str, str, date], str] = {}

    def fail(
        self,
        day: date,
        site_id: str,
        site_kind: str,
        lines: Sequence[StopLine],
        reason: str,
    ) -> None:
        """Record lines of a stop that cannot be served (a venue) or collected (a farm).

        An unserved substitute counts against the ordered product it replaces.
        """
        for line in lines:
            if site_kind == "venue":
                self.unserved.append(
                    UnservedLine(
                        site_id, line.substitute_for or line.product_id, line.quantity, reason
                    )
                )
            else:
                logger.warning("pickup at %s on %s not routed: %s", site_id, day, reason)
                key = (site_id, line.product_id, day)
                self.missed.append(MissedPickup(*key, line.quantity, reason))
                self._missed_left[key] += line.quantity
                self._missed_reason[key] = reason

    def deliverable(self, line: AllocatedLine) -> int:
        """Units of an allocated line still deliverable once missed pickups are taken out."""
        quantity = line.allocated
        for source in line.sources:
            if source.kind != "offer" or source.pickup_day is None:
                continue
            key = (source.ref, line.product_id, source.pickup_day)
            cut = min(source.quantity, self._missed_left.get(key, 0), quantity)
            if cut > 0:
                self._missed_left[key] -= cut
                quantity -= cut
                self.unserved.append(
                    UnservedLine(
                        line.venue_id,
                        line.substitute_for or line.product_id,
                        cut,
                        f"the produce was to be collected at {source.ref} on"
                        f" {source.pickup_day.strftime('%A')}, and no round could collect it"
                        f" ({self._missed_reason[key]})",
                    )
                )
        return quantity


def site_matrices(
    territory: Territory, travel: Mapping[str, TravelTimes], profiles: Sequence[str]
) -> SiteMatrices:
    """Travel matrices over every site of the territory, per profile.

    Rows follow :attr:`Territory.site_index` (hub, venues, producers).  Sites whose
    travel times are approximated because they lie off the road network are logged
    and listed, not raised.
    """
    sites = territory.sites
    ids = list(sites)
    points = [(site.lon, site.lat) for site in sites.values()]
    matrices: dict[str, TravelMatrices] = {}
    approximated: set[str] = set()
    for profile in profiles:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", OffNetworkWarning)
            matrices[profile] = travel[profile].matrices(points, labels=ids)
        for warning in caught:
            logger.warning("%s network: %s", profile, warning.message)
        approximated |= {ids[i] for i in matrices[profile].approximated}
    return SiteMatrices(matrices, territory.site_index, tuple(sorted(approximated)))


def week_demands(
    territory: Territory,
    week: IsoWeek,
    vehicles: Sequence[Vehicle],
    *,
    options: PlanOptions | None = None,
    sites: SiteMatrices | None = None,
) -> WeekDemands:
    """Choose delivery days (``options.days``) and put each venue's order lines on them.

    Returns the dated demand lines, the order lines no day can take (with reasons) and
    the day choice.  ``sites`` (the road matrices) is required by the joint method.
    """
    options = options or PlanOptions()
    drive = None if sites is None else sites.matrices["drive"]
    choice = choose_days(
        territory,
        week,
        vehicles,
        method=options.days,
        drive=None if drive is None else (drive.duration_s, drive.distance_m),
        site_index=None if sites is None else sites.site_index,
        time_limit_s=options.time_limit_s,
        seed=options.seed,
        max_iterations=options.max_iterations,
        min_remaining_days=options.min_remaining_days,
    )
    unserved: list[UnservedLine] = []
    for venue_id, venue_days in sorted(choice.days.items()):
        if venue_days:
            continue
        reason = no_day_reason(territory, venue_id, week, vehicles)
        lines: dict[str, int] = defaultdict(int)
        for line in territory.orders_for(week):
            if line.venue_id == venue_id:
                lines[line.product_id] += line.quantity
        unserved += [UnservedLine(venue_id, p, q, reason) for p, q in sorted(lines.items())]
    return WeekDemands(list(choice.demands), unserved, choice)


def plan_week(
    territory: Territory,
    travel: Mapping[str, TravelTimes],
    *,
    week: IsoWeek | None = None,
    options: PlanOptions | None = None,
    vehicles: Sequence[Vehicle] | None = None,
    venue_ids: set[str] | None = None,
    progress: Progress | None = None,
) -> WeekPlan:
    """Plan the week's pooled rounds.

    Parameters
    ----------
    territory
        The territory.
    travel
        Travel times per profile (``drive``, and ``bike`` when the fleet has bikes).
    week
        The ISO week; default the one in ``hub.toml``.
    options
        Engine, time limit, seed, iteration limit.
    vehicles, venue_ids
        Restrict the fleet and the venues served (the stand-alone comparison uses them);
        default the whole territory.
    progress
        Called with a short message after each step (the CLI advances a bar).

    Returns
    -------
    WeekPlan
        Unserved order quantities carry a reason; nothing is silently dropped.

    Raises
    ------
    InputError
        When no week is given and ``hub.toml`` names none.
    """
    options = options or PlanOptions()
    week = _week_to_plan(territory, week)
    fleet = list(territory.vehicles if vehicles is None else vehicles)
    if venue_ids is not None:
        territory = _only_venues(territory, venue_ids)
    report = progress or (lambda _message: None)
    sites = site_matrices(territory, travel, sorted({"drive"} | {v.profile for v in fleet}))
    demands, unserved, choice = week_demands(territory, week, fleet, options=options, sites=sites)
    report(f"chose delivery days ({options.days})")
    allocation = allocate(territory, demands, min_remaining_days=options.min_remaining_days)
    report(f"allocated stock and offers ({allocation.status.name.lower()})")
    outcomes = _Outcomes()
    outcomes.unserved += unserved
    outcomes.unserved += _shortfalls(territory, allocation, choice)
    lines_by_day = _lines_by_day(allocation)
    pickups_by_day = _pickups_by_day(allocation)
    rows = _WeekRows()
    days: list[DayOutcome] = []
    for day in sorted(week_days(week).values()):
        work = DayWork(
            day,
            _deliverable(lines_by_day.get(day, []), outcomes),
            tuple(pickups_by_day.get(day, [])),
        )
        if not work.deliveries and not work.pickups:
            continue
        outcome = _plan_day(territory, work, fleet, sites, options, outcomes, rows, report)
        if outcome is not None:
            days.append(outcome)
    tables = PlanTables(
        tuple(rows.routes),
        tuple(rows.deliveries),
        tuple(rows.pickups),
        tuple(_merge_unserved(outcomes.unserved)),
    )
    return WeekPlan(
        week, tables, allocation, tuple(days), sites.approximated, tuple(outcomes.missed)
    )


def _week_to_plan(territory: Territory, week: IsoWeek | None) -> IsoWeek:
    """The week asked for, else the territory's.

    Raises
    ------
    InputError
        When no week is given and ``hub.toml`` names none.
    """
    week = week or territory.week
    if week is None:
        raise InputError(
            [
                Problem(
                    "hub.toml",
                    'no week to plan: set week = "2026-W49" or pass --week',
                    column="week",
                )
            ]
        )
    return week


def _shortfalls(
    territory: Territory, allocation: Allocation, choice: DayChoice
) -> list[UnservedLine]:
    """The units the allocation could not serve, with its reasons.

    Where the week has supply of the product but none can leave the hub on the venue's
    delivery days, the reason says so in the week's terms (when the goods arrive, when
    the venue is delivered).
    """
    out = []
    for line in allocation.lines:
        if line.shortfall <= 0:
            continue
        timing = supply_timing_reason(
            territory,
            line.venue_id,
            line.product_id,
            choice.days.get(line.venue_id, ()),
            choice.supply,
        )
        if timing is not None:
            replaced = [p for p in line.reason.split("; ") if " replaced by " in p]
            timing = "; ".join([timing, *replaced])
        out.append(
            UnservedLine(line.venue_id, line.product_id, line.shortfall, timing or line.reason)
        )
    return out


def _lines_by_day(allocation: Allocation) -> dict[date, list[AllocatedLine]]:
    """Allocated lines with units to deliver, per delivery day (allocation order)."""
    by_day: dict[date, list[AllocatedLine]] = defaultdict(list)
    for line in allocation.lines:
        if line.allocated > 0:
            by_day[line.day].append(line)
    return by_day


def _pickups_by_day(allocation: Allocation) -> dict[date, list[SiteLine]]:
    """The offers to collect, as pickup lines per collection day."""
    by_day: dict[date, list[SiteLine]] = defaultdict(list)
    for pickup in allocation.pickups:
        by_day[pickup.pickup_day].append(
            SiteLine(pickup.producer_id, pickup.product_id, pickup.quantity)
        )
    return by_day


def _deliverable(lines: Sequence[AllocatedLine], outcomes: _Outcomes) -> tuple[SiteLine, ...]:
    """A day's delivery lines, less what missed pickups of earlier days took away."""
    deliveries = []
    for line in lines:
        quantity = outcomes.deliverable(line)
        if quantity > 0:
            deliveries.append(
                SiteLine(line.venue_id, line.product_id, quantity, line.substitute_for or "")
            )
    return tuple(deliveries)


def _plan_day(
    territory: Territory,
    work: DayWork,
    fleet: Sequence[Vehicle],
    sites: SiteMatrices,
    options: PlanOptions,
    outcomes: _Outcomes,
    rows: _WeekRows,
    report: Progress,
) -> DayOutcome | None:
    """Route one day: its rows go to ``rows``, what fails to ``outcomes``.

    Returns how the day was solved, or ``None`` when there was nothing to route.
    """
    day = work.day
    solved = _solved_day(territory, work, fleet, sites, options)
    day_problem, result = solved.day_problem, solved.result
    for rejected in day_problem.rejected:
        outcomes.fail(day, rejected.site_id, rejected.site_kind, rejected.lines, rejected.reason)
    if day_problem.problem is None or result is None:
        return None
    _collect(territory, day_problem, result, rows, outcomes)
    report(f"planned {day.isoformat()}: {len(result.routes)} rounds, engine {result.engine}")
    return DayOutcome(
        day,
        len(day_problem.problem.stops),
        result.engine,
        result.feasible,
        solved.runtime_s,
        tuple(str(v) for v in result.violations),
    )


@dataclass(frozen=True)
class _SolvedDay:
    """A day's routing problem and the result kept for it.

    Attributes
    ----------
    day_problem
        The problem (``problem=None`` when there was nothing to route).
    result
        Its routing result, or ``None`` without a problem.
    runtime_s
        Engine wall time spent on the day, seconds (both tries when there were two).
    """

    day_problem: DayProblem
    result: RoutingResult | None
    runtime_s: float = 0.0


def _solve(problem: RoutingProblem, options: PlanOptions) -> RoutingResult:
    return solve(
        problem,
        engine=options.engine,
        time_limit_s=options.time_limit_s,
        seed=options.seed,
        max_iterations=options.max_iterations,
    )


def _solved_day(
    territory: Territory,
    work: DayWork,
    fleet: Sequence[Vehicle],
    sites: SiteMatrices,
    options: PlanOptions,
) -> _SolvedDay:
    """Build and solve a day; when cold goods are left unserved, try them split.

    The first try keeps a site's chilled and frozen goods in one stop where a vehicle
    allowed there has both compartments.  When that leaves a stop with chilled or
    frozen goods unserved, the day is solved again with them as separate stops
    wherever a vehicle with only one of the compartments may serve the site
    (``split_cold``), and the result that serves more units, then costs less, is kept.
    """

    def build(*, split_cold: bool) -> DayProblem:
        return build_day_problem(
            territory,
            work,
            fleet,
            sites.matrices,
            sites.site_index,
            long_days=options.long_days,
            split_cold=split_cold,
        )

    first = build(split_cold=False)
    if first.problem is None:
        return _SolvedDay(first, None)
    result = _solve(first.problem, options)
    if not _cold_stop_left_unserved(territory, first, result):
        return _SolvedDay(first, result, result.runtime_s)
    second = build(split_cold=True)
    if second.problem is None or second.contents == first.contents:
        return _SolvedDay(first, result, result.runtime_s)
    other = _solve(second.problem, options)
    runtime_s = result.runtime_s + other.runtime_s
    if _score(second, other) > _score(first, result):
        logger.info("%s: chilled and frozen goods split into separate stops", work.day)
        return _SolvedDay(second, other, runtime_s)
    return _SolvedDay(first, result, runtime_s)


def _cold_stop_left_unserved(
    territory: Territory, day_problem: DayProblem, result: RoutingResult
) -> bool:
    """Whether a stop holding chilled or frozen goods is left unserved."""
    left = range(len(day_problem.contents)) if not result.feasible else result.unserved
    products = territory.products_by_id
    return any(
        products[line.product_id].temperature != "ambient"
        for i in left
        for line in day_problem.contents[i].lines
    )


def _score(day_problem: DayProblem, result: RoutingResult) -> tuple[bool, int, int]:
    """How good a day's result is: verified first, then units served, then low cost."""
    if not result.feasible:
        return (False, 0, 0)
    unserved = set(result.unserved)
    served = sum(c.units for i, c in enumerate(day_problem.contents) if i not in unserved)
    return (True, served, -sum(route.cost for route in result.routes))


def _collect(
    territory: Territory,
    day_problem: DayProblem,
    result: RoutingResult,
    rows: _WeekRows,
    outcomes: _Outcomes,
) -> None:
    """Add a day's solved rounds to the week's rows (only a verified result is used)."""
    day = day_problem.day
    if not result.feasible:
        logger.error(
            "%s: no plan passed the checker (%s); the day's stops are reported unserved",
            day,
            "; ".join(str(v) for v in result.violations[:3]),
        )
        for content in day_problem.contents:
            outcomes.fail(
                day,
                content.site_id,
                content.site_kind,
                content.lines,
                "no valid round could be built that day",
            )
        return
    rows.add(plan_rows(territory, day_problem, result))
    for stop_index in result.unserved:
        content = day_problem.contents[stop_index]
        outcomes.fail(
            day,
            content.site_id,
            content.site_kind,
            content.lines,
            explain_unserved(day_problem, result, stop_index),
        )


def _merge_unserved(lines: Sequence[UnservedLine]) -> list[UnservedLine]:
    """One line per venue, product and reason."""
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for line in lines:
        totals[(line.venue_id, line.product_id, line.reason)] += line.quantity
    return [UnservedLine(v, p, q, r) for (v, p, r), q in sorted(totals.items())]


def _only_venues(territory: Territory, venue_ids: set[str]) -> Territory:
    """The territory with only these venues' orders (for stand-alone planning)."""
    return replace(territory, orders=tuple(o for o in territory.orders if o.venue_id in venue_ids))
