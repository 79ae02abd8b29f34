"""A process that claims one queued Telegram update and one Zalo event, then waits.

Run as ``python -m tests.delivery.claimer URL``; it beats once, claims with its holder
name (as the intake workers do), prints ``claimed`` and sleeps until killed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

from bot.leases import Heartbeat, holder_name
from storage.db import Database

BOT_ID = 777
LEASE = timedelta(minutes=5)


async def main(url: str) -> None:
    database = Database(url)
    await Heartbeat(database, lambda: datetime.now(UTC)).beat()
    now = datetime.now(UTC)
    async with database.unit_of_work() as store:
        updates = await store.intake.claim("telegram", now, LEASE, holder_name())
        event = await store.intake.claim("zalo", now, LEASE, holder_name())
    print("claimed" if updates and event else "nothing", flush=True)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
