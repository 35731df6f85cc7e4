"""What limits coverage: for each product, why part of its demand is not planned.

Each week of shortage gets one reason:

* ``missing_crop`` – no itinerary of the catalogue yields the product, or no producer grows it
  on land it has (field or greenhouse as the itinerary needs);
* ``season`` – no itinerary a producer could start (shifts included) is harvested in that week, and
  no store reaches it;
* ``land`` – the week is reachable, but the beds (or the rotation or labour limits) are used by
  other crops, or one more bed would mostly be wasted (bed granularity, waste weight).  The detail
  gives how full the growers' beds are and, when the family's rotation limit is (nearly) reached,
  says so.
"""

from __future__ import annotations

from collections import defaultdict

from planning.problem import CropPlanProblem
from planning.result import CoverageLimit, Planting, ProductWeek
from planning.season import cycle_week

__all__ = ["explain_limits"]

_TOLERANCE_KG = 0.5


def _weeks_text(weeks: list[int]) -> str:
    """``3-7, 12`` for weeks 3,4,5,6,7,12."""
    parts: list[str] = []
    run: list[int] = []
    for week in sorted(weeks):
        if run and week == run[-1] + 1:
            run.append(week)
            continue
        if run:
            parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [week]
    if run:
        parts.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(parts)


def explain_limits(
    problem: CropPlanProblem, weeks: tuple[ProductWeek, ...], plantings: tuple[Planting, ...]
) -> tuple[CoverageLimit, ...]:
    """Group each product's shortage by reason.

    Parameters
    ----------
    problem
        The problem solved.
    weeks
        The plan's product-week table.
    plantings
        The plan's plantings (to measure how full the beds are).

    Returns
    -------
    tuple of CoverageLimit
        Sorted by decreasing shortage; products fully covered are absent.
    """
    occupied: dict[tuple[str, str, int], int] = defaultdict(int)
    by_family: dict[tuple[str, str, str, int], int] = defaultdict(int)
    families = {i.id: i.family for i in problem.catalogue.itineraries}
    for planting in plantings:
        for w in planting.occupied_weeks:
            occupied[(planting.producer_id, planting.land, w)] += planting.beds
            family = families.get(planting.itinerary_id, "")
            by_family[(planting.producer_id, planting.land, family, w)] += planting.beds
    limits = []
    short_by_product: dict[str, dict[int, float]] = defaultdict(dict)
    for row in weeks:
        if row.shortage_kg > _TOLERANCE_KG:
            short_by_product[row.product_id][row.week] = row.shortage_kg
    for product_id, shortage in short_by_product.items():
        itineraries = problem.catalogue.for_product(product_id)
        product = problem.catalogue.products.get(product_id)
        storage = product.storage_weeks if product is not None else 0
        growers = [
            p
            for p in problem.producers
            if product_id in p.prices_eur_kg and any(p.beds(i.land) > 0 for i in itineraries)
        ]
        total = sum(shortage.values())
        if not itineraries or not growers:
            detail = (
                f"no crop itinerary yields {product_id}"
                if not itineraries
                else f"no producer grows {product_id} on land suited to its itineraries"
            )
            limits.append(
                CoverageLimit(product_id, "missing_crop", total, tuple(sorted(shortage)), detail)
            )
            continue
        reach: set[int] = set()
        for itinerary in itineraries:
            if not any(p.beds(itinerary.land) > 0 for p in growers):
                continue
            for start in itinerary.start_weeks():
                for h in itinerary.harvest_weeks_from(start):
                    reach.update(cycle_week(h + d) for d in range(max(1, storage)))
        off_season = sorted(w for w in shortage if w not in reach)
        in_season = sorted(w for w in shortage if w in reach)
        if off_season:
            limits.append(
                CoverageLimit(
                    product_id,
                    "season",
                    sum(shortage[w] for w in off_season),
                    tuple(off_season),
                    f"no itinerary of {product_id} is harvested (or kept in store) in weeks"
                    f" {_weeks_text(off_season)}",
                )
            )
        if in_season:
            lands = {i.land for i in itineraries}
            growing: set[int] = set()
            for itinerary in itineraries:
                for start in itinerary.start_weeks():
                    growing.update(itinerary.occupied_weeks(start))
            used = capacity = 0
            for producer in growers:
                for land in lands:
                    for w in growing:
                        used += occupied[(producer.id, land, w)]
                        capacity += producer.beds(land)
            share = used / capacity if capacity else 1.0
            rotation = ""
            ruled = [
                i
                for i in itineraries
                if problem.options.rotation
                and i.rotation_interval_years
                and i.rotation_interval_years > 1
            ]
            if ruled:
                family, interval = ruled[0].family, ruled[0].rotation_interval_years or 1.0
                full = []
                for w in sorted(growing):
                    fam_used = fam_cap = 0.0
                    for producer in growers:
                        for land in {i.land for i in ruled}:
                            fam_used += by_family[(producer.id, land, family, w)]
                            fam_cap += producer.beds(land) // interval
                    if fam_cap and fam_used >= 0.95 * fam_cap:
                        full.append(w)
                if full:
                    rotation = (
                        f"; the {family} rotation limit (1 bed in {interval:g}) is reached in"
                        f" weeks {_weeks_text(full)}"
                    )
            limits.append(
                CoverageLimit(
                    product_id,
                    "land",
                    sum(shortage[w] for w in in_season),
                    tuple(in_season),
                    f"weeks {_weeks_text(in_season)}: while it could grow, the beds of the"
                    f" {len(growers)} producers growing it are {100 * share:.0f} % occupied"
                    f"{rotation}; where beds are free and rotation allows, one more bed would"
                    " mostly be wasted",
                )
            )
    limits.sort(key=lambda limit: -limit.shortage_kg)
    return tuple(limits)
