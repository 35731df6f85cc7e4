"""``python -m benchmarks.route_quality SET [options]``: the route-quality benchmark.

Examples::

    python -m benchmarks.route_quality solomon --time-limit 10 --engines auto,pyvrp
    python -m benchmarks.route_quality x --max-n 300 --time-limit 60 --out bench-out/x
    python -m benchmarks.route_quality gh200 --time-limit 30
    python -m benchmarks.route_quality cvrp-classic --quick
    python -m benchmarks.route_quality montpellier --sizes 100,300,1000 --engines auto,pyvrp,ortools
    python -m benchmarks.route_quality pvrp --instances p01,pr03 --time-limit 10 --solutions res
    python -m benchmarks.route_quality --summarise bench-out/x/x-<stamp>.csv

Sets: solomon, gh200, x, cvrp-classic, montpellier (generated food-hub days,
no best-known values) and pvrp (Cordeau periodic VRP: joint solver against the
balance baseline, see :mod:`benchmarks.route_quality.pvrp`).
Exit code 1 when a solution failed a check.
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
from pathlib import Path


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    from benchmarks.route_quality.bench import run_benchmark, run_montpellier
    from benchmarks.route_quality.sets import SETS

    ap = argparse.ArgumentParser(prog="python -m benchmarks.route_quality", description=__doc__)
    ap.add_argument("set", nargs="?", choices=[*sorted(SETS), "montpellier", "pvrp"])
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per engine run")
    ap.add_argument("--engines", default="auto", help="comma-separated: auto,pyvrp,ortools")
    ap.add_argument("--instances", default="", help="comma-separated names; default the whole set")
    ap.add_argument("--max-n", type=int, help="only instances with at most this many customers")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("bench-out"))
    ap.add_argument("--quick", action="store_true", help="two small instances, 1 s each")
    ap.add_argument("--budgets", type=_floats, default=[], help="extra time limits, e.g. 1,3")
    ap.add_argument("--budget-instances", type=int, default=3)
    ap.add_argument("--sizes", default="100,300,1000", help="montpellier: stops per day")
    ap.add_argument("--max-iterations", type=int, help="pvrp: iteration limit instead of time")
    ap.add_argument("--solutions", type=Path, help="pvrp: folder for NAME.res, NAME.balance.res")
    ap.add_argument(
        "--summarise", type=Path, help="only report an existing CSV (and plot its gaps)"
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.summarise:
        from benchmarks.route_quality.report import markdown_report

        with args.summarise.open() as f:
            rows = list(csv.DictReader(f))
        objective = SETS[rows[0].get("set") or "solomon"].objective if rows else "distance"
        print(markdown_report(rows, title=str(args.summarise), objective=objective))
        if rows:
            from benchmarks.route_quality.plots import plot_gap_per_instance

            limit = max(float(r["time_limit_s"]) for r in rows)
            png = args.summarise.with_name(args.summarise.stem + "-gap.png")
            print(f"wrote {plot_gap_per_instance(rows, png, limit)}")
        return 0
    if args.set is None:
        ap.error("a SET is required (or --summarise CSV)")
    engines = [e for e in args.engines.split(",") if e]
    if args.set == "pvrp":
        from benchmarks.route_quality.pvrp import run_pvrp

        try:
            pvrp = run_pvrp(
                instances=[n for n in args.instances.split(",") if n],
                time_limit_s=args.time_limit,
                seed=args.seed,
                max_iterations=args.max_iterations,
                solutions=args.solutions,
                out=args.out,
            )
        except KeyError as error:
            ap.error(str(error.args[0]))
        print(pvrp.markdown_path.read_text())
        print(f"wrote {pvrp.csv_path}\nwrote {pvrp.markdown_path}")
        return 1 if pvrp.infeasible else 0
    if args.set == "montpellier":
        outcome = run_montpellier(
            [int(x) for x in args.sizes.split(",") if x],
            time_limit_s=args.time_limit,
            engines=engines,
            seed=args.seed,
            out=args.out,
            quick=args.quick,
        )
        print(outcome.markdown_path.read_text())
        print(f"wrote {outcome.csv_path}\nwrote {outcome.markdown_path}")
        return (
            0 if all(r["feasible"] == "True" for r in outcome.rows if r["phase"] == "budget") else 1
        )
    outcome = run_benchmark(
        args.set,
        time_limit_s=args.time_limit,
        engines=engines,
        instances=[n for n in args.instances.split(",") if n],
        seed=args.seed,
        out=args.out,
        quick=args.quick,
        max_n=args.max_n,
        budgets=args.budgets,
        budget_instances=args.budget_instances,
    )
    print(outcome.markdown_path.read_text())
    for path in [outcome.csv_path, outcome.markdown_path, *outcome.plots]:
        print(f"wrote {path}")
    return 1 if outcome.infeasible else 0


if __name__ == "__main__":
    sys.exit(main())
