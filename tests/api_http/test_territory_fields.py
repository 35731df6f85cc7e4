"""One declaration per record (territory.fields) drives every face: CSV, database, API.

For every declared field of every CSV-backed record: the database row has its
column, the import stores the record's value there, ``territory_from_db`` gives it
back, the export writes it to its CSV column, the public schema shows it (unless
declared private) and the API answers the stored value.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy import inspect, select

from api.db import open_database
from api.db.models import (
    OfferRow,
    OrderHistoryRow,
    OrganisationRow,
    ProducerRow,
    ProductRow,
    StockRow,
    VehicleRow,
    VenueRow,
)
from api.db.territory_io import export_territory, territory_from_db
from api.schemas import territory as schemas
from territory import load_territory
from territory.fields import (
    ALL_RECORDS,
    OFFER,
    ORDER_LINE,
    ORGANISATION,
    PRODUCER,
    PRODUCT,
    STOCK,
    VEHICLE,
    VENUE,
    RecordFields,
)
from tests.api_http.conftest import Seeded, login

ROWS: dict[str, type[Any]] = {
    ORGANISATION.file: OrganisationRow,
    VENUE.file: VenueRow,
    PRODUCER.file: ProducerRow,
    PRODUCT.file: ProductRow,
    VEHICLE.file: VehicleRow,
    ORDER_LINE.file: OrderHistoryRow,  # orders.csv lines go to orders/order_lines (by hand)
    STOCK.file: StockRow,
    OFFER.file: OfferRow,
}
PUBLIC: dict[str, tuple[type[BaseModel], set[str]]] = {
    ORGANISATION.file: (schemas.OrganisationPublic, set()),
    VENUE.file: (schemas.VenuePublic, set()),
    PRODUCER.file: (schemas.ProducerPublic, set()),
    PRODUCT.file: (schemas.ProductPublic, set()),
    VEHICLE.file: (schemas.VehiclePublic, set()),
    STOCK.file: (schemas.StockPublic, {"id"}),
    OFFER.file: (schemas.OfferPublic, {"id"}),
}
# the list's path, and the attribute keying its items
ENDPOINTS = {
    VENUE.file: ("/venues", "id"),
    PRODUCER.file: ("/producers", "id"),
    PRODUCT.file: ("/products", "id"),
    VEHICLE.file: ("/vehicles", "id"),
    ORGANISATION.file: ("/organisations", "id"),
    STOCK.file: ("/stock", "lot"),
}


def test_every_record_has_a_row_and_a_public_schema() -> None:
    assert set(ROWS) == {spec.file for spec in ALL_RECORDS}
    assert set(PUBLIC) == set(ROWS) - {ORDER_LINE.file}


@pytest.mark.parametrize("spec", ALL_RECORDS, ids=lambda s: s.file)
def test_every_declared_field_has_a_database_column(spec: RecordFields[Any]) -> None:
    columns = {c.key for c in inspect(ROWS[spec.file]).columns}
    missing = [f.db for f in spec.fields if f.db not in columns]
    assert missing == []


@pytest.mark.parametrize("file", sorted(PUBLIC))
def test_public_schema_shows_exactly_the_public_fields(file: str) -> None:
    spec = next(s for s in ALL_RECORDS if s.file == file)
    model, added = PUBLIC[file]
    public = {f.db for f in spec.fields if f.public}
    assert set(model.model_fields) == public | added
    for f in spec.fields:
        if f.public:
            info = model.model_fields[f.db]
            assert info.is_required() is not f.nullable, f.db
            assert info.description == f.description


def test_create_bodies_name_the_declared_fields() -> None:
    assert set(schemas.ProductCreate.model_fields) == {f.attr for f in PRODUCT.fields}
    assert set(schemas.ProductUpdate.model_fields) == {f.attr for f in PRODUCT.fields} - {"id"}
    assert set(schemas.StockCreate.model_fields) == {f.attr for f in STOCK.fields}
    assert set(schemas.OfferCreate.model_fields) == {f.attr for f in OFFER.fields}


def test_every_field_survives_folder_database_folder_and_reaches_the_api(
    seeded: Seeded, client: httpx.Client
) -> None:
    source = load_territory(seeded.territory)
    records = {
        ORGANISATION.file: source.organisations,
        VENUE.file: source.venues,
        PRODUCER.file: source.producers,
        PRODUCT.file: source.products,
        VEHICLE.file: source.vehicles,
        ORDER_LINE.file: source.orders_history,
        STOCK.file: source.stock,
        OFFER.file: source.offers,
    }
    out = seeded.territory.parent / "exported"
    database = open_database(seeded.settings.database_url)
    with database.read() as session:
        for spec in ALL_RECORDS:  # import stored every field's value in its column
            row_type = ROWS[spec.file]
            order = getattr(row_type, "position", row_type.id)
            rows = session.scalars(select(row_type).order_by(order))
            stored = [{f.db: getattr(row, f.db) for f in spec.fields} for row in rows]
            assert stored == [spec.to_db(r) for r in records[spec.file]], spec.file
        from_db = territory_from_db(session, seeded.territory)
        export_territory(session, out)
    database.dispose()
    assert from_db.venues == source.venues and from_db.vehicles == source.vehicles
    assert from_db.orders_history == source.orders_history and from_db.stock == source.stock
    exported = load_territory(out)
    for spec in ALL_RECORDS:  # every declared column is written, and read back equal
        with (out / spec.file).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header[: len(spec.columns)] == list(spec.columns)
    assert exported.venues == source.venues
    assert exported.producers == source.producers
    assert exported.products == source.products
    assert exported.vehicles == source.vehicles
    assert exported.organisations == source.organisations
    assert exported.stock == source.stock and exported.offers == source.offers
    assert exported.orders_history == source.orders_history
    headers = login(client, "coord")
    for file, (path, key) in ENDPOINTS.items():  # the API answers every public stored value
        spec = next(s for s in ALL_RECORDS if s.file == file)
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, answer.text
        by_key = {item[key]: item for item in answer.json()}
        for record in records[file]:
            item = by_key[getattr(record, key)]
            stored = spec.to_db(record)
            for f in spec.fields:
                if f.public:
                    expected = stored[f.db]
                    if isinstance(expected, dt.date):
                        expected = expected.isoformat()
                    assert item[f.db] == expected, (file, f.db)
                else:
                    assert f.db not in item, (file, f.db)
