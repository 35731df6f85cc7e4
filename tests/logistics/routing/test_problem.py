"""Validation of the problem records: every bad field is named."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from logistics.routing import Break, Profile, RoutingProblem, Stop, VehicleType
from territory.errors import InputError
from tests.logistics.routing.helpers import euclid, problem, van

PTS = [(0, 0), (3, 4)]


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Stop(0), "location"),
        (lambda: Stop(1, service_s=-1), "service_s"),
        (lambda: Stop(1, windows=()), "windows"),
        (lambda: Stop(1, windows=((10, 5),)), "windows[0]"),
        (lambda: Stop(1, windows=((0, 10), (5, 20))), "windows[1]"),
        (lambda: Stop(1, delivery=(1.5,)), "delivery[0]"),
        (lambda: Stop(1, allowed_vehicle_types=frozenset()), "allowed_vehicle_types"),
        (lambda: VehicleType(0, (1,), "drive"), "count"),
        (lambda: VehicleType(1, (1,), "drive", shift=(10, 5)), "shift"),
        (lambda: VehicleType(1, (1,), "drive", max_trips=0), "max_trips"),
        (lambda: Break(10, 5, 1), "break_.latest_start_s"),
        (
            lambda: Profile(np.zeros((2, 3), dtype=np.int64), np.zeros((2, 3), dtype=np.int64)),
            "duration_s",
        ),
        (lambda: Profile(np.zeros((2, 2)), np.zeros((2, 2))), "duration_s"),
        (lambda: problem(PTS, [Stop(1, delivery=(1, 2))], [van()]), "stops[0].delivery"),
        (lambda: problem(PTS, [Stop(5)], [van()]), "stops[0].location"),
        (lambda: problem(PTS, [Stop(1)], [van(profile="bike")]), "vehicle_types[0].profile"),
        (
            lambda: problem(PTS, [Stop(1, allowed_vehicle_types=frozenset({3}))], [van()]),
            "stops[0].allowed_vehicle_types",
        ),
        (lambda: problem(PTS, [Stop(1)], []), "vehicle_types"),
    ],
)
def test_bad_field_is_named(make, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        make()
    assert err.value.problems[0].column == field


def test_defaults_and_pickle() -> None:
    p = problem(PTS, [Stop(1)], [van()])
    assert p.stops[0].delivery == (0,) and p.num_locations == 2 and p.num_vehicles == 1
    q = pickle.loads(pickle.dumps(p))
    assert isinstance(q, RoutingProblem) and q.stops == p.stops
    assert np.array_equal(q.profiles["drive"].distance_m, euclid(PTS).distance_m)
    with pytest.raises(ValueError):
        p.profiles["drive"].distance_m[0, 1] = 7  # read-only matrices
