"""The week plan's tables and their CSV files (the plan output contract).

A plan folder holds, among other outputs, four tables that the independent
checker reads back (``logistics.check.plan``) without trusting the solver:

``routes.csv``
    one row per stop of every round (``RouteStop``);
``deliveries.csv``
    what is unloaded at which venue by which vehicle and trip (``DeliveryLine``);
``pickups.csv``
    what is collected at which producer (``PickupLine``);
``unserved.csv``
    order quantities that are not delivered this week, with a reason (``UnservedLine``).

Times are ISO 8601 datetimes with the territory's UTC offset, days are ISO dates,
quantities are whole product units, loads are what is on board *after* the stop.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, get_type_hints

from territory.errors import InputError, Problem

__all__ = [
    "DeliveryLine",
    "PickupLine",
    "PlanTables",
    "RouteStop",
    "UnservedLine",
    "read_plan_tables",
    "read_table",
    "write_plan_tables",
    "write_table",
]

SiteKind = Literal["hub", "venue", "producer"]
Action = Literal["start", "pickup", "deliver", "reload", "break", "end"]
SITE_KINDS: tuple[str, ...] = ("hub", "venue", "producer")
ACTIONS: tuple[str, ...] = ("start", "pickup", "deliver", "reload", "break", "end")


@dataclasses.dataclass(frozen=True)
class RouteStop:
    """One stop of a round, as in ``routes.csv``.

    ``distance_m`` and ``duration_s`` are travel from the previous stop of the same
    vehicle and day; ``load_kg``, ``load_l`` (ambient volume), ``chilled_l`` and
    ``frozen_l`` are on board after the stop.  ``service_start`` is when work at the
    site begins (after any wait for the opening window).
    """

    day: date
    vehicle_id: str
    trip: int
    seq: int
    site_id: str
    site_kind: str
    action: str
    arrival: datetime
    service_start: datetime
    departure: datetime
    distance_m: int
    duration_s: int
    load_kg: float
    load_l: float
    chilled_l: float
    frozen_l: float

    def __post_init__(self) -> None:
        if self.site_kind not in SITE_KINDS:
            raise ValueError(f"site_kind must be one of {SITE_KINDS}, not {self.site_kind!r}")
        if self.action not in ACTIONS:
            raise ValueError(f"action must be one of {ACTIONS}, not {self.action!r}")


@dataclasses.dataclass(frozen=True)
class DeliveryLine:
    """Units of one product unloaded at one venue, as in ``deliveries.csv``.

    ``seq`` is the ``routes.csv`` sequence number of the stop that unloads it.
    ``substitute_for`` names the ordered product this one replaces (same category,
    the venue accepts substitutes), or is empty.
    """

    day: date
    vehicle_id: str
    trip: int
    seq: int
    venue_id: str
    product_id: str
    quantity: int
    substitute_for: str = ""


@dataclasses.dataclass(frozen=True)
class PickupLine:
    """Units of one product collected at one producer, as in ``pickups.csv``.

    ``seq`` is the ``routes.csv`` sequence number of the stop that collects it.
    """

    day: date
    vehicle_id: str
    trip: int
    seq: int
    producer_id: str
    product_id: str
    quantity: int


@dataclasses.dataclass(frozen=True)
class UnservedLine:
    """Units of an order not delivered this week, as in ``unserved.csv``."""

    venue_id: str
    product_id: str
    quantity: int
    reason: str


Row = TypeVar("Row", RouteStop, DeliveryLine, PickupLine, UnservedLine)


def _format(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def write_table(path: Path, rows: Sequence[Row], row_type: type[Row]) -> None:
    """Write records as a CSV file with one column per field, in field order."""
    names = [f.name for f in dataclasses.fields(row_type)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            writer.writerow([_format(getattr(row, name)) for name in names])


def _parse(text: str, kind: Any) -> Any:
    if kind is datetime:
        return datetime.fromisoformat(text)
    if kind is date:
        return date.fromisoformat(text)
    if kind is int:
        return int(text)
    if kind is float:
        return float(text)
    return text


def read_table(path: Path, row_type: type[Row]) -> list[Row]:
    """Read a CSV file written by :func:`write_table` (or by hand) back into records.

    Raises
    ------
    InputError
        If the file is missing or unreadable, a column is missing, or a value does
        not parse; every bad cell is reported with its row and column.
    """
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(name, "file is missing")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(name, f"cannot be read ({exc})")]) from None
    reader = csv.DictReader(text.splitlines())
    hints = get_type_hints(row_type)
    fields = [f.name for f in dataclasses.fields(row_type)]
    missing = [f for f in fields if f not in (reader.fieldnames or [])]
    if missing:
        raise InputError([Problem(name, f"column {f} is missing") for f in missing])
    rows: list[Row] = []
    problems: list[Problem] = []
    for row_number, record in enumerate(reader, start=2):
        values: dict[str, Any] = {}
        for field in fields:
            raw = (record.get(field) or "").strip()
            try:
                values[field] = _parse(raw, hints[field])
            except ValueError:
                problems.append(Problem(name, f"{raw!r} is not a valid value", row_number, field))
        if len(values) == len(fields):
            try:
                rows.append(row_type(**values))
            except ValueError as exc:
                problems.append(Problem(name, str(exc), row_number))
    if problems:
        raise InputError(problems)
    return rows


@dataclasses.dataclass(frozen=True)
class PlanTables:
    """The four tables of a week plan, as written to and read from a plan folder."""

    routes: tuple[RouteStop, ...]
    deliveries: tuple[DeliveryLine, ...]
    pickups: tuple[PickupLine, ...]
    unserved: tuple[UnservedLine, ...]


_TABLE_FILES: tuple[tuple[str, str, type[Any]], ...] = (
    ("routes", "routes.csv", RouteStop),
    ("deliveries", "deliveries.csv", DeliveryLine),
    ("pickups", "pickups.csv", PickupLine),
    ("unserved", "unserved.csv", UnservedLine),
)


def write_plan_tables(tables: PlanTables, folder: Path) -> list[Path]:
    """Write ``routes.csv``, ``deliveries.csv``, ``pickups.csv``, ``unserved.csv``.

    Returns the paths written.  The folder is created if missing.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for attribute, file_name, row_type in _TABLE_FILES:
        path = folder / file_name
        write_table(path, getattr(tables, attribute), row_type)
        written.append(path)
    return written


def read_plan_tables(folder: Path) -> PlanTables:
    """Read the four tables of a plan folder; all problems of all files at once.

    Raises
    ------
    InputError
        If a file is missing or a cell does not parse (file, row and column named).
    """
    problems: list[Problem] = []
    tables: dict[str, tuple[Any, ...]] = {}
    for attribute, file_name, row_type in _TABLE_FILES:
        try:
            tables[attribute] = tuple(read_table(folder / file_name, row_type))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return PlanTables(**tables)
