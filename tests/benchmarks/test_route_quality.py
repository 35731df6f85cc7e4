"""Route-quality benchmark suite: readers, conventions, BKS re-costing, report, CLI --quick."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from benchmarks.route_quality.conventions import arc_matrix, solver_matrices
from benchmarks.route_quality.instance import Instance, read_solomon, read_solution, read_vrplib
from benchmarks.route_quality.recost import recost
from benchmarks.route_quality.report import compare_engines, gap_table
from benchmarks.route_quality.sets import SETS, build_problem
from cli.app import app
from logistics.routing import verify
from logistics.routing.schedule import RawRoute, assemble_result

# --- readers: one instance per format --------------------------------------------------


def test_read_solomon_100_and_gh200() -> None:
    c101 = read_solomon(SETS["solomon"].file("C101"))
    assert (c101.num_customers, c101.num_vehicles, c101.capacity) == (100, 25, 200)
    assert c101.coords is not None and tuple(c101.coords[0]) == (40.0, 50.0)
    assert (c101.ready[0], c101.due[0], c101.service[1]) == (0, 1236, 90)  # type: ignore[index]
    gh = SETS["gh200"].read("c1_2_1")
    assert (gh.num_customers, gh.num_vehicles, gh.capacity) == (200, 50, 200)
    assert gh.due is not None and gh.due[0] == 1351


def test_read_vrplib_euc_2d() -> None:
    x = read_vrplib(SETS["x"].file("X-n101-k25"))
    assert (x.num_customers, x.capacity, x.num_vehicles) == (100, 206, None)
    assert x.coords is not None and tuple(x.coords[0]) == (365.0, 689.0)
    assert x.demand[0] == 0 and not x.has_windows


def test_read_vrplib_explicit_lower_row() -> None:
    e = SETS["cvrp-classic"].read("E-n13-k4")
    assert e.explicit is not None and e.coords is None and e.size == 13
    m = e.explicit
    # LOWER_ROW: d(1,0), d(2,0), d(2,1), d(3,0), ... = 9, 14, 21, 23, ...
    assert np.array_equal(m, m.T) and (m[1, 0], m[2, 0], m[2, 1], m[3, 0]) == (9, 14, 21, 23)
    assert m[12, 11] == 10 and np.all(np.diag(m) == 0)


def test_read_vrplib_route_length_and_service() -> None:
    cmt = SETS["cvrp-classic"].read("CMT6")
    assert cmt.max_route_length == 200.0 and cmt.service is not None
    assert cmt.service[0] == 0.0 and cmt.service[1] == 10.0


def test_read_solution_formats() -> None:
    sol = read_solution(SETS["x"].solution_file("X-n101-k25"))  # type: ignore[arg-type]
    assert sol.cost == 27591 and len(sol.routes) == 26
    sintef = read_solution(SETS["gh200"].solution_file("c1_2_1"))  # type: ignore[arg-type]
    assert sintef.cost is None and len(sintef.routes) == 20
    assert sorted(c for r in sintef.routes for c in r) == list(range(1, 201))


# --- conventions on hand examples -------------------------------------------------------


def _line(*points: tuple[float, float]) -> Instance:
    return Instance(
        name="hand",
        demand=(0,) * len(points),
        capacity=1,
        coords=np.array(points, dtype=np.float64),
    )


def test_dimacs_truncates_to_one_decimal() -> None:
    # sqrt(2) = 1.414 -> 1.4; sqrt(5) = 2.236 -> 2.2; 5 stays 5 (exact integer root)
    inst = _line((0, 0), (1, 1), (1, 2), (3, 4))
    arcs = arc_matrix(inst, "dimacs")
    assert [arcs[0, 1], arcs[0, 2], arcs[0, 3]] == [1.4, 2.2, 5.0]
    dist, dur, scale = solver_matrices(inst, "dimacs")
    assert scale == 10 and dist[0, 1] == 14 and dist[0, 2] == 22 and dist[0, 3] == 50
    assert np.array_equal(dist, dur)


def test_nint_rounds_half_up() -> None:
    # 1.414 -> 1, 2.236 -> 2, 2.5 -> 3 (nint rounds halves up), 2.828 -> 3
    inst = _line((0, 0), (1, 1), (1, 2), (1.5, 2), (2, 2))
    arcs = arc_matrix(inst, "nint")
    assert list(arcs[0, 1:]) == [1.0, 2.0, 3.0, 3.0]
    dist, _, scale = solver_matrices(inst, "nint")
    assert scale == 1 and list(dist[0, 1:]) == [1, 2, 3, 3]


def test_exact_keeps_double_precision_and_never_shortens_time() -> None:
    inst = _line((0, 0), (1, 1), (3, 4))
    arcs = arc_matrix(inst, "exact")
    assert arcs[0, 1] == pytest.approx(math.sqrt(2)) and arcs[0, 2] == 5.0
    dist, dur, scale = solver_matrices(inst, "exact")
    assert dist[0, 1] == 14142 and dur[0, 1] == 14143 and dur[0, 2] == 50000
    assert np.all(dur >= arcs * scale - 1e-6)


# --- best-known solutions re-cost to bks.csv and pass verify -----------------------------

BKS_CASES = [
    ("solomon", "C101"),
    ("solomon", "RC105"),
    ("gh200", "c1_2_1"),
    ("gh200", "r2_2_4"),
    ("x", "X-n101-k25"),
    ("x", "X-n303-k21"),
    ("cvrp-classic", "A-n32-k5"),
    ("cvrp-classic", "E-n13-k4"),
    ("cvrp-classic", "CMT6"),
]


@pytest.mark.parametrize(("set_name", "name"), BKS_CASES)
def test_bks_solution_recosts_to_bks_value(set_name: str, name: str) -> None:
    bset = SETS[set_name]
    bks = bset.bks()[name]
    instance = bset.read(name)
    sol = read_solution(bset.solution_file(name))  # type: ignore[arg-type]
    check = recost(instance, sol.routes, bks.convention)
    assert check.feasible, check.violations
    assert check.distance == pytest.approx(
        bks.distance, abs=1e-2 if bks.convention == "exact" else 1e-6
    )
    if bks.vehicles is not None:
        assert check.vehicles == bks.vehicles
    # the same routes, as a RoutingResult of the solver-neutral problem, pass verify
    problem = build_problem(instance, bks.convention, "distance")
    raw = [RawRoute(0, k, tuple(c - 1 for c in r)) for k, r in enumerate(sol.routes)]
    result = assemble_result(problem, raw, engine="bks", runtime_s=0.0, iterations=0, seed=0)
    assert verify(problem, result) == [] and not result.unserved
    scale = {"dimacs": 10, "exact": 10_000}.get(bks.convention, 1)
    assert result.distance / scale == pytest.approx(bks.distance, abs=0.05)


def test_recost_catches_broken_solutions() -> None:
    bset = SETS["solomon"]
    instance = bset.read("C101")
    routes = [list(r) for r in read_solution(bset.solution_file("C101")).routes]  # type: ignore[arg-type]
    missing = recost(instance, [routes[0][1:], *routes[1:]], "dimacs")
    assert any("not visited" in v for v in missing.violations)
    merged = recost(instance, [routes[0] + routes[1], *routes[2:]], "dimacs")
    assert any("capacity" in v or "due" in v for v in merged.violations)
    reversed_ = recost(instance, [routes[0][::-1], *routes[1:]], "dimacs")
    assert any("due" in v for v in reversed_.violations)


# --- report -------------------------------------------------------------------------------


def _row(instance: str, engine: str, gap: float, *, veh: int = 10, feasible: bool = True) -> dict:
    return {
        "instance": instance, "class": instance[:2], "engine": engine, "time_limit_s": "10",
        "vehicles": str(veh), "distance": f"{100 + gap:.4f}", "bks_vehicles": "10",
        "gap_pct": f"{gap:.3f}", "same_vehicles": str(veh == 10), "feasible": str(feasible),
    }  # fmt: skip


def test_report_tables() -> None:
    rows = [
        _row("C101", "auto", 0.0),
        _row("C101", "ortools", 2.0),
        _row("R101", "auto", 1.0),
        _row("R101", "ortools", 1.0),
        _row("R102", "auto", 3.0, veh=9),
        _row("R102", "ortools", 0.0, feasible=False),
    ]
    table = gap_table(rows, hierarchical=True)
    assert "| **auto** | all | 3 | 0 | 1.33 | 1.00 | 3.00 | 29 / 30 | 2 | 0.50 |" in table
    assert "| **ortools** | all | 3 | 1 | 1.50 | 1.50 | 2.00 |" in table
    assert "| auto | ortools | 2 | 1 | 0 |" in compare_engines(rows)
    # hierarchical: fewer vehicles wins even with a longer distance
    assert "| auto | ortools | 2 | 1 | 0 |" in compare_engines(rows, hierarchical=True)


# --- end to end through the CLI -------------------------------------------------------------


def test_cli_quick_writes_csv_markdown_png(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["bench", "solomon", "--quick", "--engines", "pyvrp", "--budgets", "0.5",
         "--budget-instances", "1", "--out", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    csvs = list(tmp_path.glob("solomon-*[0-9].csv"))
    assert len(csvs) == 1
    with csvs[0].open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["instance"], r["time_limit_s"]) for r in rows] == [
        ("C101", "1"),
        ("R101", "1"),
        ("C101", "0.5"),
    ]
    assert all(r["feasible"] == "True" and r["n"] == "100" for r in rows)
    assert float(rows[0]["gap_pct"]) >= 0
    md = csvs[0].with_suffix(".md").read_text()
    assert "| **pyvrp** | all | 2 | 0 |" in md
    for png in (csvs[0].with_name(csvs[0].stem + "-gap.png"),
                csvs[0].with_name(csvs[0].stem + "-gap-vs-time.png")):  # fmt: skip
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_quick_hierarchical_set(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["bench", "gh200", "--quick", "--engines", "pyvrp", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    md = next(tmp_path.glob("gh200-*.md")).read_text()
    assert "vehicles / BKS" in md and "like-with-like" in md


def test_cli_rejects_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["bench", "nope", "--out", str(tmp_path)]).exit_code == 2
    bad_engine = ["bench", "solomon", "--engines", "gurobi", "--out", str(tmp_path)]
    assert runner.invoke(app, bad_engine).exit_code == 2
    bad_name = ["bench", "x", "--instances", "X-n9-k1", "--out", str(tmp_path)]
    assert runner.invoke(app, bad_name).exit_code == 2


def test_generated_montpellier_day() -> None:
    from benchmarks.route_quality.generator import _opening_patterns, generate

    problem = generate(30, seed=1)
    assert len(problem.stops) == 30 and problem.num_locations == 31
    assert set(problem.profiles) == {"drive", "bike"}
    patterns = set(_opening_patterns("tue"))
    assert all(stop.windows in patterns for stop in problem.stops)
    assert {vt.label for vt in problem.vehicle_types} >= {"van_master", "bike_1"}
    again = generate(30, seed=1)
    assert [s.windows for s in again.stops] == [s.windows for s in problem.stops]
    assert np.array_equal(again.profiles["drive"].duration_s, problem.profiles["drive"].duration_s)


def test_cli_quick_montpellier(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["bench", "montpellier", "--quick", "--engines", "pyvrp", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    with next(tmp_path.glob("montpellier-*.csv")).open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["stops"], r["phase"]) for r in rows] == [("20", "first"), ("20", "budget")]
    assert rows[0]["feasible"] == "True" and rows[0]["time_limit_s"] == "1"
    assert rows[1]["feasible"] == "True" and rows[1]["rel_cost_pct"] == "0.00"
