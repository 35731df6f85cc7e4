"""Stock allocation: day rules, fairness, FEFO, procurement, substitutes, invariants."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logistics.allocation.allocate import Allocation, AllocationStatus, Demand, allocate
from territory.errors import InputError
from territory.model import (
    WEEKDAYS,
    Hub,
    Offer,
    Organisation,
    Producer,
    Product,
    StockLot,
    Temperature,
    Territory,
    Venue,
)

MON = date(2026, 11, 30)  # 2026-W49
TUE, WED, THU, FRI = (MON + timedelta(days=i) for i in range(1, 5))
FAR = date(2027, 6, 30)


def product(
    pid: str,
    name: str = "",
    category: str = "veg",
    temperature: Temperature = "ambient",
    shelf_life_days: int = 10,
    unit: str = "crate",
) -> Product:
    return Product(
        pid,
        name or pid,
        category,
        temperature,
        unit,
        1.0,
        1.0,
        shelf_life_days,
        1.0,
    )


def venue(vid: str, households: int = 10, substitutes: bool = False) -> Venue:
    return Venue(
        vid,
        vid,
        "shop",
        "O1",
        3.87,
        43.61,
        households,
        WEEKDAYS[:5],
        "any",
        10.0,
        accepts_substitutes=substitutes,
    )


def territory(
    venues: list[Venue],
    products: list[Product],
    stock: Sequence[StockLot] = (),
    offers: Sequence[Offer] = (),
    producers: tuple[str, ...] = ("P1", "P2"),
) -> Territory:
    return Territory(
        folder=Path("/nonexistent"),
        hub=Hub("hub", "Hub", 3.87, 43.61),
        organisations=(Organisation("O1", "Org"),),
        venues=tuple(venues),
        producers=tuple(Producer(p, p, "O1", 3.9, 43.6, 0.0, 0.0) for p in producers),
        products=tuple(products),
        stock=tuple(stock),
        offers=tuple(offers),
    )


def by_venue(allocation: Allocation, product_id: str) -> dict[str, int]:
    return {
        line.venue_id: line.allocated
        for line in allocation.lines
        if line.product_id == product_id and line.substitute_for is None
    }


# ---------------------------------------------------------------- hand-checked cases


def test_shortage_is_split_by_max_min_fill_rate() -> None:
    t = territory(
        [venue("A"), venue("B"), venue("C")],
        [product("CAR", "Carottes")],
        stock=[StockLot("CAR", "L1", 60, FAR)],
    )
    demands = [
        Demand("A", "CAR", TUE, 30),
        Demand("B", "CAR", TUE, 30),
        Demand("C", "CAR", THU, 60),
    ]
    result = allocate(t, demands)
    assert result.status == AllocationStatus.OPTIMAL
    assert by_venue(result, "CAR") == {"A": 15, "B": 15, "C": 30}
    assert result.min_fill_rate == pytest.approx(0.5)
    line = result.lines[0]
    assert line.shortfall == 15
    assert line.reason == (
        'not enough "Carottes" this week: ordered 120 crates in total, 60 available '
        "(stock 60, offers 0)"
    )


def test_priority_halves_the_shortfall_rate() -> None:
    t = territory(
        [venue("A"), venue("B")], [product("CAR")], stock=[StockLot("CAR", "L1", 60, FAR)]
    )
    demands = [Demand("A", "CAR", TUE, 60), Demand("B", "CAR", TUE, 60)]
    result = allocate(t, demands, priorities={"A": 2.0})
    # shortfall rates r_B = 2 r_A and 60 (1 - r_A) + 60 (1 - 2 r_A) = 60 -> r_A = 1/3
    assert by_venue(result, "CAR") == {"A": 40, "B": 20}


def test_rounding_keeps_totals_and_favours_more_households() -> None:
    t = territory(
        [venue("A", 5), venue("B", 50), venue("C", 10)],
        [product("CAR")],
        stock=[StockLot("CAR", "L1", 10, FAR)],
    )
    demands = [Demand(v, "CAR", TUE, 9) for v in "ABC"]
    result = allocate(t, demands)
    got = by_venue(result, "CAR")
    assert sum(got.values()) == 10
    assert got == {"A": 3, "B": 4, "C": 3}


def test_lot_expiring_too_early_is_never_used() -> None:
    t = territory(
        [venue("A")],
        [product("YAO", "Yaourts nature", "dairy", "chilled", unit="pack")],
        stock=[StockLot("YAO", "Y1", 100, date(2026, 12, 3))],
    )
    result = allocate(t, [Demand("A", "YAO", THU, 10)])
    assert result.lines[0].allocated == 0
    assert result.status == AllocationStatus.EMPTY
    assert result.lines[0].reason.startswith(
        '"Yaourts nature" in stock expires 2026-12-03, too early for delivery on '
        "Thursday 2026-12-03"
    )
    # with no remaining shelf life required the lot may leave on its last day
    assert allocate(t, [Demand("A", "YAO", THU, 10)], min_remaining_days=0).lines[0].allocated == 10


def test_first_expiring_lot_is_used_first() -> None:
    t = territory(
        [venue("A"), venue("B")],
        [product("CAR")],
        stock=[
            StockLot("CAR", "LATE", 50, date(2027, 1, 31)),
            StockLot("CAR", "SOON", 30, date(2026, 12, 10)),
        ],
    )
    result = allocate(t, [Demand("A", "CAR", TUE, 20), Demand("B", "CAR", WED, 20)])
    used: dict[str, int] = defaultdict(int)
    for line in result.lines:
        for source in line.sources:
            used[source.ref] += source.quantity
    assert dict(used) == {"SOON": 30, "LATE": 10}


def test_short_lot_goes_to_the_day_it_can_reach() -> None:
    t = territory(
        [venue("A"), venue("B")],
        [product("CAR")],
        stock=[
            StockLot("CAR", "SOON", 20, TUE + timedelta(days=1)),
            StockLot("CAR", "LATE", 20, FAR),
        ],
    )
    result = allocate(t, [Demand("A", "CAR", TUE, 20), Demand("B", "CAR", FRI, 20)])
    assert by_venue(result, "CAR") == {"A": 20, "B": 20}
    friday = result.lines[1]
    assert [s.ref for s in friday.sources] == ["LATE"]


def test_offer_serves_only_after_its_pickup_day() -> None:
    t = territory(
        [venue("A"), venue("B")],
        [product("SAL", "Salade", shelf_life_days=3)],
        offers=[Offer("P1", "SAL", 50, "thu")],
    )
    result = allocate(t, [Demand("A", "SAL", TUE, 10), Demand("B", "SAL", FRI, 10)])
    tuesday, friday = result.lines
    assert tuesday.allocated == 0
    assert (
        tuesday.reason
        == '"Salade" is offered by producers on Thursday only, delivery is on Tuesday'
    )
    assert friday.allocated == 10
    assert friday.sources[0].pickup_day == THU
    assert [(p.producer_id, p.product_id, p.pickup_day, p.quantity) for p in result.pickups] == [
        ("P1", "SAL", THU, 10)
    ]


def test_offer_respects_shelf_life_minus_remaining_days() -> None:
    t = territory(
        [venue("A"), venue("B")],
        [product("SAL", "Salade", shelf_life_days=2)],
        offers=[Offer("P1", "SAL", 50, "mon")],
    )
    result = allocate(t, [Demand("A", "SAL", TUE, 5), Demand("B", "SAL", WED, 5)])
    assert by_venue(result, "SAL") == {"A": 5, "B": 0}  # Monday + 2 - 1 = Tuesday at the latest
    assert "too short for delivery on Wednesday" in result.lines[1].reason


def test_stock_comes_before_offers_and_only_allocated_offers_are_collected() -> None:
    t = territory(
        [venue("A")],
        [product("CAR")],
        stock=[StockLot("CAR", "L1", 15, FAR)],
        offers=[Offer("P1", "CAR", 50, "mon")],
    )
    result = allocate(t, [Demand("A", "CAR", WED, 20)])
    line = result.lines[0]
    assert line.allocated == 20
    assert {(s.kind, s.quantity) for s in line.sources} == {("stock", 15), ("offer", 5)}
    assert [p.quantity for p in result.pickups] == [5]


def test_fewer_producer_visits_prefers_the_larger_producer_day() -> None:
    t = territory(
        [venue("A")],
        [product("CAR"), product("POM")],
        offers=[
            Offer("P1", "CAR", 30, "mon"),
            Offer("P2", "CAR", 30, "mon"),
            Offer("P2", "POM", 30, "mon"),
        ],
    )
    result = allocate(t, [Demand("A", "CAR", WED, 20), Demand("A", "POM", WED, 10)])
    assert {p.producer_id for p in result.pickups} == {"P2"}


def test_substitutes_only_for_venues_that_accept_them() -> None:
    products = [
        product("CAR", "Carottes"),
        product("POI", "Poireaux"),
        product("EPI", "Epinards", temperature="chilled"),
        product("PAT", "Pates", category="dry"),
    ]
    stock = [
        StockLot("CAR", "L1", 10, FAR),
        StockLot("POI", "L2", 100, FAR),
        StockLot("EPI", "L3", 100, FAR),
        StockLot("PAT", "L4", 100, FAR),
    ]
    t = territory([venue("A", substitutes=True), venue("B")], products, stock)
    result = allocate(
        t, [Demand("A", "CAR", TUE, 20), Demand("B", "CAR", TUE, 20), Demand("A", "POI", TUE, 30)]
    )
    a_line, b_line = result.lines[0], result.lines[1]
    assert (a_line.allocated, b_line.allocated) == (5, 5)
    subs = [line for line in result.lines if line.substitute_for is not None]
    assert [(s.venue_id, s.product_id, s.substitute_for, s.allocated) for s in subs] == [
        ("A", "POI", "CAR", 15)
    ]
    assert a_line.shortfall == 0 and b_line.shortfall == 15
    assert a_line.reason.endswith('; 15 crates replaced by "Poireaux"')
    assert result.lines[2].allocated == 30  # POI's own order comes before substitution
    assert result.min_fill_rate == pytest.approx(0.25)


def test_empty_demand_and_missing_supply_are_data_not_errors() -> None:
    t = territory(
        [venue("A")],
        [product("CAR", "Carottes"), product("POM", "Pommes")],
        stock=[StockLot("POM", "L1", 0, FAR)],
    )
    empty = allocate(t, [])
    assert empty.status == AllocationStatus.EMPTY and empty.lines == () and empty.pickups == ()
    result = allocate(t, [Demand("A", "CAR", TUE, 5), Demand("A", "POM", TUE, 5)])
    assert result.status == AllocationStatus.EMPTY
    assert [line.reason for line in result.lines] == [
        'no "Carottes" in stock or offered by producers this week',
        'no "Pommes" in stock or offered by producers this week',
    ]
    assert result.min_fill_rate == 0.0
    zero = allocate(t, [Demand("A", "CAR", TUE, 0)])
    assert zero.status == AllocationStatus.EMPTY and zero.lines[0].reason == ""


@pytest.mark.parametrize(
    ("demands", "kwargs", "fragment"),
    [
        ([Demand("Z", "CAR", TUE, 1)], {}, "unknown venue Z"),
        ([Demand("A", "ZZ", TUE, 1)], {}, "unknown product ZZ"),
        ([], {"priorities": {"A": 0.0}}, "is not a weight > 0"),
        ([], {"priorities": {"Q": 1.0}}, "unknown venue Q"),
        ([], {"min_remaining_days": -1}, "min_remaining_days"),
        ([], {"time_limit_s": 0}, "time_limit_s"),
    ],
)
def test_bad_input_raises_input_error(
    demands: list[Demand], kwargs: dict[str, Any], fragment: str
) -> None:
    t = territory([venue("A")], [product("CAR")])
    with pytest.raises(InputError, match=fragment):
        allocate(t, demands, **kwargs)


def test_demand_validates_its_fields() -> None:
    with pytest.raises(InputError, match="quantity"):
        Demand("A", "CAR", TUE, -1)
    with pytest.raises(InputError, match="venue_id"):
        Demand("", "CAR", TUE, 1)


# ---------------------------------------------------------------- properties

DAYS = [MON + timedelta(days=i) for i in range(5)]


@st.composite
def scenarios(draw: st.DrawFn, plenty: bool = False, substitutes: bool = True):  # type: ignore[no-untyped-def]
    n_products = draw(st.integers(1, 3))
    products = [
        product(
            f"P{i}",
            category=draw(st.sampled_from(["veg", "fruit"])),
            temperature=draw(st.sampled_from(["ambient", "chilled"])),
            shelf_life_days=draw(st.integers(0, 6)),
        )
        for i in range(n_products)
    ]
    venues = [
        venue(f"V{i}", draw(st.integers(0, 100)), substitutes and draw(st.booleans()))
        for i in range(draw(st.integers(1, 4)))
    ]
    demands = [
        Demand(
            draw(st.sampled_from(venues)).id,
            draw(st.sampled_from(products)).id,
            draw(st.sampled_from(DAYS)),
            draw(st.integers(0, 40)),
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    stock = [
        StockLot(
            p.id, f"L{j}", draw(st.integers(0, 60)), MON + timedelta(days=draw(st.integers(-1, 8)))
        )
        for p in products
        for j in range(draw(st.integers(0, 3)))
    ]
    offers = [
        Offer(
            draw(st.sampled_from(["P1", "P2"])),
            draw(st.sampled_from(products)).id,
            draw(st.integers(0, 50)),
            draw(st.sampled_from(WEEKDAYS[:5])),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    if plenty:
        for p in products:
            total = sum(d.quantity for d in demands if d.product_id == p.id)
            stock.append(StockLot(p.id, "PLENTY", total, FAR))
    return territory(venues, products, stock, offers), demands


def _check_invariants(
    t: Territory, demands: list[Demand], result: Allocation, min_remaining_days: int
) -> None:
    products = t.products_by_id
    capacity: dict[tuple[str, str, str, date | None], int] = defaultdict(int)
    for lot in t.stock:
        capacity[(lot.product_id, "stock", lot.lot, None)] += lot.quantity
    week_monday = MON
    for offer in t.offers:
        day = week_monday + timedelta(days=WEEKDAYS.index(offer.day))
        capacity[(offer.product_id, "offer", offer.producer_id, day)] += offer.quantity
    expiry = {(lot.product_id, lot.lot): lot.expiry for lot in t.stock}
    used: dict[tuple[str, str, str, date | None], int] = defaultdict(int)
    collected: dict[tuple[str, str, date | None], int] = defaultdict(int)
    assert [line.ordered for line in result.lines[: len(demands)]] == [d.quantity for d in demands]
    substituted: dict[int, int] = defaultdict(int)
    for line in result.lines:
        assert sum(s.quantity for s in line.sources) == line.allocated
        assert all(s.quantity > 0 for s in line.sources)
        for s in line.sources:
            used[(line.product_id, s.kind, s.ref, s.pickup_day)] += s.quantity
            if s.kind == "stock":
                assert expiry[(line.product_id, s.ref)] >= line.day + timedelta(
                    days=min_remaining_days
                )
            else:
                assert s.pickup_day is not None
                keep = products[line.product_id].shelf_life_days - min_remaining_days
                assert s.pickup_day < line.day <= s.pickup_day + timedelta(days=keep)
                collected[(s.ref, line.product_id, s.pickup_day)] += s.quantity
        if line.substitute_for is not None:
            assert t.venues_by_id[line.venue_id].accepts_substitutes
            original, replacement = products[line.substitute_for], products[line.product_id]
            assert original.id != replacement.id
            assert (original.category, original.temperature) == (
                replacement.category,
                replacement.temperature,
            )
            index = next(
                i
                for i, d in enumerate(demands)
                if (d.venue_id, d.product_id, d.day)
                == (line.venue_id, line.substitute_for, line.day)
                and result.lines[i].allocated < d.quantity
            )
            substituted[index] += line.allocated
    for key, n in used.items():
        assert n <= capacity[key], key
    for _i, line in enumerate(result.lines[: len(demands)]):
        assert 0 <= line.allocated <= line.ordered
        assert line.shortfall >= 0
        assert (line.reason == "") == (line.allocated == line.ordered)
    assert {(p.producer_id, p.product_id, p.pickup_day): p.quantity for p in result.pickups} == {
        k: v for k, v in collected.items() if v > 0
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2))
def test_allocation_never_exceeds_supply_orders_or_shelf_life(scenario, m: int) -> None:  # type: ignore[no-untyped-def]
    t, demands = scenario
    result = allocate(t, demands, min_remaining_days=m)
    assert result.status in (AllocationStatus.OPTIMAL, AllocationStatus.EMPTY)
    _check_invariants(t, demands, result, m)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(plenty=True))
def test_with_enough_stock_everyone_gets_the_full_order(scenario) -> None:  # type: ignore[no-untyped-def]
    t, demands = scenario
    result = allocate(t, demands)
    assert all(line.allocated == line.ordered for line in result.lines[: len(demands)])
    assert all(line.substitute_for is None for line in result.lines)
    assert result.min_fill_rate == 1.0


def _reference_level(
    t: Territory, demands: list[Demand], product_id: str, m: int
) -> tuple[float, list[int]]:
    """Max-min fill rate of one product by an independent per-line PuLP model,
    over the lines some supply can reach (returned too)."""
    keep = timedelta(days=t.products_by_id[product_id].shelf_life_days - m)

    def lot_rule(expiry: date) -> Callable[[date], bool]:
        return lambda day: expiry >= day + timedelta(days=m)

    def offer_rule(pickup: date) -> Callable[[date], bool]:
        return lambda day: pickup < day <= pickup + keep

    sources: list[tuple[str, int, Callable[[date], bool]]] = []
    for lot in t.stock:
        if lot.product_id == product_id and lot.quantity > 0:
            sources.append((f"s{lot.lot}", lot.quantity, lot_rule(lot.expiry)))
    for k, offer in enumerate(t.offers):
        if offer.product_id == product_id and offer.quantity > 0:
            pick = MON + timedelta(days=WEEKDAYS.index(offer.day))
            sources.append((f"o{k}", offer.quantity, offer_rule(pick)))
    lines = [
        i
        for i, d in enumerate(demands)
        if d.product_id == product_id and d.quantity > 0 and any(ok(d.day) for _, _, ok in sources)
    ]
    if not lines:
        return 1.0, []
    model = pulp.LpProblem("ref", pulp.LpMaximize)
    level = model.add_variable("t", 0, 1)
    x = {
        (i, name): model.add_variable(f"x_{i}_{name}", 0)
        for i in lines
        for name, _, ok in sources
        if ok(demands[i].day)
    }
    model += level
    for name, cap, _ in sources:
        model += pulp.lpSum(v for (i, n), v in x.items() if n == name) <= cap
    for i in lines:
        got = pulp.lpSum(v for (j, _), v in x.items() if j == i)
        model += got <= demands[i].quantity
        model += got >= level * demands[i].quantity
    model.solve(pulp.HiGHS(msg=False))
    return float(level.value()), lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(substitutes=False), st.integers(0, 1))
def test_min_fill_rate_matches_the_lp_optimum_within_one_unit(scenario, m: int) -> None:  # type: ignore[no-untyped-def]
    t, demands = scenario
    result = allocate(t, demands, min_remaining_days=m)
    for product_id in {d.product_id for d in demands}:
        level, lines = _reference_level(t, demands, product_id, m)
        if not lines:
            continue
        served = [(result.lines[i].allocated, demands[i].quantity) for i in lines]
        assert all(a >= level * q - 1 - 1e-6 for a, q in served)
        assert min(a / q for a, q in served) <= level + 1e-6
