"""Measured demand: weekly kg per crop product for a season, central value and high quantile.

Sources, in order of preference for each product of the crop catalogue:

1. ``history`` – the venues' order history (``orders_history.csv``, units x ``unit_kg``) when the
   product was ordered in at least ``min_history_weeks`` weeks.  Observed weeks keep their own
   shape (3-week centred mean); the weeks the history does not cover (30 weeks is less than a
   year) are completed with the product's de-seasonalised level x its *reference profile*.  A
   log-linear trend (Theil-Sen slope on the de-seasonalised log) is projected to the season,
   damped (half the slope by default) and capped at +-20 %.  The high quantile multiplies the
   central value by the 90th percentile of the observed log-deviations from the smoothed shape,
   plus half the projected trend (its uncertainty).
2. ``survey`` – households' expressed needs (``survey.csv``): kg per household per week averaged
   over respondents (a preference p without a need counts as the INCA3 reference x p/3), times all
   households served by the venues, times the reference profile.
3. ``inca3`` – ANSES INCA3 reference consumption of food-insecure households
   (``reference_consumption.csv``) times households served, times the reference profile.

The *reference profile* of a product in week w is the INCA3 season factor of its food group for the
season of w, times the product's local availability: 1 when the product keeps in store
(``storage_weeks`` > 0) or when one of its itineraries can be harvested in w (crop calendar,
shifts included), else 0.  This is the stated assumption for completing the 22 unobserved weeks.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from planning.catalogue import CropCatalogue
from planning.reference import ReferenceConsumption
from planning.season import WEEKS, inca3_season, month_of_week
from planning.survey import SurveyAnswer
from territory import values as checks
from territory.model import Territory

__all__ = [
    "DemandOptions",
    "DemandSource",
    "ProductDemand",
    "availability",
    "estimate_demand",
    "history_kg_by_week",
    "pooled_trend",
]

logger = logging.getLogger(__name__)

_Z90 = 1.2816


class DemandSource(StrEnum):
    """Where a product's demand came from."""

    HISTORY = "history"
    SURVEY = "survey"
    INCA3 = "inca3"
    NONE = "none"


@dataclass(frozen=True)
class DemandOptions:
    """Settings of the demand estimate.

    Parameters
    ----------
    min_history_weeks
        Weeks with orders needed to use the history (>= 1).
    high_quantile
        Quantile of the log-deviations used for the high value (0.5-0.99).
    trend_damping
        Share of the fitted trend projected to the season (0-1).
    max_growth
        Cap on the projected growth, as a fraction (>= 0): 0.2 = +-20 %.
    survey_extrapolation_cv
        Relative uncertainty added when a survey is extrapolated to all households (>= 0).
    reference_cv
        Relative uncertainty of an INCA3 reference need (>= 0).
    """

    min_history_weeks: int = 8
    high_quantile: float = 0.9
    trend_damping: float = 0.5
    max_growth: float = 0.2
    survey_extrapolation_cv: float = 0.2
    reference_cv: float = 0.5

    def __post_init__(self) -> None:
        checks.raise_problems(
            "DemandOptions",
            [
                ("min_history_weeks", checks.whole_at_least(1)(self.min_history_weeks)),
                ("high_quantile", checks.between(0.5, 0.99)(self.high_quantile)),
                ("trend_damping", checks.between(0, 1)(self.trend_damping)),
                ("max_growth", checks.at_least(0)(self.max_growth)),
                ("survey_extrapolation_cv", checks.at_least(0)(self.survey_extrapolation_cv)),
                ("reference_cv", checks.at_least(0)(self.reference_cv)),
            ],
        )


@dataclass(frozen=True)
class ProductDemand:
    """Weekly demand of one product over the 52-week season.

    Parameters
    ----------
    product_id, name
        The product.
    source
        Where the figures came from.
    central_kg, high_kg
        Central and high (90 % by default) demand per cycle week 1..52, kg (>= 0, high >= central).
    note
        One sentence on how it was estimated.
    """

    product_id: str
    name: str
    source: DemandSource
    central_kg: tuple[float, ...]
    high_kg: tuple[float, ...]
    note: str = ""

    def __post_init__(self) -> None:
        problem = None
        if len(self.central_kg) != WEEKS or len(self.high_kg) != WEEKS:
            problem = f"needs {WEEKS} weekly values"
        elif any(not math.isfinite(c) or c < 0 for c in self.central_kg):
            problem = "weekly values must be finite and >= 0"
        elif any(h < c - 1e-9 for c, h in zip(self.central_kg, self.high_kg, strict=True)):
            problem = "high values must not be below central values"
        checks.raise_problems(
            "ProductDemand",
            [("product_id", checks.non_empty_text(self.product_id)), ("central_kg", problem)],
        )

    @property
    def total_kg(self) -> float:
        """Central demand over the season, kg."""
        return float(sum(self.central_kg))

    def central(self, week: int) -> float:
        """Central demand of a cycle week (1..52), kg."""
        return self.central_kg[week - 1]

    def high(self, week: int) -> float:
        """High demand of a cycle week (1..52), kg."""
        return self.high_kg[week - 1]


