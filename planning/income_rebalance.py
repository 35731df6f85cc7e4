"""Moving beds between producers to close income gaps, without changing the harvest.

A bed of one itinerary started in one week harvests the same wherever it grows, as long as the
producers share the bed size.  After the merged plan is packed onto the real producers
(:mod:`planning.mip`), this local search moves single beds from a producer above its fair share
(or minimum income) to one below, whenever the receiver has room in every week the bed
occupies (land, family share, labour hours), and keeps a move only if it lowers the total
weighted income lack.  The demand side of the plan is untouched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from planning.mip_model import Start, family_beds
from planning.problem import CropPlanProblem
from planning.producers import CropProducer

__all__ = ["rebalance_incomes"]

MAX_MOVES = 20_000


class _Ledger:
    """Land, family and labour one producer uses, week by week, and its income (EUR)."""

    def __init__(self, producer: CropProducer, problem: CropPlanProblem) -> None:
        self.producer = producer
        self.options = problem.options
        self.land: dict[tuple[str, int], int] = defaultdict(int)
        self.family: dict[tuple[str, str, int], int] = defaultdict(int)
        self.hours: dict[int, float] = defaultdict(float)
        self.income = 0.0
        self.eligible = frozenset(i.id for i in problem.eligible(producer))

    def bed_hours(self, start: Start) -> dict[int, float]:
        """Labour hours one bed of ``start`` takes each week here (empty without a limit)."""
        if self.producer.labour_h_week is None:
            return {}
        opts, it, m2 = self.options, start.itinerary, self.producer.bed_m2
        hours: dict[int, float] = defaultdict(float)
        for w in it.occupied_weeks(start.week):
            hours[w] += opts.upkeep_h_m2_week * m2
        for w in it.harvest_weeks_from(start.week):
            hours[w] += opts.harvest_h_kg * start.q
        hours[start.week] += opts.planting_h_m2 * m2
        return hours

    def bed_income(self, start: Start) -> float:
        it = start.itinerary
        assert it.product_id is not None
        return start.q * it.harvest_weeks * self.producer.prices_eur_kg.get(it.product_id, 0.0)

    def fits(self, start: Start) -> bool:
        """Whether one more bed of ``start`` keeps every row of this producer satisfied."""
        it, p = start.itinerary, self.producer
        if it.id not in self.eligible:
            return False
        weeks = it.occupied_weeks(start.week)
        if any(self.land[(it.land, w)] + 1 > p.beds(it.land) for w in weeks):
            return False
        interval = it.rotation_interval_years
        if self.options.rotation and interval is not None and interval > 1:
            limit = family_beds(p, it.land, interval)
            if any(self.family[(it.land, it.family, w)] + 1 > limit for w in weeks):
                return False
        if p.labour_h_week is not None:
            hours = self.bed_hours(start)
            if any(self.hours[w] + h > p.labour_h_week + 1e-9 for w, h in hours.items()):
                return False
        return True

    def add(self, start: Start, beds: int) -> None:
        it = start.itinerary
        for w in it.occupied_weeks(start.week):
            self.land[(it.land, w)] += beds
            self.family[(it.land, it.family, w)] += beds
        for w, h in self.bed_hours(start).items():
            self.hours[w] += beds * h
        self.income += beds * self.bed_income(start)


def _lack(problem: CropPlanProblem, ledgers: Mapping[str, _Ledger], area: float) -> float:
    """Weighted income lack of the whole plan (minimum incomes and fair shares), EUR x weight."""
    opts = problem.options
    total = sum(ledger.income for ledger in ledgers.values())
    lack = 0.0
    for ledger in ledgers.values():
        p = ledger.producer
        lack += max(0.0, p.min_income_eur - ledger.income)
        if opts.fair_share > 0 and len(ledgers) > 1:
            lack += max(0.0, opts.fair_share * p.area_m2 / area * total - ledger.income)
    return opts.income_weight * lack


def rebalance_incomes(
    problem: CropPlanProblem,
    beds: Mapping[Start, int],
    candidates: Mapping[tuple[str, str, int], Start],
) -> dict[Start, int]:
    """Beds per start after moving beds between same-size producers to lower income lacks.

    ``candidates`` gives every start a producer may make, by (producer id, itinerary id, week).
    """
    ledgers = {p.id: _Ledger(p, problem) for p in problem.producers}
    plan: dict[tuple[str, str, int], int] = defaultdict(int)
    for start, n in beds.items():
        if n > 0:
            ledgers[start.producer.id].add(start, n)
            plan[(start.producer.id, start.itinerary.id, start.week)] += n
    area = sum(p.area_m2 for p in problem.producers) or 1.0
    current = _lack(problem, ledgers, area)
    for _ in range(MAX_MOVES):
        if current <= 1e-9:
            break
        move = _best_move(problem, ledgers, plan, candidates, area, current)
        if move is None:
            break
        giver, taker, key, lack = move
        start_from = candidates[(giver, key[0], key[1])]
        start_to = candidates[(taker, key[0], key[1])]
        ledgers[giver].add(start_from, -1)
        ledgers[taker].add(start_to, 1)
        plan[(giver, *key)] -= 1
        plan[(taker, *key)] += 1
        current = lack
    return {candidates[key]: n for key, n in plan.items() if n > 0}


def _best_move(
    problem: CropPlanProblem,
    ledgers: Mapping[str, _Ledger],
    plan: Mapping[tuple[str, str, int], int],
    candidates: Mapping[tuple[str, str, int], Start],
    area: float,
    current: float,
) -> tuple[str, str, tuple[str, int], float] | None:
    """The single-bed move that lowers the lack most: (giver, taker, (itinerary, week), lack)."""
    opts = problem.options
    total = sum(ledger.income for ledger in ledgers.values())

    def short_of(ledger: _Ledger) -> float:
        p = ledger.producer
        need = max(p.min_income_eur, opts.fair_share * p.area_m2 / area * total)
        return need - ledger.income

    takers = sorted(ledgers.values(), key=short_of, reverse=True)
    for taker in takers:
        if short_of(taker) <= 0:
            return None
        best: tuple[str, str, tuple[str, int], float] | None = None
        for (giver, itinerary_id, week), n in plan.items():
            if n <= 0 or giver == taker.producer.id:
                continue
            start_to = candidates.get((taker.producer.id, itinerary_id, week))
            start_from = candidates[(giver, itinerary_id, week)]
            if start_to is None or start_to.q != start_from.q:
                continue
            if plan.get((taker.producer.id, itinerary_id, week), 0) >= start_to.upper:
                continue
            if not taker.fits(start_to):
                continue
            ledgers[giver].add(start_from, -1)
            taker.add(start_to, 1)
            lack = _lack(problem, ledgers, area)
            ledgers[giver].add(start_from, 1)
            taker.add(start_to, -1)
            if lack < current - 1e-9 and (best is None or lack < best[3]):
                best = (giver, taker.producer.id, (itinerary_id, week), lack)
        if best is not None:
            return best
    return None
