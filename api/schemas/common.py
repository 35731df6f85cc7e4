"""Types shared by the schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from territory.errors import InputError
from territory.model import IsoWeek

__all__ = ["Id", "Week"]


def _week(text: str) -> str:
    try:
        return str(IsoWeek.parse(text))
    except InputError:
        raise ValueError(f'"{text}" is not an ISO week (like 2026-W49)') from None


Week = Annotated[
    str,
    Field(min_length=8, max_length=8, pattern=r"^\d{4}-W\d{2}$", examples=["2026-W49"]),
    AfterValidator(_week),
]
"""An ISO week, ``2026-W49``."""

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
"""A record id as in the territory files."""
