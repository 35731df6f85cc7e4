"""Group commit: short write functions from many requests, several per transaction.

One thread takes every write waiting in its queue (up to ``max_batch``) and runs them
in a single transaction (:meth:`Database.write_connection`), then answers each request
once that transaction is committed, so every caller still returns only after its own
write is durable.  Under load this saves a thread hop, a ``BEGIN`` and a ``COMMIT`` per
write, and queues writers in arrival order.

A write function may raise one of the ``clean_errors`` (e.g. a validation error) only
before it writes anything: the batch goes on without it.  Any other error, or a failed
commit, rolls the batch back and runs each of its writes again in a transaction of its
own, so one bad write never fails the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection

from api.db.engine import Database

__all__ = ["GroupCommit"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


@dataclass
class _Item:
    work: Callable[[Connection], Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any]
    outcome: tuple[bool, Any] = field(default=(False, None))


def _settle(items: list[_Item]) -> None:
    for item in items:
        if not item.future.done():  # the request may have been cancelled meanwhile
            ok, value = item.outcome
            if ok:
                item.future.set_result(value)
            else:
                item.future.set_exception(value)


class GroupCommit:
    """A writer thread that commits queued write functions in batches (see the module)."""

    def __init__(
        self,
        database: Database,
        *,
        clean_errors: tuple[type[Exception], ...] = (),
        max_batch: int = 64,
    ) -> None:
        self.database = database
        self.clean_errors = clean_errors
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="group-commit", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Finish the writes already queued, then end the thread."""
        self._queue.put(None)
        self._thread.join()

    async def run(self, work: Callable[[Connection], _T]) -> _T:
        """Run ``work`` in the next batch; its result once the batch is committed.

        Raises
        ------
        Exception
            Whatever ``work`` raised (its transaction was then rolled back).
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_T] = loop.create_future()
        self._queue.put(_Item(work, loop, future))
        return await future

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._write(batch)
            by_loop: dict[asyncio.AbstractEventLoop, list[_Item]] = {}
            for item in batch:
                by_loop.setdefault(item.loop, []).append(item)
            for loop, items in by_loop.items():
                with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting
                    loop.call_soon_threadsafe(_settle, items)
            if stop:
                return

    def _write(self, batch: list[_Item]) -> None:
        try:
            with self.database.write_connection() as connection:
                for item in batch:
                    try:
                        item.outcome = (True, item.work(connection))
                    except self.clean_errors as error:
                        item.outcome = (False, error)
            return
        except Exception as error:
            if len(batch) == 1:
                batch[0].outcome = (False, error)
                return
            logger.debug("group commit of %d writes failed (%s); one by one", len(batch), error)
        for item in batch:
            self._write_alone(item)

    def _write_alone(self, item: _Item) -> None:
        try:
            with self.database.write_connection() as connection:
                item.outcome = (True, item.work(connection))
        except Exception as error:
            item.outcome = (False, error)
