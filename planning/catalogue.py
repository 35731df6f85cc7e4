"""The crop catalogue: itineraries (from Potaléger) linked to the products they yield.

Files (``data/crops/``, GPL-3.0 data, see its README):

* ``itineraries.csv`` – one technical itinerary per row: bed start week (planting, or sowing for
  direct-sown crops), first harvest week, harvest duration, allowed shift, yield, family.
* ``crop_products.csv`` – species -> product id of the hub, storage weeks.
* ``families.csv`` – rotation interval (years) per botanical family.

Weeks are ISO week numbers on the 52-week cycle of :mod:`planning.season`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Literal, get_args

from planning.season import WEEKS, cycle_week
from territory import values as checks
from territory.csv_reading import Cells, missing_columns, read_csv
from territory.errors import InputError, Problem

__all__ = [
    "LANDS",
    "CropCatalogue",
    "CropProduct",
    "Itinerary",
    "Land",
    "default_catalogue_folder",
    "load_catalogue",
]

Land = Literal["field", "greenhouse"]
"""Where an itinerary grows: open field or greenhouse (tunnel)."""
LANDS: tuple[Land, ...] = get_args(Land)


def default_catalogue_folder() -> Path:
    """The bundled catalogue, ``data/crops`` of the repository."""
    return Path(__file__).resolve().parents[1] / "data" / "crops"


@dataclass(frozen=True)
class Itinerary:
    """One crop itinerary: when a bed is taken, when it is harvested, how much it yields.

    Parameters
    ----------
    id, name, species
        Identifier, display name (French), species (joins ``crop_products.csv``).
    family
        Botanical family, or ``""`` when unknown (no rotation limit then).
    land
        ``field`` or ``greenhouse``.
    bed_start_week
        Week the bed is taken at the reference timing (planting, or sowing when direct-sown), 1-52.
    harvest_offset_weeks
        Weeks from bed start to the first harvest week (>= 0).
    harvest_weeks
        Length of the harvest window, weeks (>= 1); the yield is spread evenly over it.
    shift_max_weeks
        The whole itinerary may start this many weeks earlier or later (>= 0).
    yield_kg_m2
        Harvest per m2 of bed over the whole window, kg (> 0).
    sowing_week, planting_week
        Reference sowing and planting weeks (nursery sowing precedes planting), or ``None``.
    rotation_interval_years
        Minimum years between two crops of the family on one bed, or ``None`` for no rule.
    product_id
        Product of the hub the harvest feeds, or ``None`` when no product is linked.

    Raises
    ------
    InputError
        When a field is out of range.
    """

    id: str
    name: str
    species: str
    family: str
    land: Land
    bed_start_week: int
    harvest_offset_weeks: int
    harvest_weeks: int
    shift_max_weeks: int
    yield_kg_m2: float
    sowing_week: int | None = None
    planting_week: int | None = None
    rotation_interval_years: float | None = None
    product_id: str | None = None

    def __post_init__(self) -> None:
        week = checks.all_checks(checks.whole, checks.between(1, WEEKS))
        checks.raise_problems(
            "Itinerary",
            [
                ("id", checks.non_empty_text(self.id)),
                ("land", checks.one_of(LANDS)(self.land)),
                ("bed_start_week", week(self.bed_start_week)),
                ("harvest_offset_weeks", checks.whole_at_least(0)(self.harvest_offset_weeks)),
                ("harvest_weeks", checks.whole_at_least(1)(self.harvest_weeks)),
                ("shift_max_weeks", checks.whole_at_least(0)(self.shift_max_weeks)),
                ("yield_kg_m2", checks.more_than(0)(self.yield_kg_m2)),
                ("sowing_week", None if self.sowing_week is None else week(self.sowing_week)),
                (
                    "planting_week",
                    None if self.planting_week is None else week(self.planting_week),
                ),
                (
                    "rotation_interval_years",
                    None
                    if self.rotation_interval_years is None
                    else checks.at_least(0)(self.rotation_interval_years),
                ),
                (
                    "bed_weeks",
                    None
                    if self.harvest_offset_weeks + self.harvest_weeks <= WEEKS
                    else "a bed cannot be occupied more than 52 weeks",
                ),
            ],
        )

    @property
    def bed_weeks(self) -> int:
        """Weeks a bed is occupied, from bed start to the end of the harvest."""
        return self.harvest_offset_weeks + self.harvest_weeks

    def start_weeks(self) -> tuple[int, ...]:
        """Allowed bed start weeks (reference week +- shift), sorted, on the 52-week cycle."""
        shift = min(self.shift_max_weeks, (WEEKS - 1) // 2)
        return tuple(
            sorted({cycle_week(self.bed_start_week + d) for d in range(-shift, shift + 1)})
        )

    def occupied_weeks(self, start_week: int) -> tuple[int, ...]:
        """Weeks a bed started in ``start_week`` is occupied (start week included)."""
        return tuple(cycle_week(start_week + d) for d in range(self.bed_weeks))

    def harvest_weeks_from(self, start_week: int) -> tuple[int, ...]:
        """Harvest weeks of a bed started in ``start_week``."""
        first = start_week + self.harvest_offset_weeks
        return tuple(cycle_week(first + d) for d in range(self.harvest_weeks))

    def shift_of(self, start_week: int) -> int:
        """Signed shift (weeks) of a start week from the reference bed start week."""
        d = (start_week - self.bed_start_week) % WEEKS
        return d if d <= WEEKS // 2 else d - WEEKS

    def sowing_week_from(self, start_week: int) -> int | None:
        """Sowing week (nursery or direct) for a bed started in ``start_week``."""
        if self.sowing_week is None:
            return None
        return cycle_week(self.sowing_week + self.shift_of(start_week))

    def harvest_kg_per_bed_week(self, bed_m2: float) -> float:
        """Harvest of one bed in each harvest week, kg."""
        return self.yield_kg_m2 * bed_m2 / self.harvest_weeks


@dataclass(frozen=True)
class CropProduct:
    """A product the catalogue's crops yield.

    Parameters
    ----------
    id, name
        Product id (as in a territory's ``products.csv`` when the territory sells it) and name.
    storage_weeks
        Weeks a harvest keeps in store (0 = sold the week it is harvested).
    inca3_group_code
        INCA3 food group of the product, or ``None``.
    """

    id: str
    name: str
    storage_weeks: int = 0
    inca3_group_code: int | None = None

    def __post_init__(self) -> None:
        checks.raise_problems(
            "CropProduct",
            [
                ("id", checks.non_empty_text(self.id)),
                ("storage_weeks", checks.whole_at_least(0)(self.storage_weeks)),
            ],
        )


@dataclass(frozen=True)
class CropCatalogue:
    """Itineraries and the products they yield.

    Parameters
    ----------
    itineraries
        Every itinerary (unique ids).
    products
        Products by id.
    """

    itineraries: tuple[Itinerary, ...]
    products: Mapping[str, CropProduct] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "products", MappingProxyType(dict(self.products)))
        ids = [i.id for i in self.itineraries]
        duplicate = next((i for i in ids if ids.count(i) > 1), None)
        unknown = next(
            (
                i.product_id
                for i in self.itineraries
                if i.product_id is not None and i.product_id not in self.products
            ),
            None,
        )
        checks.raise_problems(
            "CropCatalogue",
            [
                ("itineraries", None if duplicate is None else f"{duplicate} appears twice"),
                ("products", None if unknown is None else f"product {unknown} is not listed"),
            ],
        )

    @cached_property
    def by_id(self) -> Mapping[str, Itinerary]:
        """Itineraries by id."""
        return MappingProxyType({i.id: i for i in self.itineraries})

    def for_product(self, product_id: str) -> tuple[Itinerary, ...]:
        """Itineraries yielding a product."""
        return tuple(i for i in self.itineraries if i.product_id == product_id)


def load_catalogue(folder: Path | None = None) -> CropCatalogue:
    """Read ``itineraries.csv``, ``crop_products.csv`` and ``families.csv`` of a folder.

    Parameters
    ----------
    folder
        Folder of the three files; default :func:`default_catalogue_folder`.

    Returns
    -------
    CropCatalogue
        Itineraries whose species has no linked product keep ``product_id = None``.

    Raises
    ------
    InputError
        Listing every unreadable file, missing column and bad cell (file, row, column).
    """
    folder = folder or default_catalogue_folder()
    problems: list[Problem] = []
    products: dict[str, CropProduct] = {}
    product_of_species: dict[str, str] = {}
    interval: dict[str, float | None] = {}

    table = read_csv(folder / "families.csv", problems)
    if table is not None:
        missing_columns(table, ["family", "rotation_interval_years"], problems)
        for row in table.rows:
            cells = Cells(table, row, problems)
            name = cells.text("family")
            years = cells.number(
                "rotation_interval_years", required=False, check=checks.at_least(0)
            )
            if cells.ok and name is not None:
                interval[name] = years

    table = read_csv(folder / "crop_products.csv", problems)
    if table is not None:
        missing_columns(table, ["species", "product_id", "product_name", "storage_weeks"], problems)
        for row in table.rows:
            cells = Cells(table, row, problems)
            species = cells.text("species")
            pid = cells.text("product_id")
            name = cells.text("product_name")
            storage = cells.integer("storage_weeks", check=checks.whole_at_least(0))
            group = cells.integer("inca3_group_code", required=False)
            if not cells.ok or species is None or pid is None or name is None or storage is None:
                continue
            if species in product_of_species:
                cells.problem("species", f"{species} appears twice")
                continue
            product_of_species[species] = pid
            products.setdefault(pid, CropProduct(pid, name, storage, group))

    itineraries: list[Itinerary] = []
    table = read_csv(folder / "itineraries.csv", problems)
    if table is not None:
        required = [
            "itinerary_id",
            "name",
            "species",
            "family",
            "land",
            "bed_start_week",
            "harvest_start_week",
            "harvest_weeks",
            "shift_max_weeks",
            "yield_kg_m2",
        ]
        missing_columns(table, required, problems)
        week = checks.all_checks(checks.whole, checks.between(1, WEEKS))
        for row in table.rows:
            cells = Cells(table, row, problems)
            ident = cells.text("itinerary_id")
            name = cells.text("name")
            species = cells.text("species")
            family = cells.text("family", required=False) or ""
            land = cells.choice("land", LANDS)
            start = cells.integer("bed_start_week", check=week)
            harvest = cells.integer("harvest_start_week", check=week)
            duration = cells.integer("harvest_weeks", check=checks.whole_at_least(1))
            shift = cells.integer("shift_max_weeks", check=checks.whole_at_least(0))
            yield_kg = cells.number("yield_kg_m2", check=checks.more_than(0))
            sowing = cells.integer("sowing_week", required=False, check=week)
            planting = cells.integer("planting_week", required=False, check=week)
            if not cells.ok:
                continue
            assert ident and name and species and land and start and harvest and duration
            assert shift is not None and yield_kg is not None
            offset = (harvest - start) % WEEKS
            if offset + duration > WEEKS:
                cells.problem("harvest_weeks", "the bed would be occupied more than 52 weeks")
                continue
            itineraries.append(
                Itinerary(
                    id=ident,
                    name=name,
                    species=species,
                    family=family,
                    land=land,  # type: ignore[arg-type]
                    bed_start_week=start,
                    harvest_offset_weeks=offset,
                    harvest_weeks=duration,
                    shift_max_weeks=shift,
                    yield_kg_m2=yield_kg,
                    sowing_week=sowing,
                    planting_week=planting,
                    rotation_interval_years=interval.get(family) or None,
                    product_id=product_of_species.get(species),
                )
            )
    if problems:
        raise InputError(problems)
    return CropCatalogue(tuple(itineraries), products)
