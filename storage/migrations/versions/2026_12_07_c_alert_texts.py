"""alert texts: an alert's rendered payloads kept once, outbox rows refer to them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Downgrading copies each referenced text back into its outbox rows first, so no
undelivered alert loses its text.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REF = "alert_text"


def upgrade() -> None:
    op.add_column("alert", sa.Column("payloads", sa.JSON(), nullable=True))


def downgrade() -> None:
    _copy_texts_back()
    # A plain ALTER TABLE (SQLite 3.35+): a batch copy would drop and recreate "alert",
    # and on SQLite that cascades to the outbox rows that refer to it.
    op.drop_column("alert", "payloads")


def _copy_texts_back() -> None:
    bind = op.get_bind()
    alert = sa.table("alert", sa.column("id"), sa.column("payloads", sa.JSON()))
    outbox = sa.table(
        "outbox", sa.column("id"), sa.column("alert_id"), sa.column("payload", sa.JSON())
    )
    texts = {row.id: row.payloads for row in bind.execute(sa.select(alert)) if row.payloads}
    rows = bind.execute(sa.select(outbox).where(outbox.c.alert_id.in_(list(texts)))).all()
    for row in rows:
        payload = _loaded(row.payload)
        if REF not in payload:
            continue
        by_language = _loaded(texts[row.alert_id])
        text = by_language.get(payload[REF]) or by_language.get("*") or {"replies": []}
        bind.execute(sa.update(outbox).where(outbox.c.id == row.id).values(payload=text))


def _loaded(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})
