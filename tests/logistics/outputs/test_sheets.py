import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from logistics.outputs.geojson import routes_geojson
from logistics.outputs.sheets import sheet_file_name, write_driver_sheets
from logistics.tables.files import PlanTables
from territory.model import Territory

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) not installed",
)


def _text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return result.stdout


def _pages(path: Path) -> int:
    result = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(
        next(line.split()[-1] for line in result.stdout.splitlines() if line.startswith("Pages:"))
    )


def test_file_names() -> None:
    assert sheet_file_name(dt.date(2026, 12, 1), "V2") == "2026-12-01_V2.pdf"
    assert sheet_file_name(dt.date(2026, 12, 1), "van/1 ü") == "2026-12-01_van_1.pdf"


def test_one_pdf_per_round(tmp_path: Path, territory: Territory, tables: PlanTables) -> None:
    paths = write_driver_sheets(tmp_path / "sheets", territory, tables)
    assert [p.name for p in paths] == [
        "2026-12-01_VAN1.pdf",
        "2026-12-01_BIKE1.pdf",
        "2026-12-03_VAN1.pdf",
    ]
    for path in paths:
        data = path.read_bytes()
        assert data.startswith(b"%PDF-")
        assert b"ReportLab" in data
        assert data.rstrip().endswith(b"%%EOF")


@needs_poppler
def test_french_sheet_content(tmp_path: Path, territory: Territory, tables: PlanTables) -> None:
    path = write_driver_sheets(
        tmp_path, territory, tables, geojson=routes_geojson(territory, tables)
    )[0]
    assert _pages(path) >= 1
    text = _text(path)
    for expected in (
        "Pôle alimentaire Test",
        "mardi 1er décembre 2026",
        "Fourgon frigorifique",
        "Arrivée",
        "Épicerie sociale Celleneuve",
        "Allée Rubens",
        "04 65 71 99 21",
        "LIVRAISON",
        "COLLECTE",
        "rechargement",
        "10 carton × Pâtes complètes",
        "FRAIS",
        "SURGELÉ",
        "08:20",
        "08:00-12:00",
        "Tour 2",
        "10:30–11:00 (30 min)",  # the driver's break
        "Signature du chauffeur",
        "17,4 km",
    ):
        assert expected in text, expected


@needs_poppler
def test_english_sheet_content(tmp_path: Path, territory: Territory, tables: PlanTables) -> None:
    path = write_driver_sheets(tmp_path, territory, tables, lang="en")[1]
    text = _text(path)
    for expected in (
        "Tuesday 1 December 2026",
        "Arrival",
        "Distribution Écusson",
        "DELIVERY",
        "Trip 1",
    ):
        assert expected in text, expected
    assert "Arrivée" not in text


def test_unknown_language(tmp_path: Path, territory: Territory, tables: PlanTables) -> None:
    with pytest.raises(ValueError, match="lang"):
        write_driver_sheets(tmp_path, territory, tables, lang="de")
