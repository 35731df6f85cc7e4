"""Value checks shared by the domain dataclasses and the territory loader.

Each check takes an already-typed value and returns ``None`` when the value is
fine, or the plain sentence saying what is wrong (``91.2 is not a latitude``).
Keeping the sentences here means a record built in Python and a row read from a
spreadsheet are judged, and worded, the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from territory.errors import InputError, Problem

Check = Callable[[object], str | None]


def fmt_number(value: object) -> str:
    """Format a number the way a user would type it (``3`` not ``3.0``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return repr(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def number(value: object) -> str | None:
    """A finite int or float."""
    return None if _is_number(value) else f"{fmt_number(value)} is not a number"


def whole(value: object) -> str | None:
    """An ``int`` (whole units)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    if not _is_number(value):
        return f"{fmt_number(value)} is not a number"
    return f"{fmt_number(value)} is not a whole number"


def latitude(value: object) -> str | None:
    """A latitude in degrees, within [-90, 90]."""
    if not _is_number(value):
        return f"{fmt_number(value)} is not a number"
    ok = -90.0 <= float(value) <= 90.0  # type: ignore[arg-type]
    return None if ok else f"{fmt_number(value)} is not a latitude"


def longitude(value: object) -> str | None:
    """A longitude in degrees, within [-180, 180]."""
    if not _is_number(value):
        return f"{fmt_number(value)} is not a number"
    ok = -180.0 <= float(value) <= 180.0  # type: ignore[arg-type]
    return None if ok else f"{fmt_number(value)} is not a longitude"


def at_least(minimum: float) -> Check:
    """A number ``>= minimum``."""

    def check(value: object) -> str | None:
        if not _is_number(value):
            return f"{fmt_number(value)} is not a number"
        if float(value) < minimum:  # type: ignore[arg-type]
            return f"{fmt_number(value)} must be {fmt_number(minimum)} or more"
        return None

    return check


def more_than(bound: float) -> Check:
    """A number ``> bound``."""

    def check(value: object) -> str | None:
        if not _is_number(value):
            return f"{fmt_number(value)} is not a number"
        if float(value) <= bound:  # type: ignore[arg-type]
            return f"{fmt_number(value)} must be more than {fmt_number(bound)}"
        return None

    return check


def between(low: float, high: float) -> Check:
    """A number within ``[low, high]``."""

    def check(value: object) -> str | None:
        if not _is_number(value):
            return f"{fmt_number(value)} is not a number"
        if not low <= float(value) <= high:  # type: ignore[arg-type]
            return f"{fmt_number(value)} must be between {fmt_number(low)} and {fmt_number(high)}"
        return None

    return check


def one_of(options: Sequence[str]) -> Check:
    """One of a closed set of words."""

    def check(value: object) -> str | None:
        if value in options:
            return None
        return f'"{value}" is not one of {", ".join(options)}'

    return check


def non_empty_text(value: object) -> str | None:
    """A string with at least one non-blank character."""
    if isinstance(value, str) and value.strip():
        return None
    return "a value is required"


def all_checks(*checks: Check) -> Check:
    """Run checks in order and return the first message."""

    def check(value: object) -> str | None:
        for one in checks:
            message = one(value)
            if message is not None:
                return message
        return None

    return check


def whole_at_least(minimum: int) -> Check:
    """An ``int`` ``>= minimum``."""
    return all_checks(whole, at_least(minimum))


def raise_problems(record: str, findings: Iterable[tuple[str, str | None]]) -> None:
    """Raise one InputError naming every bad field of a record.

    Parameters
    ----------
    record
        The record type (``Venue``), used as the problem's file.
    findings
        ``(field, message or None)`` pairs; ``None`` means the field is fine.

    Raises
    ------
    InputError
        When at least one message is not ``None``.
    """
    problems = [
        Problem(file=record, column=field_name, message=message)
        for field_name, message in findings
        if message is not None
    ]
    if problems:
        raise InputError(problems)
