"""One day's rounds as a solver-neutral :class:`RoutingProblem`, and its result as plan rows.

Model (documented for coordinators in the README):

* Each venue's delivery of the day becomes up to three *stops* at the same place: its
  ambient goods, its chilled goods and its frozen goods.  Chilled and frozen goods are
  separate load dimensions (``chilled_ml``, ``frozen_ml``) of one *cold* stop where a
  vehicle that may serve the site (access and zone rules, see :func:`may_serve`) has
  both compartments, and separate stops where none has: a van with only a chilled box
  then carries the site's chilled goods while its frozen goods ride on a freezer van,
  or stay unserved with the true reason ("no vehicle allowed at ... has a freezer
  compartment").  With ``split_cold`` they are also separate stops where one cold stop
  would keep them off a vehicle with only one of the compartments (the week planner
  tries that when a day leaves cold goods unserved).  Farm pickups follow the same
  rule.  Ambient goods may go in any vehicle; chilled or frozen goods only in a vehicle
  with that compartment.  Stops of one vehicle at the same site in a row become one
  ``routes.csv`` row (see :func:`plan_rows`).  When a stop is too big for every
  suitable vehicle, it is split into several stops that fit.
* Farm pickups are stops with a *pickup* load: produce collected on the round and brought
  back to the hub (unloaded at the next reload or at the end of the shift).  Collected
  produce leaves the hub from the next day on (see :mod:`logistics.allocation.allocate`).
* Each vehicle is its own vehicle type: its compartments (kg, ambient litres, chilled
  litres, frozen litres), profile (drive or bike network), shift, trips, costs.
* Service time at a site = the site's fixed service time + ``handling_s_per_unit`` × units,
  the fixed part paid once per visit: it is folded into the travel time *to* the site
  (every arc from another location, whose stops' windows move later by as much), and a
  stop's own service time is its handling.  So a vehicle serving a site's ambient,
  chilled and frozen stops in a row pays the fixed time once, as the ``routes.csv`` row
  it becomes does; :func:`plan_rows` gives the fixed time back to the row's arrival.
  Loading at the hub (start and every reload) takes ``loading_min``.
* Drivers' days are kept within ``break_after_h`` by default, so no break is needed; with
  ``long_days`` a day may last up to ``max_shift_h`` and the driver takes a ``break_min``
  break starting between two hours and ``break_after_h`` after the shift starts.
* Integer units: grams, millilitres, seconds, metres; costs in millicents (1e-5 euro).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple, TypeVar

import numpy as np
from shapely.geometry import Point

from geo.matrix import TravelMatrices
from logistics.load import DIMENSIONS, Load, load_of
from logistics.routing import (
    Break,
    Profile,
    Route,
    RoutingProblem,
    RoutingResult,
    Stop,
    VehicleType,
    Visit,
)
from logistics.routing.schedule import RELOAD, build_route
from logistics.routing.verify import verify_route
from logistics.tables.files import DeliveryLine, PickupLine, RouteStop
from territory.model import Territory, TimeWindow, Vehicle, weekday_of

__all__ = [
    "COST_UNITS_PER_EUR",
    "DayProblem",
    "DayRows",
    "DayWork",
    "Rejected",
    "SiteLine",
    "StopContent",
    "StopLine",
    "build_day_problem",
    "may_serve",
    "plan_rows",
]

COST_UNITS_PER_EUR = 100_000
"""Routing costs are in millicents: integer, yet fine enough for per-metre costs."""

_UNSERVED_PENALTY = 1_000 * COST_UNITS_PER_EUR
"""Cost of leaving a stop unserved: far above any round's cost, so dropping is a last resort."""

_BREAK_EARLIEST_AFTER_S = 2 * 3600
_DAY_S = 24 * 3600

_L = TypeVar("_L", DeliveryLine, PickupLine)

Windows = tuple[tuple[int, int], ...]
"""Time windows of a routing stop: ``(start, end)`` pairs, seconds after midnight."""


@dataclass(frozen=True)
class StopLine:
    """One product line handled at a stop.

    Attributes
    ----------
    product_id
        The product delivered (or collected).
    quantity
        Whole units.
    substitute_for
        On a substitute delivery, the ordered product this one replaces; else ``""``
        (the ``deliveries.csv`` column of the same name).
    """

    product_id: str
    quantity: int
    substitute_for: str = ""


