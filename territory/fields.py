"""The columns of each CSV-backed territory record, declared once.

A :class:`RecordFields` lists, for one record type (:data:`VENUE` for
:class:`~territory.model.Venue` ...), every :class:`Field`: the CSV column, the
record attribute, how the cell is parsed, written and stored (a :class:`Cell`),
whether a value is required, its range check, its default, the record kind it
refers to, and whether the public API shows it.  Every face derives from it:

* the folder reader (:mod:`territory.reader`) parses rows with :meth:`RecordFields.parse`,
  so every problem stays located at file, row and column;
* the folder writer (:mod:`territory.writer`) formats rows with
  :meth:`RecordFields.format_row`;
* the database import, export and ``territory_from_db`` copy records to and from
  rows with :meth:`RecordFields.to_db` and :meth:`RecordFields.from_db`;
* the API's public schemas are built from :attr:`RecordFields.fields`.

Adding a column to a record is one line here plus the record's attribute (and the
database column with its migration when the server stores it).

A record attribute may be a dotted path into a part (``shift.start_min``): the
part is built by :attr:`RecordFields.parts` (``shift`` -> :class:`TimeWindow`),
and its database column is the path with ``_`` for ``.`` (``shift_start_min``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

from territory import values as checks
from territory.csv_reading import (
    CellError,
    Cells,
    parse_bool,
    parse_date,
    parse_integer,
    parse_iso_week,
    parse_number,
    parse_time,
    parse_weekday,
    parse_weekdays,
)
from territory.model import (
    ACCESSES,
    PROFILES,
    TEMPERATURES,
    IsoWeek,
    Offer,
    OrderLine,
    Organisation,
    Producer,
    Product,
    ServiceSettings,
    StockLot,
    TimeWindow,
    Vehicle,
    Venue,
    format_minutes,
)

__all__ = [
    "ALL_RECORDS",
    "BOOLEAN",
    "DATE",
    "INTEGER",
    "ISO_WEEK",
    "NUMBER",
    "OFFER",
    "ORDER_LINE",
    "ORGANISATION",
    "PRODUCER",
    "PRODUCT",
    "STOCK",
    "TEXT",
    "TIME",
    "VEHICLE",
    "VENUE",
    "WEEKDAY",
    "WEEKDAYS",
    "Cell",
    "Field",
    "RecordFields",
    "choice",
    "format_number",
]

_T = TypeVar("_T")
_R = TypeVar("_R")


def _same(value: Any) -> Any:
    return value


def format_number(value: float) -> str:
    """Write a number the way a coordinator types it (``14`` not ``14.0``, ``0.38``)."""
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return str(int(value))


@dataclass(frozen=True)
class Cell(Generic[_T]):
    """How one kind of cell is read from CSV, written back and stored in the database.

    Parameters
    ----------
    name
        Short name of the kind (``number``, ``weekdays``).
    parse
        Cell text (stripped, non-empty) -> value; raises
        :class:`~territory.csv_reading.CellError` with the sentence for the user.
    format
        Value -> cell text that ``parse`` reads back equal.
    stored
        Python type of the value in the database row and the public API
        (``str`` for ``mon;thu``).
    store, load
        Value -> stored value and back (identity by default).
    """

    name: str
    parse: Callable[[str], _T]
    format: Callable[[_T], str]
    stored: type
    store: Callable[[_T], Any] = _same
    load: Callable[[Any], _T] = _same


def _join_days(days: Sequence[str]) -> str:
    return ";".join(days)


def _split_days(text: str) -> tuple[str, ...]:
    return tuple(text.split(";"))


TEXT: Cell[str] = Cell("text", str, str, str)
"""Free text."""
NUMBER: Cell[float] = Cell("number", parse_number, format_number, float)
"""A dot-decimal number."""
INTEGER: Cell[int] = Cell("integer", parse_integer, str, int)
"""A whole number."""
BOOLEAN: Cell[bool] = Cell("boolean", parse_bool, lambda v: "yes" if v else "no", bool)
"""yes/no (also true/false, 1/0 when read)."""
WEEKDAY: Cell[str] = Cell("weekday", parse_weekday, str, str)
"""One weekday ``mon``..``sun``."""
WEEKDAYS: Cell[tuple[str, ...]] = Cell(
    "weekdays", parse_weekdays, _join_days, str, _join_days, _split_days
)
"""A ``;``-separated list of weekdays, stored as written (``mon;thu``)."""
TIME: Cell[int] = Cell("time", parse_time, format_minutes, int)
"""``HH:MM``, minutes after midnight."""
DATE: Cell[dt.date] = Cell("date", parse_date, dt.date.isoformat, dt.date)
"""An ISO date ``YYYY-MM-DD``."""
ISO_WEEK: Cell[IsoWeek] = Cell("iso_week", parse_iso_week, str, str, str, IsoWeek.parse)
"""An ISO week ``2026-W49``, stored as written."""


def choice(options: Sequence[str]) -> Cell[str]:
    """One word of a closed set (``"xyz" is not one of a, b``), stored as text."""
    check = checks.one_of(options)

    def parse(text: str) -> str:
        message = check(text)
        if message is not None:
            raise CellError(message)
        return text

    return Cell("choice", parse, str, str)


@dataclass(frozen=True)
class Field:
    """One column of a territory CSV file and the record attribute it fills.

    Parameters
    ----------
    column
        Column name in the CSV file (the data contract).
    attr
        Attribute of the record, or a dotted path into a part (``shift.start_min``).
    cell
        How the cell is parsed, written and stored.
    description
        What the value is, with its unit; shown in the API documentation.
    required
        Whether every row must give a value (then the column must exist too).
    check
        Range check of the parsed value (:mod:`territory.values`), or ``None``.
    default
        Value of an empty optional cell (a reader may give another per file: the
        venues' ``service_min`` takes the hub's default).
    column_required
        Whether the header must hold the column; ``None`` means ``required``.
    ref
        The record kind whose id this column holds (``organisation``), or ``None``.
    public
        Whether the API's public schema shows it.
    """

    column: str
    attr: str
    cell: Cell[Any]
    description: str
    required: bool = True
    check: checks.Check | None = None
    default: object = None
    column_required: bool | None = None
    ref: str | None = None
    public: bool = True

    @property
    def needs_column(self) -> bool:
        """Whether a file without this column is reported (``column lat is missing``)."""
        return self.required if self.column_required is None else self.column_required

    @property
    def nullable(self) -> bool:
        """Whether the record may hold ``None`` here (optional without a default)."""
        return not self.required and self.default is None

    @property
    def db(self) -> str:
        """Name of the database row attribute (``shift_start_min`` for ``shift.start_min``)."""
        return self.attr.replace(".", "_")

    def value_of(self, record: object) -> Any:
        """The record's value of this field (follows a dotted path)."""
        return operator.attrgetter(self.attr)(record)

    def format(self, value: Any) -> str:
        """Cell text of a value (empty for ``None``)."""
        return "" if value is None else self.cell.format(value)


