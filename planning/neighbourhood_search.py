"""Improving a crop plan by large-neighbourhood search: free a few products or weeks, re-solve.

On the benchmark-sized crop plan, HiGHS branch-and-bound finds a good plan and almost all of
its bound at the root node (cuts and root heuristics), then spends the rest of the time in a
tree that rarely yields a better plan (bound +0.03 %, plan unchanged over 30 s, measured).
This search works on its own HiGHS copies of the model (:mod:`planning.highs_copy`):

1. the root node alone gives a first plan and the bound;
2. a model whose root took under a tenth of the time is small: branch-and-bound goes on for
   the time left (and may prove the gap);
3. otherwise, round after round, every start outside a *neighbourhood* is fixed at the plan's
   beds and the rest re-solved for at most a few seconds, cut off at the current objective.  A
   neighbourhood is every start of a few random products, or every start in a random window of
   weeks (it alternates); its size grows after quick sub-solves and shrinks after time-outs.
   One worker thread per copy (HiGHS releases the GIL while it solves, and one solve keeps
   little more than one core busy), all starting each round from the best plan found so far.

The random choices are seeded; a run depends on the solvers' timing all the same.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import highspy
import numpy as np

from planning.highs_copy import HighsCopy
from planning.mip_model import CropModel
from planning.problem import CropPlanOptions
from planning.season import WEEKS

__all__ = ["SearchResult", "improve_plan", "search_plan"]

SMALL_ROOT_SHARE = 0.1  # of the time: a quicker root node means branch-and-bound, not search
SUB_SOLVE_S = 3.0  # time limit of one neighbourhood sub-solve, seconds
FIRST_SIZE = {"products": 4, "weeks": 8}  # products freed, or width of the week window
_FEASIBLE = highspy.SolutionStatus.kSolutionStatusFeasible


@dataclass(frozen=True)
class SearchResult:
    """The best plan found (beds per start of the model), its objective and the best bound."""

    beds: tuple[int, ...] | None
    objective: float | None
    bound: float | None
    rounds: int = 0
    improvements: int = 0


def _solve(highs: highspy.Highs, seconds: float, **options: float) -> None:
    highs.resetOptions()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", max(0.1, seconds))
    for name, value in options.items():
        highs.setOptionValue(name, value)
    highs.run()


def _price(copy: HighsCopy, columns: np.ndarray, beds: np.ndarray, deadline: float) -> float | None:
    """Objective of a plan with its beds fixed, checked from the column values (``None`` if the
    check fails).

    A sub-solve stopped by its time limit has been seen to report an objective that its own
    column values did not reach (Hypothesis test), so every better plan is priced again and
    its values checked against the copied rows.
    """
    highs = copy.highs
    highs.changeColsBounds(len(columns), columns, beds, beds)
    _solve(highs, max(1.0, deadline - time.perf_counter()))
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    values = np.asarray(highs.getSolution().col_value)
    if np.any(np.abs(values[columns] - beds) > 1e-6):
        return None
    return copy.objective_of(values)


def search_plan(
    built: CropModel,
    copies: Sequence[HighsCopy],
    opts: CropPlanOptions,
    seconds: float,
    gap_rel: float,
    *,
    seed: int = 0,
) -> SearchResult:
    """Root node, then branch-and-bound or neighbourhood rounds, for ``seconds`` in all."""
    began = time.perf_counter()
    deadline = began + seconds
    copy = copies[0]
    highs = copy.highs
    columns = np.array([copy.column[v.name] for v in built.x], dtype=np.int32)
    effort = opts.heuristic_effort
    _solve(highs, seconds, mip_max_nodes=1, mip_rel_gap=gap_rel, mip_heuristic_effort=effort)
    if (
        highs.getModelStatus() == highspy.HighsModelStatus.kSolutionLimit
        and time.perf_counter() - began < SMALL_ROOT_SHARE * seconds
    ):
        _solve(
            highs, deadline - time.perf_counter(), mip_rel_gap=gap_rel, mip_heuristic_effort=effort
        )
    info = highs.getInfo()
    bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else None
    if info.primal_solution_status != _FEASIBLE:
        return SearchResult(None, None, bound)
    best = float(info.objective_function_value)
    beds = np.round(np.asarray(highs.getSolution().col_value)[columns])
    if highs.getModelStatus() != highspy.HighsModelStatus.kSolutionLimit:
        return SearchResult(tuple(int(b) for b in beds), best, bound)
    priced = _price(copy, columns, beds, deadline)  # the rounds' first cutoff, checked
    if priced is not None:
        best = priced
    improved = improve_plan(
        built, copies, opts, [int(b) for b in beds], best, deadline - time.perf_counter(), seed=seed
    )
    return replace(improved, bound=bound)


class _Incumbent:
    """The best plan the workers share: beds per start, objective, and counters."""

    def __init__(self, beds: list[int], objective: float) -> None:
        self.lock = threading.Lock()
        self.plan = np.array(beds, dtype=float)
        self.best = objective
        self.rounds = 0
        self.improvements = 0

    def offer(self, plan: np.ndarray, objective: float) -> None:
        with self.lock:
            if objective < self.best - 1e-6 * max(1.0, abs(self.best)):
                self.plan, self.best = plan, objective
                self.improvements += 1


def improve_plan(
    built: CropModel,
    copies: Sequence[HighsCopy],
    opts: CropPlanOptions,
    beds: list[int],
    objective: float,
    seconds: float,
    *,
    focus: Collection[str] = (),
    target: float = -math.inf,
    seed: int = 0,
) -> SearchResult:
    """Neighbourhood rounds from a plan (beds per start, its objective) for ``seconds``.

    One worker thread per copy of the model (HiGHS releases the GIL while it solves), each
    round starting from the best plan any worker has found.  The first neighbourhood frees
    every start of the ``focus`` products (if any); the search stops early once the objective
    is at most ``target``.
    """
    deadline = time.perf_counter() + seconds
    shared = _Incumbent(beds, objective)
    workers = [
        threading.Thread(
            target=_rounds,
            args=(built, copy, opts, shared, deadline),
            kwargs={"focus": focus if n == 0 else (), "target": target, "seed": seed + n},
            name=f"crop-plan-search-{n}",
            daemon=True,
        )
        for n, copy in enumerate(copies)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    plan = tuple(int(b) for b in shared.plan)
    return SearchResult(plan, shared.best, None, shared.rounds, shared.improvements)


def _rounds(
    built: CropModel,
    copy: HighsCopy,
    opts: CropPlanOptions,
    shared: _Incumbent,
    deadline: float,
    *,
    focus: Collection[str],
    target: float,
    seed: int,
) -> None:
    """One worker's neighbourhood rounds until ``deadline`` or ``target``."""
    highs = copy.highs
    columns = np.array([copy.column[v.name] for v in built.x], dtype=np.int32)
    upper = np.array([s.upper for s in built.starts], dtype=float)
    products = sorted({str(s.itinerary.product_id) for s in built.starts})
    product_of = np.array([products.index(str(s.itinerary.product_id)) for s in built.starts])
    week_of = np.array([s.week for s in built.starts])
    largest = {"products": len(products), "weeks": WEEKS}
    size = {kind: min(n, largest[kind]) for kind, n in FIRST_SIZE.items()}
    rng = random.Random(seed)
    rounds = 0
    while deadline - time.perf_counter() > 0.5:
        with shared.lock:
            plan, best = shared.plan, shared.best
            if best <= target:
                break
            shared.rounds += 1
        kind = ("products", "weeks")[(rounds + seed) % 2]
        if rounds == 0 and focus:
            free = np.isin(product_of, [products.index(k) for k in focus if k in products])
        elif kind == "products":
            free = np.isin(product_of, rng.sample(range(len(products)), size[kind]))
        else:
            free = (week_of - rng.randint(1, WEEKS)) % WEEKS < size[kind]
        rounds += 1
        highs.changeColsBounds(
            len(columns), columns, np.where(free, 0.0, plan), np.where(free, upper, plan)
        )
        limit = min(SUB_SOLVE_S, deadline - time.perf_counter())
        cutoff = best - 1e-6 * max(1.0, abs(best))
        sub_began = time.perf_counter()
        _solve(
            highs,
            limit,
            mip_rel_gap=0.0,
            mip_heuristic_effort=opts.heuristic_effort,
            objective_bound=cutoff,
        )
        if highs.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
            size[kind] = max(2, size[kind] - 1)
        elif time.perf_counter() - sub_began < limit / 2:
            size[kind] = min(largest[kind], size[kind] + 1)
        info = highs.getInfo()
        if info.primal_solution_status == _FEASIBLE and info.objective_function_value < cutoff:
            found = np.round(np.asarray(highs.getSolution().col_value)[columns])
            priced = _price(copy, columns, found, deadline)
            if priced is not None:
                shared.offer(found, priced)
