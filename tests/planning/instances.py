"""Small hand-made crop-plan instances for the tests."""

from __future__ import annotations

from collections.abc import Mapping

from planning.catalogue import CropCatalogue, CropProduct, Itinerary
from planning.demand import DemandSource, ProductDemand
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.producers import CropProducer
from planning.season import WEEKS


def weekly(values: Mapping[int, float]) -> tuple[float, ...]:
    """52 weekly values from ``{week: kg}`` (other weeks 0)."""
    return tuple(float(values.get(w, 0.0)) for w in range(1, WEEKS + 1))


def demand(
    product_id: str, central: Mapping[int, float], high_factor: float = 1.0
) -> ProductDemand:
    """A demand with ``high = central x high_factor``."""
    c = weekly(central)
    return ProductDemand(
        product_id, product_id, DemandSource.SURVEY, c, tuple(v * high_factor for v in c), "test"
    )


def lettuce(**changes: object) -> Itinerary:
    """Bed taken week 10, harvested weeks 14-15, no shift, 3 kg/m2."""
    fields: dict[str, object] = {
        "id": "lettuce",
        "name": "Laitue",
        "species": "Laitue",
        "family": "Asteraceae",
        "land": "field",
        "bed_start_week": 10,
        "harvest_offset_weeks": 4,
        "harvest_weeks": 2,
        "shift_max_weeks": 0,
        "yield_kg_m2": 3.0,
        "sowing_week": 6,
        "planting_week": 10,
        "product_id": "salade",
    }
    fields.update(changes)
    return Itinerary(**fields)  # type: ignore[arg-type]


def one_crop_problem(
    *,
    field_beds: int = 2,
    central_kg: float = 20.0,
    options: CropPlanOptions | None = None,
    min_income_eur: float = 0.0,
) -> CropPlanProblem:
    """One producer (beds of 10 m2, 2 EUR/kg), one lettuce itinerary, demand in weeks 14-15."""
    catalogue = CropCatalogue((lettuce(),), {"salade": CropProduct("salade", "Salade")})
    producer = CropProducer(
        "P1",
        "Ferme test",
        bed_m2=10.0,
        field_beds=field_beds,
        greenhouse_beds=0,
        prices_eur_kg={"salade": 2.0},
        min_income_eur=min_income_eur,
    )
    return CropPlanProblem(
        (producer,),
        catalogue,
        (demand("salade", {14: central_kg, 15: central_kg}),),
        options or CropPlanOptions(gap_rel=0.0, time_limit_s=60),
    )