OnValue = Callable[[Field, Mapping[str, Any]], None]
"""Called by :meth:`RecordFields.parse` after each field: the field and the values so far."""


@dataclass(frozen=True)
class RecordFields(Generic[_R]):
    """The fields of one CSV-backed record type, in file order.

    Parameters
    ----------
    file
        The CSV file (``venues.csv``); :data:`ORDER_LINE` also serves ``orders_history.csv``.
    record
        The frozen dataclass built from a row.
    fields
        Its fields, in the order the writer writes the columns.
    parts
        Builders of dotted attributes' parts (``{"shift": TimeWindow}``), called
        with the part's fields as keywords.
    """

    file: str
    record: Callable[..., _R]
    fields: tuple[Field, ...]
    parts: Mapping[str, Callable[..., Any]] = dataclasses.field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        columns = [f.column for f in self.fields]
        if len(set(columns)) != len(columns):
            raise ValueError(f"{self.file}: a column is declared twice")
        attrs = {f.attr.partition(".")[0] for f in self.fields}
        names = {f.name for f in dataclasses.fields(self.record)}  # type: ignore[arg-type]
        unknown = sorted(attrs - names)
        if unknown:
            raise ValueError(f"{self.file}: {', '.join(unknown)} not attributes of the record")

    @property
    def columns(self) -> tuple[str, ...]:
        """Every declared column, in file order."""
        return tuple(f.column for f in self.fields)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns the header must hold."""
        return tuple(f.column for f in self.fields if f.needs_column)

    def by_column(self, column: str) -> Field | None:
        """The field of a column, or ``None`` when the column is not declared."""
        return next((f for f in self.fields if f.column == column), None)

    def by_attr(self, attr: str) -> Field | None:
        """The field of an attribute (or dotted path), or ``None``."""
        return next((f for f in self.fields if f.attr == attr), None)

    # ------------------------------------------------------------------ CSV
    def parse(
        self,
        cells: Cells,
        defaults: Mapping[str, object] | None = None,
        on_value: OnValue | None = None,
    ) -> dict[str, Any]:
        """Parse one row: attribute (or dotted path) -> value, problems into ``cells``.

        Parameters
        ----------
        cells
            The row; unusable cells are recorded there with file, row and column.
        defaults
            Attribute -> value of an empty optional cell, overriding :attr:`Field.default`.
        on_value
            Called after each field, so that checks on a cell (unique ids, known
            references) report right after the cell's own problem.

        Returns
        -------
        dict
            A value per field, ``None`` where the cell is unusable or empty without
            default; build the record only when ``cells.ok``.
        """
        values: dict[str, Any] = {}
        for f in self.fields:
            value = cells.value(f.column, f.cell.parse, required=f.required, check=f.check)
            if value is None and not f.required:
                value = (defaults or {}).get(f.attr, f.default)
            values[f.attr] = value
            if on_value is not None:
                on_value(f, values)
        return values

    def format_row(self, record: _R) -> list[str]:
        """Cell texts of a record, in :attr:`columns` order."""
        return [f.format(f.value_of(record)) for f in self.fields]

    # ------------------------------------------------------------- records
    def kwargs(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Record keyword arguments from ``attr -> value`` (dotted paths built into parts)."""
        kwargs: dict[str, Any] = {}
        parts: dict[str, dict[str, Any]] = {}
        for attr, value in values.items():
            head, dot, tail = attr.partition(".")
            if dot:
                parts.setdefault(head, {})[tail] = value
            else:
                kwargs[attr] = value
        for head, part in parts.items():
            kwargs[head] = self.parts[head](**part)
        return kwargs

    def build(self, values: Mapping[str, Any], **more: Any) -> _R:
        """The record from ``attr -> value`` and the attributes no column holds (``opening``).

        Raises
        ------
        InputError
            When the record refuses a value (its own check).
        """
        return self.record(**self.kwargs(values), **more)

    def values(self, record: _R) -> dict[str, Any]:
        """``attr -> value`` of a record, for every field."""
        return {f.attr: f.value_of(record) for f in self.fields}

    # ------------------------------------------------------------ database
    def to_db(self, record: _R) -> dict[str, Any]:
        """Database row keyword arguments of a record (``VenueRow(**VENUE.to_db(v))``)."""
        return {
            f.db: None if (value := f.value_of(record)) is None else f.cell.store(value)
            for f in self.fields
        }

    def from_db(self, row: object, **more: Any) -> _R:
        """The record held by a database row (plus the attributes no column holds).

        Raises
        ------
        InputError
            When the stored values are refused by the record.
        """
        values = {
            f.attr: None if (stored := getattr(row, f.db)) is None else f.cell.load(stored)
            for f in self.fields
        }
        return self.build(values, **more)


