"""The plan tables as JSON (the server stores a plan's tables this way).

The JSON form mirrors the CSV files (:mod:`logistics.tables.files`): one list of rows
per table (``routes``, ``deliveries``, ``pickups``, ``unserved``), each row an object
named by the record's fields, days as ISO dates and times as ISO 8601 datetimes with
their UTC offset.  :func:`tables_from_json` inverts :func:`tables_to_json` exactly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, get_type_hints

from logistics.tables.files import DeliveryLine, PickupLine, PlanTables, RouteStop, UnservedLine

__all__ = ["TABLE_NAMES", "tables_from_json", "tables_to_json"]

TABLE_NAMES: tuple[str, ...] = ("routes", "deliveries", "pickups", "unserved")
"""The tables of the JSON form, in the order of :class:`PlanTables`' fields."""

_Row = TypeVar("_Row")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def tables_to_json(tables: PlanTables) -> dict[str, list[dict[str, Any]]]:
    """The plan tables as JSON-ready lists of rows.

    Parameters
    ----------
    tables
        The plan tables.

    Returns
    -------
    dict
        ``{"routes": [...], "deliveries": [...], "pickups": [...], "unserved": [...]}``;
        dates and datetimes as ISO 8601 text, other values as they are.
    """
    return {
        name: [
            {f.name: _jsonable(getattr(row, f.name)) for f in dataclasses.fields(row)}
            for row in getattr(tables, name)
        ]
        for name in TABLE_NAMES
    }


def _rows(kind: type[_Row], items: Sequence[Mapping[str, Any]]) -> tuple[_Row, ...]:
    hints = get_type_hints(kind)
    out = []
    for item in items:
        values = {}
        for key, value in item.items():
            if hints[key] is dt.datetime:
                value = dt.datetime.fromisoformat(value)
            elif hints[key] is dt.date:
                value = dt.date.fromisoformat(value)
            values[key] = value
        out.append(kind(**values))
    return tuple(out)


def tables_from_json(data: Mapping[str, Sequence[Mapping[str, Any]]]) -> PlanTables:
    """The inverse of :func:`tables_to_json`.

    Parameters
    ----------
    data
        The JSON form, e.g. as stored with a published plan.

    Returns
    -------
    PlanTables
        The records, with ISO texts parsed back into dates and datetimes.

    Raises
    ------
    KeyError
        When a table is missing or a row has a field the record does not.
    """
    return PlanTables(
        _rows(RouteStop, data["routes"]),
        _rows(DeliveryLine, data["deliveries"]),
        _rows(PickupLine, data["pickups"]),
        _rows(UnservedLine, data["unserved"]),
    )
