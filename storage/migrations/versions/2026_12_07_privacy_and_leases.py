"""privacy and leases: public report ids and approval, unit API keys, sign-in failures,
lease holders with heartbeats, and why an update was given up

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

When = sa.DateTime(timezone=True)
QUEUES = ("telegram_update", "zalo_event")


def upgrade() -> None:
    with op.batch_alter_table("report") as batch:
        batch.add_column(sa.Column("public_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("approved_at", When, nullable=True))
        batch.create_unique_constraint(op.f("uq_report_public_id"), ["public_id"])
    _give_public_ids()
    with op.batch_alter_table("open311_key") as batch:
        batch.add_column(sa.Column("unit_code", sa.String(40), nullable=True))
    with op.batch_alter_table("ops_login") as batch:
        batch.add_column(sa.Column("failures", sa.Integer(), server_default="0", nullable=False))
    for table in QUEUES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("locked_by", sa.String(40), nullable=True))
            batch.add_column(sa.Column("last_error", sa.String(300), nullable=True))
    op.create_table(
        "worker_heartbeat",
        sa.Column("holder", sa.String(40), nullable=False),
        sa.Column("started_at", When, nullable=False),
        sa.Column("seen_at", When, nullable=False),
        sa.PrimaryKeyConstraint("holder", name=op.f("pk_worker_heartbeat")),
    )


def _give_public_ids() -> None:
    """Every existing report gets its opaque public id."""
    report = sa.table("report", sa.column("id", sa.Integer), sa.column("public_id", sa.String))
    connection = op.get_bind()
    for (report_id,) in connection.execute(sa.select(report.c.id)).all():
        connection.execute(
            sa.update(report)
            .where(report.c.id == report_id)
            .values(public_id=secrets.token_hex(8))
        )


def downgrade() -> None:
    op.drop_table("worker_heartbeat")
    for table in QUEUES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("last_error")
            batch.drop_column("locked_by")
    with op.batch_alter_table("ops_login") as batch:
        batch.drop_column("failures")
    with op.batch_alter_table("open311_key") as batch:
        batch.drop_column("unit_code")
    with op.batch_alter_table("report") as batch:
        batch.drop_constraint(op.f("uq_report_public_id"), type_="unique")
        batch.drop_column("approved_at")
        batch.drop_column("public_id")
