"""From a territory folder to a crop plan: load every input, estimate demand, solve.

This is the job behind ``foodhub crop-plan``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from planning.catalogue import load_catalogue
from planning.demand import DemandOptions, estimate_demand
from planning.mip import solve_crop_plan
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.producers import load_crop_producers
from planning.reference import load_reference
from planning.result import CropPlan
from planning.survey import load_survey
from territory.model import Territory

__all__ = ["plan_territory", "unplanned_products"]

logger = logging.getLogger(__name__)


def plan_territory(
    territory: Territory,
    year: int,
    *,
    catalogue_folder: Path | None = None,
    options: CropPlanOptions | None = None,
    demand_options: DemandOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[CropPlanProblem, CropPlan]:
    """Build and solve the crop plan of a territory for one season.

    Parameters
    ----------
    territory
        Loaded territory (its folder holds ``crop_producers.csv``, ``producer_crops.csv``,
        ``survey.csv`` and ``reference_consumption.csv``, each optional).
    year
        Season (ISO year).
    catalogue_folder
        Crop catalogue folder; default the bundled ``data/crops``.
    options, demand_options
        MIP and demand settings.
    progress
        Called with a short message after each step.

    Returns
    -------
    tuple of (CropPlanProblem, CropPlan)

    Raises
    ------
    InputError
        When a crop-planning file cannot be read (file, row, column).
    """
    note = progress or (lambda _message: None)
    catalogue = load_catalogue(catalogue_folder)
    producers = load_crop_producers(territory)
    survey = load_survey(territory)
    reference = load_reference(territory.folder)
    note(
        f"inputs read: {len(catalogue.itineraries)} itineraries, {len(producers)} producers,"
        f" {len(survey)} survey answers"
    )
    demand = estimate_demand(
        territory, catalogue, year, survey=survey, reference=reference, options=demand_options
    )
    note("demand estimated")
    problem = CropPlanProblem(producers, catalogue, demand, options or CropPlanOptions(), year)
    plan = solve_crop_plan(problem, progress=note)
    return problem, plan


def unplanned_products(territory: Territory, problem: CropPlanProblem) -> tuple[str, ...]:
    """Fresh products the venues ordered (vegetables, fruit, baskets) that no crop yields.

    Their demand is not in the plan: the catalogue has no itinerary for them (fruit trees,
    bananas, citrus) or they are mixed (vegetable baskets).
    """
    ordered = {line.product_id for line in territory.orders_history}
    fresh = {
        p.id
        for p in territory.products
        if p.category in ("vegetables", "fruit", "baskets") and p.id in ordered
    }
    return tuple(sorted(fresh - set(problem.catalogue.products)))
