"""Rounds and trips read from the plan tables, shared by every human-facing output.

A *round* is the work of one vehicle on one day (one driver sheet); a *trip* is one
loop from the hub back to the hub.  In ``routes.csv`` a ``reload`` row at the hub
starts the next trip, so the leg that returns to the hub is carried by that row.
:func:`rounds` gives every trip its full loop (hub, stops, hub) whichever trip
number the reload row carries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from logistics.tables.files import PlanTables, RouteStop
from territory.errors import InputError, Problem
from territory.model import WEEKDAYS, Opening, Site, Territory, TimeWindow

PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#8C564B",
    "#4D4D4D",
    "#9E9A00",
    "#17BECF",
    "#1F3A93",
    "#A93226",
)
"""Colours of the vehicles (colour-blind friendly first, dark enough for white text)."""

WORK_ACTIONS = frozenset({"deliver", "pickup"})
HUB_ACTIONS = frozenset({"start", "reload", "end"})

StopKey = tuple[dt.date, str, int, int]
"""A stop's key in the plan tables: ``(day, vehicle_id, trip, seq)``."""


@dataclass(frozen=True)
class Trip:
    """One loop of a round.

    ``number`` is the trip number of the tables, ``ordinal`` counts from 1 within
    the round; ``stops`` is the loop from the hub back to the hub (the rows of the
    trip plus the hub row before or after it when another trip carries it).
    """

    number: int
    ordinal: int
    stops: tuple[RouteStop, ...]

    @property
    def distance_m(self) -> int:
        """Road distance of the loop, metres."""
        return sum(stop.distance_m for stop in self.stops[1:])

    @property
    def duration(self) -> dt.timedelta:
        """From leaving the hub to coming back."""
        return self.stops[-1].arrival - self.stops[0].departure

    @property
    def work_stops(self) -> tuple[RouteStop, ...]:
        """Deliveries and pickups of the loop."""
        return tuple(stop for stop in self.stops if stop.action in WORK_ACTIONS)


@dataclass(frozen=True)
class Round:
    """The work of one vehicle on one day: its rows in order and its trips."""

    day: dt.date
    vehicle_id: str
    rows: tuple[RouteStop, ...]
    trips: tuple[Trip, ...]

    @property
    def distance_m(self) -> int:
        """Road distance of the whole round, metres."""
        return sum(stop.distance_m for stop in self.rows[1:])

    @property
    def work_stops(self) -> tuple[RouteStop, ...]:
        """Deliveries and pickups of the round."""
        return tuple(stop for stop in self.rows if stop.action in WORK_ACTIONS)

    @property
    def breaks(self) -> tuple[RouteStop, ...]:
        """Driver breaks of the round."""
        return tuple(stop for stop in self.rows if stop.action == "break")


def _trip_loops(rows: tuple[RouteStop, ...]) -> tuple[Trip, ...]:
    numbers = sorted({row.trip for row in rows})
    trips = []
    for ordinal, number in enumerate(numbers, start=1):
        positions = [i for i, row in enumerate(rows) if row.trip == number]
        first, last = positions[0], positions[-1]
        if rows[first].action not in ("start", "reload") and first > 0:
            first -= 1
        if last + 1 < len(rows) and rows[last + 1].action == "reload":
            last += 1
        trips.append(Trip(number, ordinal, rows[first : last + 1]))
    return tuple(trips)


def rounds(territory: Territory, tables: PlanTables) -> list[Round]:
    """Group the routes rows into rounds, by day then by vehicle in fleet order."""
    by_round: dict[tuple[dt.date, str], list[RouteStop]] = defaultdict(list)
    for row in tables.routes:
        by_round[row.day, row.vehicle_id].append(row)
    order = {vehicle.id: i for i, vehicle in enumerate(territory.vehicles)}
    result = []
    for day, vehicle_id in sorted(
        by_round, key=lambda key: (key[0], order.get(key[1], len(order)), key[1])
    ):
        rows = tuple(sorted(by_round[day, vehicle_id], key=lambda row: (row.trip, row.seq)))
        result.append(Round(day, vehicle_id, rows, _trip_loops(rows)))
    return result


def vehicle_colours(territory: Territory, tables: PlanTables) -> dict[str, str]:
    """One colour per vehicle (fleet order first, then vehicles only in the tables)."""
    ids = [vehicle.id for vehicle in territory.vehicles]
    ids += sorted({row.vehicle_id for row in tables.routes} - set(ids))
    return {vehicle_id: PALETTE[i % len(PALETTE)] for i, vehicle_id in enumerate(ids)}


