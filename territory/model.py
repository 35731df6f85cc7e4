"""The domain model of a territory: frozen records that validate on creation.

Units are the coordinator's units: degrees (EPSG:4326, ``lon`` then ``lat``),
kilograms, litres, minutes, hours, euros, grams of CO2 per km.  The routing layer
converts to integer grams, millilitres, seconds and cents.

Every record checks its own fields in ``__post_init__`` and raises
:class:`~territory.errors.InputError` whose problems name the record type (as ``file``)
and the bad field (as ``column``), e.g. ``Venue column lat: 91.2 is not a latitude``.
The territory loader reports the same sentences located at file, row and column.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Literal, TypeVar, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shapely.geometry import MultiPolygon, Point, Polygon

from territory import values as checks
from territory.errors import InputError, Problem

__all__ = [
    "ACCESSES",
    "PROFILES",
    "TEMPERATURES",
    "WEEKDAYS",
    "Access",
    "DriverRules",
    "Hub",
    "IsoWeek",
    "Offer",
    "Opening",
    "OrderLine",
    "Organisation",
    "Producer",
    "Product",
    "Profile",
    "ServiceSettings",
    "Site",
    "SiteKind",
    "StockLot",
    "Temperature",
    "Territory",
    "TimeWindow",
    "Vehicle",
    "Venue",
    "Weekday",
    "Zone",
    "format_minutes",
    "opening_from_windows",
    "weekday_of",
]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"""A day of the week, as written in the files."""
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
"""Weekdays in ISO order (Monday first)."""

Access = Literal["any", "bike_only", "no_truck"]
"""Which vehicles may serve a venue: any, cargo bikes only, anything but trucks."""
ACCESSES: tuple[Access, ...] = get_args(Access)

Temperature = Literal["ambient", "chilled", "frozen"]
"""Temperature class of a product."""
TEMPERATURES: tuple[Temperature, ...] = get_args(Temperature)

Profile = Literal["drive", "bike"]
"""Road network a vehicle travels on."""
PROFILES: tuple[Profile, ...] = get_args(Profile)

MINUTES_PER_DAY = 24 * 60


def weekday_of(day: dt.date) -> Weekday:
    """The weekday of a date, as written in the files (``tue``)."""
    return WEEKDAYS[day.weekday()]


def format_minutes(minutes: int) -> str:
    """Format minutes after midnight as ``HH:MM`` (``1440`` is ``24:00``)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _weekday_problem(value: object) -> str | None:
    if value in WEEKDAYS:
        return None
    return f"{value} is not a weekday ({', '.join(WEEKDAYS)})"


def _weekdays_problem(values: object) -> str | None:
    if not isinstance(values, tuple) or not values:
        return "at least one weekday is required"
    for value in values:
        message = _weekday_problem(value)
        if message is not None:
            return message
    if len(set(values)) != len(values):
        return "a weekday appears twice"
    return None


@dataclass(frozen=True, order=True)
class TimeWindow:
    """A time window within one day.

    Parameters
    ----------
    start_min
        Start, minutes after midnight, ``0 <= start_min < 1440``.
    end_min
        End, minutes after midnight, ``start_min < end_min <= 1440``.

    Raises
    ------
    InputError
        When a bound is outside the day or the end is not after the start.
    """

    start_min: int
    end_min: int

    def __post_init__(self) -> None:
        start_problem = checks.all_checks(checks.whole, checks.between(0, MINUTES_PER_DAY - 1))(
            self.start_min
        )
        end_problem = checks.all_checks(checks.whole, checks.between(1, MINUTES_PER_DAY))(
            self.end_min
        )
        if start_problem is None and end_problem is None and self.end_min <= self.start_min:
            end_problem = (
                f"{format_minutes(self.end_min)} is not after the start "
                f"{format_minutes(self.start_min)}"
            )
        checks.raise_problems(
            "TimeWindow", [("start_min", start_problem), ("end_min", end_problem)]
        )

    @property
    def duration_min(self) -> int:
        """Length of the window, minutes."""
        return self.end_min - self.start_min

    def overlaps(self, other: TimeWindow) -> bool:
        """Whether the two windows share more than an instant."""
        return self.start_min < other.end_min and other.start_min < self.end_min

    def __str__(self) -> str:
        return f"{format_minutes(self.start_min)}-{format_minutes(self.end_min)}"


