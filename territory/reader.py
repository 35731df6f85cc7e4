"""Load a territory folder into a :class:`~territory.model.Territory`, reporting every problem.

A territory is a folder of files a coordinator edits in a spreadsheet::

    hub.toml  organisations.csv  venues.csv  opening_hours.csv  products.csv
    vehicles.csv  orders.csv                                      (required)
    producers.csv  stock.csv  offers.csv  orders_history.csv  zones.geojson  (optional)

:func:`validate_territory` reads every file, checks every row and every reference
between files, and returns a :class:`ValidationReport` with *all* problems (file,
spreadsheet row, column, plain sentence) and warnings; it never raises for a
user's mistake.  :func:`load_territory` raises one
:class:`~territory.errors.InputError` listing all problems, or returns the territory.
Road-network reachability is not checked here.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely.geometry
from shapely.validation import explain_validity

from territory import values as checks
from territory.csv_reading import (
    CellError,
    Cells,
    CsvTable,
    decode_utf8,
    missing_columns,
    parse_iso_week,
    parse_number,
    parse_time,
    parse_weekday,
    read_csv,
)
from territory.errors import InputError, Problem
from territory.fields import (
    OFFER,
    ORDER_LINE,
    ORGANISATION,
    PRODUCER,
    PRODUCT,
    STOCK,
    VEHICLE,
    VENUE,
    Field,
    RecordFields,
)
from territory.model import (
    PROFILES,
    DriverRules,
    Hub,
    Profile,
    ServiceSettings,
    Territory,
    TimeWindow,
    Weekday,
    Zone,
    format_minutes,
    opening_from_windows,
)

__all__ = [
    "OPTIONAL_FILES",
    "REQUIRED_FILES",
    "ValidationReport",
    "load_territory",
    "validate_territory",
]

logger = logging.getLogger(__name__)

REQUIRED_FILES: tuple[str, ...] = (
    "hub.toml",
    "organisations.csv",
    "venues.csv",
    "opening_hours.csv",
    "products.csv",
    "vehicles.csv",
    "orders.csv",
)
"""Files every territory folder must hold."""
OPTIONAL_FILES: tuple[str, ...] = (
    "producers.csv",
    "stock.csv",
    "offers.csv",
    "orders_history.csv",
    "zones.geojson",
)
"""Files read when present (empty when absent)."""


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate_territory` found.

    Parameters
    ----------
    problems
        Every error, sorted by file then row; empty when the territory is usable.
    warnings
        Things that are probably unintended but do not stop planning (a venue
        with no orders this week, a lot already expired), sorted likewise.
    territory
        The loaded territory, or ``None`` when there is at least one problem.
    """

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    territory: Territory | None

    @property
    def ok(self) -> bool:
        """Whether there is no problem (warnings allowed)."""
        return not self.problems


def load_territory(folder: str | Path) -> Territory:
    """Read and validate a territory folder.

    Parameters
    ----------
    folder
        Path of the territory folder.

    Returns
    -------
    Territory
        The frozen domain model.  Warnings are logged at WARNING level; use
        :func:`validate_territory` to get them as data.

    Raises
    ------
    InputError
        Listing every problem of every file (sorted by file then row), or saying
        that the folder does not exist or is not a folder.
    """
    report = validate_territory(folder)
    if report.territory is None:
        raise InputError(report.problems)
    for warning in report.warnings:
        logger.warning("%s", warning)
    return report.territory


def validate_territory(folder: str | Path) -> ValidationReport:
    """Check a territory folder and report every problem and warning.

    Parameters
    ----------
    folder
        Path of the territory folder.

    Returns
    -------
    ValidationReport
        Problems and warnings as data, and the territory when there is no problem.
        Never raises for a mistake in the files.
    """
    path = Path(folder).expanduser()
    if not path.exists():
        return _report([Problem("", f"territory folder {path} does not exist")], [], None)
    if not path.is_dir():
        return _report([Problem("", f"territory folder {path} is not a folder")], [], None)
    return _Loader(path.resolve()).run()


