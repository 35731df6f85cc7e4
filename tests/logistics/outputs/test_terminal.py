from rich.console import Console

from logistics.outputs.terminal import plan_table, unserved_table
from logistics.tables.files import PlanTables
from territory.model import Territory


def _render(table: object) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(table)
    return console.export_text()


def test_plan_table_one_row_per_round(territory: Territory, tables: PlanTables) -> None:
    table = plan_table(territory, tables, {"distance_km": 25.0, "engine": "pyvrp"})
    assert table.row_count == 3
    text = _render(table)
    assert "Fourgon frigorifique" in text and "Vélo cargo" in text
    assert "Tue 01/12" in text and "Thu 03/12" in text
    assert "17.4" in text  # km of the van on Tuesday
    assert "pyvrp" in text
    assert "Total" in text


def test_fill_rate_is_the_peak_share(territory: Territory, tables: PlanTables) -> None:
    text = _render(plan_table(territory, tables))
    # van on Tuesday: peak 100 kg / 1000 kg, 200 L / 6000 L, 30 L / 2000 L, 8 L / 500 L -> 10 %
    # bike: 12 kg / 150 kg -> 8 %
    assert "10%" in text and "8%" in text


def test_plan_table_in_french(territory: Territory, tables: PlanTables) -> None:
    text = _render(plan_table(territory, tables, lang="fr"))
    assert "mar. 01/12" in text and "17,4" in text and "Remplissage" in text


def test_unserved_table(territory: Territory, tables: PlanTables) -> None:
    table = unserved_table(territory, tables)
    assert table.row_count == 1
    text = _render(table)
    assert "Distribution Écusson" in text and "2 sac" in text and "surgelé" in text
