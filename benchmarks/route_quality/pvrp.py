"""Periodic VRP benchmark: the 42 Cordeau, Gendreau & Laporte (1997) instances.

Reader of the instance format, reader and writer of the ``.res`` solution format, an
independent re-costing checker that works from the raw file alone (double precision,
nothing from the product), the conversion into a
:class:`logistics.plan.PeriodicProblem`, and :func:`run_pvrp`, the run behind
``foodhub bench pvrp``: the joint solver and today's balance baseline at the same time
per instance, both re-costed, with a CSV and a Markdown summary of the gaps to the
best-known values (``benchmarks/instances/pvrp/bks.csv``).

Formats (see ``benchmarks/instances/pvrp/README.md``): line 1 ``type m n t``; ``t``
lines ``D Q``; ``n + 1`` node lines ``i x y d q f a c1 .. ca`` where each combination
is the decimal value of a ``t``-bit string read from the left (``t = 5``, ``10`` =
``01010`` = days 2 and 4).  ``.res``: the total cost, then one line per route
``day vehicle duration load 0 c1 .. 0`` (days and vehicles from 1).

The p01 quirk: node 51 lies on the depot (distance 0) with demand 160 (= Q) and one
allowed day; the published solutions leave it out.  Here a customer located *on the
depot* is **served by the depot at zero cost**: the re-costing does not require it in a
route (and accepts it in one), and the conversion leaves it out of the solver's
problem.  Only p01's node 51 is such a customer.

Solver units: distances ``x 1000`` rounded to integers (:data:`SCALE`); route durations
for the solver use distances rounded *up* and services rounded up, so a route the
solver finds short enough is short enough in double precision.  Every reported cost is
the double-precision re-costing of the raw file, never the solver's integer cost.
"""

from __future__ import annotations

import csv
import itertools
import logging
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.route_quality.bench import BenchOutcome
from benchmarks.route_quality.sets import INSTANCES_DIR
from logistics.plan import (
    DayFleet,
    PeriodicClient,
    PeriodicProblem,
    PeriodicSolution,
    solve_periodic,
)

__all__ = [
    "PVRP_DIR",
    "SCALE",
    "SOLVERS",
    "PvrpInstance",
    "Recost",
    "ResRoute",
    "instance_names",
    "read_bks",
    "read_pvrp",
    "read_res",
    "recost",
    "run_pvrp",
    "solution_routes",
    "to_periodic_problem",
    "write_res",
]

_log = logging.getLogger(__name__)

PVRP_DIR = INSTANCES_DIR / "pvrp"
#: Distance units per instance unit in the solver's integer matrices.
SCALE = 1000
_TOL = 1e-6


@dataclass(frozen=True)
class PvrpInstance:
    """One periodic instance, as in the file (node 0 the depot).

    ``days[k] = (D, Q)``: longest route (0 = none) and capacity of day ``k + 1``;
    ``combinations[i]`` the allowed day sets of node ``i`` (days from 1).
    """

    name: str
    vehicles: int
    days: tuple[tuple[float, int], ...]
    coords: tuple[tuple[float, float], ...]
    service: tuple[float, ...]
    demand: tuple[int, ...]
    frequency: tuple[int, ...]
    combinations: tuple[tuple[frozenset[int], ...], ...]

    @property
    def num_customers(self) -> int:
        """Customers (nodes 1..n)."""
        return len(self.coords) - 1

    def distance(self, a: int, b: int) -> float:
        """Euclidean distance between nodes ``a`` and ``b`` in double precision."""
        (xa, ya), (xb, yb) = self.coords[a], self.coords[b]
        return math.hypot(xa - xb, ya - yb)

    def on_depot(self, i: int) -> bool:
        """Whether customer ``i`` lies on the depot (served there at zero cost)."""
        return self.distance(0, i) == 0.0


def _decode(code: int, t: int) -> frozenset[int]:
    """Days (from 1) of a ``t``-bit combination code read from the left."""
    bits = format(code, f"0{t}b")
    if len(bits) != t:
        raise ValueError(f"combination {code} does not fit in {t} days")
    return frozenset(k + 1 for k, b in enumerate(bits) if b == "1")