@dataclass(frozen=True)
class SiteLine:
    """One line of a day's work: a product to deliver to a venue, or to collect at a farm.

    Attributes
    ----------
    site_id
        The venue (deliveries) or the producer (pickups).
    product_id
        The product.
    quantity
        Whole units (lines of 0 units or fewer are ignored).
    substitute_for
        On a substitute delivery, the ordered product this one replaces; else ``""``.
    """

    site_id: str
    product_id: str
    quantity: int
    substitute_for: str = ""

    @property
    def stop_line(self) -> StopLine:
        """The line as handled at the site's stop."""
        return StopLine(self.product_id, self.quantity, self.substitute_for)


@dataclass(frozen=True)
class DayWork:
    """What must happen on one day.

    Attributes
    ----------
    day
        The date.
    deliveries
        Products to deliver to venues, whole units.
    pickups
        Products to collect at producers, whole units.
    """

    day: date
    deliveries: tuple[SiteLine, ...]
    pickups: tuple[SiteLine, ...] = ()


@dataclass(frozen=True)
class StopContent:
    """What one routing stop stands for: a site and the product lines handled there."""

    site_id: str
    site_kind: str
    lines: tuple[StopLine, ...]

    @property
    def units(self) -> int:
        """Whole units handled at the stop."""
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True)
class Rejected:
    """Lines that cannot become a stop at all, with the reason."""

    site_id: str
    site_kind: str
    lines: tuple[StopLine, ...]
    reason: str


@dataclass(frozen=True, eq=False)
class DayProblem:
    """A day's routing problem with what each index means in the territory.

    Attributes
    ----------
    day
        The date.
    problem
        The solver-neutral problem, or ``None`` when there is nothing to route.
    contents
        Per stop index: the site and lines it handles.
    vehicles
        Per vehicle type index: the vehicle.
    sites
        Per location index: the site id (0 is the hub).
    rejected
        Lines that could not become stops (no suitable vehicle, closed that day).
    fixed_service_s
        Per location index: the site's fixed service time, seconds, folded into the
        problem's travel times to it (0 for the hub); empty without a problem.
    """

    day: date
    problem: RoutingProblem | None
    contents: tuple[StopContent, ...]
    vehicles: tuple[Vehicle, ...]
    sites: tuple[str, ...]
    rejected: tuple[Rejected, ...]
    fixed_service_s: tuple[int, ...] = ()


@dataclass(frozen=True)
class DayRows:
    """A solved day as plan rows (see :func:`plan_rows`).

    Attributes
    ----------
    routes
        ``routes.csv`` rows, vehicle by vehicle, in visiting order.
    deliveries
        ``deliveries.csv`` rows, one per stop and product.
    pickups
        ``pickups.csv`` rows, one per stop and product.
    """

    routes: tuple[RouteStop, ...]
    deliveries: tuple[DeliveryLine, ...]
    pickups: tuple[PickupLine, ...]


class _GroupKey(NamedTuple):
    """A site's goods of one temperature group (a dictionary key, sorted site first)."""

    site_id: str
    group: str
    """``ambient``, ``chilled``, ``frozen``, or ``cold`` (chilled and frozen as one stop)."""


@dataclass(frozen=True)
class _StopSpec:
    """A stop before it becomes a routing :class:`Stop`.

    Attributes
    ----------
    content
        The site and the lines handled there.
    allowed_vehicle_types
        Indices of the day's vehicles that may serve it.
    windows_s
        When it may be served, seconds after midnight.
    """

    content: StopContent
    allowed_vehicle_types: frozenset[int]
    windows_s: Windows


@dataclass(frozen=True)
class _DayStops:
    """The day's stops to route, and the lines that cannot become stops."""

    specs: tuple[_StopSpec, ...]
    rejected: tuple[Rejected, ...]


def _windows_s(windows: Sequence[TimeWindow]) -> Windows:
    return tuple((w.start_min * 60, w.end_min * 60) for w in windows)


def _load(territory: Territory, lines: Sequence[StopLine]) -> Load:
    total = Load()
    for line in lines:
        p = territory.products_by_id[line.product_id]
        total = total + load_of(p.unit_kg, p.unit_l, p.temperature, line.quantity)
    return total


def _capacity(vehicle: Vehicle) -> Load:
    return Load(
        round(vehicle.capacity_kg * 1000),
        round(vehicle.capacity_l * 1000),
        round(vehicle.chilled_l * 1000),
        round(vehicle.frozen_l * 1000),
    )


