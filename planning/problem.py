"""The crop-plan problem: producers, itineraries, demand, and the settings of the MIP.

:func:`planning.mip.solve_crop_plan` turns a :class:`CropPlanProblem` into a
:class:`planning.result.CropPlan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Literal

from planning.catalogue import CropCatalogue, Itinerary
from planning.demand import ProductDemand
from planning.producers import CropProducer
from territory import values as checks

__all__ = ["CropPlanOptions", "CropPlanProblem"]


@dataclass(frozen=True)
class CropPlanOptions:
    """Weights and limits of the crop-plan MIP.

    Parameters
    ----------
    shortage_weight
        Cost of 1 kg of central demand not covered (> 0).
    buffer_weight
        Cost of 1 kg supplied above the central demand but within the high quantile (>= 0).
    waste_weight
        Cost of 1 kg harvested beyond the high quantile and not stored (>= 0).
    income_weight
        Cost of 1 EUR missing to a producer's minimum income or fair share (>= 0).
    fair_share
        Each producer should earn at least this fraction of its capacity share (committed m2 over
        all committed m2) of the total expected income (0-1; 0 disables the rule).
    min_income
        ``soft`` (penalised shortfall) or ``hard`` (a constraint; the plan may be infeasible).
    rotation
        Limit each botanical family to 1/interval of a producer's beds of a land type in any week.
    planting_h_m2, upkeep_h_m2_week, harvest_h_kg
        Labour model used when a producer has a weekly labour limit: hours per m2 in the bed's
        start week, per m2 per occupied week, per kg harvested (>= 0, illustrative defaults).
    coverage_first
        Solve twice: first the largest coverage (shortage only), then the full objective with the
        shortage held at that optimum (lexicographic); coverage is then monotone in the land.
    time_limit_s
        Solver time limit per solve, seconds (> 0).
    gap_rel
        Relative MIP gap at which the solver stops (>= 0).
    start_step_weeks
        Successions are considered every this many weeks within each itinerary's shift range
        (1 = every week; 2 halves the integer variables).
    heuristic_effort
        HiGHS ``mip_heuristic_effort`` (0-1; HiGHS default 0.05).  0.5 measured better on the
        benchmark (gap 21 % vs 34 % after 60 s, one run each under load).
    """

    shortage_weight: float = 1.0
    buffer_weight: float = 0.05
    waste_weight: float = 0.3
    income_weight: float = 0.1
    fair_share: float = 0.8
    min_income: Literal["soft", "hard"] = "soft"
    rotation: bool = True
    planting_h_m2: float = 0.05
    upkeep_h_m2_week: float = 0.01
    harvest_h_kg: float = 0.02
    coverage_first: bool = False
    time_limit_s: float = 60.0
    gap_rel: float = 0.01
    heuristic_effort: float = 0.5
    start_step_weeks: int = 1

    def __post_init__(self) -> None:
        non_negative = checks.at_least(0)
        checks.raise_problems(
            "CropPlanOptions",
            [
                ("shortage_weight", checks.more_than(0)(self.shortage_weight)),
                ("buffer_weight", non_negative(self.buffer_weight)),
                ("waste_weight", non_negative(self.waste_weight)),
                ("income_weight", non_negative(self.income_weight)),
                ("fair_share", checks.between(0, 1)(self.fair_share)),
                ("min_income", checks.one_of(("soft", "hard"))(self.min_income)),
                ("planting_h_m2", non_negative(self.planting_h_m2)),
                ("upkeep_h_m2_week", non_negative(self.upkeep_h_m2_week)),
                ("harvest_h_kg", non_negative(self.harvest_h_kg)),
                ("time_limit_s", checks.more_than(0)(self.time_limit_s)),
                ("gap_rel", non_negative(self.gap_rel)),
                ("heuristic_effort", checks.between(0, 1)(self.heuristic_effort)),
                ("start_step_weeks", checks.whole_at_least(1)(self.start_step_weeks)),
            ],
        )


@dataclass(frozen=True)
class CropPlanProblem:
    """Everything the crop-plan MIP needs.

    Parameters
    ----------
    producers
        Producers with their committed beds and the products they grow (unique ids).
    catalogue
        Itineraries and products (storage weeks).
    demand
        Weekly demand per product; products absent here have no demand.
    options
        Weights and limits.
    year
        Season planned (ISO year), for the outputs.
    """

    producers: tuple[CropProducer, ...]
    catalogue: CropCatalogue
    demand: tuple[ProductDemand, ...]
    options: CropPlanOptions = field(default_factory=CropPlanOptions)
    year: int = 2027

    def __post_init__(self) -> None:
        ids = [p.id for p in self.producers]
        products = [d.product_id for d in self.demand]
        checks.raise_problems(
            "CropPlanProblem",
            [
                (
                    "producers",
                    next((f"{i} appears twice" for i in ids if ids.count(i) > 1), None),
                ),
                (
                    "demand",
                    next((f"{i} appears twice" for i in products if products.count(i) > 1), None),
                ),
            ],
        )

    @cached_property
    def demand_by_product(self) -> Mapping[str, ProductDemand]:
        """Demand by product id."""
        return MappingProxyType({d.product_id: d for d in self.demand})

    def eligible(self, producer: CropProducer) -> tuple[Itinerary, ...]:
        """Itineraries a producer may start: it grows the product, has that land, demand > 0."""
        out = []
        for itinerary in self.catalogue.itineraries:
            product = itinerary.product_id
            if product is None or product not in producer.prices_eur_kg:
                continue
            if producer.beds(itinerary.land) <= 0:
                continue
            demand = self.demand_by_product.get(product)
            if demand is None or demand.total_kg <= 0:
                continue
            out.append(itinerary)
        return tuple(out)
