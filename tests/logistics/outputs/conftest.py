"""A tiny hand-built territory and plan for the output tests.

Tuesday 1 December 2026 (week 2026-W49)::

    VAN1  trip 1: hub 08:00 -> V01 Épicerie (deliver A1, C1) -> P01 (pickup T1) -> hub 09:30
          trip 2: reload 09:45 -> V02 (deliver F1) -> break 10:30-11:00 -> hub 11:30
    BIKE1 trip 1: hub 08:30 -> V03 (deliver A1) -> hub 09:10

Thursday 3 December 2026::

    VAN1  trip 1: hub 08:00 -> V01 (deliver C1) -> hub 09:00
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from logistics.tables.files import DeliveryLine, PickupLine, PlanTables, RouteStop, UnservedLine
from territory.model import (
    Hub,
    Opening,
    Organisation,
    Producer,
    Product,
    Territory,
    TimeWindow,
    Vehicle,
    Venue,
    Weekday,
    opening_from_windows,
)

TUESDAY = dt.date(2026, 12, 1)
THURSDAY = dt.date(2026, 12, 3)
PARIS = ZoneInfo("Europe/Paris")


def _window(start: str, end: str) -> TimeWindow:
    def minutes(text: str) -> int:
        hours, mins = text.split(":")
        return int(hours) * 60 + int(mins)

    return TimeWindow(minutes(start), minutes(end))


def _opening(*windows: tuple[Weekday, str, str]) -> Opening:
    return opening_from_windows((day, _window(start, end)) for day, start, end in windows)


def make_territory() -> Territory:
    hub = Hub(
        id="hub",
        name="Pôle alimentaire Test",
        lon=3.876,
        lat=43.611,
        address="1 rue du Test, 34000 Montpellier",
    )
    organisations = (Organisation("O1", "Entraide", contact="04 67 00 00 01"),)
    venue_args = {
        "kind": "grocery",
        "organisation_id": "O1",
        "households": 50,
        "delivery_days": ("tue", "thu"),
        "access": "any",
        "service_min": 10.0,
    }
    venues = (
        Venue(
            id="V01",
            name="Épicerie sociale Celleneuve",
            lon=3.846,
            lat=43.618,
            address="Allée Rubens, 34080 Montpellier",
            contact="04 65 71 99 21",
            opening=_opening(
                ("tue", "08:00", "12:00"), ("tue", "14:00", "18:00"), ("thu", "09:00", "12:00")
            ),
            **venue_args,  # type: ignore[arg-type]
        ),
        Venue(
            id="V02",
            name="Cuisine partagée & solidaire <Figuerolles>",
            lon=3.865,
            lat=43.606,
            address="Rue du Faubourg Figuerolles, 34070 Montpellier",
            contact="04 65 00 00 02",
            opening=_opening(("tue", "10:00", "16:00")),
            **venue_args,  # type: ignore[arg-type]
        ),
        Venue(
            id="V03",
            name="Distribution Écusson",
            lon=3.877,
            lat=43.6105,
            **venue_args,  # type: ignore[arg-type]
        ),
    )
    producers = (
        Producer(
            id="P01",
            name="Ferme des Garrigues",
            organisation_id="O1",
            lon=3.90,
            lat=43.64,
            field_m2=10000,
            greenhouse_m2=500,
            address="Chemin des Mas, 34170 Castelnau-le-Lez",
            opening=_opening(("tue", "07:00", "09:00")),
        ),
    )
    products = (
        Product("A1", "Pâtes complètes", "grocery", "ambient", "carton", 6.0, 10.0, 365, 8.0),
        Product("C1", "Yaourts nature", "dairy", "chilled", "caisse", 4.0, 6.0, 20, 6.0),
        Product("F1", "Légumes surgelés", "frozen", "frozen", "sac", 2.5, 3.0, 180, 5.0),
        Product("T1", "Tomates", "vegetables", "ambient", "cagette", 5.0, 12.0, 5, 12.0),
    )
    vehicle_args = {
        "organisation_id": "O1",
        "fixed_cost_eur": 10.0,
        "cost_per_km_eur": 0.3,
        "cost_per_h_eur": 20.0,
        "co2_g_per_km": 200.0,
        "shift": _window("07:00", "15:00"),
        "days": ("mon", "tue", "wed", "thu", "fri"),
    }
    vehicles = (
        Vehicle(
            id="VAN1",
            name="Fourgon frigorifique",
            kind="refrigerated_van",
            profile="drive",
            capacity_kg=1000.0,
            capacity_l=6000.0,
            chilled_l=2000.0,
            frozen_l=500.0,
            max_trips=2,
            **vehicle_args,  # type: ignore[arg-type]
        ),
        Vehicle(
            id="BIKE1",
            name="Vélo cargo",
            kind="cargo_bike",
            profile="bike",
            capacity_kg=150.0,
            capacity_l=500.0,
            chilled_l=0.0,
            frozen_l=0.0,
            **vehicle_args,  # type: ignore[arg-type]
        ),
    )
    return Territory(
        folder=Path("/nonexistent"),
        hub=hub,
        organisations=organisations,
        venues=venues,
        producers=producers,
        products=products,
        vehicles=vehicles,
    )


def _at(day: dt.date, text: str) -> dt.datetime:
    hours, minutes = text.split(":")
    return dt.datetime(day.year, day.month, day.day, int(hours), int(minutes), tzinfo=PARIS)


def _stop(
    day: dt.date,
    vehicle: str,
    trip: int,
    seq: int,
    site: str,
    kind: str,
    action: str,
    arrival: str,
    departure: str,
    distance_m: int,
    load_kg: float,
    chilled_l: float = 0.0,
    frozen_l: float = 0.0,
) -> RouteStop:
    arrive = _at(day, arrival)
    leave = _at(day, departure)
    return RouteStop(
        day=day,
        vehicle_id=vehicle,
        trip=trip,
        seq=seq,
        site_id=site,
        site_kind=kind,
        action=action,
        arrival=arrive,
        service_start=arrive,
        departure=leave,
        distance_m=distance_m,
        duration_s=distance_m // 8,
        load_kg=load_kg,
        load_l=load_kg * 2,
        chilled_l=chilled_l,
        frozen_l=frozen_l,
    )


def make_tables() -> PlanTables:
    tue, thu = TUESDAY, THURSDAY
    routes = (
        _stop(tue, "VAN1", 1, 0, "hub", "hub", "start", "07:45", "08:00", 0, 100, 30),
        _stop(tue, "VAN1", 1, 1, "V01", "venue", "deliver", "08:20", "08:35", 3500, 40),
        _stop(tue, "VAN1", 1, 2, "P01", "producer", "pickup", "08:55", "09:10", 7000, 90),
        _stop(tue, "VAN1", 2, 3, "hub", "hub", "reload", "09:30", "09:45", 4500, 10, 0, 8),
        _stop(tue, "VAN1", 2, 4, "V02", "venue", "deliver", "10:00", "10:30", 1200, 0),
        _stop(tue, "VAN1", 2, 5, "V02", "venue", "break", "10:30", "11:00", 0, 0),
        _stop(tue, "VAN1", 2, 6, "hub", "hub", "end", "11:30", "11:30", 1200, 0),
        _stop(tue, "BIKE1", 1, 0, "hub", "hub", "start", "08:30", "08:30", 0, 12),
        _stop(tue, "BIKE1", 1, 1, "V03", "venue", "deliver", "08:50", "09:00", 300, 0),
        _stop(tue, "BIKE1", 1, 2, "hub", "hub", "end", "09:10", "09:10", 300, 0),
        _stop(thu, "VAN1", 1, 0, "hub", "hub", "start", "08:00", "08:00", 0, 20, 12),
        _stop(thu, "VAN1", 1, 1, "V01", "venue", "deliver", "08:25", "08:40", 3500, 0),
        _stop(thu, "VAN1", 1, 2, "hub", "hub", "end", "09:00", "09:00", 3500, 0),
    )
    deliveries = (
        DeliveryLine(tue, "VAN1", 1, 1, "V01", "A1", 10),
        DeliveryLine(tue, "VAN1", 1, 1, "V01", "C1", 5),
        DeliveryLine(tue, "VAN1", 2, 4, "V02", "F1", 4),
        DeliveryLine(tue, "BIKE1", 1, 1, "V03", "A1", 2),
        DeliveryLine(thu, "VAN1", 1, 1, "V01", "C1", 3),
    )
    pickups = (PickupLine(tue, "VAN1", 1, 2, "P01", "T1", 10),)
    unserved = (UnservedLine("V03", "F1", 2, "Le vélo cargo n'a pas de compartiment surgelé."),)
    return PlanTables(routes, deliveries, pickups, unserved)


@pytest.fixture
def territory() -> Territory:
    return make_territory()


@pytest.fixture
def tables() -> PlanTables:
    return make_tables()