_NON_NEGATIVE = checks.at_least(0)

ORGANISATION: RecordFields[Organisation] = RecordFields(
    "organisations.csv",
    Organisation,
    (
        Field("id", "id", TEXT, "Identifier."),
        Field("name", "name", TEXT, "Display name."),
        Field("kind", "kind", TEXT, "Free-text kind.", required=False),
        Field("contact", "contact", TEXT, "Contact, free text.", required=False),
    ),
)
"""``organisations.csv`` -> :class:`~territory.model.Organisation`."""

VENUE: RecordFields[Venue] = RecordFields(
    "venues.csv",
    Venue,
    (
        Field("id", "id", TEXT, "Identifier (shared namespace with the hub and producers)."),
        Field("name", "name", TEXT, "Display name."),
        Field("kind", "kind", TEXT, "Free-text kind (grocery, distribution ...)."),
        Field(
            "organisation_id", "organisation_id", TEXT, "Organisation that runs it.",
            ref="organisation",
        ),
        Field("lon", "lon", NUMBER, "Longitude, degrees (EPSG:4326).", check=checks.longitude),
        Field("lat", "lat", NUMBER, "Latitude, degrees (EPSG:4326).", check=checks.latitude),
        Field("address", "address", TEXT, "Postal address.", required=False),
        Field("contact", "contact", TEXT, "Contact, free text.", required=False, public=False),
        Field("households", "households", INTEGER, "Households served.", check=_NON_NEGATIVE),
        Field("delivery_days", "delivery_days", WEEKDAYS, "Delivery weekdays, like mon;thu."),
        Field(
            "deliveries_per_week", "deliveries_per_week", INTEGER,
            "Deliveries wanted per week (1 to 7).",
            required=False, check=checks.between(1, 7), default=1,
        ),
        Field("access", "access", choice(ACCESSES), "Vehicles allowed: any, bike_only, no_truck."),
        Field(
            "service_min", "service_min", NUMBER,
            "Minutes on site per delivery (empty: the hub's default).",
            required=False, check=_NON_NEGATIVE,
            default=ServiceSettings().default_service_min,
        ),
        Field(
            "accepts_substitutes", "accepts_substitutes", BOOLEAN,
            "Whether a similar product may replace a short one.",
            required=False, default=False,
        ),
    ),
)  # fmt: skip
"""``venues.csv`` -> :class:`~territory.model.Venue` (opening hours: ``opening_hours.csv``)."""

