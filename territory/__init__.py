"""The shared territory core: domain records, the territory folder's reader and writer,
the error hierarchy and the clock."""

from territory.clock import SYSTEM_CLOCK, Clock, FixedClock, SystemClock

__all__ = ["SYSTEM_CLOCK", "Clock", "FixedClock", "SystemClock"]
