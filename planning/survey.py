"""Household surveys: what households served by a venue say they need, per product.

File ``survey.csv`` of a territory (optional), one row per venue and product:

========================== ==========================================================
column                     meaning
========================== ==========================================================
venue_id                   a venue of ``venues.csv``
households                 households who answered at that venue (whole number > 0)
product_id                 the product asked about
need_kg_per_household_week expressed need through the hub, kg per household per week
                           (empty when only a preference was given)
preference                 1 (not wanted) to 5 (much wanted), optional
========================== ==========================================================

A row needs a need or a preference.
"""

from __future__ import annotations

from dataclasses import dataclass

from territory import values as checks
from territory.csv_reading import Cells, missing_columns, read_csv
from territory.errors import InputError, Problem
from territory.model import Territory

__all__ = ["SurveyAnswer", "load_survey"]


@dataclass(frozen=True)
class SurveyAnswer:
    """The answers of one venue's households about one product.

    Parameters
    ----------
    venue_id, product_id
        Where and what.
    households
        Households who answered (> 0).
    need_kg_per_household_week
        Expressed need, kg per household per week (>= 0), or ``None``.
    preference
        1 to 5, or ``None``.

    Raises
    ------
    InputError
        When a field is out of range or neither a need nor a preference is given.
    """

    venue_id: str
    product_id: str
    households: int
    need_kg_per_household_week: float | None = None
    preference: int | None = None

    def __post_init__(self) -> None:
        need = self.need_kg_per_household_week
        checks.raise_problems(
            "SurveyAnswer",
            [
                ("venue_id", checks.non_empty_text(self.venue_id)),
                ("product_id", checks.non_empty_text(self.product_id)),
                ("households", checks.whole_at_least(1)(self.households)),
                (
                    "need_kg_per_household_week",
                    None if need is None else checks.at_least(0)(need),
                ),
                (
                    "preference",
                    None
                    if self.preference is None
                    else checks.all_checks(checks.whole, checks.between(1, 5))(self.preference),
                ),
                (
                    "need_kg_per_household_week",
                    "a need or a preference is required"
                    if need is None and self.preference is None
                    else None,
                ),
            ],
        )


def load_survey(territory: Territory) -> tuple[SurveyAnswer, ...]:
    """Read ``survey.csv`` of a territory folder (empty tuple when the file does not exist).

    Raises
    ------
    InputError
        For an unreadable file, an unknown venue or a bad cell (file, row, column).
    """
    path = territory.folder / "survey.csv"
    if not path.exists():
        return ()
    problems: list[Problem] = []
    answers: list[SurveyAnswer] = []
    table = read_csv(path, problems)
    if table is not None:
        missing_columns(table, ["venue_id", "households", "product_id"], problems)
        venues = territory.venues_by_id
        for row in table.rows:
            cells = Cells(table, row, problems)
            venue = cells.text("venue_id")
            households = cells.integer("households", check=checks.at_least(1))
            product = cells.text("product_id")
            need = cells.number(
                "need_kg_per_household_week", required=False, check=checks.at_least(0)
            )
            preference = cells.integer("preference", required=False, check=checks.between(1, 5))
            if not cells.ok or venue is None or households is None or product is None:
                continue
            if venue not in venues:
                cells.problem("venue_id", f"{venue} is not in venues.csv")
                continue
            if need is None and preference is None:
                cells.problem("need_kg_per_household_week", "a need or a preference is required")
                continue
            answers.append(SurveyAnswer(venue, product, households, need, preference))
    if problems:
        raise InputError(problems)
    return tuple(answers)
