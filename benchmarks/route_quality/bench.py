"""One benchmark run end to end: select, solve, check, then CSV + Markdown + PNG.

Shared by ``python -m benchmarks.route_quality`` and ``foodhub bench``.
"""

from __future__ import annotations

import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.route_quality.runner import run_set, select_instances
from benchmarks.route_quality.sets import SETS

__all__ = [
    "ENGINES",
    "BenchOutcome",
    "machine_description",
    "run_benchmark",
    "run_montpellier",
]

_log = logging.getLogger(__name__)

ENGINES = ("auto", "pyvrp", "ortools")
QUICK_TIME_LIMIT_S = 1.0


@dataclass
class BenchOutcome:
    """What a run wrote and whether every solution was valid."""

    csv_path: Path
    markdown_path: Path
    plots: list[Path] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def infeasible(self) -> int:
        """Number of runs without a verified plan (first-plan ladder runs excepted)."""
        return sum(r["feasible"] != "True" and r.get("phase") != "first" for r in self.rows)


def run_benchmark(
    set_name: str,
    *,
    time_limit_s: float = 10.0,
    engines: list[str] | None = None,
    instances: list[str] | None = None,
    seed: int = 0,
    out: Path = Path("bench-out"),
    quick: bool = False,
    max_n: int | None = None,
    budgets: list[float] | None = None,
    budget_instances: int = 3,
    on_start: Callable[[int], None] | None = None,
    on_row: Callable[[dict[str, str]], None] | None = None,
) -> BenchOutcome:
    """Run ``set_name`` and write ``<set>-<stamp>.csv``, ``.md`` and ``.png`` files in ``out``.

    Parameters
    ----------
    time_limit_s
        Seconds per engine run (``quick``: 1 s).
    engines
        Among ``auto`` (the product engine: PyVRP and OR-Tools in parallel),
        ``pyvrp``, ``ortools``.
    instances
        Names; default all of the set (``quick``: two small ones).
    max_n
        Keep instances with at most this many customers.
    budgets
        Extra time limits run on the first ``budget_instances`` instances, for
        the gap-vs-time plot.
    on_start, on_row
        Called with the total number of runs, then after each run.

    Raises
    ------
    KeyError
        For an unknown set, engine or instance.
    """
    if set_name not in SETS:
        raise KeyError(f"unknown set {set_name!r}; choose among {', '.join(SETS)}")
    bset = SETS[set_name]
    engines = engines or ["auto"]
    bad = [e for e in engines if e not in ENGINES]
    if bad:
        raise KeyError(f"unknown engines {bad}; choose among {', '.join(ENGINES)}")
    if quick:
        time_limit_s = QUICK_TIME_LIMIT_S
    names = select_instances(bset, instances or (), max_n=max_n, quick=quick)
    sweep = sorted({b for b in budgets or () if b != time_limit_s})
    sweep_names = names[:budget_instances]
    total = len(names) * len(engines) + len(sweep) * len(sweep_names) * len(engines)
    if on_start is not None:
        on_start(total)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = out / f"{set_name}-{stamp}"
    started = time.perf_counter()
    rows = run_set(
        bset,
        names,
        engines,
        time_limits=[time_limit_s],
        seed=seed,
        csv_path=base.with_suffix(".csv"),
        on_row=on_row,
    )
    if sweep:
        rows += run_set(
            bset,
            sweep_names,
            engines,
            time_limits=sweep,
            seed=seed,
            csv_path=out / f"{set_name}-{stamp}-budgets.csv",
            on_row=on_row,
        )
        # the main CSV holds every row, sweep included
        _rewrite(base.with_suffix(".csv"), rows)
    wall = time.perf_counter() - started
    from benchmarks.route_quality.plots import plot_gap_per_instance, plot_gap_vs_time
    from benchmarks.route_quality.report import markdown_report

    command = (
        f"set {set_name}, engines {','.join(engines)}, {time_limit_s:g} s per run, seed {seed}, "
        f"{len(names)} instances" + (f", budgets {sweep} on {sweep_names}" if sweep else "")
    )
    md = markdown_report(
        rows,
        title=bset.description,
        objective=bset.objective,
        main_time_limit=time_limit_s,
        notes=[command, f"machine {machine_description()}", f"wall time {wall:.0f} s"],
    )
    md_path = base.with_suffix(".md")
    md_path.write_text(md)
    plots = [plot_gap_per_instance(rows, base.with_name(base.name + "-gap.png"), time_limit_s)]
    if sweep:
        plots.append(plot_gap_vs_time(rows, base.with_name(base.name + "-gap-vs-time.png")))
    return BenchOutcome(base.with_suffix(".csv"), md_path, plots, rows)


def _rewrite(path: Path, rows: list[dict[str, str]]) -> None:
    import csv

    from benchmarks.route_quality.runner import CSV_FIELDS

    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def run_montpellier(
    sizes: list[int],
    *,
    time_limit_s: float = 10.0,
    engines: list[str] | None = None,
    seed: int = 0,
    out: Path = Path("bench-out"),
    quick: bool = False,
    on_start: Callable[[int], None] | None = None,
    on_row: Callable[[dict[str, str]], None] | None = None,
) -> BenchOutcome:
    """Generated Montpellier food-hub days of ``sizes`` stops: CSV + Markdown in ``out``.

    ``quick``: one day of 20 stops, 1 s per engine.
    """
    import csv

    from benchmarks.route_quality.generator import SCALE_FIELDS, run_scale, scale_report

    engines = engines or ["auto"]
    bad = [e for e in engines if e not in ENGINES]
    if bad:
        raise KeyError(f"unknown engines {bad}; choose among {', '.join(ENGINES)}")
    if quick:
        sizes, time_limit_s = [20], QUICK_TIME_LIMIT_S
    if on_start is not None:
        on_start(2 * len(sizes) * len(engines))
    out.mkdir(parents=True, exist_ok=True)
    base = out / f"montpellier-{time.strftime('%Y%m%d-%H%M%S')}"
    started = time.perf_counter()
    rows = run_scale(sizes, engines, time_limit_s=time_limit_s, seed=seed, on_row=on_row)
    csv_path = base.with_suffix(".csv")
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=SCALE_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    notes = [
        f"sizes {sizes}, engines {','.join(engines)}, {time_limit_s:g} s per run, seed {seed}",
        f"machine {machine_description()}",
        f"wall time {time.perf_counter() - started:.0f} s",
    ]
    md_path = base.with_suffix(".md")
    md_path.write_text(scale_report(rows, notes))
    return BenchOutcome(csv_path, md_path, [], rows)


def machine_description() -> str:
    """CPU model, number of CPUs and Python version of this machine."""
    import os

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
