"""One day's rounds as a solver-neutral :class:`RoutingProblem`, and its result as plan rows.

Model (documented for coordinators in the README):

* Each venue's delivery of the day becomes up to two *stops* at the same place: its
  ambient goods, and its cold goods (chilled and frozen together).  Ambient goods may go
  in any vehicle; cold goods only in a vehicle with the matching compartments (when no
  vehicle has both a chilled and a frozen compartment, chilled and frozen goods become
  separate stops).  When a
  stop is too big for every suitable vehicle, it is split into several stops that fit.
* Farm pickups are stops with a *pickup* load: produce collected on the round and brought
  back to the hub (unloaded at the next reload or at the end of the shift).  Collected
  produce leaves the hub from the next day on (see :mod:`logistics.allocation.allocate`).
* Each vehicle is its own vehicle type: its compartments (kg, ambient litres, chilled
  litres, frozen litres), profile (drive or bike network), shift, trips, costs.
* Service time at a stop = the site's fixed service time + ``handling_s_per_unit`` × units.
  Loading at the hub (start and every reload) takes ``loading_min``.
* Drivers' days are kept within ``break_after_h`` by default, so no break is needed; with
  ``long_days`` a day may last up to ``max_shift_h`` and the driver takes a ``break_min``
  break starting between two hours and ``break_after_h`` after the shift starts.
* Integer units: grams, millilitres, seconds, metres; costs in millicents (1e-5 euro).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import numpy as np
from shapely.geometry import Point

from geo.matrix import TravelMatrices
from logistics.load import DIMENSIONS, Load, load_of
from logistics.routing import Break, Profile, RoutingProblem, RoutingResult, Stop, VehicleType
from logistics.tables.files import DeliveryLine, PickupLine, RouteStop
from territory.model import Territory, TimeWindow, Vehicle, weekday_of

__all__ = [
    "COST_UNITS_PER_EUR",
    "DayProblem",
    "DayWork",
    "StopContent",
    "build_day_problem",
    "plan_rows",
]

COST_UNITS_PER_EUR = 100_000
"""Routing costs are in millicents: integer, yet fine enough for per-metre costs."""

_UNSERVED_PENALTY = 1_000 * COST_UNITS_PER_EUR
"""Cost of leaving a stop unserved: far above any round's cost, so dropping is a last resort."""

_BREAK_EARLIEST_AFTER_S = 2 * 3600
_DAY_S = 24 * 3600

_L = TypeVar("_L", DeliveryLine, PickupLine)

Line = tuple[str, int, str]
"""An order line inside a stop: (product_id, whole units, ordered product it replaces or "")."""


@dataclass(frozen=True)
class DayWork:
    """What must happen on one day: deliveries (venue, product, units) and pickups."""

    day: date
    deliveries: tuple[tuple[str, str, int, str], ...]
    pickups: tuple[tuple[str, str, int, str], ...] = ()


@dataclass(frozen=True)
class StopContent:
    """What one routing stop stands for: a site and the product lines handled there."""

    site_id: str
    site_kind: str
    lines: tuple[Line, ...]

    @property
    def units(self) -> int:
        """Whole units handled at the stop."""
        return sum(line[1] for line in self.lines)


