"""Sites too far from every road network are reported with file, row and column."""

from dataclasses import replace
from pathlib import Path

import pytest

from logistics.plan.reach import unreachable_sites
from territory.reader import load_territory

VILLEURBANNE = Path(__file__).parents[2] / "data" / "villeurbanne"


def test_far_venue_is_reported_and_near_ones_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOODHUB_CACHE_DIR", str(tmp_path))
    territory = load_territory(VILLEURBANNE)
    assert unreachable_sites(territory) == []
    venues = list(territory.venues)
    venues[2] = replace(venues[2], lon=5.9, lat=47.0)
    (problem,) = unreachable_sites(replace(territory, venues=tuple(venues)))
    assert (problem.file, problem.row, problem.column) == ("venues.csv", 4, "lon")
    assert "too far to approximate" in problem.message
