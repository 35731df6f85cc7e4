"""Crop-plan MIP speed: 12 producers x 60 itineraries x 52 weeks (issue 6).

Run from the repository root::

    .venv/bin/python -m benchmarks.crop_plan_speed [--producers 12] [--itineraries 60]
        [--time-limit 60] [--gap 0.01] [--seed 0]

The instance is synthetic but built on the real catalogue (``data/crops``): the first 60
itineraries by id (itineraries of species with no hub product get a product of their own),
12 producers growing every product, 30-130 field beds and 0-24 greenhouse beds of 30 m2 each
(the scale of the Montpellier producers' commitments),
prices 1-4 EUR/kg, minimum incomes, two producers with a labour limit, and a seeded weekly
demand per product (level drawn so that land covers roughly 80 % of demand, INCA3-like seasonal
wave, zero outside the product's crop calendar).  Prints the solve's stages on standard error
and one JSON line of figures on standard output.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import random
import sys
import time

import highspy
import pulp

from planning.catalogue import CropCatalogue, CropProduct, Itinerary, load_catalogue
from planning.demand import DemandSource, ProductDemand, availability
from planning.mip import solve_crop_plan
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.producers import CropProducer
from planning.season import WEEKS
from territory.errors import InputError

logger = logging.getLogger("benchmarks.crop_plan_speed")


def instance(n_producers: int, n_itineraries: int, seed: int) -> CropPlanProblem:
    """Build the seeded benchmark instance."""
    rng = random.Random(seed)
    base = load_catalogue()
    chosen = sorted(base.itineraries, key=lambda i: i.id)[:n_itineraries]
    products = dict(base.products)
    itineraries: list[Itinerary] = []
    for itinerary in chosen:
        if itinerary.product_id is None:
            pid = "bench_" + itinerary.species.lower().replace(" ", "_")
            products.setdefault(pid, CropProduct(pid, itinerary.species, 0, None))
            itinerary = Itinerary(**{**itinerary.__dict__, "product_id": pid})
        itineraries.append(itinerary)
    used = sorted({i.product_id for i in itineraries if i.product_id})
    catalogue = CropCatalogue(tuple(itineraries), {p: products[p] for p in used})
    producers = []
    for n in range(n_producers):
        field_beds = rng.randint(30, 130)
        greenhouse_beds = rng.choice([0, 8, 12, 16, 24])
        producers.append(
            CropProducer(
                id=f"p{n:02d}",
                name=f"Producer {n}",
                bed_m2=30.0,
                field_beds=field_beds,
                greenhouse_beds=greenhouse_beds,
                prices_eur_kg={p: round(rng.uniform(1.0, 4.0), 2) for p in used},
                labour_h_week=40.0 if n < 2 else None,
                min_income_eur=100.0 * (field_beds + greenhouse_beds),
            )
        )
    total_m2 = sum(p.area_m2 for p in producers)
    # roughly 3 kg/m2 and 1.5 crops a year on the whole area, shared between products
    kg_per_week = 0.8 * total_m2 * 3.0 * 1.5 / WEEKS / len(used)
    demand = []
    for pid in used:
        avail = availability(catalogue, pid)
        level = kg_per_week * rng.uniform(0.3, 1.7) * WEEKS / max(1.0, avail.sum())
        phase = rng.uniform(0, 2 * math.pi)
        central = tuple(
            float(level * avail[w] * (1 + 0.15 * math.cos(2 * math.pi * w / WEEKS + phase)))
            for w in range(WEEKS)
        )
        demand.append(
            ProductDemand(
                pid, pid, DemandSource.SURVEY, central, tuple(c * 1.3 for c in central), "bench"
            )
        )
    return CropPlanProblem(tuple(producers), catalogue, tuple(demand))


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=12)
    parser.add_argument("--itineraries", type=int, default=60)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start-step", type=int, default=1, help="succession step, weeks")
    parser.add_argument(
        "--fair-share", type=float, default=CropPlanOptions().fair_share, help="0 disables fairness"
    )
    args = parser.parse_args()
    if args.producers < 1 or args.itineraries < 1:
        parser.error("--producers and --itineraries must be at least 1")
    try:
        options = CropPlanOptions(
            time_limit_s=args.time_limit,
            gap_rel=args.gap,
            fair_share=args.fair_share,
            start_step_weeks=args.start_step,
        )
    except InputError as error:
        parser.error(str(error))
    logging.basicConfig(level=logging.WARNING)
    built = time.perf_counter()
    problem = instance(args.producers, args.itineraries, args.seed)
    problem = CropPlanProblem(problem.producers, problem.catalogue, problem.demand, options)
    instance_s = time.perf_counter() - built
    started = time.perf_counter()
    plan = solve_crop_plan(
        problem,
        progress=lambda message: print(
            f"[{time.perf_counter() - started:5.1f} s] {message}", file=sys.stderr, flush=True
        ),
    )
    wall = time.perf_counter() - started
    figures = {
        "benchmark": "crop_plan_speed",
        "producers": args.producers,
        "itineraries": len(problem.catalogue.itineraries),
        "products": len(problem.demand),
        "weeks": WEEKS,
        "variables": plan.n_variables,
        "constraints": plan.n_constraints,
        "status": plan.status.value,
        "objective": None if plan.objective is None else round(plan.objective, 1),
        "bound": None if plan.bound is None else round(plan.bound, 1),
        "gap": None if plan.gap is None else round(plan.gap, 5),
        "coverage": round(plan.coverage, 4),
        "wall_s": round(wall, 1),
        "instance_s": round(instance_s, 2),
        "time_limit_s": args.time_limit,
        "target_gap": args.gap,
        "seed": args.seed,
        "fair_share": args.fair_share,
        "start_step_weeks": args.start_step,
        "load_avg_1min_at_end": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "pulp": pulp.__version__,
        "highs": highspy.Highs().version() if hasattr(highspy.Highs(), "version") else "?",
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
