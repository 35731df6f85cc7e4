"""Shapley value, proportional rules and the core on small hand-made cost games."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.savings.cost_sharing import (
    CachedGame,
    core_check,
    least_core,
    proportional,
    shapley,
    shapley_exact,
    shapley_sampled,
)

Game = Callable[[frozenset[str]], float]


def airport(costs: Mapping[str, float]) -> Game:
    """The airport game: a coalition pays for the runway its largest plane needs."""
    return lambda s: max((costs[p] for p in s), default=0.0)


def table_game(values: Mapping[str, float]) -> Game:
    """A game given by a table ``"AB" -> c({A, B})`` (one-letter players)."""
    return lambda s: 0.0 if not s else values["".join(sorted(s))]


# A 3-player cost game computed by hand:
#   c(A)=6, c(B)=8, c(C)=10, c(AB)=10, c(AC)=12, c(BC)=14, c(ABC)=15.
# phi_A = 1/3 (6) + 1/6 (10-8) + 1/6 (12-10) + 1/3 (15-14) = 2 + 1/3 + 1/3 + 1/3 = 3
# phi_B = 1/3 (8) + 1/6 (10-6) + 1/6 (14-10) + 1/3 (15-12) = 8/3 + 2/3 + 2/3 + 1 = 5
# phi_C = 15 - 3 - 5 = 7
HAND = {"A": 6, "B": 8, "C": 10, "AB": 10, "AC": 12, "BC": 14, "ABC": 15}

# Three partners any two of which can share one van-day, but not all three:
# x_i + x_j <= 1 for every pair gives x(N) <= 1.5 < c(N) = 2, so the core is empty.
EMPTY_CORE = {"A": 1, "B": 1, "C": 1, "AB": 1, "AC": 1, "BC": 1, "ABC": 2}


def test_known_values_three_players_by_hand() -> None:
    phi = shapley_exact("ABC", table_game(HAND)).values
    assert phi == pytest.approx({"A": 3.0, "B": 5.0, "C": 7.0})


def test_airport_game_splits_each_runway_segment_among_its_users() -> None:
    # segments: [0,1] used by 3 planes, [1,3] by 2, [3,6] by 1
    phi = shapley_exact(["s", "m", "l"], airport({"s": 1, "m": 3, "l": 6})).values
    assert phi == pytest.approx({"s": 1 / 3, "m": 1 / 3 + 1, "l": 1 / 3 + 1 + 3})


def test_efficiency_symmetry_and_null_player() -> None:
    base = {"A": 4, "B": 4, "C": 7, "AB": 6, "AC": 9, "BC": 9, "ABC": 10}

    def with_null(s: frozenset[str]) -> float:  # Z changes no coalition's cost
        return table_game(base)(s - {"Z"})

    phi = shapley_exact(["A", "B", "C", "Z"], with_null).values
    assert sum(phi.values()) == pytest.approx(10.0)
    assert phi["A"] == pytest.approx(phi["B"])  # A and B are interchangeable
    assert phi["Z"] == pytest.approx(0.0)


def test_additivity() -> None:
    first, second = table_game(HAND), airport({"A": 2, "B": 5, "C": 3})
    total = shapley_exact("ABC", lambda s: first(s) + second(s)).values
    a, b = shapley_exact("ABC", first).values, shapley_exact("ABC", second).values
    assert total == pytest.approx({p: a[p] + b[p] for p in "ABC"})


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=5), st.data())
def test_axioms_on_random_games(costs: list[float], data: st.DataObject) -> None:
    players = [f"p{i}" for i in range(len(costs))]
    extra = {
        frozenset(c): data.draw(st.floats(0, 50))
        for k in range(2, len(players) + 1)
        for c in combinations(players, k)
    }

    def game(s: frozenset[str]) -> float:
        return sum(costs[players.index(p)] for p in s) - extra.get(s, 0.0)

    phi = shapley_exact(players, game).values
    assert sum(phi.values()) == pytest.approx(game(frozenset(players)), abs=1e-6)
    # an additive game's Shapley value is each player's own cost
    additive = shapley_exact(players, lambda s: sum(costs[players.index(p)] for p in s)).values
    assert additive == pytest.approx(dict(zip(players, costs, strict=True)), abs=1e-9)


def _six_player_game(s: frozenset[str]) -> float:
    size = {"a": 3.0, "b": 5.0, "c": 1.0, "d": 8.0, "e": 2.0, "f": 5.0}
    if not s:
        return 0.0
    return max(size[p] for p in s) + 0.5 * sum(size[p] for p in s) + 4 * math.sqrt(len(s))


def test_sampled_shapley_converges_to_exact_within_its_interval() -> None:
    players = list("abcdef")
    exact = shapley_exact(players, _six_player_game).values
    game = CachedGame(players, _six_player_game)
    small = shapley_sampled(players, game, samples=100, seed=7, confidence=0.99)
    large = shapley_sampled(players, game, samples=2000, seed=7, confidence=0.99)
    for p in players:
        assert abs(large.values[p] - exact[p]) <= large.half_width[p]
        assert large.half_width[p] < small.half_width[p] / 3  # ~ 1/sqrt(samples)
    assert large.total == pytest.approx(_six_player_game(frozenset(players)))  # exactly efficient
    assert game.evaluations <= 2**6 - 1  # the cache computes each coalition once
    again = shapley_sampled(players, game, samples=100, seed=7, confidence=0.99)
    assert again.values == small.values  # seeded


def test_shapley_switches_to_sampling_beyond_the_exact_limit() -> None:
    players = list("abcdef")
    assert shapley(players, _six_player_game, exact_max_players=6).exact
    sampled = shapley(players, _six_player_game, exact_max_players=5, samples=50, seed=1)
    assert not sampled.exact and sampled.samples == 50


def test_core_of_a_concave_game_contains_the_shapley_value() -> None:
    game = airport({"s": 1, "m": 3, "l": 6})
    phi = shapley_exact(["s", "m", "l"], game).values
    check = core_check(["s", "m", "l"], game, phi)
    assert check.in_core and check.checked == check.total == 6 and check.violations == ()
    epsilon, _ = least_core(["s", "m", "l"], game)
    assert epsilon <= 1e-9


def test_empty_core_is_detected() -> None:
    game = table_game(EMPTY_CORE)
    phi = shapley_exact("ABC", game).values
    assert phi == pytest.approx(dict.fromkeys("ABC", 2 / 3))
    check = core_check("ABC", game, phi)
    assert not check.in_core
    assert {s for s, _ in check.violations} == {frozenset(p) for p in ("AB", "AC", "BC")}
    assert check.violations[0][1] == pytest.approx(1 / 3)
    epsilon, x = least_core("ABC", game)
    # summing the three pair constraints: 2 x(N) = 4 <= 3 + 3 eps, so eps >= 1/3
    assert epsilon == pytest.approx(1 / 3)
    assert sum(x.values()) == pytest.approx(2.0)


def test_core_check_flags_an_inefficient_allocation_and_partial_checks() -> None:
    game = table_game(HAND)
    check = core_check("ABC", game, {"A": 1, "B": 1, "C": 1})
    assert not check.in_core and check.budget_gap == pytest.approx(-12)
    partial = core_check(
        "ABC", game, {"A": 3, "B": 5, "C": 7}, coalitions=[frozenset("A"), frozenset("BC")]
    )
    assert partial.in_core and partial.checked == 2 and partial.total == 6


def test_proportional_rules() -> None:
    shares = proportional(12.0, {"A": 1.0, "B": 3.0}, rule="by volume")
    assert shares.values == {"A": 3.0, "B": 9.0} and shares.rule == "by volume"
    assert proportional(10.0, {"A": 0.0, "B": 0.0}).values == {"A": 5.0, "B": 5.0}
    with pytest.raises(ValueError, match="weights"):
        proportional(1.0, {"A": -1.0})
    with pytest.raises(ValueError, match="no player"):
        proportional(1.0, {})


def test_cached_game_rejects_unknown_players_and_bad_arguments() -> None:
    calls: list[frozenset[str]] = []

    def game(s: frozenset[str]) -> float:
        calls.append(s)
        return float(len(s))

    cached = CachedGame(["A", "B"], game)
    assert cached({"A"}) == cached(frozenset({"A"})) == 1.0 and len(calls) == 1
    assert cached(set()) == 0.0 and cached.evaluations == 1
    with pytest.raises(ValueError, match="unknown"):
        cached({"Z"})
    with pytest.raises(ValueError, match="repeat"):
        CachedGame(["A", "A"], game)
    with pytest.raises(ValueError, match="samples"):
        shapley_sampled(["A"], game, samples=1)
