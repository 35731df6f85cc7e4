"""Loads in several dimensions: mass, ambient volume, chilled volume, frozen volume.

Inside the optimisers loads are integers: grams and millilitres.  A product's
units weigh ``unit_kg`` and take ``unit_l`` litres of the compartment of its
temperature class (ambient goods take ambient volume, chilled goods chilled
volume, frozen goods frozen volume); every unit counts against the vehicle's
total mass.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIMENSIONS", "TEMPERATURES", "Load", "load_of"]

DIMENSIONS: tuple[str, ...] = ("mass_g", "ambient_ml", "chilled_ml", "frozen_ml")
TEMPERATURES: tuple[str, ...] = ("ambient", "chilled", "frozen")


@dataclass(frozen=True)
class Load:
    """A load: mass in grams and volume per temperature compartment in millilitres."""

    mass_g: int = 0
    ambient_ml: int = 0
    chilled_ml: int = 0
    frozen_ml: int = 0

    def __post_init__(self) -> None:
        for name in DIMENSIONS:
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")

    def __add__(self, other: Load) -> Load:
        return Load(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, int, int, int]:
        """The four dimensions in ``DIMENSIONS`` order."""
        return (self.mass_g, self.ambient_ml, self.chilled_ml, self.frozen_ml)

    def is_empty(self) -> bool:
        """True when nothing is carried."""
        return not any(self.as_tuple())

    @property
    def kg(self) -> float:
        """Mass in kilograms."""
        return self.mass_g / 1000

    def litres(self) -> tuple[float, float, float]:
        """Ambient, chilled and frozen volume in litres."""
        return (self.ambient_ml / 1000, self.chilled_ml / 1000, self.frozen_ml / 1000)


def load_of(unit_kg: float, unit_l: float, temperature: str, quantity: int) -> Load:
    """Load of ``quantity`` units of a product.

    Parameters
    ----------
    unit_kg, unit_l
        Mass (kg) and volume (litres) of one unit.
    temperature
        ``ambient``, ``chilled`` or ``frozen``: the compartment the volume goes to.
    quantity
        Whole units (>= 0).

    Raises
    ------
    ValueError
        If the temperature class is unknown or the quantity negative.
    """
    if temperature not in TEMPERATURES:
        raise ValueError(f"temperature must be one of {TEMPERATURES}, not {temperature!r}")
    if quantity < 0:
        raise ValueError(f"quantity must be >= 0, got {quantity}")
    mass_g = round(unit_kg * 1000 * quantity)
    volume_ml = round(unit_l * 1000 * quantity)
    return Load(
        mass_g=mass_g,
        ambient_ml=volume_ml if temperature == "ambient" else 0,
        chilled_ml=volume_ml if temperature == "chilled" else 0,
        frozen_ml=volume_ml if temperature == "frozen" else 0,
    )
