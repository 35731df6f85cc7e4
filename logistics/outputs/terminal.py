"""The plan as rich tables for the terminal: one row per round, and the unserved orders.

The command line prints them after ``foodhub plan``; they are built here, printed
there (libraries never print).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from logistics.outputs import _rounds
from logistics.outputs.i18n import check_lang, format_short_date, t
from logistics.tables.files import PlanTables
from territory.model import Territory

__all__ = ["fill_rate", "plan_table", "unserved_table"]


def fill_rate(territory: Territory, round_: _rounds.Round) -> float | None:
    """Peak fill of a round: the highest share of any capacity used after any stop.

    Mass against ``capacity_kg``, ambient volume against ``capacity_l``, chilled and
    frozen volumes against their compartments; ``None`` when the fleet does not
    know the vehicle.  1.0 is full.
    """
    vehicle = territory.vehicles_by_id.get(round_.vehicle_id)
    if vehicle is None:
        return None
    peak = 0.0
    for stop in round_.rows:
        for used, capacity in (
            (stop.load_kg, vehicle.capacity_kg),
            (stop.load_l, vehicle.capacity_l),
            (stop.chilled_l, vehicle.chilled_l),
            (stop.frozen_l, vehicle.frozen_l),
        ):
            if capacity > 0:
                peak = max(peak, used / capacity)
    return peak


def plan_table(
    territory: Territory,
    tables: PlanTables,
    summary: Mapping[str, Any] | None = None,
    *,
    lang: str = "en",
) -> Table:
    """One row per round: day, vehicle, trips, stops, km, hours, kg delivered, fill, times.

    Parameters
    ----------
    territory, tables
        The territory and the plan tables; every figure is computed from the tables.
    summary
        The plan's ``summary.json`` content, optional: its ``distance_km``,
        ``duration_h``, ``co2_kg``, ``cost_eur`` and ``engine`` (when present) go
        into the caption.
    lang
        ``"en"`` (default) or ``"fr"``.

    Returns
    -------
    rich.table.Table
        With a total row as footer.  Hours run from the first departure to the last
        arrival at the hub; fill is :func:`fill_rate`.
    """
    lang = check_lang(lang)
    zone = territory.tzinfo
    delivered, _ = _rounds.items_by_stop(territory, tables)
    rounds = _rounds.rounds(territory, tables)

    trips = stops = 0
    km = hours = kg = 0.0
    rows: list[tuple[str, ...]] = []
    for round_ in rounds:
        round_km = round_.distance_m / 1000
        round_h = (round_.rows[-1].arrival - round_.rows[0].departure).total_seconds() / 3600
        round_kg = sum(
            item.mass_kg
            for stop in round_.work_stops
            for item in delivered.get(_rounds.key(stop), [])
        )
        fill = fill_rate(territory, round_)
        trips += len(round_.trips)
        stops += len(round_.work_stops)
        km += round_km
        hours += round_h
        kg += round_kg
        rows.append(
            (
                format_short_date(round_.day, lang),
                _rounds.vehicle_name(territory, round_.vehicle_id),
                str(len(round_.trips)),
                str(len(round_.work_stops)),
                _rounds.number(round_km, 1, lang),
                _rounds.number(round_h, 1, lang),
                _rounds.number(round_kg, 0, lang),
                "" if fill is None else f"{fill:.0%}",
                _rounds.hhmm(round_.rows[0].departure, zone),
                _rounds.hhmm(round_.rows[-1].arrival, zone),
            )
        )

    caption = []
    if summary:
        for field, unit in (
            ("distance_km", "km"),
            ("duration_h", "h"),
            ("co2_kg", "kg CO2"),
            ("cost_eur", "EUR"),
        ):
            value = summary.get(field)
            if isinstance(value, int | float):
                caption.append(f"{_rounds.number(float(value), 1, lang)} {unit}")
        if summary.get("engine"):
            caption.append(str(summary["engine"]))
    table = Table(
        title=t("term.title", lang),
        caption=" · ".join(caption) or None,
        show_footer=bool(rows),
    )
    total = t("term.total", lang)
    columns: tuple[tuple[str, str, str], ...] = (
        ("term.day", "left", total),
        ("term.vehicle", "left", ""),
        ("term.trips", "right", str(trips)),
        ("term.stops", "right", str(stops)),
        ("term.km", "right", _rounds.number(km, 1, lang)),
        ("term.hours", "right", _rounds.number(hours, 1, lang)),
        ("term.kg", "right", _rounds.number(kg, 0, lang)),
        ("term.fill", "right", ""),
        ("term.first", "right", ""),
        ("term.last", "right", ""),
    )
    for key, justify, footer in columns:
        table.add_column(t(key, lang), justify=justify, footer=footer)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    return table


def unserved_table(territory: Territory, tables: PlanTables, *, lang: str = "en") -> Table:
    """The order quantities not delivered this week, one row each, with the reason.

    Rows are sorted by venue then product names; the title counts the lines.
    """
    lang = check_lang(lang)
    table = Table(title=f"{t('term.unserved_title', lang)} ({len(tables.unserved)})")
    table.add_column(t("term.venue", lang))
    table.add_column(t("term.product", lang))
    table.add_column(t("term.quantity", lang), justify="right")
    table.add_column(t("term.reason", lang), overflow="fold")
    rows = []
    for line in tables.unserved:
        venue = territory.venues_by_id.get(line.venue_id)
        product = territory.products_by_id.get(line.product_id)
        rows.append(
            (
                venue.name if venue is not None else line.venue_id,
                product.name if product is not None else line.product_id,
                f"{line.quantity} {product.unit}" if product is not None else str(line.quantity),
                line.reason,
            )
        )
    for row in sorted(rows):
        table.add_row(*row)
    return table
