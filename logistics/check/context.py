"""Shared vocabulary of the plan checker: violations, sites, time and message helpers.

Internal to :mod:`logistics.check.plan`; :class:`Violation` is re-exported there.
Times are compared as local wall-clock seconds after midnight of the row's
``day`` in the hub's time zone (a datetime without offset is read as local time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from logistics.load import Load, load_of
from logistics.tables.files import DeliveryLine, PickupLine, PlanTables, RouteStop
from territory.model import WEEKDAYS, IsoWeek, Site, Territory

__all__ = ["KINDS", "Violation"]

KINDS: tuple[str, ...] = (
    "reference",
    "sequence",
    "week",
    "vehicle_day",
    "travel_time",
    "distance",
    "duration",
    "shift",
    "shift_length",
    "max_trips",
    "loading",
    "hub_closed",
    "service",
    "opening_hours",
    "break",
    "load",
    "capacity",
    "compartment",
    "zone",
    "access",
    "line",
    "coverage",
    "over_delivery",
    "unordered",
    "offer",
)
"""Every violation kind, in the order the checker looks for them."""

TIME_TOLERANCE_S = 1.0
DISTANCE_TOLERANCE_M = 1.0
LOAD_TOLERANCE = 0.01


@dataclass(frozen=True)
class Violation:
    """One thing wrong with a plan.

    Parameters
    ----------
    kind
        One of :data:`KINDS` (``opening_hours``, ``capacity`` ...).
    message
        A sentence a coordinator understands, located (day, vehicle, trip, stop, site).
    day
        The day concerned, if any.
    vehicle_id
        The vehicle concerned, if any.
    site_id
        The hub, venue or producer concerned, if any.
    row
        The ``routes.csv`` row concerned (spreadsheet numbering: header is row 1), if any.
    """

    kind: str
    message: str
    day: date | None = None
    vehicle_id: str | None = None
    site_id: str | None = None
    row: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown violation kind {self.kind!r}")


def day_label(day: date) -> str:
    """``Tue 2026-12-01``."""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {day.isoformat()}"


def clock(seconds: float) -> str:
    """Seconds after midnight as ``HH:MM`` (or ``HH:MM:SS`` when not on a minute)."""
    whole = round(seconds)
    sign = "-" if whole < 0 else ""
    whole = abs(whole)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{secs:02d}" if secs else text


def span(seconds: float) -> str:
    """A duration in words: ``2 h 05 min``, ``12 min``, ``45 s``."""
    whole = round(seconds)
    if abs(whole) < 60:
        return f"{whole} s"
    minutes, secs = divmod(abs(whole), 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
    if secs:
        text += f" {secs:02d} s"
    return ("-" if whole < 0 else "") + text


def number(value: float) -> str:
    """A quantity without useless decimals (``12``, ``12.5``)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


StopKey = tuple[date, str, int]
"""(day, vehicle_id, seq): a routes.csv stop."""
TripKey = tuple[date, str, int]
"""(day, vehicle_id, trip)."""


@dataclass
class Context:
    """Everything the checks share, built once from the raw inputs."""

    territory: Territory
    tables: PlanTables
    week: IsoWeek | None
    matrices: Mapping[str, tuple[NDArray[np.int64], NDArray[np.int64]]]
    sites: Mapping[str, Site]
    site_index: Mapping[str, int]
    timezone: ZoneInfo | None
    out: list[Violation] = field(default_factory=list)
    delivery_by_stop: dict[StopKey, list[tuple[int, DeliveryLine]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    pickup_by_stop: dict[StopKey, list[tuple[int, PickupLine]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    delivery_by_trip: dict[TripKey, list[DeliveryLine]] = field(
        default_factory=lambda: defaultdict(list)
    )
    stop_rows: dict[StopKey, tuple[int, RouteStop]] = field(default_factory=dict)

    def add(
        self,
        kind: str,
        message: str,
        *,
        day: date | None = None,
        vehicle_id: str | None = None,
        site_id: str | None = None,
        row: int | None = None,
    ) -> None:
        """Record a violation."""
        self.out.append(Violation(kind, message, day, vehicle_id, site_id, row))

    def seconds(self, day: date, moment: datetime) -> float:
        """Local wall-clock seconds after midnight of ``day`` (may exceed 86,400)."""
        if moment.tzinfo is not None and self.timezone is not None:
            moment = moment.astimezone(self.timezone)
        local = moment.replace(tzinfo=None)
        return (local - datetime.combine(day, time())).total_seconds()

    def site_label(self, site_id: str) -> str:
        """``V07 Épicerie du Petit Bard``; the hub by its name; the id alone when unknown."""
        site = self.sites.get(site_id)
        if site is None:
            return site_id
        return site.name if site.kind == "hub" else f"{site_id} {site.name}"

    def product_label(self, product_id: str) -> str:
        """``Yoghurt (C)``."""
        product = self.territory.products_by_id.get(product_id)
        return f"{product.name} ({product_id})" if product is not None else product_id

    def load_of_lines(self, lines: Sequence[DeliveryLine | PickupLine]) -> Load:
        """The load of some lines (unknown products and bad quantities count as nothing)."""
        total = Load()
        products = self.territory.products_by_id
        for line in lines:
            product = products.get(line.product_id)
            if product is None or line.quantity <= 0:
                continue
            total = total + load_of(
                product.unit_kg, product.unit_l, product.temperature, line.quantity
            )
        return total
