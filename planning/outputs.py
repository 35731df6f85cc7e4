"""Files of a crop plan: CSV tables, a coverage chart, printable producer sheets (French), summary.

``write_crop_plan(plan, problem, out)`` writes:

* ``plantings.csv`` – what each producer sows/plants when, how many beds, expected harvest, income;
* ``producer_harvest.csv`` – expected harvest per producer, product and week, kg;
* ``coverage.csv`` – per product and week: demand (central, high), harvest, supplied, stock,
  waste, shortage, kg;
* ``demand.csv`` – weekly demand per product with its source (history, survey, inca3);
* ``producers.csv`` – income per producer vs its minimum and fair share, land use;
* ``limits.csv`` – what limits coverage, per product and reason;
* ``coverage.png`` – demand vs planned supply per week, one panel per product;
* ``sheets/<producer>.html`` – the producer's plan in French, printable (A4);
* ``summary.json`` – status, objective, LP bound, gap, coverage, waste, messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import logging
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from babel.dates import format_date

from planning.problem import CropPlanProblem
from planning.result import CropPlan, Planting
from planning.season import WEEKS, weeks_in_year

__all__ = ["plan_summary", "write_crop_plan"]

logger = logging.getLogger(__name__)


def _date_fr(day: dt.date) -> str:
    """A date written out in French (Babel): ``lundi 7 décembre 2026``."""
    return format_date(day, "full", locale="fr_FR")


_REASONS_FR = {
    "missing_crop": "culture manquante",
    "season": "hors saison",
    "land": "surface (ou rotation, main-d'œuvre)",
}


def _monday(year: int, week: int) -> dt.date:
    return dt.date.fromisocalendar(year, min(week, weeks_in_year(year)), 1)


def _eur(value: float) -> str:
    """``4 813 €``: French thousands separator (narrow no-break space)."""
    return f"{value:,.0f}".replace(",", "\u202f") + "\u00a0€"


def _harvest_text(planting: Planting) -> str:
    first, last = planting.harvest_weeks[0], planting.harvest_weeks[-1]
    text = f"S{first}" if first == last else f"S{first} à S{last}"
    if first < planting.start_week:
        text += " (année suivante)"
    return text


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(
                ["" if v is None else (f"{v:.3f}" if isinstance(v, float) else v) for v in row]
            )
    return path


def plan_summary(plan: CropPlan, problem: CropPlanProblem) -> dict[str, object]:
    """The figures of ``summary.json`` (JSON-ready)."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for demand in problem.demand:
        by_source[demand.source.value].append(demand.product_id)
    return {
        "season": problem.year,
        "status": plan.status.value,
        "objective": plan.objective,
        "lp_bound": plan.bound,
        "gap": plan.gap,
        "runtime_s": round(plan.runtime_s, 2),
        "variables": plan.n_variables,
        "constraints": plan.n_constraints,
        "demand_kg": round(plan.demand_kg, 1),
        "covered_kg": round(plan.covered_kg, 1),
        "coverage_share": round(plan.coverage, 4),
        "waste_kg": round(plan.waste_kg, 1),
        "plantings": len(plan.plantings),
        "beds_started": sum(p.beds for p in plan.plantings),
        "income_eur": round(sum(p.income_eur for p in plan.plantings), 2),
        "demand_sources": {k: sorted(v) for k, v in sorted(by_source.items())},
        "coverage_by_product": {
            d.product_id: round(plan.coverage_of(d.product_id), 4) for d in problem.demand
        },
        "limits": [
            {
                "product_id": limit.product_id,
                "reason": limit.reason,
                "shortage_kg": round(limit.shortage_kg, 1),
                "detail": limit.detail,
            }
            for limit in plan.limits
        ],
        "messages": list(plan.messages),
        "options": {
            k: v for k, v in vars(problem.options).items() if isinstance(v, int | float | str)
        },
    }


