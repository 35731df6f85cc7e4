"""territory.fields declares each record's columns once; the reader and the writer follow it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from territory import IsoWeek, Territory, load_territory, validate_territory
from territory import writer as folder_writer
from territory.fields import (
    ALL_RECORDS,
    BOOLEAN,
    DATE,
    INTEGER,
    ISO_WEEK,
    NUMBER,
    ORDER_LINE,
    TEXT,
    TIME,
    VEHICLE,
    VENUE,
    WEEKDAY,
    WEEKDAYS,
    Cell,
    RecordFields,
    choice,
)
from territory.reader import OPTIONAL_FILES, REQUIRED_FILES
from tests.territory_factory import territory_files, write_territory

REPO = Path(__file__).resolve().parents[2]
VILLEURBANNE = REPO / "tests" / "data" / "villeurbanne"

# Record attributes no CSV column of the record's file holds, and where they come from.
NOT_COLUMNS = {"Venue": {"opening"}, "Producer": {"opening"}}  # opening_hours.csv


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _assert_same(a: Territory, b: Territory) -> None:
    for field in dataclasses.fields(a):
        if field.name != "folder":
            assert getattr(a, field.name) == getattr(b, field.name), field.name


@pytest.mark.parametrize("spec", ALL_RECORDS, ids=lambda s: s.file)
def test_every_record_attribute_is_declared_once(spec: RecordFields[Any]) -> None:
    record = spec.record
    assert isinstance(record, type)
    attributes = {f.name for f in dataclasses.fields(record)}  # type: ignore[arg-type]
    declared = {f.attr.partition(".")[0] for f in spec.fields}
    assert declared | NOT_COLUMNS.get(record.__name__, set()) == attributes
    assert len(spec.columns) == len(set(spec.columns))
    assert len({f.db for f in spec.fields}) == len(spec.fields)
    assert spec.file in REQUIRED_FILES + OPTIONAL_FILES


def test_declared_columns_are_the_data_contract() -> None:
    assert VENUE.required_columns == (
        "id", "name", "kind", "organisation_id", "lon", "lat", "households",
        "delivery_days", "access",
    )  # fmt: skip
    assert set(VENUE.columns) - set(VENUE.required_columns) == {
        "address", "contact", "deliveries_per_week", "service_min", "accepts_substitutes",
    }  # fmt: skip
    assert VEHICLE.by_column("shift_start") is not None
    assert VEHICLE.by_column("shift_start").db == "shift_start_min"  # type: ignore[union-attr]
    assert ORDER_LINE.columns == ("week", "venue_id", "product_id", "quantity")


CELL_VALUES: list[tuple[Cell[Any], Any, str]] = [
    (TEXT, "Épicerie, solidaire", "Épicerie, solidaire"),
    (NUMBER, 14.0, "14"),
    (NUMBER, 4.880317, "4.880317"),
    (NUMBER, 0.38, "0.38"),
    (INTEGER, 120, "120"),
    (BOOLEAN, True, "yes"),
    (BOOLEAN, False, "no"),
    (WEEKDAY, "thu", "thu"),
    (WEEKDAYS, ("mon", "wed", "thu"), "mon;wed;thu"),
    (TIME, 450, "07:30"),
    (TIME, 1440, "24:00"),
    (DATE, dt.date(2026, 12, 5), "2026-12-05"),
    (ISO_WEEK, IsoWeek(2026, 49), "2026-W49"),
    (choice(("any", "bike_only")), "bike_only", "bike_only"),
]


@pytest.mark.parametrize(("cell", "value", "text"), CELL_VALUES)
def test_each_cell_kind_writes_what_it_reads_and_stores_losslessly(
    cell: Cell[Any], value: Any, text: str
) -> None:
    assert cell.format(value) == text
    assert cell.parse(text) == value
    stored = cell.store(value)
    assert isinstance(stored, cell.stored)
    assert cell.load(stored) == value


@pytest.mark.parametrize("source", ["factory", "villeurbanne"])
def test_written_folder_reads_back_equal(tmp_path: Path, source: str) -> None:
    folder = VILLEURBANNE if source == "villeurbanne" else write_territory(tmp_path / "in")
    territory = load_territory(folder)

    written = folder_writer.write_territory(territory, tmp_path / "out")

    assert validate_territory(tmp_path / "out").problems == ()
    _assert_same(territory, load_territory(tmp_path / "out"))
    assert {p.name for p in written} >= set(REQUIRED_FILES)
    for spec in ALL_RECORDS:
        assert _header(tmp_path / "out" / spec.file) == list(spec.columns)


def test_writer_cells_follow_the_declaration(tmp_path: Path) -> None:
    territory = load_territory(write_territory(tmp_path / "in"))
    folder_writer.write_territory(territory, tmp_path / "out")
    with (tmp_path / "out" / "venues.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for venue, row in zip(territory.venues, rows, strict=True):
        for f in VENUE.fields:
            assert row[f.column] == f.format(getattr(venue, f.attr)), f.column
    assert rows[0]["delivery_days"] == "mon;thu"
    with (tmp_path / "out" / "vehicles.csv").open(encoding="utf-8", newline="") as handle:
        vehicle = next(csv.DictReader(handle))
    assert (vehicle["shift_start"], vehicle["shift_end"]) == ("07:00", "15:00")


def test_extra_venue_columns_are_written_after_the_declared_ones(tmp_path: Path) -> None:
    territory = load_territory(write_territory(tmp_path / "in"))
    extras = {"V01": {"neighbourhood": "La Doua", "note": "back door"}, "V03": {"note": "x"}}

    folder_writer.write_territory(territory, tmp_path / "out", extra_columns=extras)

    with (tmp_path / "out" / "venues.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert _header(tmp_path / "out" / "venues.csv") == [*VENUE.columns, "neighbourhood", "note"]
    assert [(r["neighbourhood"], r["note"]) for r in rows] == [
        ("La Doua", "back door"),
        ("", ""),
        ("", "x"),
    ]
    _assert_same(territory, load_territory(tmp_path / "out"))


def test_optional_cells_written_empty_read_back_as_defaults(tmp_path: Path) -> None:
    files = territory_files()
    for row in files["venues"]:
        row["deliveries_per_week"] = row["accepts_substitutes"] = ""
        row["service_min"] = ""
    territory = load_territory(write_territory(tmp_path / "in", **files))
    assert {(v.deliveries_per_week, v.accepts_substitutes) for v in territory.venues} == {
        (1, False)
    }

    folder_writer.write_territory(territory, tmp_path / "out")

    _assert_same(territory, load_territory(tmp_path / "out"))
