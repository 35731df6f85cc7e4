"""Checks of one vehicle's day in ``routes.csv``: order, travel, times, loads, compatibility.

Internal to :mod:`logistics.check.plan`, whose docstring states the rules.
"""

from __future__ import annotations

from datetime import date

from logistics.check.context import (
    DISTANCE_TOLERANCE_M,
    LOAD_TOLERANCE,
    TIME_TOLERANCE_S,
    Context,
    clock,
    day_label,
    number,
    span,
)
from logistics.load import Load
from logistics.tables.files import RouteStop
from territory.model import Vehicle, weekday_of

__all__ = ["check_vehicle_day"]

_DIMENSIONS = (
    ("kg", "kg", "capacity_kg"),
    ("litres of ambient goods", "litres", "capacity_l"),
    ("litres of chilled goods", "litres", "chilled_l"),
    ("litres of frozen goods", "litres", "frozen_l"),
)


class _Day:
    """One vehicle's day: its rows (sorted by seq) and how to locate a message."""

    def __init__(
        self, ctx: Context, day: date, vehicle_id: str, rows: list[tuple[int, RouteStop]]
    ) -> None:
        self.ctx = ctx
        self.day = day
        self.vehicle_id = vehicle_id
        self.rows = sorted(rows, key=lambda item: (item[1].seq, item[0]))

    def where(self, stop: RouteStop) -> str:
        return (
            f"{day_label(self.day)}, {self.vehicle_id} trip {stop.trip}, stop {stop.seq} "
            f"({self.ctx.site_label(stop.site_id)})"
        )

    def whole_day(self) -> str:
        return f"{day_label(self.day)}, {self.vehicle_id}"

    def add(self, kind: str, message: str, row: int | None = None, site: str | None = None) -> None:
        self.ctx.add(kind, message, day=self.day, vehicle_id=self.vehicle_id, site_id=site, row=row)

    def at(self, kind: str, row: int, stop: RouteStop, what: str) -> None:
        self.add(kind, f"{self.where(stop)}: {what}", row, stop.site_id)

    def t(self, moment_of: RouteStop, attribute: str) -> float:
        return self.ctx.seconds(self.day, getattr(moment_of, attribute))


def check_vehicle_day(
    ctx: Context, day: date, vehicle_id: str, rows: list[tuple[int, RouteStop]]
) -> None:
    """Append every violation of one vehicle's day to ``ctx.out``."""
    vd = _Day(ctx, day, vehicle_id, rows)
    vehicle = ctx.territory.vehicles_by_id.get(vehicle_id)
    if vehicle is None:
        vd.add(
            "reference",
            f"{vd.whole_day()}: there is no vehicle {vehicle_id} in vehicles.csv.",
            vd.rows[0][0],
        )
        return
    if not _structure(vd):
        return
    _calendar(vd, vehicle)
    _travel(vd, vehicle)
    _times(vd, vehicle)
    _working_time(vd, vehicle)
    _loads(vd, vehicle)
    _compatibility(vd, vehicle)


def _structure(vd: _Day) -> bool:
    """Sequence rules; ``False`` when the day is too broken to check further."""
    ctx = vd.ctx
    numbers = [stop.seq for _, stop in vd.rows]
    if numbers != list(range(1, len(numbers) + 1)):
        listed = ", ".join(str(n) for n in numbers[:12]) + (" ..." if len(numbers) > 12 else "")
        vd.add(
            "sequence",
            f"{vd.whole_day()}: the stops are numbered {listed}; they must run 1, 2, 3 ... "
            "without gaps or repeats.",
            vd.rows[0][0],
        )
        return False
    sound = True
    for row, stop in vd.rows:
        site = ctx.sites.get(stop.site_id)
        if site is None:
            vd.at("reference", row, stop, f"there is no site {stop.site_id} in the territory.")
            sound = False
            continue
        if site.kind != stop.site_kind:
            vd.at(
                "reference",
                row,
                stop,
                f"{stop.site_id} is a {site.kind}, not a {stop.site_kind} as the row says.",
            )
        expected = {
            "start": "hub",
            "reload": "hub",
            "end": "hub",
            "deliver": "venue",
            "pickup": "producer",
        }.get(stop.action)
        if expected is not None and site.kind != expected:
            vd.at(
                "sequence",
                row,
                stop,
                f"a {stop.action} must take place at "
                f"{'the' if expected == 'hub' else 'a'} {expected}, not at a {site.kind}.",
            )
    first_row, first = vd.rows[0]
    last_row, last = vd.rows[-1]
    if first.action != "start":
        vd.at("sequence", first_row, first, "the day must begin with a start at the hub.")
        sound = False
    if last.action != "end" or len(vd.rows) < 2:
        vd.at("sequence", last_row, last, "the day must finish with an end at the hub.")
        sound = False
    for row, stop in vd.rows[1:-1]:
        if stop.action in ("start", "end"):
            vd.at(
                "sequence",
                row,
                stop,
                f"{'a start' if stop.action == 'start' else 'an end'} row is only allowed "
                f"{'first' if stop.action == 'start' else 'last'}.",
            )
            sound = False
    trip = 1
    for row, stop in vd.rows:
        if stop.trip != trip:
            vd.at(
                "sequence",
                row,
                stop,
                f"this row should belong to trip {trip} (trips count "
                "from 1 and the next one begins after each reload).",
            )
            sound = False
            break
        if stop.action == "reload":
            trip += 1
    for (_, before), (row, stop) in zip(vd.rows, vd.rows[1:], strict=False):
        if stop.action == "break" and stop.site_id != before.site_id:
            vd.at(
                "sequence",
                row,
                stop,
                f"a break is taken where the previous stop was ({ctx.site_label(before.site_id)}).",
            )
            sound = False
    return sound


