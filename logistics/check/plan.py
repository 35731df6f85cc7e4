"""The independent plan checker: recomputes a week plan from the raw inputs.

The checker never trusts the planner.  It reads the territory (hub, venues,
producers, products, vehicles, orders, offers, zones), asks the road network for
travel times, and replays every vehicle's day of ``routes.csv`` together with
``deliveries.csv``, ``pickups.csv`` and ``unserved.csv``.  Every finding is a
:class:`Violation` whose message a coordinator understands, e.g.::

    Tue 2026-12-01, V2 trip 1, stop 4 (V07 Épicerie du Petit Bard): service starts 11:42,
    opening hours 08:30-11:30.

Semantics of ``routes.csv`` (the planner follows exactly these rules)
--------------------------------------------------------------------
Rows and trips
    Each ``(day, vehicle_id)`` is one vehicle's day.  Its rows, in ``seq`` order,
    are numbered 1, 2, 3 ... without gaps; the first is a ``start`` at the hub and
    the last an ``end`` at the hub, and neither appears elsewhere.  ``trip`` is 1
    on the first row and increases by one *after* each ``reload`` row: the reload
    row belongs to the trip it ends (trip 1 = start ... reload, trip 2 = after that
    reload ... next reload or end).  A ``break`` row repeats the site of the row
    before it, with distance 0 and duration 0.  ``start``, ``reload`` and ``end``
    are at the hub, ``deliver`` at a venue, ``pickup`` at a producer; ``site_kind``
    agrees with the site.
Travel
    ``distance_m`` and ``duration_s`` of a row are the travel from the previous
    row's site in the vehicle profile's matrix (tolerance 1 m / 1 s; 0 on the
    first row and on breaks), and ``arrival >= previous departure + duration``
    (tolerance 1 s).  Site coordinates come from hub.toml, venues.csv and
    producers.csv.
Times
    Times are local wall-clock times of the hub's time zone, counted from
    midnight of the row's ``day``.  On every row ``arrival <= service_start <=
    departure``.  ``start``: arrival not before the vehicle's shift start;
    ``departure >= arrival + loading_min``; the hub is open at the departure when
    hub.toml gives opening hours for that weekday (no hours that weekday: no
    check).  ``reload``: ``departure >= arrival + loading_min``.  ``end``:
    arrival not after the shift end.  ``deliver``/``pickup``: ``service_start``
    inside one of the site's windows that weekday (``start <= service_start <=
    end``; venues' receiving hours, producers' pickup hours; a producer without
    pickup hours that weekday may be visited at any time, as the planner
    assumes) and ``departure >= service_start + service_min * 60 +
    handling_s_per_unit * units``, where the units are the deliveries/pickups
    lines of that day, vehicle and seq, and ``service_min`` is the venue's
    (producers: the hub's ``default_service_min``).
Working time
    The vehicle works on that weekday (``days``) and the day lies in the
    planned week; at most ``max_trips`` trips (1 + number of reloads); the
    day's length, ``end.arrival - start.arrival``, is at most ``max_shift_h``;
    when it is longer than ``break_after_h``, at least one ``break`` row lasts
    ``break_min`` (``departure - arrival``).
Loads
    Replayed from the lines: at ``start`` and at each ``reload`` the vehicle
    unloads its pickups and loads every delivery of the trip that follows
    (``trip`` of the start row, ``trip + 1`` of a reload row); a ``deliver``
    row removes its lines, a ``pickup`` row adds its lines, ``break`` changes
    nothing, and nothing is on board after ``end``.  Mass is ``unit_kg`` per
    unit; volume is ``unit_l`` per unit in the compartment of the product's
    temperature class.  The row's ``load_kg``, ``load_l`` (ambient), ``chilled_l``
    and ``frozen_l`` must match (tolerance 0.01) and stay within ``capacity_kg``,
    ``capacity_l`` (ambient litres), ``chilled_l`` and ``frozen_l``.
Compatibility
    A vehicle with a ``zone`` serves only sites inside that zone's polygon (the
    hub, its depot, excepted); a cargo bike without a zone is not restricted.
    A ``bike_only`` venue is served by a bike-profile vehicle only, a
    ``no_truck`` venue never by a vehicle of kind ``truck``.  Chilled or frozen
    goods on a vehicle without that compartment get their own message (and not
    a capacity one).
Lines and coverage
    Every deliveries/pickups line names a venue/producer, a known product, a
    quantity above 0 and the routes row (day, vehicle, seq) of a ``deliver``/
    ``pickup`` at that site on that trip.  For every order line of the week,
    delivered + unserved equals ordered, and no venue receives more than it
    ordered; a product a venue did not order is reported as ``unordered`` (no
    substitutions yet).  Pickups of a producer, product and date never exceed
    the producer's offers for that weekday.

Violation kinds
---------------
``reference`` unknown vehicle, site or site kind; ``sequence`` row order, trip
numbering, breaks, actions at the wrong kind of site; ``week`` day outside the
planned week; ``vehicle_day`` vehicle not working that weekday; ``travel_time``
arrival sooner than the drive allows; ``distance``/``duration`` travel figures
differ from the network; ``shift`` before shift start / after shift end;
``shift_length`` longer than ``max_shift_h``; ``max_trips``; ``loading`` too
little time to load at the hub; ``hub_closed``; ``service`` inconsistent or too
short service; ``opening_hours`` service outside the site's hours; ``break``
missing break; ``load`` wrong recorded load; ``capacity``; ``compartment``;
``zone``; ``access``; ``line`` bad deliveries/pickups line; ``coverage``;
``over_delivery``; ``unordered``; ``offer``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from geo.travel import TravelTimes
from logistics.check.context import (
    KINDS,
    Context,
    Violation,
)
from logistics.check.lines import check_coverage, check_line_references, check_offers
from logistics.check.rounds import check_vehicle_day
from logistics.tables.files import PlanTables, RouteStop, read_plan_tables
from territory.errors import InputError, Problem
from territory.model import IsoWeek, Site, Territory

__all__ = [
    "KINDS",
    "CheckReport",
    "Violation",
    "check_plan",
    "check_plan_folder",
    "format_report",
]


@dataclass(frozen=True)
class CheckReport:
    """What :func:`check_plan_folder` found.

    Parameters
    ----------
    territory_folder, plan_folder
        The folders checked.
    violations
        Every violation, grouped by vehicle day, then lines, coverage and offers.
    vehicle_days
        Number of ``(day, vehicle)`` rounds in ``routes.csv``.
    stops
        Number of ``routes.csv`` rows.
    """

    territory_folder: Path
    plan_folder: Path
    violations: tuple[Violation, ...]
    vehicle_days: int
    stops: int

    @property
    def ok(self) -> bool:
        """Whether the plan has no violation."""
        return not self.violations

    def __str__(self) -> str:
        return format_report(self.violations)


def _matrices(
    territory: Territory,
    tables: PlanTables,
    travel: Mapping[str, TravelTimes],
    sites: Mapping[str, Site],
) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]:
    vehicles = territory.vehicles_by_id
    profiles = sorted(
        {vehicles[s.vehicle_id].profile for s in tables.routes if s.vehicle_id in vehicles}
    )
    missing = [p for p in profiles if p not in travel]
    if missing:
        raise ValueError(f"no travel times given for the profile(s) {', '.join(missing)}")
    points = [(site.lon, site.lat) for site in sites.values()]
    labels = list(sites)
    result: dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]] = {}
    for profile in profiles:
        m = travel[profile].matrices(points, labels=labels)
        result[profile] = (np.asarray(m.duration_s), np.asarray(m.distance_m))
    return result


def check_plan(
    territory: Territory,
    tables: PlanTables,
    travel: Mapping[str, TravelTimes],
    *,
    week: IsoWeek | None = None,
) -> list[Violation]:
    """Check a week plan against its territory, recomputing everything.

    Parameters
    ----------
    territory
        The raw territory the plan was made for.
    tables
        The plan's routes, deliveries, pickups and unserved lines.
    travel
        Travel times per profile (``drive``, ``bike``) for every profile of a
        vehicle appearing in ``routes``.
    week
        The planned ISO week (default: the territory's week, see
        :attr:`Territory.week`); orders of that week must be covered.

    Returns
    -------
    list of Violation
        Empty when the plan is valid.  Order: each vehicle's day (by day then
        vehicle), then deliveries/pickups lines, coverage and offers.

    Raises
    ------
    ValueError
        If ``travel`` lacks a profile used by a vehicle in the routes.
    """
    sites = territory.sites
    ctx = Context(
        territory=territory,
        tables=tables,
        week=week or territory.week,
        matrices=_matrices(territory, tables, travel, sites),
        sites=sites,
        site_index=territory.site_index,
        timezone=territory.tzinfo,
    )
    days: dict[tuple[date, str], list[tuple[int, RouteStop]]] = defaultdict(list)
    for row, stop in enumerate(tables.routes, start=2):
        days[(stop.day, stop.vehicle_id)].append((row, stop))
        ctx.stop_rows.setdefault((stop.day, stop.vehicle_id, stop.seq), (row, stop))
    for number, line in enumerate(tables.deliveries, start=2):
        ctx.delivery_by_stop[(line.day, line.vehicle_id, line.seq)].append((number, line))
        ctx.delivery_by_trip[(line.day, line.vehicle_id, line.trip)].append(line)
    for number, pickup in enumerate(tables.pickups, start=2):
        ctx.pickup_by_stop[(pickup.day, pickup.vehicle_id, pickup.seq)].append((number, pickup))
    for (day, vehicle_id), rows in sorted(days.items()):
        check_vehicle_day(ctx, day, vehicle_id, rows)
    check_line_references(ctx)
    check_coverage(ctx)
    check_offers(ctx)
    return ctx.out


def check_plan_folder(
    territory_folder: str | Path,
    plan_folder: str | Path,
    *,
    week: IsoWeek | None = None,
    travel: Mapping[str, TravelTimes] | None = None,
) -> CheckReport:
    """Load a territory and a plan folder and check the plan.

    Parameters
    ----------
    territory_folder
        The territory folder (hub.toml, venues.csv ...).
    plan_folder
        The plan folder (routes.csv, deliveries.csv, pickups.csv, unserved.csv).
    week
        The planned week (default: the territory's).
    travel
        Travel times per profile; by default built from the road networks named
        in hub.toml (``[network]``).

    Returns
    -------
    CheckReport

    Raises
    ------
    InputError
        If the territory or a plan table cannot be read (file, row and column
        named), or hub.toml names no usable road network for a vehicle profile.
    """
    from logistics.plan.travel import territory_travel_times
    from territory.reader import load_territory

    territory_path, plan_path = Path(territory_folder), Path(plan_folder)
    if not plan_path.is_dir():
        raise InputError([Problem(str(plan_path), "the plan folder does not exist")])
    territory = load_territory(territory_path)
    tables = read_plan_tables(plan_path)
    if travel is None:
        travel = territory_travel_times(territory)
    violations = check_plan(territory, tables, travel, week=week)
    return CheckReport(
        territory_folder=territory_path,
        plan_folder=plan_path,
        violations=tuple(violations),
        vehicle_days=len({(s.day, s.vehicle_id) for s in tables.routes}),
        stops=len(tables.routes),
    )


def format_report(violations: Iterable[Violation]) -> str:
    """The violations as plain text for a terminal or an e-mail.

    One summary line (count per kind), then one line per violation, in the
    order given, each prefixed with its routes.csv row when it has one.
    """
    items: Sequence[Violation] = list(violations)
    if not items:
        return "The plan passes every check."
    counts = Counter(v.kind for v in items)
    by_kind = ", ".join(f"{kind} {counts[kind]}" for kind in KINDS if kind in counts)
    noun = "problem" if len(items) == 1 else "problems"
    lines = [f"{len(items)} {noun} in the plan ({by_kind}):"]
    for v in items:
        where = f"routes.csv row {v.row}: " if v.row is not None else ""
        lines.append(f"- [{v.kind}] {where}{v.message}")
    return "\n".join(lines)
