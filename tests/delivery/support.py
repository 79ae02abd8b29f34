"""Helpers for delivery and alert tests: users, outbox rows, a worker on the fake Bot API."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.telegram import TelegramSettings
from bot.channels.telegram.sender import TelegramSender
from bot.delivery.settings import ChannelRate, DeliveryConfig
from bot.delivery.webchat import WebchatPoster
from bot.delivery.worker import DeliveryWorker
from bot.media import MediaStore
from handlers import Reply, reply_to_dict
from storage import models
from storage.db import Database
from storage.records import UserRecord
from tests.support.fake_telegram import TOKEN, FakeTelegram


def fast_config(**changes: Any) -> DeliveryConfig:
    """Delivery settings for tests: quick polls, a generous rate."""
    rate = ChannelRate(messages_per_second=500, per_chat_per_second=50, paid_broadcast=True)
    values: dict[str, Any] = {"telegram": rate, "poll_seconds": 0.02, "progress_seconds": 0.1,
                              "backoff_seconds": 5, "max_attempts": 3}  # fmt: skip
    values.update(changes)
    return DeliveryConfig(**values)


def telegram_settings(fake: FakeTelegram) -> TelegramSettings:
    """The bot's settings pointed at the fake server."""
    return TelegramSettings(
        token=TOKEN, webhook_secret="s" * 20, api_base_url=fake.api_url,
        api_file_url=fake.file_url,
    )  # fmt: skip


def build_worker(
    database: Database, fake: FakeTelegram, clock: Callable[[], datetime], media_dir: Path,
    config: DeliveryConfig | None = None, name: str | None = None,
) -> DeliveryWorker:  # fmt: skip
    """A delivery worker with the real Telegram sender, talking to ``fake``."""
    config = config or fast_config()
    sender = TelegramSender(
        telegram_settings(fake), database, MediaStore(media_dir), clock,
        paid_broadcast=config.telegram.paid_broadcast,
    )  # fmt: skip
    posters = {"telegram": sender, "webchat": WebchatPoster(database, clock)}
    return DeliveryWorker(database, config, [sender], posters, clock, name)


async def add_users(
    database: Database, channel: str, keys: Iterable[str | int], now: datetime,
    language: str = "vi",
) -> list[UserRecord]:  # fmt: skip
    """Users who have started the bot."""
    async with database.unit_of_work() as store:
        return [
            await store.users.get_or_create(channel, str(key), now, language=language)
            for key in keys
        ]


async def set_role(database: Database, user: UserRecord, role: str) -> None:
    """Give a user a role (the roles CLI comes with another issue)."""
    async with database.unit_of_work() as store:
        await store.users._session.execute(  # the test reaches into the store directly
            update(models.User).where(models.User.id == user.id).values(role=role)
        )


async def enqueue(
    database: Database, user: UserRecord, text: str, now: datetime, priority: int = 5,
    kind: str = "status",
) -> int:  # fmt: skip
    """Queue a routine notice for ``user``."""
    payload = {"replies": [reply_to_dict(Reply(text))]}
    async with database.unit_of_work() as store:
        return await store.outbox.enqueue(user, kind, payload, now, priority)


async def rows(database: Database) -> list[Any]:
    """Every outbox row with its user's key, oldest first."""
    query = (
        select(models.Outbox, models.User.external_id)
        .join(models.User, models.User.id == models.Outbox.user_id)
        .order_by(models.Outbox.id)
    )
    async with AsyncSession(database.engine) as session:
        return list((await session.execute(query)).all())


async def status_counts(database: Database) -> Counter[str]:
    """How many outbox rows are in each status."""
    return Counter(row.Outbox.status for row in await rows(database))


def chats_sent(fake: FakeTelegram) -> Counter[int]:
    """How many messages each chat got from the fake server's point of view."""
    return Counter(int(call.params["chat_id"]) for call in fake.sent())


def delivered(fake: FakeTelegram) -> Counter[int]:
    """Messages the fake server accepted (not the refused ones), per chat."""
    return Counter(chat for chat, _ in fake.messages)


async def wait_until(probe: Callable[[], Awaitable[Any]], timeout: float = 20.0) -> Any:
    """Poll ``probe()`` until it is truthy (bounded; never measures time)."""
    deadline = time.monotonic() + timeout
    while not (value := await probe()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)
    return value


async def until_statuses(database: Database, **wanted: int) -> None:
    """Wait until the outbox holds exactly these statuses."""

    async def probe() -> bool:
        return dict(await status_counts(database)) == wanted

    try:
        await wait_until(probe)
    except AssertionError:
        raise AssertionError(
            f"outbox {dict(await status_counts(database))}, not {wanted}"
        ) from None


async def until_first_row(database: Database, check: Callable[[Any], bool]) -> Any:
    """Wait until the first outbox row passes ``check``; returns it."""

    async def probe() -> Any:
        found = await rows(database)
        return found[0].Outbox if found and check(found[0].Outbox) else None

    return await wait_until(probe)
