"""A producer's crop plan document -> Gantt rows and expected weekly harvest.

The document is the one a coordinator publishes with
``PUT /producers/{id}/crop-plan``: ``{"plantings": [...]}`` whose entries carry the
columns of ``plantings.csv`` (``product_id``, ``itinerary_name``, ``beds``,
``sowing_week``, ``start_week``, ``first_harvest_week``, ``last_harvest_week``,
``harvest_kg_per_week``, ``harvest_kg``).  Missing or unreadable fields are skipped,
never an error: the page shows what it can.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["GanttRow", "Segment", "gantt_rows", "weekly_harvest"]

WEEKS = 53


@dataclass(frozen=True)
class Segment:
    """A phase of a planting over ISO weeks ``first..last`` (inclusive)."""

    phase: str  # sowing | growing | harvest
    first: int
    last: int


@dataclass(frozen=True)
class GanttRow:
    label: str
    product_id: str
    beds: str
    sowing_week: int | None
    start_week: int | None
    harvest_first: int | None
    harvest_last: int | None
    harvest_kg: float
    segments: tuple[Segment, ...]


def _week(value: Any) -> int | None:
    try:
        week = int(value)
    except (TypeError, ValueError):
        return None
    return week if 1 <= week <= WEEKS else None


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _span(phase: str, first: int | None, last: int | None) -> list[Segment]:
    """One segment, or two when the phase wraps over the new year."""
    if first is None or last is None:
        return []
    if first <= last:
        return [Segment(phase, first, last)]
    return [Segment(phase, first, WEEKS), Segment(phase, 1, last)]


def _plantings(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    plantings = document.get("plantings")
    if not isinstance(plantings, list):
        return []
    return [p for p in plantings if isinstance(p, Mapping)]


def gantt_rows(document: Mapping[str, Any]) -> list[GanttRow]:
    """One row per planting, sorted by start week."""
    rows = []
    for p in _plantings(document):
        sow = _week(p.get("sowing_week"))
        start = _week(p.get("start_week"))
        first = _week(p.get("first_harvest_week"))
        last = _week(p.get("last_harvest_week"))
        segments: list[Segment] = []
        if sow is not None and start is not None and sow != start:
            segments += _span("sowing", sow, start - 1 if start > 1 else WEEKS)
        growing_from = start if start is not None else sow
        if growing_from is not None and first is not None and growing_from != first:
            segments += _span("growing", growing_from, first - 1 if first > 1 else WEEKS)
        segments += _span("harvest", first, last)
        product = str(p.get("product_id", ""))
        label = str(p.get("itinerary_name") or p.get("crop") or product or "?")
        rows.append(
            GanttRow(
                label=label,
                product_id=product,
                beds=str(p.get("beds", "")),
                sowing_week=sow,
                start_week=start,
                harvest_first=first,
                harvest_last=last,
                harvest_kg=round(_number(p.get("harvest_kg")), 1),
                segments=tuple(segments),
            )
        )
    rows.sort(key=lambda r: (r.start_week or r.sowing_week or 99, r.label))
    return rows


def weekly_harvest(document: Mapping[str, Any]) -> list[tuple[int, dict[str, float], float]]:
    """``(week, {product: kg}, total kg)`` for each week with a harvest, in week order."""
    per_week: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for p in _plantings(document):
        first, last = _week(p.get("first_harvest_week")), _week(p.get("last_harvest_week"))
        kg = _number(p.get("harvest_kg_per_week"))
        if first is None or last is None or kg <= 0:
            continue
        weeks = (
            range(first, last + 1)
            if first <= last
            else [*range(first, WEEKS + 1), *range(1, last + 1)]
        )
        for week in weeks:
            per_week[week][str(p.get("product_id", "?"))] += kg
    return [
        (
            week,
            {k: round(v, 1) for k, v in sorted(products.items())},
            round(sum(products.values()), 1),
        )
        for week, products in sorted(per_week.items())
    ]