def availability(catalogue: CropCatalogue, product_id: str) -> np.ndarray:
    """1 in the weeks a product can be supplied locally (harvest window or store), else 0.

    Returns
    -------
    numpy.ndarray
        52 values (index 0 = week 1).
    """
    product = catalogue.products.get(product_id)
    out = np.zeros(WEEKS)
    itineraries = catalogue.for_product(product_id)
    if product is not None and product.storage_weeks > 0 and itineraries:
        return np.ones(WEEKS)
    for itinerary in itineraries:
        for start in itinerary.start_weeks():
            for week in itinerary.harvest_weeks_from(start):
                out[week - 1] = 1.0
    return out


def _season_profile(year: int, reference: ReferenceConsumption | None) -> np.ndarray:
    factors = np.ones(WEEKS)
    if reference is not None:
        for week in range(1, WEEKS + 1):
            factors[week - 1] = reference.factor(inca3_season(month_of_week(year, week)))
    return factors


def history_kg_by_week(territory: Territory) -> Mapping[str, Mapping[dt.date, float]]:
    """Ordered kg per product and week (Monday date) of ``orders_history``; all weeks listed."""
    products = territory.products_by_id
    weeks = sorted({line.week.monday() for line in territory.orders_history})
    out: dict[str, dict[dt.date, float]] = {}
    for line in territory.orders_history:
        product = products.get(line.product_id)
        if product is None:
            continue
        per_week = out.setdefault(line.product_id, dict.fromkeys(weeks, 0.0))
        per_week[line.week.monday()] += line.quantity * product.unit_kg
    return out


def _theil_sen(t: np.ndarray, z: np.ndarray) -> float:
    i, j = np.triu_indices(len(t), k=1)
    dt_ = t[j] - t[i]
    keep = dt_ != 0
    return float(np.median((z[j] - z[i])[keep] / dt_[keep])) if keep.any() else 0.0


def pooled_trend(history: Mapping[str, Mapping[dt.date, float]]) -> float:
    """Weekly log-growth of the hub's demand (Theil-Sen slope of the log total kg per week).

    Only products ordered in every history week enter the total, so that seasonal products
    appearing or leaving do not read as a trend.  0 when fewer than 4 weeks are known.
    """
    steady = [p for p in history.values() if p and all(v > 0 for v in p.values())]
    if not steady:
        return 0.0
    mondays = sorted(steady[0])
    if len(mondays) < 4:
        return 0.0
    total = np.array([sum(p[m] for p in steady) for m in mondays])
    t = np.array([(m - mondays[0]).days / 7 for m in mondays])
    return _theil_sen(t, np.log(total))


