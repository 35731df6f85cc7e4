"""Hypothesis: on random small problems every engine's answer is verified or flagged."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.routing import Break, RoutingProblem, Stop, VehicleType, solve, verify
from tests.logistics.routing.helpers import ENGINES, euclid


@st.composite
def problems(draw: st.DrawFn) -> RoutingProblem:
    n = draw(st.integers(5, 8))
    pts = [(50, 50)] + [(draw(st.integers(0, 100)), draw(st.integers(0, 100))) for _ in range(n)]
    stops = []
    for i in range(1, n + 1):
        start = draw(st.integers(0, 300))
        windows = [(start, start + draw(st.integers(0, 200)))]
        if draw(st.booleans()):
            later = windows[0][1] + draw(st.integers(1, 200))
            windows.append((later, later + draw(st.integers(0, 200))))
        stops.append(
            Stop(
                i,
                delivery=(draw(st.integers(0, 6)), draw(st.integers(0, 3))),
                pickup=(draw(st.integers(0, 4)), 0),
                service_s=draw(st.integers(0, 20)),
                windows=tuple(windows),
                required=draw(st.booleans()),
                penalty=draw(st.integers(0, 500)),
                allowed_vehicle_types=draw(st.sampled_from([None, frozenset({0}), frozenset({1})])),
            )
        )
    types = [
        VehicleType(
            count=draw(st.integers(1, 2)),
            capacity=(draw(st.integers(6, 15)), draw(st.integers(3, 8))),
            profile="drive",
            shift=(0, draw(st.integers(400, 1000))),
            fixed_cost=draw(st.integers(0, 100)),
            cost_per_s=draw(st.integers(0, 1)),
            max_trips=draw(st.integers(1, 2)),
            reload_s=draw(st.integers(0, 30)),
        ),
        VehicleType(
            count=1,
            capacity=(draw(st.integers(4, 10)), draw(st.integers(2, 6))),
            profile="bike",
            shift=(0, 800),
            max_duration_s=draw(st.sampled_from([None, 400, 600])),
            break_=draw(st.sampled_from([None, Break(100, 300, 30)])),
        ),
    ]
    return RoutingProblem(
        dimensions=("mass_g", "chilled_ml"),
        profiles={"drive": euclid(pts), "bike": euclid(pts, speed=2)},
        stops=tuple(stops),
        vehicle_types=tuple(types),
    )


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=problems())
def test_result_is_verified_or_flagged(engine: str, p: RoutingProblem) -> None:
    result = solve(p, engine=engine, max_iterations=100, seed=3)
    violations = [str(v) for v in verify(p, result)]
    assert result.feasible == (not violations)
    assert list(result.violations) == violations
    # Apart from unservable required stops, the engines must find a valid plan
    # for every stop they do serve.
    others = [v for v in violations if "required but not served" not in v]
    assert not others, others
    served = {s for r in result.routes for s in r.stops}
    assert served.isdisjoint(result.unserved)
    assert served | set(result.unserved) == set(range(len(p.stops)))


def test_auto_is_reproducible_and_keeps_the_cheapest() -> None:
    from tests.logistics.routing.helpers import problem, van

    pts = [(0, 0), (10, 0), (12, 0), (0, 10), (0, 12)]
    stops = [Stop(i, delivery=(5,)) for i in range(1, 5)]
    q = problem(pts, stops, [van(1, capacity=10, max_trips=2, reload_s=7)])
    first = solve(q, engine="auto", max_iterations=200, seed=5)
    second = solve(q, engine="auto", max_iterations=200, seed=5)
    assert first.feasible and first.cost == 48  # OR-Tools' answer beats PyVRP's 74 here
    assert first.engine == "ortools"
    assert [r.visits for r in first.routes] == [r.visits for r in second.routes]
    assert len(first.notes) == 2
