"""Driver breaks that leave no slack: plans must move stops so that every break fits."""

from __future__ import annotations

import pytest

from logistics.routing import (
    Break,
    RoutingProblem,
    RoutingResult,
    Stop,
    pyvrp_engine,
    solve,
    verify,
)
from logistics.routing.schedule import RELOAD, RawRoute, assemble_result, reinsert_stops
from tests.logistics.routing.helpers import ENGINES, ITERATIONS, problem, van

#: Four stops at one place, each served for 25 s in a one-instant window, back to
#: back: 10-35, 35-60, 60-85, 85-110.  A 20 s break starting in [30, 90] fits
#: nowhere in one vehicle's day, yet fits in the gap (or after the last stop) as
#: soon as two vehicles share the stops.
_BUSY = [
    Stop(1, service_s=25, windows=((10 + 25 * i, 10 + 25 * i),), label=f"s{i}") for i in range(4)
]
_PTS = [(0, 0), (10, 0)]


def _busy_problem() -> RoutingProblem:
    vt = van(2, shift=(0, 1000), fixed_cost=100, break_=Break(30, 90, 20))
    return problem(_PTS, _BUSY, [vt])


def _check(p: RoutingProblem, result: RoutingResult) -> None:
    assert [str(v) for v in verify(p, result)] == list(result.violations)
    assert result.feasible, result.violations
    assert not result.unserved
    for route in result.routes:
        (brk,) = [v for v in route.visits if v.kind == "break"]
        assert 30 <= brk.start_service_s <= 90


@pytest.mark.parametrize("engine", ENGINES)
def test_break_forces_a_second_vehicle(engine: str) -> None:
    p = _busy_problem()
    result = solve(p, engine=engine, max_iterations=ITERATIONS[engine], seed=1)
    _check(p, result)
    assert len(result.routes) == 2
    assert result.cost == 2 * (100 + 20)


@pytest.mark.parametrize("engine", ENGINES)
def test_break_moves_stops_off_the_cheap_vehicle(engine: str) -> None:
    # s0 and s1 may only go on vehicle type 0 (free); type 1 costs 100.  Type 0
    # alone cannot take its break; dropping s1 would make room but s1 cannot go
    # elsewhere: s3 (or s2 and s3) must move to type 1 instead, planned with breaks.
    only_0 = frozenset({0})
    stops = [
        Stop(s.location, service_s=s.service_s, windows=s.windows, label=s.label,
             allowed_vehicle_types=only_0 if i < 2 else None)
        for i, s in enumerate(_BUSY)
    ]  # fmt: skip
    brk = Break(30, 90, 20)
    p = problem(_PTS, stops, [van(1, break_=brk), van(1, fixed_cost=100, break_=brk)])
    result = solve(p, engine=engine, max_iterations=ITERATIONS[engine], seed=1)
    _check(p, result)
    by_type = {r.vehicle_type: set(r.stops) for r in result.routes}
    assert set(by_type) == {0, 1} and {0, 1} <= by_type[0]
    assert result.cost == 20 + 100 + 20


def test_repair_moves_the_dropped_stop_to_another_vehicle() -> None:
    # One vehicle doing all four stops has no room for its break: repairing it
    # takes one stop out, which then goes to the idle second vehicle.
    p = _busy_problem()
    result = assemble_result(
        p, [RawRoute(0, 0, (0, 1, 2, 3))], engine="test", runtime_s=0, iterations=0, seed=0,
        repair=True,
    )  # fmt: skip
    _check(p, result)
    assert sorted(len(r.stops) for r in result.routes) == [1, 3]
    assert "1 stop(s) taken out to repair it, 1 put back elsewhere" in result.notes[-1]


def test_reinsert_respects_penalty_and_compatibility() -> None:
    pts = [(0, 0), (10, 0), (100, 0)]
    stops = [
        Stop(1, required=False, penalty=1000, allowed_vehicle_types=frozenset({1})),
        Stop(2, required=False, penalty=50),  # 200 of driving: cheaper left out
    ]
    p = problem(pts, stops, [van(1), van(1, fixed_cost=5)])
    out = reinsert_stops(p, [], [0, 1])
    assert out == [RawRoute(1, 0, (0,))]


def test_reinsert_opens_a_new_trip() -> None:
    pts = [(0, 0), (10, 0), (0, 10)]
    stops = [Stop(1, delivery=(5,)), Stop(2, delivery=(5,))]
    p = problem(pts, stops, [van(1, capacity=5, max_trips=2)])
    out = reinsert_stops(p, [RawRoute(0, 0, (0,))], [1])
    assert out == [RawRoute(0, 0, (0, RELOAD, 1))]


def test_pyvrp_break_model_leaves_idle_vehicles_idle() -> None:
    # Breaks modelled as optional client groups: a used vehicle takes its break,
    # an idle one is not used for its break alone (its fixed cost repays the prize).
    pts = [(0, 0), (10, 0)]
    vt = van(3, shift=(0, 1000), fixed_cost=100, break_=Break(30, 90, 20))
    p = problem(pts, [Stop(1, service_s=5)], [vt])
    model = pyvrp_engine._data(p, soft=False, breaks=True)
    assert [t for t, _ in model.units] == [0, 0, 0]
    res = pyvrp_engine._run(model.data, 1.0, 1, ITERATIONS["pyvrp"])
    assert res.is_feasible()
    (route,) = res.best.routes()
    breaks = [a.idx for a in route.schedule() if a.is_client() and a.idx >= len(model.client_stop)]
    assert len(breaks) == 1
    raw = pyvrp_engine._raw_routes(res.best, model)
    assert [r.sequence for r in raw] == [(0,)]
    result = assemble_result(p, raw, engine="pyvrp", runtime_s=0, iterations=0, seed=0)
    assert result.feasible and result.cost == 100 + 20