def _from_history(
    per_week: Mapping[dt.date, float],
    profile: np.ndarray,
    year: int,
    slope: float,
    options: DemandOptions,
) -> tuple[np.ndarray, np.ndarray, str] | None:
    mondays = sorted(per_week)
    y = np.array([per_week[m] for m in mondays])
    if int((y > 0).sum()) < options.min_history_weeks:
        return None
    first = mondays[0]
    t = np.array([(m - first).days / 7 for m in mondays])
    cyc = np.minimum(np.array([m.isocalendar()[1] for m in mondays]), WEEKS)
    r = profile[cyc - 1]
    use = (y > 0) & (r > 0)
    if int(use.sum()) < 2:
        return None
    # de-seasonalised, de-trended level (median, robust to the holiday weeks)
    level_log = float(np.median(np.log(y[use] / r[use]) - slope * t[use]))
    cap = math.log1p(options.max_growth)

    def growth(weeks_ahead: float) -> float:
        return math.exp(max(-cap, min(cap, options.trend_damping * slope * weeks_ahead)))

    smooth = np.array([y[max(0, i - 1) : i + 2].mean() for i in range(len(y))])
    fine = (y > 0) & (smooth > 0)
    dev = np.log(y[fine] / smooth[fine])
    q = float(np.quantile(dev, options.high_quantile)) if len(dev) else 0.0
    central = np.zeros(WEEKS)
    observed = np.zeros(WEEKS, dtype=bool)
    for i, monday in enumerate(mondays):
        week = int(cyc[i])
        target = dt.date.fromisocalendar(year, week, 1)
        central[week - 1] = smooth[i] * growth((target - monday).days / 7)
        observed[week - 1] = True
    last = mondays[-1]
    level_last = math.exp(level_log + slope * float(t[-1]))
    for week in range(1, WEEKS + 1):
        if observed[week - 1]:
            continue
        target = dt.date.fromisocalendar(year, week, 1)
        central[week - 1] = level_last * profile[week - 1] * growth((target - last).days / 7)
    projected = growth((dt.date.fromisocalendar(year, 26, 1) - mondays[len(mondays) // 2]).days / 7)
    multiplier = math.exp(max(q, 0.0) + abs(math.log(projected)) / 2)
    note = (
        f"{int(observed.sum())} weeks observed ({int((y > 0).sum())} with orders), "
        f"{WEEKS - int(observed.sum())} completed from the INCA3 season x crop-calendar profile; "
        f"hub trend {100 * (math.exp(52 * slope) - 1):+.0f} %/year, "
        f"{100 * (projected - 1):+.0f} % projected (damped, capped)"
    )
    return central, central * multiplier, note


def estimate_demand(
    territory: Territory,
    catalogue: CropCatalogue,
    year: int,
    *,
    survey: Sequence[SurveyAnswer] = (),
    reference: Mapping[str, ReferenceConsumption] | None = None,
    options: DemandOptions | None = None,
) -> tuple[ProductDemand, ...]:
    """Estimate the season's weekly demand of every product of the crop catalogue.

    Parameters
    ----------
    territory
        Venues (households), products and ``orders_history``.
    catalogue
        Products to estimate and their crop calendars.
    year
        Season (ISO year) planned.
    survey
        Household survey answers.
    reference
        INCA3 reference consumption by product id.
    options
        Estimation settings.

    Returns
    -------
    tuple of ProductDemand
        One per catalogue product, sorted by id; ``source = none`` (zero demand) when no source
        covers the product.
    """
    options = options or DemandOptions()
    reference = reference or {}
    households = sum(v.households for v in territory.venues)
    history = history_kg_by_week(territory)
    slope = pooled_trend(history)
    by_product: dict[str, list[SurveyAnswer]] = {}
    for answer in survey:
        by_product.setdefault(answer.product_id, []).append(answer)
    result = []
    for product_id in sorted(catalogue.products):
        crop_product = catalogue.products[product_id]
        ref = reference.get(product_id)
        profile = _season_profile(year, ref) * availability(catalogue, product_id)
        name = (
            territory.products_by_id[product_id].name
            if product_id in territory.products_by_id
            else crop_product.name
        )
        estimate = None
        if product_id in history:
            estimate = _from_history(history[product_id], profile, year, slope, options)
        if estimate is not None:
            central, high, note = estimate
            result.append(
                ProductDemand(
                    product_id,
                    name,
                    DemandSource.HISTORY,
                    tuple(float(c) for c in central),
                    tuple(float(h) for h in high),
                    note,
                )
            )
            continue
        answers = by_product.get(product_id, [])
        if answers:
            needs, weights = [], []
            for a in answers:
                need = a.need_kg_per_household_week
                if need is None and ref is not None and a.preference is not None:
                    need = ref.kg_per_household_week * a.preference / 3
                if need is not None:
                    needs.append(need)
                    weights.append(a.households)
            if needs:
                n = np.array(needs)
                w = np.array(weights, dtype=float)
                mean = float((n * w).sum() / w.sum())
                se = float(n.std() / math.sqrt(len(n)) / mean) if mean > 0 and len(n) > 1 else 0
                cv = math.hypot(se, options.survey_extrapolation_cv)
                central = mean * households * profile
                respondents = int(w.sum())
                result.append(
                    ProductDemand(
                        product_id,
                        name,
                        DemandSource.SURVEY,
                        tuple(float(c) for c in central),
                        tuple(float(c) * (1 + _Z90 * cv) for c in central),
                        f"survey of {respondents} households at"
                        f" {len({a.venue_id for a in answers})}"
                        f" venues: {mean:.3f} kg/household/week x {households} households",
                    )
                )
                continue
        if ref is not None:
            central = ref.kg_per_household_week * households * profile
            result.append(
                ProductDemand(
                    product_id,
                    name,
                    DemandSource.INCA3,
                    tuple(float(c) for c in central),
                    tuple(float(c) * (1 + _Z90 * options.reference_cv) for c in central),
                    f"INCA3 food-insecure reference {ref.kg_per_household_week:.4f}"
                    f" kg/household/week x {households} households",
                )
            )
            continue
        zeros = tuple(0.0 for _ in range(WEEKS))
        result.append(
            ProductDemand(
                product_id,
                name,
                DemandSource.NONE,
                zeros,
                zeros,
                "no history, survey or reference",
            )
        )
    for demand in result:
        logger.debug("demand %s: %s (%s)", demand.product_id, demand.source.value, demand.note)
    return tuple(result)
