"""Engines, sessions and migrations. Built from the config, never at import time."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_inline
from storage.store import Store

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LOCK_KEY = 0x4875_6542_6F74  # "HueBot": the advisory lock every migrating process takes
START_KEY = LOCK_KEY + 1  # the lock around a whole start-up (migrate, then seed the store)


def async_url(url: str) -> str:
    """Give a plain sqlite:// or postgresql:// URL its async driver.

    Args:
        url: A database URL as an operator writes it.

    Returns:
        The same URL naming aiosqlite or asyncpg.
    """
    parsed = make_url(url)
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
    backend = parsed.get_backend_name()
    if backend not in driver:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    return parsed.set(drivername=driver[backend]).render_as_string(hide_password=False)


def create_engine(url: str, schema: str | None = None, **kwargs: Any) -> AsyncEngine:
    """Build the engine for ``url``.

    SQLite gets WAL, foreign keys, ``BEGIN IMMEDIATE`` so that concurrent writers
    queue instead of failing half-way, and statements run in the loop's thread
    (``storage/sqlite_inline.py``: a locked file is waited for asynchronously, 30 s).
    ``schema`` (PostgreSQL only) sets the search path, which lets test runs live side
    by side.

    Args:
        url: Database URL (plain or with driver).
        schema: PostgreSQL schema to use, or None for the default.
        **kwargs: Passed to SQLAlchemy.

    Returns:
        The async engine.
    """
    full = async_url(url)
    if full.startswith("sqlite"):
        _ensure_sqlite_dir(full)
        connect_args = {"timeout": 30, "async_creator_fn": sqlite_inline.connect}
        engine = create_async_engine(full, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine)
        return engine
    if schema:
        kwargs.setdefault("connect_args", {})["server_settings"] = {"search_path": schema}
    return create_async_engine(full, pool_pre_ping=True, **kwargs)


def _ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "foreign_keys=ON"):  # waits: sqlite_inline
            cursor.execute(f"PRAGMA {pragma}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit when the block ends, roll back when it raises."""
    async with sessions() as session, session.begin():
        yield session


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    """Alembic's config pointing at our migrations, optionally on a live connection."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


async def upgrade(engine: AsyncEngine, revision: str = "heads") -> None:
    """Migrate the store to ``revision`` (every head by default).

    On PostgreSQL the migration runs under a transaction-scoped advisory lock: of
    several processes started at the same moment one migrates and the others wait for
    its commit, then find the schema at head and do nothing. SQLite's ``BEGIN
    IMMEDIATE`` already lets one writer in at a time.
    """
    async with _migrating(engine) as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
    log.info("database migrated to %s", revision)


async def _wait_for_migration_lock(conn: AsyncConnection) -> None:
    """Take the migration lock, saying so when another process holds it."""
    taken = await conn.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    if not taken:
        log.info("another process is migrating the database; waiting for it")
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the store's schema is at the newest migration (every head)."""

    def check(sync: Connection) -> bool:
        return set(MigrationContext.configure(sync).get_current_heads()) == code_heads()

    async with engine.connect() as conn:
        return await conn.run_sync(check)


@functools.cache
def code_heads() -> frozenset[str]:
    """The newest revisions this code knows (read from the migration files once)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Migrate the store back to ``revision``."""
    async with _migrating(engine) as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


@asynccontextmanager
async def _migrating(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A transaction to migrate in: on PostgreSQL under the migration lock, on SQLite
    with foreign key actions off.

    SQLite cannot alter most columns in place, so Alembic copies the table and drops
    the old one; with foreign keys on, that drop deletes every row that refers to it
    with ON DELETE CASCADE (a report's audit trail, photos and followers). The pragma
    only takes effect outside a transaction, so it is set on the driver's connection
    before the transaction begins, and the references are checked before commit.
    """
    async with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            async with conn.begin():
                await _wait_for_migration_lock(conn)
                yield conn
            return
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.execute("PRAGMA foreign_keys=OFF")
        try:
            async with conn.begin():
                yield conn
                broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            await raw.execute("PRAGMA foreign_keys=ON")


class Database:
    """An engine and its sessions; hands out units of work.

    SQLite has one writer at a time, and a transaction that waits for it polls while
    the lock may long be free. On SQLite the units of work of this process therefore
    queue for the lock here, in order, and each one begins the moment the one before
    it ends.
    """

    def __init__(self, url: str, schema: str | None = None) -> None:
        self.engine = create_engine(url, schema=schema)
        self._sessions = sessionmaker(self.engine)
        self._writer = asyncio.Lock() if self.engine.dialect.name == "sqlite" else None

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[Store]:
        """One transaction: commits when the block ends, rolls back when it raises."""
        async with self.session() as session:
            yield Store.bound(session)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One transaction on a bare session (queries beyond the repositories' own)."""
        async with self._turn(), transaction(self._sessions) as session:
            yield session

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """This process's turn at SQLite's one writer lock (PostgreSQL: no wait).

        Every use of the engine takes its turn here, so that the process's own
        transactions never poll for each other's lock (``storage/sqlite_inline.py``).
        """
        if self._writer is None:
            yield
            return
        async with self._writer:
            yield

    async def migrate(self) -> None:
        """Bring the schema to the newest migration."""
        async with self._turn():
            await upgrade(self.engine)

    @asynccontextmanager
    async def start_up_lock(self) -> AsyncIterator[None]:
        """Let one process at a time through its start-up (PostgreSQL; SQLite: no-op).

        Held on a connection of its own for the block (a session advisory lock, freed
        also when the process dies), so the migration and the seeding that follows
        (units, holidays, the services directory) never run twice at once.
        """
        if self.engine.dialect.name != "postgresql":
            yield
            return
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": START_KEY})
            await conn.commit()
            try:
                yield
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": START_KEY})
                await conn.commit()

    async def at_head(self) -> bool:
        """Whether the schema is at the newest migration."""
        async with self._turn():
            return await at_head(self.engine)

    async def dispose(self) -> None:
        """Close every connection."""
        await self.engine.dispose()

    async def ping(self) -> bool:
        """True when the store answers a trivial query."""
        try:
            async with self._turn(), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to answer means unreachable
            log.warning("store unreachable: %s", type(exc).__name__)
            return False
        return True
