"""The OA's tokens: seeded once, rotated atomically, refreshed early and after -216.

The fake OAuth server rotates like Zalo: each refresh token works once, and a refresh
gives a new access token *and* a new refresh token. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import Services
from bot.channels.http import Http
from bot.channels.zalo import TokenUnavailable
from bot.channels.zalo.client import TokenKeeper, ZaloClient
from bot.channels.zalo.render import text_body
from storage.db import Database
from tests.support.clock import FakeClock
from tests.support.fake_zalo import (
    FIRST_REFRESH,
    MESSAGE_PATH,
    OAUTH_PATH,
    FakeZalo,
    serve_fake,
    zalo_env,
    zalo_settings_for,
)


@pytest.fixture
async def fake_zalo(aiohttp_server: Any) -> FakeZalo:
    return await serve_fake(aiohttp_server)


@pytest.fixture
async def sessions() -> AsyncIterator[Callable[[], Http]]:
    """Opens HTTP sessions (one per "process"); every one is closed at the end."""
    opened: list[Http] = []

    def open_one() -> Http:
        opened.append(Http())
        return opened[-1]

    yield open_one
    for http in opened:
        await http.close()


@pytest.fixture
def keepers(
    services: Services, fake_zalo: FakeZalo, clock: FakeClock, sessions: Callable[[], Http]
) -> Any:
    """Makes keepers (one per "process"), each with its own HTTP session."""

    def make(env: dict[str, str] | None = None) -> TokenKeeper:
        settings = zalo_settings_for(services, fake_zalo, env)
        return TokenKeeper(settings, services.database, sessions(), clock)

    return make


async def stored(services: Services) -> Any:
    async with services.database.unit_of_work() as store:
        return await store.zalo_tokens.get("1234567890123456789")


def oauth_tokens_posted(fake: FakeZalo) -> list[str]:
    return [call.body["refresh_token"] for call in fake.calls_to(OAUTH_PATH)]


async def test_the_environment_seeds_the_store_once(services: Services, fake_zalo, keepers):
    env = zalo_env(fake_zalo)
    first = keepers(env)
    assert await first.bootstrap() is True
    token = await first.access_token()
    restarted = keepers(env)  # the same ZALO_REFRESH_TOKEN as at the first start
    assert await restarted.bootstrap() is False
    assert await restarted.access_token() == token  # the rotated pair, not the used seed
    assert oauth_tokens_posted(fake_zalo) == [FIRST_REFRESH]
    reseeded = keepers(zalo_env(fake_zalo, ZALO_REFRESH_TOKEN=fake_zalo.refresh_token))
    assert await reseeded.bootstrap() is True  # an operator's new token replaces the row


async def test_a_refresh_saves_the_new_access_and_refresh_tokens_together(
    services: Services, fake_zalo: FakeZalo, keepers
):
    keeper = keepers()
    await keeper.bootstrap()
    token = await keeper.access_token()
    row = await stored(services)
    assert (row.access_token, row.refresh_token) == (token, fake_zalo.refresh_token)
    assert row.refresh_token != FIRST_REFRESH and row.lease_owner is None
    assert row.access_expires_at is not None and row.refresh_expires_at is not None


async def test_the_access_token_is_refreshed_before_it_expires(
    fake_zalo: FakeZalo, keepers, clock: FakeClock
):
    keeper = keepers()
    await keeper.bootstrap()
    first = await keeper.access_token()
    clock.advance(hours=23)  # 25 h tokens, refreshed within the last hour
    assert await keeper.access_token() == first
    clock.advance(hours=1, minutes=30)
    second = await keeper.access_token()
    assert second != first and len(fake_zalo.calls_to(OAUTH_PATH)) == 2


async def test_two_processes_refresh_once(fake_zalo: FakeZalo, keepers):
    one, two = keepers(), keepers()
    await one.bootstrap()
    fake_zalo.oauth_gate = asyncio.Event()
    first = asyncio.create_task(one.access_token())
    await _until(lambda: fake_zalo.calls_to(OAUTH_PATH))
    second = asyncio.create_task(two.access_token())
    await asyncio.sleep(0.3)  # the second waits on the first one's lease
    fake_zalo.oauth_gate.set()
    assert await first == await second
    assert oauth_tokens_posted(fake_zalo) == [FIRST_REFRESH]


async def test_a_refused_refresh_is_reported_and_keeps_the_stored_tokens(
    services: Services, fake_zalo: FakeZalo, keepers
):
    keeper = keepers()
    await keeper.bootstrap()
    fake_zalo.refresh_token = "someone-else-used-it"
    with pytest.raises(TokenUnavailable, match="Invalid refresh token"):
        await keeper.access_token()
    row = await stored(services)
    assert row.refresh_token == FIRST_REFRESH and row.lease_owner is None


async def test_new_tokens_are_kept_until_the_store_takes_them(
    services: Services, fake_zalo: FakeZalo, keepers
):
    keeper = keepers()
    await keeper.bootstrap()
    async with failing_rotation(services.database):
        token = await keeper.access_token()  # Zalo answered; the save failed
        assert (await stored(services)).refresh_token == FIRST_REFRESH
        fake_zalo.expire_access_token()  # even a refused token never re-posts the dead one
        assert await keeper.refresh(stale=token) != token
    await keeper.keep_fresh()
    row = await stored(services)
    assert row.refresh_token == fake_zalo.refresh_token and row.lease_owner is None
    assert oauth_tokens_posted(fake_zalo)[0] == FIRST_REFRESH
    assert FIRST_REFRESH not in oauth_tokens_posted(fake_zalo)[1:]


async def test_a_refused_access_token_is_refreshed_and_the_call_made_again(
    services: Services, fake_zalo: FakeZalo, keepers: Any, sessions: Callable[[], Http]
):
    keeper = keepers()
    await keeper.bootstrap()
    client = ZaloClient(zalo_settings_for(services, fake_zalo), sessions(), keeper)
    await client.send(text_body("42", "một"))
    fake_zalo.expire_access_token()
    await client.send(text_body("42", "hai"))
    paths = [call.path for call in fake_zalo.calls]
    assert paths == [OAUTH_PATH, MESSAGE_PATH, MESSAGE_PATH, OAUTH_PATH, MESSAGE_PATH]
    assert fake_zalo.texts("42") == ["một", "hai"]


@asynccontextmanager
async def failing_rotation(database: Database) -> AsyncIterator[None]:
    """While the block runs, the store refuses to change the refresh token."""
    sqlite = database.engine.dialect.name == "sqlite"
    statements = (
        ["CREATE TRIGGER rot BEFORE UPDATE ON zalo_token WHEN NEW.refresh_token <> "
         "OLD.refresh_token BEGIN SELECT RAISE(ABORT, 'boom'); END"]
        if sqlite else
        ["CREATE FUNCTION rot() RETURNS trigger LANGUAGE plpgsql AS "
         "$$ BEGIN RAISE EXCEPTION 'boom'; END $$",
         "CREATE TRIGGER rot BEFORE UPDATE ON zalo_token FOR EACH ROW WHEN "
         "(NEW.refresh_token IS DISTINCT FROM OLD.refresh_token) EXECUTE FUNCTION rot()"]
    )  # fmt: skip
    async with database.engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    try:
        yield
    finally:
        async with database.engine.begin() as conn:
            await conn.execute(
                text("DROP TRIGGER rot" if sqlite else "DROP TRIGGER rot ON zalo_token")
            )
            if not sqlite:
                await conn.execute(text("DROP FUNCTION rot()"))


async def _until(condition: Any) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met")
