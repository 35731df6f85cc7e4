"""Build the crop catalogue of foodhub from the Potaléger snapshot in ../shared/data/crops.

Run from the repository root::

    .venv/bin/python data/crops/build/build_catalogue.py [--source ../shared/data/crops]

Writes ``data/crops/itineraries.csv`` (one row per harvested Potaléger itinerary with a yield)
and ``data/crops/families.csv`` (rotation intervals).  The output is deterministic: the same
source gives byte-identical files.  The script (code) is MIT like the rest of foodhub; the files it
writes are derived from Potaléger data and stay under GPL-3.0 (see ``data/crops/README.md``).

Rules (documented in the README):
* Green manures, companions and rows without a harvest week, harvest duration or species yield
  are left out (they cannot feed demand).
* ``land``: Potaléger ``Serre`` -> ``greenhouse``, ``Extérieur`` or unspecified -> ``field``.
* The bed is occupied from the planting week (or the sowing week for direct sowing) to the end of
  the harvest; nursery weeks do not occupy a bed.
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent
WEEKS = 52

ITINERARY_COLUMNS = [
    "itinerary_id",
    "name",
    "species",
    "family",
    "land",
    "crop_type",
    "sowing_week",
    "planting_week",
    "bed_start_week",
    "harvest_start_week",
    "harvest_weeks",
    "bed_weeks",
    "shift_max_weeks",
    "spacing_cm",
    "row_spacing_cm",
    "plants_per_m2",
    "yield_kg_m2",
    "rotation_interval_years",
]


def slug(text: str) -> str:
    """ASCII lower-case identifier of an itinerary name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def _int(text: str) -> int | None:
    text = text.strip()
    return int(float(text)) if text else None


def build(source: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Read the Potaléger CSVs and return (itinerary rows, family rows)."""
    with (source / "potaleger_families.csv").open(encoding="utf-8") as f:
        families = list(csv.DictReader(f))
    interval = {row["famille"]: row["rotation_interval_years"] for row in families}
    with (source / "potaleger_itp.csv").open(encoding="utf-8") as f:
        itps = list(csv.DictReader(f))
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for itp in itps:
        if itp["type_culture"] in ("Engrais vert", "Compagne"):
            continue
        sowing, planting = _int(itp["s_semis_week"]), _int(itp["s_plantation_week"])
        harvest, duration = _int(itp["s_recolte_week"]), _int(itp["d_recolte_weeks"])
        yield_text = itp["species_rendement_kg_m2"].strip()
        if harvest is None or not duration or not yield_text:
            continue
        start = planting if planting is not None else sowing
        if start is None:
            continue
        to_harvest = (harvest - start) % WEEKS
        ident = slug(itp["it_plante"])
        assert ident not in seen, ident
        seen.add(ident)
        rows.append(
            {
                "itinerary_id": ident,
                "name": itp["it_plante"],
                "species": itp["espece"],
                "family": itp["famille"],
                "land": "greenhouse" if itp["type_planche"] == "Serre" else "field",
                "crop_type": itp["type_culture"],
                "sowing_week": "" if sowing is None else str(sowing),
                "planting_week": "" if planting is None else str(planting),
                "bed_start_week": str(start),
                "harvest_start_week": str(harvest),
                "harvest_weeks": str(duration),
                "bed_weeks": str(to_harvest + duration),
                "shift_max_weeks": str(_int(itp["decal_max_weeks"]) or 0),
                "spacing_cm": itp["espacement_cm"],
                "row_spacing_cm": itp["esp_rangs_cm"],
                "plants_per_m2": itp["derived_plants_per_m2"],
                "yield_kg_m2": yield_text,
                "rotation_interval_years": interval.get(itp["famille"], ""),
            }
        )
    rows.sort(key=lambda r: r["itinerary_id"])
    family_rows = [
        {"family": row["famille"], "rotation_interval_years": row["rotation_interval_years"]}
        for row in sorted(families, key=lambda r: r["famille"])
    ]
    return rows, family_rows


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("../shared/data/crops"))
    args = parser.parse_args()
    rows, families = build(args.source)
    _write(OUT / "itineraries.csv", ITINERARY_COLUMNS, rows)
    _write(OUT / "families.csv", ["family", "rotation_interval_years"], families)
    print(f"wrote {len(rows)} itineraries and {len(families)} families to {OUT}")


if __name__ == "__main__":
    main()
