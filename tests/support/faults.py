"""Real database failures for tests: a trigger that makes inserts into a table fail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from storage.db import Database


@asynccontextmanager
async def failing_inserts(database: Database, table: str) -> AsyncIterator[None]:
    """While the block runs, every INSERT into ``table`` raises 'boom' in the database."""
    sqlite = database.engine.dialect.name == "sqlite"
    async with database.engine.begin() as conn:
        if sqlite:
            await conn.execute(
                text(
                    f"CREATE TRIGGER boom BEFORE INSERT ON {table} "
                    "BEGIN SELECT RAISE(ABORT, 'boom'); END"
                )
            )
        else:
            await conn.execute(
                text(
                    "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'boom'; END $$"
                )
            )
            await conn.execute(
                text(
                    f"CREATE TRIGGER boom BEFORE INSERT ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION boom()"
                )
            )
    try:
        yield
    finally:
        async with database.engine.begin() as conn:
            await conn.execute(
                text("DROP TRIGGER boom" if sqlite else f"DROP TRIGGER boom ON {table}")
            )
            if not sqlite:
                await conn.execute(text("DROP FUNCTION boom()"))
