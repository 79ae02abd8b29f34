"""zalo: inbound event queue, button texts, reply windows, OA tokens

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "zalo_event",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("event_key", sa.String(length=100), nullable=False),
        sa.Column("user_key", sa.String(length=40), nullable=False),
        sa.Column("event_name", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("event_at", When, nullable=False),
        sa.Column("received_at", When, nullable=False),
        sa.Column("locked_until", When, nullable=True),
        sa.Column("done_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zalo_event")),
        sa.UniqueConstraint("event_key", name=op.f("uq_zalo_event_event_key")),
    )
    op.create_index(
        "ix_zalo_event_status_user_key", "zalo_event", ["status", "user_key"], unique=False
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
    op.create_table(
        "zalo_window",
        sa.Column("user_key", sa.String(length=40), nullable=False),
        sa.Column("last_interaction_at", When, nullable=False),
        sa.Column("sent_since", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_key", name=op.f("pk_zalo_window")),
    )
    op.create_table(
        "zalo_token",
        sa.Column("app_id", sa.String(length=40), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("access_expires_at", When, nullable=True),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("refresh_expires_at", When, nullable=True),
        sa.Column("seed_hash", sa.String(length=64), nullable=False),
        sa.Column("lease_owner", sa.String(length=40), nullable=True),
        sa.Column("lease_until", When, nullable=True),
        sa.Column("updated_at", When, nullable=False),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_zalo_token")),
    )


def downgrade() -> None:
    op.drop_table("zalo_token")
    op.drop_table("zalo_window")
    op.drop_index(op.f("ix_zalo_button_created_at"), table_name="zalo_button")
    op.drop_table("zalo_button")
    op.drop_index("ix_zalo_event_status_user_key", table_name="zalo_event")
    op.drop_table("zalo_event")
