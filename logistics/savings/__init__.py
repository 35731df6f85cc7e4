"""What pooling saves: the stand-alone model, coalitions, cost-sharing rules, the savings report."""

from logistics.savings.cost_sharing import (
    CachedGame,
    CoreCheck,
    CostFunction,
    Shares,
    core_check,
    least_core,
    proportional,
    shapley,
    shapley_exact,
    shapley_sampled,
)
from logistics.savings.report import (
    DEFAULT_BUDGET_S,
    DEFAULT_COALITION_TIME_S,
    MIN_COALITION_TIME_S,
    UNSERVED_UNIT_EUR,
    CoalitionCosts,
    CoalitionOutcome,
    SavingsReport,
    default_time_limit,
    savings_analysis,
    savings_players,
    shares_table,
    write_savings_report,
)
from logistics.savings.standalone import (
    STANDALONE_TIME_SHARE,
    pooling_comparison,
)

__all__ = [
    "DEFAULT_BUDGET_S",
    "DEFAULT_COALITION_TIME_S",
    "MIN_COALITION_TIME_S",
    "STANDALONE_TIME_SHARE",
    "UNSERVED_UNIT_EUR",
    "CachedGame",
    "CoalitionCosts",
    "CoalitionOutcome",
    "CoreCheck",
    "CostFunction",
    "SavingsReport",
    "Shares",
    "core_check",
    "default_time_limit",
    "least_core",
    "pooling_comparison",
    "proportional",
    "savings_analysis",
    "savings_players",
    "shapley",
    "shapley_exact",
    "shapley_sampled",
    "shares_table",
    "write_savings_report",
]