def _fits(load: Load, capacity: Load) -> bool:
    return all(a <= c for a, c in zip(load.as_tuple(), capacity.as_tuple(), strict=True))


def _share(load: Load, capacity: Load) -> float:
    """The largest fraction of ``load`` that ``capacity`` can take in every dimension."""
    pairs = zip(load.as_tuple(), capacity.as_tuple(), strict=True)
    return min((c / a for a, c in pairs if a > 0), default=1.0)


def _has_compartments(load: Load, capacity: Load) -> bool:
    return all(c > 0 for a, c in zip(load.as_tuple(), capacity.as_tuple(), strict=True) if a > 0)


def may_serve(territory: Territory, vehicle: Vehicle, site_id: str, site_kind: str) -> bool:
    """Access and zone rules (compartments are checked separately)."""
    if site_kind == "venue":
        access = territory.venues_by_id[site_id].access
        if access == "bike_only" and vehicle.profile != "bike":
            return False
        if access == "no_truck" and vehicle.kind == "truck":
            return False
    if vehicle.zone is not None:
        zone = territory.zones_by_name[vehicle.zone]
        site = territory.sites[site_id]
        if not zone.geometry.covers(Point(site.lon, site.lat)):
            return False
    return True


def _split(
    territory: Territory, lines: Sequence[StopLine], capacity: Load
) -> list[tuple[StopLine, ...]]:
    """Split lines into chunks that each fit ``capacity`` (first fit, unit by unit if needed)."""
    chunks: list[list[StopLine]] = []
    loads: list[Load] = []
    for line in sorted(lines, key=lambda line: -_load(territory, [line]).mass_g):
        remaining = line.quantity
        while remaining > 0:
            for i, chunk_load in enumerate(loads):
                fit = _max_units(territory, line.product_id, remaining, capacity, chunk_load)
                if fit > 0:
                    part = replace(line, quantity=fit)
                    chunks[i].append(part)
                    loads[i] = chunk_load + _load(territory, [part])
                    remaining -= fit
                    break
            else:
                fit = _max_units(territory, line.product_id, remaining, capacity, Load())
                if fit == 0:  # one unit is larger than the vehicle: cannot be carried at all
                    return []
                part = replace(line, quantity=fit)
                chunks.append([part])
                loads.append(_load(territory, [part]))
                remaining -= fit
    return [tuple(chunk) for chunk in chunks]