def read_pvrp(path: Path) -> PvrpInstance:
    """Read a Cordeau PVRP instance file.

    Raises
    ------
    ValueError
        Naming the file and line when the file does not follow the format.
    """
    lines = [ln.split() for ln in Path(path).read_text().splitlines() if ln.strip()]
    try:
        kind, m, n, t = (int(v) for v in lines[0][:4])
        if kind != 1:
            raise ValueError(f"type {kind} is not 1 (PVRP)")
        days = tuple((float(lines[1 + k][0]), int(lines[1 + k][1])) for k in range(t))
        coords, service, demand, freq, combos = [], [], [], [], []
        for i in range(n + 1):
            row = lines[1 + t + i]
            if int(row[0]) != i:
                raise ValueError(f"node line {i} starts with {row[0]}")
            coords.append((float(row[1]), float(row[2])))
            service.append(float(row[3]))
            demand.append(int(row[4]))
            freq.append(int(row[5]))
            a = int(row[6])
            combos.append(tuple(_decode(int(c), t) for c in row[7 : 7 + a]))
            if len(combos[-1]) != a:
                raise ValueError(f"node {i} lists fewer than {a} combinations")
    except (IndexError, ValueError) as error:
        raise ValueError(f"{path}: not a PVRP instance ({error})") from None
    return PvrpInstance(
        Path(path).name, m, days, tuple(coords), tuple(service), tuple(demand),
        tuple(freq), tuple(combos),
    )  # fmt: skip


def instance_names() -> list[str]:
    """The shipped instance names, p01..p32 then pr01..pr10."""
    return sorted(p.name for p in (PVRP_DIR / "instances").iterdir() if p.is_file())


def read_bks(path: Path | None = None) -> dict[str, float]:
    """``{instance: best-known total distance}``."""
    with (path or PVRP_DIR / "bks.csv").open() as f:
        return {row["instance"]: float(row["bks_distance"]) for row in csv.DictReader(f)}


# --------------------------------------------------------------------------- .res files


@dataclass(frozen=True)
class ResRoute:
    """One route of a ``.res`` file: day and vehicle from 1, customers in order."""

    day: int
    vehicle: int
    customers: tuple[int, ...]
    duration: float = 0.0
    load: float = 0.0


def read_res(path: Path) -> tuple[float, list[ResRoute]]:
    """``(declared cost, routes)`` of a ``.res`` file (depot zeros stripped)."""
    lines = [ln.split() for ln in Path(path).read_text().splitlines() if ln.strip()]
    cost = float(lines[0][0])
    routes = []
    for row in lines[1:]:
        nodes = tuple(int(v) for v in row[4:] if int(v) != 0)
        routes.append(ResRoute(int(row[0]), int(row[1]), nodes, float(row[2]), float(row[3])))
    return cost, routes


def write_res(path: Path, instance: PvrpInstance, routes: Sequence[ResRoute]) -> float:
    """Write ``routes`` in the ``.res`` format; returns the double-precision cost written."""
    check = recost(instance, routes)
    lines = [f"{check.cost:.2f}"]
    for r in routes:
        dist = _route_distance(instance, r.customers)
        dur = dist + sum(instance.service[c] for c in r.customers)
        load = sum(instance.demand[c] for c in r.customers)
        nodes = " ".join(str(c) for c in (0, *r.customers, 0))
        lines.append(f"{r.day} {r.vehicle} {dur:.2f} {load} {nodes}")
    Path(path).write_text("\n".join(lines) + "\n")
    return check.cost


# --------------------------------------------------------------------------- re-costing


@dataclass(frozen=True)
class Recost:
    """Independent re-costing: total distance (double precision) and broken rules."""

    cost: float
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        """No violation."""
        return not self.violations


def _route_distance(instance: PvrpInstance, customers: Sequence[int]) -> float:
    path = (0, *customers, 0)
    return sum(instance.distance(a, b) for a, b in itertools.pairwise(path))


