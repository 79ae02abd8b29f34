"""The dialog each user is in, kept in the store so any process can continue it.

Every update reads its user's dialog and most write it, so the statements are built
once and run as Core statements, and a transaction remembers what it read or wrote: the
router and the flows may ask again for free.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models
from storage.records import ConversationRecord

Row = models.Conversation
_LOAD = select(Row.flow, Row.state, Row.data, Row.updated_at).where(
    Row.user_id == bindparam("c_user")
)
_CLEAR = delete(Row).where(Row.user_id == bindparam("c_user"))


def _upsert(insert: Any) -> Any:
    values = insert(Row).values(
        user_id=bindparam("c_user"), flow=bindparam("c_flow"), state=bindparam("c_state"),
        data=bindparam("c_data", type_=Row.data.type),
        updated_at=bindparam("c_at", type_=Row.updated_at.type),
    )  # fmt: skip
    new = values.excluded
    return values.on_conflict_do_update(
        index_elements=[Row.user_id],
        set_={
            "flow": new.flow,
            "state": new.state,
            "data": new.data,
            "updated_at": new.updated_at,
        },
    )


_SAVE = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}


class Conversations:
    """Users' open dialogs: read, saved and cleared inside the caller's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._known: dict[int, ConversationRecord | None] = {}  # read or written here

    async def load(self, user_id: int) -> ConversationRecord | None:
        """Return the user's open dialog, if any."""
        if user_id not in self._known:
            connection = await self._session.connection()
            row = (await connection.execute(_LOAD, {"c_user": user_id})).first()
            self._known[user_id] = ConversationRecord(*row) if row is not None else None
        known = self._known[user_id]
        if known is None:
            return None
        return ConversationRecord(known.flow, known.state, dict(known.data), known.updated_at)

    async def save(
        self, user_id: int, flow: str, state: str, data: dict[str, Any], now: datetime
    ) -> None:
        """Store where the dialog is now."""
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        params = {"c_user": user_id, "c_flow": flow, "c_state": state, "c_data": dict(data),
                  "c_at": now}  # fmt: skip
        await (await self._session.connection()).execute(_SAVE[dialect], params)
        self._known[user_id] = ConversationRecord(flow, state, dict(data), now)

    async def clear(self, user_id: int) -> None:
        """Leave any dialog."""
        await (await self._session.connection()).execute(_CLEAR, {"c_user": user_id})
        self._known[user_id] = None