def _calendar(vd: _Day, vehicle: Vehicle) -> None:
    weekday = weekday_of(vd.day)
    row = vd.rows[0][0]
    if weekday not in vehicle.days:
        vd.add(
            "vehicle_day",
            f"{vd.whole_day()}: {vehicle.id} ({vehicle.name}) does not work "
            f"on {weekday} (it works {', '.join(vehicle.days)}).",
            row,
        )
    week = vd.ctx.week
    if week is not None and vd.day.isocalendar()[:2] != (week.year, week.week):
        vd.add("week", f"{vd.whole_day()}: this day is not in the planned week {week}.", row)
    trips = 1 + sum(stop.action == "reload" for _, stop in vd.rows)
    if trips > vehicle.max_trips:
        vd.add(
            "max_trips",
            f"{vd.whole_day()}: makes {trips} trips from the hub, "
            f"at most {vehicle.max_trips} allowed.",
            row,
        )


def _travel(vd: _Day, vehicle: Vehicle) -> None:
    ctx = vd.ctx
    first_row, first = vd.rows[0]
    if first.distance_m != 0:
        vd.at(
            "distance",
            first_row,
            first,
            f"the first stop has no travel before it, but the row says {first.distance_m} m.",
        )
    if first.duration_s != 0:
        vd.at(
            "duration",
            first_row,
            first,
            f"the first stop has no travel before it, but the row says {first.duration_s} s.",
        )
    duration_m, distance_m = ctx.matrices[vehicle.profile]
    for (_, before), (row, stop) in zip(vd.rows, vd.rows[1:], strict=False):
        if stop.action == "break":
            drive_s, drive_m = 0, 0
        else:
            i, j = ctx.site_index[before.site_id], ctx.site_index[stop.site_id]
            drive_s, drive_m = int(duration_m[i, j]), int(distance_m[i, j])
        if abs(stop.distance_m - drive_m) > DISTANCE_TOLERANCE_M:
            vd.at(
                "distance",
                row,
                stop,
                f"the row says {stop.distance_m} m from "
                f"{ctx.site_label(before.site_id)}, the {vehicle.profile} network says "
                f"{drive_m} m.",
            )
        if abs(stop.duration_s - drive_s) > TIME_TOLERANCE_S:
            vd.at(
                "duration",
                row,
                stop,
                f"the row says {span(stop.duration_s)} from "
                f"{ctx.site_label(before.site_id)}, the {vehicle.profile} network says "
                f"{span(drive_s)}.",
            )
        leave = vd.t(before, "departure")
        arrive = vd.t(stop, "arrival")
        if arrive < leave + drive_s - TIME_TOLERANCE_S:
            vd.at(
                "travel_time",
                row,
                stop,
                f"arrives {clock(arrive)}, but leaving "
                f"{ctx.site_label(before.site_id)} at {clock(leave)} with {span(drive_s)} "
                f"of travel it cannot be there before {clock(leave + drive_s)}.",
            )


def _units_at(vd: _Day, stop: RouteStop) -> int:
    key = (vd.day, vd.vehicle_id, stop.seq)
    return sum(line.quantity for _, line in vd.ctx.delivery_by_stop.get(key, ())) + sum(
        line.quantity for _, line in vd.ctx.pickup_by_stop.get(key, ())
    )


