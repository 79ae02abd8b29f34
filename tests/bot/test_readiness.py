"""/readyz: ready only with the store up, the schema at head and the channels started."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from bot.web import health
from storage.db import Database


async def ready(aiohttp_client: Any, database: Database, **channels: bool) -> Any:
    app = web.Application()
    health.setup(app, database)
    for name, started in channels.items():
        health.expect(app, name, lambda started=started: started)
    client = await aiohttp_client(app)
    response = await client.get("/readyz")
    return response.status, await response.json()


async def test_a_migrated_store_with_started_channels_is_ready(
    aiohttp_client: Any, database: Database
):
    status, body = await ready(aiohttp_client, database, telegram=True)
    assert status == 200
    assert body == {"ready": True, "store": "up", "schema": "at head",
                    "channels": {"telegram": "started"}}  # fmt: skip


async def test_a_channel_still_starting_is_not_ready(aiohttp_client: Any, database: Database):
    status, body = await ready(aiohttp_client, database, telegram=True, zalo=False)
    assert status == 503 and body["channels"]["zalo"] == "starting"


async def test_a_store_behind_the_code_is_not_ready(aiohttp_client: Any, tmp_path: Path):
    database = Database(f"sqlite:///{tmp_path / 'empty.db'}")  # never migrated
    try:
        status, body = await ready(aiohttp_client, database)
    finally:
        await database.dispose()
    assert status == 503 and body["schema"] == "behind" and body["store"] == "up"


async def test_an_unreachable_store_is_not_ready(aiohttp_client: Any):
    database = Database("postgresql://postgres@127.0.0.1:9/nowhere")
    try:
        status, body = await ready(aiohttp_client, database)
    finally:
        await database.dispose()
    assert status == 503 and body["store"] == "down"
