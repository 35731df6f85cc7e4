"""The savings report: players, c(S) of a week, shares and files, with an injected game."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from logistics.plan.week import PlanOptions
from logistics.savings.report import (
    CoalitionCosts,
    default_time_limit,
    savings_analysis,
    savings_players,
    write_savings_report,
)
from territory.model import IsoWeek, Territory
from territory.reader import load_territory

VILLEURBANNE = Path(__file__).resolve().parents[2] / "data" / "villeurbanne"
WEEK = IsoWeek(2026, 49)


@pytest.fixture(scope="module")
def territory() -> Territory:
    return load_territory(VILLEURBANNE)


def test_players_are_organisations_ordering_or_owning_vehicles(territory: Territory) -> None:
    assert savings_players(territory, WEEK) == ("org_a", "org_b")


def test_report_with_an_injected_game(territory: Territory, tmp_path: Path) -> None:
    costs = {frozenset({"org_a"}): 400.0, frozenset({"org_b"}): 200.0}

    def game(s: frozenset[str]) -> float:
        return costs.get(s, 450.0)

    report = savings_analysis(territory, week=WEEK, game=game)
    assert report.pooled_cost == 450.0 and report.standalone_total == 600.0
    # two players: each pays its own cost minus half the saving of 150
    assert report.shapley.values == pytest.approx({"org_a": 325.0, "org_b": 125.0})
    by_cost, by_units = report.shares[1].values, report.shares[2].values
    assert by_cost == pytest.approx({"org_a": 300.0, "org_b": 150.0})
    volume = report.volume
    assert by_units["org_a"] == pytest.approx(450.0 * volume["org_a"] / sum(volume.values()))
    assert [c.in_core for c in report.core] == [True, True, True, True]
    assert report.shares[3].rule == "least core" and report.shares[3].total == pytest.approx(450)
    assert report.least_core_epsilon == pytest.approx(-75.0)

    paths = write_savings_report(report, tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == ["coalitions.csv", "savings.html", "savings.json", "savings.md", "savings.png"]
    assert (tmp_path / "out" / "savings.png").read_bytes().startswith(b"\x89PNG")
    html = (tmp_path / "out" / "savings.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html and "in the core" in html
    md = (tmp_path / "out" / "savings.md").read_text(encoding="utf-8")
    assert "![cost per organisation](savings.png)" in md and "325.00" in md
    data = json.loads((tmp_path / "out" / "savings.json").read_text(encoding="utf-8"))
    assert data["organisations"]["org_b"]["shapley"]["saving_eur"] == 75.0


def test_a_share_outside_the_core_is_reported(territory: Territory, tmp_path: Path) -> None:
    # volume-proportional shares can charge org_a more than it pays alone
    volume = savings_analysis(territory, week=WEEK, game=lambda s: 1.0).volume
    share_a = volume["org_a"] / sum(volume.values())
    costs = {frozenset({"org_a"}): 0.5 * share_a * 100, frozenset({"org_b"}): 100.0}
    report = savings_analysis(territory, week=WEEK, game=lambda s: costs.get(s, 100.0))
    assert not report.core[2].in_core
    assert report.core[2].violations[0][0] == frozenset({"org_a"})
    write_savings_report(report, tmp_path)
    assert "not in the core" in (tmp_path / "savings.md").read_text(encoding="utf-8")


def test_sampled_shapley_checks_only_the_coalitions_planned(territory: Territory) -> None:
    report = savings_analysis(
        territory, week=WEEK, game=lambda s: 10.0 * len(s) ** 0.5, exact_max_players=1, samples=8
    )
    assert not report.shapley.exact and report.least_core_epsilon is None
    assert report.shapley.total == pytest.approx(10.0 * 2**0.5)
    assert report.core[0].total == 2


def test_coalition_without_vehicle_pays_the_penalty_per_unit(territory: Territory) -> None:
    vehicles = tuple(v for v in territory.vehicles if v.organisation_id != "org_b")
    costs = CoalitionCosts(
        replace(territory, vehicles=vehicles),
        {},
        week=WEEK,
        options=PlanOptions(engine="pyvrp", time_limit_s=1.0, max_iterations=10),
        unserved_unit_eur=2.0,
    )
    ordered_b = sum(
        o.quantity
        for o in territory.orders_for(WEEK)
        if territory.venues_by_id[o.venue_id].organisation_id == "org_b"
    )
    assert costs(frozenset({"org_b"})) == 2.0 * ordered_b
    outcome = costs.outcomes[frozenset({"org_b"})]
    assert outcome.unserved_units == ordered_b and outcome.rounds == 0
    with pytest.raises(ValueError, match="not players"):
        costs(frozenset({"nobody"}))


def test_default_time_limit_fits_the_coalitions_in_the_budget(territory: Territory) -> None:
    assert default_time_limit(territory, 2) == 1.0  # 3 coalitions x 5 days
    assert default_time_limit(territory, 6) == pytest.approx(240 / (63 * 5), abs=0.01)
    assert default_time_limit(territory, 20, samples=200) == 0.2  # sampled: floor
