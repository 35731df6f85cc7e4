"""Solomon VRPTW benchmark: a thin entry point on :mod:`benchmarks.route_quality`.

Usage (same as ``python -m benchmarks.route_quality solomon ...``)::

    python -m benchmarks.solomon --time-limit 10 --engines auto,pyvrp,ortools \
        [--instances C101,R101] [--seed 0] [--out bench-out/solomon]

DIMACS convention: distances and travel times are ``floor(10 * euclidean)``
integer tenths, windows and service times are multiplied by 10, the objective is
distance only, the fleet is the instance's (25 vehicles).  The helpers below
are kept for callers of the first version of this module.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from benchmarks.route_quality.instance import read_solomon
from benchmarks.route_quality.sets import SETS, build_problem
from logistics.routing import RoutingProblem

__all__ = ["INSTANCE_DIR", "instance_class", "main", "read_bks", "read_instance"]

INSTANCE_DIR = SETS["solomon"].path


def instance_class(name: str) -> str:
    """``C1``, ``C2``, ``R1``, ``R2``, ``RC1`` or ``RC2`` from an instance name."""
    return SETS["solomon"].class_of(name)


def read_instance(path: Path) -> RoutingProblem:
    """Read a Solomon text file into a :class:`RoutingProblem` (DIMACS convention)."""
    return build_problem(read_solomon(path), "dimacs", "distance")


def read_bks(path: Path | None = None) -> dict[str, tuple[float, int]]:
    """``{instance: (bks_distance, bks_vehicles)}`` from ``bks.csv``."""
    path = path or INSTANCE_DIR / "bks.csv"
    with path.open() as f:
        return {
            r["instance"]: (float(r["bks_distance"]), int(r["bks_vehicles"]))
            for r in csv.DictReader(f)
        }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``benchmarks.route_quality`` on the Solomon set."""
    from benchmarks.route_quality.__main__ import main as bench_main

    args = list(sys.argv[1:] if argv is None else argv)
    if "--summarise" in args:
        return bench_main(args)
    return bench_main(["solomon", *args])


if __name__ == "__main__":
    sys.exit(main())
