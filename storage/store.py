"""All repositories bound to one session: what a unit of work hands to the handlers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.reports import Reports
from storage.repositories import Conversations, Outbox, Units, Updates, Users


@dataclass(frozen=True, slots=True)
class Store:
    """The repositories of one transaction."""

    users: Users
    conversations: Conversations
    updates: Updates
    units: Units
    outbox: Outbox
    reports: Reports

    @classmethod
    def bound(cls, session: AsyncSession) -> Store:
        """Repositories sharing ``session`` (and so its transaction)."""
        return cls(
            users=Users(session),
            conversations=Conversations(session),
            updates=Updates(session),
            units=Units(session),
            outbox=Outbox(session),
            reports=Reports(session),
        )