def vehicle_name(territory: Territory, vehicle_id: str) -> str:
    """Display name of a vehicle (its id when the fleet does not know it)."""
    vehicle = territory.vehicles_by_id.get(vehicle_id)
    return vehicle.name if vehicle is not None else vehicle_id


def site(territory: Territory, site_id: str, kind: str) -> Site:
    """The site a routes row points at (``kind`` names it in the error only).

    Raises
    ------
    InputError
        When the territory has no such site (the plan and territory do not match).
    """
    found = territory.sites.get(site_id)
    if found is None:
        raise InputError(
            [
                Problem(
                    "routes.csv",
                    f"site {site_id} ({kind}) is not in the territory",
                    None,
                    "site_id",
                )
            ]
        )
    return found


def check_sites(territory: Territory, rows: Iterable[RouteStop]) -> None:
    """Raise :class:`InputError` naming every routes row whose site is unknown."""
    problems: list[Problem] = []
    for row in rows:
        try:
            site(territory, row.site_id, row.site_kind)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)


def local(moment: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    """A datetime in the hub's time zone (unchanged when naive or the zone is unknown)."""
    if zone is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(zone)


def hhmm(moment: dt.datetime, zone: dt.tzinfo | None) -> str:
    """``HH:MM`` of a datetime in the hub's time zone."""
    return local(moment, zone).strftime("%H:%M")


def duration_text(delta: dt.timedelta) -> str:
    """A duration as ``2 h 05`` (or ``45 min`` under an hour)."""
    minutes = max(0, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d}"


def windows_on(opening: Opening | None, day: dt.date) -> tuple[TimeWindow, ...] | None:
    """Opening windows of a site on a date; ``None`` when the site has no hours at all."""
    if not opening:
        return None
    return tuple(opening.get(WEEKDAYS[day.weekday()], ()))


def window_text(opening: Opening | None, day: dt.date, closed: str) -> str:
    """Opening windows on a date as ``08:00-12:00, 14:00-18:00``; ``""`` when unknown."""
    windows = windows_on(opening, day)
    if windows is None:
        return ""
    if not windows:
        return closed
    return ", ".join(str(window) for window in windows)


@dataclass(frozen=True)
class Item:
    """A product quantity handled at a stop."""

    product_id: str
    name: str
    quantity: int
    unit: str
    temperature: str
    mass_kg: float


def items_by_stop(
    territory: Territory, tables: PlanTables
) -> tuple[Mapping[StopKey, list[Item]], Mapping[StopKey, list[Item]]]:
    """What is unloaded and what is collected at each stop, keyed ``(day, vehicle, trip, seq)``.

    Items are sorted by temperature class (ambient, chilled, frozen) then name.
    """
    products = territory.products_by_id

    def item(product_id: str, quantity: int) -> Item:
        product = products.get(product_id)
        if product is None:
            return Item(product_id, product_id, quantity, "", "ambient", 0.0)
        return Item(
            product_id,
            product.name,
            quantity,
            product.unit,
            product.temperature,
            quantity * product.unit_kg,
        )

    delivered: dict[StopKey, list[Item]] = defaultdict(list)
    for line in tables.deliveries:
        delivered[line.day, line.vehicle_id, line.trip, line.seq].append(
            item(line.product_id, line.quantity)
        )
    collected: dict[StopKey, list[Item]] = defaultdict(list)
    for pickup in tables.pickups:
        collected[pickup.day, pickup.vehicle_id, pickup.trip, pickup.seq].append(
            item(pickup.product_id, pickup.quantity)
        )
    rank = {"ambient": 0, "chilled": 1, "frozen": 2}
    for table in (delivered, collected):
        for items in table.values():
            items.sort(key=lambda it: (rank.get(it.temperature, 0), it.name))
    return delivered, collected


def key(stop: RouteStop) -> StopKey:
    """The key of a routes row in the deliveries and pickups tables."""
    return (stop.day, stop.vehicle_id, stop.trip, stop.seq)


def number(value: float, digits: int = 1, lang: str = "en") -> str:
    """A number with at most ``digits`` decimals, no trailing zeros, ``,`` in French."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(".", ",") if lang == "fr" else text


def stop_numbers(round_: Round) -> dict[StopKey, int]:
    """Numbers of the deliveries and pickups of a round, from 1, in visiting order."""
    return {key(stop): i for i, stop in enumerate(round_.work_stops, start=1)}
