"""The one button table of every messenger: which payload a pressed button stands for.

Rows are keyed by channel, chat and token; how a token is made (random, or from the
button's text) is the channel kit's business (``bot/channels/buttons.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models

MAX_TOKEN = 64


def _add(insert: Any) -> Any:
    """A new token's insert, built once (every reply with buttons issues one)."""
    return insert(models.Button).values(
        channel=bindparam("b_channel"), user_key=bindparam("b_user_key"),
        token=bindparam("b_token"), payload=bindparam("b_payload"),
        created_at=bindparam("b_at", type_=models.Button.created_at.type),
    ).on_conflict_do_nothing()  # fmt: skip


_ADD = {"postgresql": _add(pg_insert), "sqlite": _add(sqlite_insert)}


class Buttons:
    """Button tokens, per channel and chat."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def bind(
        self, channel: str, user_key: str, token: str, payload: str, now: datetime
    ) -> bool:
        """Let ``token`` stand for ``payload`` in this chat, unless it stands for another.

        Returns:
            True when the token now stands for ``payload`` (new, or already so: then its
            age starts again); False when it is taken by another payload.
        """
        key = (channel, user_key, token)
        values = {"channel": channel, "user_key": user_key, "token": token,
                  "payload": payload, "created_at": now}  # fmt: skip
        insert = self._insert()(models.Button).values(**values).on_conflict_do_nothing()
        await self._session.execute(insert)
        row = await self._session.get(models.Button, key, populate_existing=True)
        if row is None or row.payload != payload:
            return False
        row.created_at = now
        await self._session.flush()
        return True

    async def add(
        self, channel: str, user_key: str, token: str, payload: str, now: datetime
    ) -> bool:
        """Let a new ``token`` stand for ``payload``: one insert; False when it exists."""
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        params = {"b_channel": channel, "b_user_key": user_key, "b_token": token,
                  "b_payload": payload, "b_at": now}  # fmt: skip
        result = await (await self._session.connection()).execute(_ADD[dialect], params)
        return bool(result.rowcount)

    async def payload(self, channel: str, user_key: str, token: str) -> str | None:
        """The payload ``token`` stands for in this chat, or None (unknown, or another's)."""
        row = await self._session.get(models.Button, (channel, user_key, token[:MAX_TOKEN]))
        return row.payload if row is not None else None

    async def prune(self, channel: str, before: datetime) -> int:
        """Forget the channel's tokens not issued since ``before``; return how many."""
        button = models.Button
        result = await self._session.execute(
            delete(button).where(button.channel == channel, button.created_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def _insert(self) -> Any:
        dialect = self._session.bind.dialect.name if self._session.bind else "sqlite"
        return pg_insert if dialect == "postgresql" else sqlite_insert
