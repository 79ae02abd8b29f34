"""user.menu_role: the role whose command menu a messenger last showed this chat

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("user", sa.Column("menu_role", sa.String(length=20), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL) rather than a batch copy of the
    # whole "user" table, which every other table refers to.
    op.execute('ALTER TABLE "user" DROP COLUMN menu_role')
