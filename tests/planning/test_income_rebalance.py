"""Moving beds between producers to close income gaps keeps the harvest and every row."""

from __future__ import annotations

from collections import Counter

from planning.catalogue import CropCatalogue, CropProduct
from planning.income_rebalance import rebalance_incomes
from planning.mip_model import Start, candidate_starts
from planning.problem import CropPlanOptions, CropPlanProblem
from planning.producers import CropProducer
from tests.planning.instances import demand, lettuce


def _problem(rich_beds: int, poor_beds: int, *, fair_share: float = 0.8) -> CropPlanProblem:
    catalogue = CropCatalogue((lettuce(),), {"salade": CropProduct("salade", "Salade")})
    producers = (
        CropProducer("rich", "Rich", 10.0, rich_beds, 0, {"salade": 2.0}),
        CropProducer("poor", "Poor", 10.0, poor_beds, 0, {"salade": 2.0}),
    )
    return CropPlanProblem(
        producers,
        catalogue,
        (demand("salade", {14: 200.0, 15: 200.0}),),
        CropPlanOptions(fair_share=fair_share),
    )


def _all_to_rich(
    problem: CropPlanProblem, beds: int
) -> tuple[dict[Start, int], dict[tuple[str, str, int], Start]]:
    candidates = {(s.producer.id, s.itinerary.id, s.week): s for s in candidate_starts(problem)}
    start = candidates[("rich", "lettuce", 10)]
    return {start: beds}, candidates


def test_beds_move_to_the_producer_below_its_fair_share() -> None:
    problem = _problem(4, 4)
    beds, candidates = _all_to_rich(problem, 4)
    after = rebalance_incomes(problem, beds, candidates)
    by_producer = Counter({s.producer.id: n for s, n in after.items()})
    # equal land: each must earn 0.8 x half the income, so each needs 2 of the 4 beds
    assert by_producer == Counter({"rich": 2, "poor": 2})
    assert sum(after.values()) == 4  # the harvest is unchanged


def test_no_move_without_room_or_without_a_gap() -> None:
    problem = _problem(4, 0)
    beds, candidates = _all_to_rich(problem, 4)
    assert rebalance_incomes(problem, beds, candidates) == beds  # the poor one has no field
    problem = _problem(4, 4, fair_share=0.0)
    beds, candidates = _all_to_rich(problem, 4)
    assert rebalance_incomes(problem, beds, candidates) == beds  # nobody lacks anything
