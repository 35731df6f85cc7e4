"""Reading a coordinator's CSV files and parsing their cells, collecting problems.

Files are UTF-8 (a byte-order mark is accepted), comma-separated, with a header
row and dot decimals.  Nothing here raises for a user mistake: every problem is
appended to a list as a :class:`~territory.errors.Problem` located at file, spreadsheet
row (header = row 1) and column, so that all problems of all files can be
reported at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from territory import values as checks
from territory.errors import InputError, Problem
from territory.model import WEEKDAYS, IsoWeek, Weekday

__all__ = [
    "CellError",
    "Cells",
    "CsvRow",
    "CsvTable",
    "decode_utf8",
    "missing_columns",
    "parse_bool",
    "parse_date",
    "parse_integer",
    "parse_iso_week",
    "parse_number",
    "parse_time",
    "parse_weekday",
    "parse_weekdays",
    "read_csv",
]

_T = TypeVar("_T")


class CellError(ValueError):
    """A cell's text cannot be read; ``str(error)`` is the sentence for the user."""


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = frozenset({"yes", "true", "1"})
_FALSE = frozenset({"no", "false", "0"})


def parse_number(text: str) -> float:
    """Parse a dot-decimal number (``12``, ``-3.5``, ``1e3``).

    Raises
    ------
    CellError
        ``"abc" is not a number`` (also for ``3,5``, ``nan``, ``inf``).
    """
    if not _NUMBER.match(text):
        raise CellError(f'"{text}" is not a number')
    return float(text)


def parse_integer(text: str) -> int:
    """Parse a whole number (``12``; ``12.0`` is accepted as 12).

    Raises
    ------
    CellError
        When the text is not a number or not a whole one.
    """
    value = parse_number(text)
    if not value.is_integer():
        raise CellError(f"{checks.fmt_number(value)} is not a whole number")
    return int(value)


def parse_time(text: str) -> int:
    """Parse ``HH:MM`` into minutes after midnight (``24:00`` is 1440).

    Raises
    ------
    CellError
        ``"25:00" is not a time (HH:MM)``.
    """
    match = _TIME.match(text)
    if match is not None:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if (hours < 24 and minutes < 60) or (hours == 24 and minutes == 0):
            return hours * 60 + minutes
    raise CellError(f'"{text}" is not a time (HH:MM)')


def parse_weekday(text: str) -> Weekday:
    """Parse ``mon``..``sun`` (case-insensitive).

    Raises
    ------
    CellError
        ``xyz is not a weekday (mon, tue, wed, thu, fri, sat, sun)``.
    """
    word = text.strip().lower()
    for day in WEEKDAYS:
        if word == day:
            return day
    raise CellError(f"{text.strip()} is not a weekday ({', '.join(WEEKDAYS)})")


def parse_weekdays(text: str) -> tuple[Weekday, ...]:
    """Parse a ``;``-separated list of weekdays (``mon;thu``), in the order given.

    Raises
    ------
    CellError
        On an unknown weekday, a repeated one, or an empty list.
    """
    days: list[Weekday] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        day = parse_weekday(part)
        if day in days:
            raise CellError(f"{day} appears twice")
        days.append(day)
    if not days:
        raise CellError("a value is required")
    return tuple(days)


def parse_bool(text: str) -> bool:
    """Parse yes/no, true/false, 1/0 (case-insensitive).

    Raises
    ------
    CellError
        ``"maybe" is not yes or no``.
    """
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(f'"{text}" is not yes or no')


def parse_date(text: str) -> dt.date:
    """Parse an ISO date ``YYYY-MM-DD``.

    Raises
    ------
    CellError
        ``"2026-13-01" is not a date (YYYY-MM-DD)``.
    """
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise CellError(f'"{text}" is not a date (YYYY-MM-DD)')


def parse_iso_week(text: str) -> IsoWeek:
    """Parse an ISO week ``2026-W49``.

    Raises
    ------
    CellError
        ``"2026-49" is not an ISO week (like 2026-W49)``.
    """
    try:
        return IsoWeek.parse(text)
    except InputError as error:
        raise CellError(error.problems[0].message) from None


def decode_utf8(data: bytes) -> str:
    """Decode UTF-8 bytes, dropping a leading byte-order mark.

    Raises
    ------
    CellError
        ``not valid UTF-8 (byte 0xe9 at position 123); save it as UTF-8``, the
        position counted in bytes from the start of the file (0-based).
    """
    offset = 0
    if data.startswith(b"\xef\xbb\xbf"):
        offset = 3
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[offset + error.start]
        raise CellError(
            f"not valid UTF-8 (byte 0x{byte:02x} at position {offset + error.start}); "
            "save it as UTF-8"
        ) from None


