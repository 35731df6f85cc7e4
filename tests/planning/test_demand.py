"""Measured demand: source chosen per product, completed season, high quantile."""

from __future__ import annotations

from pathlib import Path

import pytest

from planning.catalogue import CropCatalogue, CropProduct
from planning.demand import DemandSource, estimate_demand, pooled_trend
from planning.reference import ReferenceConsumption, load_reference
from planning.survey import SurveyAnswer, load_survey
from territory.errors import InputError
from territory.reader import load_territory
from tests.planning.instances import lettuce
from tests.territory_factory import territory_files, write_territory


def _territory(tmp_path: Path, history_weeks: int = 12, survey: str | None = None) -> Path:
    files = territory_files()
    files["products"].append(
        {
            "id": "carotte",
            "name": "Carottes",
            "category": "vegetables",
            "temperature": "ambient",
            "unit": "kg",
            "unit_kg": "1",
            "unit_l": "1",
            "shelf_life_days": "30",
            "price_eur": "1.2",
        }
    )
    files["orders_history"] = [
        {"week": f"2026-W{w:02d}", "venue_id": "V01", "product_id": "carotte", "quantity": "50"}
        for w in range(20, 20 + history_weeks)
    ]
    folder = write_territory(tmp_path, **files)
    if survey is not None:
        (folder / "survey.csv").write_text(survey, encoding="utf-8")
    return folder


def _catalogue() -> CropCatalogue:
    its = (
        lettuce(id="carrot", species="Carotte", product_id="carotte", shift_max_weeks=2),
        lettuce(id="bean", species="Haricot", product_id="haricot", bed_start_week=20),
        lettuce(id="radish", species="Radis", product_id="radis"),
        lettuce(id="lettuce", product_id="salade"),
    )
    products = {
        "carotte": CropProduct("carotte", "Carottes", storage_weeks=8),
        "haricot": CropProduct("haricot", "Haricots"),
        "radis": CropProduct("radis", "Radis"),
        "salade": CropProduct("salade", "Salade"),
    }
    return CropCatalogue(its, products)


def test_each_product_gets_the_best_available_source(tmp_path: Path) -> None:
    folder = _territory(
        tmp_path,
        survey="venue_id,households,product_id,need_kg_per_household_week,preference\n"
        "V01,30,haricot,0.02,4\nV02,10,haricot,,5\n",
    )
    territory = load_territory(folder)
    households = sum(v.households for v in territory.venues)
    reference = {"salade": ReferenceConsumption("salade", 0.01, {"summer": 1.2})}
    result = {
        d.product_id: d
        for d in estimate_demand(
            territory,
            _catalogue(),
            2027,
            survey=load_survey(territory),
            reference=reference,
        )
    }
    assert result["carotte"].source is DemandSource.HISTORY
    assert result["haricot"].source is DemandSource.SURVEY
    assert result["salade"].source is DemandSource.INCA3
    assert result["radis"].source is DemandSource.NONE
    assert result["radis"].total_kg == 0
    # carrots keep in store: demand every week, flat 50 kg/week observed, no trend
    carrot = result["carotte"]
    assert all(c > 0 for c in carrot.central_kg)
    assert carrot.central(25) == pytest.approx(50.0)
    assert all(h >= c for c, h in zip(carrot.central_kg, carrot.high_kg, strict=True))
    # survey: only V01 gave a need; V02's preference needs a reference, absent -> ignored
    bean = result["haricot"]
    assert bean.central(14 + 10) == pytest.approx(0.02 * households)
    assert bean.central(1) == 0.0  # out of the crop calendar
    # INCA3: summer factor in week 28 (July), not in week 14 (April: spring = 1)
    salad = result["salade"]
    assert salad.central(14) == pytest.approx(0.01 * households)
    assert "INCA3" in salad.note


def test_too_short_history_falls_back(tmp_path: Path) -> None:
    territory = load_territory(_territory(tmp_path, history_weeks=3))
    result = {d.product_id: d for d in estimate_demand(territory, _catalogue(), 2027)}
    assert result["carotte"].source is DemandSource.NONE


def test_pooled_trend_reads_a_steady_growth() -> None:
    import datetime as dt

    mondays = [dt.date(2026, 5, 4) + dt.timedelta(weeks=i) for i in range(20)]
    history = {"a": {m: 100 * 1.01**i for i, m in enumerate(mondays)}}
    assert pooled_trend(history) == pytest.approx(0.00995, abs=1e-4)


def test_bad_survey_rows_are_located(tmp_path: Path) -> None:
    folder = _territory(
        tmp_path,
        survey="venue_id,households,product_id,need_kg_per_household_week,preference\n"
        "V99,30,haricot,0.02,4\nV01,0,haricot,0.02,\nV01,10,haricot,,\nV01,10,radis,0.1,9\n",
    )
    with pytest.raises(InputError) as info:
        load_survey(load_territory(folder))
    located = {(p.row, p.column) for p in info.value.problems}
    assert located == {
        (2, "venue_id"),
        (3, "households"),
        (4, "need_kg_per_household_week"),
        (5, "preference"),
    }
    assert all(p.file == "survey.csv" for p in info.value.problems)


def test_survey_answer_needs_a_need_or_a_preference() -> None:
    with pytest.raises(InputError, match="need or a preference"):
        SurveyAnswer("V01", "radis", 10)


def test_bundled_reference_is_read() -> None:
    folder = Path(__file__).resolve().parents[2] / "data" / "montpellier"
    reference = load_reference(folder)
    assert reference["carotte"].kg_per_household_week > 0
    assert reference["carotte"].factor("summer") > reference["carotte"].factor("winter")
