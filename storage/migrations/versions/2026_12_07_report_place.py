"""report place: the place as HueBot understood it (description) and its street

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("place", sa.Text(), nullable=True))
        batch.add_column(sa.Column("street", sa.String(length=80), nullable=True))
    op.create_index("ix_report_ward_street", "report", ["ward", "street"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_report_ward_street", table_name="report")
    with op.batch_alter_table("report") as batch:
        batch.drop_column("street")
        batch.drop_column("place")
