"""Crop catalogue and producers: bundled data, invalid cells located at file, row, column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from planning.catalogue import default_catalogue_folder, load_catalogue
from planning.producers import load_crop_producers
from territory.errors import InputError
from territory.reader import load_territory
from tests.planning.instances import lettuce
from tests.territory_factory import territory_files, write_territory


def test_bundled_catalogue_links_crops_to_products() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.itineraries) >= 60
    garlic = catalogue.by_id["ail_plant_automne"]
    # planted week 42, harvested week 25 of the next year: the week arithmetic wraps
    assert garlic.harvest_weeks_from(42) == (25,)
    assert garlic.occupied_weeks(42)[0] == 42 and garlic.occupied_weeks(42)[-1] == 25
    assert garlic.product_id == "ail" and garlic.rotation_interval_years == 4
    assert catalogue.products["pomme_de_terre"].storage_weeks > 0
    assert {i.land for i in catalogue.itineraries} == {"field", "greenhouse"}


def test_itinerary_timing() -> None:
    it = lettuce(shift_max_weeks=2, bed_start_week=51)
    assert it.start_weeks() == (1, 49, 50, 51, 52)
    assert it.harvest_weeks_from(52) == (4, 5)
    assert it.sowing_week_from(1) == 8  # sowing 6 shifted by +2
    assert it.harvest_kg_per_bed_week(10.0) == pytest.approx(15.0)


def test_itinerary_rejects_bad_fields() -> None:
    with pytest.raises(InputError, match="bed_start_week"):
        lettuce(bed_start_week=53)
    with pytest.raises(InputError, match="yield_kg_m2"):
        lettuce(yield_kg_m2=0)


def test_bad_catalogue_cells_are_located(tmp_path: Path) -> None:
    folder = tmp_path / "crops"
    shutil.copytree(default_catalogue_folder(), folder, ignore=shutil.ignore_patterns("build"))
    path = folder / "itineraries.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("land")] = "roof"
    cells[header.index("yield_kg_m2")] = "-1"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_catalogue(folder)
    assert {(p.file, p.row, p.column) for p in info.value.problems} == {
        ("itineraries.csv", 2, "land"),
        ("itineraries.csv", 2, "yield_kg_m2"),
    }


def test_producers_are_read_and_checked(tmp_path: Path) -> None:
    folder = write_territory(tmp_path, **territory_files())
    (folder / "crop_producers.csv").write_text(
        "producer_id,bed_m2,field_beds,greenhouse_beds,labour_h_week,min_income_eur\n"
        "P01,30,,2,25,1000\n",
        encoding="utf-8",
    )
    (folder / "producer_crops.csv").write_text(
        "producer_id,product_id,price_eur_kg\nP01,salade,2.5\n", encoding="utf-8"
    )
    [producer] = load_crop_producers(load_territory(folder))
    assert producer.field_beds == 5000 // 30  # empty: the whole field_m2
    assert producer.greenhouse_beds == 2
    assert producer.labour_h_week == 25 and producer.min_income_eur == 1000
    assert dict(producer.prices_eur_kg) == {"salade": 2.5}


def test_bad_producer_rows_are_located(tmp_path: Path) -> None:
    folder = write_territory(tmp_path, **territory_files())
    (folder / "crop_producers.csv").write_text(
        "producer_id,bed_m2,field_beds,greenhouse_beds\nP99,30,1,0\nP01,0,1,0\nP01,30,1,100\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_crop_producers(load_territory(folder))
    assert {(p.row, p.column) for p in info.value.problems} == {
        (2, "producer_id"),
        (3, "bed_m2"),
        (4, "greenhouse_beds"),
    }


def test_no_crop_file_means_no_producer(tmp_path: Path) -> None:
    folder = write_territory(tmp_path, **territory_files())
    assert load_crop_producers(load_territory(folder)) == ()
