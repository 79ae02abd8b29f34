"""buttons: one table for every messenger's button tokens (Telegram's and Zalo's rows moved)

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07

``telegram_button`` (random callback tokens) and ``zalo_button`` (SHA-256 of button
texts) become rows of ``button`` keyed by channel, chat and token. Going down moves
Telegram's and Zalo's rows back; rows of any other channel have no old table and are
dropped.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "button",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_key", sa.String(length=100), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.String(length=200), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.PrimaryKeyConstraint("channel", "user_key", "token", name=op.f("pk_button")),
    )
    op.create_index(op.f("ix_button_created_at"), "button", ["created_at"], unique=False)
    op.execute(
        "INSERT INTO button (channel, user_key, token, payload, created_at) "
        "SELECT 'telegram', user_key, token, payload, created_at FROM telegram_button"
    )
    op.execute(
        "INSERT INTO button (channel, user_key, token, payload, created_at) "
        "SELECT 'zalo', user_key, text_hash, payload, created_at FROM zalo_button"
    )
    op.drop_index(op.f("ix_telegram_button_created_at"), table_name="telegram_button")
    op.drop_table("telegram_button")
    op.drop_index(op.f("ix_zalo_button_created_at"), table_name="zalo_button")
    op.drop_table("zalo_button")


def downgrade() -> None:
    op.create_table(
        "telegram_button",
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("user_key", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.String(length=200), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_telegram_button")),
    )
    op.create_index(
        op.f("ix_telegram_button_created_at"), "telegram_button", ["created_at"], unique=False
    )
    op.create_table(
        "zalo_button",
        sa.Column("user_key", sa.String(length=40), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.String(length=200), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.PrimaryKeyConstraint("user_key", "text_hash", name=op.f("pk_zalo_button")),
    )
    op.create_index(op.f("ix_zalo_button_created_at"), "zalo_button", ["created_at"], unique=False)
    op.execute(
        "INSERT INTO telegram_button (token, user_key, payload, created_at) "
        "SELECT token, user_key, payload, created_at FROM button WHERE channel = 'telegram'"
    )
    op.execute(
        "INSERT INTO zalo_button (user_key, text_hash, payload, created_at) "
        "SELECT user_key, token, payload, created_at FROM button WHERE channel = 'zalo'"
    )
    op.drop_index(op.f("ix_button_created_at"), table_name="button")
    op.drop_table("button")
