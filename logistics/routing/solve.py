"""One function to solve a routing problem with PyVRP, OR-Tools, or both."""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from logistics.routing import ortools_engine, pyvrp_engine
from logistics.routing.problem import RoutingProblem
from logistics.routing.result import RoutingResult
from territory.errors import SolverError

__all__ = ["ENGINES", "solve"]

_log = logging.getLogger(__name__)

_Engine = Callable[..., RoutingResult]
ENGINES: dict[str, _Engine] = {"pyvrp": pyvrp_engine.solve, "ortools": ortools_engine.solve}


def _rank(result: RoutingResult) -> tuple[bool, int, int]:
    """Verified first, then fewest violations, then cheapest."""
    return (not result.feasible, len(result.violations), result.cost)


#: Niceness added to the processes of the engines other than PyVRP under ``auto``.
_SECONDARY_NICENESS = 5


def _lower_priority() -> None:
    """Process initializer: run at a lower priority (best effort)."""
    with contextlib.suppress(AttributeError, OSError):  # not on POSIX, or refused
        os.nice(_SECONDARY_NICENESS)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["logistics.routing.pyvrp_engine", "logistics.routing.ortools_engine"]
        )
        return ctx
    return multiprocessing.get_context("spawn")


_POOLS: dict[str, ProcessPoolExecutor] = {}


def _engine_pools() -> dict[str, ProcessPoolExecutor]:
    """One single-worker process pool per engine, started once and reused.

    Each engine has a process of its own whose priority is its own: PyVRP, which gives
    the quality, keeps the normal priority; the others yield the CPU to it when the
    machine is busy.  Reusing the workers saves starting (and importing) them at every
    call: a week plan solves dozens of problems.
    """
    if not _POOLS:
        ctx = _context()
        for name in ENGINES:
            _POOLS[name] = ProcessPoolExecutor(
                max_workers=1,
                mp_context=ctx,
                initializer=None if name == "pyvrp" else _lower_priority,
            )
        atexit.register(_close_pools)
    return _POOLS


def _close_pools() -> None:
    """Stop the engine workers (at exit, or after one died: the next call starts new ones)."""
    for pool in _POOLS.values():
        pool.shutdown(wait=False, cancel_futures=True)
    _POOLS.clear()


def solve(
    problem: RoutingProblem,
    *,
    engine: str = "auto",
    time_limit_s: float = 10.0,
    seed: int = 0,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Plan the routes of ``problem``.

    Parameters
    ----------
    problem
        The solver-neutral problem.
    engine
        ``pyvrp``, ``ortools``, or ``auto``: both in parallel in two processes,
        each within ``time_limit_s``; the cheapest verified result wins.  Under
        ``auto`` OR-Tools runs at a lower priority, so that on a busy machine
        PyVRP (the better engine on every benchmark measured) keeps its core.
    time_limit_s
        Search time per engine, seconds.
    seed
        Random seed (PyVRP; OR-Tools has none).
    max_iterations
        Stop each engine after that many iterations (PyVRP) or solutions
        (OR-Tools) instead of after ``time_limit_s``; the run is then reproducible.

    Returns
    -------
    RoutingResult
        Verified when possible.  When no engine's result verifies, the best one
        is returned with ``feasible=False`` and its ``violations``; an
        infeasible input is never an exception (unserved stops are the way out).

    Raises
    ------
    ValueError
        For an unknown ``engine`` or a non-positive ``time_limit_s``.
    SolverError
        When every engine failed outright.
    """
    if time_limit_s <= 0:
        raise ValueError(f"time_limit_s must be positive, got {time_limit_s}")
    kwargs = {"time_limit_s": time_limit_s, "seed": seed, "max_iterations": max_iterations}
    if engine in ENGINES:
        return ENGINES[engine](problem, **kwargs)
    if engine != "auto":
        raise ValueError(f"engine must be auto, {', '.join(ENGINES)}; got {engine!r}")
    started = time.perf_counter()
    results: list[RoutingResult] = []
    errors: list[str] = []
    pools = _engine_pools()
    futures: dict[str, Future[RoutingResult]] = {
        name: pools[name].submit(fn, problem, **kwargs) for name, fn in ENGINES.items()
    }
    for name, fut in futures.items():
        try:
            results.append(fut.result())
        except SolverError as exc:
            _log.warning("engine %s failed: %s", name, exc)
            errors.append(f"{name} failed: {exc}")
        except BrokenProcessPool as exc:  # a worker died (killed, out of memory): start afresh
            _log.warning("engine %s worker died: %s", name, exc)
            errors.append(f"{name} worker died: {exc}")
            _close_pools()
    if not results:
        raise SolverError("; ".join(errors))
    results.sort(key=_rank)
    best = results[0]
    notes = [
        f"{r.engine}: cost {r.cost}, {'feasible' if r.feasible else 'infeasible'}, "
        f"{r.runtime_s:.2f} s, {r.iterations} iterations"
        for r in results
    ] + errors
    return RoutingResult(
        routes=best.routes,
        unserved=best.unserved,
        cost=best.cost,
        engine=best.engine,
        feasible=best.feasible,
        runtime_s=time.perf_counter() - started,
        iterations=best.iterations,
        violations=best.violations,
        seed=seed,
        notes=(*best.notes, *notes),
    )
