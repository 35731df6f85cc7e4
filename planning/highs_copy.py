"""A PuLP model copied into its own HiGHS instance, for solves that change bounds between runs."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pulp

__all__ = ["HighsCopy", "highs_copy"]


@dataclass
class HighsCopy:
    """The HiGHS instance, the column of each PuLP variable (by name), and the copied data."""

    highs: highspy.Highs
    column: dict[str, int]
    cost: np.ndarray
    offset: float
    row_of_entry: np.ndarray
    column_of_entry: np.ndarray
    value_of_entry: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray

    def objective_of(self, values: np.ndarray, tolerance: float = 1e-6) -> float | None:
        """Objective of column ``values``, recomputed from the copied data; ``None`` if they
        break a row by more than ``tolerance`` (relative to the row's bound, at least 1)."""
        activity = np.bincount(
            self.row_of_entry,
            weights=self.value_of_entry * values[self.column_of_entry],
            minlength=len(self.row_lower),
        )
        slack = tolerance * np.maximum(
            1.0, np.abs(np.where(np.isfinite(self.row_upper), self.row_upper, self.row_lower))
        )
        if np.any(activity < self.row_lower - slack) or np.any(activity > self.row_upper + slack):
            return None
        return float(self.cost @ values + self.offset)


def highs_copy(model: pulp.LpProblem) -> HighsCopy:
    """Copy a minimisation model (columns, integrality, rows, objective) into a silent HiGHS.

    HiGHS writes its banner to standard output when created: callers silence it if needed.
    """
    if model.sense != pulp.LpMinimize:
        raise ValueError("only minimisation models are copied")
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    variables = model.variables()
    column = {v.name: n for n, v in enumerate(variables)}
    inf = highspy.kHighsInf
    lower = np.array([-inf if v.lowBound is None else v.lowBound for v in variables], dtype=float)
    upper = np.array([inf if v.upBound is None else v.upBound for v in variables], dtype=float)
    every = np.arange(len(variables), dtype=np.int32)
    highs.addVars(len(variables), lower, upper)
    cost = np.array([model.objective.get(v, 0.0) for v in variables], dtype=float)
    highs.changeColsCost(len(variables), every, cost)
    integer = np.array(
        [n for n, v in enumerate(variables) if v.cat == pulp.LpInteger], dtype=np.int32
    )
    highs.changeColsIntegrality(
        len(integer), integer, np.full(len(integer), highspy.HighsVarType.kInteger)
    )
    row_lower: list[float] = []
    row_upper: list[float] = []
    starts: list[int] = []
    indices: list[int] = []
    values: list[float] = []
    for constraint in model.constraints():
        rhs = -constraint.constant
        row_lower.append(-inf if constraint.sense == pulp.LpConstraintLE else rhs)
        row_upper.append(inf if constraint.sense == pulp.LpConstraintGE else rhs)
        starts.append(len(indices))
        for var, coefficient in constraint.items():
            indices.append(column[var.name])
            values.append(coefficient)
    highs.addRows(
        len(row_lower),
        np.array(row_lower, dtype=float),
        np.array(row_upper, dtype=float),
        len(indices),
        np.array(starts, dtype=np.int32),
        np.array(indices, dtype=np.int32),
        np.array(values, dtype=float),
    )
    offset = float(model.objective.constant)
    highs.changeObjectiveOffset(offset)
    counts = np.diff(np.append(np.array(starts, dtype=np.int64), len(indices)))
    return HighsCopy(
        highs,
        column,
        cost,
        offset,
        np.repeat(np.arange(len(row_lower)), counts),
        np.array(indices, dtype=np.int64),
        np.array(values, dtype=float),
        np.array(row_lower, dtype=float),
        np.array(row_upper, dtype=float),
    )