def recost(instance: PvrpInstance, routes: Sequence[ResRoute]) -> Recost:
    """Re-cost a solution from the raw instance and list every rule it breaks.

    Checks: days and customers exist; at most ``m`` routes per day; each route's load
    at most the day's ``Q``; duration (distance + service) at most ``D`` when ``D > 0``;
    each customer visited at most once per day and on exactly the days of one of its
    allowed combinations (customers on the depot excepted, see the module docstring).
    """
    t = len(instance.days)
    n = instance.num_customers
    out: list[str] = []
    cost = 0.0
    visits: dict[int, list[int]] = {}
    per_day: dict[int, int] = {}
    for r in routes:
        where = f"day {r.day} vehicle {r.vehicle}"
        if not 1 <= r.day <= t:
            out.append(f"{where}: day {r.day} outside 1..{t}")
            continue
        bad = [c for c in r.customers if not 1 <= c <= n]
        if bad:
            out.append(f"{where}: unknown customer(s) {bad}")
            continue
        per_day[r.day] = per_day.get(r.day, 0) + 1
        dist = _route_distance(instance, r.customers)
        cost += dist
        limit, capacity = instance.days[r.day - 1]
        load = sum(instance.demand[c] for c in r.customers)
        if load > capacity:
            out.append(f"{where}: load {load} above capacity {capacity}")
        duration = dist + sum(instance.service[c] for c in r.customers)
        if limit > 0 and duration > limit + _TOL:
            out.append(f"{where}: duration {duration:.3f} above {limit:g}")
        for c in r.customers:
            visits.setdefault(c, []).append(r.day)
    for day, count in sorted(per_day.items()):
        if count > instance.vehicles:
            out.append(f"day {day}: {count} routes, only {instance.vehicles} vehicles")
    for c in range(1, n + 1):
        days = visits.get(c, [])
        if len(set(days)) != len(days):
            twice = sorted({d for d in days if days.count(d) > 1})
            out.append(f"customer {c} visited more than once on day(s) {twice}")
        if not days and instance.on_depot(c):
            continue
        if frozenset(days) not in instance.combinations[c]:
            allowed = [sorted(s) for s in instance.combinations[c]]
            out.append(
                f"customer {c} visited on days {sorted(set(days))}, not one of its "
                f"combinations {allowed}"
            )
    return Recost(cost, tuple(out))


# --------------------------------------------------------------------------- product bridge


def to_periodic_problem(instance: PvrpInstance) -> tuple[PeriodicProblem, list[int]]:
    """The solver's :class:`PeriodicProblem` and the customer id of each of its clients.

    Distances ``x SCALE`` rounded; durations from distances rounded up plus services
    rounded up; limits rounded down.  Customers on the depot are left out.
    """
    pts = np.array(instance.coords, dtype=np.float64)
    exact = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    distance = np.rint(exact * SCALE).astype(np.int64)
    duration = np.ceil(exact * SCALE - 1e-9).astype(np.int64)
    fleets = tuple(
        DayFleet(
            vehicles=instance.vehicles,
            capacity=(q,),
            max_duration=math.floor(d * SCALE) if d > 0 else None,
        )
        for d, q in instance.days
    )
    ids = [c for c in range(1, instance.num_customers + 1) if not instance.on_depot(c)]
    clients = tuple(
        PeriodicClient(
            location=c,
            demand=(instance.demand[c],),
            service=math.ceil(instance.service[c] * SCALE - 1e-9),
            patterns=tuple(tuple(sorted(d - 1 for d in s)) for s in instance.combinations[c]),
            label=str(c),
        )
        for c in ids
    )
    return PeriodicProblem(fleets, clients, distance, duration, name=instance.name), ids


def solution_routes(solution: PeriodicSolution, ids: Sequence[int]) -> list[ResRoute]:
    """The solution's routes as ``.res`` routes (customer ids, days and vehicles from 1)."""
    out = []
    for d, routes in enumerate(solution.routes):
        for v, route in enumerate(routes):
            out.append(ResRoute(d + 1, v + 1, tuple(ids[c] for c in route)))
    return out


# --------------------------------------------------------------------------- the run


SOLVERS = ("joint", "balance")
_COLUMNS = [
    "instance", "solver", "customers", "days", "time_limit_s", "max_iterations", "seed",
    "cost", "bks", "gap_pct", "feasible", "violations", "unserved", "iterations", "runtime_s",
]  # fmt: skip


def _stats(gaps: list[float]) -> tuple[str, str, str]:
    if not gaps:
        return "-", "-", "-"
    return (
        f"{statistics.fmean(gaps):.2f}",
        f"{statistics.median(gaps):.2f}",
        f"{max(gaps):.2f}",
    )


