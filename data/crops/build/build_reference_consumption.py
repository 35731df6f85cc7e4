"""Build ``data/montpellier/reference_consumption.csv`` from ANSES INCA3 (food-insecurity rows).

Run from the repository root::

    .venv/bin/python data/crops/build/build_reference_consumption.py [--source ../shared/data/demand]

For each crop product (``data/crops/crop_products.csv``) the file gives a reference weekly need per
household served by the hub, used by ``planning.demand`` for products with no order history and no
survey answer, and INCA3 season factors used to complete the seasonal profile of every product.

* Group consumption: INCA3 weighted mean g/day of the product's food group for food-insecure
  individuals (``IA_statut`` 1 moderate and 2 severe, weighted by ``sum_weights``), adults and
  children, combined for a household of 1.5 adults + 0.8 children (the Montpellier territory's
  assumption, see its README).
* Season factors: INCA3 weighted mean g/day of the group per survey season (``saison_pop3``: 1 winter,
  2 spring, 3 summer, 4 autumn) over all Pop3 individuals, divided by the all-season mean; adults and
  children combined with the same household weights.
* ``product_share`` (share of the group eaten as this product), ``as_purchased`` (raw produce per kg
  eaten) and ``hub_share`` (part of the household's consumption supplied through the hub) are
  illustrative assumptions set below, not INCA3 figures.

Data: Anses (2017). Étude individuelle nationale des consommations alimentaires 3 (INCA3), saisine
2014-SA-0234; Dubuisson C. et al. (2019) Public Health Nutrition 22(4):584-600,
doi:10.1017/S1368980018002896.  ANSES is the data producer.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
ADULTS, CHILDREN = 1.5, 0.8
HUB_SHARE = 0.2
AS_PURCHASED = {21: 1.2, 23: 1.15, 24: 1.1}
# Share of the INCA3 group eaten as this product (illustrative; INCA3 has no per-product table here).
PRODUCT_SHARE = {
    "ail": 0.01,
    "aubergine": 0.03,
    "betterave": 0.03,
    "blette": 0.02,
    "brocoli": 0.03,
    "carotte": 0.14,
    "chou": 0.04,
    "chou_fleur": 0.03,
    "concombre": 0.04,
    "courge": 0.05,
    "courgette": 0.07,
    "epinard": 0.02,
    "fenouil": 0.01,
    "haricot_vert": 0.05,
    "melon": 0.06,
    "navet": 0.02,
    "oignon": 0.06,
    "panais": 0.01,
    "poireau": 0.04,
    "poivron": 0.03,
    "pomme_de_terre": 1.0,
    "radis": 0.01,
    "salade": 0.06,
    "tomate": 0.14,
}
SEASONS = ("winter", "spring", "summer", "autumn")


def _weighted(frame: pd.DataFrame, column: str, weight: str) -> float:
    return float((frame[column] * frame[weight]).sum() / frame[weight].sum())


def build(source: Path) -> list[dict[str, str]]:
    """Return the rows of reference_consumption.csv."""
    means = pd.read_csv(source / "inca3_mean_consumption_by_group.csv")
    conso = pd.read_csv(source / "inca3_conso_gpe_inca3.csv")
    indiv = pd.read_csv(source / "inca3_description_indiv_subset.csv")
    merged = conso.merge(indiv, on="NOIND")
    labels = pd.read_csv(source / "inca3_food_groups.csv")
    label_col = next(c for c in labels.columns if "label" in c or "libelle" in c.lower())
    code_col = next(c for c in labels.columns if "code" in c)
    label_of = dict(zip(labels[code_col], labels[label_col], strict=True))
    insecure = means[(means.breakdown_var == "IA_statut") & means.breakdown_value.isin(["1", "2"])]
    with (ROOT / "data/crops/crop_products.csv").open(encoding="utf-8") as f:
        products = list(csv.DictReader(f))
    rows = []
    for product in products:
        group = int(product["inca3_group_code"])
        household = 0.0
        factors = dict.fromkeys(SEASONS, 0.0)
        for population, ech, weight, persons in (
            ("adults_18_79", 1, "pond_indiv_adu_pop3", ADULTS),
            ("children_0_17", 2, "pond_indiv_enf_pop3", CHILDREN),
        ):
            sub = insecure[(insecure.population == population) & (insecure.group_code == group)]
            g_day = float((sub.mean_g_per_day * sub.sum_weights).sum() / sub.sum_weights.sum())
            household += persons * g_day
            people = merged[merged.ech == ech]
            column = f"conso_gpe{group}"
            overall = _weighted(people, column, weight)
            for code, season in enumerate(SEASONS, start=1):
                seasonal = _weighted(people[people.saison_pop3 == code], column, weight)
                factors[season] += persons * g_day * seasonal / overall
        share = PRODUCT_SHARE[product["product_id"]]
        kg_week = household * 7 / 1000 * share * AS_PURCHASED[group] * HUB_SHARE
        rows.append(
            {
                "product_id": product["product_id"],
                "inca3_group_code": str(group),
                "inca3_group_label_fr": str(label_of.get(group, "")),
                "household_group_g_per_day": f"{household:.1f}",
                "product_share": f"{share:g}",
                "as_purchased": f"{AS_PURCHASED[group]:g}",
                "hub_share": f"{HUB_SHARE:g}",
                "kg_per_household_week": f"{kg_week:.4f}",
                **{f"season_{s}": f"{factors[s] / household:.3f}" for s in SEASONS},
            }
        )
    return rows


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("../shared/data/demand"))
    parser.add_argument(
        "--out", type=Path, default=ROOT / "data/montpellier/reference_consumption.csv"
    )
    args = parser.parse_args()
    rows = build(args.source)
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