def _sort_key(problem: Problem) -> tuple[str, int]:
    return (problem.file, problem.row or 0)


def _report(
    problems: Iterable[Problem], warnings: Iterable[Problem], territory: Territory | None
) -> ValidationReport:
    return ValidationReport(
        problems=tuple(sorted(problems, key=_sort_key)),
        warnings=tuple(sorted(warnings, key=_sort_key)),
        territory=territory,
    )


@dataclass
class _Rows:
    """Records of one file that parsed cleanly, with their rows; ids seen at all."""

    items: list[tuple[int, Any]] = dataclasses.field(default_factory=list)
    ids: dict[str, int] = dataclasses.field(default_factory=dict)
    readable: bool = False


@dataclass
class _HubDraft:
    kwargs: dict[str, Any]
    windows: list[tuple[Weekday, TimeWindow]]


_WINDOW = re.compile(r"^\s*([^-\s]+)\s*-\s*([^-\s]+)\s*$")


def _end_problem(start: int, end: int, what: str = "the start") -> str | None:
    if end < start:
        return f"{format_minutes(end)} is before {what} {format_minutes(start)}"
    if end == start:
        return f"{format_minutes(end)} is not after {what} {format_minutes(start)}"
    return None


class _Loader:
    """One pass over a territory folder; collects problems and warnings."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    # ----------------------------------------------------------------- driver
    def run(self) -> ValidationReport:
        hub = self._read_hub()
        organisations = self._read_organisations()
        zones = self._read_zones()
        venues = self._read_venues(organisations, hub)
        producers = self._read_producers(organisations, hub, venues)
        products = self._read_products()
        vehicles = self._read_vehicles(organisations, zones)
        orders = self._read_orders("orders.csv", True, venues, products)
        history = self._read_orders("orders_history.csv", False, venues, products)
        stock = self._read_stock(products)
        offers = self._read_offers(producers, products)
        opening = self._read_opening_hours(hub, venues, producers)

        territory = None
        if not self.problems and hub is not None:
            territory = self._assemble(
                hub, organisations, venues, producers, products, vehicles,
                orders, history, stock, offers, zones, opening,
            )  # fmt: skip
        if territory is not None:
            self._warn(territory, venues, vehicles, orders, stock, offers)
        return _report(self.problems, self.warnings, territory)

    def _assemble(
        self,
        hub: _HubDraft,
        organisations: _Rows,
        venues: _Rows,
        producers: _Rows,
        products: _Rows,
        vehicles: _Rows,
        orders: _Rows,
        history: _Rows,
        stock: _Rows,
        offers: _Rows,
        zones: _Rows,
        opening: dict[str, list[tuple[Weekday, TimeWindow]]],
    ) -> Territory | None:
        try:
            hub_record = Hub(
                **hub.kwargs,
                opening=opening_from_windows(hub.windows + opening.get(hub.kwargs["id"], [])),
            )

            def with_opening(rows: _Rows) -> tuple[Any, ...]:
                return tuple(
                    dataclasses.replace(
                        item, opening=opening_from_windows(opening.get(item.id, []))
                    )
                    for _, item in rows.items
                )

            return Territory(
                folder=self.folder,
                hub=hub_record,
                organisations=tuple(item for _, item in organisations.items),
                venues=with_opening(venues),
                producers=with_opening(producers),
                products=tuple(item for _, item in products.items),
                vehicles=tuple(item for _, item in vehicles.items),
                orders=tuple(item for _, item in orders.items),
                orders_history=tuple(item for _, item in history.items),
                stock=tuple(item for _, item in stock.items),
                offers=tuple(item for _, item in offers.items),
                zones=tuple(item for _, item in zones.items),
            )
        except InputError as error:  # a check the loader missed: still report, never crash
            self.problems.extend(error.problems)
            return None

    # ---------------------------------------------------------------- helpers
    def _table(self, name: str, required: bool, columns: Sequence[str]) -> CsvTable | None:
        path = self.folder / name
        if not path.exists():
            if required:
                self.problems.append(Problem(name, "file is missing"))
            return None
        if not path.is_file():
            self.problems.append(Problem(name, "is not a file"))
            return None
        table = read_csv(path, self.problems, name=name)
        if table is not None:
            missing_columns(table, columns, self.problems)
        return table

    def _rows(
        self, name: str, required: bool, columns: Sequence[str]
    ) -> tuple[CsvTable | None, _Rows]:
        table = self._table(name, required, columns)
        keyed = "id" not in columns or (table is not None and "id" in table.columns)
        return table, _Rows(readable=table is not None and keyed)

    def _unique(self, cells: Cells, column: str, key: str | None, seen: dict[str, int]) -> None:
        if key is None:
            return
        if key in seen:
            cells.problem(column, f"duplicate id {key} (first seen on row {seen[key]})")
        else:
            seen[key] = cells.row.row

    @staticmethod
    def _known(cells: Cells, column: str, what: str, key: str | None, rows: _Rows) -> None:
        """Report a reference to an id that no readable file defines."""
        if key is not None and rows.readable and key not in rows.ids:
            cells.problem(column, f"unknown {what} {key}")

    def _build(
        self, cells: Cells, rows: _Rows, spec: RecordFields[Any], values: Mapping[str, Any]
    ) -> None:
        if not cells.ok:
            return
        try:
            record = spec.build(values)
        except InputError as error:
            for problem in error.problems:
                field = spec.by_attr(problem.column or "")
                column = field.column if field is not None else problem.column
                cells.problem(column if column in cells.table.columns else None, problem.message)
            return
        rows.items.append((cells.row.row, record))

    def _text(self, file: str) -> str | None:
        """A file's UTF-8 text, or ``None`` after recording why it cannot be used."""
        try:
            text = decode_utf8((self.folder / file).read_bytes())
        except CellError as error:
            self.problems.append(Problem(file, str(error)))
            return None
        if not text.strip():
            self.problems.append(Problem(file, "file is empty"))
            return None
        return text

    # -------------------------------------------------------------- hub.toml
    def _read_hub(self) -> _HubDraft | None:
        file = "hub.toml"
        if not (self.folder / file).is_file():
            self.problems.append(Problem(file, "file is missing"))
            return None
        text = self._text(file)
        if text is None:
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            message = str(error)
            self.problems.append(Problem(file, f"not valid TOML: {message}"))
            return None

        before = len(self.problems)

        def problem(key: str, message: str) -> None:
            self.problems.append(Problem(file, message, column=key))

        def text_value(key: str, value: Any, default: str | None) -> str | None:
            if value is None:
                if default is None:
                    problem(key, "a value is required")
                return default
            if not isinstance(value, str) or not value.strip():
                problem(key, f"{value!r} is not a text")
                return default
            return value.strip()

        def number_value(key: str, value: Any, check: checks.Check | None = None) -> float | None:
            if value is None:
                problem(key, "a value is required")
                return None
            if isinstance(value, bool):
                problem(key, f'"{value}" is not a number')
                return None
            if isinstance(value, int | float):
                number = float(value)
            else:
                try:
                    number = parse_number(str(value).strip())
                except CellError as error:
                    problem(key, str(error))
                    return None
            message = checks.number(number) or (check(number) if check else None)
            if message is not None:
                problem(key, message)
                return None
            return number

        def table(key: str) -> dict[str, Any]:
            value = data.get(key, {})
            if not isinstance(value, dict):
                problem(key, f"[{key}] must be a table")
                return {}
            return value

        kwargs: dict[str, Any] = {
            "id": text_value("id", data.get("id"), "hub"),
            "name": text_value("name", data.get("name"), None),
            "address": text_value("address", data.get("address"), "") or None,
            "lon": number_value("lon", data.get("lon"), checks.longitude),
            "lat": number_value("lat", data.get("lat"), checks.latitude),
            "timezone": text_value("timezone", data.get("timezone"), "Europe/Paris"),
        }
        try:
            zoneinfo.ZoneInfo(kwargs["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problem("timezone", f'"{kwargs["timezone"]}" is not a time zone (like Europe/Paris)')
        if data.get("week") is not None:
            try:
                kwargs["week"] = parse_iso_week(str(data["week"]))
            except CellError as error:
                problem("week", str(error))

        windows = self._hub_windows(table("opening_hours"), problem)

        non_negative = checks.at_least(0)
        service = table("service")
        service_kwargs: dict[str, Any] = {
            key: number_value(f"service.{key}", service[key], non_negative)
            for key in ("default_service_min", "handling_s_per_unit", "loading_min")
            if key in service
        }
        driver = table("driver")
        driver_kwargs: dict[str, Any] = {
            key: number_value(f"driver.{key}", driver[key], check)
            for key, check in (
                ("max_shift_h", checks.more_than(0)),
                ("break_after_h", checks.more_than(0)),
                ("break_min", non_negative),
            )
            if key in driver
        }
        co2 = {key: number_value(f"co2.{key}", value) for key, value in table("co2").items()}
        network: dict[Profile, Path] = {}
        for key, value in table("network").items():
            column = f"network.{key}"
            if key not in PROFILES:
                problem(column, f'"{key}" is not one of {", ".join(PROFILES)}')
                continue
            relative = text_value(column, value, None)
            if relative is None:
                continue
            resolved = (self.folder / relative).resolve()
            if not resolved.is_file():
                problem(column, f"file {relative} does not exist (looked for {resolved})")
            network[key] = resolved

        if len(self.problems) > before:
            return None
        try:
            kwargs["service"] = ServiceSettings(**service_kwargs)
            kwargs["driver"] = DriverRules(**driver_kwargs)
            kwargs["co2"] = co2
            kwargs["network"] = network
            Hub(**kwargs, opening=opening_from_windows(windows))
        except InputError as error:
            for one in error.problems:
                problem(one.column or "", one.message)
            return None
        return _HubDraft(kwargs, windows)

    def _hub_windows(
        self, table: dict[str, Any], problem: Callable[[str, str], None]
    ) -> list[tuple[Weekday, TimeWindow]]:
        windows: list[tuple[Weekday, TimeWindow]] = []
        for key, value in table.items():
            column = f"opening_hours.{key}"
            try:
                day = parse_weekday(key)
            except CellError as error:
                problem(column, str(error))
                continue
            if not isinstance(value, str):
                problem(column, f'{value!r} is not a list of times like "05:00-09:00;10:00-14:00"')
                continue
            day_windows: list[TimeWindow] = []
            for part in value.split(";"):
                if not part.strip():
                    continue
                match = _WINDOW.match(part)
                if match is None:
                    problem(column, f'"{part.strip()}" is not a time window (HH:MM-HH:MM)')
                    continue
                try:
                    start, end = parse_time(match.group(1)), parse_time(match.group(2))
                except CellError as error:
                    problem(column, str(error))
                    continue
                message = _end_problem(start, end)
                if message is not None:
                    problem(column, message)
                    continue
                window = TimeWindow(start, end)
                clash = next((w for w in day_windows if w.overlaps(window)), None)
                if clash is not None:
                    problem(column, f"{window} overlaps {clash}")
                    continue
                day_windows.append(window)
            windows.extend((day, window) for window in day_windows)
        return windows

    # ---------------------------------------------------------- zones.geojson
    def _read_zones(self) -> _Rows:
        file = "zones.geojson"
        rows = _Rows()
        if not (self.folder / file).exists():
            rows.readable = True
            return rows
        text = self._text(file)
        if text is None:
            return rows
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self.problems.append(
                Problem(
                    file,
                    f"not valid JSON: {error.msg} (at line {error.lineno}, column {error.colno})",
                )
            )
            return rows
        if (
            not isinstance(data, dict)
            or data.get("type") != "FeatureCollection"
            or not isinstance(data.get("features"), list)
        ):
            self.problems.append(Problem(file, "is not a GeoJSON FeatureCollection"))
            return rows
        rows.readable = True
        for number, feature in enumerate(data["features"], start=1):
            where = f"feature {number}"
            if not isinstance(feature, dict):
                self.problems.append(Problem(file, f"{where} is not a GeoJSON Feature"))
                continue
            properties = feature.get("properties") or {}
            name = properties.get("name") if isinstance(properties, dict) else None
            if not isinstance(name, str) or not name.strip():
                self.problems.append(Problem(file, f"{where} has no name property"))
                continue
            name = name.strip()
            where = f"feature {number} ({name})"
            if name in rows.ids:
                self.problems.append(
                    Problem(
                        file,
                        f"{where}: duplicate zone name (first seen in feature {rows.ids[name]})",
                    )
                )
                continue
            rows.ids[name] = number
            geometry = feature.get("geometry")
            kind = geometry.get("type") if isinstance(geometry, dict) else None
            if kind not in ("Polygon", "MultiPolygon"):
                self.problems.append(
                    Problem(
                        file, f"{where}: geometry must be a Polygon or MultiPolygon, not {kind}"
                    )
                )
                continue
            try:
                shape = shapely.geometry.shape(geometry)
            except Exception as error:  # shapely raises many kinds on malformed coordinates
                self.problems.append(Problem(file, f"{where}: invalid polygon ({error})"))
                continue
            if shape.is_empty or not shape.is_valid:
                reason = "empty" if shape.is_empty else explain_validity(shape)
                self.problems.append(Problem(file, f"{where}: invalid polygon ({reason})"))
                continue
            rows.items.append((number, Zone(name, shape)))
        return rows

    # ------------------------------------------------------------------- CSVs
    def _read_records(
        self,
        spec: RecordFields[Any],
        required: bool,
        refs: Mapping[str, _Rows],
        *,
        file: str | None = None,
        defaults: Mapping[str, object] | None = None,
        sites: Sequence[tuple[str, _Rows]] | None = None,
        hub: _HubDraft | None = None,
        on_value: Callable[[Cells, Field, Mapping[str, Any], _Rows], None] | None = None,
    ) -> tuple[CsvTable | None, _Rows]:
        """Read the rows of one record file as its :class:`~territory.fields.RecordFields` declares.

        After each cell: an ``id`` must be unique (and, for ``sites``, not an id of
        the hub or of the given files); a ``ref`` must name a known record; then
        ``on_value`` runs the record's own checks.
        """
        table, rows = self._rows(file or spec.file, required, spec.required_columns)
        for row in table.rows if table else ():
            cells = Cells(table, row, self.problems)  # type: ignore[arg-type]

            def checked(field: Field, values: Mapping[str, Any], cells: Cells = cells) -> None:
                value = values[field.attr]
                if field.attr == "id":
                    self._unique(cells, field.column, value, rows.ids)
                    if sites is not None:
                        self._site_id(cells, value, hub, sites)
                if field.ref is not None:
                    self._known(cells, field.column, field.ref, value, refs[field.ref])
                if on_value is not None:
                    on_value(cells, field, values, rows)

            values = spec.parse(cells, defaults, checked)
            self._build(cells, rows, spec, values)
        return table, rows

    def _read_organisations(self) -> _Rows:
        return self._read_records(ORGANISATION, True, {})[1]

    def _site_id(
        self,
        cells: Cells,
        key: str | None,
        hub: _HubDraft | None,
        others: Sequence[tuple[str, _Rows]],
    ) -> None:
        """Site ids (hub, venues, producers) share one namespace."""
        if key is None:
            return
        if hub is not None and key == hub.kwargs["id"]:
            cells.problem("id", f"{key} is already the id of the hub (hub.toml)")
        for file, rows in others:
            if key in rows.ids:
                cells.problem("id", f"{key} is already an id in {file} (row {rows.ids[key]})")

    def _read_venues(self, organisations: _Rows, hub: _HubDraft | None) -> _Rows:
        defaults = {}
        if hub is not None:  # an empty service_min takes the hub's default
            defaults["service_min"] = hub.kwargs["service"].default_service_min
        refs = {"organisation": organisations}
        return self._read_records(VENUE, True, refs, defaults=defaults, sites=(), hub=hub)[1]

    def _read_producers(self, organisations: _Rows, hub: _HubDraft | None, venues: _Rows) -> _Rows:
        table, rows = self._read_records(
            PRODUCER, False, {"organisation": organisations},
            sites=(("venues.csv", venues),), hub=hub,
        )  # fmt: skip
        if table is None:
            rows.readable = not (self.folder / PRODUCER.file).exists()
        return rows

    def _read_products(self) -> _Rows:
        return self._read_records(PRODUCT, True, {})[1]

    def _read_vehicles(self, organisations: _Rows, zones: _Rows) -> _Rows:
        def shift(cells: Cells, field: Field, values: Mapping[str, Any], _: _Rows) -> None:
            start, end = values.get("shift.start_min"), values.get("shift.end_min")
            if field.attr == "shift.end_min" and start is not None and end is not None:
                message = _end_problem(start, end, "the shift start")
                if message is not None:
                    cells.problem(field.column, message)

        refs = {"organisation": organisations, "zone": zones}
        return self._read_records(VEHICLE, True, refs, on_value=shift)[1]

    def _read_orders(self, file: str, required: bool, venues: _Rows, products: _Rows) -> _Rows:
        refs = {"venue": venues, "product": products}
        return self._read_records(ORDER_LINE, required, refs, file=file)[1]

    def _read_stock(self, products: _Rows) -> _Rows:
        def unique_lot(cells: Cells, field: Field, values: Mapping[str, Any], rows: _Rows) -> None:
            product, lot = values.get("product_id"), values.get("lot")
            if field.attr != "lot" or product is None or lot is None:
                return
            key = f"{product}\x00{lot}"
            if key in rows.ids:
                cells.problem(
                    field.column,
                    f"duplicate lot {lot} of product {product} (first seen on row {rows.ids[key]})",
                )
            else:
                rows.ids[key] = cells.row.row

        return self._read_records(STOCK, False, {"product": products}, on_value=unique_lot)[1]

    def _read_offers(self, producers: _Rows, products: _Rows) -> _Rows:
        refs = {"producer": producers, "product": products}
        return self._read_records(OFFER, False, refs)[1]

    def _read_opening_hours(
        self, hub: _HubDraft | None, venues: _Rows, producers: _Rows
    ) -> dict[str, list[tuple[Weekday, TimeWindow]]]:
        """Read opening_hours.csv, then check venues' delivery days against it."""
        table, _ = self._rows("opening_hours.csv", True, ("site_id", "weekday", "start", "end"))
        hub_id = hub.kwargs["id"] if hub is not None else None
        windows: dict[str, list[tuple[Weekday, TimeWindow]]] = {}
        seen: dict[tuple[str, Weekday], list[tuple[TimeWindow, str]]] = {}
        if hub is not None:
            for hub_day, hub_window in hub.windows:
                seen.setdefault((hub.kwargs["id"], hub_day), []).append((hub_window, "hub.toml"))
        doubtful: set[tuple[str, Weekday | None]] = set()  # rows with errors: skip day checks
        sites_known = venues.readable and producers.readable
        for row in table.rows if table else ():
            cells = Cells(table, row, self.problems)  # type: ignore[arg-type]
            site = cells.text("site_id")
            if (
                site is not None
                and sites_known
                and site != hub_id
                and site not in venues.ids
                and site not in producers.ids
            ):
                cells.problem(
                    "site_id", f"unknown site {site} (not the hub, a venue or a producer)"
                )
            day = cells.weekday("weekday")
            start, end = cells.time("start"), cells.time("end")
            if start is not None and end is not None:
                message = _end_problem(start, end)
                if message is not None:
                    cells.problem("end", message)
            if not cells.ok or site is None or day is None or start is None or end is None:
                if site is not None:
                    doubtful.add((site, day))
                continue
            window = TimeWindow(start, end)
            slots = seen.setdefault((site, day), [])
            clash = next(((w, where) for w, where in slots if w.overlaps(window)), None)
            if clash is not None:
                cells.problem(
                    "start", f"{window} overlaps {clash[0]} ({clash[1]}) for {site} on {day}"
                )
                continue
            slots.append((window, f"row {row.row}"))
            windows.setdefault(site, []).append((day, window))

        if table is None or not {"site_id", "weekday", "start", "end"} <= set(table.columns):
            return windows
        for row_number, venue in venues.items:
            if (venue.id, None) in doubtful:
                continue
            open_days = {day for day, _ in windows.get(venue.id, [])}
            for day in venue.delivery_days:
                if day not in open_days and (venue.id, day) not in doubtful:
                    self.problems.append(
                        Problem(
                            "venues.csv",
                            f"{venue.id} is delivered on {day} but has no opening hours that day",
                            row=row_number,
                            column="delivery_days",
                        )
                    )
        return windows

    # ---------------------------------------------------------------- warnings
    def _warn(
        self,
        territory: Territory,
        venues: _Rows,
        vehicles: _Rows,
        orders: _Rows,
        stock: _Rows,
        offers: _Rows,
    ) -> None:
        week = territory.week
        if week is not None:
            ordering = {line.venue_id for line in territory.orders if line.week == week}
            for row, venue in venues.items:
                if venue.id not in ordering:
                    self.warnings.append(
                        Problem("venues.csv", f"{venue.id} has no orders for {week}", row, "id")
                    )
            other_weeks: dict[str, list[int]] = {}
            for row, line in orders.items:
                if line.week != week:
                    other_weeks.setdefault(str(line.week), []).append(row)
            for other, rows in sorted(other_weeks.items()):
                self.warnings.append(
                    Problem(
                        "orders.csv",
                        f"{len(rows)} lines are for {other}, not the planned week {week}; "
                        "they are not planned",
                        rows[0],
                        "week",
                    )
                )
            monday = week.monday()
            for row, lot in stock.items:
                if lot.expiry < monday:
                    self.warnings.append(
                        Problem(
                            "stock.csv",
                            f"{lot.expiry.isoformat()} is before the planned week {week} "
                            f"(starts {monday.isoformat()}); lot {lot.lot} will not be used",
                            row,
                            "expiry",
                        )
                    )
        seen_lines: dict[tuple[Any, str, str], int] = {}
        for row, line in orders.items:
            key = (line.week, line.venue_id, line.product_id)
            if key in seen_lines:
                self.warnings.append(
                    Problem(
                        "orders.csv",
                        f"{line.venue_id} already ordered {line.product_id} for {line.week} "
                        f"on row {seen_lines[key]}; both lines count",
                        row,
                        "product_id",
                    )
                )
            else:
                seen_lines[key] = row
        for row, offer in offers.items:
            producer = territory.producers_by_id[offer.producer_id]
            if offer.day not in producer.opening:
                self.warnings.append(
                    Problem(
                        "offers.csv",
                        f"producer {producer.id} has no pickup hours on {offer.day}",
                        row,
                        "day",
                    )
                )
        hub_days = set(territory.hub.opening)
        if hub_days:
            for row, vehicle in vehicles.items:
                closed = [day for day in vehicle.days if day not in hub_days]
                if closed:
                    self.warnings.append(
                        Problem(
                            "vehicles.csv",
                            f"the hub is closed on {', '.join(closed)}",
                            row,
                            "days",
                        )
                    )
        profiles = {vehicle.profile for vehicle in territory.vehicles}
        for row, venue in venues.items:
            if venue.access == "bike_only" and "bike" not in profiles:
                self.warnings.append(
                    Problem("venues.csv", "no vehicle has profile bike", row, "access")
                )
