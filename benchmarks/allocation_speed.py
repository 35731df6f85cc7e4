"""Speed of stock allocation on a random shortage instance.

Run ``python -m benchmarks.allocation_speed [--venues 200] [--products 100] [--lots 3]
[--seed 0] [--repeat 3]``.  Every venue orders every product on one of its
delivery days; each product has ``--lots`` stock lots with staggered expiry and
one producer offer in two; supply covers about 70 % of demand, and a third of
the venues accept substitutes.  Prints one JSON line (the best of ``--repeat``
runs, seconds) as the last line of standard output.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from datetime import timedelta
from pathlib import Path

from logistics.allocation.allocate import Demand, allocate
from territory.model import (
    WEEKDAYS,
    Hub,
    IsoWeek,
    Offer,
    Organisation,
    Producer,
    Product,
    StockLot,
    Territory,
    Venue,
)


def build(venues: int, products: int, lots: int, seed: int) -> tuple[Territory, list[Demand]]:
    """A random territory and its demand lines (week 2026-W49)."""
    rng = random.Random(seed)
    week = IsoWeek(2026, 49)
    monday = week.monday()
    categories = [f"cat{i}" for i in range(max(products // 10, 1))]
    product_list = [
        Product(
            f"P{i:03d}",
            f"Product {i}",
            rng.choice(categories),
            rng.choice(("ambient", "chilled")),
            "crate",
            5.0,
            10.0,
            rng.randint(2, 20),
            3.0,
        )
        for i in range(products)
    ]
    venue_list = [
        Venue(
            f"V{i:03d}",
            f"Venue {i}",
            "shop",
            "O1",
            3.87,
            43.61,
            rng.randint(10, 300),
            WEEKDAYS[:5],
            "any",
            10.0,
            accepts_substitutes=rng.random() < 1 / 3,
        )
        for i in range(venues)
    ]
    producers = [Producer(f"F{i:02d}", f"Farm {i}", "O1", 3.9, 43.6, 1e4, 0.0) for i in range(20)]
    demands = [
        Demand(v.id, p.id, monday + timedelta(days=rng.randint(0, 4)), rng.randint(1, 40))
        for v in venue_list
        for p in product_list
    ]
    total = {p.id: 0 for p in product_list}
    for d in demands:
        total[d.product_id] += d.quantity
    stock, offers = [], []
    for p in product_list:
        supply = int(total[p.id] * rng.uniform(0.5, 0.9))
        for j in range(lots):
            stock.append(
                StockLot(
                    p.id, f"L{j}", supply // (lots + 1), monday + timedelta(days=rng.randint(1, 12))
                )
            )
        if rng.random() < 0.5:
            offers.append(
                Offer(
                    rng.choice(producers).id, p.id, supply // (lots + 1), rng.choice(WEEKDAYS[:4])
                )
            )
    territory = Territory(
        folder=Path("."),
        hub=Hub("hub", "Hub", 3.87, 43.61, week=week),
        organisations=(Organisation("O1", "Org"),),
        venues=tuple(venue_list),
        producers=tuple(producers),
        products=tuple(product_list),
        stock=tuple(stock),
        offers=tuple(offers),
    )
    return territory, demands


def main() -> None:
    """Build the instance, time :func:`allocate`, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venues", type=int, default=200)
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--lots", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    territory, demands = build(args.venues, args.products, args.lots, args.seed)
    allocate(territory, demands[:1])  # load HiGHS once (it prints its banner)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = allocate(territory, demands)
        times.append(time.perf_counter() - start)
    ordered = sum(d.quantity for d in demands)
    print(
        json.dumps(
            {
                "benchmark": "allocation_speed",
                "venues": args.venues,
                "products": args.products,
                "lots_per_product": args.lots,
                "demand_lines": len(demands),
                "seed": args.seed,
                "time_s": round(min(times), 3),
                "times_s": [round(t, 3) for t in times],
                "status": result.status.value,
                "min_fill_rate": round(result.min_fill_rate, 4),
                "fill_rate_total": round(result.objective / ordered, 4),
                "substitute_lines": sum(1 for ln in result.lines if ln.substitute_for),
                "pickups": len(result.pickups),
                "python": platform.python_version(),
                "machine": platform.processor() or platform.machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
