"""The one clock: every calendar time in foodhub ("now", "today", "this week") comes from here.

A :class:`Clock` is injected wherever a calendar time is needed (the app, its routes and
jobs, auth, order windows, command defaults); tests pin it with :class:`FixedClock`.  No
other module reads the wall clock for a calendar time (durations use ``time.monotonic``).

>>> clock = FixedClock(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC))
>>> clock.now().isoformat()
'2026-11-23T09:00:00+00:00'
>>> clock.today("Europe/Paris").isoformat()
'2026-11-23'
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

__all__ = ["SYSTEM_CLOCK", "Clock", "FixedClock", "SystemClock", "utc_now"]


@runtime_checkable
class Clock(Protocol):
    """Source of the current calendar time."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def today(self, timezone: str = "UTC") -> dt.date:
        """The current date in the IANA ``timezone``."""
        ...


class _DateMixin:
    def now(self) -> dt.datetime:  # pragma: no cover - overridden
        raise NotImplementedError

    def today(self, timezone: str = "UTC") -> dt.date:
        """The current date in the IANA ``timezone`` (e.g. ``Europe/Paris``)."""
        return self.now().astimezone(ZoneInfo(timezone)).date()


class SystemClock(_DateMixin):
    """The machine's wall clock (the default outside tests)."""

    def now(self) -> dt.datetime:
        """The wall-clock time now, in UTC."""
        return dt.datetime.now(dt.UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock(_DateMixin):
    """A clock that shows ``at`` until moved (tests, demos, benchmarks).

    Parameters
    ----------
    at
        The time it shows; must be timezone-aware.

    Raises
    ------
    ValueError
        When ``at`` is naive.
    """

    def __init__(self, at: dt.datetime) -> None:
        self._lock = threading.Lock()
        self._at = self._checked(at)

    @staticmethod
    def _checked(at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"a clock needs a timezone-aware time, got {at.isoformat()}")
        return at.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        """The pinned time, in UTC."""
        with self._lock:
            return self._at

    def set(self, at: dt.datetime) -> None:
        """Move the clock to ``at`` (timezone-aware)."""
        at = self._checked(at)
        with self._lock:
            self._at = at

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward by ``delta`` (backwards when negative)."""
        with self._lock:
            self._at = self._at + delta

    def __getstate__(self) -> dict[str, dt.datetime]:
        return {"at": self.now()}

    def __setstate__(self, state: dict[str, dt.datetime]) -> None:
        self._lock = threading.Lock()
        self._at = state["at"]

    def __repr__(self) -> str:
        return f"FixedClock({self.now().isoformat()})"


SYSTEM_CLOCK: Clock = SystemClock()
"""The wall clock, shared: the default wherever no clock is injected."""


def utc_now() -> dt.datetime:
    """The wall clock's time now (UTC), for record stamps made where no clock is injected."""
    return SYSTEM_CLOCK.now()