def _times(vd: _Day, vehicle: Vehicle) -> None:
    ctx = vd.ctx
    hub = ctx.territory.hub
    loading_s = hub.service.loading_min * 60
    weekday = weekday_of(vd.day)
    for row, stop in vd.rows:
        arrival, start, departure = (
            vd.t(stop, a) for a in ("arrival", "service_start", "departure")
        )
        if start < arrival - TIME_TOLERANCE_S:
            vd.at(
                "service",
                row,
                stop,
                f"service starts {clock(start)}, before the arrival {clock(arrival)}.",
            )
        if departure < start - TIME_TOLERANCE_S:
            vd.at(
                "service",
                row,
                stop,
                f"leaves {clock(departure)}, before the service starts {clock(start)}.",
            )
        if stop.action == "start":
            if arrival < vehicle.shift.start_min * 60 - TIME_TOLERANCE_S:
                vd.at(
                    "shift",
                    row,
                    stop,
                    f"starts {clock(arrival)}, before the shift of "
                    f"{vehicle.id} begins ({vehicle.shift}).",
                )
            windows = hub.opening.get(weekday)
            if windows and not any(
                w.start_min * 60 - TIME_TOLERANCE_S
                <= departure
                <= w.end_min * 60 + TIME_TOLERANCE_S
                for w in windows
            ):
                vd.at(
                    "hub_closed",
                    row,
                    stop,
                    f"leaves the hub {clock(departure)}, when it is "
                    f"closed (open {', '.join(str(w) for w in windows)}).",
                )
        if (
            stop.action in ("start", "reload")
            and departure < arrival + loading_s - TIME_TOLERANCE_S
        ):
            vd.at(
                "loading",
                row,
                stop,
                f"arrives {clock(arrival)} and leaves "
                f"{clock(departure)}: loading takes {span(loading_s)}.",
            )
        if stop.action == "end" and arrival > vehicle.shift.end_min * 60 + TIME_TOLERANCE_S:
            vd.at(
                "shift",
                row,
                stop,
                f"returns {clock(arrival)}, after the shift of "
                f"{vehicle.id} ends ({vehicle.shift}).",
            )
        if stop.action in ("deliver", "pickup"):
            _service_stop(vd, row, stop, start, departure)


def _service_stop(vd: _Day, row: int, stop: RouteStop, start: float, departure: float) -> None:
    ctx = vd.ctx
    hub = ctx.territory.hub
    site = ctx.sites[stop.site_id]
    windows = site.opening.get(weekday_of(vd.day), ())
    what = "opening hours" if site.kind == "venue" else "pickup hours"
    anytime = site.kind == "producer" and not windows  # a farm without pickup hours that day
    if not anytime and not any(
        w.start_min * 60 - TIME_TOLERANCE_S <= start <= w.end_min * 60 + TIME_TOLERANCE_S
        for w in windows
    ):
        hours = ", ".join(str(w) for w in windows) if windows else "closed that day"
        vd.at("opening_hours", row, stop, f"service starts {clock(start)}, {what} {hours}.")
    if site.kind == "venue":
        service_min = ctx.territory.venues_by_id[site.id].service_min
    else:
        service_min = hub.service.default_service_min
    units = _units_at(vd, stop)
    needed = service_min * 60 + hub.service.handling_s_per_unit * units
    if departure < start + needed - TIME_TOLERANCE_S:
        vd.at(
            "service",
            row,
            stop,
            f"service starts {clock(start)} and the vehicle leaves "
            f"{clock(departure)}, but {number(service_min)} min on site and "
            f"{units} units to handle take {span(needed)}.",
        )


def _working_time(vd: _Day, vehicle: Vehicle) -> None:
    driver = vd.ctx.territory.hub.driver
    first_row, first = vd.rows[0]
    _, last = vd.rows[-1]
    length = vd.t(last, "arrival") - vd.t(first, "arrival")
    if driver.max_shift_h is not None and length > driver.max_shift_h * 3600 + TIME_TOLERANCE_S:
        vd.add(
            "shift_length",
            f"{vd.whole_day()}: works {span(length)} "
            f"({clock(vd.t(first, 'arrival'))}-{clock(vd.t(last, 'arrival'))}), longer than "
            f"the {number(driver.max_shift_h)} h a driver may work.",
            first_row,
        )
    if driver.break_after_h is None or length <= driver.break_after_h * 3600 + TIME_TOLERANCE_S:
        return
    needed = driver.break_min * 60
    breaks = [vd.t(s, "departure") - vd.t(s, "arrival") for _, s in vd.rows if s.action == "break"]
    if not any(b >= needed - TIME_TOLERANCE_S for b in breaks):
        vd.add(
            "break",
            f"{vd.whole_day()}: works {span(length)} without a break of "
            f"{number(driver.break_min)} min (due after {number(driver.break_after_h)} h).",
            first_row,
        )


