"""Building the delivery worker from the configuration (the app and the CLI share this)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.channels.pacer import Pacer
from bot.config import Runtime
from bot.core import MediaStore
from bot.core.clock import utc_now
from bot.delivery.senders import Poster, Sender
from bot.delivery.webchat import WebchatPoster
from bot.delivery.worker import DeliveryWorker
from storage.db import Database

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramSettings


def open_worker(
    runtime: Runtime, database: Database, media: MediaStore,
    telegram: TelegramSettings | None, clock: Callable[[], datetime] = utc_now,
    *, extra_senders: Sequence[Sender] = (), extra_posters: Mapping[str, Poster] | None = None,
    pacers: Mapping[str, Pacer] | None = None,
) -> DeliveryWorker | None:  # fmt: skip
    """The worker for the channels that are configured (None when delivery is disabled).

    Args:
        runtime: Settings (``delivery`` section).
        database: The store.
        media: Photos attached to alerts.
        telegram: The Telegram bot's settings, when TELEGRAM_BOT_TOKEN is set.
        clock: Where "now" comes from.
        extra_senders: Senders of other channels (Zalo's, from its channel).
        extra_posters: Progress posters of other channels, by channel name.
        pacers: The channels' pacers, by channel name (a running channel lends its own so
            replies and outbox rows share it); the worker makes the missing ones.

    Returns:
        The worker, not yet started.
    """
    config = runtime.settings.delivery
    if not config.enabled:
        return None
    senders: list[Sender] = list(extra_senders)
    posters: dict[str, Poster] = {"webchat": WebchatPoster(database, clock)}
    if telegram is not None and not any(s.channel == "telegram" for s in senders):
        from bot.channels.telegram.sender import TelegramSender

        sender = TelegramSender(
            telegram, database, media, clock, paid_broadcast=config.telegram.paid_broadcast,
            connections=config.max_in_flight,
        )  # fmt: skip
        senders.append(sender)
        posters["telegram"] = sender
    posters.update(extra_posters or {})
    return DeliveryWorker(database, config, senders, posters, clock, pacers=pacers)
