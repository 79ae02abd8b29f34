"""Migration 0011 moves both channels' queued updates into channel_update and back.

Rows of every state go up and come down unchanged, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from storage.db import Database, downgrade, upgrade

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
TELEGRAM_ROWS = [  # bot, update, chat, album, status, attempts, locked_until, by, error
    (42, 1001, "7", None, "pending", 0, None, None, None),
    (42, 1002, "7", "album", "pending", 1, LATER, "host-9-deadbeef", None),
    (42, 1003, "8", None, "done", 1, None, None, None),
    (42, 1004, "9", None, "failed", 3, LATER, None, "Boom (IntegrityError)"),
]
ZALO_ROWS = [  # key, user, event, status, attempts, locked_until, by
    ("msg:a", "u1", "user_send_text", "pending", 1, LATER, None),
    ("msg:b", "u2", "user_send_image", "done", 1, None, None),
]


async def fill_old_queues(database: Database) -> None:
    async with database.engine.begin() as conn:
        for bot, update, chat, album, status, attempts, until, by, error in TELEGRAM_ROWS:
            await conn.execute(text(
                "INSERT INTO telegram_update (bot_id, update_id, chat_key, media_group_id, "
                "payload, status, attempts, received_at, locked_until, done_at, locked_by, "
                "last_error) VALUES (:bot, :update, :chat, :album, :payload, :status, "
                ":attempts, :now, :until, NULL, :by, :error)"
            ), {"bot": bot, "update": update, "chat": chat, "album": album, "status": status,
                "payload": f'{{"update_id": {update}}}', "attempts": attempts, "now": NOW,
                "until": until, "by": by, "error": error})  # fmt: skip
        for key, user, event, status, attempts, until, by in ZALO_ROWS:
            await conn.execute(text(
                "INSERT INTO zalo_event (event_key, user_key, event_name, payload, status, "
                "attempts, event_at, received_at, locked_until, done_at, locked_by) VALUES "
                "(:key, :user, :event, :payload, :status, :attempts, :now, :now, :until, "
                "NULL, :by)"
            ), {"key": key, "user": user, "event": event, "payload": '{"x": 1}',
                "status": status, "attempts": attempts, "now": NOW, "until": until,
                "by": by})  # fmt: skip


async def rows(database: Database, query: str) -> list[tuple[Any, ...]]:
    """The rows ``query`` reads, every time in it as an aware datetime."""
    async with database.engine.connect() as conn:
        found = (await conn.execute(text(query))).all()
    return [tuple(instant(v) if _time(v) else v for v in row) for row in found]


def _time(value: Any) -> bool:
    return isinstance(value, datetime) or (
        isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " "
    )


def instant(value: Any) -> datetime | None:
    """A stored time as an aware datetime (SQLite hands back text)."""
    if value is None:
        return None
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def test_queued_updates_move_to_channel_update_and_back(scratch: Database):
    await upgrade(scratch.engine, "0010")
    await fill_old_queues(scratch)
    old_telegram = await rows(scratch, "SELECT * FROM telegram_update ORDER BY update_id")
    old_zalo = await rows(scratch, "SELECT event_key, user_key, event_name, status, attempts, "
                                   "locked_until, locked_by FROM zalo_event ORDER BY event_key")
    await upgrade(scratch.engine, "0016")
    moved = await rows(scratch, "SELECT channel, update_key, chat_key, group_key, kind, "
                                "position, status, attempts, next_at, lease_owner, lease_until, "
                                "last_error FROM channel_update ORDER BY channel, update_key")
    assert [r[:8] for r in moved] == [
        ("telegram", "42:1001", "7", None, None, 1001, "pending", 0),
        ("telegram", "42:1002", "7", "album", None, 1002, "pending", 1),
        ("telegram", "42:1003", "8", None, None, 1003, "done", 1),
        ("telegram", "42:1004", "9", None, None, 1004, "failed", 3),
        ("zalo", "msg:a", "u1", None, "user_send_text", int(NOW.timestamp() * 1000),
         "pending", 1),
        ("zalo", "msg:b", "u2", None, "user_send_image", int(NOW.timestamp() * 1000),
         "done", 1),
    ]  # fmt: skip
    leases = {r[1]: (r[8], r[9], r[10], r[11]) for r in moved}
    assert leases["42:1002"] == (None, "host-9-deadbeef", LATER, None)  # held: a lease
    assert leases["42:1004"] == (LATER, None, None, "Boom (IntegrityError)")  # a retry time
    assert leases["msg:a"] == (LATER, None, None, None)
    await downgrade(scratch.engine, "0010")
    assert await rows(scratch, "SELECT * FROM telegram_update ORDER BY update_id") == old_telegram
    assert await rows(scratch, "SELECT event_key, user_key, event_name, status, attempts, "
                               "locked_until, locked_by FROM zalo_event ORDER BY event_key"
                      ) == old_zalo  # fmt: skip
    await upgrade(scratch.engine)
    assert len(await rows(scratch, "SELECT id FROM channel_update")) == 6