def _loads(vd: _Day, vehicle: Vehicle) -> None:
    ctx = vd.ctx
    capacity = (
        round(vehicle.capacity_kg * 1000),
        round(vehicle.capacity_l * 1000),
        round(vehicle.chilled_l * 1000),
        round(vehicle.frozen_l * 1000),
    )
    load = Load()
    over = [False] * 4
    for row, stop in vd.rows:
        key = (vd.day, vd.vehicle_id, stop.seq)
        if stop.action in ("start", "reload"):
            next_trip = stop.trip + (1 if stop.action == "reload" else 0)
            load = ctx.load_of_lines(
                ctx.delivery_by_trip.get((vd.day, vd.vehicle_id, next_trip), [])
            )
        elif stop.action == "end":
            load = Load()
        elif stop.action == "deliver":
            lines = [line for _, line in ctx.delivery_by_stop.get(key, ())]
            load = _minus(load, ctx.load_of_lines(lines))
        elif stop.action == "pickup":
            load = load + ctx.load_of_lines([line for _, line in ctx.pickup_by_stop.get(key, ())])
        recorded = (stop.load_kg, stop.load_l, stop.chilled_l, stop.frozen_l)
        computed = (load.kg, *load.litres())
        names = ("load_kg", "load_l", "chilled_l", "frozen_l")
        wrong = [
            f"{name} {number(r)} instead of {number(c)}"
            for name, r, c in zip(names, recorded, computed, strict=True)
            if abs(r - c) > LOAD_TOLERANCE
        ]
        if wrong:
            vd.at(
                "load",
                row,
                stop,
                f"the load on board after this stop is wrong: {', '.join(wrong)}.",
            )
        for k, (unit, short, cap_name) in enumerate(_DIMENSIONS):
            value = load.as_tuple()[k]
            exceeded = value > capacity[k] and not (k >= 2 and capacity[k] == 0)
            if exceeded and not over[k]:
                vd.at(
                    "capacity",
                    row,
                    stop,
                    f"carries {number(value / 1000)} {unit}, more than the "
                    f"{number(capacity[k] / 1000)} {short} {vehicle.id} can take ({cap_name}).",
                )
            over[k] = exceeded


def _minus(load: Load, other: Load) -> Load:
    return Load(*(max(a - b, 0) for a, b in zip(load.as_tuple(), other.as_tuple(), strict=True)))


def _compatibility(vd: _Day, vehicle: Vehicle) -> None:
    ctx = vd.ctx
    territory = ctx.territory
    zone = territory.zones_by_name.get(vehicle.zone) if vehicle.zone else None
    for row, stop in vd.rows:
        site = ctx.sites[stop.site_id]
        if site.kind == "hub" or stop.action == "break":
            continue
        if zone is not None and not zone.contains(site.lon, site.lat):
            vd.at(
                "zone",
                row,
                stop,
                f"{vehicle.id} ({vehicle.kind}) may only serve sites inside "
                f"the zone {zone.name}, and this one is outside it.",
            )
        venue = territory.venues_by_id.get(site.id)
        if venue is None:
            continue
        if venue.access == "bike_only" and vehicle.profile != "bike":
            vd.at(
                "access",
                row,
                stop,
                f"this venue can only be served by cargo bike, not by "
                f"{vehicle.id} ({vehicle.kind}).",
            )
        if venue.access == "no_truck" and vehicle.kind == "truck":
            vd.at(
                "access", row, stop, f"this venue cannot be served by a truck such as {vehicle.id}."
            )
    compartments = {"chilled": vehicle.chilled_l, "frozen": vehicle.frozen_l}
    reported: set[str] = set()
    products = territory.products_by_id
    lines = [
        (row, line)
        for _, stop in vd.rows
        for table in (ctx.delivery_by_stop, ctx.pickup_by_stop)
        for row, line in table.get((vd.day, vd.vehicle_id, stop.seq), ())
    ]
    for _, line in lines:
        product = products.get(line.product_id)
        if product is None or line.quantity <= 0:
            continue
        temperature = product.temperature
        if temperature in compartments and compartments[temperature] == 0:
            if temperature in reported:
                continue
            reported.add(temperature)
            vd.add(
                "compartment",
                f"{vd.whole_day()}: {temperature} goods "
                f"({ctx.product_label(line.product_id)}) on {vehicle.id}, which has no "
                f"{temperature} compartment.",
                vd.rows[0][0],
            )
