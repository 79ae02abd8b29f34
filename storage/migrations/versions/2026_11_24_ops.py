"""ops: dashboard sign-in links and sessions, Open311 API keys (hashes only)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def _user_fk() -> sa.ForeignKey:
    return sa.ForeignKey("user.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "ops_login",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("user_id", Id, _user_fk(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("expires_at", When, nullable=False),
        sa.Column("used_at", When, nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_ops_login")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_ops_login_code_hash")),
    )
    op.create_table(
        "ops_session",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", Id, _user_fk(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("expires_at", When, nullable=False),
        sa.Column("ended_at", When, nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_ops_session")),
    )
    op.create_index(op.f("ix_ops_session_user_id"), "ops_session", ["user_id"])
    op.create_table(
        "open311_key",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("last_used_at", When, nullable=True),
        sa.Column("revoked_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_key")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_key_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_key_key_hash")),
    )


def downgrade() -> None:
    op.drop_table("open311_key")
    op.drop_index(op.f("ix_ops_session_user_id"), table_name="ops_session")
    op.drop_table("ops_session")
    op.drop_table("ops_login")