Opening = Mapping[Weekday, tuple[TimeWindow, ...]]
"""Opening hours: weekday -> sorted, non-overlapping windows (missing day = closed)."""


def opening_from_windows(windows: Iterable[tuple[Weekday, TimeWindow]]) -> Opening:
    """Build a read-only :data:`Opening` from ``(weekday, window)`` pairs.

    Windows are sorted per day; days are in week order.
    """
    by_day: dict[Weekday, list[TimeWindow]] = {}
    for day, window in windows:
        by_day.setdefault(day, []).append(window)
    return MappingProxyType({day: tuple(sorted(by_day[day])) for day in WEEKDAYS if day in by_day})


def _opening_problem(opening: object) -> str | None:
    if not isinstance(opening, Mapping):
        return "opening hours must be a mapping weekday -> windows"
    for day, windows in opening.items():
        message = _weekday_problem(day)
        if message is not None:
            return message
        if not isinstance(windows, tuple) or not all(isinstance(w, TimeWindow) for w in windows):
            return f"{day}: windows must be a tuple of TimeWindow"
        ordered = sorted(windows)
        for first, second in itertools.pairwise(ordered):
            if first.overlaps(second):
                return f"{day}: {second} overlaps {first}"
    return None


def _freeze_opening(opening: Opening) -> Opening:
    if isinstance(opening, MappingProxyType):
        return opening
    return MappingProxyType(dict(opening))


