"""PNG plots of benchmark rows (matplotlib, Agg backend; no display needed)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

__all__ = ["plot_gap_per_instance", "plot_gap_vs_time"]

Row = dict[str, str]


def _engines(rows: list[Row]) -> list[str]:
    seen = list(dict.fromkeys(r["engine"] for r in rows))
    order = ["auto", "pyvrp", "ortools"]
    return [e for e in order if e in seen] + [e for e in seen if e not in order]


def plot_gap_per_instance(rows: list[Row], path: Path, time_limit_s: float | None = None) -> Path:
    """Grouped bars: gap % per instance, one bar per engine (infeasible runs marked x)."""
    if time_limit_s is not None:
        rows = [r for r in rows if float(r["time_limit_s"]) == time_limit_s]
    names = list(dict.fromkeys(r["instance"] for r in rows))
    engines = _engines(rows)
    width = 0.8 / max(1, len(engines))
    wide = 2.0 + 0.1 * len(names) * max(1, len(engines))
    fig, ax = plt.subplots(figsize=(min(20.0, max(6.0, wide)), 5.0))
    for k, eng in enumerate(engines):
        by = {r["instance"]: r for r in rows if r["engine"] == eng}
        xs, gaps, bad = [], [], []
        for i, name in enumerate(names):
            r = by.get(name)
            if r is None:
                continue
            x = i + (k - (len(engines) - 1) / 2) * width
            if r["feasible"] == "True":
                xs.append(x)
                gaps.append(float(r["gap_pct"]))
            else:
                bad.append(x)
        ax.bar(xs, gaps, width=width, label=eng)
        if bad:
            ax.plot(bad, [0.0] * len(bad), "kx", label=f"{eng} infeasible")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=90, fontsize=6 if len(names) > 30 else 8)
    ax.set_ylabel("gap to best-known, %")
    limit = f", {time_limit_s:g} s per run" if time_limit_s is not None else ""
    ax.set_title(f"Gap per instance by engine{limit}")
    ax.axhline(0.0, color="grey", linewidth=0.5)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_gap_vs_time(rows: list[Row], path: Path) -> Path:
    """Mean gap % against the time limit, one line per engine (feasible runs of the subset)."""
    limits = sorted({float(r["time_limit_s"]) for r in rows})
    first = {r["instance"] for r in rows if float(r["time_limit_s"]) == limits[0]}
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    for eng in _engines(rows):
        gaps: dict[float, list[float]] = defaultdict(list)
        for r in rows:
            if r["engine"] == eng and r["instance"] in first and r["feasible"] == "True":
                gaps[float(r["time_limit_s"])].append(float(r["gap_pct"]))
        xs = [t for t in limits if gaps[t]]
        ax.plot(xs, [sum(gaps[t]) / len(gaps[t]) for t in xs], "o-", label=eng)
    ax.set_xscale("log")
    ax.set_xticks(limits)
    ax.set_xticklabels([f"{t:g}" for t in limits])
    ax.minorticks_off()
    ax.set_xlabel("time limit per run, s")
    ax.set_ylabel("mean gap to best-known, %")
    ax.set_title(f"Gap vs time budget ({len(first)} instances)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
