"""An alert's rendered text, stored once on the alert and referenced by its outbox rows.

An alert to 100,000 people used to copy its text into each of their outbox rows. Now
``alert.payloads`` holds the outbox payload once per language (``"*"`` for every other
language) and each row holds only ``{"alert_text": <language>}``; ``resolve`` puts the
text back in when rows are read for sending. Rows written before this keep their full
payload and are read unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import models

REF: Final = "alert_text"


def reference(language: str) -> dict[str, Any]:
    """The payload of one recipient's row: which of the alert's texts to send."""
    return {REF: language}


async def resolve(
    session: AsyncSession, rows: Iterable[tuple[int | None, Mapping[str, Any]]]
) -> list[dict[str, Any]]:
    """The payload to send for each ``(alert_id, payload)``, references replaced.

    One query for all the alerts the rows name. A reference whose text is gone (the
    alert was deleted) comes back as an empty payload: nothing to send.
    """
    rows = list(rows)
    wanted = {alert for alert, payload in rows if alert is not None and REF in payload}
    texts: dict[int, Mapping[str, Any]] = {}
    if wanted:
        query = select(models.Alert.id, models.Alert.payloads).where(models.Alert.id.in_(wanted))
        texts = {alert: payloads or {} for alert, payloads in await session.execute(query)}
    return [_resolved(alert, dict(payload), texts) for alert, payload in rows]


def _resolved(
    alert: int | None, payload: dict[str, Any], texts: Mapping[int, Mapping[str, Any]]
) -> dict[str, Any]:
    if alert is None or REF not in payload:
        return payload
    by_language = texts.get(alert, {})
    found = by_language.get(str(payload[REF])) or by_language.get("*")
    return dict(found) if found else {"replies": []}