_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week, written ``2026-W49``.

    Parameters
    ----------
    year
        ISO year.
    week
        ISO week number, 1 to 52 or 53 depending on the year.

    Raises
    ------
    InputError
        When the week does not exist in that ISO year.
    """

    year: int
    week: int

    def __post_init__(self) -> None:
        problem = checks.whole_at_least(1)(self.year) or checks.whole(self.week)
        if problem is None:
            try:
                dt.date.fromisocalendar(self.year, self.week, 1)
            except ValueError:
                problem = f"{self} is not an ISO week"
        checks.raise_problems("IsoWeek", [("week", problem)])

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """Parse ``2026-W49``.

        Raises
        ------
        InputError
            When the text is not an existing ISO week.
        """
        match = _ISO_WEEK.match(text.strip())
        if match is not None:
            try:
                return cls(int(match.group(1)), int(match.group(2)))
            except InputError:
                pass
        raise InputError([Problem("IsoWeek", f'"{text}" is not an ISO week (like 2026-W49)')])

    def monday(self) -> dt.date:
        """Date of the Monday of this week."""
        return dt.date.fromisocalendar(self.year, self.week, 1)

    def date_of(self, day: Weekday) -> dt.date:
        """Date of a weekday of this week."""
        return dt.date.fromisocalendar(self.year, self.week, WEEKDAYS.index(day) + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"


@dataclass(frozen=True)
class ServiceSettings:
    """Default service times of the hub (``[service]`` in hub.toml).

    Parameters
    ----------
    default_service_min
        Minutes spent at a venue whose ``service_min`` is empty (>= 0).
    handling_s_per_unit
        Extra seconds per unit delivered or picked up (>= 0).
    loading_min
        Minutes to load a vehicle at the hub before each trip (>= 0).
    """

    default_service_min: float = 10.0
    handling_s_per_unit: float = 0.0
    loading_min: float = 0.0

    def __post_init__(self) -> None:
        non_negative = checks.at_least(0)
        checks.raise_problems(
            "ServiceSettings",
            [
                ("default_service_min", non_negative(self.default_service_min)),
                ("handling_s_per_unit", non_negative(self.handling_s_per_unit)),
                ("loading_min", non_negative(self.loading_min)),
            ],
        )


@dataclass(frozen=True)
class DriverRules:
    """Working-time rules of drivers (``[driver]`` in hub.toml).

    Parameters
    ----------
    max_shift_h
        Longest shift, hours (> 0), or ``None`` for no limit beyond the vehicle shift.
    break_after_h
        A break is due after this many hours of work (> 0), or ``None`` for no break.
    break_min
        Length of that break, minutes (>= 0).
    """

    max_shift_h: float | None = None
    break_after_h: float | None = None
    break_min: float = 0.0

    def __post_init__(self) -> None:
        positive = checks.more_than(0)
        checks.raise_problems(
            "DriverRules",
            [
                ("max_shift_h", None if self.max_shift_h is None else positive(self.max_shift_h)),
                (
                    "break_after_h",
                    None if self.break_after_h is None else positive(self.break_after_h),
                ),
                ("break_min", checks.at_least(0)(self.break_min)),
            ],
        )


@dataclass(frozen=True)
class Hub:
    """The hub: depot of every vehicle.

    Parameters
    ----------
    id
        Site id of the hub (``hub`` by default); shares the namespace of venue
        and producer ids.
    name
        Display name.
    lon, lat
        Position, degrees (EPSG:4326).
    timezone
        IANA time zone of every time in the territory.
    address
        Postal address, optional.
    week
        The ISO week planned by default, optional.
    opening
        Opening hours (weekday -> windows); a missing day is closed.
    service
        Default service times.
    driver
        Driver working-time rules.
    co2
        Free table of CO2 factors (name -> number), kept as given.
    network
        Road-network file per profile (absolute paths), not loaded here.
    """

    id: str
    name: str
    lon: float
    lat: float
    timezone: str = "Europe/Paris"
    address: str | None = None
    week: IsoWeek | None = None
    opening: Opening = field(default_factory=lambda: MappingProxyType({}), hash=False)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    driver: DriverRules = field(default_factory=DriverRules)
    co2: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    network: Mapping[Profile, Path] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "opening", _freeze_opening(self.opening))
        object.__setattr__(self, "co2", MappingProxyType(dict(self.co2)))
        object.__setattr__(self, "network", MappingProxyType(dict(self.network)))
        checks.raise_problems(
            "Hub",
            [
                ("id", checks.non_empty_text(self.id)),
                ("name", checks.non_empty_text(self.name)),
                ("lon", checks.longitude(self.lon)),
                ("lat", checks.latitude(self.lat)),
                ("opening", _opening_problem(self.opening)),
                (
                    "co2",
                    next(
                        (f"{k}: {m}" for k, v in self.co2.items() if (m := checks.number(v))),
                        None,
                    ),
                ),
                (
                    "network",
                    next(
                        (f'"{p}" is not a profile' for p in self.network if p not in PROFILES), None
                    ),
                ),
            ],
        )


@dataclass(frozen=True)
class Organisation:
    """An organisation sharing the hub (shop, association, producer group).

    Parameters
    ----------
    id, name
        Identifier and display name (non-empty).
    kind, contact
        Free text, optional.
    """

    id: str
    name: str
    kind: str | None = None
    contact: str | None = None

    def __post_init__(self) -> None:
        checks.raise_problems(
            "Organisation",
            [("id", checks.non_empty_text(self.id)), ("name", checks.non_empty_text(self.name))],
        )


@dataclass(frozen=True)
class Venue:
    """A place that receives deliveries (shop, distribution point, kitchen).

    Parameters
    ----------
    id, name, kind
        Identifier, display name, free-text kind.
    organisation_id
        The organisation that runs it.
    lon, lat
        Position, degrees (EPSG:4326).
    households
        Households served (whole number >= 0).
    delivery_days
        Weekdays on which it can be delivered (at least one, no repeats).
    access
        Which vehicles may serve it: ``any``, ``bike_only`` or ``no_truck``.
    service_min
        Minutes spent on site per delivery (>= 0); the hub default when the file
        leaves it empty.
    opening
        Opening hours (weekday -> windows).
    address, contact
        Free text, optional.
    deliveries_per_week
        Deliveries wanted per week, 1 to 7 and at most ``len(delivery_days)``.
    accepts_substitutes
        Whether a similar product may replace one that is short.
    """

    id: str
    name: str
    kind: str
    organisation_id: str
    lon: float
    lat: float
    households: int
    delivery_days: tuple[Weekday, ...]
    access: Access
    service_min: float
    opening: Opening = field(default_factory=lambda: MappingProxyType({}), hash=False)
    address: str | None = None
    contact: str | None = None
    deliveries_per_week: int = 1
    accepts_substitutes: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "opening", _freeze_opening(self.opening))
        per_week = checks.all_checks(checks.whole, checks.between(1, 7))(self.deliveries_per_week)
        days = _weekdays_problem(self.delivery_days)
        if per_week is None and days is None and self.deliveries_per_week > len(self.delivery_days):
            per_week = (
                f"{self.deliveries_per_week} deliveries a week need at least "
                f"{self.deliveries_per_week} delivery days, but delivery_days lists "
                f"{len(self.delivery_days)}"
            )
        checks.raise_problems(
            "Venue",
            [
                ("id", checks.non_empty_text(self.id)),
                ("name", checks.non_empty_text(self.name)),
                ("organisation_id", checks.non_empty_text(self.organisation_id)),
                ("lon", checks.longitude(self.lon)),
                ("lat", checks.latitude(self.lat)),
                ("households", checks.whole_at_least(0)(self.households)),
                ("delivery_days", days),
                ("access", checks.one_of(ACCESSES)(self.access)),
                ("service_min", checks.at_least(0)(self.service_min)),
                ("opening", _opening_problem(self.opening)),
                ("deliveries_per_week", per_week),
            ],
        )


@dataclass(frozen=True)
class Producer:
    """A producer whose offers are picked up.

    Parameters
    ----------
    id, name
        Identifier and display name.
    organisation_id
        The organisation it belongs to, or ``None``.
    lon, lat
        Position, degrees (EPSG:4326).
    field_m2, greenhouse_m2
        Open-field and greenhouse area, square metres (>= 0).
    opening
        Pickup windows (weekday -> windows).
    address
        Free text, optional.
    """

    id: str
    name: str
    organisation_id: str | None
    lon: float
    lat: float
    field_m2: float
    greenhouse_m2: float
    opening: Opening = field(default_factory=lambda: MappingProxyType({}), hash=False)
    address: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "opening", _freeze_opening(self.opening))
        checks.raise_problems(
            "Producer",
            [
                ("id", checks.non_empty_text(self.id)),
                ("name", checks.non_empty_text(self.name)),
                ("lon", checks.longitude(self.lon)),
                ("lat", checks.latitude(self.lat)),
                ("field_m2", checks.at_least(0)(self.field_m2)),
                ("greenhouse_m2", checks.at_least(0)(self.greenhouse_m2)),
                ("opening", _opening_problem(self.opening)),
            ],
        )


@dataclass(frozen=True)
class Product:
    """A product handled by the hub, counted in whole units.

    Parameters
    ----------
    id, name, category
        Identifier, display name, free-text category.
    temperature
        ``ambient``, ``chilled`` or ``frozen``.
    unit
        What one unit is (``crate``, ``kg``, ``jar``).
    unit_kg
        Mass of one unit, kilograms (> 0).
    unit_l
        Volume of one unit, litres (>= 0).
    shelf_life_days
        Days the product keeps (whole number >= 0).
    price_eur
        Value of one unit, euros (>= 0).
    """

    id: str
    name: str
    category: str
    temperature: Temperature
    unit: str
    unit_kg: float
    unit_l: float
    shelf_life_days: int
    price_eur: float

    def __post_init__(self) -> None:
        checks.raise_problems(
            "Product",
            [
                ("id", checks.non_empty_text(self.id)),
                ("name", checks.non_empty_text(self.name)),
                ("temperature", checks.one_of(TEMPERATURES)(self.temperature)),
                ("unit_kg", checks.more_than(0)(self.unit_kg)),
                ("unit_l", checks.at_least(0)(self.unit_l)),
                ("shelf_life_days", checks.whole_at_least(0)(self.shelf_life_days)),
                ("price_eur", checks.at_least(0)(self.price_eur)),
            ],
        )


@dataclass(frozen=True)
class Vehicle:
    """A vehicle of the pooled fleet; every trip starts and ends at the hub.

    Parameters
    ----------
    id, name
        Identifier and display name.
    organisation_id
        The organisation that lends it.
    kind
        ``van``, ``refrigerated_van``, ``cargo_bike``, ``truck`` or any other word.
    profile
        Road network it uses: ``drive`` or ``bike``.
    capacity_kg
        Payload, kilograms (>= 0).
    capacity_l
        Volume for ambient (unrefrigerated) goods, litres (>= 0).
    chilled_l, frozen_l
        Volume of the chilled and frozen compartments, litres (>= 0), in addition
        to ``capacity_l`` (three independent load dimensions besides mass).
    fixed_cost_eur
        Cost of using the vehicle on a day, euros (>= 0).
    cost_per_km_eur, cost_per_h_eur
        Running costs, euros per km and per hour (>= 0).
    co2_g_per_km
        Emissions, grams CO2 per km (>= 0).
    shift
        Working window of the vehicle and its driver.
    days
        Weekdays on which it is available.
    max_trips
        Trips from the hub per day (>= 1).
    zone
        Name of the zone it is restricted to, or ``None``.
    """

    id: str
    name: str
    organisation_id: str
    kind: str
    profile: Profile
    capacity_kg: float
    capacity_l: float
    chilled_l: float
    frozen_l: float
    fixed_cost_eur: float
    cost_per_km_eur: float
    cost_per_h_eur: float
    co2_g_per_km: float
    shift: TimeWindow
    days: tuple[Weekday, ...]
    max_trips: int = 1
    zone: str | None = None

    def __post_init__(self) -> None:
        non_negative = checks.at_least(0)
        checks.raise_problems(
            "Vehicle",
            [
                ("id", checks.non_empty_text(self.id)),
                ("name", checks.non_empty_text(self.name)),
                ("organisation_id", checks.non_empty_text(self.organisation_id)),
                ("kind", checks.non_empty_text(self.kind)),
                ("profile", checks.one_of(PROFILES)(self.profile)),
                ("capacity_kg", non_negative(self.capacity_kg)),
                ("capacity_l", non_negative(self.capacity_l)),
                ("chilled_l", non_negative(self.chilled_l)),
                ("frozen_l", non_negative(self.frozen_l)),
                ("fixed_cost_eur", non_negative(self.fixed_cost_eur)),
                ("cost_per_km_eur", non_negative(self.cost_per_km_eur)),
                ("cost_per_h_eur", non_negative(self.cost_per_h_eur)),
                ("co2_g_per_km", non_negative(self.co2_g_per_km)),
                ("shift", None if isinstance(self.shift, TimeWindow) else "must be a TimeWindow"),
                ("days", _weekdays_problem(self.days)),
                ("max_trips", checks.whole_at_least(1)(self.max_trips)),
                ("zone", None if self.zone is None else checks.non_empty_text(self.zone)),
            ],
        )


@dataclass(frozen=True)
class OrderLine:
    """One line of a venue's order for a week.

    Parameters
    ----------
    week
        The ISO week the order is for.
    venue_id, product_id
        Who orders what.
    quantity
        Units ordered (whole number > 0).
    """

    week: IsoWeek
    venue_id: str
    product_id: str
    quantity: int

    def __post_init__(self) -> None:
        checks.raise_problems(
            "OrderLine",
            [
                ("venue_id", checks.non_empty_text(self.venue_id)),
                ("product_id", checks.non_empty_text(self.product_id)),
                ("quantity", checks.all_checks(checks.whole, checks.more_than(0))(self.quantity)),
            ],
        )


@dataclass(frozen=True)
class StockLot:
    """A lot of a product in stock at the hub.

    Parameters
    ----------
    product_id, lot
        Product and lot identifier (unique together).
    quantity
        Units in stock (whole number >= 0).
    expiry
        Last day the lot may be delivered.
    """

    product_id: str
    lot: str
    quantity: int
    expiry: dt.date

    def __post_init__(self) -> None:
        checks.raise_problems(
            "StockLot",
            [
                ("product_id", checks.non_empty_text(self.product_id)),
                ("lot", checks.non_empty_text(self.lot)),
                ("quantity", checks.whole_at_least(0)(self.quantity)),
                ("expiry", None if isinstance(self.expiry, dt.date) else "must be a date"),
            ],
        )


@dataclass(frozen=True)
class Offer:
    """What a producer can hand over on a weekday.

    Parameters
    ----------
    producer_id, product_id
        Who offers what.
    quantity
        Units offered (whole number >= 0).
    day
        Weekday of the pickup.
    """

    producer_id: str
    product_id: str
    quantity: int
    day: Weekday

    def __post_init__(self) -> None:
        checks.raise_problems(
            "Offer",
            [
                ("producer_id", checks.non_empty_text(self.producer_id)),
                ("product_id", checks.non_empty_text(self.product_id)),
                ("quantity", checks.whole_at_least(0)(self.quantity)),
                ("day", _weekday_problem(self.day)),
            ],
        )


@dataclass(frozen=True)
class Zone:
    """A named area (e.g. the low-emission centre served by cargo bikes).

    Parameters
    ----------
    name
        Name used by ``vehicles.csv`` column ``zone``.
    geometry
        Valid shapely Polygon or MultiPolygon, lon/lat degrees (EPSG:4326).
    """

    name: str
    geometry: Polygon | MultiPolygon = field(compare=False)

    def __post_init__(self) -> None:
        geometry_problem = None
        if not isinstance(self.geometry, Polygon | MultiPolygon):
            geometry_problem = "must be a Polygon or MultiPolygon"
        elif self.geometry.is_empty or not self.geometry.is_valid:
            geometry_problem = "is not a valid polygon"
        checks.raise_problems(
            "Zone",
            [("name", checks.non_empty_text(self.name)), ("geometry", geometry_problem)],
        )

    @property
    def wkt(self) -> str:
        """The geometry as WKT."""
        return str(self.geometry.wkt)

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a point (degrees) lies inside the zone or on its border."""
        return bool(self.geometry.covers(Point(lon, lat)))


