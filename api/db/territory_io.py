"""Territory folder <-> database: ``foodhub db import`` / ``foodhub db export``.

:func:`import_territory` validates a folder with :func:`territory.reader.load_territory`
and writes every record; :func:`export_territory` writes a folder back.  The round
trip is lossless: loading the exported folder gives a territory equal to the imported
one (record by record, in file order), and extra venue columns are kept.
:func:`territory_from_db` builds the domain :class:`~territory.model.Territory` the
planner needs, with the orders placed through the API.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Sequence
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
from territory.model import (
    DriverRules,
    Hub,
    IsoWeek,
    Offer,
    Opening,
    OrderLine,
    Organisation,
    Producer,
    Product,
    ServiceSettings,
    StockLot,
    Territory,
    TimeWindow,
    Vehicle,
    Venue,
    Weekday,
    Zone,
    format_minutes,
    opening_from_windows,
)
from territory.reader import load_territory

__all__ = [
    "ImportSummary",
    "default_cutoff",
    "export_territory",
    "import_territory",
    "territory_from_db",
]

_VENUE_COLUMNS = (
    "id", "name", "kind", "organisation_id", "lon", "lat", "address", "contact", "households",
    "delivery_days", "deliveries_per_week", "access", "service_min", "accepts_substitutes",
)  # fmt: skip


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
    path = folder / "venues.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["id"].strip(): {
                k: v for k, v in row.items() if k and k not in _VENUE_COLUMNS and v is not None
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
        session.merge(
            OrganisationRow(id=o.id, name=o.name, kind=o.kind, contact=o.contact, position=i)
        )
    for i, z in enumerate(territory.zones):
        session.add(ZoneRow(name=z.name, geometry=dict(mapping(z.geometry)), position=i))
    session.flush()
    for i, v in enumerate(territory.venues):
        session.merge(
            VenueRow(
                id=v.id, name=v.name, kind=v.kind, organisation_id=v.organisation_id,
                lon=v.lon, lat=v.lat, households=v.households,
                delivery_days=";".join(v.delivery_days), access=v.access,
                service_min=v.service_min, address=v.address, contact=v.contact,
                deliveries_per_week=v.deliveries_per_week,
                accepts_substitutes=v.accepts_substitutes,
                extra=extras.get(v.id, {}), position=i,
            )
        )  # fmt: skip
        session.add_all(_openings(v.id, v.opening))
    for i, p in enumerate(territory.producers):
        session.merge(
            ProducerRow(
                id=p.id, name=p.name, organisation_id=p.organisation_id, lon=p.lon, lat=p.lat,
                field_m2=p.field_m2, greenhouse_m2=p.greenhouse_m2, address=p.address,
                position=i,
            )
        )  # fmt: skip
        session.add_all(_openings(p.id, p.opening))
    for i, pr in enumerate(territory.products):
        session.merge(
            ProductRow(
                id=pr.id, name=pr.name, category=pr.category, temperature=pr.temperature,
                unit=pr.unit, unit_kg=pr.unit_kg, unit_l=pr.unit_l,
                shelf_life_days=pr.shelf_life_days, price_eur=pr.price_eur, position=i,
            )
        )  # fmt: skip
    for i, ve in enumerate(territory.vehicles):
        session.merge(
            VehicleRow(
                id=ve.id, name=ve.name, organisation_id=ve.organisation_id, kind=ve.kind,
                profile=ve.profile, capacity_kg=ve.capacity_kg, capacity_l=ve.capacity_l,
                chilled_l=ve.chilled_l, frozen_l=ve.frozen_l, fixed_cost_eur=ve.fixed_cost_eur,
                cost_per_km_eur=ve.cost_per_km_eur, cost_per_h_eur=ve.cost_per_h_eur,
                co2_g_per_km=ve.co2_g_per_km, shift_start_min=ve.shift.start_min,
                shift_end_min=ve.shift.end_min, days=";".join(ve.days),
                max_trips=ve.max_trips, zone=ve.zone, position=i,
            )
        )  # fmt: skip
    session.flush()
    session.add_all(
        StockRow(product_id=s.product_id, lot=s.lot, quantity=s.quantity, expiry=s.expiry)
        for s in territory.stock
    )
    session.add_all(
        OfferRow(producer_id=o.producer_id, product_id=o.product_id, quantity=o.quantity, day=o.day)
        for o in territory.offers
    )
    session.add_all(
        OrderHistoryRow(
            week=str(h.week), venue_id=h.venue_id, product_id=h.product_id, quantity=h.quantity
        )
        for h in territory.orders_history
    )
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


def _days(text: str) -> tuple[Weekday, ...]:
    return tuple(text.split(";"))  # type: ignore[arg-type]


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
        organisations=tuple(
            Organisation(o.id, o.name, o.kind, o.contact) for o in ordered(OrganisationRow)
        ),
        venues=tuple(
            Venue(
                id=v.id,
                name=v.name,
                kind=v.kind,
                organisation_id=v.organisation_id,
                lon=v.lon,
                lat=v.lat,
                households=v.households,
                delivery_days=_days(v.delivery_days),
                access=v.access,
                service_min=v.service_min,
                opening=opening_from_windows(opening.get(v.id, [])),
                address=v.address,
                contact=v.contact,
                deliveries_per_week=v.deliveries_per_week,
                accepts_substitutes=v.accepts_substitutes,
            )
            for v in ordered(VenueRow)
        ),
        producers=tuple(
            Producer(
                id=p.id,
                name=p.name,
                organisation_id=p.organisation_id,
                lon=p.lon,
                lat=p.lat,
                field_m2=p.field_m2,
                greenhouse_m2=p.greenhouse_m2,
                opening=opening_from_windows(opening.get(p.id, [])),
                address=p.address,
            )
            for p in ordered(ProducerRow)
        ),
        products=tuple(
            Product(
                id=p.id,
                name=p.name,
                category=p.category,
                temperature=p.temperature,
                unit=p.unit,
                unit_kg=p.unit_kg,
                unit_l=p.unit_l,
                shelf_life_days=p.shelf_life_days,
                price_eur=p.price_eur,
            )
            for p in ordered(ProductRow)
        ),
        vehicles=tuple(
            Vehicle(
                id=v.id,
                name=v.name,
                organisation_id=v.organisation_id,
                kind=v.kind,
                profile=v.profile,
                capacity_kg=v.capacity_kg,
                capacity_l=v.capacity_l,
                chilled_l=v.chilled_l,
                frozen_l=v.frozen_l,
                fixed_cost_eur=v.fixed_cost_eur,
                cost_per_km_eur=v.cost_per_km_eur,
                cost_per_h_eur=v.cost_per_h_eur,
                co2_g_per_km=v.co2_g_per_km,
                shift=TimeWindow(v.shift_start_min, v.shift_end_min),
                days=_days(v.days),
                max_trips=v.max_trips,
                zone=v.zone,
            )
            for v in ordered(VehicleRow)
        ),
        orders=tuple(active_order_lines(session, week)),
        orders_history=tuple(
            OrderLine(IsoWeek.parse(h.week), h.venue_id, h.product_id, h.quantity)
            for h in session.scalars(select(OrderHistoryRow).order_by(OrderHistoryRow.id))
        ),
        stock=tuple(
            StockLot(s.product_id, s.lot, s.quantity, s.expiry)
            for s in session.scalars(select(StockRow).order_by(StockRow.id))
        ),
        offers=tuple(
            Offer(o.producer_id, o.product_id, o.quantity, o.day)  # type: ignore[arg-type]
            for o in session.scalars(select(OfferRow).order_by(OfferRow.id))
        ),
        zones=tuple(Zone(z.name, shape(z.geometry)) for z in ordered(ZoneRow)),
    )


# -------------------------------------------------------------------- write
def _number(value: float | int) -> str:
    return (
        repr(value)
        if isinstance(value, float) and value != int(value)
        else str(int(value) if isinstance(value, float) else value)
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return _number(value)
    return str(value)


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_text(x) for x in row] for row in rows)


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _hub_toml(hub: Hub) -> str:
    lines = ["# Hub of the territory, written by foodhub db export."]
    for key, value in (
        ("id", hub.id), ("name", hub.name), ("address", hub.address), ("lon", hub.lon),
        ("lat", hub.lat), ("timezone", hub.timezone),
        ("week", str(hub.week) if hub.week else None),
    ):  # fmt: skip
        if value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    sections: list[tuple[str, dict[str, Any]]] = [
        ("service", {
            "default_service_min": hub.service.default_service_min,
            "handling_s_per_unit": hub.service.handling_s_per_unit,
            "loading_min": hub.service.loading_min,
        }),
        ("driver", {
            "max_shift_h": hub.driver.max_shift_h,
            "break_after_h": hub.driver.break_after_h,
            "break_min": hub.driver.break_min,
        }),
        ("co2", dict(hub.co2)),
        ("network", {k: str(v) for k, v in hub.network.items()}),
    ]  # fmt: skip
    for name, values in sections:
        lines += ["", f"[{name}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items() if v is not None]
    return "\n".join(lines) + "\n"


def export_territory(session: Session, out: str | Path) -> list[Path]:
    """Write the database's territory as a folder (created if missing).

    Every order line of an active order is written to ``orders.csv``; road-network
    paths are absolute.  Returns the files written.

    Raises
    ------
    LookupError
        When no territory was imported.
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    t = territory_from_db(session, folder.resolve())
    written: list[Path] = []

    def path(name: str) -> Path:
        written.append(folder / name)
        return folder / name

    path("hub.toml").write_text(_hub_toml(t.hub), encoding="utf-8")
    _write_csv(
        path("organisations.csv"),
        ("id", "name", "kind", "contact"),
        ((o.id, o.name, o.kind, o.contact) for o in t.organisations),
    )
    extras = {v.id: v.extra for v in session.scalars(select(VenueRow))}
    extra_columns = sorted({k for e in extras.values() for k in e})
    _write_csv(
        path("venues.csv"),
        (*_VENUE_COLUMNS, *extra_columns),
        (
            (
                v.id, v.name, v.kind, v.organisation_id, v.lon, v.lat, v.address, v.contact,
                v.households, ";".join(v.delivery_days), v.deliveries_per_week, v.access,
                v.service_min, v.accepts_substitutes,
                *(extras.get(v.id, {}).get(c, "") for c in extra_columns),
            )
            for v in t.venues
        ),
    )  # fmt: skip
    sites = [(t.hub.id, t.hub.opening)] + [(v.id, v.opening) for v in t.venues]
    sites += [(p.id, p.opening) for p in t.producers]
    _write_csv(
        path("opening_hours.csv"),
        ("site_id", "weekday", "start", "end"),
        (
            (site, day, format_minutes(w.start_min), format_minutes(w.end_min))
            for site, opening in sites
            for day, windows in opening.items()
            for w in windows
        ),
    )
    _write_csv(
        path("producers.csv"),
        ("id", "name", "organisation_id", "lon", "lat", "address", "field_m2", "greenhouse_m2"),
        (
            (p.id, p.name, p.organisation_id, p.lon, p.lat, p.address, p.field_m2, p.greenhouse_m2)
            for p in t.producers
        ),
    )
    _write_csv(
        path("products.csv"),
        ("id", "name", "category", "temperature", "unit", "unit_kg", "unit_l",
         "shelf_life_days", "price_eur"),
        (
            (p.id, p.name, p.category, p.temperature, p.unit, p.unit_kg, p.unit_l,
             p.shelf_life_days, p.price_eur)
            for p in t.products
        ),
    )  # fmt: skip
    _write_csv(
        path("vehicles.csv"),
        ("id", "name", "organisation_id", "kind", "profile", "capacity_kg", "capacity_l",
         "chilled_l", "frozen_l", "fixed_cost_eur", "cost_per_km_eur", "cost_per_h_eur",
         "co2_g_per_km", "shift_start", "shift_end", "days", "max_trips", "zone"),
        (
            (v.id, v.name, v.organisation_id, v.kind, v.profile, v.capacity_kg, v.capacity_l,
             v.chilled_l, v.frozen_l, v.fixed_cost_eur, v.cost_per_km_eur, v.cost_per_h_eur,
             v.co2_g_per_km, format_minutes(v.shift.start_min), format_minutes(v.shift.end_min),
             ";".join(v.days), v.max_trips, v.zone)
            for v in t.vehicles
        ),
    )  # fmt: skip
    for name, lines in (("orders.csv", t.orders), ("orders_history.csv", t.orders_history)):
        _write_csv(
            path(name),
            ("week", "venue_id", "product_id", "quantity"),
            ((str(x.week), x.venue_id, x.product_id, x.quantity) for x in lines),
        )
    _write_csv(
        path("stock.csv"),
        ("product_id", "lot", "quantity", "expiry"),
        ((s.product_id, s.lot, s.quantity, s.expiry.isoformat()) for s in t.stock),
    )
    _write_csv(
        path("offers.csv"),
        ("producer_id", "product_id", "quantity", "day"),
        ((o.producer_id, o.product_id, o.quantity, o.day) for o in t.offers),
    )
    if t.zones:
        collection = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": z.name}, "geometry": mapping(z.geometry)}
                for z in t.zones
            ],
        }
        path("zones.geojson").write_text(json.dumps(collection, indent=1), encoding="utf-8")
    return written
