"""Why a routing stop was left unserved, in a sentence a coordinator understands.

The diagnosis tries, in order: a time window no suitable vehicle can reach
("opens 07:00-07:30, earliest possible arrival 07:42"), a round trip longer than
any suitable shift, then the capacity dimension the suitable vehicles have used
up that day ("no refrigerated capacity left on Tuesday"), and finally the lack of
vehicle time.
"""

from __future__ import annotations

from datetime import date

from logistics.plan.day_problem import DayProblem
from logistics.routing import RoutingResult

__all__ = ["explain_unserved"]

_DIMENSION_WORDS = {
    "mass_g": "load capacity (kg)",
    "ambient_ml": "cargo volume",
    "chilled_ml": "refrigerated capacity",
    "frozen_ml": "freezer capacity",
}
_NEARLY_FULL = 0.85


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _day(day: date) -> str:
    return day.strftime("%A")


def explain_unserved(day_problem: DayProblem, result: RoutingResult, stop_index: int) -> str:
    """A reason for leaving stop ``stop_index`` of ``day_problem`` unserved in ``result``."""
    problem = day_problem.problem
    assert problem is not None
    stop = problem.stops[stop_index]
    types = [t for t in range(len(problem.vehicle_types)) if stop.allows(t)]
    # The problem's windows and travel times include the site's fixed service time,
    # folded into the arc to it: the sentence gives the site's own hours and arrival.
    fixed = day_problem.fixed_service_s[stop.location] if day_problem.fixed_service_s else 0
    windows = ", ".join(f"{_hhmm(a - fixed)}-{_hhmm(b - fixed)}" for a, b in stop.windows)
    earliest = []
    back_in_time = False
    for t in types:
        vt = problem.vehicle_types[t]
        matrix = problem.profiles[vt.profile].duration_s
        arrive = vt.shift[0] + int(matrix[0, stop.location])
        earliest.append(arrive)
        start = next((max(arrive, a) for a, b in stop.windows if arrive <= b), None)
        if (
            start is not None
            and start + stop.service_s + int(matrix[stop.location, 0]) <= vt.shift[1]
        ):
            back_in_time = True
    if earliest and all(e > stop.windows[-1][1] for e in earliest):
        return f"opens {windows}, earliest possible arrival {_hhmm(min(earliest) - fixed)}"
    if not back_in_time:
        return (
            f"opens {windows}: no suitable vehicle can get there and back to the hub"
            f" within its shift on {_day(day_problem.day)}"
        )
    used = [0] * len(problem.dimensions)
    capacity = [0] * len(problem.dimensions)
    for t in types:
        vt = problem.vehicle_types[t]
        capacity = [c + k * vt.max_trips for c, k in zip(capacity, vt.capacity, strict=True)]
    for route in result.routes:
        if route.vehicle_type in types:
            for s in route.stops:
                used = [u + d for u, d in zip(used, problem.stops[s].delivery, strict=True)]
    demand = [max(d, p) for d, p in zip(stop.delivery, stop.pickup, strict=True)]
    for dim, (u, c, need) in enumerate(zip(used, capacity, demand, strict=True)):
        if need > 0 and c > 0 and (u + need > c or u >= _NEARLY_FULL * c):
            word = _DIMENSION_WORDS.get(problem.dimensions[dim], problem.dimensions[dim])
            return f"no {word} left on {_day(day_problem.day)}"
    names = ", ".join(sorted(day_problem.vehicles[t].id for t in types))
    return (
        f"no vehicle time left on {_day(day_problem.day)}: the suitable vehicles ({names})"
        f" are busy during its opening hours {windows}"
    )
