"""Choosing each venue's delivery day(s) over the week, balancing the fleet.

Venues are placed one at a time, least flexible first (fewest allowed days, then
largest load).  Each takes the combination of allowed days that keeps the busiest
day's fill rate lowest; for two or more deliveries a week, days closer than two
days apart are avoided when possible, so fresh goods arrive spread over the week.
The fill rate of a day is the largest ratio, over the load dimensions, of the load
already placed on that day to the fleet's capacity that day.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from logistics.load import Load

__all__ = ["VenueNeed", "assign_delivery_days"]

_CLOSE_DAYS_PENALTY = 0.5


@dataclass(frozen=True)
class VenueNeed:
    """What one venue needs this week.

    Parameters
    ----------
    venue_id
        The venue.
    allowed_days
        Days on which it may be delivered (its delivery days on which the hub and
        at least one suitable vehicle work), in any order.
    deliveries
        How many deliveries it wants this week (>= 1).
    load
        Its whole week's load; split evenly over its deliveries for balancing.
    """

    venue_id: str
    allowed_days: tuple[date, ...]
    deliveries: int
    load: Load

    def __post_init__(self) -> None:
        if self.deliveries < 1:
            raise ValueError(f"deliveries must be >= 1, got {self.deliveries}")


def _fill(placed: Load, capacity: Load) -> float:
    ratios = [
        p / c if c > 0 else (float("inf") if p > 0 else 0.0)
        for p, c in zip(placed.as_tuple(), capacity.as_tuple(), strict=True)
    ]
    return max(ratios)


def _split(load: Load, parts: int) -> Load:
    return Load(*(-(-v // parts) for v in load.as_tuple()))


def assign_delivery_days(
    needs: Sequence[VenueNeed], capacity_by_day: Mapping[date, Load]
) -> dict[str, tuple[date, ...]]:
    """Choose delivery days for every venue, balancing the fleet's load over the week.

    Parameters
    ----------
    needs
        One entry per venue.
    capacity_by_day
        Total capacity of the vehicles working each day (times their trips).
        Days missing from it get no deliveries.

    Returns
    -------
    dict
        ``venue_id -> sorted days``.  A venue gets ``min(deliveries, usable days)``
        days; a venue with no usable day gets an empty tuple (the caller explains why).
    """
    placed: dict[date, Load] = {day: Load() for day in capacity_by_day}
    order = sorted(
        needs,
        key=lambda n: (len(n.allowed_days), -max(n.load.as_tuple()), n.venue_id),
    )
    chosen: dict[str, tuple[date, ...]] = {}
    for need in order:
        usable = sorted(d for d in set(need.allowed_days) if d in capacity_by_day)
        count = min(need.deliveries, len(usable))
        if count == 0:
            chosen[need.venue_id] = ()
            continue
        share = _split(need.load, count)
        best: tuple[float, tuple[date, ...]] | None = None
        for combo in itertools.combinations(usable, count):
            busiest = max(_fill(placed[d] + share, capacity_by_day[d]) for d in combo)
            close = sum((b - a).days < 2 for a, b in itertools.pairwise(combo))
            score = busiest + _CLOSE_DAYS_PENALTY * close
            if best is None or score < best[0]:
                best = (score, combo)
        assert best is not None
        for day in best[1]:
            placed[day] = placed[day] + share
        chosen[need.venue_id] = best[1]
    return chosen
