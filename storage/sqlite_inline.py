"""SQLite statements run in the event loop's own thread, not in a worker thread.

aiosqlite runs each call of a connection (cursor, execute, fetch, commit) in a thread of
its own and hands the result back through the event loop: four or five hand-overs per
statement, each one waiting for the other thread to get the interpreter. For the
store's statements, which take microseconds, that hand-over is nearly all the time
(measured: an update's eleven statements took 12 to 18 ms through the thread, see
``make bench-inbound``). ``connect`` returns an aiosqlite connection whose calls run
in place: the thread is used only to open and close the file.

This is sound because the calls never wait on each other inside one process:
``Database.unit_of_work`` lets one transaction of the process at a time hold SQLite's
writer lock (``BEGIN IMMEDIATE``), and every other use of the engine goes through it
too. A statement still blocks the loop while it runs; the store's statements are
indexed and small, and the figures pages, the heaviest reads, take milliseconds at a
province's scale. Another process (a ``huebot`` command) holding the writer lock makes a
statement wait in SQLite's busy handler, as long as that command's transaction lasts.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run in the caller's thread."""

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def connect(database: str | Path, *, iter_chunk_size: int = 64, **kwargs: Any) -> InlineConnection:
    """Open ``database`` (SQLAlchemy's ``async_creator_fn``: its arguments as for sqlite3)."""
    kwargs["check_same_thread"] = False  # opened by aiosqlite's thread, used by the loop's
    return InlineConnection(partial(sqlite3.connect, str(database), **kwargs), iter_chunk_size)
