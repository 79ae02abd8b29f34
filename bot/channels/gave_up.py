"""Giving up on an update that keeps failing: the citizen gets an apology and the hotline.

Both intake queues call ``Apology`` when they mark an update failed, so one bad update
never leaves a citizen without an answer nor blocks their next message. The answer goes
through the outbox in its own transaction (the update's own work was rolled back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from handlers import City, reply_to_dict
from handlers.core.apology import gave_up_reply
from storage.db import Database

log = logging.getLogger(__name__)

PRIORITY = 1  # before routine notices: it answers the citizen's own message


class Apology:
    """Queues the apology for the sender of a given-up update."""

    def __init__(
        self, database: Database, city: City, channel: str, clock: Callable[[], datetime]
    ) -> None:
        self._db, self._city, self._channel, self._clock = database, city, channel, clock

    async def __call__(self, user_key: str | None) -> None:
        """Tell ``user_key`` their message was not processed (never raises)."""
        if not user_key:
            return
        now = self._clock()
        try:
            async with self._db.unit_of_work() as store:
                user = await store.users.get_or_create(self._channel, user_key, now)
                reply = gave_up_reply(self._city, user.language)
                payload = {"replies": [reply_to_dict(reply)]}
                await store.outbox.enqueue(user, "notice", payload, now, PRIORITY)
        except Exception as exc:  # the store may be what failed: the operators still see it
            log.warning("%s: apology not queued: %s", self._channel, type(exc).__name__)
