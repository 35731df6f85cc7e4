"""Running a crop-plan PuLP model with HiGHS (CBC when HiGHS is missing) and reading the outcome."""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pulp

from planning.mip_model import CropModel
from planning.problem import CropPlanOptions
from planning.result import PlanStatus

__all__ = ["Outcome", "highs_available", "quiet_stdout", "run_model"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """One solve: status, objective, bound and gap as the solver reports them."""

    status: PlanStatus
    objective: float | None
    bound: float | None
    gap: float | None


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Silence the solver banner written straight to file descriptor 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def highs_available() -> bool:
    """Whether PuLP can use HiGHS."""
    return bool(pulp.HiGHS().available())


def _status(model: pulp.LpProblem) -> Outcome:
    """Normalise the solver outcome: status, objective, bound, gap."""
    highs = getattr(model, "solverModel", None)
    if highs is not None and hasattr(highs, "getInfo"):
        import highspy  # only when the HiGHS backend ran

        info = highs.getInfo()
        status = highs.getModelStatus()
        feasible = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        objective = float(info.objective_function_value) if feasible else None
        bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else None
        gap = float(info.mip_gap) if feasible and math.isfinite(info.mip_gap) else None
        if status == highspy.HighsModelStatus.kOptimal:
            return Outcome(PlanStatus.OPTIMAL, objective, bound, gap)
        if status == highspy.HighsModelStatus.kInfeasible:
            return Outcome(PlanStatus.INFEASIBLE, None, None, None)
        if feasible:
            return Outcome(PlanStatus.FEASIBLE, objective, bound, gap)
        if status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt):
            return Outcome(PlanStatus.NO_SOLUTION, None, bound, None)
        return Outcome(PlanStatus.ERROR, None, None, None)
    code = model.status
    objective = pulp.value(model.objective)
    if code == pulp.LpStatusOptimal:
        return Outcome(PlanStatus.OPTIMAL, objective, None, None)
    if code == pulp.LpStatusInfeasible:
        return Outcome(PlanStatus.INFEASIBLE, None, None, None)
    if model.sol_status == pulp.LpSolutionIntegerFeasible:
        return Outcome(PlanStatus.FEASIBLE, objective, None, None)
    return Outcome(PlanStatus.ERROR, None, None, None)


def _solver(opts: CropPlanOptions, time_limit_s: float, gap_rel: float) -> pulp.LpSolver:
    if highs_available():
        return pulp.HiGHS(
            msg=False,
            timeLimit=time_limit_s,
            gapRel=gap_rel,
            mip_heuristic_effort=opts.heuristic_effort,
        )
    logger.warning("HiGHS is not available, using CBC")
    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=gap_rel)


def run_model(
    built: CropModel,
    opts: CropPlanOptions,
    seconds: float,
    *,
    gap_rel: float | None = None,
) -> Outcome:
    """Solve by branch-and-bound until the gap (default: the options' gap) or ``seconds``."""
    gap = opts.gap_rel if gap_rel is None else gap_rel
    with quiet_stdout():
        built.model.solve(_solver(opts, max(1.0, seconds), gap))
    return _status(built.model)
