"""Terminal output for the command line: a rich console, logging set-up, progress.

Long work shows a progress bar on a terminal and plain log lines otherwise
(when output is piped to a file or runs in CI).
"""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from territory.errors import Problem

__all__ = ["Reporter", "configure_logging", "err_console", "out_console", "print_problems"]

out_console = Console()
err_console = Console(stderr=True)

_log = logging.getLogger("foodhub")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        """Ignore: the stream is always the current ``sys.stderr``."""


def _short_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """A warning as one line for users: its category and message, no source location."""
    return f"{category.__name__}: {message}"


def configure_logging(verbose: bool = False) -> None:
    """Send library log records to stderr (rich on a terminal, plain text otherwise)."""
    level = logging.DEBUG if verbose else logging.INFO
    handler: logging.Handler
    if err_console.is_terminal:
        handler = RichHandler(console=err_console, show_path=False, show_time=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    for name in ("foodhub", "geo", "logistics", "planning", "api", "benchmarks"):
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(True)  # library warnings (off-network sites...) become log lines
    warnings.formatwarning = _short_warning


def print_problems(problems: tuple[Problem, ...] | list[Problem], *, title: str) -> None:
    """Print located problems, one per line, under a title, on stderr."""
    err_console.print(f"[bold red]{title}[/] ({len(problems)})")
    for problem in problems:
        err_console.print(f"  - {problem}", markup=False, highlight=False)


class Reporter:
    """Progress of one long task: a bar on a terminal, log lines otherwise.

    Parameters
    ----------
    description
        What is being done (``"Planning 2026-W49"``).
    total
        Number of steps, or ``None`` when unknown.
    """

    def __init__(self, description: str, total: float | None) -> None:
        self.description = description
        self.total = total
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._done = 0.0

    def advance(self, message: str | None = None, step: float = 1.0) -> None:
        """Mark ``step`` units done; ``message`` says what was just finished."""
        self._done += step
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task,
                advance=step,
                description=message or self.description,
            )
        else:
            total = f"/{self.total:g}" if self.total is not None else ""
            _log.info("%s: %g%s %s", self.description, self._done, total, message or "")

    @contextmanager
    def running(self) -> Iterator[Reporter]:
        """Show the bar (terminal only) while the block runs."""
        if not err_console.is_terminal:
            _log.info("%s ...", self.description)
            yield self
            return
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:.0f}/{task.total:.0f}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=False,
        ) as progress:
            self._progress = progress
            self._task = progress.add_task(self.description, total=self.total)
            try:
                yield self
            finally:
                self._progress = None