_T = TypeVar("_T")


def _by_key(items: Iterable[_T], key: str) -> Mapping[str, _T]:
    return MappingProxyType({cast(str, getattr(item, key)): item for item in items})


SiteKind = Literal["hub", "venue", "producer"]


@dataclass(frozen=True)
class Site:
    """A place a round may stop at: the hub, a venue or a producer (:attr:`Territory.sites`).

    Parameters
    ----------
    id, kind, name
        The record's id, what it is (``hub``/``venue``/``producer``) and its name.
    lon, lat
        Position, degrees (EPSG:4326).
    opening
        When it can be visited.
    address, contact
        Postal address and contact (a producer's: its organisation's), optional.
    """

    id: str
    kind: SiteKind
    name: str
    lon: float
    lat: float
    opening: Opening
    address: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Territory:
    """Everything the hub plans with; the root of the domain model.

    Parameters
    ----------
    folder
        The folder it was read from (absolute).
    hub
        The hub.
    organisations, venues, producers, products, vehicles
        Records with unique ids, in file order.
    orders
        Order lines (all weeks present in ``orders.csv``).
    orders_history
        Past order lines (``orders_history.csv``), possibly empty.
    stock
        Stock lots, unique by ``(product_id, lot)``.
    offers
        Producer offers.
    zones
        Named zones, unique names.

    Raises
    ------
    InputError
        When ids repeat or a record refers to an id that does not exist.
    """

    folder: Path
    hub: Hub
    organisations: tuple[Organisation, ...] = ()
    venues: tuple[Venue, ...] = ()
    producers: tuple[Producer, ...] = ()
    products: tuple[Product, ...] = ()
    vehicles: tuple[Vehicle, ...] = ()
    orders: tuple[OrderLine, ...] = ()
    orders_history: tuple[OrderLine, ...] = ()
    stock: tuple[StockLot, ...] = ()
    offers: tuple[Offer, ...] = ()
    zones: tuple[Zone, ...] = ()

    def __post_init__(self) -> None:
        for name in (
            "organisations",
            "venues",
            "producers",
            "products",
            "vehicles",
            "orders",
            "orders_history",
            "stock",
            "offers",
            "zones",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        checks.raise_problems("Territory", self._integrity_findings())

    def _integrity_findings(self) -> list[tuple[str, str | None]]:
        findings: list[tuple[str, str | None]] = []

        def unique(field_name: str, keys: Iterable[str]) -> None:
            seen: set[str] = set()
            for key in keys:
                if key in seen:
                    findings.append((field_name, f"duplicate id {key}"))
                seen.add(key)

        unique("organisations", (o.id for o in self.organisations))
        unique(
            "venues", [self.hub.id] + [v.id for v in self.venues] + [p.id for p in self.producers]
        )
        unique("products", (p.id for p in self.products))
        unique("vehicles", (v.id for v in self.vehicles))
        unique("zones", (z.name for z in self.zones))
        unique("stock", (f"{s.product_id}/{s.lot}" for s in self.stock))

        organisations = {o.id for o in self.organisations}
        venues = {v.id for v in self.venues}
        producers = {p.id for p in self.producers}
        products = {p.id for p in self.products}
        zones = {z.name for z in self.zones}

        def known(field_name: str, what: str, key: str | None, ids: set[str]) -> None:
            if key is not None and key not in ids:
                findings.append((field_name, f"unknown {what} {key}"))

        for venue in self.venues:
            known("venues", "organisation", venue.organisation_id, organisations)
        for producer in self.producers:
            known("producers", "organisation", producer.organisation_id, organisations)
        for vehicle in self.vehicles:
            known("vehicles", "organisation", vehicle.organisation_id, organisations)
            known("vehicles", "zone", vehicle.zone, zones)
        for name in ("orders", "orders_history"):
            for line in getattr(self, name):
                known(name, "venue", line.venue_id, venues)
                known(name, "product", line.product_id, products)
        for lot in self.stock:
            known("stock", "product", lot.product_id, products)
        for offer in self.offers:
            known("offers", "producer", offer.producer_id, producers)
            known("offers", "product", offer.product_id, products)
        return findings

    @cached_property
    def organisations_by_id(self) -> Mapping[str, Organisation]:
        """Organisations by id (read-only)."""
        return _by_key(self.organisations, "id")

    @cached_property
    def venues_by_id(self) -> Mapping[str, Venue]:
        """Venues by id (read-only)."""
        return _by_key(self.venues, "id")

    @cached_property
    def producers_by_id(self) -> Mapping[str, Producer]:
        """Producers by id (read-only)."""
        return _by_key(self.producers, "id")

    @cached_property
    def products_by_id(self) -> Mapping[str, Product]:
        """Products by id (read-only)."""
        return _by_key(self.products, "id")

    @cached_property
    def vehicles_by_id(self) -> Mapping[str, Vehicle]:
        """Vehicles by id (read-only)."""
        return _by_key(self.vehicles, "id")

    @cached_property
    def zones_by_name(self) -> Mapping[str, Zone]:
        """Zones by name (read-only)."""
        return _by_key(self.zones, "name")

    @property
    def week(self) -> IsoWeek | None:
        """The week planned by default: ``hub.week``, else the latest week ordered."""
        if self.hub.week is not None:
            return self.hub.week
        return max((line.week for line in self.orders), default=None)

    @cached_property
    def sites(self) -> Mapping[str, Site]:
        """Hub, venues and producers by id, in that order (the order of travel matrices)."""
        hub = self.hub
        sites = {hub.id: Site(hub.id, "hub", hub.name, hub.lon, hub.lat, hub.opening, hub.address)}
        for venue in self.venues:
            sites[venue.id] = Site(
                venue.id, "venue", venue.name, venue.lon, venue.lat, venue.opening,
                venue.address, venue.contact,
            )  # fmt: skip
        for producer in self.producers:
            organisation = self.organisations_by_id.get(producer.organisation_id or "")
            sites[producer.id] = Site(
                producer.id, "producer", producer.name, producer.lon, producer.lat,
                producer.opening, producer.address,
                organisation.contact if organisation is not None else None,
            )  # fmt: skip
        return MappingProxyType(sites)

    @cached_property
    def site_index(self) -> Mapping[str, int]:
        """Position of each site in :attr:`sites` (its row in a territory's travel matrices)."""
        return MappingProxyType({site_id: i for i, site_id in enumerate(self.sites)})

    @property
    def tzinfo(self) -> ZoneInfo | None:
        """The hub's time zone, or ``None`` when this system does not know its name."""
        try:
            return ZoneInfo(self.hub.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    def orders_for(self, week: IsoWeek | None = None) -> tuple[OrderLine, ...]:
        """Order lines of a week (default: :attr:`week`)."""
        week = week or self.week
        return tuple(line for line in self.orders if line.week == week)
