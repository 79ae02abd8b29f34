"""Long polling that never loses an update: the offset moves only past stored ones.

PTB's Updater confirms updates by asking for the next offset as soon as it has
fetched them, whether or not they were kept. HueBot polls with ``Bot.get_updates``
itself: a batch is committed to the queue first, and only then does the offset
advance. If the store fails, the same batch is asked for again after a pause.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, NetworkError, RetryAfter

from bot.channels.intake import ChannelIntake, IntakeUnavailable
from bot.channels.telegram.bot import Backoff, Sleep, retry_seconds
from bot.channels.telegram.parse import UPDATE_TYPES

log = logging.getLogger(__name__)


class Poller:
    """Fetches updates with getUpdates and stores them."""

    def __init__(self, bot: Bot, queue: ChannelIntake, sleep: Sleep, timeout: int) -> None:
        self._bot, self._queue, self._sleep, self._timeout = bot, queue, sleep, timeout
        self._offset: int | None = None
        self._backoff = Backoff()

    async def run(self) -> None:
        """Poll until cancelled. A rejected token (InvalidToken) ends the loop."""
        while True:
            updates = await self._fetch()
            if updates and await self._keep(updates):
                self._offset = max(update.update_id for update in updates) + 1
                self._backoff.reset()

    async def _fetch(self) -> tuple[Update, ...]:
        try:
            return await self._bot.get_updates(
                offset=self._offset, timeout=self._timeout, allowed_updates=list(UPDATE_TYPES)
            )
        except RetryAfter as exc:
            await self._sleep(retry_seconds(exc))
        except (NetworkError, Conflict) as exc:  # Conflict: a webhook or another poller
            delay = self._backoff.next()
            log.warning("telegram getUpdates: %s; again in %ss", type(exc).__name__, delay)
            await self._sleep(delay)
        return ()

    async def _keep(self, updates: tuple[Update, ...]) -> bool:
        raws: list[dict[str, Any]] = [update.to_dict() for update in updates]
        try:
            await self._queue.store_raw(raws)
        except IntakeUnavailable:
            delay = self._backoff.next()
            log.warning("telegram: %d updates not stored; offset kept, again in %ss",
                        len(raws), delay)  # fmt: skip
            await self._sleep(delay)
            return False
        return True
