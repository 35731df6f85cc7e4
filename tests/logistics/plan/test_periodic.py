"""The periodic solver: hand-checkable weeks, validation, and invariants on random problems."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.plan import (
    DayFleet,
    PeriodicClient,
    PeriodicProblem,
    PeriodicSolution,
    balance_patterns,
    solve_periodic,
)
from territory.errors import InputError


def _matrix(points: list[tuple[float, float]]) -> np.ndarray:
    pts = np.array(points, dtype=float)
    d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    return np.rint(d).astype(np.int64)


def _problem(
    points: list[tuple[float, float]],
    clients: Sequence[tuple[int, tuple[tuple[int, ...], ...]]],
    *,
    days: int,
    vehicles: int = 1,
    capacity: int = 100,
    max_duration: int | None = None,
    service: int = 0,
) -> PeriodicProblem:
    m = _matrix(points)
    return PeriodicProblem(
        fleets=tuple(DayFleet(vehicles, (capacity,), max_duration) for _ in range(days)),
        clients=tuple(
            PeriodicClient(location=i + 1, demand=(q,), service=service, patterns=p)
            for i, (q, p) in enumerate(clients)
        ),
        distance=m,
        duration=m,
    )


def _recomputed_cost(problem: PeriodicProblem, solution: PeriodicSolution) -> int:
    total = 0
    for routes in solution.routes:
        for route in routes:
            path = [0, *(problem.clients[c].location for c in route), 0]
            total += sum(int(problem.distance[a, b]) for a, b in itertools.pairwise(path))
    return total


def _check(problem: PeriodicProblem, solution: PeriodicSolution) -> None:
    """Allowed patterns, one visit per pattern day, capacity, duration, vehicles, cost."""
    unserved = {u.client for u in solution.unserved}
    visits: dict[int, list[int]] = {}
    for d, routes in enumerate(solution.routes):
        fleet = problem.fleets[d]
        assert len(routes) <= fleet.vehicles
        for route in routes:
            load = sum(problem.clients[c].demand[0] for c in route)
            assert load <= fleet.capacity[0]
            path = [0, *(problem.clients[c].location for c in route), 0]
            duration = sum(int(problem.duration[a, b]) for a, b in itertools.pairwise(path))
            duration += sum(problem.clients[c].service for c in route)
            if fleet.max_duration is not None:
                assert duration <= fleet.max_duration
            for c in route:
                visits.setdefault(c, []).append(d)
    for c, client in enumerate(problem.clients):
        if c in unserved:
            continue
        pattern = solution.patterns[c]
        assert pattern in client.patterns
        assert sorted(visits.get(c, [])) == list(pattern)
    assert solution.cost == _recomputed_cost(problem, solution)
    for result in solution.day_results:
        if result is not None:
            assert result.feasible and not result.violations


def test_two_neighbours_share_their_one_common_day() -> None:
    # A allows Monday or Tuesday, B Tuesday or Wednesday; both 100 away, next to each other
    problem = _problem(
        [(0, 0), (100, 0), (100, 2)],
        [(1, ((0,), (1,))), (1, ((1,), (2,)))],
        days=3,
    )
    for method in ("joint",):
        solution = solve_periodic(problem, method=method, seed=0, max_iterations=20)
        _check(problem, solution)
        assert solution.patterns == ((1,), (1,))
        assert solution.cost == 100 + 2 + 100


def test_the_balance_baseline_splits_the_same_neighbours() -> None:
    problem = _problem(
        [(0, 0), (100, 0), (100, 2)],
        [(1, ((0,), (1,))), (1, ((1,), (2,)))],
        days=3,
    )
    assert balance_patterns(problem) == [0, 0]  # A on Monday, then B on Tuesday: apart
    solution = solve_periodic(problem, method="balance", seed=0, max_iterations=20)
    _check(problem, solution)
    assert solution.cost == 400


def test_capacity_sends_two_clients_to_different_days() -> None:
    problem = _problem(
        [(0, 0), (10, 0), (10, 1)],
        [(6, ((0,), (1,))), (6, ((0,), (1,)))],
        days=2,
        capacity=10,
    )
    solution = solve_periodic(problem, seed=0, max_iterations=20)
    _check(problem, solution)
    assert {solution.patterns[0], solution.patterns[1]} == {(0,), (1,)}
    assert solution.cost == 40


def test_a_twice_weekly_client_takes_the_pattern_of_its_neighbour() -> None:
    # C (twice a week) may go Mon+Wed or Tue+Thu; D sits next to it and is visited Tue+Thu
    problem = _problem(
        [(0, 0), (50, 0), (50, 1)],
        [(1, ((0, 2), (1, 3))), (1, ((1, 3),))],
        days=4,
    )
    solution = solve_periodic(problem, seed=3, max_iterations=20)
    _check(problem, solution)
    assert solution.patterns == ((1, 3), (1, 3))


def test_a_client_no_vehicle_can_carry_is_unserved_with_its_reason() -> None:
    problem = _problem(
        [(0, 0), (10, 0), (20, 0)],
        [(5, ((0,),)), (500, ((0,), (1,)))],
        days=2,
        capacity=100,
    )
    solution = solve_periodic(problem, seed=0, max_iterations=10)
    _check(problem, solution)
    assert [u.client for u in solution.unserved] == [1]
    assert "capacity" in solution.unserved[0].reason
    assert solution.patterns[1] is None


def test_the_route_duration_limit_is_respected() -> None:
    # each client 40 away: two on one route need 40+d+40 > 100; one route each, two days
    problem = _problem(
        [(0, 0), (40, 0), (0, 40)],
        [(1, ((0,), (1,))), (1, ((0,), (1,)))],
        days=2,
        max_duration=100,
    )
    solution = solve_periodic(problem, seed=0, max_iterations=10)
    _check(problem, solution)
    assert not solution.unserved and solution.cost == 160


def test_same_seed_and_iterations_same_solution() -> None:
    rng = np.random.default_rng(5)
    points = [(0.0, 0.0), *[(float(x), float(y)) for x, y in rng.uniform(-50, 50, size=(12, 2))]]
    clients = [(int(rng.integers(1, 10)), ((0,), (1,), (2,))) for _ in range(12)]
    problem = _problem(points, clients, days=3, vehicles=2, capacity=30)
    a = solve_periodic(problem, seed=7, max_iterations=40)
    b = solve_periodic(problem, seed=7, max_iterations=40)
    assert (a.patterns, a.routes, a.cost) == (b.patterns, b.routes, b.cost)


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda kw: kw.update(patterns=((3,),)), "clients[0].patterns"),
        (lambda kw: kw.update(location=9), "clients[0].location"),
        (lambda kw: kw.update(demand=(1, 2)), "clients[0].demand"),
    ],
)
def test_bad_problems_name_the_field(change: Callable[[dict[str, Any]], None], column: str) -> None:
    kw: dict[str, Any] = {"location": 1, "demand": (1,), "service": 0, "patterns": ((0,),)}
    change(kw)
    m = _matrix([(0, 0), (1, 0)])
    with pytest.raises(InputError) as info:
        PeriodicProblem(
            fleets=(DayFleet(1, (10,)), DayFleet(1, (10,))),
            clients=(PeriodicClient(**kw),),
            distance=m,
            duration=m,
        )
    assert column in str(info.value)


def test_a_client_without_patterns_is_refused() -> None:
    with pytest.raises(InputError, match="allows no pattern"):
        PeriodicClient(location=1, demand=(1,), service=0, patterns=(), label="Boutique Y")


@st.composite
def _random_problem(draw: st.DrawFn) -> PeriodicProblem:
    days = draw(st.integers(1, 4))
    n = draw(st.integers(1, 9))
    coords = draw(
        st.lists(st.tuples(st.integers(-40, 40), st.integers(-40, 40)), min_size=n, max_size=n)
    )
    capacity = draw(st.integers(5, 30))
    limit = draw(st.one_of(st.none(), st.integers(60, 250)))
    all_patterns = [tuple(d for d in range(days) if mask >> d & 1) for mask in range(1, 2**days)]
    clients = []
    for _ in range(n):
        demand = draw(st.integers(0, 12))
        pats = draw(st.lists(st.sampled_from(all_patterns), min_size=1, max_size=4, unique=True))
        clients.append((demand, tuple(pats)))
    return _problem(
        [(0, 0), *coords],
        clients,
        days=days,
        vehicles=draw(st.integers(1, 3)),
        capacity=capacity,
        max_duration=limit,
        service=draw(st.integers(0, 5)),
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    problem=_random_problem(), seed=st.integers(0, 3), method=st.sampled_from(["joint", "balance"])
)
def test_every_solution_is_valid(problem: PeriodicProblem, seed: int, method: str) -> None:
    solution = solve_periodic(problem, method=method, seed=seed, max_iterations=15)
    _check(problem, solution)
    if method == "joint":  # a client is unserved only when the fleet really lacks room
        for u in solution.unserved:
            assert math.isfinite(len(u.reason)) and u.reason
