"""officials: report handling columns, invites, followers, scheduler marks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("satisfied", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("rated_at", When, nullable=True))
        batch.add_column(sa.Column("rating_asked_at", When, nullable=True))
        batch.add_column(
            sa.Column("reopen_count", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("priority", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("reminded_at", When, nullable=True))
        batch.add_column(sa.Column("escalated_at", When, nullable=True))
        batch.add_column(
            sa.Column("disputed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "invite",
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("unit_code", sa.String(40), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("expires_at", When, nullable=False),
        sa.Column("used_at", When, nullable=True),
        sa.Column("used_by", Id, nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["unit.code"], name=op.f("fk_invite_unit_code_unit")
        ),
        sa.ForeignKeyConstraint(
            ["used_by"], ["user.id"], name=op.f("fk_invite_used_by_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_invite")),
    )
    op.create_table(
        "report_follower",
        sa.Column("report_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report.id"],
            name=op.f("fk_report_follower_report_id_report"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_report_follower_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", "user_id", name=op.f("pk_report_follower")),
    )
    op.create_table(
        "scheduler_mark",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("done_at", When, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_scheduler_mark")),
    )
    with op.batch_alter_table("user") as batch:
        batch.create_index("ix_user_unit_code_role", ["unit_code", "role"])


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_index("ix_user_unit_code_role")
    op.drop_table("scheduler_mark")
    op.drop_table("report_follower")
    op.drop_table("invite")
    with op.batch_alter_table("report") as batch:
        for column in (
            "disputed",
            "escalated_at",
            "reminded_at",
            "priority",
            "reopen_count",
            "rating_asked_at",
            "rated_at",
            "satisfied",
        ):
            batch.drop_column(column)
