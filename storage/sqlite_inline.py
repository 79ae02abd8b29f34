"""SQLite statements run in the event loop's own thread, not in a worker thread.

aiosqlite runs each call of a connection (cursor, execute, fetch, commit) in a thread of
its own and hands the result back through the event loop: four or five hand-overs per
statement, each one waiting for the other thread to get the interpreter. For the
store's statements, which take microseconds, that hand-over is nearly all the time
(measured: an update's eleven statements took 12 to 18 ms through the thread, see
``make bench-inbound``). ``connect`` returns an aiosqlite connection whose calls run
in place: the thread is used only to open and close the file.

Nothing may then wait inside SQLite: its busy handler would hold the loop, and with it
the transaction it waits for. So SQLite gives up at once on a lock it cannot take
(timeout 0) and the call is tried again after an asynchronous pause, for as long as
the busy timeout allows; meanwhile the loop runs on. Within the process the units of
work take turns anyway (``Database.unit_of_work``); the retries are for another
process (a ``huebot`` command) or a second engine on the same file. A statement still
holds the loop while it runs; the store's statements are indexed and small.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite

BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
FIRST_PAUSE, LONGEST_PAUSE = 0.001, 0.05  # seconds between tries, doubling


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run in the caller's thread."""

    def __init__(self, connector: Any, iter_chunk_size: int, busy_timeout: float) -> None:
        super().__init__(connector, iter_chunk_size)
        self.busy_timeout = busy_timeout

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        pause, deadline = FIRST_PAUSE, time.monotonic() + self.busy_timeout
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                if not busy(exc) or time.monotonic() + pause > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)


def busy(exc: sqlite3.OperationalError) -> bool:
    """SQLite refused because another connection holds the lock (nothing was done)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code in BUSY_CODES if code is not None else "locked" in str(exc)


def connect(
    database: str | Path, *, iter_chunk_size: int = 64, timeout: float = 30.0, **kwargs: Any
) -> InlineConnection:
    """Open ``database`` (SQLAlchemy's ``async_creator_fn``; arguments as for sqlite3).

    ``timeout`` is how long a call waits for a lock, asynchronously; SQLite itself is
    told not to wait.
    """
    kwargs.update(check_same_thread=False, timeout=0)  # opened in aiosqlite's thread
    connector = partial(sqlite3.connect, str(database), **kwargs)
    return InlineConnection(connector, iter_chunk_size, timeout)