def pvrp_report(rows: list[dict[str, str]], *, title: str, notes: Sequence[str] = ()) -> str:
    """Markdown: gap to best-known per instance and solver, then mean/median/max per solver."""
    lines = [f"# {title}", "", *notes, ""] if notes else [f"# {title}", ""]
    lines += [
        "| solver | instances | feasible | mean gap % | median gap % | max gap % | above 5% |",
        "|---|---|---|---|---|---|---|",
    ]
    for solver in SOLVERS:
        mine = [r for r in rows if r["solver"] == solver]
        if not mine:
            continue
        gaps = [float(r["gap_pct"]) for r in mine if r["gap_pct"]]
        mean, median, worst = _stats(gaps)
        feasible = sum(r["feasible"] == "True" for r in mine)
        above = sum(g > 5.0 for g in gaps)
        lines.append(
            f"| {solver} | {len(mine)} | {feasible} | {mean} | {median} | {worst} | {above} |"
        )
    lines += ["", "| instance | n | t | bks | " + " | ".join(
        f"{s} cost | {s} gap %" for s in SOLVERS) + " |"]  # fmt: skip
    lines.append("|---|---|---|---|" + "---|---|" * len(SOLVERS))
    by_instance: dict[str, dict[str, dict[str, str]]] = {}
    for r in rows:
        by_instance.setdefault(r["instance"], {})[r["solver"]] = r
    for name, runs in by_instance.items():
        first = next(iter(runs.values()))
        cells = []
        for s in SOLVERS:
            run = runs.get(s)
            if run is None:
                cells += ["-", "-"]
            else:
                flag = "" if run["feasible"] == "True" else " (rejected)"
                cells += [run["cost"] + flag, run["gap_pct"] or "-"]
        lines.append(
            f"| {name} | {first['customers']} | {first['days']} | {first['bks']} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


def run_pvrp(
    *,
    instances: Sequence[str] = (),
    time_limit_s: float = 10.0,
    seed: int = 0,
    max_iterations: int | None = None,
    solutions: Path | None = None,
    out: Path = Path("bench-out"),
    solvers: Sequence[str] = SOLVERS,
    on_start: Callable[[int], None] | None = None,
    on_row: Callable[[dict[str, str]], None] | None = None,
) -> BenchOutcome:
    """Solve instances with the joint solver and the balance baseline; re-cost; report.

    Parameters
    ----------
    instances
        Names (default all 42).
    time_limit_s
        Seconds per instance *per solver* (the whole period).
    seed, max_iterations
        Passed to :func:`logistics.plan.solve_periodic`.
    solutions
        Folder for ``NAME.res`` (joint) and ``NAME.balance.res`` (baseline).
    out
        Folder of ``pvrp-<stamp>.csv`` and ``.md`` (created if missing).

    Raises
    ------
    KeyError
        Naming an unknown instance.
    """
    known = instance_names()
    names = list(instances) or known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(
            f"unknown PVRP instance(s) {', '.join(unknown)}; known: p01..p32, pr01..pr10"
        )
    bks = read_bks()
    out.mkdir(parents=True, exist_ok=True)
    if solutions is not None:
        solutions.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    rows: list[dict[str, str]] = []
    if on_start is not None:
        on_start(len(names) * len(solvers))
    for name in names:
        instance = read_pvrp(PVRP_DIR / "instances" / name)
        problem, ids = to_periodic_problem(instance)
        for solver in solvers:
            solution = solve_periodic(
                problem,
                method=solver,
                time_limit_s=time_limit_s,
                seed=seed,
                max_iterations=max_iterations,
            )
            routes = solution_routes(solution, ids)
            check = recost(instance, routes)
            if solutions is not None:
                suffix = ".res" if solver == "joint" else f".{solver}.res"
                write_res(solutions / f"{name}{suffix}", instance, routes)
            ref = bks.get(name)
            gap = 100.0 * (check.cost - ref) / ref if ref else None
            row = {
                "instance": name,
                "solver": solver,
                "customers": str(instance.num_customers),
                "days": str(len(instance.days)),
                "time_limit_s": f"{time_limit_s:g}",
                "max_iterations": "" if max_iterations is None else str(max_iterations),
                "seed": str(seed),
                "cost": f"{check.cost:.2f}",
                "bks": f"{ref:.2f}" if ref else "",
                "gap_pct": f"{gap:.2f}" if gap is not None else "",
                "feasible": str(check.feasible),
                "violations": "; ".join(check.violations[:5]),
                "unserved": str(len(solution.unserved)),
                "iterations": str(solution.iterations),
                "runtime_s": f"{solution.runtime_s:.2f}",
            }
            _log.info(
                "%s %s cost %.2f gap %s%% %s", name, solver, check.cost, row["gap_pct"],
                "ok" if check.feasible else f"REJECTED: {row['violations']}",
            )  # fmt: skip
            rows.append(row)
            if on_row is not None:
                on_row(row)
    base = out / f"pvrp-{stamp}"
    csv_path = base.with_suffix(".csv")
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    limit = f"max {max_iterations} iterations" if max_iterations else f"{time_limit_s:g} s"
    md_path = base.with_suffix(".md")
    md_path.write_text(
        pvrp_report(
            rows,
            title=f"PVRP (Cordeau) - {limit} per instance per solver, seed {seed}",
            notes=["Costs re-computed in double precision from the raw files; gap to bks.csv."],
        )
    )
    return BenchOutcome(csv_path, md_path, [], rows)