@dataclass(frozen=True)
class CsvRow:
    """One record of a CSV file.

    Parameters
    ----------
    row
        Spreadsheet row number (header = 1, first record = 2).
    values
        Column name -> cell text, stripped of surrounding blanks; cells missing
        at the end of a short line are absent.
    """

    row: int
    values: Mapping[str, str]


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read as text.

    Parameters
    ----------
    file
        File name as the user knows it (``venues.csv``).
    columns
        Header names, stripped.
    rows
        Non-blank records, in file order.
    """

    file: str
    columns: tuple[str, ...]
    rows: tuple[CsvRow, ...]


def read_csv(path: Path, problems: list[Problem], *, name: str | None = None) -> CsvTable | None:
    """Read a CSV file into text cells.

    Parameters
    ----------
    path
        The file; it must exist (missing files are the caller's business).
    problems
        Problems found are appended here.
    name
        File name used in problems; defaults to ``path.name``.

    Returns
    -------
    CsvTable or None
        ``None`` when the file cannot be read at all (not UTF-8, empty, unreadable).
    """
    file = name or path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(file, f"cannot be read ({error.strerror or error})"))
        return None
    try:
        text = decode_utf8(data)
    except CellError as error:
        problems.append(Problem(file, str(error)))
        return None
    if not text.strip():
        problems.append(Problem(file, "file is empty"))
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        problems.append(Problem(file, f"cannot be read as CSV ({error})"))
        return None
    header = tuple(cell.strip() for cell in records[0])
    seen: set[str] = set()
    for index, column in enumerate(header):
        if column and column in seen:
            problems.append(Problem(file, f"column {column} appears twice", row=1))
        if not column and any(len(r) > index and r[index].strip() for r in records[1:]):
            problems.append(Problem(file, f"column {index + 1} has no name", row=1))
        seen.add(column)
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        values: dict[str, str] = {}
        for column, cell in zip(header, cells, strict=False):
            if column and column not in values:
                values[column] = cell
        rows.append(CsvRow(number, values))
    return CsvTable(file, header, tuple(rows))


def missing_columns(table: CsvTable, required: Sequence[str], problems: list[Problem]) -> None:
    """Report each required column absent from the header (``column lat is missing``)."""
    for column in required:
        if column not in table.columns:
            problems.append(Problem(table.file, f"column {column} is missing"))


class Cells:
    """Typed access to the cells of one row, collecting problems.

    Every getter returns ``None`` when the cell cannot be used and records why
    (unless the whole column is missing, which is reported once per file).  After
    reading, :attr:`ok` says whether every requested cell was usable.

    Parameters
    ----------
    table
        The file.
    row
        The record.
    problems
        Problems found are appended here.
    """

    def __init__(self, table: CsvTable, row: CsvRow, problems: list[Problem]) -> None:
        self.table = table
        self.row = row
        self.problems = problems
        self.ok = True

    def problem(self, column: str | None, message: str) -> None:
        """Record a problem on a cell of this row (and mark the row not ok)."""
        self.problems.append(Problem(self.table.file, message, row=self.row.row, column=column))
        self.ok = False

    def _get(
        self,
        column: str,
        parse: Callable[[str], _T],
        required: bool,
        check: checks.Check | None,
    ) -> _T | None:
        if column not in self.table.columns:
            if required:
                self.ok = False
            return None
        text = self.row.values.get(column, "")
        if not text:
            if required:
                self.problem(column, "a value is required")
            return None
        try:
            value = parse(text)
        except CellError as error:
            self.problem(column, str(error))
            return None
        if check is not None:
            message = check(value)
            if message is not None:
                self.problem(column, message)
                return None
        return value

    def value(
        self,
        column: str,
        parse: Callable[[str], _T],
        *,
        required: bool = True,
        check: checks.Check | None = None,
    ) -> _T | None:
        """A cell read by any parser (``parse`` raises :class:`CellError`), optionally checked."""
        return self._get(column, parse, required, check)

    def text(self, column: str, *, required: bool = True) -> str | None:
        """Cell text; ``None`` when empty."""
        return self._get(column, str, required, None)

    def number(
        self, column: str, *, required: bool = True, check: checks.Check | None = None
    ) -> float | None:
        """A dot-decimal number, optionally range-checked."""
        return self._get(column, parse_number, required, check)

    def integer(
        self, column: str, *, required: bool = True, check: checks.Check | None = None
    ) -> int | None:
        """A whole number, optionally range-checked."""
        return self._get(column, parse_integer, required, check)

    def choice(self, column: str, options: Sequence[str], *, required: bool = True) -> str | None:
        """One word of a closed set (``"xyz" is not one of a, b``)."""
        return self._get(column, str, required, checks.one_of(options))

    def time(self, column: str, *, required: bool = True) -> int | None:
        """``HH:MM`` as minutes after midnight."""
        return self._get(column, parse_time, required, None)

    def weekday(self, column: str, *, required: bool = True) -> Weekday | None:
        """One weekday."""
        return self._get(column, parse_weekday, required, None)

    def weekdays(self, column: str, *, required: bool = True) -> tuple[Weekday, ...] | None:
        """A ``;``-separated list of weekdays."""
        return self._get(column, parse_weekdays, required, None)

    def boolean(self, column: str, *, required: bool = True) -> bool | None:
        """yes/no, true/false, 1/0."""
        return self._get(column, parse_bool, required, None)

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        """An ISO date."""
        return self._get(column, parse_date, required, None)

    def iso_week(self, column: str, *, required: bool = True) -> IsoWeek | None:
        """An ISO week ``2026-W49``."""
        return self._get(column, parse_iso_week, required, None)
