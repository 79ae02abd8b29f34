"""services: the public-services directory and the public holidays it keeps

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "service",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("ward", sa.String(length=40), nullable=True),
        sa.Column("phone", sa.String(length=60), nullable=True),
        sa.Column("hours", sa.String(length=300), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("notes_vi", sa.Text(), nullable=True),
        sa.Column("notes_en", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
        sa.UniqueConstraint("code", name=op.f("uq_service_code")),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_type_active_latitude",
            ["type", "active", "latitude", "longitude"],
            unique=False,
        )
        batch_op.create_index("ix_service_ward_type", ["ward", "type"], unique=False)
    op.create_table(
        "service_holiday",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_service_holiday")),
    )


def downgrade() -> None:
    op.drop_table("service_holiday")
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_index("ix_service_ward_type")
        batch_op.drop_index("ix_service_type_active_latitude")
    op.drop_table("service")
