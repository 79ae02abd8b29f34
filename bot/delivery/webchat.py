"""The web chat in delivery: its rows are never pushed; progress goes to the page's inbox.

The web chat has no push: the page polls ``/api/chat/inbox`` and what it reads counts as
sent (``Outbox.take_for_webchat``). The worker therefore never claims ``webchat`` rows;
they wait for the page (and expire with their alert). A broadcaster on the web chat gets
the start and the end of their broadcast as notices in that inbox: a polled page cannot
have a message edited in place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.delivery.senders import Lane
from handlers import Channel, Reply, reply_to_dict
from storage.db import Database

PROGRESS_PRIORITY = 1


class WebchatPoster:
    """Progress notices for a broadcaster using the web chat."""

    channel = Channel.WEBCHAT.value
    editable = False

    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self._db, self._clock = database, clock

    async def post(
        self, user_key: str, text: str, ref: str | None, throttle: Lane | None
    ) -> str | None:
        """Queue ``text`` for the page's next poll."""
        now = self._clock()
        async with self._db.unit_of_work() as store:
            user = await store.users.find(self.channel, user_key)
            if user is None:
                return None
            payload = {"replies": [reply_to_dict(Reply(text))]}
            row_id = await store.outbox.enqueue(user, "progress", payload, now, PROGRESS_PRIORITY)
        return str(row_id)
