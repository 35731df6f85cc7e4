"""Each venue's delivery days for the week, and which order lines go on which delivery.

Two methods (``foodhub plan --days``):

``balance`` (the baseline, the first version's rule)
    :func:`logistics.plan.delivery_days.assign_delivery_days` balances each day's share of
    the fleet's capacity; perishables are split evenly over a venue's deliveries, the rest
    goes on the first.  Geography, opening hours and supply timing are ignored.

``joint`` (the default)
    1. **Usable days.**  A venue's ``delivery_days`` on which the hub and the venue are
       open and a vehicle allowed there (access, zone) works.
    2. **Patterns.**  Every set of ``k = min(deliveries_per_week, usable days)`` usable
       days.  A venue ordering perishables (shelf life <= ``PERISHABLE_DAYS``) with
       ``k >= 2`` keeps only patterns whose deliveries are at least two days apart, when
       there is one (the spacing rule).
    3. **Service first.**  Each pattern is scored by the units the venue could receive:
       per product, the part of its line put on each delivery day (step 5) capped by the
       units that can leave the hub that day (:func:`logistics.allocation.supply_by_day`:
       a stock lot still good, or produce collected on an earlier day).  Only the patterns
       of highest score stay; venues are not competing for supply here (the allocation
       shares scarce supply out afterwards).
    4. **Then cost**, as a periodic VRP (:mod:`logistics.plan.periodic`, the joint
       method's construction and large-neighbourhood search, :func:`choose_patterns`)
       over an abstraction of the week: one client per venue with its remaining
       patterns, demand per visit its week's load over ``k`` (four dimensions), service
       its fixed time plus handling; per day as many routes as vehicles work, each with
       the largest working vehicle's capacity times its trips, the longest shift as
       route duration and the fleet's mean fixed cost per route; arc costs in cents from
       the road network (the drive vehicles' mean EUR/km and EUR/h).  Geography thus
       groups neighbouring venues on the same days, and days needing fewer rounds win.
       Time windows, compartments, bikes and farm pickups are left to the day routing,
       which then solves every day with the real constraints (PyVRP, verified).
    5. **Lines to deliveries.**  A product goes on the pattern's days when its goods
       can leave the hub (all of them when none can, so the allocation explains why):
       perishables split evenly over those days, the rest on the one with most supply
       (the earliest on ties).

The search gets ``time_limit_s`` seconds (one day's routing budget) or, with
``max_iterations``, that many LNS iterations and no clock: then the choice is
reproducible for a seed.

References: Cordeau, Gendreau & Laporte (1997) and Vidal et al. (2012) for the periodic
VRP; see :mod:`logistics.plan.periodic`.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from logistics.allocation.allocate import Demand, supply_by_day
from logistics.load import Load, load_of
from logistics.plan.day_problem import may_serve
from logistics.plan.delivery_days import VenueNeed, assign_delivery_days
from logistics.plan.periodic import DayFleet, PeriodicClient, PeriodicProblem, choose_patterns
from territory.model import WEEKDAYS, IsoWeek, Territory, Vehicle, Venue, weekday_of

__all__ = [
    "DAY_METHODS",
    "PERISHABLE_DAYS",
    "DayChoice",
    "choose_days",
    "no_day_reason",
    "supply_timing_reason",
    "usable_days",
    "week_days",
]

DAY_METHODS = ("joint", "balance")
"""``--days`` methods, the default first."""

PERISHABLE_DAYS = 7
"""Products keeping at most this many days are split evenly over a venue's deliveries."""

_CENTS = 100
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DayChoice:
    """The week's delivery days and dated demand lines.

    Attributes
    ----------
    method
        ``joint`` or ``balance``.
    days
        Chosen delivery days per venue with orders (empty: no usable day).
    demands
        Dated demand lines, whole units, by venue then product.
    supply
        Units of each product that can leave the hub each day (see
        :func:`logistics.allocation.supply_by_day`).
    """

    method: str
    days: Mapping[str, tuple[date, ...]]
    demands: tuple[Demand, ...]
    supply: Mapping[str, Mapping[date, int]]


