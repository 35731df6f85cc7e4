"""Delivery days chosen jointly with the routes and the supply vs the balance baseline.

Plans one territory's week with ``--days balance`` and ``--days joint`` for several
seeds in the same run (same engine, time limit, allocation and checker), and prints one
JSON line per run plus the medians and the joint/balance ratios:

- ``cost_eur``, ``km``, ``vehicle_hours``: the plan's own week cost and size;
- ``served`` / ``unserved``: units delivered / not delivered;
- ``unserved_supply_ok``: unserved units of products whose week's supply (stock lots and
  offers of the week, ignoring timing) covers everything ordered of them -- the units a
  better choice of days could have served;
- ``violations``: what the independent checker found; ``wall_s``: planning wall time.

Usage::

    python -m benchmarks.week_days [TERRITORY] [--seeds 0,1,2] [--time-limit S]
        [--engine auto] [--max-iterations N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from logistics.pipeline import DEFAULT_TIME_LIMIT_S, run_week
from logistics.plan.travel import territory_travel_times
from logistics.plan.week import PlanOptions
from territory.model import Territory
from territory.reader import load_territory

ROOT = Path(__file__).resolve().parents[1]


def weekly_supply_ok(territory: Territory) -> set[str]:
    """Products whose week's stock and offers cover all that is ordered of them."""
    assert territory.week is not None
    ordered: dict[str, int] = defaultdict(int)
    for line in territory.orders_for(territory.week):
        ordered[line.product_id] += line.quantity
    supply: dict[str, int] = defaultdict(int)
    for lot in territory.stock:
        supply[lot.product_id] += lot.quantity
    for offer in territory.offers:
        supply[offer.product_id] += offer.quantity
    return {p for p, q in ordered.items() if supply[p] >= q}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("territory", nargs="?", type=Path, default=ROOT / "data" / "montpellier")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT_S)
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--max-iterations", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.split(",")]
    except ValueError:
        parser.error(f"--seeds: {args.seeds!r} is not a comma-separated list of integers")
    territory = load_territory(args.territory)
    travel = territory_travel_times(territory)
    enough = weekly_supply_ok(territory)
    rows: dict[str, list[dict[str, float]]] = defaultdict(list)
    for seed in seeds:
        for method in ("balance", "joint"):
            options = PlanOptions(
                engine=args.engine,
                time_limit_s=args.time_limit,
                seed=seed,
                max_iterations=args.max_iterations,
                days=method,
            )
            result = run_week(territory, options=options, standalone=False, travel=travel)
            s = result.summary
            unserved = result.tables.unserved
            row = {
                "method": method,
                "seed": seed,
                "cost_eur": s["cost_eur"],
                "km": s["distance_km"],
                "vehicle_hours": s["duration_h"],
                "rounds": s["rounds"],
                "served": s["orders_served"],
                "unserved": s["orders_unserved"],
                "unserved_supply_ok": sum(u.quantity for u in unserved if u.product_id in enough),
                "violations": s["checker_violations"],
                "wall_s": round(result.wall_s, 1),
            }
            print(json.dumps(row), flush=True)
            rows[method].append(row)  # type: ignore[arg-type]
    keys = ("cost_eur", "km", "vehicle_hours", "served", "unserved_supply_ok", "wall_s")
    medians = {m: {k: statistics.median(r[k] for r in rows[m]) for k in keys} for m in rows}
    for method, values in medians.items():
        print(json.dumps({"median": method, **values}))
    b, j = medians["balance"], medians["joint"]

    def change(key: str) -> str:
        return f"{100 * (j[key] - b[key]) / b[key]:+.1f}%" if b[key] else "n/a"

    print(
        json.dumps(
            {
                "joint_vs_balance": {k: change(k) for k in keys},
                "max_violations": max(r["violations"] for m in rows for r in rows[m]),
                "max_wall_s": max(r["wall_s"] for m in rows for r in rows[m]),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
