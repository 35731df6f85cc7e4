"""Planning jobs: a week's plan solved in a worker process within a time budget.

Life of a job::

    queued --(a dispatcher thread starts a process)--> running --> succeeded | failed
       \\--------------------- DELETE ------------------------> cancelled

* the worker process (:func:`_worker_main`, ``spawn`` start method) reads the territory
  and the week's active orders from the database, runs the pipeline of ``foodhub plan``
  (:func:`logistics.pipeline.run_week`: plan, independent check, GeoJSON, summary,
  stand-alone comparison), and stores the published plan (tables, GeoJSON, summary,
  violations) with the job's result in one transaction;
* progress (0..1 and a message) is written by the worker after each step;
* a job over its time budget is killed and marked failed; a cancelled job's
  process is terminated;
* at start-up :func:`fail_interrupted_jobs` marks every job left queued or running by
  a previous server as failed, with the reason, so none stays running forever.

An infeasible week is not a failure: the plan lists unserved orders with reasons.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import queue
import signal
import threading
import traceback
import uuid
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from api.db.engine import Database, open_database
from api.db.models import PlanningJobRow, PlanRow
from logistics.pipeline import DEFAULT_TIME_LIMIT_S, pipeline_steps, run_week
from logistics.plan.week import PlanOptions
from logistics.savings.standalone import STANDALONE_TIME_SHARE
from logistics.tables import tables_to_json
from territory.clock import SYSTEM_CLOCK, Clock

__all__ = [
    "JobManager",
    "fail_interrupted_jobs",
    "job_budget_s",
]

logger = logging.getLogger(__name__)

INTERRUPTED = "interrupted: the server stopped while the job was queued or running"


def job_budget_s(options: dict[str, Any]) -> float:
    """Wall-clock budget of a job, seconds.

    Seven solver days, twice over, plus loading time; with the stand-alone comparison,
    seven days for each of up to ten organisations at its shorter time limit.
    """
    time_limit = float(options.get("time_limit_s", DEFAULT_TIME_LIMIT_S))
    standalone = 7 * 10 * max(1.0, time_limit * STANDALONE_TIME_SHARE)
    return 2 * 7 * time_limit + 180.0 + (standalone if options.get("standalone", True) else 0.0)


def fail_interrupted_jobs(database: Database, now: dt.datetime) -> int:
    """Mark jobs left queued or running by a previous server failed at ``now``; return how many."""
    with database.write() as session:
        result = session.execute(
            update(PlanningJobRow)
            .where(PlanningJobRow.status.in_(("queued", "running")))
            .values(status="failed", error=INTERRUPTED, finished_at=now)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- worker
def _set(database: Database, job_id: str, **values: Any) -> bool:
    """Update a job still running; return False when it was cancelled meanwhile."""
    with database.write() as session:
        result = session.execute(
            update(PlanningJobRow)
            .where(PlanningJobRow.id == job_id, PlanningJobRow.status == "running")
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def _plan_options(options: dict[str, Any]) -> PlanOptions:
    """The job's options (``JobCreate`` without the week) as ``PlanOptions``."""
    return PlanOptions(
        engine=options.get("engine", "auto"),
        time_limit_s=float(options.get("time_limit_s", DEFAULT_TIME_LIMIT_S)),
        seed=int(options.get("seed", 0)),
        max_iterations=options.get("max_iterations"),
        long_days=bool(options.get("long_days", False)),
    )


def _run(database: Database, job_id: str, data_dir: Path, clock: Clock) -> None:
    from api.db.territory_io import territory_from_db
    from territory.model import IsoWeek

    with database.read() as session:
        job = session.get(PlanningJobRow, job_id)
        if job is None:
            return
        week_text, options = job.week, dict(job.options)
        territory = territory_from_db(session, data_dir / "territory", week=week_text)
    week = IsoWeek.parse(week_text)
    standalone = bool(options.get("standalone", True))
    steps = pipeline_steps(territory, week, standalone=standalone)
    done = 0

    def progress(message: str) -> None:
        nonlocal done
        done += 1
        _set(database, job_id, progress=min(0.95, done / steps), message=message)

    result = run_week(
        territory,
        options=_plan_options(options),
        week=week,
        standalone=standalone,
        progress=progress,
        cache_dir=data_dir / "cache",
    )
    summary = result.summary
    with database.write() as session:
        job = session.get(PlanningJobRow, job_id)
        if job is None or job.status != "running":
            return
        session.execute(update(PlanRow).where(PlanRow.week == week_text).values(published=False))
        row = PlanRow(
            week=week_text,
            job_id=job_id,
            published=True,
            tables=tables_to_json(result.tables),
            summary=summary,
            violations=[
                {
                    "kind": v.kind,
                    "message": v.message,
                    "day": v.day.isoformat() if v.day else None,
                    "vehicle_id": v.vehicle_id,
                    "site_id": v.site_id,
                    "row": v.row,
                }
                for v in result.violations
            ],
            geojson=result.geojson,
        )
        session.add(row)
        session.flush()
        job.status = "succeeded"
        job.progress = 1.0
        job.plan_id = row.id
        job.finished_at = clock.now()
        served, total = summary["orders_served"], summary["orders_total"]
        job.message = f"planned: {served} of {total} units delivered"