PRODUCER: RecordFields[Producer] = RecordFields(
    "producers.csv",
    Producer,
    (
        Field("id", "id", TEXT, "Identifier (shared namespace with the hub and venues)."),
        Field("name", "name", TEXT, "Display name."),
        Field(
            "organisation_id", "organisation_id", TEXT, "Organisation it belongs to, if any.",
            required=False, column_required=True, ref="organisation",
        ),
        Field("lon", "lon", NUMBER, "Longitude, degrees (EPSG:4326).", check=checks.longitude),
        Field("lat", "lat", NUMBER, "Latitude, degrees (EPSG:4326).", check=checks.latitude),
        Field("address", "address", TEXT, "Postal address.", required=False),
        Field("field_m2", "field_m2", NUMBER, "Open-field area, m2.", check=_NON_NEGATIVE),
        Field(
            "greenhouse_m2", "greenhouse_m2", NUMBER, "Greenhouse area, m2.", check=_NON_NEGATIVE
        ),
    ),
)  # fmt: skip
"""``producers.csv`` -> :class:`~territory.model.Producer` (pickup hours: ``opening_hours.csv``)."""

PRODUCT: RecordFields[Product] = RecordFields(
    "products.csv",
    Product,
    (
        Field("id", "id", TEXT, "Identifier."),
        Field("name", "name", TEXT, "Display name."),
        Field("category", "category", TEXT, "Free-text category."),
        Field(
            "temperature", "temperature", choice(TEMPERATURES),
            "Temperature class: ambient, chilled, frozen.",
        ),
        Field("unit", "unit", TEXT, "What one unit is (crate, kg, jar)."),
        Field("unit_kg", "unit_kg", NUMBER, "Mass of one unit, kg.", check=checks.more_than(0)),
        Field("unit_l", "unit_l", NUMBER, "Volume of one unit, litres.", check=_NON_NEGATIVE),
        Field(
            "shelf_life_days", "shelf_life_days", INTEGER, "Days the product keeps.",
            check=_NON_NEGATIVE,
        ),
        Field("price_eur", "price_eur", NUMBER, "Value of one unit, euros.", check=_NON_NEGATIVE),
    ),
)  # fmt: skip
"""``products.csv`` -> :class:`~territory.model.Product`."""

