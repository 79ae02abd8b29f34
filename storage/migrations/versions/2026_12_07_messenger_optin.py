"""messenger_optin: a Messenger citizen's notification opt-in token, with its expiry

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "messenger_optin",
        sa.Column("user_key", sa.String(40), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(100), nullable=True),
        sa.Column("expires_at", When, nullable=True),
        sa.Column("updated_at", When, nullable=False),
        sa.PrimaryKeyConstraint("user_key", name=op.f("pk_messenger_optin")),
    )


def downgrade() -> None:
    op.drop_table("messenger_optin")