def _worker_main(url: str, job_id: str, data_dir: str, clock: Clock) -> None:
    """Entry point of the worker process (leader of its own process group)."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()  # the engines' own processes join this group: one kill ends them all
    logging.basicConfig(level=logging.WARNING)
    database = open_database(url)
    try:
        _run(database, job_id, Path(data_dir), clock)
    except Exception as error:  # any failure becomes the job's reason
        from territory.errors import InputError

        reason = str(error) if isinstance(error, InputError | LookupError) else repr(error)
        logger.error("job %s failed: %s\n%s", job_id, reason, traceback.format_exc())
        _set(database, job_id, status="failed", error=reason, finished_at=clock.now())
    finally:
        database.dispose()


def _kill(process: BaseProcess) -> None:
    """Terminate a worker and the engine processes it started (its process group)."""
    if process.pid is None:
        return
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGTERM)
            return
        except (ProcessLookupError, PermissionError):
            pass
    process.terminate()


# --------------------------------------------------------------- manager
class JobManager:
    """Queues jobs and runs each in its own process, ``workers`` at a time."""

    def __init__(
        self, database: Database, data_dir: Path, *, workers: int = 1, clock: Clock = SYSTEM_CLOCK
    ) -> None:
        self.database = database
        self.clock = clock
        self.data_dir = data_dir
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._processes: dict[str, BaseProcess] = {}
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(target=self._dispatch, name=f"foodhub-jobs-{i}", daemon=True)
            for i in range(workers)
        ]

    def start(self) -> None:
        """Start the dispatcher threads."""
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Terminate running workers (their jobs end as failed: interrupted) and stop."""
        self._stopping.set()
        for _ in self._threads:
            self._queue.put(None)
        with self._lock:
            processes = list(self._processes.values())
        for process in processes:
            _kill(process)
        for thread in self._threads:
            thread.join(timeout=10)

    def submit(self, week: str, options: dict[str, Any], user_id: int | None) -> str:
        """Record a queued job and enqueue it; return its id."""
        job_id = str(uuid.uuid4())
        with self.database.write() as session:
            session.add(
                PlanningJobRow(
                    id=job_id,
                    week=week,
                    status="queued",
                    progress=0.0,
                    message="queued",
                    options=options,
                    created_by=user_id,
                    created_at=self.clock.now(),
                )
            )
        self._queue.put(job_id)
        return job_id

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; return False when it had already ended."""
        with self.database.write() as session:
            result = session.execute(
                update(PlanningJobRow)
                .where(
                    PlanningJobRow.id == job_id,
                    PlanningJobRow.status.in_(("queued", "running")),
                )
                .values(status="cancelled", message="cancelled", finished_at=self.clock.now())
            )
            changed = bool(result.rowcount)  # type: ignore[attr-defined]
        with self._lock:
            process = self._processes.get(job_id)
        if process is not None:
            _kill(process)
        return changed

    def _dispatch(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run_one(job_id)
            except Exception:
                logger.exception("job %s: dispatcher error", job_id)

    def _run_one(self, job_id: str) -> None:
        with self.database.write() as session:
            job = session.scalar(select(PlanningJobRow).where(PlanningJobRow.id == job_id))
            if job is None or job.status != "queued":
                return
            if self._stopping.is_set():  # never start a job while the server stops
                job.status, job.error, job.finished_at = "failed", INTERRUPTED, self.clock.now()
                return
            job.status = "running"
            job.started_at = self.clock.now()
            job.message = "starting"
            budget = job_budget_s(job.options)
        process = self._context.Process(
            target=_worker_main,
            args=(self.database.url, job_id, str(self.data_dir), self.clock),
            name=f"foodhub-job-{job_id[:8]}",
            daemon=False,  # engine "auto" runs PyVRP and OR-Tools in child processes
        )
        with self._lock:
            self._processes[job_id] = process
        try:
            process.start()
            process.join(timeout=budget)
            if self._stopping.is_set():
                process.join(timeout=10)
                _set(
                    self.database,
                    job_id,
                    status="failed",
                    error=INTERRUPTED,
                    finished_at=self.clock.now(),
                )
            elif process.is_alive():
                _kill(process)
                process.join(timeout=10)
                _set(
                    self.database,
                    job_id,
                    status="failed",
                    error=f"exceeded its time budget of {budget:.0f} s",
                    finished_at=self.clock.now(),
                )
            elif process.exitcode != 0:
                _set(
                    self.database,
                    job_id,
                    status="failed",
                    error=f"the worker process ended with code {process.exitcode}",
                    finished_at=self.clock.now(),
                )
            _set(  # only when the worker left the job running
                self.database,
                job_id,
                status="failed",
                error="the worker process ended without a result",
                finished_at=self.clock.now(),
            )
        finally:
            with self._lock:
                self._processes.pop(job_id, None)
