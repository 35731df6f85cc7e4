"""``foodhub allocate``: who gets what from the week's stock and producers' offers.

Runs the first steps of ``foodhub plan`` without routing: delivery days per venue,
then :func:`logistics.allocation.allocate.allocate`.  Writes

* ``allocation.csv`` -- one row per order line on its delivery day (and one per
  substitute): ordered, allocated, the lots and offers used, shortfall, reason;
  order lines that get no delivery day at all come with ``day`` empty and a reason;
* ``procurement.csv`` -- the offers to collect: producer, product, pickup day,
  quantity, the producer's straight-line distance to the hub;

and prints a table and the totals.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from rich.table import Table

from cli.console import out_console
from geo.distance import great_circle_m
from logistics.allocation.allocate import AllocatedLine, Allocation, Source, allocate
from logistics.plan.travel import territory_travel_times
from logistics.plan.week import PlanOptions, site_matrices, week_demands
from logistics.tables.files import UnservedLine
from territory.model import IsoWeek, Territory

__all__ = ["ALLOCATION_COLUMNS", "PROCUREMENT_COLUMNS", "run_allocate"]

ALLOCATION_COLUMNS = (
    "day",
    "venue_id",
    "venue_name",
    "organisation_id",
    "product_id",
    "product_name",
    "substitute_for",
    "ordered",
    "allocated",
    "lots",
    "shortfall",
    "reason",
)
PROCUREMENT_COLUMNS = (
    "pickup_day",
    "weekday",
    "producer_id",
    "producer_name",
    "product_id",
    "product_name",
    "quantity",
    "offered",
    "visit_units",
    "distance_to_hub_km",
)
_SHOWN_ROWS = 40


def _lots(sources: Sequence[Source]) -> str:
    parts = []
    for s in sources:
        if s.kind == "stock":
            parts.append(f"lot {s.ref} x{s.quantity}")
        else:
            day = s.pickup_day.strftime("%a %d/%m") if s.pickup_day else "?"
            parts.append(f"offer {s.ref} ({day}) x{s.quantity}")
    return "; ".join(parts)


def _allocation_rows(
    territory: Territory, allocation: Allocation, undated: Sequence[UnservedLine]
) -> list[dict[str, object]]:
    venues, products = territory.venues_by_id, territory.products_by_id

    def row(line: AllocatedLine) -> dict[str, object]:
        venue = venues[line.venue_id]
        return {
            "day": line.day.isoformat(),
            "venue_id": line.venue_id,
            "venue_name": venue.name,
            "organisation_id": venue.organisation_id or "",
            "product_id": line.product_id,
            "product_name": products[line.product_id].name,
            "substitute_for": line.substitute_for or "",
            "ordered": line.ordered,
            "allocated": line.allocated,
            "lots": _lots(line.sources),
            "shortfall": line.shortfall,
            "reason": line.reason,
        }

    rows = [row(line) for line in allocation.lines]
    for u in undated:
        venue = venues[u.venue_id]
        rows.append(
            {
                "day": "",
                "venue_id": u.venue_id,
                "venue_name": venue.name,
                "organisation_id": venue.organisation_id or "",
                "product_id": u.product_id,
                "product_name": products[u.product_id].name,
                "substitute_for": "",
                "ordered": u.quantity,
                "allocated": 0,
                "lots": "",
                "shortfall": u.quantity,
                "reason": u.reason,
            }
        )
    return rows


def _procurement_rows(
    territory: Territory, allocation: Allocation, week: IsoWeek
) -> list[dict[str, object]]:
    hub, producers, products = territory.hub, territory.producers_by_id, territory.products_by_id
    offered: dict[tuple[str, str, str], int] = defaultdict(int)
    for offer in territory.offers:
        offered[(offer.producer_id, offer.product_id, week.date_of(offer.day).isoformat())] += (
            offer.quantity
        )
    visit: dict[tuple[str, str], int] = defaultdict(int)
    for p in allocation.pickups:
        visit[(p.producer_id, p.pickup_day.isoformat())] += p.quantity
    rows = []
    for p in sorted(allocation.pickups, key=lambda p: (p.pickup_day, p.producer_id, p.product_id)):
        producer = producers[p.producer_id]
        km = float(great_circle_m(hub.lon, hub.lat, producer.lon, producer.lat)) / 1000
        day = p.pickup_day.isoformat()
        rows.append(
            {
                "pickup_day": day,
                "weekday": p.pickup_day.strftime("%a").lower(),
                "producer_id": p.producer_id,
                "producer_name": producer.name,
                "product_id": p.product_id,
                "product_name": products[p.product_id].name,
                "quantity": p.quantity,
                "offered": offered.get((p.producer_id, p.product_id, day), 0),
                "visit_units": visit[(p.producer_id, day)],
                "distance_to_hub_km": f"{km:.1f}",
            }
        )
    return rows


def _write(path: Path, columns: Sequence[str], rows: Sequence[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)


def _table(rows: Sequence[dict[str, object]], show_all: bool) -> Table:
    ordered = sorted(rows, key=lambda r: (-int(str(r["shortfall"])), str(r["day"])))
    shown = list(rows) if show_all or len(rows) <= _SHOWN_ROWS else ordered[:_SHOWN_ROWS]
    title = "Allocation per order line"
    if len(shown) < len(rows):
        title += f" ({len(shown)} of {len(rows)} lines, the largest shortfalls first)"
    table = Table(title=title)
    for column in ("day", "venue", "product", "ordered", "allocated"):
        table.add_column(column, justify="right" if column[0] in "oa" else "left", no_wrap=True)
    table.add_column("lots used", ratio=1)
    table.add_column("shortfall", justify="right", no_wrap=True)
    table.add_column("reason", ratio=2)
    for r in shown:
        product = str(r["product_id"])
        if r["substitute_for"]:
            product += f" (for {r['substitute_for']})"
        day = str(r["day"])
        table.add_row(
            f"{date.fromisoformat(day):%a %d/%m}" if day else "-",
            str(r["venue_id"]),
            product,
            str(r["ordered"]),
            str(r["allocated"]),
            str(r["lots"]),
            str(r["shortfall"]) if r["shortfall"] else "",
            str(r["reason"]),
        )
    return table


def _procurement_table(rows: Sequence[dict[str, object]]) -> Table:
    table = Table(title="Procurement: offers to collect")
    for column in ("day", "producer", "product", "quantity", "of offered", "km to hub"):
        table.add_column(
            column, justify="left" if column in ("day", "producer", "product") else "right"
        )
    for r in rows:
        table.add_row(
            f"{r['weekday']} {r['pickup_day']}",
            str(r["producer_id"]),
            str(r["product_id"]),
            str(r["quantity"]),
            str(r["offered"]),
            str(r["distance_to_hub_km"]),
        )
    return table


def run_allocate(
    territory: Territory,
    *,
    out: Path,
    week: IsoWeek | None,
    min_remaining_days: int = 1,
    show_all: bool = False,
    strict: bool = False,
    days: str = "joint",
) -> int:
    """Allocate the week's supply, write the two CSV files, print tables and totals.

    Delivery days are chosen as ``foodhub plan`` chooses them (``days``: ``joint`` reads
    the road network for the travel matrices, ``balance`` does not).

    Returns
    -------
    int
        Exit code: 0, or 1 with ``strict`` when some ordered units are not allocated.

    Raises
    ------
    InputError
        When no week is given and ``hub.toml`` names none.
    """
    from territory.errors import InputError, Problem

    week = week or territory.week
    if week is None:
        raise InputError(
            [Problem("hub.toml", 'no week: set week = "2026-W49" or pass --week', column="week")]
        )
    options = PlanOptions(days=days, min_remaining_days=min_remaining_days)
    sites = None
    if days == "joint":
        fleet = territory.vehicles
        travel = territory_travel_times(territory)
        sites = site_matrices(territory, travel, sorted({"drive"} | {v.profile for v in fleet}))
    demands, undated, _ = week_demands(
        territory, week, territory.vehicles, options=options, sites=sites
    )
    allocation = allocate(territory, demands, min_remaining_days=min_remaining_days)
    rows = _allocation_rows(territory, allocation, undated)
    procurement = _procurement_rows(territory, allocation, week)
    out.mkdir(parents=True, exist_ok=True)
    allocation_path, procurement_path = out / "allocation.csv", out / "procurement.csv"
    _write(allocation_path, ALLOCATION_COLUMNS, rows)
    _write(procurement_path, PROCUREMENT_COLUMNS, procurement)

    out_console.print(_table(rows, show_all))
    if procurement:
        out_console.print(_procurement_table(procurement))
    ordered = sum(int(str(r["ordered"])) for r in rows)
    own = sum(line.allocated for line in allocation.lines if line.substitute_for is None)
    substituted = sum(line.allocated for line in allocation.lines if line.substitute_for)
    shortfall = sum(int(str(r["shortfall"])) for r in rows)
    visits = len({(r["producer_id"], r["pickup_day"]) for r in procurement})
    collected = sum(int(str(r["quantity"])) for r in procurement)
    out_console.print(
        f"[bold]{week}[/]: {ordered} units ordered, {own} allocated"
        f" ({100 * own / ordered if ordered else 100:.1f}%), {substituted} by substitutes,"
        f" {shortfall} short; smallest fill rate {allocation.min_fill_rate:.0%};"
        f" status {allocation.status.value}. Procurement: {collected} units from"
        f" {visits} producer visits."
    )
    if undated:
        out_console.print(
            f"{sum(u.quantity for u in undated)} units have no delivery day (see allocation.csv)."
        )
    out_console.print(f"Wrote {allocation_path} and {procurement_path}.")
    return 1 if strict and shortfall else 0
