"""The one error hierarchy of foodhub.

It lives in ``geo`` because ``geo`` is the lowest layer: every other package
(``logistics``, ``planning``, ``api``) may import it, and ``geo`` imports nothing
of theirs::

    FoodHubError                      base of every error foodhub raises on purpose
    ├── InputError(ValueError)        a user's file or argument cannot be used;
    │                                 carries one or more Problem(file, row, column, message)
    └── SolverError                   an optimiser failed in a way the user cannot fix
        └── InfeasibleError           the model has no solution at all

Partial success (unserved orders, an allocation shortfall) is *data*, never one
of these exceptions.  Programming errors stay ordinary Python exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["FoodHubError", "InfeasibleError", "InputError", "Problem", "SolverError"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as possible.

    Parameters
    ----------
    file
        File name as the user knows it (``venues.csv``), or ``""`` when not file-bound.
    message
        A plain sentence saying what is wrong (``91.2 is not a latitude``).
    row
        Spreadsheet row number (the header is row 1, the first record row 2), if any.
    column
        Column or field name, if any.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f", column {self.column}" if self.row is not None else f" column {self.column}"
        return f"{where}: {self.message}" if where else self.message


class FoodHubError(Exception):
    """Base class of every error foodhub raises on purpose."""


class InputError(FoodHubError, ValueError):
    """Input that cannot be used; lists every problem found, not only the first.

    Parameters
    ----------
    problems
        The problems, in file then row order.  A single string is accepted for
        errors that have no better location.
    """

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="", message=problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SolverError(FoodHubError):
    """An optimiser failed (crashed, timed out without any solution, bad status)."""


class InfeasibleError(SolverError):
    """The optimisation model has no feasible solution at all."""
