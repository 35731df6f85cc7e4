"""The linear programmes behind stock allocation, solved with HiGHS (highspy).

The allocation is a set of independent *blocks* (one product, or one group of
substitutable products).  Each block is a bipartite transportation network:

* *sources* with whole-unit capacities (a stock lot, a producer's offer),
* *classes* of demand lines that the same sources may serve (one delivery day of
  one product), each with a whole-unit upper bound (what was ordered),
* *edges* ``(source, class)`` where the source may serve the class,
* *floor items*: "the class must receive at least ``Q * (1 - u / w) - base``
  units", where ``u`` is the block's weighted shortfall level (``w`` the weight,
  ``base`` units already given elsewhere).

All blocks go into one block-diagonal HiGHS model per stage, which is the same
as solving them one by one (the objective is a sum over blocks) but pays the
Python and solver start-up once:

1. :func:`solve_levels`: minimise every block's level ``u`` (fractional LP).
2. :func:`solve_flows`: with integer lower bounds per class, maximise the flow,
   then, with each block's flow fixed, minimise the edge costs.  Stage 2 is a
   network (circulation) matrix, totally unimodular: with integer bounds the
   simplex vertex is integral, so rounding to the nearest integer is exact; the
   result is still checked against every bound and repaired if needed.

HiGHS objects never leave this module.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import highspy
import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = ["LpOutcome", "TransportProblem", "solve_flows", "solve_levels"]

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class LpOutcome(Enum):
    """How one HiGHS solve ended."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"  # stopped early, a feasible solution is returned
    INFEASIBLE = "infeasible"
    ERROR = "error"  # no usable solution


@dataclass(frozen=True, eq=False)
class TransportProblem:
    """Blocks of transportation networks (see the module docstring).

    Parameters
    ----------
    n_blocks
        Number of blocks.
    source_block, source_capacity
        Block and capacity (whole units >= 0) of each source.
    class_block, class_upper
        Block and upper bound (whole units >= 0) of each class.
    edge_source, edge_class, edge_cost
        Each edge's source, class (same block) and cost per unit (stage 3 only).
    item_class, item_quantity, item_weight, item_base
        Floor items: class, ordered units ``Q``, weight ``w > 0``, units ``base``.
    """

    n_blocks: int
    source_block: IntArray
    source_capacity: IntArray
    class_block: IntArray
    class_upper: IntArray
    edge_source: IntArray
    edge_class: IntArray
    edge_cost: FloatArray
    item_class: IntArray
    item_quantity: FloatArray
    item_weight: FloatArray
    item_base: FloatArray

    @property
    def n_sources(self) -> int:
        """Number of sources."""
        return len(self.source_block)

    @property
    def n_classes(self) -> int:
        """Number of classes."""
        return len(self.class_block)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.edge_source)