def week_days(week: IsoWeek) -> dict[str, date]:
    """``mon`` .. ``sun`` -> date of that ISO week."""
    return {
        name: date.fromisocalendar(week.year, week.week, i + 1) for i, name in enumerate(WEEKDAYS)
    }


def _split_quantity(quantity: int, parts: int) -> list[int]:
    base, extra = divmod(quantity, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _fleet_capacity(vehicles: Sequence[Vehicle], day: date) -> Load:
    total = Load()
    for v in vehicles:
        if weekday_of(day) in v.days:
            total = total + Load(
                *(
                    round(x * 1000 * v.max_trips)
                    for x in (v.capacity_kg, v.capacity_l, v.chilled_l, v.frozen_l)
                )
            )
    return total


def _venue_load(territory: Territory, lines: Mapping[str, int]) -> Load:
    load = Load()
    for product_id, quantity in lines.items():
        p = territory.products_by_id[product_id]
        load = load + load_of(p.unit_kg, p.unit_l, p.temperature, quantity)
    return load


def choose_days(
    territory: Territory,
    week: IsoWeek,
    vehicles: Sequence[Vehicle],
    *,
    method: str = "joint",
    drive: tuple[np.ndarray, np.ndarray] | None = None,
    site_index: Mapping[str, int] | None = None,
    time_limit_s: float = 5.0,
    seed: int = 0,
    max_iterations: int | None = None,
    min_remaining_days: int = 1,
) -> DayChoice:
    """Choose every ordering venue's delivery days and date its order lines.

    Parameters
    ----------
    method
        ``joint`` or ``balance`` (see the module docstring).
    drive, site_index
        ``(duration_s, distance_m)`` road matrices over every site and the row of each
        site id; required by ``joint``.
    time_limit_s, seed, max_iterations
        The joint search's budget and seed (``max_iterations``: reproducible).
    min_remaining_days
        Shelf life a delivered product must keep (as in the allocation).

    Raises
    ------
    ValueError
        For an unknown method, or ``joint`` without matrices.
    """
    if method not in DAY_METHODS:
        raise ValueError(f"days method must be one of {', '.join(DAY_METHODS)}, got {method!r}")
    dates = week_days(week)
    ordered: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in territory.orders_for(week):
        ordered[line.venue_id][line.product_id] += line.quantity
    supply = supply_by_day(territory, week, min_remaining_days=min_remaining_days)
    if method == "balance":
        chosen = _balance_days(territory, ordered, dates, vehicles)
        demands = [
            d
            for venue_id, lines in sorted(ordered.items())
            for d in _balance_lines(territory, venue_id, lines, chosen[venue_id])
        ]
        return DayChoice(method, chosen, tuple(demands), supply)
    if drive is None or site_index is None:
        raise ValueError("the joint day choice needs the drive matrices and the site index")
    candidates = {
        venue_id: _best_service_patterns(
            territory,
            venue_id,
            lines,
            _patterns(territory, venue_id, lines, dates, vehicles),
            supply,
        )
        for venue_id, lines in sorted(ordered.items())
    }
    chosen = _joint_days(
        territory, ordered, candidates, dates, vehicles, drive, site_index,
        time_limit_s=time_limit_s, seed=seed, max_iterations=max_iterations,
    )  # fmt: skip
    demands = [
        d
        for venue_id, lines in sorted(ordered.items())
        for d in _reach_lines(territory, venue_id, lines, chosen[venue_id], supply)
    ]
    return DayChoice(method, chosen, tuple(demands), supply)


# --------------------------------------------------------------------------- balance


def _balance_days(
    territory: Territory,
    ordered: Mapping[str, Mapping[str, int]],
    dates: Mapping[str, date],
    vehicles: Sequence[Vehicle],
) -> dict[str, tuple[date, ...]]:
    hub_open = set(territory.hub.opening) or set(WEEKDAYS)
    capacity = {
        dates[name]: _fleet_capacity(vehicles, dates[name])
        for name in WEEKDAYS
        if name in hub_open and any(name in v.days for v in vehicles)
    }
    needs = []
    for venue_id, lines in sorted(ordered.items()):
        venue = territory.venues_by_id[venue_id]
        allowed = tuple(dates[d] for d in venue.delivery_days)
        needs.append(
            VenueNeed(venue_id, allowed, venue.deliveries_per_week, _venue_load(territory, lines))
        )
    return assign_delivery_days(needs, capacity)


def _balance_lines(
    territory: Territory, venue_id: str, lines: Mapping[str, int], days: Sequence[date]
) -> list[Demand]:
    """Perishables split evenly over the days, the rest on the first."""
    out: list[Demand] = []
    if not days:
        return out
    for product_id, quantity in sorted(lines.items()):
        product = territory.products_by_id[product_id]
        if len(days) > 1 and product.shelf_life_days <= PERISHABLE_DAYS:
            parts = _split_quantity(quantity, len(days))
        else:
            parts = [quantity] + [0] * (len(days) - 1)
        out += [
            Demand(venue_id, product_id, d, q) for d, q in zip(days, parts, strict=True) if q > 0
        ]
    return out


# --------------------------------------------------------------------------- joint


def usable_days(
    territory: Territory, venue: Venue, dates: Mapping[str, date], vehicles: Sequence[Vehicle]
) -> list[date]:
    """The venue's delivery days on which the hub and the venue are open and an allowed
    vehicle works, in date order."""
    hub_open = set(territory.hub.opening) or set(WEEKDAYS)
    opening = territory.sites[venue.id].opening
    allowed = [v for v in vehicles if may_serve(territory, v, venue.id, "venue")]
    return sorted(
        dates[name]
        for name in venue.delivery_days
        if name in hub_open and opening.get(name) and any(name in v.days for v in allowed)
    )


def _patterns(
    territory: Territory,
    venue_id: str,
    lines: Mapping[str, int],
    dates: Mapping[str, date],
    vehicles: Sequence[Vehicle],
) -> list[tuple[date, ...]]:
    """Allowed day patterns of a venue, spacing rule applied (empty: no usable day)."""
    venue = territory.venues_by_id[venue_id]
    usable = usable_days(territory, venue, dates, vehicles)
    k = min(venue.deliveries_per_week, len(usable))
    if k == 0:
        return []
    patterns = list(itertools.combinations(usable, k))
    perishable = any(territory.products_by_id[p].shelf_life_days <= PERISHABLE_DAYS for p in lines)
    if perishable and k >= 2:
        spaced = [p for p in patterns if all((b - a).days >= 2 for a, b in itertools.pairwise(p))]
        patterns = spaced or patterns
    return patterns


def _reach_lines(
    territory: Territory,
    venue_id: str,
    lines: Mapping[str, int],
    days: Sequence[date],
    supply: Mapping[str, Mapping[date, int]],
) -> list[Demand]:
    """A venue's lines on the days of ``days`` when their goods can leave the hub."""
    out: list[Demand] = []
    if not days:
        return out
    for product_id, quantity in sorted(lines.items()):
        available = supply.get(product_id, {})
        reach = [d for d in days if available.get(d, 0) > 0] or list(days)
        product = territory.products_by_id[product_id]
        if len(reach) > 1 and product.shelf_life_days <= PERISHABLE_DAYS:
            parts = _split_quantity(quantity, len(reach))
        else:
            best = max(reach, key=lambda d: (available.get(d, 0), -d.toordinal()))
            reach, parts = [best], [quantity]
        out += [
            Demand(venue_id, product_id, d, q) for d, q in zip(reach, parts, strict=True) if q > 0
        ]
    return out


def _servable(
    territory: Territory,
    venue_id: str,
    lines: Mapping[str, int],
    pattern: Sequence[date],
    supply: Mapping[str, Mapping[date, int]],
) -> int:
    """Units of the venue's lines that supply could reach on ``pattern`` (venue alone)."""
    demands = _reach_lines(territory, venue_id, lines, pattern, supply)
    return sum(min(d.quantity, supply.get(d.product_id, {}).get(d.day, 0)) for d in demands)


def _best_service_patterns(
    territory: Territory,
    venue_id: str,
    lines: Mapping[str, int],
    patterns: Sequence[tuple[date, ...]],
    supply: Mapping[str, Mapping[date, int]],
) -> list[tuple[date, ...]]:
    """The patterns on which the venue could receive the most units."""
    if not patterns:
        return []
    scores = [_servable(territory, venue_id, lines, p, supply) for p in patterns]
    top = max(scores)
    return [p for p, s in zip(patterns, scores, strict=True) if s == top]


def _day_fleet(vehicles: Sequence[Vehicle], day: date) -> DayFleet:
    working = [v for v in vehicles if weekday_of(day) in v.days]
    if not working:
        return DayFleet(0, (0, 0, 0, 0))
    capacity = tuple(
        max(round(getattr(v, attr) * 1000 * v.max_trips) for v in working)
        for attr in ("capacity_kg", "capacity_l", "chilled_l", "frozen_l")
    )
    longest = max(v.shift.end_min - v.shift.start_min for v in working) * 60
    fixed = sum(v.fixed_cost_eur for v in working) / len(working)
    return DayFleet(len(working), capacity, longest, round(fixed * _CENTS))


def _joint_days(
    territory: Territory,
    ordered: Mapping[str, Mapping[str, int]],
    candidates: Mapping[str, list[tuple[date, ...]]],
    dates: Mapping[str, date],
    vehicles: Sequence[Vehicle],
    drive: tuple[np.ndarray, np.ndarray],
    site_index: Mapping[str, int],
    *,
    time_limit_s: float,
    seed: int,
    max_iterations: int | None,
) -> dict[str, tuple[date, ...]]:
    """Step 4: the periodic VRP over the venues' best-service patterns."""
    chosen: dict[str, tuple[date, ...]] = dict.fromkeys(ordered, ())
    venues = [v for v in sorted(ordered) if candidates[v]]
    for venue_id in venues:
        if len(candidates[venue_id]) == 1:
            chosen[venue_id] = candidates[venue_id][0]
    if not venues:
        return chosen
    days = sorted(dates.values())
    day_of = {d: i for i, d in enumerate(days)}
    rows = [site_index[territory.hub.id], *(site_index[v] for v in venues)]
    take = np.ix_(rows, rows)
    duration_s, distance_m = drive[0][take], drive[1][take]
    drivers = [v for v in vehicles if v.profile == "drive"] or list(vehicles)
    per_km = sum(v.cost_per_km_eur for v in drivers) / max(1, len(drivers))
    per_h = sum(v.cost_per_h_eur for v in drivers) / max(1, len(drivers))
    cost = np.rint(_CENTS * (per_km * distance_m / 1000 + per_h * duration_s / 3600))
    handling = territory.hub.service.handling_s_per_unit
    clients: list[PeriodicClient] = []
    for venue_id in venues:
        venue = territory.venues_by_id[venue_id]
        visits = len(candidates[venue_id][0])
        load = _venue_load(territory, ordered[venue_id]).as_tuple()
        units = sum(ordered[venue_id].values())
        clients.append(
            PeriodicClient(
                location=len(clients) + 1,
                demand=tuple(-(-x // visits) for x in load),
                service=math.ceil(venue.service_min * 60 + handling * units / visits),
                patterns=tuple(tuple(day_of[d] for d in p) for p in candidates[venue_id]),
                label=venue_id,
            )
        )
    problem = PeriodicProblem(
        fleets=tuple(_day_fleet(vehicles, d) for d in days),
        clients=tuple(clients),
        distance=cost.astype(np.int64),
        duration=np.rint(duration_s).astype(np.int64),
        name=f"{territory.hub.id} {days[0].isoformat()} week",
    )
    picked = choose_patterns(
        problem, time_limit_s=time_limit_s, seed=seed, max_iterations=max_iterations
    )
    for venue_id, client, k in zip(venues, clients, picked, strict=True):
        pattern = client.patterns[k] if k is not None else client.patterns[0]
        chosen[venue_id] = tuple(days[i] for i in pattern)
    return chosen


# --------------------------------------------------------------------------- reasons


def no_day_reason(
    territory: Territory, venue_id: str, week: IsoWeek, vehicles: Sequence[Vehicle]
) -> str:
    """Why none of a venue's delivery days can take a delivery, naming each day's cause."""
    venue = territory.venues_by_id[venue_id]
    hub_open = set(territory.hub.opening) or set(WEEKDAYS)
    opening = territory.sites[venue_id].opening
    allowed = [v for v in vehicles if may_serve(territory, v, venue_id, "venue")]
    causes = []
    for name in venue.delivery_days:
        day = _DAY_NAMES[WEEKDAYS.index(name)]
        if name not in hub_open:
            causes.append(f"{day}: the hub is closed")
        elif not opening.get(name):
            causes.append(f"{day}: {venue.name} is closed")
        elif not allowed:
            causes.append(f"{day}: no vehicle may serve it (access {venue.access})")
        elif not any(name in v.days for v in allowed):
            names = ", ".join(v.id for v in allowed)
            causes.append(f"{day}: none of the vehicles allowed there ({names}) works")
    return "no delivery possible on any of its delivery days (" + "; ".join(causes) + ")"


def supply_timing_reason(
    territory: Territory,
    venue_id: str,
    product_id: str,
    delivery_days: Sequence[date],
    supply: Mapping[str, Mapping[date, int]],
) -> str | None:
    """Why a venue's product cannot reach it although the week has supply, or ``None``.

    Only when units of the product can leave the hub on some day of the week but on
    none of the venue's delivery days, in a coordinator's words, e.g. ``"Œufs" can
    leave the hub on Thursday, Friday only (farm pickup at Ferme X on Wednesday);
    Boutique Y is delivered on Monday only (its delivery days: Monday, Tuesday)``.
    """
    available = supply.get(product_id, {})
    leave = sorted(d for d, n in available.items() if n > 0)
    if not leave or not delivery_days or any(available.get(d, 0) > 0 for d in delivery_days):
        return None
    product = territory.products_by_id[product_id]
    venue = territory.venues_by_id[venue_id]
    producers = territory.producers_by_id
    pickups = sorted(
        {
            (WEEKDAYS.index(o.day), producers[o.producer_id].name)
            for o in territory.offers
            if o.product_id == product_id and o.quantity > 0
        }
    )
    lots = [lot.expiry for lot in territory.stock if lot.product_id == product_id and lot.quantity]
    sources = [f"farm pickup at {name} on {_DAY_NAMES[i]}" for i, name in pickups]
    if lots:
        sources.append(f"stock expiring {max(lots).isoformat()}")
    allowed = ", ".join(_DAY_NAMES[WEEKDAYS.index(d)] for d in venue.delivery_days)
    return (
        f'"{product.name}" can leave the hub on {", ".join(_DAY_NAMES[d.weekday()] for d in leave)}'
        f" only ({'; '.join(sources)}); {venue.name} is delivered on"
        f" {', '.join(_DAY_NAMES[d.weekday()] for d in delivery_days)} only"
        f" (its delivery days: {allowed})"
    )