VEHICLE: RecordFields[Vehicle] = RecordFields(
    "vehicles.csv",
    Vehicle,
    (
        Field("id", "id", TEXT, "Identifier."),
        Field("name", "name", TEXT, "Display name."),
        Field(
            "organisation_id", "organisation_id", TEXT, "Organisation that lends it.",
            ref="organisation",
        ),
        Field("kind", "kind", TEXT, "van, refrigerated_van, cargo_bike, truck or another word."),
        Field("profile", "profile", choice(PROFILES), "Road network: drive or bike."),
        Field("capacity_kg", "capacity_kg", NUMBER, "Payload, kg.", check=_NON_NEGATIVE),
        Field(
            "capacity_l", "capacity_l", NUMBER, "Ambient volume, litres.", check=_NON_NEGATIVE
        ),
        Field("chilled_l", "chilled_l", NUMBER, "Chilled volume, litres.", check=_NON_NEGATIVE),
        Field("frozen_l", "frozen_l", NUMBER, "Frozen volume, litres.", check=_NON_NEGATIVE),
        Field(
            "fixed_cost_eur", "fixed_cost_eur", NUMBER, "Cost of using it on a day, euros.",
            check=_NON_NEGATIVE, public=False,
        ),
        Field(
            "cost_per_km_eur", "cost_per_km_eur", NUMBER, "Running cost, euros per km.",
            check=_NON_NEGATIVE, public=False,
        ),
        Field(
            "cost_per_h_eur", "cost_per_h_eur", NUMBER, "Running cost, euros per hour.",
            check=_NON_NEGATIVE, public=False,
        ),
        Field(
            "co2_g_per_km", "co2_g_per_km", NUMBER, "Emissions, grams CO2 per km.",
            check=_NON_NEGATIVE, public=False,
        ),
        Field(
            "shift_start", "shift.start_min", TIME, "Shift start, HH:MM (minutes in the database).",
            public=False,
        ),
        Field(
            "shift_end", "shift.end_min", TIME, "Shift end, HH:MM (minutes in the database).",
            public=False,
        ),
        Field("days", "days", WEEKDAYS, "Weekdays it is available, like mon;tue."),
        Field(
            "max_trips", "max_trips", INTEGER, "Trips from the hub per day.",
            check=checks.at_least(1),
        ),
        Field(
            "zone", "zone", TEXT, "Zone it is restricted to, if any.", required=False, ref="zone"
        ),
    ),
    parts=MappingProxyType({"shift": TimeWindow}),
)  # fmt: skip
"""``vehicles.csv`` -> :class:`~territory.model.Vehicle` (two time columns make ``shift``)."""

ORDER_LINE: RecordFields[OrderLine] = RecordFields(
    "orders.csv",
    OrderLine,
    (
        Field("week", "week", ISO_WEEK, "ISO week, like 2026-W49."),
        Field("venue_id", "venue_id", TEXT, "Venue that orders.", ref="venue"),
        Field("product_id", "product_id", TEXT, "Product ordered.", ref="product"),
        Field(
            "quantity", "quantity", INTEGER, "Units ordered (> 0).", check=checks.more_than(0)
        ),
    ),
)  # fmt: skip
"""``orders.csv`` and ``orders_history.csv`` -> :class:`~territory.model.OrderLine`."""

STOCK: RecordFields[StockLot] = RecordFields(
    "stock.csv",
    StockLot,
    (
        Field("product_id", "product_id", TEXT, "Product in stock.", ref="product"),
        Field("lot", "lot", TEXT, "Lot identifier (unique per product)."),
        Field("quantity", "quantity", INTEGER, "Units in stock.", check=_NON_NEGATIVE),
        Field("expiry", "expiry", DATE, "Last day the lot may be delivered, YYYY-MM-DD."),
    ),
)
"""``stock.csv`` -> :class:`~territory.model.StockLot`."""

OFFER: RecordFields[Offer] = RecordFields(
    "offers.csv",
    Offer,
    (
        Field("producer_id", "producer_id", TEXT, "Producer that offers.", ref="producer"),
        Field("product_id", "product_id", TEXT, "Product offered.", ref="product"),
        Field("quantity", "quantity", INTEGER, "Units offered.", check=_NON_NEGATIVE),
        Field("day", "day", WEEKDAY, "Weekday of the pickup."),
    ),
)
"""``offers.csv`` -> :class:`~territory.model.Offer`."""

ALL_RECORDS: tuple[RecordFields[Any], ...] = cast(
    tuple[RecordFields[Any], ...],
    (ORGANISATION, VENUE, PRODUCER, PRODUCT, VEHICLE, ORDER_LINE, STOCK, OFFER),
)
"""Every declaration, in the order the reader reads the files."""
