"""PVRP benchmark side: reader, independent re-costing of the shipped ``.res`` files, CLI."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.route_quality.pvrp import (
    PVRP_DIR,
    PvrpInstance,
    ResRoute,
    instance_names,
    read_bks,
    read_pvrp,
    read_res,
    recost,
    to_periodic_problem,
    write_res,
)
from cli.app import app

SOLVED = sorted(p.name.removesuffix(".res") for p in (PVRP_DIR / "solutions").glob("*.res"))


def _instance(name: str) -> PvrpInstance:
    return read_pvrp(PVRP_DIR / "instances" / name)


def test_the_set_is_complete() -> None:
    names = instance_names()
    assert len(names) == 42
    assert set(read_bks()) == set(names)
    assert len(SOLVED) == 41 and "pr10" not in SOLVED


def test_combinations_are_read_from_the_left() -> None:
    p02 = _instance("p02")  # t = 5
    assert len(p02.days) == 5
    # a code read from the left: 10 = 01010 = days 2 and 4, 16 = 10000 = day 1
    from benchmarks.route_quality.pvrp import _decode

    assert _decode(10, 5) == frozenset({2, 4})
    assert _decode(16, 5) == frozenset({1})
    for i in range(1, p02.num_customers + 1):
        assert all(len(c) == p02.frequency[i] for c in p02.combinations[i])


def test_p01_node_51_lies_on_the_depot() -> None:
    p01 = _instance("p01")
    assert p01.num_customers == 51
    assert p01.on_depot(51) and not any(p01.on_depot(i) for i in range(1, 51))
    problem, ids = to_periodic_problem(p01)
    assert 51 not in ids and len(problem.clients) == 50


@pytest.mark.parametrize("name", SOLVED)
def test_recost_reproduces_every_shipped_solution(name: str) -> None:
    instance = _instance(name)
    declared, routes = read_res(PVRP_DIR / "solutions" / f"{name}.res")
    check = recost(instance, routes)
    assert check.violations == ()
    assert check.cost == pytest.approx(declared, abs=0.01)
    assert check.cost >= read_bks()[name] - 0.01


def _p01() -> tuple[PvrpInstance, list[ResRoute]]:
    return _instance("p01"), read_res(PVRP_DIR / "solutions" / "p01.res")[1]


def test_recost_rejects_a_forbidden_pattern() -> None:
    instance, routes = _p01()
    # customer 8 (route 0, day 1) allows day 1 or day 2 alone: visit it on both days
    assert 8 in routes[0].customers
    day2 = next(i for i, r in enumerate(routes) if r.day == 2)
    routes[day2] = dataclasses.replace(routes[day2], customers=(8, *routes[day2].customers))
    check = recost(instance, routes)
    assert any("customer 8 visited on days [1, 2]" in v for v in check.violations)


def test_recost_rejects_a_missing_visit() -> None:
    instance, routes = _p01()
    routes[0] = dataclasses.replace(routes[0], customers=routes[0].customers[1:])
    check = recost(instance, routes)
    assert any("customer 8 visited on days []" in v for v in check.violations)


def test_recost_rejects_an_overloaded_route_and_too_many_routes() -> None:
    instance, routes = _p01()
    merged = dataclasses.replace(routes[0], customers=routes[0].customers + routes[1].customers)
    check = recost(instance, [merged, *routes[2:]])
    assert any("above capacity 160" in v for v in check.violations)
    split = [ResRoute(1, 1, (c,)) for c in (*routes[0].customers, *routes[1].customers)]
    check = recost(instance, [*split, *routes[2:]])
    assert any("only 3 vehicles" in v for v in check.violations)


def test_recost_rejects_a_route_too_long() -> None:
    name = next(n for n in SOLVED if _instance(n).days[0][0] > 0)
    instance = _instance(name)
    routes = read_res(PVRP_DIR / "solutions" / f"{name}.res")[1]
    limit = instance.days[routes[0].day - 1][0]
    # the longest single-day merge of two routes of day 1 exceeds the duration limit
    day = [r for r in routes if r.day == routes[0].day]
    all_customers = tuple(c for r in day for c in r.customers)
    long = [ResRoute(routes[0].day, 1, all_customers)]
    rest = [r for r in routes if r.day != routes[0].day]
    check = recost(instance, long + rest)
    assert any(f"above {limit:g}" in v for v in check.violations)


def test_write_res_round_trips(tmp_path: Path) -> None:
    instance, routes = _p01()
    path = tmp_path / "p01.res"
    cost = write_res(path, instance, routes)
    declared, again = read_res(path)
    assert declared == pytest.approx(cost, abs=0.005)
    assert [r.customers for r in again] == [r.customers for r in routes]
    assert recost(instance, again).feasible


def test_bench_pvrp_end_to_end(tmp_path: Path) -> None:
    res = tmp_path / "res"
    result = CliRunner().invoke(
        app,
        [
            "bench", "pvrp", "--instances", "p01", "--max-iterations", "30", "--seed", "1",
            "--out", str(tmp_path), "--solutions", str(res),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "| joint |" in result.output and "| balance |" in result.output
    instance = _instance("p01")
    for file in ("p01.res", "p01.balance.res"):
        declared, routes = read_res(res / file)
        check = recost(instance, routes)
        assert check.violations == ()
        assert check.cost == pytest.approx(declared, abs=0.005)
    csv_files = list(tmp_path.glob("pvrp-*.csv"))
    assert len(csv_files) == 1 and "p01,joint" in csv_files[0].read_text()


def test_bench_pvrp_unknown_instance_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["bench", "pvrp", "--instances", "p99", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "p99" in result.output
