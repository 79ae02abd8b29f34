"""Group commit: the small writes of many concurrent updates share one transaction.

Each webhook request must see its update committed before it answers 200, and each
processed update must be marked done. Done one transaction each, SQLite's single
writer spends its time committing. ``GroupCommit.run`` queues a write and waits: the
first write of a quiet moment commits at once, and whatever queues while a commit is
under way goes together in the next one. A batch that fails is tried again one write
at a time, so one bad write fails only its own caller. A flush that is cancelled fails
the writes it had not committed (``CommitAbandoned``) rather than leave their callers
waiting, and ``drain`` (at stop) waits a bounded time.

``run_merged`` goes further for writes of one kind (store these updates, finish those):
the items of every caller waiting for the same commit go to one call, one statement for
all of them. The callers are concurrent, so any order of their writes in the shared
transaction is one they could have had.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from storage.db import Database
from storage.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
Many = Callable[[Store, list[Any]], Awaitable[list[Any]]]  # one result per item, in order
Queued = tuple[Callable[..., Awaitable[Any]], list[Any] | None, asyncio.Future[Any]]
MAX_BATCH = 256


class CommitAbandoned(RuntimeError):
    """The group commit stopped (cancelled) before this write was committed."""


class GroupCommit:
    """Runs queued writes, as many as have gathered, in one transaction."""

    def __init__(self, database: Database, max_batch: int = MAX_BATCH) -> None:
        self._db, self._max = database, max_batch
        self._queued: list[Queued] = []
        self._flusher: asyncio.Task[None] | None = None
        self.commits = 0  # how many transactions ran (the benchmark reports it)

    async def run(self, write: Callable[[Store], Awaitable[T]]) -> T:
        """Run ``write`` in a shared transaction; return its result once committed.

        Raises:
            Exception: Whatever ``write`` or the commit raised (nothing of it was kept).
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queued.append((write, None, future))
        return await self._wait(future)

    async def run_merged(self, many: Many, items: list[Any]) -> list[Any]:
        """Run ``many`` on ``items`` and those of every other caller of the same ``many``
        in this commit, in one call; return the results of ``items`` once committed.

        Raises:
            Exception: Whatever ``many`` or the commit raised (nothing of it was kept).
        """
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._queued.append((many, list(items), future))
        return await self._wait(future)

    async def _wait(self, future: asyncio.Future[T]) -> T:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="group-commit")
        return await future

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until every queued write has been committed (or has failed).

        Args:
            timeout: The longest wait in seconds (None: no limit).

        Returns:
            True when nothing is left to commit, False when the time ran out first (the
            writes go on in the background).
        """
        try:
            async with asyncio.timeout(timeout):
                while self._flusher is not None and not self._flusher.done():
                    await asyncio.wait([self._flusher])
        except TimeoutError:
            return False
        return True

    async def _flush(self) -> None:
        batch: list[Queued] = []
        try:
            while self._queued:
                batch, self._queued = self._queued[: self._max], self._queued[self._max :]
                await self._commit_or_split(batch)
        except BaseException as exc:  # cancelled, or worse: no caller may wait forever
            stranded, self._queued = batch + self._queued, []
            for _, _, future in stranded:
                _settle(future, exc=CommitAbandoned(type(exc).__name__))
            raise

    async def _commit_or_split(self, batch: list[Queued]) -> None:
        """Commit ``batch`` at once; if that fails, each write alone."""
        try:
            await self._commit(batch)
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][2], exc=exc)
                return
            log.warning("group commit of %d writes failed (%s): one by one",
                        len(batch), type(exc).__name__)  # fmt: skip
            for one in batch:
                try:
                    await self._commit([one])
                except Exception as alone:
                    _settle(one[2], exc=alone)

    async def _commit(self, batch: list[Queued]) -> None:
        results: list[Any] = [None] * len(batch)
        merged: dict[Callable[..., Awaitable[Any]], list[int]] = {}  # kind of write -> callers
        async with self._db.unit_of_work() as store:
            for index, (write, items, _) in enumerate(batch):
                if items is None:
                    results[index] = await write(store)
                else:
                    merged.setdefault(write, []).append(index)
            for many, callers in merged.items():
                every = [item for index in callers for item in batch[index][1] or ()]
                answers, start = await many(store, every), 0
                for index in callers:
                    count = len(batch[index][1] or ())
                    results[index], start = answers[start : start + count], start + count
        self.commits += 1
        for (_, _, future), result in zip(batch, results, strict=True):
            _settle(future, result=result)


def _settle(
    future: asyncio.Future[Any], result: Any = None, exc: BaseException | None = None
) -> None:
    if future.done():  # the caller went away (its request was cancelled)
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)