def write_crop_plan(
    plan: CropPlan,
    problem: CropPlanProblem,
    out: Path,
    *,
    extra: Mapping[str, object] | None = None,
) -> list[Path]:
    """Write every output file of a crop plan into ``out`` (created if missing).

    ``extra`` entries are added to ``summary.json``.

    Returns
    -------
    list of Path
        The files written.
    """
    out.mkdir(parents=True, exist_ok=True)
    names = {p.id: p.name for p in problem.producers}
    itineraries = problem.catalogue.by_id
    year = problem.year
    written = [
        _write_csv(
            out / "plantings.csv",
            [
                "producer_id",
                "producer_name",
                "itinerary_id",
                "itinerary_name",
                "product_id",
                "land",
                "beds",
                "bed_m2",
                "area_m2",
                "sowing_week",
                "start_week",
                "start_date",
                "first_harvest_week",
                "last_harvest_week",
                "harvest_kg_per_week",
                "harvest_kg",
                "income_eur",
            ],
            [
                [
                    p.producer_id,
                    names.get(p.producer_id, ""),
                    p.itinerary_id,
                    itineraries[p.itinerary_id].name,
                    p.product_id,
                    p.land,
                    p.beds,
                    p.bed_m2,
                    p.beds * p.bed_m2,
                    p.sowing_week,
                    p.start_week,
                    _monday(year, p.start_week).isoformat(),
                    p.harvest_weeks[0],
                    p.harvest_weeks[-1],
                    p.harvest_kg_per_week,
                    p.harvest_kg,
                    p.income_eur,
                ]
                for p in plan.plantings
            ],
        )
    ]
    per_producer: dict[tuple[str, str, int], float] = defaultdict(float)
    for p in plan.plantings:
        for w in p.harvest_weeks:
            per_producer[(p.producer_id, p.product_id, w)] += p.harvest_kg_per_week
    written.append(
        _write_csv(
            out / "producer_harvest.csv",
            ["producer_id", "product_id", "week", "harvest_kg"],
            [[*key, kg] for key, kg in sorted(per_producer.items())],
        )
    )
    written.append(
        _write_csv(
            out / "coverage.csv",
            [
                "product_id",
                "week",
                "demand_kg",
                "demand_high_kg",
                "harvest_kg",
                "supplied_kg",
                "stock_kg",
                "waste_kg",
                "shortage_kg",
            ],
            [
                [
                    w.product_id,
                    w.week,
                    w.demand_kg,
                    w.demand_high_kg,
                    w.harvest_kg,
                    w.supplied_kg,
                    w.stock_kg,
                    w.waste_kg,
                    w.shortage_kg,
                ]
                for w in plan.weeks
            ],
        )
    )
    written.append(
        _write_csv(
            out / "demand.csv",
            ["product_id", "name", "source", "week", "central_kg", "high_kg", "note"],
            [
                [d.product_id, d.name, d.source.value, w, d.central(w), d.high(w), d.note]
                for d in problem.demand
                for w in range(1, WEEKS + 1)
            ],
        )
    )
    written.append(
        _write_csv(
            out / "producers.csv",
            [
                "producer_id",
                "name",
                "income_eur",
                "min_income_eur",
                "fair_income_eur",
                "field_beds",
                "greenhouse_beds",
                "peak_field_beds",
                "peak_greenhouse_beds",
                "bed_weeks_used_share",
            ],
            [
                [
                    o.producer_id,
                    o.name,
                    o.income_eur,
                    o.min_income_eur,
                    o.fair_income_eur,
                    o.beds_field,
                    o.beds_greenhouse,
                    o.peak_beds_field,
                    o.peak_beds_greenhouse,
                    o.bed_weeks_used_share,
                ]
                for o in plan.producers
            ],
        )
    )
    written.append(
        _write_csv(
            out / "limits.csv",
            ["product_id", "reason", "shortage_kg", "weeks", "detail"],
            [
                [
                    limit.product_id,
                    limit.reason,
                    limit.shortage_kg,
                    ";".join(str(w) for w in limit.weeks),
                    limit.detail,
                ]
                for limit in plan.limits
            ],
        )
    )
    chart = out / "coverage.png"
    _coverage_chart(plan, problem, chart)
    written.append(chart)
    sheets = out / "sheets"
    sheets.mkdir(exist_ok=True)
    for producer in problem.producers:
        path = sheets / f"{producer.id}.html"
        mine = [p for p in plan.plantings if p.producer_id == producer.id]
        outcome = next((o for o in plan.producers if o.producer_id == producer.id), None)
        income = outcome.income_eur if outcome is not None else 0.0
        path.write_text(_sheet_html(producer.name, mine, problem, income), encoding="utf-8")
        written.append(path)
    summary = out / "summary.json"
    summary.write_text(
        json.dumps(plan_summary(plan, problem) | dict(extra or {}), indent=2, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    written.append(summary)
    logger.info("crop plan written to %s (%d files)", out, len(written))
    return written


def _coverage_chart(plan: CropPlan, problem: CropPlanProblem, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    products = [d for d in problem.demand if d.total_kg > 0]
    n = max(1, len(products))
    cols = 4
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.4 * rows), squeeze=False)
    weeks = list(range(1, WEEKS + 1))
    by_product: dict[str, list[float]] = defaultdict(lambda: [0.0] * WEEKS)
    for row in plan.weeks:
        by_product[row.product_id][row.week - 1] = row.supplied_kg
    for ax, demand in zip(axes.flat, products, strict=False):
        ax.fill_between(
            weeks, demand.central_kg, demand.high_kg, color="0.85", label="demande haute"
        )
        ax.plot(weeks, demand.central_kg, color="black", lw=1.2, label="demande")
        ax.step(
            weeks,
            by_product[demand.product_id],
            where="mid",
            color="tab:green",
            lw=1.2,
            label="offre planifiée",
        )
        ax.set_title(
            f"{demand.name} ({demand.source.value}) –"
            f" {100 * plan.coverage_of(demand.product_id):.0f} %",
            fontsize=8,
        )
        ax.tick_params(labelsize=6)
        ax.set_xlim(1, WEEKS)
    for ax in list(axes.flat)[len(products) :]:
        ax.axis("off")
    if products:
        axes.flat[0].legend(fontsize=6, loc="upper right")
    fig.suptitle(
        f"Saison {problem.year} : demande et offre locale planifiée par semaine (kg) –"
        f" couverture {100 * plan.coverage:.1f} %",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _sheet_html(
    name: str, plantings: list[Planting], problem: CropPlanProblem, income: float
) -> str:
    year = problem.year
    itineraries = problem.catalogue.by_id
    e = html.escape
    rows = []
    for p in sorted(plantings, key=lambda p: (p.sowing_week or p.start_week, p.start_week)):
        it = itineraries[p.itinerary_id]
        action = "Semis en place" if it.planting_week is None else "Plantation"
        sowing = (
            f"S{p.sowing_week} ({_date_fr(_monday(year, p.sowing_week))})"
            if p.sowing_week is not None and it.planting_week is not None
            else "–"
        )
        rows.append(
            "<tr>"
            f"<td>{e(it.name)}</td><td>{'serre' if p.land == 'greenhouse' else 'plein champ'}</td>"
            f"<td>{sowing}</td>"
            f"<td>{action} S{p.start_week}"
            f" ({e(_date_fr(_monday(year, p.start_week)))})</td>"
            f"<td class='n'>{p.beds}</td><td class='n'>{p.beds * p.bed_m2:.0f}</td>"
            f"<td>{_harvest_text(p)}</td>"
            f"<td class='n'>{p.harvest_kg_per_week:.0f}</td>"
            f"<td class='n'>{p.harvest_kg:.0f}</td><td class='n'>{_eur(p.income_eur)}</td>"
            "</tr>"
        )
    weekly: dict[tuple[str, int], float] = defaultdict(float)
    for p in plantings:
        for w in p.harvest_weeks:
            weekly[(p.product_id, w)] += p.harvest_kg_per_week
    products = sorted({p.product_id for p in plantings})
    header = "".join(f"<th>{w}</th>" for w in range(1, WEEKS + 1))
    harvest_rows = "".join(
        f"<tr><td>{e(k)}</td>"
        + "".join(
            f"<td class='n'>{weekly[(k, w)]:.0f}</td>" if weekly.get((k, w)) else "<td></td>"
            for w in range(1, WEEKS + 1)
        )
        + "</tr>"
        for k in products
    )
    empty = "" if rows else "<p>Aucune culture n'est confiée à cette ferme dans ce plan.</p>"
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Plan de culture {year} – {e(name)}</title>
<style>
@page {{ size: A4 landscape; margin: 12mm; }}
body {{ font-family: sans-serif; font-size: 10pt; }}
table {{ border-collapse: collapse; margin-bottom: 1em; }}
th, td {{ border: 1px solid #999; padding: 2px 4px; }}
td.n {{ text-align: right; }}
.small td, .small th {{ font-size: 7pt; padding: 1px 2px; }}
</style></head><body>
<h1>Plan de culture partagé {year} – {e(name)}</h1>
<p>Revenu attendu : <strong>{_eur(income)}</strong> (récolte prévue × prix convenu).
Semaines ISO ; les dates sont les lundis des semaines de la saison {year}.
Le plan est un cycle annuel : ce qui est planté à l'automne est récolté l'année suivante, et les
récoltes du printemps {year} viennent des plantations de l'automne {year - 1} (même plan).</p>
<h2>Quoi semer ou planter, et quand</h2>
{empty}
<table><tr><th>Itinéraire</th><th>Terrain</th><th>Semis en pépinière</th><th>Mise en place</th>
<th>Planches</th><th>m²</th><th>Récolte</th><th>kg / semaine</th><th>kg au total</th>
<th>Revenu</th></tr>
{"".join(rows)}
</table>
<h2>Récolte attendue par semaine (kg)</h2>
<table class="small"><tr><th>Produit</th>{header}</tr>{harvest_rows}</table>
<p class="small">Données de cultures : Potaléger (GPL-3.0), voir data/crops/README.md.</p>
</body></html>
"""
