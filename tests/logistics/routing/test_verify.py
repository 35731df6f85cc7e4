"""verify() catches hand-made broken results; the Solomon best-known solutions pass it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from benchmarks.solomon import INSTANCE_DIR, read_bks, read_instance
from logistics.routing import Break, RoutingResult, Stop, verify
from logistics.routing.schedule import RELOAD, RawRoute, assemble_result, build_route
from tests.logistics.routing.helpers import problem, van

PTS = [(0, 0), (10, 0), (20, 0), (0, 10)]


def good_problem():  # type: ignore[no-untyped-def]
    stops = [
        Stop(1, delivery=(4,), windows=((0, 15),), label="a"),
        Stop(2, delivery=(4,), windows=((0, 50),), label="b"),
        Stop(3, delivery=(4,), label="c"),
    ]
    return problem(PTS, stops, [van(2, capacity=8), van(1, capacity=8, label="bike")])


def result_of(p, raw) -> RoutingResult:  # type: ignore[no-untyped-def]
    return assemble_result(p, raw, engine="test", runtime_s=0.0, iterations=0, seed=0)


def messages(p, result: RoutingResult) -> str:  # type: ignore[no-untyped-def]
    return " | ".join(str(v) for v in verify(p, result))


def test_good_result_passes() -> None:
    p = good_problem()
    res = result_of(p, [RawRoute(0, 0, (0, 1)), RawRoute(0, 1, (2,))])
    assert res.feasible and res.violations == () and verify(p, res) == []
    assert res.cost == 40 + 20


def test_late_arrival() -> None:
    p = good_problem()
    res = result_of(p, [RawRoute(0, 0, (1, 0))])  # a after b: reached at 30 s, too late
    assert not res.feasible
    assert "outside its windows" in messages(p, res)


def test_overload() -> None:
    p = good_problem()
    res = result_of(p, [RawRoute(0, 0, (0, 1, 2))])
    assert "above its capacity 8" in messages(p, res)


def test_wrong_vehicle_type() -> None:
    stops = [Stop(1, allowed_vehicle_types=frozenset({1}), label="centre")]
    p = problem(PTS, stops, [van(1), van(1)])
    res = result_of(p, [RawRoute(0, 0, (0,))])
    assert "may not serve stop 0 (centre)" in messages(p, res)


def test_missing_stop() -> None:
    p = good_problem()
    res = result_of(p, [RawRoute(0, 0, (0, 1))])
    assert "stop 2 (c) is required but not served" in messages(p, res)
    hidden = dataclasses.replace(res, unserved=())
    assert "not served nor listed unserved" in messages(p, hidden)


def test_duplicate_stop() -> None:
    p = good_problem()
    res = result_of(p, [RawRoute(0, 0, (0, 1)), RawRoute(0, 1, (2, 0))])
    assert "stop 0 (a) is served 2 times" in messages(p, res)


def test_wrong_cost_and_tampered_times() -> None:
    p = good_problem()
    res = result_of(p, [RawRoute(0, 0, (0, 1)), RawRoute(0, 1, (2,))])
    assert "recomputed" in messages(p, dataclasses.replace(res, cost=res.cost - 1))
    route = res.routes[0]
    visits = list(route.visits)
    visits[1] = dataclasses.replace(visits[1], arrival_s=1, start_service_s=1, departure_s=1)
    fake = dataclasses.replace(res, routes=(dataclasses.replace(route, visits=tuple(visits)),
                                            res.routes[1]))  # fmt: skip
    assert "the drive takes 10 s" in messages(p, fake)


def test_too_many_trips_and_shift() -> None:
    p = problem(PTS, [Stop(1), Stop(2)], [van(1, shift=(0, 30))])
    res = result_of(p, [RawRoute(0, 0, (0, RELOAD, 1))])
    text = messages(p, res)
    assert "makes 2 trips, at most 1 allowed" in text
    assert "after its shift ends (30 s)" in text


def test_pickup_load_accumulates() -> None:
    stops = [Stop(1, pickup=(6,), label="farm"), Stop(2, delivery=(6,), label="shop")]
    p = problem(PTS, stops, [van(1, capacity=10)])
    bad = result_of(p, [RawRoute(0, 0, (0, 1))])  # picks up 6 with 6 still to deliver
    assert "carries 12 q after stop 0 (farm)" in messages(p, bad)
    assert result_of(p, [RawRoute(0, 0, (1, 0))]).feasible


def test_break_outside_window() -> None:
    p = problem(PTS, [Stop(1, service_s=5)], [van(1, break_=Break(100, 110, 10))])
    route = build_route(p, 0, 0, [0], break_position=0)
    assert route.visits[1].kind == "break" and route.visits[1].start_service_s == 100
    res = result_of(p, [RawRoute(0, 0, (0,))])
    assert res.feasible
    no_break = dataclasses.replace(
        res.routes[0], visits=tuple(v for v in res.routes[0].visits if v.kind != "break")
    )
    assert "must take exactly one break" in messages(
        p, dataclasses.replace(res, routes=(no_break,))
    )


def _read_sol(path: Path) -> list[list[int]]:
    return [
        [int(x) for x in line.split(":")[1].split()]
        for line in path.read_text().splitlines()
        if line.startswith("Route")
    ]


@pytest.mark.parametrize("name", ["C101", "R208", "RC105"])
def test_solomon_best_known_solutions_verify(name: str) -> None:
    p = read_instance(INSTANCE_DIR / f"{name}.txt")
    assert len(p.stops) == 100 and p.vehicle_types[0].count == 25
    routes = _read_sol(INSTANCE_DIR / f"{name}.sol")
    raw = [RawRoute(0, k, tuple(c - 1 for c in r)) for k, r in enumerate(routes)]
    res = result_of(p, raw)
    assert res.feasible, res.violations[:3]
    assert res.cost == round(10 * read_bks()[name][0])