@dataclass(frozen=True)
class Rejected:
    """Lines that cannot become a stop at all, with the reason."""

    site_id: str
    site_kind: str
    lines: tuple[Line, ...]
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
    """

    day: date
    problem: RoutingProblem | None
    contents: tuple[StopContent, ...]
    vehicles: tuple[Vehicle, ...]
    sites: tuple[str, ...]
    rejected: tuple[Rejected, ...]


def _windows_s(windows: Sequence[TimeWindow]) -> tuple[tuple[int, int], ...]:
    return tuple((w.start_min * 60, w.end_min * 60) for w in windows)


def _site_point(territory: Territory, site_id: str) -> tuple[float, float]:
    if site_id == territory.hub.id:
        return (territory.hub.lon, territory.hub.lat)
    site = territory.venues_by_id.get(site_id) or territory.producers_by_id[site_id]
    return (site.lon, site.lat)


def _load(territory: Territory, lines: Sequence[Line]) -> Load:
    total = Load()
    for product_id, quantity, _ in lines:
        p = territory.products_by_id[product_id]
        total = total + load_of(p.unit_kg, p.unit_l, p.temperature, quantity)
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


def _has_compartments(load: Load, capacity: Load) -> bool:
    return all(c > 0 for a, c in zip(load.as_tuple(), capacity.as_tuple(), strict=True) if a > 0)


def _suitable(territory: Territory, vehicle: Vehicle, site_id: str, site_kind: str) -> bool:
    """Access and zone rules (compartments are checked separately)."""
    if site_kind == "venue":
        access = territory.venues_by_id[site_id].access
        if access == "bike_only" and vehicle.profile != "bike":
            return False
        if access == "no_truck" and vehicle.kind == "truck":
            return False
    if vehicle.zone is not None:
        zone = territory.zones_by_name[vehicle.zone]
        if not zone.geometry.covers(Point(*_site_point(territory, site_id))):
            return False
    return True


def _split(territory: Territory, lines: Sequence[Line], capacity: Load) -> list[tuple[Line, ...]]:
    """Split lines into chunks that each fit ``capacity`` (first fit, unit by unit if needed)."""
    chunks: list[list[Line]] = []
    loads: list[Load] = []
    for product_id, quantity, replaces in sorted(
        lines, key=lambda line: -_load(territory, [line]).mass_g
    ):
        remaining = quantity
        while remaining > 0:
            for i, chunk_load in enumerate(loads):
                fit = _max_units(territory, product_id, remaining, capacity, chunk_load)
                if fit > 0:
                    chunks[i].append((product_id, fit, replaces))
                    loads[i] = chunk_load + _load(territory, [(product_id, fit, replaces)])
                    remaining -= fit
                    break
            else:
                fit = _max_units(territory, product_id, remaining, capacity, Load())
                if fit == 0:  # one unit is larger than the vehicle: cannot be carried at all
                    return []
                chunks.append([(product_id, fit, replaces)])
                loads.append(_load(territory, [(product_id, fit, replaces)]))
                remaining -= fit
    return [tuple(chunk) for chunk in chunks]


def _max_units(
    territory: Territory, product_id: str, wanted: int, capacity: Load, used: Load
) -> int:
    unit = _load(territory, [(product_id, 1, "")])
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


def _group(
    territory: Territory, lines: Sequence[tuple[str, str, int, str]]
) -> dict[tuple[str, str], list[Line]]:
    """Lines per (site, temperature group): ``ambient`` or ``cold`` (chilled and frozen)."""
    groups: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for site_id, product_id, quantity, replaces in lines:
        if quantity <= 0:
            continue
        temperature = territory.products_by_id[product_id].temperature
        groups[(site_id, "ambient" if temperature == "ambient" else "cold")].append(
            (product_id, quantity, replaces)
        )
    return groups


def build_day_problem(
    territory: Territory,
    work: DayWork,
    vehicles: Sequence[Vehicle],
    matrices: Mapping[str, TravelMatrices],
    site_index: Mapping[str, int],
    *,
    long_days: bool = False,
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

    Returns
    -------
    DayProblem
        With ``problem=None`` when nothing can be routed (every line is then in ``rejected``).
    """
    weekday = weekday_of(work.day)
    hub = territory.hub
    day_vehicles = [v for v in vehicles if weekday in v.days]
    capacities = [_capacity(v) for v in day_vehicles]
    contents: list[StopContent] = []
    rejected: list[Rejected] = []
    specs: list[tuple[StopContent, frozenset[int], tuple[tuple[int, int], ...], bool]] = []
    for kind, lines in (("venue", work.deliveries), ("producer", work.pickups)):
        groups = _group(territory, lines)
        for site_id, group_name in [key for key in groups if key[1] == "cold"]:
            cold_load = _load(territory, groups[(site_id, group_name)])
            if not any(_has_compartments(cold_load, c) for c in capacities):
                # no vehicle carries both: chilled and frozen goods become separate stops
                for line in groups.pop((site_id, group_name)):
                    temperature = territory.products_by_id[line[0]].temperature
                    groups[(site_id, str(temperature))].append(line)
        for (site_id, _group_name), group_lines in sorted(groups.items()):
            site = (
                territory.venues_by_id[site_id]
                if kind == "venue"
                else territory.producers_by_id[site_id]
            )
            windows = _windows_s(site.opening.get(weekday, ()))
            if not windows:
                if kind == "venue":
                    rejected.append(
                        Rejected(
                            site_id, kind, tuple(group_lines), f"closed on {_day_name(work.day)}"
                        )
                    )
                    continue
                windows = ((0, _DAY_S),)  # a farm without pickup hours can be visited any time
            load = _load(territory, group_lines)
            allowed = [
                i
                for i, v in enumerate(day_vehicles)
                if _has_compartments(load, capacities[i]) and _suitable(territory, v, site_id, kind)
            ]
            if not allowed:
                rejected.append(
                    Rejected(
                        site_id,
                        kind,
                        tuple(group_lines),
                        _no_vehicle_reason(territory, day_vehicles, load, site_id, kind, work.day),
                    )
                )
                continue
            chunks: list[tuple[Line, ...]] = [tuple(group_lines)]
            if not any(_fits(load, capacities[i]) for i in allowed):
                biggest = max(allowed, key=lambda i: capacities[i].as_tuple())
                chunks = _split(territory, group_lines, capacities[biggest])
                if not chunks:
                    rejected.append(
                        Rejected(
                            site_id,
                            kind,
                            tuple(group_lines),
                            "a single unit is larger than any suitable vehicle",
                        )
                    )
                    continue
            for chunk in chunks:
                specs.append(
                    (
                        StopContent(site_id, kind, chunk),
                        frozenset(allowed),
                        windows,
                        kind == "venue",
                    )
                )
    if not specs or not day_vehicles:
        for content, _, _, _ in specs:
            rejected.append(
                Rejected(
                    content.site_id,
                    content.site_kind,
                    content.lines,
                    f"no vehicle works on {_day_name(work.day)}",
                )
            )
        return DayProblem(work.day, None, (), tuple(day_vehicles), (hub.id,), tuple(rejected))
    sites = [hub.id, *sorted({content.site_id for content, _, _, _ in specs})]
    local = {site: i for i, site in enumerate(sites)}
    rows = np.array([site_index[s] for s in sites])
    take = np.ix_(rows, rows)
    profiles: dict[str, Profile] = {
        name: Profile(
            duration_s=matrices[name].duration_s[take], distance_m=matrices[name].distance_m[take]
        )
        for name in sorted({v.profile for v in day_vehicles})
    }
    handling = hub.service.handling_s_per_unit
    stops = []
    for content, allowed_types, windows, _ in specs:
        if content.site_kind == "venue":
            fixed_min = territory.venues_by_id[content.site_id].service_min
            delivery, pickup = _load(territory, content.lines), Load()
        else:
            fixed_min = hub.service.default_service_min
            delivery, pickup = Load(), _load(territory, content.lines)
        contents.append(content)
        stops.append(
            Stop(
                location=local[content.site_id],
                delivery=delivery.as_tuple(),
                pickup=pickup.as_tuple(),
                service_s=round(fixed_min * 60 + handling * content.units),
                windows=windows,
                required=False,
                penalty=_UNSERVED_PENALTY + (delivery + pickup).mass_g,
                allowed_vehicle_types=allowed_types,
                label=f"{content.site_id} ({content.site_kind})",
            )
        )
    problem = RoutingProblem(
        dimensions=DIMENSIONS,
        profiles=profiles,
        stops=tuple(stops),
        vehicle_types=tuple(_vehicle_type(territory, v, long_days=long_days) for v in day_vehicles),
        coordinates=tuple(_site_point(territory, s) for s in sites),
        name=f"{territory.hub.name} {work.day.isoformat()}",
    )
    return DayProblem(
        work.day, problem, tuple(contents), tuple(day_vehicles), tuple(sites), tuple(rejected)
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
    when = _day_name(day)
    if not vehicles:
        return f"no vehicle works on {when}"
    if load.frozen_ml and not any(v.frozen_l > 0 for v in vehicles):
        return f"frozen goods and no vehicle with a freezer compartment works on {when}"
    if load.chilled_ml and not any(v.chilled_l > 0 for v in vehicles):
        return f"chilled goods and no refrigerated vehicle works on {when}"
    if kind == "venue":
        access = territory.venues_by_id[site_id].access
        if access == "bike_only":
            return (
                "delivery by cargo bike only, and no cargo bike that can carry"
                f" these goods there works on {when}"
            )
        if access == "no_truck":
            return f"no truck allowed there, and no other suitable vehicle works on {when}"
    return f"no vehicle with the right compartments may go there on {when}"


def plan_rows(
    territory: Territory, day_problem: DayProblem, result: RoutingResult
) -> tuple[list[RouteStop], list[DeliveryLine], list[PickupLine]]:
    """Turn a routing result into ``routes.csv``, ``deliveries.csv``, ``pickups.csv`` rows.

    Consecutive stops of one vehicle at the same site (a venue's ambient and cold
    goods, say) become one row.  The ``reload`` row belongs to the trip it ends.
    """
    problem = day_problem.problem
    assert problem is not None
    tz = ZoneInfo(territory.hub.timezone)
    midnight = datetime(day_problem.day.year, day_problem.day.month, day_problem.day.day, tzinfo=tz)
    loading_s = round(territory.hub.service.loading_min * 60)
    routes: list[RouteStop] = []
    deliveries: list[DeliveryLine] = []
    pickups: list[PickupLine] = []

    def at(seconds: int) -> datetime:
        return midnight + timedelta(seconds=seconds)

    for route in result.routes:
        vehicle = day_problem.vehicles[route.vehicle_type]
        rows: list[RouteStop] = []
        trip = 1
        for visit in route.visits:
            load = Load(*visit.load_after)
            ambient_l, chilled_l, frozen_l = load.litres()
            if visit.kind == "stop":
                content = day_problem.contents[visit.index]
                site_id, site_kind = content.site_id, content.site_kind
                action = "deliver" if site_kind == "venue" else "pickup"
            elif visit.kind == "break":
                site_id, site_kind, action = rows[-1].site_id, rows[-1].site_kind, "break"
            else:
                site_id, site_kind, action = territory.hub.id, "hub", visit.kind
            arrival = visit.arrival_s - loading_s if visit.kind == "start" else visit.arrival_s
            previous = rows[-1] if rows else None
            if (
                previous is not None
                and action in ("deliver", "pickup")
                and previous.action == action
                and previous.site_id == site_id
            ):
                rows[-1] = replace(
                    previous,
                    departure=at(visit.departure_s),
                    load_kg=load.kg,
                    load_l=ambient_l,
                    chilled_l=chilled_l,
                    frozen_l=frozen_l,
                )
            else:
                rows.append(
                    RouteStop(
                        day=day_problem.day,
                        vehicle_id=vehicle.id,
                        trip=trip,
                        seq=len(rows) + 1,
                        site_id=site_id,
                        site_kind=site_kind,
                        action=action,
                        arrival=at(arrival),
                        service_start=at(
                            visit.start_service_s if visit.kind == "stop" else arrival
                        ),
                        departure=at(visit.departure_s),
                        distance_m=visit.distance_m_from_prev,
                        duration_s=visit.duration_s_from_prev,
                        load_kg=load.kg,
                        load_l=ambient_l,
                        chilled_l=chilled_l,
                        frozen_l=frozen_l,
                    )
                )
            if visit.kind == "stop":
                row = rows[-1]
                for product_id, quantity, replaces in day_problem.contents[visit.index].lines:
                    if row.action == "deliver":
                        deliveries.append(
                            DeliveryLine(
                                row.day,
                                vehicle.id,
                                trip,
                                row.seq,
                                site_id,
                                product_id,
                                quantity,
                                replaces,
                            )
                        )
                    else:
                        pickups.append(
                            PickupLine(
                                row.day, vehicle.id, trip, row.seq, site_id, product_id, quantity
                            )
                        )
            if visit.kind == "reload":
                trip += 1
        routes.extend(rows)
    return routes, _summed(deliveries), _summed(pickups)


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
