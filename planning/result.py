"""The crop plan as data: solver status, plantings, weekly supply, incomes, coverage limits.

Partial success is data: a plan that covers 60 % of demand is a plan, with the shortage and the
reasons per product in :attr:`CropPlan.limits`.  An infeasible or empty problem gives a plan with
that status, no plantings and the reasons in :attr:`CropPlan.messages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CoverageLimit",
    "CropPlan",
    "PlanStatus",
    "Planting",
    "ProducerOutcome",
    "ProductWeek",
]


class PlanStatus(StrEnum):
    """How the solve ended, whatever the solver."""

    OPTIMAL = "optimal"
    """Proven optimal within the requested relative gap."""
    FEASIBLE = "feasible"
    """Time limit reached with a plan; the gap says how far from proven optimal."""
    INFEASIBLE = "infeasible"
    """No plan satisfies the hard constraints (e.g. minimum incomes set as hard)."""
    NO_SOLUTION = "no_solution"
    """Time limit reached before any plan was found."""
    EMPTY = "empty"
    """Nothing to plan: no producer, no demand or no producer growing a demanded crop."""
    ERROR = "error"
    """The solver failed."""

    @property
    def has_plan(self) -> bool:
        """Whether plantings are available."""
        return self in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE)


@dataclass(frozen=True)
class Planting:
    """Beds of one itinerary a producer starts in one week.

    Parameters
    ----------
    producer_id, itinerary_id, product_id
        Who, which itinerary, which product.
    land
        ``field`` or ``greenhouse``.
    beds
        Number of beds (>= 1).
    bed_m2
        Area of one bed, m2.
    start_week
        Week the beds are taken (planting, or sowing when direct-sown), 1-52.
    sowing_week
        Nursery or direct sowing week, or ``None`` for bought plants.
    occupied_weeks, harvest_weeks
        Weeks the beds are taken / harvested (cycle weeks, in order).
    harvest_kg_per_week
        Expected harvest of all the beds in each harvest week, kg.
    income_eur
        Expected income (harvest x price), EUR.
    """

    producer_id: str
    itinerary_id: str
    product_id: str
    land: str
    beds: int
    bed_m2: float
    start_week: int
    sowing_week: int | None
    occupied_weeks: tuple[int, ...]
    harvest_weeks: tuple[int, ...]
    harvest_kg_per_week: float
    income_eur: float

    @property
    def harvest_kg(self) -> float:
        """Expected harvest over the window, kg."""
        return self.harvest_kg_per_week * len(self.harvest_weeks)


@dataclass(frozen=True)
class ProductWeek:
    """Demand and planned supply of one product in one week, kg.

    ``harvest = supplied + stored_change + waste`` where supplied = central + buffer parts used.
    """

    product_id: str
    week: int
    demand_kg: float
    demand_high_kg: float
    harvest_kg: float
    supplied_kg: float
    stock_kg: float
    waste_kg: float

    @property
    def shortage_kg(self) -> float:
        """Central demand not covered, kg."""
        return max(0.0, self.demand_kg - min(self.supplied_kg, self.demand_kg))

    @property
    def covered_kg(self) -> float:
        """Central demand covered, kg."""
        return min(self.supplied_kg, self.demand_kg)


@dataclass(frozen=True)
class ProducerOutcome:
    """A producer's share of the plan.

    Parameters
    ----------
    producer_id, name
        The producer.
    income_eur
        Expected income over the season (planned harvest x price), EUR.
    min_income_eur
        Its minimum expected income, EUR.
    fair_income_eur
        Its fair-share target (fair_share x capacity share x total income), EUR.
    beds_field, beds_greenhouse
        Committed beds.
    peak_beds_field, peak_beds_greenhouse
        Largest number of beds in use in any week.
    bed_weeks_used_share
        Bed-weeks used / bed-weeks committed over the season (0-1).
    """

    producer_id: str
    name: str
    income_eur: float
    min_income_eur: float
    fair_income_eur: float
    beds_field: int
    beds_greenhouse: int
    peak_beds_field: int
    peak_beds_greenhouse: int
    bed_weeks_used_share: float


@dataclass(frozen=True)
class CoverageLimit:
    """Why part of a product's demand is not covered.

    Parameters
    ----------
    product_id
        The product.
    reason
        ``missing_crop`` (no itinerary or no producer grows it), ``season`` (no itinerary can be
        harvested or stored for those weeks) or ``land`` (reachable weeks, but the beds, rotation
        or labour limits are taken by other crops, or a bed would mostly be wasted).
    shortage_kg
        Central demand not covered for that reason, kg.
    weeks
        Weeks concerned.
    detail
        A sentence for the coordinator.
    """

    product_id: str
    reason: str
    shortage_kg: float
    weeks: tuple[int, ...]
    detail: str


@dataclass(frozen=True)
class CropPlan:
    """The solved crop plan.

    Parameters
    ----------
    status
        Normalised solver status.
    objective
        Objective of the plan returned, or ``None``.
    bound
        Best proven lower bound of the objective (MIP dual bound), or ``None``.
    gap
        Relative gap ``(objective - bound) / objective``, or ``None``.
    runtime_s
        Solver wall time, seconds.
    plantings, weeks, producers, limits
        The plan, the product-week table, the producers' outcomes, the coverage limits.
    messages
        Plain sentences on what happened (empty input, infeasibility, time limit).
    n_variables, n_constraints
        Size of the MIP.
    """

    status: PlanStatus
    objective: float | None
    bound: float | None
    gap: float | None
    runtime_s: float
    plantings: tuple[Planting, ...] = ()
    weeks: tuple[ProductWeek, ...] = ()
    producers: tuple[ProducerOutcome, ...] = ()
    limits: tuple[CoverageLimit, ...] = ()
    messages: tuple[str, ...] = ()
    n_variables: int = 0
    n_constraints: int = 0

    @property
    def demand_kg(self) -> float:
        """Central demand over the season, kg."""
        return sum(w.demand_kg for w in self.weeks)

    @property
    def covered_kg(self) -> float:
        """Central demand covered by the plan, kg."""
        return sum(w.covered_kg for w in self.weeks)

    @property
    def coverage(self) -> float:
        """Share of central demand covered locally (0-1; 0 when there is no demand)."""
        demand = self.demand_kg
        return self.covered_kg / demand if demand > 0 else 0.0

    @property
    def waste_kg(self) -> float:
        """Harvest beyond the high demand and not stored, kg."""
        return sum(w.waste_kg for w in self.weeks)

    def coverage_of(self, product_id: str) -> float:
        """Share of a product's central demand covered (0 when no demand)."""
        rows = [w for w in self.weeks if w.product_id == product_id]
        demand = sum(w.demand_kg for w in rows)
        return sum(w.covered_kg for w in rows) / demand if demand > 0 else 0.0
