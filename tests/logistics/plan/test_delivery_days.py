"""Delivery-day choice: balance over the week, spacing, allowed days only."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.load import Load, load_of
from logistics.plan.delivery_days import VenueNeed, assign_delivery_days

MON = date(2026, 11, 30)
WEEK = [MON + timedelta(days=i) for i in range(5)]
CAPACITY = {d: Load(1_000_000, 1_000_000, 100_000, 50_000) for d in WEEK}


def test_load_of_puts_volume_in_its_compartment() -> None:
    assert load_of(10, 12, "chilled", 3) == Load(30_000, 0, 36_000, 0)
    assert load_of(0.5, 1, "frozen", 2) == Load(1_000, 0, 0, 2_000)
    assert load_of(5, 8, "ambient", 1) + load_of(1, 1, "frozen", 1) == Load(6_000, 8_000, 0, 1_000)


def test_equal_venues_spread_over_days() -> None:
    needs = [VenueNeed(f"V{i}", tuple(WEEK), 1, Load(100_000, 0, 0, 0)) for i in range(10)]
    chosen = assign_delivery_days(needs, CAPACITY)
    per_day = {d: sum(days == (d,) for days in chosen.values()) for d in WEEK}
    assert set(per_day.values()) == {2}


def test_two_deliveries_are_not_on_consecutive_days_when_avoidable() -> None:
    chosen = assign_delivery_days(
        [VenueNeed("V", (WEEK[0], WEEK[1], WEEK[3]), 2, Load(10))], CAPACITY
    )
    first, second = chosen["V"]
    assert (second - first).days >= 2


def test_day_without_fleet_is_never_chosen_and_no_day_gives_empty() -> None:
    capacity = {WEEK[0]: CAPACITY[WEEK[0]]}
    chosen = assign_delivery_days(
        [VenueNeed("A", (WEEK[0], WEEK[2]), 2, Load(5)), VenueNeed("B", (WEEK[3],), 1, Load(5))],
        capacity,
    )
    assert chosen == {"A": (WEEK[0],), "B": ()}


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sets(st.integers(0, 4), min_size=1, max_size=5),
            st.integers(1, 3),
            st.integers(0, 500_000),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_venue_gets_allowed_days_only(rows: list[tuple[set[int], int, int]]) -> None:
    needs = [
        VenueNeed(f"V{i}", tuple(WEEK[d] for d in days), k, Load(mass))
        for i, (days, k, mass) in enumerate(rows)
    ]
    chosen = assign_delivery_days(needs, CAPACITY)
    for need in needs:
        days = chosen[need.venue_id]
        assert set(days) <= set(need.allowed_days)
        assert len(days) == min(need.deliveries, len(set(need.allowed_days)))
        assert list(days) == sorted(set(days))
