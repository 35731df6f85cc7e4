"""A PuLP model copied into its own HiGHS instance, for solves that change bounds between runs."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pulp

__all__ = ["HighsCopy", "highs_copy"]


@dataclass
class HighsCopy:
    """The HiGHS instance and the column of each PuLP variable, by name."""

    highs: highspy.Highs
    column: dict[str, int]


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
    highs.changeObjectiveOffset(float(model.objective.constant))
    return HighsCopy(highs, column)