def _silent_highs() -> highspy.Highs:
    """A HiGHS instance that prints nothing (its first creation writes a banner to stdout)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def _outcome(h: highspy.Highs) -> LpOutcome:
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return LpOutcome.OPTIMAL
    if status == highspy.HighsModelStatus.kInfeasible:
        return LpOutcome.INFEASIBLE
    feasible = h.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    if (
        status
        in (
            highspy.HighsModelStatus.kTimeLimit,
            highspy.HighsModelStatus.kIterationLimit,
        )
        and feasible
    ):
        return LpOutcome.TIME_LIMIT
    logger.warning("HiGHS ended with status %s", h.modelStatusToString(status))
    return LpOutcome.ERROR


def _run(
    cost: FloatArray,
    col_lower: FloatArray,
    col_upper: FloatArray,
    rows: Sequence[tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]],
    row_lower: FloatArray,
    row_upper: FloatArray,
    *,
    maximise: bool,
    time_limit_s: float,
) -> tuple[LpOutcome, FloatArray]:
    """Solve ``opt cost @ x`` s.t. ``row_lower <= A x <= row_upper``, bounds on x.

    ``rows`` are COO triplets ``(row, col, value)`` pieces of ``A``.
    """
    n_cols, n_rows = len(cost), len(row_lower)
    if n_cols == 0:
        return LpOutcome.OPTIMAL, np.zeros(0)
    r = np.concatenate([np.asarray(p[0], dtype=np.int64) for p in rows])
    c = np.concatenate([np.asarray(p[1], dtype=np.int64) for p in rows])
    v = np.concatenate([np.asarray(p[2], dtype=np.float64) for p in rows])
    matrix = sparse.csc_matrix((v, (r, c)), shape=(n_rows, n_cols))
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    h = _silent_highs()
    h.setOptionValue("solver", "simplex")  # vertices: integral on network matrices
    h.setOptionValue("time_limit", max(float(time_limit_s), 1e-3))
    h.setOptionValue("random_seed", 0)
    h.passModel(lp)
    h.run()
    outcome = _outcome(h)
    if outcome in (LpOutcome.OPTIMAL, LpOutcome.TIME_LIMIT):
        return outcome, np.asarray(h.getSolution().col_value, dtype=np.float64)
    return outcome, np.zeros(n_cols)


def solve_levels(problem: TransportProblem, *, time_limit_s: float) -> tuple[LpOutcome, FloatArray]:
    """Stage 1: the smallest weighted shortfall level ``u`` of every block.

    Minimises ``sum_b u_b`` subject to: each source ships at most its capacity,
    each class receives at most its upper bound and at least the sum of its floor
    items ``max(0, Q (1 - u_b / w) - base)``, ``0 <= u_b <= max w`` of the block.

    Parameters
    ----------
    problem
        The blocks.
    time_limit_s
        HiGHS time limit, seconds.

    Returns
    -------
    tuple
        The outcome and ``u`` per block (zeros when there is no usable solution).
    """
    n_e, n_b, n_j = problem.n_edges, problem.n_blocks, len(problem.item_class)
    n_s, n_k = problem.n_sources, problem.n_classes
    item_block = problem.class_block[problem.item_class]
    u_upper = np.zeros(n_b)
    np.maximum.at(u_upper, item_block, problem.item_weight)
    cost = np.concatenate([np.zeros(n_e), np.ones(n_b), np.zeros(n_j)])
    lower = np.zeros(n_e + n_b + n_j)
    upper = np.concatenate([np.full(n_e, np.inf), u_upper, np.full(n_j, np.inf)])
    edges = np.arange(n_e)
    items = np.arange(n_j)
    # rows: sources [0, n_s), class lower [n_s, n_s + n_k), class upper, items
    k_lo, k_up, j0 = n_s, n_s + n_k, n_s + 2 * n_k
    rows = [
        (problem.edge_source, edges, np.ones(n_e)),
        (k_lo + problem.edge_class, edges, np.ones(n_e)),
        (k_lo + problem.item_class, n_e + n_b + items, -np.ones(n_j)),
        (k_up + problem.edge_class, edges, np.ones(n_e)),
        (j0 + items, n_e + n_b + items, np.ones(n_j)),
        (j0 + items, n_e + item_block, problem.item_quantity / problem.item_weight),
    ]
    row_lower = np.concatenate(
        [
            np.full(n_s, -np.inf),
            np.zeros(n_k),
            np.full(n_k, -np.inf),
            problem.item_quantity - problem.item_base,
        ]
    )
    row_upper = np.concatenate(
        [
            problem.source_capacity.astype(np.float64),
            np.full(n_k, np.inf),
            problem.class_upper.astype(np.float64),
            np.full(n_j, np.inf),
        ]
    )
    outcome, x = _run(
        cost, lower, upper, rows, row_lower, row_upper, maximise=False, time_limit_s=time_limit_s
    )
    if outcome in (LpOutcome.INFEASIBLE, LpOutcome.ERROR):
        return outcome, u_upper
    return outcome, np.clip(x[n_e : n_e + n_b], 0.0, u_upper)


def _flow_rows(
    problem: TransportProblem,
) -> list[tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]]:
    """Rows of stage 2: ``y_s - sum x = 0`` (sources), ``sum x`` (classes)."""
    n_e, n_s = problem.n_edges, problem.n_sources
    edges = np.arange(n_e)
    return [
        (problem.edge_source, edges, -np.ones(n_e)),
        (np.arange(n_s), n_e + np.arange(n_s), np.ones(n_s)),
        (n_s + problem.edge_class, edges, np.ones(n_e)),
    ]


def _integral(problem: TransportProblem, x: FloatArray) -> IntArray:
    """Round edge flows and repair any bound a numerical slip broke."""
    flows = np.maximum(np.rint(x), 0).astype(np.int64)
    if np.abs(flows - x).max(initial=0.0) > 1e-6:
        logger.warning("allocation LP vertex is not integral; rounding and repairing")
    for bound, key, size in (
        (problem.source_capacity, problem.edge_source, problem.n_sources),
        (problem.class_upper, problem.edge_class, problem.n_classes),
    ):
        used = np.bincount(key, weights=flows, minlength=size).astype(np.int64)
        for node in np.flatnonzero(used > bound):
            excess = int(used[node] - bound[node])
            for e in np.flatnonzero(key == node)[::-1]:
                take = min(excess, int(flows[e]))
                flows[e] -= take
                excess -= take
                if excess == 0:
                    break
    return flows


def solve_flows(
    problem: TransportProblem, class_lower: IntArray, *, time_limit_s: float
) -> tuple[LpOutcome, IntArray]:
    """Stages 2 and 3: the most units at the least cost, in whole units.

    Stage 2 maximises the units shipped with ``class_lower <= received <=
    class_upper`` and sources within capacity; stage 3 keeps each block's stage-2
    total and minimises ``sum edge_cost * flow``.

    Parameters
    ----------
    problem
        The blocks.
    class_lower
        Whole units each class must receive at least.
    time_limit_s
        Time limit for both stages together, seconds.

    Returns
    -------
    tuple
        The outcome (the worse of the two stages) and the integer flow per edge.
        When stage 3 has no usable solution the stage-2 flows are returned.
    """
    deadline = time.perf_counter() + time_limit_s
    n_e, n_s, n_k, n_b = problem.n_edges, problem.n_sources, problem.n_classes, problem.n_blocks
    lower = np.zeros(n_e + n_s)
    upper = np.concatenate([np.full(n_e, np.inf), problem.source_capacity.astype(np.float64)])
    rows = _flow_rows(problem)
    row_lower = np.concatenate([np.zeros(n_s), class_lower.astype(np.float64)])
    row_upper = np.concatenate([np.zeros(n_s), problem.class_upper.astype(np.float64)])
    cost2 = np.concatenate([np.zeros(n_e), np.ones(n_s)])
    outcome2, x2 = _run(
        cost2, lower, upper, rows, row_lower, row_upper, maximise=True, time_limit_s=time_limit_s
    )
    if outcome2 in (LpOutcome.INFEASIBLE, LpOutcome.ERROR):
        return outcome2, np.zeros(n_e, dtype=np.int64)
    flows2 = _integral(problem, x2[:n_e])
    totals = np.bincount(problem.source_block[problem.edge_source], weights=flows2, minlength=n_b)
    # stage 3: block rows -sum_{s in b} y_s <= -T_b keep the matrix a network matrix
    rows3 = [*rows, (n_s + n_k + problem.source_block, n_e + np.arange(n_s), -np.ones(n_s))]
    row_lower3 = np.concatenate([row_lower, np.full(n_b, -np.inf)])
    row_upper3 = np.concatenate([row_upper, -totals])
    cost3 = np.concatenate([problem.edge_cost, np.zeros(n_s)])
    remaining = max(deadline - time.perf_counter(), 1e-3)
    outcome3, x3 = _run(
        cost3, lower, upper, rows3, row_lower3, row_upper3, maximise=False, time_limit_s=remaining
    )
    if outcome3 in (LpOutcome.INFEASIBLE, LpOutcome.ERROR):
        logger.warning("allocation cost stage failed (%s); keeping stage-2 flows", outcome3.value)
        return LpOutcome.TIME_LIMIT, flows2
    flows3 = _integral(problem, x3[:n_e])
    worst = LpOutcome.TIME_LIMIT if LpOutcome.TIME_LIMIT in (outcome2, outcome3) else outcome3
    if flows3.sum() + 1e-9 < flows2.sum() - 0.5 or not math.isfinite(float(flows3.sum())):
        return worst, flows2
    return worst, flows3
