"""The planning season: a cycle of 52 ISO weeks.

The crop plan is a *steady-state annual cycle*: a bed planted in week 42 and harvested in
week 25 counts in the season it is harvested, and the autumn plantings of the season feed the
next one the same way.  Week arithmetic therefore wraps (week 52 + 1 = week 1).  In ISO years
with 53 weeks, week 53 is planned as week 52 (its demand is added to week 52).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

__all__ = [
    "SEASONS",
    "WEEKS",
    "Season",
    "cycle_week",
    "inca3_season",
    "month_of_week",
    "weeks_in_year",
]

WEEKS = 52
"""Weeks of the planning cycle."""

Season = Literal["winter", "spring", "summer", "autumn"]
"""An INCA3 survey season (``saison_pop3`` 1 to 4)."""
SEASONS: tuple[Season, ...] = get_args(Season)


def cycle_week(week: int) -> int:
    """Wrap a week number onto the cycle ``1..52`` (``53 -> 1``, ``0 -> 52``)."""
    return (week - 1) % WEEKS + 1


def weeks_in_year(year: int) -> int:
    """Number of ISO weeks of an ISO year (52 or 53)."""
    return dt.date(year, 12, 28).isocalendar()[1]


def month_of_week(year: int, week: int) -> int:
    """Calendar month (1-12) of the Thursday of an ISO week (week 53 of a 52-week year wraps)."""
    weeks = weeks_in_year(year)
    return dt.date.fromisocalendar(year, min(week, weeks), 4).month


def inca3_season(month: int) -> Season:
    """INCA3 season of a calendar month: Dec-Feb winter, Mar-May spring, Jun-Aug summer."""
    return SEASONS[(month % 12) // 3]
