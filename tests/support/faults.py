"""Real database failures for tests: a trigger that makes inserts into a table fail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from storage.db import Database


@asynccontextmanager
async def failing_inserts(
    database: Database, table: str, when: str | None = None
) -> AsyncIterator[None]:
    """While the block runs, every INSERT into ``table`` raises 'boom' in the database.

    ``when`` (SQL on ``NEW``, e.g. ``"NEW.update_id = 'x'"``) limits it to those rows.
    """
    sqlite = database.engine.dialect.name == "sqlite"
    only = f" WHEN {when}" if sqlite and when else f" WHEN ({when})" if when else ""
    async with database.engine.begin() as conn:
        if sqlite:
            await conn.execute(
                text(
                    f"CREATE TRIGGER boom BEFORE INSERT ON {table}{only} "
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
                    f"FOR EACH ROW{only} EXECUTE FUNCTION boom()"
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
