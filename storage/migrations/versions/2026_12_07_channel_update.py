"""one intake for every messenger: channel_update replaces telegram_update and zalo_event

Every row of both old queues moves over (pending, done and failed alike, with their
leases, retry times and errors), and back again on downgrade.

Revision ID: 0016
Revises: 0015 (the chain goes 0010, 0012, 0014, 0015, 0016)
Create Date: 2026-12-07
"""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)
CHUNK = 500

TIMES = {"received_at", "next_at", "lease_until", "locked_until", "done_at", "event_at"}


def _columns(*names: str) -> list[Any]:
    return [sa.column(name, When) if name in TIMES else sa.column(name) for name in names]


NEW = sa.table(
    "channel_update",
    *_columns("id", "channel", "update_key", "chat_key", "group_key", "kind", "status",
              "attempts", "received_at", "next_at", "lease_owner", "lease_until", "done_at",
              "last_error"),
    sa.column("position", sa.BigInteger), sa.column("payload", sa.JSON),
)  # fmt: skip
_COMMON = ("status", "attempts", "received_at", "locked_until", "done_at", "locked_by",
           "last_error")  # fmt: skip
TELEGRAM = sa.table(
    "telegram_update", sa.column("bot_id", sa.BigInteger), sa.column("update_id", sa.BigInteger),
    sa.column("chat_key"), sa.column("media_group_id"), sa.column("payload", sa.JSON),
    *_columns(*_COMMON),
)  # fmt: skip
ZALO = sa.table(
    "zalo_event", sa.column("event_key"), sa.column("user_key"), sa.column("event_name"),
    sa.column("payload", sa.JSON), sa.column("event_at", When), *_columns(*_COMMON),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "channel_update",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("update_key", sa.String(100), nullable=False),
        sa.Column("chat_key", sa.String(40), nullable=True),
        sa.Column("group_key", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(40), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", When, nullable=False),
        sa.Column("next_at", When, nullable=True),
        sa.Column("lease_owner", sa.String(40), nullable=True),
        sa.Column("lease_until", When, nullable=True),
        sa.Column("done_at", When, nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_update")),
        sa.UniqueConstraint("channel", "update_key", name=op.f("uq_channel_update_channel_update_key")),
    )
    op.create_index(
        "ix_channel_update_channel_status_position", "channel_update",
        ["channel", "status", "position"],
    )  # fmt: skip
    op.create_index(
        "ix_channel_update_channel_chat_key_status", "channel_update",
        ["channel", "chat_key", "status"],
    )  # fmt: skip
    _copy(sa.select(TELEGRAM).order_by(TELEGRAM.c.update_id), NEW, _from_telegram)
    _copy(sa.select(ZALO).order_by(ZALO.c.event_at), NEW, _from_zalo)
    _drop_old()


def _copy(query: Any, target: Any, convert: Any) -> None:
    """Insert every row ``query`` yields into ``target``, converted, in chunks."""
    connection = op.get_bind()
    for chunk in _chunks(connection.execute(query).mappings()):
        connection.execute(sa.insert(target), [convert(row) for row in chunk])


def _chunks(rows: Any) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _lease(row: Any) -> dict[str, Any]:
    """The old ``locked_until`` is a lease when someone holds it, else the retry time."""
    held = row["locked_by"] is not None
    until = row["locked_until"]
    return {
        "lease_owner": row["locked_by"], "lease_until": until if held else None,
        "next_at": None if held else until, "status": row["status"],
        "attempts": row["attempts"], "received_at": row["received_at"],
        "done_at": row["done_at"], "last_error": row["last_error"],
    }  # fmt: skip


def _from_telegram(row: Any) -> dict[str, Any]:
    return {
        "channel": "telegram", "update_key": f"{row['bot_id']}:{row['update_id']}",
        "chat_key": row["chat_key"], "group_key": row["media_group_id"], "kind": None,
        "position": row["update_id"], "payload": row["payload"], **_lease(row),
    }  # fmt: skip


def _from_zalo(row: Any) -> dict[str, Any]:
    return {
        "channel": "zalo", "update_key": row["event_key"], "chat_key": row["user_key"],
        "group_key": None, "kind": row["event_name"], "position": _millis(row["event_at"]),
        "payload": row["payload"], **_lease(row),
    }  # fmt: skip


def _millis(at: datetime) -> int:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return int(aware.timestamp() * 1000)


def _drop_old() -> None:
    op.drop_index("ix_telegram_update_bot_id_status_update_id", "telegram_update")
    op.drop_index("ix_telegram_update_bot_id_chat_key", "telegram_update")
    op.drop_table("telegram_update")
    op.drop_index("ix_zalo_event_status_user_key", "zalo_event")
    op.drop_table("zalo_event")


def downgrade() -> None:
    _create_old()
    rows = sa.select(NEW).order_by(NEW.c.id)
    _copy(rows.where(NEW.c.channel == "telegram"), TELEGRAM, _to_telegram)
    _copy(rows.where(NEW.c.channel == "zalo"), ZALO, _to_zalo)
    op.drop_index("ix_channel_update_channel_chat_key_status", "channel_update")
    op.drop_index("ix_channel_update_channel_status_position", "channel_update")
    op.drop_table("channel_update")


def _create_old() -> None:
    op.create_table(
        "telegram_update",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_key", sa.String(40), nullable=True),
        sa.Column("media_group_id", sa.String(64), nullable=True),
        *_old_common(),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_telegram_update")),
    )
    op.create_index("ix_telegram_update_bot_id_chat_key", "telegram_update",
                    ["bot_id", "chat_key"])  # fmt: skip
    op.create_index("ix_telegram_update_bot_id_status_update_id", "telegram_update",
                    ["bot_id", "status", "update_id"])  # fmt: skip
    op.create_table(
        "zalo_event",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("event_key", sa.String(100), nullable=False),
        sa.Column("user_key", sa.String(40), nullable=False),
        sa.Column("event_name", sa.String(40), nullable=False),
        sa.Column("event_at", When, nullable=False),
        *_old_common(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zalo_event")),
        sa.UniqueConstraint("event_key", name=op.f("uq_zalo_event_event_key")),
    )
    op.create_index("ix_zalo_event_status_user_key", "zalo_event", ["status", "user_key"])


def _old_common() -> list[sa.Column[Any]]:
    return [
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", When, nullable=False),
        sa.Column("locked_until", When, nullable=True),
        sa.Column("done_at", When, nullable=True),
        sa.Column("locked_by", sa.String(40), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
    ]


def _back(row: Any) -> dict[str, Any]:
    return {
        "payload": row["payload"], "status": row["status"], "attempts": row["attempts"],
        "received_at": row["received_at"], "locked_until": row["lease_until"] or row["next_at"],
        "done_at": row["done_at"], "locked_by": row["lease_owner"],
        "last_error": row["last_error"],
    }  # fmt: skip


def _to_telegram(row: Any) -> dict[str, Any]:
    bot_id, _, update_id = str(row["update_key"]).partition(":")
    return {
        "bot_id": int(bot_id), "update_id": int(update_id), "chat_key": row["chat_key"],
        "media_group_id": row["group_key"], **_back(row),
    }  # fmt: skip


def _to_zalo(row: Any) -> dict[str, Any]:
    return {
        "event_key": row["update_key"], "user_key": row["chat_key"] or "",
        "event_name": row["kind"] or "", "event_at": _moment(int(row["position"])),
        **_back(row),
    }  # fmt: skip


def _moment(millis: int) -> datetime:
    return datetime.fromtimestamp(millis / 1000, UTC)
