"""Solomon VRPTW benchmark: read, solve through ``logistics.routing.solve``, re-cost, compare.

Usage::

    python -m benchmarks.solomon --time-limit 10 --engines auto,pyvrp,ortools \
        [--instances C101,R101] [--seed 0] [--out bench-out]

DIMACS convention: distances and travel times are ``floor(10 * euclidean)``
integer tenths, windows and service times are multiplied by 10, the objective is
distance only (fixed cost 0, 1 per tenth, 0 per second), the fleet is the
instance's (25 vehicles).  The gap is measured against ``bks_distance`` of
``benchmarks/instances/solomon/bks.csv``.  Every solution is re-checked with
:func:`logistics.routing.verify` and its distance recomputed from the matrix.
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from logistics.routing import Profile, RoutingProblem, Stop, VehicleType, solve, verify

__all__ = ["INSTANCE_DIR", "instance_class", "read_bks", "read_instance", "summarise"]

INSTANCE_DIR = Path(__file__).parent / "instances" / "solomon"
CSV_FIELDS = [
    "instance", "class", "engine", "time_limit_s", "seed", "distance", "bks_distance", "gap_pct",
    "vehicles", "bks_vehicles", "feasible", "violations", "runtime_s", "iterations",
]  # fmt: skip


def instance_class(name: str) -> str:
    """``C1``, ``C2``, ``R1``, ``R2``, ``RC1`` or ``RC2`` from an instance name."""
    prefix = name.rstrip("0123456789")
    return prefix + name[len(prefix)]


def read_instance(path: Path) -> RoutingProblem:
    """Read a Solomon text file into a :class:`RoutingProblem` (DIMACS convention)."""
    lines = [ln.split() for ln in path.read_text().splitlines()]
    num_vehicles = capacity = None
    rows: list[list[int]] = []
    for i, parts in enumerate(lines):
        if parts[:2] == ["NUMBER", "CAPACITY"]:
            num_vehicles, capacity = (int(x) for x in lines[i + 1])
        if len(parts) == 7 and all(p.lstrip("-").isdigit() for p in parts):
            rows.append([int(p) for p in parts])
    if num_vehicles is None or capacity is None or not rows:
        raise ValueError(f"{path}: not a Solomon instance")
    rows.sort(key=lambda r: r[0])
    xy = np.array([[r[1], r[2]] for r in rows], dtype=np.int64)
    sq = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)
    dist = np.array([[math.isqrt(100 * int(s)) for s in row] for row in sq], dtype=np.int64)
    depot = rows[0]
    stops = tuple(
        Stop(
            location=k,
            delivery=(r[3],),
            service_s=10 * r[6],
            windows=((10 * r[4], 10 * r[5]),),
            label=str(r[0]),
        )
        for k, r in enumerate(rows[1:], start=1)
    )
    fleet = VehicleType(
        count=num_vehicles,
        capacity=(capacity,),
        profile="euclid",
        shift=(10 * depot[4], 10 * depot[5]),
        cost_per_m=1,
        label="vehicle",
    )
    return RoutingProblem(
        dimensions=("demand",),
        profiles={"euclid": Profile(duration_s=dist, distance_m=dist)},
        stops=stops,
        vehicle_types=(fleet,),
        coordinates=tuple((float(x), float(y)) for x, y in xy),
        name=path.stem,
    )


def read_bks(path: Path | None = None) -> dict[str, tuple[float, int]]:
    """``{instance: (bks_distance, bks_vehicles)}`` from ``bks.csv``."""
    path = path or INSTANCE_DIR / "bks.csv"
    with path.open() as f:
        return {
            r["instance"]: (float(r["bks_distance"]), int(r["bks_vehicles"]))
            for r in csv.DictReader(f)
        }


def summarise(rows: list[dict[str, str]]) -> str:
    """Mean / median / max gap per engine, overall and per class, as a Markdown table."""
    gaps: dict[tuple[str, str], list[float]] = defaultdict(list)
    infeasible: dict[str, int] = defaultdict(int)
    engines: list[str] = []
    for r in rows:
        if r["engine"] not in engines:
            engines.append(r["engine"])
        if r["feasible"] != "True":
            infeasible[r["engine"]] += 1
            continue
        gaps[(r["engine"], "all")].append(float(r["gap_pct"]))
        gaps[(r["engine"], r["class"])].append(float(r["gap_pct"]))
    classes = ["all", "C1", "C2", "R1", "R2", "RC1", "RC2"]
    out = [
        "| engine | scope | n | mean gap % | median gap % | max gap % | infeasible |",
        "|---|---|---|---|---|---|---|",
    ]
    for eng in engines:
        for cls in classes:
            g = gaps.get((eng, cls))
            if not g:
                continue
            out.append(
                f"| {eng} | {cls} | {len(g)} | {statistics.fmean(g):.2f} | "
                f"{statistics.median(g):.2f} | {max(g):.2f} | "
                f"{infeasible[eng] if cls == 'all' else ''} |"
            )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns 0, or 1 when a solution failed verification."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per engine run")
    ap.add_argument("--engines", default="auto,pyvrp,ortools")
    ap.add_argument("--instances", default="", help="comma-separated names; default all 56")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("bench-out/solomon"))
    ap.add_argument("--summarise", type=Path, help="only print the summary of an existing CSV")
    args = ap.parse_args(argv)
    if args.summarise:
        with args.summarise.open() as f:
            print(summarise(list(csv.DictReader(f))))
        return 0
    bks = read_bks()
    names = [n for n in args.instances.split(",") if n] or sorted(bks)
    engines = [e for e in args.engines.split(",") if e]
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    csv_path = args.out / f"solomon-{stamp}.csv"
    rows: list[dict[str, str]] = []
    failed = 0
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for name in names:
            problem = read_instance(INSTANCE_DIR / f"{name}.txt")
            bks_dist, bks_veh = bks[name]
            for engine in engines:
                res = solve(problem, engine=engine, time_limit_s=args.time_limit, seed=args.seed)
                violations = verify(problem, res)
                distance = sum(
                    int(problem.profiles["euclid"].distance_m[a.location, b.location])
                    for r in res.routes
                    for a, b in zip(r.visits, r.visits[1:], strict=False)
                )
                ok = not violations and res.feasible and distance == res.cost
                failed += not ok
                gap = 100.0 * (distance / 10 - bks_dist) / bks_dist
                row = {
                    "instance": name,
                    "class": instance_class(name),
                    "engine": engine,
                    "time_limit_s": f"{args.time_limit:g}",
                    "seed": str(args.seed),
                    "distance": f"{distance / 10:.1f}",
                    "bks_distance": f"{bks_dist:.1f}",
                    "gap_pct": f"{gap:.3f}",
                    "vehicles": str(len(res.routes)),
                    "bks_vehicles": str(bks_veh),
                    "feasible": str(ok),
                    "violations": " | ".join(str(v) for v in violations[:3]),
                    "runtime_s": f"{res.runtime_s:.2f}",
                    "iterations": str(res.iterations),
                }
                writer.writerow(row)
                f.flush()
                rows.append(row)
                winner = f" (won by {res.engine})" if engine == "auto" else ""
                print(
                    f"{name:6s} {engine:8s} dist {distance / 10:9.1f}  bks {bks_dist:9.1f}  "
                    f"gap {gap:6.2f}%  veh {len(res.routes):2d}/{bks_veh:2d}  "
                    f"{'ok' if ok else 'INVALID'}  {res.runtime_s:5.1f}s{winner}",
                    flush=True,
                )
    print(summarise(rows))
    print(f"wrote {csv_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
