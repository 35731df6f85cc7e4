"""Crop planning: measured demand, crop catalogue, crop-plan MIP, producer plans."""

from planning.catalogue import CropCatalogue, CropProduct, Itinerary, load_catalogue
from planning.demand import DemandOptions, DemandSource, ProductDemand, estimate_demand
from planning.mip import solve_crop_plan
from planning.outputs import write_crop_plan
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.producers import CropProducer, load_crop_producers
from planning.result import CoverageLimit, CropPlan, PlanStatus, Planting, ProductWeek
from planning.territory_plan import plan_territory

__all__ = [
    "CoverageLimit",
    "CropCatalogue",
    "CropPlan",
    "CropPlanOptions",
    "CropPlanProblem",
    "CropProducer",
    "CropProduct",
    "DemandOptions",
    "DemandSource",
    "Itinerary",
    "PlanStatus",
    "Planting",
    "ProductDemand",
    "ProductWeek",
    "estimate_demand",
    "load_catalogue",
    "load_crop_producers",
    "plan_territory",
    "solve_crop_plan",
    "write_crop_plan",
]
