"""Markdown summary of benchmark rows: gaps per class and engine, wins/ties/losses.

Rows are the CSV rows of :mod:`benchmarks.route_quality.runner` (strings).
Only feasible runs count in the gap statistics; the number of infeasible runs
is shown next to them.  For a hierarchical set (vehicles first, then distance)
the table also gives the vehicles used against the best-known count, and the
distance gap is given twice: over all runs, and "like with like" over the runs
that use exactly the best-known number of vehicles.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

__all__ = ["compare_engines", "gap_table", "markdown_report"]

Row = dict[str, str]


def _feasible(row: Row) -> bool:
    return row["feasible"] == "True"


def _key(row: Row, hierarchical: bool) -> tuple[float, ...]:
    """Smaller is better; infeasible runs are worst."""
    if not _feasible(row):
        return (float("inf"),)
    distance = round(float(row["distance"]), 4)
    return (int(row["vehicles"]), distance) if hierarchical else (distance,)


def _ordered(values: Iterable[str], preferred: Sequence[str] = ()) -> list[str]:
    seen = list(dict.fromkeys(values))
    return [v for v in preferred if v in seen] + sorted(v for v in seen if v not in preferred)


def _stats(gaps: list[float]) -> str:
    if not gaps:
        return "| – | – | – "
    return f"| {statistics.fmean(gaps):.2f} | {statistics.median(gaps):.2f} | {max(gaps):.2f} "


def gap_table(rows: list[Row], *, hierarchical: bool = False) -> str:
    """Mean / median / max gap % per engine, overall and per class."""
    engines = _ordered((r["engine"] for r in rows), ("auto", "pyvrp", "ortools"))
    classes = ["all", *_ordered(r["class"] for r in rows)]
    head = "| engine | class | runs | infeasible | mean gap % | median gap % | max gap % |"
    sep = "|---|---|---|---|---|---|---|"
    if hierarchical:
        head += " vehicles / BKS | same vehicles | like-with-like mean gap % |"
        sep += "---|---|---|"
    out = [head, sep]
    for eng in engines:
        for cls in classes:
            sel = [r for r in rows if r["engine"] == eng and cls in ("all", r["class"])]
            if not sel:
                continue
            ok = [r for r in sel if _feasible(r)]
            gaps = [float(r["gap_pct"]) for r in ok]
            name = f"**{eng}**" if cls == "all" else eng
            line = f"| {name} | {cls} | {len(sel)} | {len(sel) - len(ok)} " + _stats(gaps)
            if hierarchical:
                veh = sum(int(r["vehicles"]) for r in ok)
                bks = sum(int(r["bks_vehicles"] or 0) for r in ok)
                same = [r for r in ok if r["same_vehicles"] == "True"]
                like = [float(r["gap_pct"]) for r in same]
                mean_like = f"{statistics.fmean(like):.2f}" if like else "–"
                line += f"| {veh} / {bks} | {len(same)} | {mean_like} "
            out.append(line + "|")
    return "\n".join(out)


def compare_engines(rows: list[Row], *, hierarchical: bool = False) -> str:
    """Wins / ties / losses of each pair of engines on the same instances (and time limit)."""
    by: dict[tuple[str, str], dict[str, Row]] = defaultdict(dict)
    for r in rows:
        by[(r["instance"], r["time_limit_s"])][r["engine"]] = r
    engines = _ordered((r["engine"] for r in rows), ("auto", "pyvrp", "ortools"))
    if len(engines) < 2:
        return ""
    out = ["| engine A | engine B | A better | tie | B better |", "|---|---|---|---|---|"]
    for a, b in combinations(engines, 2):
        tally: Counter[str] = Counter()
        for runs in by.values():
            if a in runs and b in runs:
                ka, kb = _key(runs[a], hierarchical), _key(runs[b], hierarchical)
                tally["a" if ka < kb else "b" if kb < ka else "tie"] += 1
        out.append(f"| {a} | {b} | {tally['a']} | {tally['tie']} | {tally['b']} |")
    return "\n".join(out)


def _budget_table(rows: list[Row]) -> str:
    limits = sorted({float(r["time_limit_s"]) for r in rows})
    engines = _ordered((r["engine"] for r in rows), ("auto", "pyvrp", "ortools"))
    names = sorted({r["instance"] for r in rows if float(r["time_limit_s"]) == limits[0]})
    out = [
        "| engine | " + " | ".join(f"{t:g} s" for t in limits) + " |",
        "|---|" + "---|" * len(limits),
    ]
    for eng in engines:
        cells = []
        for t in limits:
            gaps = [
                float(r["gap_pct"])
                for r in rows
                if r["engine"] == eng
                and float(r["time_limit_s"]) == t
                and r["instance"] in names
                and _feasible(r)
            ]
            cells.append(f"{statistics.fmean(gaps):.2f}" if gaps else "–")
        out.append(f"| {eng} | " + " | ".join(cells) + " |")
    return f"Mean gap % on {', '.join(names)} by time limit:\n\n" + "\n".join(out)


def markdown_report(
    rows: list[Row],
    *,
    title: str,
    objective: str = "distance",
    main_time_limit: float | None = None,
    notes: Sequence[str] = (),
) -> str:
    """The whole Markdown summary of a run.

    ``main_time_limit`` selects the rows of the gap tables (default the most
    common time limit); other limits go to a gap-vs-time table.
    """
    hierarchical = objective == "hierarchical"
    limits = Counter(float(r["time_limit_s"]) for r in rows)
    main = main_time_limit if main_time_limit is not None else limits.most_common(1)[0][0]
    main_rows = [r for r in rows if float(r["time_limit_s"]) == main]
    parts = [f"# {title}", ""]
    parts += [f"- {n}" for n in notes]
    parts += [
        f"- gap = 100 x (distance - BKS) / BKS on the re-costed distance; {main:g} s per run",
        "- every solution re-checked by `logistics.routing.verify` and re-costed from the "
        "instance file (each customer once, capacity, windows); infeasible runs are excluded "
        "from the gaps",
    ]
    if hierarchical:
        parts.append(
            "- hierarchical BKS (vehicles first): the like-with-like gap only counts runs with "
            "the best-known number of vehicles"
        )
    parts += ["", gap_table(main_rows, hierarchical=hierarchical), ""]
    comparison = compare_engines(main_rows, hierarchical=hierarchical)
    if comparison:
        parts += ["Engines head to head (same instance, same time limit):", "", comparison, ""]
    if len(limits) > 1:
        parts += [_budget_table(rows), ""]
    return "\n".join(parts)
