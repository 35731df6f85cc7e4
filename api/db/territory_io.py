"""Territory folder <-> database: ``foodhub db import`` / ``foodhub db export``.

:func:`import_territory` validates a folder with :func:`territory.reader.load_territory`
and writes every record; :func:`export_territory` writes a folder back with
:func:`territory.writer.write_territory`.  The round trip is lossless: loading the
exported folder gives a territory equal to the imported one (record by record, in file
order), and extra venue columns are kept.  :func:`territory_from_db` builds the domain
:class:`~territory.model.Territory` the planner needs, with the orders placed through
the API.

Records and rows are copied field by field from their declarations in
:mod:`territory.fields` (``VenueRow(**VENUE.to_db(venue))``, ``VENUE.from_db(row)``);
only the hub, opening hours, zones and orders are mapped here by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.db.models import (
    HubRow,
    OfferRow,
    OpeningRow,
    OrderEventRow,
    OrderHistoryRow,
    OrderLineRow,
    OrderRow,
    OrderWindowRow,
    OrganisationRow,
    ProducerRow,
    ProductRow,
    StockRow,
    VehicleRow,
    VenueRow,
    ZoneRow,
)
from territory.fields import (
    OFFER,
    ORDER_LINE,
    ORGANISATION,
    PRODUCER,
    PRODUCT,
    STOCK,
    VEHICLE,
    VENUE,
)
from territory.model import (
    DriverRules,
    Hub,
    IsoWeek,
    Opening,
    OrderLine,
    ServiceSettings,
    Territory,
    TimeWindow,
    Weekday,
    Zone,
    opening_from_windows,
)
from territory.reader import load_territory
from territory.writer import write_territory

__all__ = [
    "ImportSummary",
    "default_cutoff",
    "export_territory",
    "import_territory",
    "territory_from_db",
]


@dataclass(frozen=True)
class ImportSummary:
    """Counts of what :func:`import_territory` wrote."""

    venues: int
    producers: int
    products: int
    vehicles: int
    order_lines: int
    weeks: tuple[str, ...]

    def __str__(self) -> str:
        return (
            f"{self.venues} venues, {self.producers} producers, {self.products} products, "
            f"{self.vehicles} vehicles, {self.order_lines} order lines "
            f"({', '.join(self.weeks) or 'no week'})"
        )


def default_cutoff(week: IsoWeek, timezone: str) -> dt.datetime:
    """Default order cut-off of a week: the Thursday before it, 12:00 local time, as UTC."""
    from zoneinfo import ZoneInfo

    thursday = week.monday() - dt.timedelta(days=4)
    local = dt.datetime.combine(thursday, dt.time(12, 0), tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC)


def _venue_extras(folder: Path) -> dict[str, dict[str, str]]:
    """Cells of the undeclared venues.csv columns: venue id -> column -> text."""
    declared = set(VENUE.columns)
    with (folder / VENUE.file).open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["id"].strip(): {
                k: v for k, v in row.items() if k and k not in declared and v is not None
            }
            for row in csv.DictReader(handle)
            if row.get("id")
        }


def _openings(site_id: str, opening: Opening) -> list[OpeningRow]:
    return [
        OpeningRow(site_id=site_id, weekday=day, start_min=w.start_min, end_min=w.end_min)
        for day, windows in opening.items()
        for w in windows
    ]


def import_territory(session: Session, folder: str | Path) -> ImportSummary:
    """Validate a territory folder and write it into the database.

    Records with the same id are replaced; stock, offers, opening hours, order
    history and the orders imported earlier are replaced as a whole.  Orders placed
    through the API are kept.  An order window is created for each imported week
    that has none (cut-off from :func:`default_cutoff`).

    Raises
    ------
    InputError
        Listing every problem of the folder (nothing is written then).
    """
    territory = load_territory(folder)
    extras = _venue_extras(territory.folder)
    hub = territory.hub
    for table in (OpeningRow, StockRow, OfferRow, OrderHistoryRow):
        session.execute(delete(table))
    imported = select(OrderRow.id).where(OrderRow.source == "import")
    session.execute(delete(OrderEventRow).where(OrderEventRow.order_id.in_(imported)))
    session.execute(delete(OrderLineRow).where(OrderLineRow.order_id.in_(imported)))
    session.execute(delete(OrderRow).where(OrderRow.source == "import"))
    session.execute(delete(HubRow))
    session.execute(delete(ZoneRow))
    session.flush()
    session.add(
        HubRow(
            id=hub.id,
            name=hub.name,
            lon=hub.lon,
            lat=hub.lat,
            timezone=hub.timezone,
            address=hub.address,
            week=str(hub.week) if hub.week else None,
            service={
                "default_service_min": hub.service.default_service_min,
                "handling_s_per_unit": hub.service.handling_s_per_unit,
                "loading_min": hub.service.loading_min,
            },
            driver={
                "max_shift_h": hub.driver.max_shift_h,
                "break_after_h": hub.driver.break_after_h,
                "break_min": hub.driver.break_min,
            },
            co2=dict(hub.co2),
            network={k: str(v) for k, v in hub.network.items()},
        )
    )
    session.add_all(_openings(hub.id, hub.opening))
    for i, o in enumerate(territory.organisations):
        session.merge(OrganisationRow(**ORGANISATION.to_db(o), position=i))
    for i, z in enumerate(territory.zones):
        session.add(ZoneRow(name=z.name, geometry=dict(mapping(z.geometry)), position=i))
    session.flush()
    for i, v in enumerate(territory.venues):
        session.merge(VenueRow(**VENUE.to_db(v), extra=extras.get(v.id, {}), position=i))
        session.add_all(_openings(v.id, v.opening))
    for i, p in enumerate(territory.producers):
        session.merge(ProducerRow(**PRODUCER.to_db(p), position=i))
        session.add_all(_openings(p.id, p.opening))
    for i, pr in enumerate(territory.products):
        session.merge(ProductRow(**PRODUCT.to_db(pr), position=i))
    for i, ve in enumerate(territory.vehicles):
        session.merge(VehicleRow(**VEHICLE.to_db(ve), position=i))
    session.flush()
    session.add_all(StockRow(**STOCK.to_db(s)) for s in territory.stock)
    session.add_all(OfferRow(**OFFER.to_db(o)) for o in territory.offers)
    session.add_all(OrderHistoryRow(**ORDER_LINE.to_db(h)) for h in territory.orders_history)
    orders: dict[tuple[str, str], OrderRow] = {}
    for line in territory.orders:
        key = (str(line.week), line.venue_id)
        if key not in orders:
            orders[key] = OrderRow(week=key[0], venue_id=key[1], source="import")
            session.add(orders[key])
    session.flush()
    for line in territory.orders:  # line ids in file order: the export keeps the order
        order = orders[(str(line.week), line.venue_id)]
        session.add(
            OrderLineRow(order_id=order.id, product_id=line.product_id, quantity=line.quantity)
        )
    session.flush()
    for order in orders.values():
        session.refresh(order)
        session.add(
            OrderEventRow(
                order_id=order.id, user_id=None, username="import", action="imported",
                version=1, lines=[
                    {"product_id": x.product_id, "quantity": x.quantity} for x in order.lines
                ],
            )
        )  # fmt: skip
    weeks = sorted({key[0] for key in orders})
    for week in weeks:
        exists = session.scalar(select(OrderWindowRow).where(OrderWindowRow.week == week))
        if exists is None:
            session.add(
                OrderWindowRow(
                    week=week, cutoff_at=default_cutoff(IsoWeek.parse(week), hub.timezone)
                )
            )
    return ImportSummary(
        venues=len(territory.venues),
        producers=len(territory.producers),
        products=len(territory.products),
        vehicles=len(territory.vehicles),
        order_lines=len(territory.orders),
        weeks=tuple(weeks),
    )


# --------------------------------------------------------------------- read
def _opening_by_site(session: Session) -> dict[str, list[tuple[Weekday, TimeWindow]]]:
    by_site: dict[str, list[tuple[Weekday, TimeWindow]]] = {}
    for row in session.scalars(select(OpeningRow).order_by(OpeningRow.id)):
        by_site.setdefault(row.site_id, []).append(
            (row.weekday, TimeWindow(row.start_min, row.end_min))  # type: ignore[arg-type]
        )
    return by_site


def active_order_lines(session: Session, week: str | None = None) -> list[OrderLine]:
    """Lines of active orders (all weeks, or one), in the order they were written."""
    query = (
        select(OrderRow.week, OrderRow.venue_id, OrderLineRow.product_id, OrderLineRow.quantity)
        .join(OrderLineRow, OrderLineRow.order_id == OrderRow.id)
        .where(OrderRow.status == "active")
        .order_by(OrderLineRow.id)
    )
    if week is not None:
        query = query.where(OrderRow.week == week)
    return [
        OrderLine(IsoWeek.parse(w), venue, product, quantity)
        for w, venue, product, quantity in session.execute(query)
    ]


def territory_from_db(session: Session, folder: Path, *, week: str | None = None) -> Territory:
    """The domain territory held by the database, with the active orders (of ``week``).

    Raises
    ------
    LookupError
        When no territory was imported (no hub).
    InputError
        When the records are inconsistent (a domain check fails).
    """
    hub_row = session.scalar(select(HubRow))
    if hub_row is None:
        raise LookupError("no territory in the database: run foodhub db import TERRITORY")
    opening = _opening_by_site(session)
    hub = Hub(
        id=hub_row.id,
        name=hub_row.name,
        lon=hub_row.lon,
        lat=hub_row.lat,
        timezone=hub_row.timezone,
        address=hub_row.address,
        week=IsoWeek.parse(hub_row.week) if hub_row.week else None,
        opening=opening_from_windows(opening.get(hub_row.id, [])),
        service=ServiceSettings(**hub_row.service),
        driver=DriverRules(**hub_row.driver),
        co2=hub_row.co2,
        network={k: Path(v) for k, v in hub_row.network.items()},
    )

    def ordered(model: Any) -> Sequence[Any]:
        return list(session.scalars(select(model).order_by(model.position)))

    return Territory(
        folder=folder,
        hub=hub,
        organisations=tuple(ORGANISATION.from_db(o) for o in ordered(OrganisationRow)),
        venues=tuple(
            VENUE.from_db(v, opening=opening_from_windows(opening.get(v.id, [])))
            for v in ordered(VenueRow)
        ),
        producers=tuple(
            PRODUCER.from_db(p, opening=opening_from_windows(opening.get(p.id, [])))
            for p in ordered(ProducerRow)
        ),
        products=tuple(PRODUCT.from_db(p) for p in ordered(ProductRow)),
        vehicles=tuple(VEHICLE.from_db(v) for v in ordered(VehicleRow)),
        orders=tuple(active_order_lines(session, week)),
        orders_history=tuple(
            ORDER_LINE.from_db(h)
            for h in session.scalars(select(OrderHistoryRow).order_by(OrderHistoryRow.id))
        ),
        stock=tuple(
            STOCK.from_db(s) for s in session.scalars(select(StockRow).order_by(StockRow.id))
        ),
        offers=tuple(
            OFFER.from_db(o) for o in session.scalars(select(OfferRow).order_by(OfferRow.id))
        ),
        zones=tuple(Zone(z.name, shape(z.geometry)) for z in ordered(ZoneRow)),
    )


# -------------------------------------------------------------------- write
def export_territory(session: Session, out: str | Path) -> list[Path]:
    """Write the database's territory as a folder (created if missing).

    The territory is :func:`territory_from_db` written by
    :func:`territory.writer.write_territory`, with the extra venue columns kept at
    import.  Every order line of an active order is written to ``orders.csv``;
    road-network paths are absolute.  Returns the files written.

    Raises
    ------
    LookupError
        When no territory was imported.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    territory = territory_from_db(session, folder.resolve())
    extras = {v.id: v.extra for v in session.scalars(select(VenueRow))}
    return write_territory(territory, folder, extra_columns=extras)
