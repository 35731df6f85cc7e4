"""Write the illustrative crop-planning inputs of the Montpellier territory.

Run from the repository root::

    .venv/bin/python data/crops/build/make_montpellier_crop_inputs.py

Writes ``data/montpellier/crop_producers.csv`` (land committed to the shared plan, labour limit,
minimum income), ``data/montpellier/producer_crops.csv`` (which products each producer grows, at
what price per kg) and ``data/montpellier/survey.csv`` (household survey answers).  Seeded, so
re-running gives identical files.  **Every figure is illustrative** (see data/montpellier/README.md).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TERRITORY = ROOT / "data/montpellier"
SEED = 20270101
BED_M2 = 30.0
FIELD_SHARE, GREENHOUSE_SHARE = 0.10, 0.30
MIN_INCOME_PER_BED_EUR = 120.0
LABOUR_H_WEEK = {"prod_urbain": 20.0, "prod_jacou": 30.0}
# Price paid to the producer, EUR/kg, for crop products the territory does not list.
NEW_PRODUCT_PRICE = {
    "ail": 6.0,
    "brocoli": 2.8,
    "chou_fleur": 2.2,
    "concombre": 1.6,
    "fenouil": 2.4,
    "haricot_vert": 3.5,
    "panais": 2.2,
    "poivron": 2.8,
    "radis": 2.5,
}
ORCHARD_CROPS = ("melon", "courge", "pomme_de_terre", "oignon", "ail")
SURVEY_PRODUCTS = {"haricot_vert": 0.020, "concombre": 0.015, "poivron": 0.010, "radis": 0.006}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Write the three files."""
    rng = random.Random(SEED)
    producers = _rows(TERRITORY / "producers.csv")
    products = {row["id"]: row for row in _rows(TERRITORY / "products.csv")}
    crop_products = sorted(
        {row["product_id"] for row in _rows(ROOT / "data/crops/crop_products.csv")}
    )
    land, grows = [], []
    for producer in producers:
        field_beds = round(float(producer["field_m2"]) * FIELD_SHARE / BED_M2)
        greenhouse_beds = round(float(producer["greenhouse_m2"]) * GREENHOUSE_SHARE / BED_M2)
        labour = LABOUR_H_WEEK.get(producer["id"])
        land.append(
            {
                "producer_id": producer["id"],
                "bed_m2": f"{BED_M2:g}",
                "field_beds": str(field_beds),
                "greenhouse_beds": str(greenhouse_beds),
                "labour_h_week": "" if labour is None else f"{labour:g}",
                "min_income_eur": f"{MIN_INCOME_PER_BED_EUR * (field_beds + greenhouse_beds):.0f}",
            }
        )
        if producer["id"] == "prod_fabregues":
            chosen = list(ORCHARD_CROPS)
        else:
            chosen = [p for p in crop_products if rng.random() < 0.7]
        for product_id in sorted(chosen):
            if product_id in products:
                base = float(products[product_id]["price_eur"]) / float(
                    products[product_id]["unit_kg"]
                )
            else:
                base = NEW_PRODUCT_PRICE[product_id]
            price = base * rng.uniform(0.85, 1.0)
            grows.append(
                {
                    "producer_id": producer["id"],
                    "product_id": product_id,
                    "price_eur_kg": f"{price:.2f}",
                }
            )
    venues = _rows(TERRITORY / "venues.csv")
    surveyed = sorted(rng.sample([v["id"] for v in venues if v["kind"] != "restaurant"], 8))
    survey = []
    for venue_id in surveyed:
        respondents = rng.randint(12, 60)
        for product_id, need in SURVEY_PRODUCTS.items():
            if rng.random() < 0.15:
                continue
            answer_need = rng.random() < 0.8
            survey.append(
                {
                    "venue_id": venue_id,
                    "households": str(respondents),
                    "product_id": product_id,
                    "need_kg_per_household_week": (
                        f"{need * rng.uniform(0.6, 1.5):.4f}" if answer_need else ""
                    ),
                    "preference": str(rng.randint(2, 5)),
                }
            )
    _write(TERRITORY / "crop_producers.csv", land)
    _write(TERRITORY / "producer_crops.csv", grows)
    _write(TERRITORY / "survey.csv", survey)
    print(f"wrote {len(land)} producers, {len(grows)} producer crops, {len(survey)} survey rows")


if __name__ == "__main__":
    main()
