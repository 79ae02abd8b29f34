"""crisis: urgent reports and their first acknowledgement, confidential reports, crisis areas

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

A report may be urgent (an SOS: the people there and who needs help are kept) and
confidential (its author's identity hidden from everyone but the operations centre's
admins). ``acknowledged_at`` is the first time a person took it on; ``urgent_sent_at``
when the unit was last told of an urgent report nobody has acknowledged yet. A
``crisis_area`` row is one switch of crisis mode for a ward (or the whole city, ``*``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ALTER TABLE on both stores: a batch copy of "report" on SQLite would drop and
    # recreate it, and that cascades to its photos and audit trail.
    op.add_column(
        "report", sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "report",
        sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("report", sa.Column("people", sa.SmallInteger(), nullable=True))
    op.add_column("report", sa.Column("needs", sa.String(length=80), nullable=True))
    op.add_column("report", sa.Column("acknowledged_at", WHEN, nullable=True))
    op.add_column("report", sa.Column("urgent_sent_at", WHEN, nullable=True))
    op.add_column("report", sa.Column("urgent_escalated_at", WHEN, nullable=True))
    # Reports taken on before this revision: their first acknowledging event.
    op.execute(
        "UPDATE report SET acknowledged_at = (SELECT min(e.at) FROM report_event e"
        " WHERE e.report_id = report.id AND e.actor_user_id IS NOT NULL"
        " AND e.actor NOT IN ('citizen', 'system')"
        " AND e.new_status IN ('in_progress', 'need_info', 'resolved'))"
    )
    op.create_index(
        "ix_report_urgent_acknowledged", "report", ["urgent", "acknowledged_at"], unique=False
    )
    op.create_table(
        "crisis_area",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("started_by", sa.String(length=40), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("ended_by", sa.String(length=40), nullable=True),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crisis_area")),
    )
    op.create_index("ix_crisis_area_ended_at", "crisis_area", ["ended_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_crisis_area_ended_at", table_name="crisis_area")
    op.drop_table("crisis_area")
    op.drop_index("ix_report_urgent_acknowledged", table_name="report")
    for column in (
        "urgent_escalated_at",
        "urgent_sent_at",
        "acknowledged_at",
        "needs",
        "people",
        "confidential",
        "urgent",
    ):
        op.drop_column("report", column)
