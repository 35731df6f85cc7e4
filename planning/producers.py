"""Producers of the shared crop plan: land committed in beds, crops grown, prices, income floor.

Territory files (see ``data/montpellier/README.md``):

* ``crop_producers.csv`` – producer_id, bed_m2, field_beds, greenhouse_beds,
  labour_h_week (empty = no limit), min_income_eur (empty = 0).  ``field_beds`` /
  ``greenhouse_beds`` empty = the whole ``field_m2`` / ``greenhouse_m2`` of ``producers.csv``
  divided by ``bed_m2``.
* ``producer_crops.csv`` – producer_id, product_id, price_eur_kg: what each producer grows and the
  price per kg paid to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from territory import values as checks
from territory.csv_reading import Cells, missing_columns, read_csv
from territory.errors import InputError, Problem
from territory.model import Territory

__all__ = ["CropProducer", "load_crop_producers"]


@dataclass(frozen=True)
class CropProducer:
    """A producer's share of the crop plan.

    Parameters
    ----------
    id, name
        Producer id and display name.
    bed_m2
        Area of one bed, m2 (> 0).
    field_beds, greenhouse_beds
        Beds committed to the plan in open field and in greenhouse (whole numbers >= 0).
    prices_eur_kg
        Product id -> price paid per kg, EUR (>= 0); the keys are the crops it grows.
    labour_h_week
        Hours per week available for the plan's beds, or ``None`` for no limit.
    min_income_eur
        Minimum expected income over the season, EUR (>= 0).

    Raises
    ------
    InputError
        When a field is out of range.
    """

    id: str
    name: str
    bed_m2: float
    field_beds: int
    greenhouse_beds: int
    prices_eur_kg: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    labour_h_week: float | None = None
    min_income_eur: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "prices_eur_kg", MappingProxyType(dict(self.prices_eur_kg)))
        bad_price = next(
            (
                f"{k}: {m}"
                for k, v in self.prices_eur_kg.items()
                if (m := checks.at_least(0)(v)) is not None
            ),
            None,
        )
        checks.raise_problems(
            "CropProducer",
            [
                ("id", checks.non_empty_text(self.id)),
                ("bed_m2", checks.more_than(0)(self.bed_m2)),
                ("field_beds", checks.whole_at_least(0)(self.field_beds)),
                ("greenhouse_beds", checks.whole_at_least(0)(self.greenhouse_beds)),
                ("prices_eur_kg", bad_price),
                (
                    "labour_h_week",
                    None if self.labour_h_week is None else checks.at_least(0)(self.labour_h_week),
                ),
                ("min_income_eur", checks.at_least(0)(self.min_income_eur)),
            ],
        )

    def beds(self, land: str) -> int:
        """Beds of one land type (``field`` or ``greenhouse``)."""
        return self.field_beds if land == "field" else self.greenhouse_beds

    @property
    def area_m2(self) -> float:
        """Committed area, m2."""
        return (self.field_beds + self.greenhouse_beds) * self.bed_m2


def load_crop_producers(territory: Territory) -> tuple[CropProducer, ...]:
    """Read ``crop_producers.csv`` and ``producer_crops.csv`` of a territory folder.

    A producer of ``producers.csv`` absent from ``crop_producers.csv`` takes no part in the plan.

    Returns
    -------
    tuple of CropProducer
        In the order of ``crop_producers.csv``; empty when the file does not exist.

    Raises
    ------
    InputError
        For unreadable files, unknown producers, bad cells (file, row, column).
    """
    folder = territory.folder
    path = folder / "crop_producers.csv"
    if not path.exists():
        return ()
    problems: list[Problem] = []
    known = territory.producers_by_id
    prices: dict[str, dict[str, float]] = {}
    grows = folder / "producer_crops.csv"
    if grows.exists():
        table = read_csv(grows, problems)
        if table is not None:
            missing_columns(table, ["producer_id", "product_id", "price_eur_kg"], problems)
            for row in table.rows:
                cells = Cells(table, row, problems)
                pid = cells.text("producer_id")
                product = cells.text("product_id")
                price = cells.number("price_eur_kg", check=checks.at_least(0))
                if not cells.ok or pid is None or product is None or price is None:
                    continue
                if pid not in known:
                    cells.problem("producer_id", f"{pid} is not in producers.csv")
                    continue
                if product in prices.setdefault(pid, {}):
                    cells.problem("product_id", f"{product} appears twice for {pid}")
                    continue
                prices[pid][product] = price
    producers: list[CropProducer] = []
    table = read_csv(path, problems)
    if table is not None:
        missing_columns(table, ["producer_id", "bed_m2"], problems)
        seen: set[str] = set()
        for row in table.rows:
            cells = Cells(table, row, problems)
            pid = cells.text("producer_id")
            bed_m2 = cells.number("bed_m2", check=checks.more_than(0))
            field_beds = cells.integer("field_beds", required=False, check=checks.at_least(0))
            greenhouse_beds = cells.integer(
                "greenhouse_beds", required=False, check=checks.at_least(0)
            )
            labour = cells.number("labour_h_week", required=False, check=checks.at_least(0))
            income = cells.number("min_income_eur", required=False, check=checks.at_least(0))
            if not cells.ok or pid is None or bed_m2 is None:
                continue
            if pid not in known:
                cells.problem("producer_id", f"{pid} is not in producers.csv")
                continue
            if pid in seen:
                cells.problem("producer_id", f"{pid} appears twice")
                continue
            seen.add(pid)
            producer = known[pid]
            if field_beds is None:
                field_beds = math.floor(producer.field_m2 / bed_m2)
            if greenhouse_beds is None:
                greenhouse_beds = math.floor(producer.greenhouse_m2 / bed_m2)
            if field_beds * bed_m2 > producer.field_m2 + 1e-6:
                cells.problem(
                    "field_beds",
                    f"{field_beds} beds of {bed_m2:g} m2 exceed field_m2 {producer.field_m2:g}",
                )
                continue
            if greenhouse_beds * bed_m2 > producer.greenhouse_m2 + 1e-6:
                cells.problem(
                    "greenhouse_beds",
                    f"{greenhouse_beds} beds of {bed_m2:g} m2 exceed greenhouse_m2"
                    f" {producer.greenhouse_m2:g}",
                )
                continue
            producers.append(
                CropProducer(
                    id=pid,
                    name=producer.name,
                    bed_m2=bed_m2,
                    field_beds=field_beds,
                    greenhouse_beds=greenhouse_beds,
                    prices_eur_kg=prices.get(pid, {}),
                    labour_h_week=labour,
                    min_income_eur=income or 0.0,
                )
            )
    if problems:
        raise InputError(problems)
    return tuple(producers)
