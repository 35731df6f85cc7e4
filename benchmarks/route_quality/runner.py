"""Run engines on benchmark instances; re-check and re-cost every solution; write CSV rows.

Each run: read the instance, build the :class:`RoutingProblem` under the set's
convention and objective, ``logistics.routing.solve`` it, then

1. ``logistics.routing.verify`` (recomputes every figure from the integer matrices);
2. :func:`benchmarks.route_quality.recost.recost` on the instance data alone
   (each customer once, capacity, windows, route length, fleet), in set units;
3. the solver's integer distance must agree with the re-cost.

A run counts as feasible only when all three pass; its gap is
``100 * (distance - bks) / bks`` on the re-costed distance.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from benchmarks.route_quality.recost import recost
from benchmarks.route_quality.sets import BenchmarkSet, Bks, build_problem, fleet_size
from logistics.routing import RoutingResult, solve, verify
from territory.errors import SolverError

__all__ = ["CSV_FIELDS", "run_instance", "run_set", "select_instances"]

_log = logging.getLogger(__name__)

CSV_FIELDS = [
    "set", "instance", "class", "n", "engine", "winner", "seed", "time_limit_s", "vehicles",
    "distance", "bks_vehicles", "bks_distance", "gap_pct", "same_vehicles", "wall_s", "feasible",
    "violations",
]  # fmt: skip


def select_instances(
    bset: BenchmarkSet,
    names: Iterable[str] = (),
    *,
    max_n: int | None = None,
    quick: bool = False,
) -> list[str]:
    """Instance names to run: ``names`` if given, else the set's quick pair or all of ``bks.csv``.

    ``max_n`` keeps instances with at most that many customers.

    Raises
    ------
    KeyError
        For a name that has no best-known value in the set.
    """
    bks = bset.bks()
    chosen = [n for n in names if n] or (list(bset.quick) if quick else sorted(bks))
    unknown = [n for n in chosen if n not in bks]
    if unknown:
        raise KeyError(f"not in {bset.name}: {', '.join(unknown)}")
    if max_n is not None:
        chosen = [n for n in chosen if bset.read(n).num_customers <= max_n]
    return chosen


def run_instance(
    bset: BenchmarkSet,
    name: str,
    bks: Bks,
    *,
    engine: str,
    time_limit_s: float,
    seed: int = 0,
    max_iterations: int | None = None,
) -> dict[str, str]:
    """Solve one instance with one engine; return its CSV row (strings)."""
    instance = bset.read(name)
    problem = build_problem(instance, bks.convention, bset.objective)
    started = time.perf_counter()
    try:
        result = solve(
            problem,
            engine=engine,
            time_limit_s=time_limit_s,
            seed=seed,
            max_iterations=max_iterations,
        )
    except SolverError as error:  # no plan at all: an infeasible row, not a crash
        result = RoutingResult(
            routes=(),
            unserved=tuple(range(len(problem.stops))),
            cost=0,
            engine=engine,
            feasible=False,
            runtime_s=time.perf_counter() - started,
            iterations=0,
            violations=(f"no plan: {error}",),
            seed=seed,
        )
    wall = time.perf_counter() - started
    problems = [*result.violations[:1], *(str(v) for v in verify(problem, result))]
    routes = [[problem.stops[i].location for i in r.stops] for r in result.routes]
    check = recost(instance, routes, bks.convention, max_vehicles=fleet_size(instance))
    problems += check.violations
    scale = {"dimacs": 10, "exact": 10_000}.get(bks.convention, 1)
    solver_distance = sum(r.distance_m for r in result.routes) / scale
    tolerance = 1e-6 + (instance.size * 0.5 / scale if bks.convention == "exact" else 0.0)
    if abs(solver_distance - check.distance) > tolerance:
        problems.append(f"solver distance {solver_distance} != re-cost {check.distance}")
    feasible = not problems and result.feasible
    gap = 100.0 * (check.distance - bks.distance) / bks.distance
    gap = 0.0 if abs(gap) < 5e-4 else gap  # no "-0.000" from rounded BKS values
    same = "" if bks.vehicles is None else str(check.vehicles == bks.vehicles)
    return {
        "set": bset.name,
        "instance": name,
        "class": bset.class_of(name),
        "n": str(instance.num_customers),
        "engine": engine,
        "winner": result.engine,
        "seed": str(seed),
        "time_limit_s": f"{time_limit_s:g}",
        "vehicles": str(check.vehicles),
        "distance": f"{check.distance:.4f}".rstrip("0").rstrip("."),
        "bks_vehicles": "" if bks.vehicles is None else str(bks.vehicles),
        "bks_distance": f"{bks.distance:g}",
        "gap_pct": f"{gap:.3f}",
        "same_vehicles": same,
        "wall_s": f"{wall:.2f}",
        "feasible": str(feasible),
        "violations": " | ".join(problems[:3]),
    }


def run_set(
    bset: BenchmarkSet,
    names: list[str],
    engines: list[str],
    *,
    time_limits: list[float],
    seed: int,
    csv_path: Path,
    on_row: Callable[[dict[str, str]], None] | None = None,
    max_iterations: int | None = None,
) -> list[dict[str, str]]:
    """Run every (time limit, instance, engine); append each row to ``csv_path`` as it comes.

    ``time_limits`` may list several budgets (for the gap-vs-time plot).
    """
    bks = bset.bks()
    rows: list[dict[str, str]] = []
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for limit in time_limits:
            for name in names:
                for engine in engines:
                    row = run_instance(
                        bset,
                        name,
                        bks[name],
                        engine=engine,
                        time_limit_s=limit,
                        seed=seed,
                        max_iterations=max_iterations,
                    )
                    writer.writerow(row)
                    f.flush()
                    rows.append(row)
                    _log.info(
                        "%s %s %s %gs: veh %s dist %s bks %s gap %s%% %s",
                        bset.name,
                        name,
                        engine,
                        limit,
                        row["vehicles"],
                        row["distance"],
                        row["bks_distance"],
                        row["gap_pct"],
                        "ok" if row["feasible"] == "True" else "INVALID " + row["violations"],
                    )
                    if on_row is not None:
                        on_row(row)
    return rows