def _max_units(
    territory: Territory, product_id: str, wanted: int, capacity: Load, used: Load
) -> int:
    unit = _load(territory, [StopLine(product_id, 1)])
    best = wanted
    for per_unit, cap, have in zip(
        unit.as_tuple(), capacity.as_tuple(), used.as_tuple(), strict=True
    ):
        if per_unit > 0:
            best = min(best, max(0, (cap - have) // per_unit))
    return best


def _vehicle_type(territory: Territory, vehicle: Vehicle, *, long_days: bool) -> VehicleType:
    """The vehicle as a routing vehicle type.

    With ``long_days`` a driver may work up to ``max_shift_h`` and then takes a break;
    otherwise (the default) a driver's day is kept within ``break_after_h`` so that no
    break is needed at all.
    """
    hub = territory.hub
    loading_s = round(hub.service.loading_min * 60)
    start_s, end_s = vehicle.shift.start_min * 60, vehicle.shift.end_min * 60
    rules = hub.driver
    limits = [] if rules.max_shift_h is None else [round(rules.max_shift_h * 3600)]
    brk = None
    if rules.break_after_h is not None and rules.break_min > 0:
        break_after_s = round(rules.break_after_h * 3600)
        if end_s - start_s > break_after_s:
            if long_days:
                brk = Break(
                    earliest_start_s=min(
                        start_s + _BREAK_EARLIEST_AFTER_S, start_s + break_after_s
                    ),
                    latest_start_s=start_s + break_after_s,
                    duration_s=round(rules.break_min * 60),
                )
            else:
                limits.append(break_after_s)
    max_duration = max(0, min(limits) - loading_s) if limits else None
    return VehicleType(
        count=1,
        capacity=_capacity(vehicle).as_tuple(),
        profile=vehicle.profile,
        shift=(min(start_s + loading_s, end_s), end_s),
        max_duration_s=max_duration,
        fixed_cost=round(vehicle.fixed_cost_eur * COST_UNITS_PER_EUR),
        cost_per_m=round(vehicle.cost_per_km_eur * COST_UNITS_PER_EUR / 1000),
        cost_per_s=round(vehicle.cost_per_h_eur * COST_UNITS_PER_EUR / 3600),
        max_trips=vehicle.max_trips,
        reload_s=loading_s,
        break_=brk,
        label=vehicle.id,
    )


@dataclass(frozen=True)
class _SiteFleet:
    """The day's vehicles that may serve one site (access and zone rules), by compartment.

    Attributes
    ----------
    allowed
        Ids of the vehicles that may go there, whatever their compartments.
    chilled
        Those with a chilled compartment.
    frozen
        Those with a freezer compartment.
    """

    allowed: frozenset[str]
    chilled: frozenset[str]
    frozen: frozenset[str]

    def cold_together(self, *, split_cold: bool) -> bool:
        """Whether the site's chilled and frozen goods travel as one stop.

        One stop when some vehicle allowed there has both compartments; with
        ``split_cold`` only when that restricts nothing, i.e. the vehicles with a
        chilled compartment are exactly those with a freezer.
        """
        if split_cold:
            return bool(self.chilled) and self.chilled == self.frozen
        return bool(self.chilled & self.frozen)


def _site_fleet(
    territory: Territory, day_vehicles: Sequence[Vehicle], site_id: str, site_kind: str
) -> _SiteFleet:
    """The day's vehicles allowed at a site, and which of them have each cold compartment."""
    allowed = [v for v in day_vehicles if may_serve(territory, v, site_id, site_kind)]
    return _SiteFleet(
        frozenset(v.id for v in allowed),
        frozenset(v.id for v in allowed if v.chilled_l > 0),
        frozenset(v.id for v in allowed if v.frozen_l > 0),
    )


def _site_groups(
    territory: Territory,
    lines: Sequence[SiteLine],
    site_kind: str,
    day_vehicles: Sequence[Vehicle],
    *,
    split_cold: bool,
) -> dict[_GroupKey, list[StopLine]]:
    """Lines per site and temperature group.

    Groups are ``ambient``, and ``cold`` (chilled and frozen as two dimensions of one
    stop) where :meth:`_SiteFleet.cold_together` holds for the site, else separate
    ``chilled`` and ``frozen`` groups.  Lines of 0 units or fewer are left out.
    """
    groups: dict[_GroupKey, list[StopLine]] = defaultdict(list)
    together: dict[str, bool] = {}
    for line in lines:
        if line.quantity <= 0:
            continue
        group = str(territory.products_by_id[line.product_id].temperature)
        if group != "ambient":
            if line.site_id not in together:
                fleet = _site_fleet(territory, day_vehicles, line.site_id, site_kind)
                together[line.site_id] = fleet.cold_together(split_cold=split_cold)
            if together[line.site_id]:
                group = "cold"
        groups[_GroupKey(line.site_id, group)].append(line.stop_line)
    return groups


def _group_stops(
    territory: Territory,
    day: date,
    kind: str,
    site_id: str,
    lines: Sequence[StopLine],
    day_vehicles: Sequence[Vehicle],
    capacities: Sequence[Load],
) -> list[_StopSpec] | Rejected:
    """The stops of one site's temperature group, or why it cannot be served that day.

    The group is one stop when one suitable vehicle can carry it, else it is split into
    chunks that fit the suitable vehicle able to take the largest share of it.  A venue
    closed that day, a group no vehicle may carry there, and a unit larger than any
    suitable vehicle are rejected.
    """
    site = (
        territory.venues_by_id[site_id] if kind == "venue" else territory.producers_by_id[site_id]
    )
    windows = _windows_s(site.opening.get(weekday_of(day), ()))
    if not windows:
        if kind == "venue":
            return Rejected(site_id, kind, tuple(lines), f"closed on {_day_name(day)}")
        windows = ((0, _DAY_S),)  # a farm without pickup hours can be visited any time
    load = _load(territory, lines)
    allowed = [
        i
        for i, v in enumerate(day_vehicles)
        if _has_compartments(load, capacities[i]) and may_serve(territory, v, site_id, kind)
    ]
    if not allowed:
        reason = _no_vehicle_reason(territory, day_vehicles, load, site_id, kind, day)
        return Rejected(site_id, kind, tuple(lines), reason)
    chunks: list[tuple[StopLine, ...]] = [tuple(lines)]
    if not any(_fits(load, capacities[i]) for i in allowed):
        biggest = max(
            allowed, key=lambda i: (_share(load, capacities[i]), capacities[i].as_tuple())
        )
        chunks = _split(territory, lines, capacities[biggest])
        if not chunks:
            return Rejected(
                site_id, kind, tuple(lines), "a single unit is larger than any suitable vehicle"
            )
    return [
        _StopSpec(StopContent(site_id, kind, chunk), frozenset(allowed), windows)
        for chunk in chunks
    ]


def _day_stops(
    territory: Territory, work: DayWork, day_vehicles: Sequence[Vehicle], *, split_cold: bool
) -> _DayStops:
    """The day's stops (deliveries first, then pickups, each by site and group)."""
    capacities = [_capacity(v) for v in day_vehicles]
    specs: list[_StopSpec] = []
    rejected: list[Rejected] = []
    for kind, lines in (("venue", work.deliveries), ("producer", work.pickups)):
        groups = _site_groups(territory, lines, kind, day_vehicles, split_cold=split_cold)
        for (site_id, _group_name), group_lines in sorted(groups.items()):
            stops = _group_stops(
                territory, work.day, kind, site_id, group_lines, day_vehicles, capacities
            )
            if isinstance(stops, Rejected):
                rejected.append(stops)
            else:
                specs += stops
    return _DayStops(tuple(specs), tuple(rejected))


def _nothing_to_route(
    work: DayWork, day_vehicles: Sequence[Vehicle], hub_id: str, stops: _DayStops
) -> DayProblem:
    """The day without a routing problem: every stop is rejected (no vehicle works)."""
    rejected = list(stops.rejected)
    for spec in stops.specs:
        content = spec.content
        rejected.append(
            Rejected(
                content.site_id,
                content.site_kind,
                content.lines,
                f"no vehicle works on {_day_name(work.day)}",
            )
        )
    return DayProblem(work.day, None, (), tuple(day_vehicles), (hub_id,), tuple(rejected))


def _profiles(
    matrices: Mapping[str, TravelMatrices],
    site_index: Mapping[str, int],
    sites: Sequence[str],
    day_vehicles: Sequence[Vehicle],
    fixed_service_s: Sequence[int],
) -> dict[str, Profile]:
    """Travel distances (m) and durations (s) between the day's sites, per vehicle profile.

    Durations include the fixed service time of the site arrived at, on every arc
    between two different locations (see the module docstring).
    """
    rows = np.array([site_index[s] for s in sites])
    take = np.ix_(rows, rows)
    fixed = np.asarray(fixed_service_s, dtype=np.int64)
    elsewhere = 1 - np.eye(len(sites), dtype=np.int64)
    return {
        name: Profile(
            duration_s=matrices[name].duration_s[take] + elsewhere * fixed[np.newaxis, :],
            distance_m=matrices[name].distance_m[take],
        )
        for name in sorted({v.profile for v in day_vehicles})
    }


def _fixed_service_s(territory: Territory, site_id: str) -> int:
    """The fixed time spent at a site on each visit, seconds (0 for the hub)."""
    if site_id == territory.hub.id:
        return 0
    venue = territory.venues_by_id.get(site_id)
    if venue is not None:
        return math.ceil(venue.service_min * 60)
    return math.ceil(territory.hub.service.default_service_min * 60)


def _routing_stop(territory: Territory, spec: _StopSpec, location: int, fixed_s: int) -> Stop:
    """The routing stop of a spec at ``location`` (its index among the day's sites).

    Its service time is the handling of its units; its windows move ``fixed_s`` later,
    the site's fixed service time folded into the travel time to it.
    """
    content = spec.content
    hub = territory.hub
    if content.site_kind == "venue":
        delivery, pickup = _load(territory, content.lines), Load()
    else:
        delivery, pickup = Load(), _load(territory, content.lines)
    return Stop(
        location=location,
        delivery=delivery.as_tuple(),
        pickup=pickup.as_tuple(),
        service_s=math.ceil(hub.service.handling_s_per_unit * content.units),
        windows=tuple((start + fixed_s, end + fixed_s) for start, end in spec.windows_s),
        required=False,
        penalty=_UNSERVED_PENALTY + (delivery + pickup).mass_g,
        allowed_vehicle_types=spec.allowed_vehicle_types,
        label=f"{content.site_id} ({content.site_kind})",
    )


def build_day_problem(
    territory: Territory,
    work: DayWork,
    vehicles: Sequence[Vehicle],
    matrices: Mapping[str, TravelMatrices],
    site_index: Mapping[str, int],
    *,
    long_days: bool = False,
    split_cold: bool = False,
) -> DayProblem:
    """Build one day's routing problem.

    Parameters
    ----------
    territory
        The territory (sites, products, hub rules).
    work
        The day's deliveries and pickups, in whole units.
    vehicles
        The vehicles that may work that day (the caller filters by weekday or organisation).
    matrices
        Per profile, travel matrices over every site of the territory.
    site_index
        Row of each site id (the hub included) in ``matrices``.
    long_days
        Allow drivers' days up to ``max_shift_h`` with a break (default: days within
        ``break_after_h``, no break).
    split_cold
        Make a site's chilled and frozen goods separate stops wherever a vehicle with
        only one of the two compartments may serve it (default: one stop where a
        vehicle allowed there has both).

    Returns
    -------
    DayProblem
        With ``problem=None`` when nothing can be routed (every line is then in ``rejected``).
    """
    weekday = weekday_of(work.day)
    hub = territory.hub
    day_vehicles = [v for v in vehicles if weekday in v.days]
    stops = _day_stops(territory, work, day_vehicles, split_cold=split_cold)
    if not stops.specs or not day_vehicles:
        return _nothing_to_route(work, day_vehicles, hub.id, stops)
    sites = [hub.id, *sorted({spec.content.site_id for spec in stops.specs})]
    local = {site: i for i, site in enumerate(sites)}
    fixed = tuple(_fixed_service_s(territory, site) for site in sites)
    problem = RoutingProblem(
        dimensions=DIMENSIONS,
        profiles=_profiles(matrices, site_index, sites, day_vehicles, fixed),
        stops=tuple(
            _routing_stop(
                territory, spec, local[spec.content.site_id], fixed[local[spec.content.site_id]]
            )
            for spec in stops.specs
        ),
        vehicle_types=tuple(_vehicle_type(territory, v, long_days=long_days) for v in day_vehicles),
        coordinates=tuple((territory.sites[s].lon, territory.sites[s].lat) for s in sites),
        name=f"{territory.hub.name} {work.day.isoformat()}",
    )
    return DayProblem(
        work.day,
        problem,
        tuple(spec.content for spec in stops.specs),
        tuple(day_vehicles),
        tuple(sites),
        stops.rejected,
        fixed,
    )


def _day_name(day: date) -> str:
    return f"{day.strftime('%A')} {day.isoformat()}"


def _no_vehicle_reason(
    territory: Territory,
    vehicles: Sequence[Vehicle],
    load: Load,
    site_id: str,
    kind: str,
    day: date,
) -> str:
    """Why no vehicle of the day may carry ``load`` to (or from) a site, in a sentence.

    In order: no vehicle works that day; no vehicle working that day has the
    compartment; no vehicle may go to the site at all (access, zones); the vehicles
    that may go there lack the compartment (naming them).
    """
    when = _day_name(day)
    if not vehicles:
        return f"no vehicle works on {when}"
    if load.frozen_ml and not any(v.frozen_l > 0 for v in vehicles):
        return f"frozen goods and no vehicle with a freezer compartment works on {when}"
    if load.chilled_ml and not any(v.chilled_l > 0 for v in vehicles):
        return f"chilled goods and no refrigerated vehicle works on {when}"
    name = territory.sites[site_id].name
    access = territory.venues_by_id[site_id].access if kind == "venue" else "any"
    fleet = _site_fleet(territory, vehicles, site_id, kind)
    if not fleet.allowed:
        if access == "bike_only":
            return (
                f"delivery by cargo bike only, and no cargo bike working on {when}"
                f" may go to {name} (zones)"
            )
        if access == "no_truck":
            return f"no truck allowed at {name}, and no other vehicle may go there on {when}"
        return f"no vehicle working on {when} may go to {name} (zones)"
    rule = "cargo bikes only; " if access == "bike_only" else ""
    allowed = f"{rule}allowed there on {when}: {', '.join(sorted(fleet.allowed))}"
    if load.frozen_ml and not fleet.frozen:
        return (
            f"frozen goods, and no vehicle allowed at {name} has a freezer compartment ({allowed})"
        )
    if load.chilled_ml and not fleet.chilled:
        return (
            f"chilled goods, and no vehicle allowed at {name} has a refrigerated compartment"
            f" ({allowed})"
        )
    return f"no vehicle allowed at {name} has every compartment these goods need ({allowed})"


@dataclass(frozen=True)
class _Place:
    """Where a visit happens and what is done there (the ``routes.csv`` columns)."""

    site_id: str
    site_kind: str
    action: str


def _place(
    territory: Territory, day_problem: DayProblem, visit: Visit, rows: list[RouteStop]
) -> _Place:
    """The site and action of a visit (a break happens where the previous row was)."""
    if visit.kind == "stop":
        content = day_problem.contents[visit.index]
        action = "deliver" if content.site_kind == "venue" else "pickup"
        return _Place(content.site_id, content.site_kind, action)
    if visit.kind == "break":
        return _Place(rows[-1].site_id, rows[-1].site_kind, "break")
    return _Place(territory.hub.id, "hub", visit.kind)


def _add_visit_row(
    rows: list[RouteStop],
    visit: Visit,
    place: _Place,
    day: date,
    vehicle_id: str,
    trip: int,
    at: Callable[[int], datetime],
    offsets: _Offsets,
) -> None:
    """Append the visit's row, or extend the previous row at the same site and action.

    ``at`` turns seconds after midnight into a time of the day; the start row's
    arrival is before the hub loading, and a stop's arrival, service start and
    travel time are without the fixed service time folded into its arc (``offsets``).
    """
    load = Load(*visit.load_after)
    ambient_l, chilled_l, frozen_l = load.litres()
    fixed = offsets.fixed_s if visit.kind == "stop" else 0
    arrival = visit.arrival_s - (offsets.loading_s if visit.kind == "start" else fixed)
    previous = rows[-1] if rows else None
    if (
        previous is not None
        and place.action in ("deliver", "pickup")
        and previous.action == place.action
        and previous.site_id == place.site_id
    ):
        rows[-1] = replace(
            previous,
            departure=at(visit.departure_s),
            load_kg=load.kg,
            load_l=ambient_l,
            chilled_l=chilled_l,
            frozen_l=frozen_l,
        )
        return
    rows.append(
        RouteStop(
            day=day,
            vehicle_id=vehicle_id,
            trip=trip,
            seq=len(rows) + 1,
            site_id=place.site_id,
            site_kind=place.site_kind,
            action=place.action,
            arrival=at(arrival),
            service_start=at(visit.start_service_s - fixed if visit.kind == "stop" else arrival),
            departure=at(visit.departure_s),
            distance_m=visit.distance_m_from_prev,
            duration_s=visit.duration_s_from_prev - fixed,
            load_kg=load.kg,
            load_l=ambient_l,
            chilled_l=chilled_l,
            frozen_l=frozen_l,
        )
    )


@dataclass(frozen=True)
class _Offsets:
    """Seconds between the routing schedule and a plan row's times.

    Attributes
    ----------
    loading_s
        Hub loading before a start row's departure.
    fixed_s
        Fixed service time folded into the arc to a stop (0 when the vehicle was
        already at the site).
    """

    loading_s: int
    fixed_s: int = 0


def _route_rows(
    territory: Territory,
    day_problem: DayProblem,
    route: Route,
    at: Callable[[int], datetime],
    loading_s: int,
) -> DayRows:
    """One vehicle's rows of the day (deliveries and pickups not yet summed)."""
    vehicle = day_problem.vehicles[route.vehicle_type]
    rows: list[RouteStop] = []
    deliveries: list[DeliveryLine] = []
    pickups: list[PickupLine] = []
    trip = 1
    previous = 0
    for visit in route.visits:
        place = _place(territory, day_problem, visit, rows)
        paid = visit.location != previous and visit.kind == "stop"
        offsets = _Offsets(loading_s, day_problem.fixed_service_s[visit.location] if paid else 0)
        _add_visit_row(rows, visit, place, day_problem.day, vehicle.id, trip, at, offsets)
        if visit.kind == "stop":
            lines = day_problem.contents[visit.index].lines
            if rows[-1].action == "deliver":
                deliveries += _delivery_rows(rows[-1], lines)
            else:
                pickups += _pickup_rows(rows[-1], lines)
        if visit.kind == "reload":
            trip += 1
        previous = visit.location
    return DayRows(tuple(rows), tuple(deliveries), tuple(pickups))


def _splits_a_visit(problem: RoutingProblem, route: Route) -> bool:
    """Whether a break falls between two stops at the same location.

    The stop after such a break would be a ``routes.csv`` row of its own without the
    site's fixed service time, which is paid only on arriving from elsewhere.
    """
    visits = route.visits
    return any(
        visit.kind == "break"
        and 0 < k < len(visits) - 1
        and visits[k - 1].kind == visits[k + 1].kind == "stop"
        and problem.stops[visits[k - 1].index].location
        == problem.stops[visits[k + 1].index].location
        for k, visit in enumerate(visits)
    )


def _break_between_sites(problem: RoutingProblem, route: Route) -> Route:
    """The route, with its break moved off any place between two stops at one site.

    Tries every other break position and keeps the shortest route that verifies;
    the route unchanged when none does (the plan checker then reports it).
    """
    if not _splits_a_visit(problem, route):
        return route
    sequence = [
        RELOAD if v.kind == "reload" else v.index
        for v in route.visits
        if v.kind in ("stop", "reload")
    ]
    best: Route | None = None
    for position in range(len(sequence) + 1):
        candidate = build_route(
            problem, route.vehicle_type, route.vehicle_index, sequence, break_position=position
        )
        if _splits_a_visit(problem, candidate) or verify_route(problem, candidate):
            continue
        if best is None or candidate.duration_s < best.duration_s:
            best = candidate
    return route if best is None else best


def _delivery_rows(row: RouteStop, lines: Sequence[StopLine]) -> list[DeliveryLine]:
    """``deliveries.csv`` rows of the lines unloaded at a route row."""
    return [
        DeliveryLine(
            row.day,
            row.vehicle_id,
            row.trip,
            row.seq,
            row.site_id,
            line.product_id,
            line.quantity,
            line.substitute_for,
        )
        for line in lines
    ]


def _pickup_rows(row: RouteStop, lines: Sequence[StopLine]) -> list[PickupLine]:
    """``pickups.csv`` rows of the lines collected at a route row."""
    return [
        PickupLine(
            row.day, row.vehicle_id, row.trip, row.seq, row.site_id, line.product_id, line.quantity
        )
        for line in lines
    ]


def _midnight(territory: Territory, day: date) -> datetime:
    """The start of ``day`` in the hub's time zone.

    Raises
    ------
    ValueError
        When this system does not know the hub's time zone.
    """
    tz = territory.tzinfo
    if tz is None:
        raise ValueError(f"unknown time zone {territory.hub.timezone!r} in hub.toml")
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def plan_rows(territory: Territory, day_problem: DayProblem, result: RoutingResult) -> DayRows:
    """Turn a routing result into ``routes.csv``, ``deliveries.csv``, ``pickups.csv`` rows.

    Consecutive stops of one vehicle at the same site (a venue's ambient, chilled and
    frozen goods, say) become one row.  The ``reload`` row belongs to the trip it ends.

    Raises
    ------
    ValueError
        When this system does not know the hub's time zone.
    """
    assert day_problem.problem is not None
    midnight = _midnight(territory, day_problem.day)
    loading_s = round(territory.hub.service.loading_min * 60)

    def at(seconds: int) -> datetime:
        return midnight + timedelta(seconds=seconds)

    routes: list[RouteStop] = []
    deliveries: list[DeliveryLine] = []
    pickups: list[PickupLine] = []
    for route in result.routes:
        route = _break_between_sites(day_problem.problem, route)
        rows = _route_rows(territory, day_problem, route, at, loading_s)
        routes += rows.routes
        deliveries += rows.deliveries
        pickups += rows.pickups
    return DayRows(tuple(routes), tuple(_summed(deliveries)), tuple(_summed(pickups)))


def _summed(lines: list[_L]) -> list[_L]:
    """Merge lines of the same stop and product (a stop split in chunks, then merged)."""
    totals: dict[tuple[object, ...], _L] = {}
    for line in lines:
        key = tuple(v for k, v in asdict(line).items() if k != "quantity")
        if key in totals:
            totals[key] = replace(line, quantity=totals[key].quantity + line.quantity)
        else:
            totals[key] = line
    return list(totals.values())
