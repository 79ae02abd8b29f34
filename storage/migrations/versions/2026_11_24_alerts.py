"""alerts: CAP-style alerts, ward subscriptions, opt-outs; outbox leases and alert rows

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    _create_alert()
    op.create_table(
        "alert_subscription",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("ward", sa.String(length=40), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_alert_subscription_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_subscription")),
        sa.UniqueConstraint("user_id", "ward", name=op.f("uq_alert_subscription_user_id_ward")),
    )
    op.create_index(
        op.f("ix_alert_subscription_ward"), "alert_subscription", ["ward"], unique=False
    )
    op.create_table(
        "alert_opt_out",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_alert_opt_out_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_alert_opt_out")),
    )
    _extend_outbox()


def _create_alert() -> None:
    op.create_table(
        "alert",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=False),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("msg_type", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("references_id", Id, nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("headline", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("urgency", sa.String(length=12), nullable=False),
        sa.Column("certainty", sa.String(length=12), nullable=False),
        sa.Column("whole_city", sa.Boolean(), nullable=False),
        sa.Column("wards", sa.JSON(), nullable=False),
        sa.Column("area_desc", sa.Text(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("photo_sha256", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("created_by", Id, nullable=True),
        sa.Column("sent_at", When, nullable=False),
        sa.Column("expires_at", When, nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("cancelled_at", When, nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("progress_user_id", Id, nullable=True),
        sa.Column("progress_ref", sa.String(length=100), nullable=True),
        sa.Column("progress_at", When, nullable=True),
        sa.Column("finished_at", When, nullable=True),
        sa.ForeignKeyConstraint(
            ["references_id"],
            ["alert.id"],
            name=op.f("fk_alert_references_id_alert"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
            name=op.f("fk_alert_created_by_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["progress_user_id"],
            ["user.id"],
            name=op.f("fk_alert_progress_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
        sa.UniqueConstraint("identifier", name=op.f("uq_alert_identifier")),
    )
    op.create_index(
        "ix_alert_category_status_sent_at",
        "alert",
        ["category", "status", "sent_at"],
        unique=False,
    )


def _extend_outbox() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_id", Id, nullable=True))
        batch_op.add_column(sa.Column("expires_at", When, nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", When, nullable=True))
        batch_op.add_column(
            sa.Column("parts_done", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_alert_id_alert"),
            "alert",
            ["alert_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_outbox_alert_id_user_id"), ["alert_id", "user_id"]
        )
        batch_op.create_index(
            "ix_outbox_channel_status_priority_id",
            ["channel", "status", "priority", "id"],
            unique=False,
        )
        batch_op.create_index("ix_outbox_alert_id_status", ["alert_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_alert_id_status")
        batch_op.drop_index("ix_outbox_channel_status_priority_id")
        batch_op.drop_constraint(batch_op.f("uq_outbox_alert_id_user_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_outbox_alert_id_alert"), type_="foreignkey")
        batch_op.drop_column("parts_done")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("alert_id")
    op.drop_table("alert_opt_out")
    op.drop_index(op.f("ix_alert_subscription_ward"), table_name="alert_subscription")
    op.drop_table("alert_subscription")
    op.drop_index("ix_alert_category_status_sent_at", table_name="alert")
    op.drop_table("alert")
