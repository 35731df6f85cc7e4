"""Publish a crop-plan folder (``foodhub crop-plan --out DIR``) to the producers, one document each.

A producer's document holds its rows of ``plantings.csv`` (what to sow or plant when),
``producer_harvest.csv`` (expected weekly harvest) and ``producers.csv`` (income),
as the web pages and ``GET /producers/{id}/crop-plan`` show them.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db.models import CropPlanRow, ProducerRow
from territory.clock import SYSTEM_CLOCK, Clock
from territory.errors import InputError, Problem

__all__ = ["publish_crop_plan"]

_TABLES = {
    "plantings": "plantings.csv",
    "harvest": "producer_harvest.csv",
    "income": "producers.csv",
}


def _rows(folder: Path, file: str) -> list[dict[str, str]]:
    path = folder / file
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise InputError([Problem(file, f"file is missing in {folder}")]) from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError([Problem(file, f"cannot be read ({error})")]) from None
    if rows and "producer_id" not in rows[0]:
        raise InputError([Problem(file, "column producer_id is missing")])
    return rows


def publish_crop_plan(
    session: Session, folder: Path, *, clock: Clock = SYSTEM_CLOCK
) -> dict[str, int]:
    """Store each producer's share of a crop plan; returns ``producer_id -> plantings``.

    Raises
    ------
    InputError
        When a file is missing or unreadable, or names a producer the database does not know.
    """
    tables = {key: _rows(folder, file) for key, file in _TABLES.items()}
    try:
        season = str(json.loads((folder / "summary.json").read_text(encoding="utf-8"))["season"])
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError([Problem("summary.json", f"no season in {folder}/summary.json")]) from None
    documents: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {key: [] for key in _TABLES}
    )
    for key, rows in tables.items():
        for row in rows:
            documents[row["producer_id"]][key].append(row)
    known = set(session.scalars(select(ProducerRow.id)))
    unknown = sorted(set(documents) - known)
    if unknown:
        raise InputError(
            [Problem("plantings.csv", f"producer {p} is not in the database", column="producer_id")
             for p in unknown]
        )  # fmt: skip
    for producer_id, document in sorted(documents.items()):
        plan = session.scalar(select(CropPlanRow).where(CropPlanRow.producer_id == producer_id))
        if plan is None:
            plan = CropPlanRow(producer_id=producer_id, season=season, document={})
            session.add(plan)
        plan.season = season
        plan.document = {"season": season, **document}
        plan.updated_at = clock.now()
    return {p: len(d["plantings"]) for p, d in sorted(documents.items())}
