"""The deep links QR codes open.

Inbound updates wait in the intake every channel shares (``storage/intake.py``).
Button tokens live in the table every messenger shares (``storage/buttons.py``).
``DeepLinks`` is channel-agnostic: any channel may open
one with ``/start <id>``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage import models

PENDING, DONE, FAILED = "pending", "done", "failed"
CANDIDATES = 20


@dataclass(frozen=True, slots=True)
class DeepLinkRecord:
    """A deep link's definition."""

    id: str
    category: str
    ward: str | None
    note: str | None


class DeepLinks:
    """Deep link definitions, addressed by a short random id."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(
        self, category: str, ward: str | None, note: str | None, now: datetime
    ) -> DeepLinkRecord:
        """Store a new link; its id (11 URL-safe characters) goes into the payload."""
        row = models.DeepLink(
            id=secrets.token_urlsafe(8), category=category, ward=ward, note=note, created_at=now
        )
        self._session.add(row)
        await self._session.flush()
        return DeepLinkRecord(row.id, row.category, row.ward, row.note)

    async def get(self, link_id: str) -> DeepLinkRecord | None:
        """The link with this id, if any."""
        if not link_id or len(link_id) > 32:
            return None
        row = await self._session.get(models.DeepLink, link_id)
        return DeepLinkRecord(row.id, row.category, row.ward, row.note) if row else None
