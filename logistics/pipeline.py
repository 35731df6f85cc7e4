"""Plan the week: the one pipeline behind ``foodhub plan`` and the server's planning job.

:func:`run_week` computes, in memory::

    travel times -> plan_week (allocation, delivery days, rounds) -> check_plan
      -> routes GeoJSON (road-following) -> stand-alone comparison (when asked) -> summary

and returns a :class:`PipelineResult`.  :func:`write_outputs` writes that result as a plan
folder (the four plan tables, ``summary.json``, ``routes.geojson``, ``map.html``, one
driver sheet per round drawn along the roads) and re-checks the folder from the raw
territory files, as ``foodhub check`` would.  The command line calls both; the server
calls :func:`run_week` and stores the result in its database.  Both faces take their
default solver time from :data:`DEFAULT_TIME_LIMIT_S`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from geo.travel import TravelTimes
from logistics.check import CheckReport, Violation, check_plan, check_plan_folder
from logistics.outputs import routes_geojson, write_driver_sheets, write_map
from logistics.plan.travel import territory_travel_times
from logistics.plan.week import PlanOptions, WeekPlan, plan_week, week_days
from logistics.savings.standalone import pooling_comparison
from logistics.tables.files import PlanTables, write_plan_tables
from logistics.tables.summary import plan_summary
from territory.model import IsoWeek, Territory

__all__ = [
    "DEFAULT_TIME_LIMIT_S",
    "PipelineResult",
    "PlanFolder",
    "pipeline_steps",
    "run_week",
    "write_outputs",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
"""``progress(message)``: called after each step with what was just done."""

DEFAULT_TIME_LIMIT_S: Final[float] = 5.0
"""Solver seconds per day when none is asked, on the command line and on the server
(the default of :attr:`PlanOptions.time_limit_s`)."""

#: progress messages of :func:`write_outputs`: outputs written, folder re-checked.
_WRITE_STEPS: Final[int] = 2


def _ignore(_message: str) -> None:
    return None


@dataclass(frozen=True)
class PipelineResult:
    """What :func:`run_week` computed for a week.

    Parameters
    ----------
    plan
        The week plan (tables, allocation, how each day was solved).
    options
        The options it was planned with.
    travel
        Travel times per profile (``drive``, ``bike``) the plan and the check used.
    geojson
        The rounds as a road-following GeoJSON FeatureCollection
        (:func:`logistics.outputs.routes_geojson`).
    summary
        The plan's summary (:func:`logistics.tables.plan_summary`) with
        ``checker_violations`` (the independent check's count) and ``wall_s``
        (seconds spent computing, s).
    violations
        What the independent checker (:func:`logistics.check.check_plan`) found;
        empty for a valid plan.
    comparison
        The stand-alone vs pooled comparison, or ``None`` when it was not asked for.
    wall_s
        Seconds :func:`run_week` took (monotonic clock), s.
    """

    plan: WeekPlan
    options: PlanOptions
    travel: Mapping[str, TravelTimes]
    geojson: dict[str, Any]
    summary: dict[str, Any]
    violations: tuple[Violation, ...]
    comparison: dict[str, object] | None
    wall_s: float

    @property
    def tables(self) -> PlanTables:
        """The plan tables (routes, deliveries, pickups, unserved)."""
        return self.plan.tables

    @property
    def week(self) -> IsoWeek:
        """The planned ISO week."""
        return self.plan.week


@dataclass(frozen=True)
class PlanFolder:
    """What :func:`write_outputs` wrote and what the re-check of the folder found.

    Parameters
    ----------
    folder
        The plan folder.
    files
        Every file written, in order: the four tables, ``summary.json``,
        ``routes.geojson``, ``map.html``, then the driver sheets (``sheets/*.pdf``).
    report
        The independent check of the written folder against the raw territory files.
    summary
        The summary as written to ``summary.json`` (``checker_violations`` from the
        folder's re-check, ``wall_s`` including the writing, s).
    """

    folder: Path
    files: tuple[Path, ...]
    report: CheckReport
    summary: dict[str, Any]

    @property
    def sheets(self) -> tuple[Path, ...]:
        """The driver sheets among :attr:`files`."""
        return tuple(p for p in self.files if p.parent == self.folder / "sheets")


def pipeline_steps(
    territory: Territory, week: IsoWeek | None, *, standalone: bool, write: bool = False
) -> int:
    """How many progress messages the pipeline sends at most.

    Parameters
    ----------
    territory
        The territory.
    week
        The planned week (default the territory's).
    standalone
        Whether the stand-alone comparison runs (one message per organisation).
    write
        Count :func:`write_outputs`' messages too.

    Returns
    -------
    int
        An upper bound: road networks, allocation, one per day of the week, the check,
        the comparison's organisations, and with ``write`` the folder's two.
    """
    week = week or territory.week
    days = len(week_days(week)) if week is not None else 7
    organisations = len(territory.organisations) if standalone else 0
    return 3 + days + organisations + (_WRITE_STEPS if write else 0)


def run_week(
    territory: Territory,
    *,
    options: PlanOptions | None = None,
    week: IsoWeek | None = None,
    standalone: bool = True,
    progress: Progress | None = None,
    travel: Mapping[str, TravelTimes] | None = None,
    cache_dir: str | Path | None = None,
) -> PipelineResult:
    """Plan the week, check the plan independently, build its GeoJSON and summary.

    Parameters
    ----------
    territory
        The territory (read from a folder or from the server's database).
    options
        Engine, solver time per day, seed, iteration limit; default
        ``PlanOptions(time_limit_s=DEFAULT_TIME_LIMIT_S)``.
    week
        The ISO week; default the one in ``hub.toml``.
    standalone
        Also plan each organisation alone, to report what pooling saves (one more
        week plan per organisation, at a shorter time limit).
    progress
        Called with a short message after each step (at most :func:`pipeline_steps`).
    travel
        Travel times per profile; default built from the road networks of ``hub.toml``
        (:func:`logistics.plan.territory_travel_times`).
    cache_dir
        Network and matrix cache folder when ``travel`` is built here (default
        ``$FOODHUB_CACHE_DIR`` or ``~/.cache/foodhub``).

    Returns
    -------
    PipelineResult
        Unserved order quantities carry a reason; a plan the checker rejects is
        returned with its violations, not raised.

    Raises
    ------
    InputError
        When no week is given and ``hub.toml`` names none, or a road network cannot
        be read.
    """
    started = time.monotonic()
    options = options or PlanOptions(time_limit_s=DEFAULT_TIME_LIMIT_S)
    report = progress or _ignore
    planned_week = week or territory.week
    if planned_week is not None and not territory.orders_for(planned_week):
        logger.warning("no orders for week %s: the plan will be empty", planned_week)
    if travel is None:
        travel = territory_travel_times(territory, cache_dir=cache_dir)
    report("road networks loaded")
    plan = plan_week(territory, travel, week=week, options=options, progress=report)
    violations = tuple(check_plan(territory, plan.tables, travel, week=plan.week))
    geojson = routes_geojson(territory, plan.tables, travel)
    report(f"plan checked: {len(violations)} violations")
    comparison = (
        pooling_comparison(territory, travel, plan, options=options, progress=report)
        if standalone
        else None
    )
    wall_s = time.monotonic() - started
    summary = plan_summary(territory, plan, options, comparison=comparison) | {
        "checker_violations": len(violations),
        "wall_s": round(wall_s, 1),
    }
    return PipelineResult(
        plan=plan,
        options=options,
        travel=travel,
        geojson=geojson,
        summary=summary,
        violations=violations,
        comparison=comparison,
        wall_s=wall_s,
    )


def write_outputs(
    result: PipelineResult,
    territory: Territory,
    out: Path,
    *,
    lang: str = "fr",
    progress: Progress | None = None,
) -> PlanFolder:
    """Write the plan folder of a :func:`run_week` result, then re-check the folder.

    Parameters
    ----------
    result
        What :func:`run_week` computed for ``territory``.
    territory
        The territory, read from its folder (the re-check reads that folder again).
    out
        The plan folder (created if missing).
    lang
        Language of the map and the driver sheets, ``"fr"`` or ``"en"``.
    progress
        Called with a short message after writing and after the re-check.

    Returns
    -------
    PlanFolder
        The files written (tables CSV, ``summary.json``, ``routes.geojson``,
        ``map.html``, driver sheets following the roads) and the folder's check.

    Raises
    ------
    ValueError
        When ``lang`` is not supported.
    InputError
        When the territory folder or the written tables cannot be read back.
    """
    started = time.monotonic()
    report = progress or _ignore
    out.mkdir(parents=True, exist_ok=True)
    written = write_plan_tables(result.tables, out)
    summary_path = out / "summary.json"
    written.append(summary_path)
    geojson_path = out / "routes.geojson"
    geojson_path.write_text(
        json.dumps(result.geojson, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    written.append(geojson_path)
    map_path = out / "map.html"
    written.append(write_map(map_path, territory, result.tables, result.geojson, lang=lang))
    written += write_driver_sheets(
        out / "sheets", territory, result.tables, lang=lang, geojson=result.geojson
    )
    report("outputs written")
    check = check_plan_folder(territory.folder, out, week=result.week)
    summary = result.summary | {
        "checker_violations": len(check.violations),
        "wall_s": round(result.wall_s + time.monotonic() - started, 1),
    }
    summary_path.write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    report("plan checked")
    return PlanFolder(folder=out, files=tuple(written), report=check, summary=summary)
