"""Reference consumption from ANSES INCA3 (food-insecure households), per crop product.

File ``reference_consumption.csv`` of a territory (built by
``data/crops/build/build_reference_consumption.py``): ``product_id``, ``kg_per_household_week``
(reference need through the hub per household served) and the INCA3 season factors of the
product's food group ``season_winter``, ``season_spring``, ``season_summer``, ``season_autumn``
(group consumption in that survey season / all-season mean).

Data: Anses (2017), INCA3, saisine 2014-SA-0234; Dubuisson C. et al. (2019) Public Health
Nutrition 22(4):584-600.  ANSES is the data producer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from planning.season import SEASONS, Season
from territory import values as checks
from territory.csv_reading import Cells, missing_columns, read_csv
from territory.errors import InputError, Problem

__all__ = ["ReferenceConsumption", "load_reference"]


@dataclass(frozen=True)
class ReferenceConsumption:
    """INCA3 reference need of one product.

    Parameters
    ----------
    product_id
        The product.
    kg_per_household_week
        Reference need through the hub, kg per household per week (>= 0).
    season_factors
        Season -> factor (> 0) of the product's INCA3 food group; missing seasons count 1.
    """

    product_id: str
    kg_per_household_week: float
    season_factors: Mapping[Season, float] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "season_factors", MappingProxyType(dict(self.season_factors)))
        bad = next(
            (
                f"{s}: {m}"
                for s, v in self.season_factors.items()
                if (m := checks.more_than(0)(v)) is not None
            ),
            None,
        )
        checks.raise_problems(
            "ReferenceConsumption",
            [
                ("product_id", checks.non_empty_text(self.product_id)),
                ("kg_per_household_week", checks.at_least(0)(self.kg_per_household_week)),
                ("season_factors", bad),
            ],
        )

    def factor(self, season: Season) -> float:
        """Season factor (1 when unknown)."""
        return self.season_factors.get(season, 1.0)


def load_reference(folder: Path) -> Mapping[str, ReferenceConsumption]:
    """Read ``reference_consumption.csv`` of a folder (empty mapping when absent).

    Raises
    ------
    InputError
        For an unreadable file or a bad cell (file, row, column).
    """
    path = folder / "reference_consumption.csv"
    if not path.exists():
        return MappingProxyType({})
    problems: list[Problem] = []
    result: dict[str, ReferenceConsumption] = {}
    table = read_csv(path, problems)
    if table is not None:
        missing_columns(table, ["product_id", "kg_per_household_week"], problems)
        for row in table.rows:
            cells = Cells(table, row, problems)
            product = cells.text("product_id")
            need = cells.number("kg_per_household_week", check=checks.at_least(0))
            factors = {
                s: cells.number(f"season_{s}", required=False, check=checks.more_than(0))
                for s in SEASONS
            }
            if not cells.ok or product is None or need is None:
                continue
            if product in result:
                cells.problem("product_id", f"{product} appears twice")
                continue
            result[product] = ReferenceConsumption(
                product, need, {s: v for s, v in factors.items() if v is not None}
            )
    if problems:
        raise InputError(problems)
    return MappingProxyType(result)
