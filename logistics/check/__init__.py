"""The independent checker: plan files replayed against the raw territory (:func:`check_plan`)."""

from logistics.check.lines import (
    check_coverage,
    check_line_references,
    check_offers,
)
from logistics.check.plan import (
    KINDS,
    CheckReport,
    Violation,
    check_plan,
    check_plan_folder,
    format_report,
)
from logistics.check.rounds import (
    check_vehicle_day,
)

__all__ = [
    "KINDS",
    "CheckReport",
    "Violation",
    "check_coverage",
    "check_line_references",
    "check_offers",
    "check_plan",
    "check_plan_folder",
    "check_vehicle_day",
    "format_report",
]
