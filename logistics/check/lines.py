"""Checks of ``deliveries.csv``, ``pickups.csv`` and ``unserved.csv`` against routes and inputs.

Internal to :mod:`logistics.check.plan`, whose docstring states the rules.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from logistics.check.context import Context, day_label
from logistics.tables.files import DeliveryLine, PickupLine
from territory.model import weekday_of

__all__ = ["check_coverage", "check_line_references", "check_offers"]


def _line_where(ctx: Context, file: str, number: int, line: DeliveryLine | PickupLine) -> str:
    return (
        f"{file} row {number} ({day_label(line.day)}, {line.vehicle_id} trip {line.trip}, "
        f"stop {line.seq})"
    )


def check_line_references(ctx: Context) -> None:
    """Every line names a known site and product, a positive quantity and its own stop."""
    for number, delivery in enumerate(ctx.tables.deliveries, start=2):
        _check_line(ctx, "deliveries.csv", number, delivery, delivery.venue_id, "venue")
    for number, pickup in enumerate(ctx.tables.pickups, start=2):
        _check_line(ctx, "pickups.csv", number, pickup, pickup.producer_id, "producer")


def _check_line(
    ctx: Context, file: str, number: int, line: DeliveryLine | PickupLine, site_id: str, kind: str
) -> None:
    action = "deliver" if kind == "venue" else "pickup"
    where = _line_where(ctx, file, number, line)
    found = ctx.stop_rows.get((line.day, line.vehicle_id, line.seq))
    row = found[0] if found else None

    def bad(what: str) -> None:
        ctx.add(
            "line",
            f"{where}: {what}",
            day=line.day,
            vehicle_id=line.vehicle_id,
            site_id=site_id,
            row=row,
        )

    site = ctx.sites.get(site_id)
    if site is None or site.kind != kind:
        rule = "deliveries go to venues" if kind == "venue" else "pickups are at producers"
        bad(f"{site_id} is not a {kind}; {rule}.")
    if line.product_id not in ctx.territory.products_by_id:
        bad(f"there is no product {line.product_id} in products.csv.")
    if line.quantity <= 0:
        bad(f"the quantity must be a whole number above 0, not {line.quantity}.")
    if found is None:
        bad("routes.csv has no such stop.")
        return
    stop = found[1]
    if stop.action != action or stop.site_id != site_id or stop.trip != line.trip:
        bad(
            f"that stop is a {stop.action} at {ctx.site_label(stop.site_id)} on trip "
            f"{stop.trip}, not a {action} at {ctx.site_label(site_id)} on trip {line.trip}."
        )


def check_coverage(ctx: Context) -> None:
    """Delivered + unserved equals ordered for every order line of the week."""
    ordered: dict[tuple[str, str], int] = defaultdict(int)
    if ctx.week is not None:
        for order in ctx.territory.orders_for(ctx.week):
            ordered[(order.venue_id, order.product_id)] += order.quantity
    delivered: dict[tuple[str, str], int] = defaultdict(int)
    for line in ctx.tables.deliveries:
        delivered[(line.venue_id, line.substitute_for or line.product_id)] += line.quantity
        receiver = ctx.territory.venues_by_id.get(line.venue_id)
        if line.substitute_for and receiver is not None and not receiver.accepts_substitutes:
            ctx.add(
                "unordered",
                f"{ctx.site_label(line.venue_id)} receives {ctx.product_label(line.product_id)} "
                f"in place of {ctx.product_label(line.substitute_for)}, but does not accept "
                "substitutes.",
                site_id=line.venue_id,
            )
    unserved: dict[tuple[str, str], int] = defaultdict(int)
    for item in ctx.tables.unserved:
        unserved[(item.venue_id, item.product_id)] += item.quantity
    week = f"week {ctx.week}" if ctx.week is not None else "the week"

    def add(kind: str, venue_id: str, message: str) -> None:
        ctx.add(kind, message, site_id=venue_id)

    for (venue_id, product_id), quantity in delivered.items():
        if (venue_id, product_id) not in ordered:
            add(
                "unordered",
                venue_id,
                f"{ctx.site_label(venue_id)} receives {quantity} units "
                f"of {ctx.product_label(product_id)}, which it did not order for {week}.",
            )
    for key in sorted(set(ordered) | set(unserved)):
        venue_id, product_id = key
        venue, product = ctx.site_label(venue_id), ctx.product_label(product_id)
        o, d, u = ordered.get(key, 0), delivered.get(key, 0), unserved.get(key, 0)
        if o == 0:
            add(
                "coverage",
                venue_id,
                f"unserved.csv lists {u} units of {product} for {venue}, "
                f"which did not order it for {week}.",
            )
        elif d > o:
            add(
                "over_delivery",
                venue_id,
                f"{venue} receives {d} units of {product}, "
                f"more than the {o} it ordered for {week}.",
            )
        elif d + u != o:
            gap = o - d - u
            tail = (
                f"{gap} units are neither delivered nor reported unserved"
                if gap > 0
                else f"{-gap} units too many are reported unserved"
            )
            add(
                "coverage",
                venue_id,
                f"{venue} ordered {o} units of {product} for {week}; "
                f"{d} are delivered and {u} reported unserved: {tail}.",
            )


def check_offers(ctx: Context) -> None:
    """Pickups never exceed what a producer offers on that weekday."""
    offered: dict[tuple[str, str, str], int] = defaultdict(int)
    for offer in ctx.territory.offers:
        offered[(offer.producer_id, offer.product_id, offer.day)] += offer.quantity
    picked: dict[tuple[str, str, date], int] = defaultdict(int)
    for line in ctx.tables.pickups:
        picked[(line.producer_id, line.product_id, line.day)] += line.quantity
    for (producer_id, product_id, day), quantity in sorted(picked.items()):
        available = offered.get((producer_id, product_id, weekday_of(day)), 0)
        if quantity > available:
            ctx.add(
                "offer",
                f"{day_label(day)}: {quantity} units of "
                f"{ctx.product_label(product_id)} are picked up at "
                f"{ctx.site_label(producer_id)}, which offers {available} on "
                f"{weekday_of(day)}.",
                day=day,
                site_id=producer_id,
            )
