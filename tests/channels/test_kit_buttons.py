"""The one button table: tokens and texts for every messenger, and migration 0012's data move.

Everything runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect, text

from bot.channels.buttons import (
    KEEP,
    MAX_VARIANTS,
    issue_text,
    issue_token,
    resolve_text,
    resolve_token,
    text_token,
)
from storage.db import Database, downgrade, upgrade
from tests.support.clock import FakeClock


async def test_a_token_resolves_only_in_its_own_chat_and_channel(
    database: Database, clock: FakeClock
):
    async with database.unit_of_work() as store:
        token = await issue_token(store.buttons, "telegram", "7", "report:send", clock())
        other = await issue_token(store.buttons, "telegram", "7", "report:cancel", clock())
    assert len(token) == 12 and "report" not in token and token != other
    async with database.unit_of_work() as store:
        assert await resolve_token(store.buttons, "telegram", "7", token) == "report:send"
        assert await resolve_token(store.buttons, "telegram", "7", other) == "report:cancel"
        assert await resolve_token(store.buttons, "telegram", "8", token) is None
        assert await resolve_token(store.buttons, "zalo", "7", token) is None
        assert await resolve_token(store.buttons, "telegram", "7", "nope") is None
        assert await resolve_token(store.buttons, "telegram", "7", "x" * 500) is None


async def test_a_button_text_keeps_its_meaning_and_a_new_meaning_gets_a_new_text(
    database: Database, clock: FakeClock
):
    label = "⭐ Đánh giá"
    async with database.unit_of_work() as store:

        async def issue(user_key: str, payload: str) -> str:
            return await issue_text(store.buttons, "zalo", user_key, label, payload, clock())

        given = [await issue("u1", "r:1"), await issue("u1", "r:1"), await issue("u1", "r:2"),
                 await issue("u2", "r:3")]  # fmt: skip
    assert given == [label, label, f"{label} (2)", label]
    async with database.unit_of_work() as store:

        async def meaning(user_key: str, pressed: str) -> str | None:
            return await resolve_text(store.buttons, "zalo", user_key, pressed)

        assert await meaning("u1", f" {label} ") == "r:1"
        assert await meaning("u1", f"{label} (2)") == "r:2"
        assert await meaning("u2", label) == "r:3"
        assert await meaning("u1", "Xin chào") is None


async def test_when_every_variant_is_taken_the_label_itself_is_used(
    database: Database, clock: FakeClock
):
    async with database.unit_of_work() as store:
        for n in range(MAX_VARIANTS):
            await issue_text(store.buttons, "zalo", "u1", "OK", f"p:{n}", clock())
        assert await issue_text(store.buttons, "zalo", "u1", "OK", "p:late", clock()) == "OK"
        assert await resolve_text(store.buttons, "zalo", "u1", "OK") == "p:0"


async def test_prune_forgets_one_channels_unused_tokens(database: Database, clock: FakeClock):
    async with database.unit_of_work() as store:
        await issue_token(store.buttons, "telegram", "7", "a", clock())
        await issue_text(store.buttons, "zalo", "u1", "B", "b", clock())
    clock.advance(days=20)
    async with database.unit_of_work() as store:
        await issue_text(store.buttons, "zalo", "u1", "B", "b", clock())  # shown again: young
    clock.advance(days=15)
    async with database.unit_of_work() as store:
        assert await store.buttons.prune("telegram", clock() - KEEP) == 1
        assert await store.buttons.prune("zalo", clock() - KEEP) == 0
        assert await resolve_text(store.buttons, "zalo", "u1", "B") == "b"
    clock.advance(days=KEEP.days)
    async with database.unit_of_work() as store:
        assert await store.buttons.prune("zalo", clock() - KEEP) == 1


OLD_ROWS = {
    "telegram_button": [("tok-aaaaaaaa", "7", "report:send"), ("tok-bbbbbbbb", "-100", "x:y")],
    "zalo_button": [("5810042000123456789", text_token("⭐ Đánh giá"), "rate:PA-1:yes")],
}


async def test_migration_0012_moves_the_rows_both_ways(scratch: Database, clock: FakeClock):
    await upgrade(scratch.engine, "0010")
    await insert_old_rows(scratch, clock)
    await upgrade(scratch.engine, "0012")
    assert not {"telegram_button", "zalo_button"} & await tables(scratch)
    assert await rows(scratch, "SELECT channel, user_key, token, payload FROM button") == {
        ("telegram", "7", "tok-aaaaaaaa", "report:send"),
        ("telegram", "-100", "tok-bbbbbbbb", "x:y"),
        ("zalo", "5810042000123456789", text_token("⭐ Đánh giá"), "rate:PA-1:yes"),
    }
    async with scratch.unit_of_work() as store:
        assert await resolve_token(store.buttons, "telegram", "7", "tok-aaaaaaaa") == "report:send"
        assert await resolve_text(store.buttons, "zalo", OLD_ROWS["zalo_button"][0][0],
                                  "⭐ Đánh giá") == "rate:PA-1:yes"  # fmt: skip
        await issue_token(store.buttons, "telegram", "9", "new:row", clock())
    await downgrade(scratch.engine, "0010")
    assert "button" not in await tables(scratch)
    telegram = await rows(scratch, "SELECT token, user_key, payload FROM telegram_button")
    assert set(OLD_ROWS["telegram_button"]) < telegram and len(telegram) == 3
    zalo = await rows(scratch, "SELECT user_key, text_hash, payload FROM zalo_button")
    assert zalo == set(OLD_ROWS["zalo_button"])
    await upgrade(scratch.engine, "0012")
    assert len(await rows(scratch, "SELECT token FROM button")) == 4


async def insert_old_rows(database: Database, clock: FakeClock) -> None:
    async with database.engine.begin() as conn:
        for token, user_key, payload in OLD_ROWS["telegram_button"]:
            await conn.execute(
                text("INSERT INTO telegram_button (token, user_key, payload, created_at) "
                     "VALUES (:t, :u, :p, :c)"),
                {"t": token, "u": user_key, "p": payload, "c": clock() - timedelta(days=1)},
            )  # fmt: skip
        for user_key, hashed, payload in OLD_ROWS["zalo_button"]:
            await conn.execute(
                text("INSERT INTO zalo_button (user_key, text_hash, payload, created_at) "
                     "VALUES (:u, :h, :p, :c)"),
                {"u": user_key, "h": hashed, "p": payload, "c": clock()},
            )  # fmt: skip


async def rows(database: Database, query: str) -> set[tuple[str, ...]]:
    async with database.engine.connect() as conn:
        return {tuple(row) for row in (await conn.execute(text(query))).all()}


async def tables(database: Database) -> set[str]:
    async with database.engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
