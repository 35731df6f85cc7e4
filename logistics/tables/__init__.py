"""The plan files' contract (CSV and JSON), their figures and ``summary.json``."""

from logistics.tables.files import (
    DeliveryLine,
    PickupLine,
    PlanTables,
    RouteStop,
    UnservedLine,
    read_plan_tables,
    read_table,
    write_plan_tables,
    write_table,
)
from logistics.tables.json_form import (
    TABLE_NAMES,
    tables_from_json,
    tables_to_json,
)
from logistics.tables.metrics import (
    Figures,
    plan_figures,
    vehicle_day_figures,
)
from logistics.tables.summary import (
    plan_summary,
)

__all__ = [
    "TABLE_NAMES",
    "DeliveryLine",
    "Figures",
    "PickupLine",
    "PlanTables",
    "RouteStop",
    "UnservedLine",
    "plan_figures",
    "plan_summary",
    "read_plan_tables",
    "read_table",
    "tables_from_json",
    "tables_to_json",
    "vehicle_day_figures",
    "write_plan_tables",
    "write_table",
]
