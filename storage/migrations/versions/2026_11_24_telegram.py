"""telegram: inbound update queue, inline button tokens, deep links

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 14:37:17.822972
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deep_link",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("ward", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deep_link")),
    )
    op.create_table(
        "telegram_button",
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("user_key", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_telegram_button")),
    )
    with op.batch_alter_table("telegram_button", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_telegram_button_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "telegram_update",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_key", sa.String(length=40), nullable=True),
        sa.Column("media_group_id", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_telegram_update")),
    )
    with op.batch_alter_table("telegram_update", schema=None) as batch_op:
        batch_op.create_index(
            "ix_telegram_update_bot_id_chat_key", ["bot_id", "chat_key"], unique=False
        )
        batch_op.create_index(
            "ix_telegram_update_bot_id_status_update_id",
            ["bot_id", "status", "update_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("telegram_update", schema=None) as batch_op:
        batch_op.drop_index("ix_telegram_update_bot_id_status_update_id")
        batch_op.drop_index("ix_telegram_update_bot_id_chat_key")
    op.drop_table("telegram_update")
    with op.batch_alter_table("telegram_button", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_telegram_button_created_at"))
    op.drop_table("telegram_button")
    op.drop_table("deep_link")
