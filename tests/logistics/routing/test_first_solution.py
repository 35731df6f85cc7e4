"""OR-Tools must start from a real plan on multi-trip days with pickups and windows.

Path-cheapest-arc alone thrashed on such days (the trip chaining and the on-board
load equality are only checked once a route is closed) until the whole budget
was gone, and OR-Tools then answered with every stop left out.
"""

from __future__ import annotations

import pytest

from logistics.routing import Stop, solve
from tests.logistics.routing.helpers import ENGINES, ITERATIONS, problem, van

_PTS = [(0, 0), (-1, -14), (5, 10), (-11, -15), (-16, -19), (5, 15), (-2, -17), (-6, 13), (14, 3),
        (-3, -9)]  # fmt: skip
_TWO = ((0, 60), (120, 300))
_ALL_DAY = ((0, 1000),)
# (delivery, pickup, windows) per stop; stop i is at point i + 1.
_STOPS = [
    (4, 0, ((27, 103),)), (4, 0, _TWO), (0, 4, _TWO), (3, 0, _TWO), (0, 4, ((0, 137),)),
    (4, 0, _ALL_DAY), (0, 4, _ALL_DAY), (0, 4, _ALL_DAY), (0, 4, ((66, 168),)),
]  # fmt: skip


@pytest.mark.parametrize("engine", ENGINES)
def test_multi_trip_pickups_and_windows_are_all_served(engine: str) -> None:
    stops = [
        Stop(i + 1, delivery=(d,), pickup=(q,), service_s=5, windows=w, required=False,
             penalty=10_000)
        for i, (d, q, w) in enumerate(_STOPS)
    ]  # fmt: skip
    vehicles = [
        van(1, capacity=10, max_trips=2, reload_s=5, shift=(0, 400)),
        van(1, capacity=8, max_trips=3, reload_s=5, shift=(50, 450), fixed_cost=10),
    ]
    p = problem(_PTS, stops, vehicles)
    result = solve(p, engine=engine, max_iterations=ITERATIONS[engine], seed=1)
    assert result.feasible, result.violations
    assert not result.unserved
