"""Sharing a pooled cost among partners: Shapley value, simple rules, the core.

A *cost game* is a set of players and a characteristic function ``c(S)``: the cost
coalition ``S`` would pay on its own (``c(∅) = 0``).  Every function here takes
``c`` as a plain callable on frozensets of player ids, so it can be tested on
hand-made games; :mod:`logistics.savings.report` plugs in the cost of planning a
coalition's week.

* :func:`shapley_exact` -- the Shapley value from every coalition (``2^n`` values of
  ``c``): ``phi_i = sum_{S not containing i} |S|! (n-|S|-1)! / n! (c(S+i) - c(S))``.
* :func:`shapley_sampled` -- permutation sampling (Castro, Gómez & Tejada 2009):
  the mean of ``i``'s marginal cost over random orders of arrival, with a normal
  confidence interval ``mean ± z·sd/√m``.  Each order's marginal costs sum to
  ``c(N)``, so the estimate is exactly efficient.
* :func:`shapley` -- exact up to ``exact_max_players`` players, sampled beyond.
* :func:`proportional` -- ``c(N)`` split in proportion to weights (stand-alone
  cost, volume).
* :func:`core_check` -- an allocation ``x`` is in the *core* when it is efficient
  (``x(N) = c(N)``) and no coalition pays more than it would alone
  (``x(S) <= c(S)``).  :func:`least_core` solves the LP ``min ε`` s.t.
  ``x(S) <= c(S) + ε``: the core is empty exactly when ``ε > 0``.

Wrap an expensive ``c`` in :class:`CachedGame` so every coalition is computed once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from statistics import NormalDist

import numpy as np
from scipy.optimize import linprog

__all__ = [
    "CachedGame",
    "CoreCheck",
    "CostFunction",
    "Shares",
    "core_check",
    "least_core",
    "proportional",
    "shapley",
    "shapley_exact",
    "shapley_sampled",
]

CostFunction = Callable[[frozenset[str]], float]
"""``c(S)``: the cost of coalition ``S`` (a frozenset of player ids); ``c(∅)`` is 0."""

EXACT_MAX_PLAYERS = 10
"""Default: the exact Shapley value up to this many players (``2^10 = 1024`` coalitions)."""


class CachedGame:
    """A characteristic function computed once per coalition.

    Parameters
    ----------
    players
        Player ids (distinct).
    cost
        ``c(S)``; never called on the empty coalition (its cost is 0).

    Raises
    ------
    ValueError
        When players repeat, or when called on a coalition with an unknown player.
    """

    def __init__(self, players: Sequence[str], cost: CostFunction) -> None:
        if len(set(players)) != len(players):
            raise ValueError(f"players repeat: {list(players)}")
        self.players: tuple[str, ...] = tuple(players)
        self._cost = cost
        self.values: dict[frozenset[str], float] = {frozenset(): 0.0}

    def __call__(self, coalition: Iterable[str]) -> float:
        key = frozenset(coalition)
        if key not in self.values:
            unknown = key - set(self.players)
            if unknown:
                raise ValueError(f"unknown players {sorted(unknown)}")
            self.values[key] = float(self._cost(key))
        return self.values[key]

    @property
    def evaluations(self) -> int:
        """Number of non-empty coalitions computed so far."""
        return len(self.values) - 1


@dataclass(frozen=True)
class Shares:
    """How a total cost is split among players.

    Parameters
    ----------
    rule
        ``shapley``, ``proportional to stand-alone cost``, ...
    values
        Player id -> share (same unit as ``c``).
    half_width
        Player id -> half-width of the confidence interval (0 when exact).
    samples
        Permutations drawn (0 when exact or not sampled).
    confidence
        Level of the confidence interval (e.g. 0.95).
    """

    rule: str
    values: Mapping[str, float]
    half_width: Mapping[str, float] = field(default_factory=dict)
    samples: int = 0
    confidence: float = 0.95

    @property
    def exact(self) -> bool:
        """True when no share carries sampling error."""
        return self.samples == 0

    @property
    def total(self) -> float:
        """Sum of the shares."""
        return float(sum(self.values.values()))


@dataclass(frozen=True)
class CoreCheck:
    """Is an allocation in the core?

    Parameters
    ----------
    in_core
        Efficient and no checked coalition pays more than alone.  When only some
        coalitions were checked (``checked < total``), ``True`` means "no violation
        found among those".
    budget_gap
        ``x(N) - c(N)`` (0 for an efficient allocation).
    checked, total
        Proper coalitions checked, and how many there are (``2^n - 2``).
    violations
        ``(coalition, excess)`` with ``excess = x(S) - c(S) > tol``, worst first.
    """

    in_core: bool
    budget_gap: float
    checked: int
    total: int
    violations: tuple[tuple[frozenset[str], float], ...]


def _mask_members(players: Sequence[str], mask: int) -> frozenset[str]:
    return frozenset(p for k, p in enumerate(players) if mask >> k & 1)


def shapley_exact(players: Sequence[str], cost: CostFunction) -> Shares:
    """The Shapley value from all ``2^n - 1`` coalitions.

    Parameters
    ----------
    players
        Player ids.
    cost
        ``c(S)``; called once per non-empty coalition.

    Returns
    -------
    Shares
        Exact values (``half_width`` 0).
    """
    players = tuple(players)
    n = len(players)
    values = np.zeros(1 << n)
    for mask in range(1, 1 << n):
        values[mask] = cost(_mask_members(players, mask))
    weight = [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    size = [bin(mask).count("1") for mask in range(1 << n)]
    phi = dict.fromkeys(players, 0.0)
    for k, player in enumerate(players):
        bit = 1 << k
        phi[player] = float(
            sum(
                weight[size[mask]] * (values[mask | bit] - values[mask])
                for mask in range(1 << n)
                if not mask & bit
            )
        )
    return Shares("shapley", phi, dict.fromkeys(players, 0.0))


def shapley_sampled(
    players: Sequence[str],
    cost: CostFunction,
    *,
    samples: int,
    seed: int = 0,
    confidence: float = 0.95,
) -> Shares:
    """The Shapley value estimated from random orders of arrival.

    Parameters
    ----------
    players
        Player ids.
    cost
        ``c(S)``; up to ``samples * n`` calls (wrap it in :class:`CachedGame`).
    samples
        Number of permutations (>= 2).
    seed
        Seed of the random permutations (reproducible).
    confidence
        Level of the normal confidence interval, in (0, 1).

    Returns
    -------
    Shares
        Means, and the half-width ``z * sd / sqrt(samples)`` per player.

    Raises
    ------
    ValueError
        When ``samples < 2`` or ``confidence`` is not in (0, 1).
    """
    if samples < 2:
        raise ValueError(f"samples must be >= 2, got {samples}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    players = tuple(players)
    n = len(players)
    rng = np.random.default_rng(seed)
    marginal = np.zeros((samples, n))
    for m in range(samples):
        order = rng.permutation(n)
        coalition: set[str] = set()
        before = 0.0
        for k in order:
            coalition.add(players[k])
            after = cost(frozenset(coalition))
            marginal[m, k] = after - before
            before = after
    mean = marginal.mean(axis=0)
    sd = marginal.std(axis=0, ddof=1)
    z = NormalDist().inv_cdf((1 + confidence) / 2)
    half = z * sd / math.sqrt(samples)
    return Shares(
        "shapley",
        {p: float(mean[k]) for k, p in enumerate(players)},
        {p: float(half[k]) for k, p in enumerate(players)},
        samples=samples,
        confidence=confidence,
    )


def shapley(
    players: Sequence[str],
    cost: CostFunction,
    *,
    exact_max_players: int = EXACT_MAX_PLAYERS,
    samples: int = 200,
    seed: int = 0,
    confidence: float = 0.95,
) -> Shares:
    """Exact Shapley value up to ``exact_max_players`` players, permutation sampling beyond.

    See :func:`shapley_exact` and :func:`shapley_sampled` for the parameters.
    """
    if len(players) <= exact_max_players:
        return shapley_exact(players, cost)
    return shapley_sampled(players, cost, samples=samples, seed=seed, confidence=confidence)


def proportional(
    total: float, weights: Mapping[str, float], *, rule: str = "proportional"
) -> Shares:
    """Split ``total`` in proportion to non-negative weights (equally if they are all 0).

    Raises
    ------
    ValueError
        When a weight is negative or not finite, or there is no player.
    """
    if not weights:
        raise ValueError("no player to share among")
    if any(not math.isfinite(w) or w < 0 for w in weights.values()):
        raise ValueError(f"weights must be finite and >= 0: {dict(weights)}")
    denominator = sum(weights.values())
    if denominator == 0:
        values = {p: total / len(weights) for p in weights}
    else:
        values = {p: total * w / denominator for p, w in weights.items()}
    return Shares(rule, values, dict.fromkeys(weights, 0.0))


def _proper_coalitions(players: Sequence[str]) -> Iterable[frozenset[str]]:
    for size in range(1, len(players)):
        for members in combinations(players, size):
            yield frozenset(members)


def core_check(
    players: Sequence[str],
    cost: CostFunction,
    shares: Mapping[str, float],
    *,
    coalitions: Iterable[frozenset[str]] | None = None,
    tol: float = 1e-6,
) -> CoreCheck:
    """Check ``x(N) = c(N)`` and ``x(S) <= c(S)`` for coalitions ``S``.

    Parameters
    ----------
    players
        Player ids.
    cost
        ``c(S)``.
    shares
        The allocation ``x`` (player id -> share).
    coalitions
        The proper coalitions to check; default all ``2^n - 2`` of them (then
        ``cost`` is called on each).
    tol
        Tolerance, same unit as ``c`` (e.g. euros: ``0.01``).

    Returns
    -------
    CoreCheck
    """
    players = tuple(players)
    grand = frozenset(players)
    candidates = _proper_coalitions(players) if coalitions is None else coalitions
    checked: set[frozenset[str]] = set()
    violations = []
    for coalition in candidates:
        if not coalition or coalition == grand or coalition in checked:
            continue
        checked.add(coalition)
        excess = sum(shares[p] for p in coalition) - cost(coalition)
        if excess > tol:
            violations.append((coalition, float(excess)))
    gap = float(sum(shares[p] for p in players) - cost(grand))
    violations.sort(key=lambda item: (-item[1], sorted(item[0])))
    return CoreCheck(
        in_core=not violations and abs(gap) <= tol,
        budget_gap=gap,
        checked=len(checked),
        total=(1 << len(players)) - 2,
        violations=tuple(violations),
    )


def least_core(players: Sequence[str], cost: CostFunction) -> tuple[float, dict[str, float]]:
    """The least core: ``min ε`` s.t. ``x(N) = c(N)``, ``x(S) <= c(S) + ε`` for proper ``S``.

    Calls ``cost`` on every coalition (``2^n - 1``): for small games only.

    Returns
    -------
    tuple
        ``ε`` (the core is non-empty exactly when ``ε <= 0``, up to solver tolerance)
        and one allocation attaining it.

    Raises
    ------
    RuntimeError
        When the LP solver fails (it cannot be infeasible).
    """
    players = tuple(players)
    n = len(players)
    index = {p: k for k, p in enumerate(players)}
    grand = frozenset(players)
    if n == 1:
        return 0.0, {players[0]: cost(grand)}
    rows, rhs = [], []
    for coalition in _proper_coalitions(players):
        row = np.zeros(n + 1)
        for p in coalition:
            row[index[p]] = 1.0
        row[n] = -1.0
        rows.append(row)
        rhs.append(cost(coalition))
    objective = np.zeros(n + 1)
    objective[n] = 1.0
    result = linprog(
        objective,
        A_ub=np.array(rows),
        b_ub=np.array(rhs),
        A_eq=np.array([[1.0] * n + [0.0]]),
        b_eq=np.array([cost(grand)]),
        bounds=[(None, None)] * (n + 1),
        method="highs",
    )
    if not result.success:
        raise RuntimeError(f"least-core LP failed: {result.message}")
    return float(result.x[n]), {p: float(result.x[index[p]]) for p in players}
