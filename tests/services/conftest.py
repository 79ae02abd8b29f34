"""Chats with the shipped sample directory loaded (open_services loads it into the store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from handlers import GeoPoint, Reply
from storage.db import Database
from tests.support.chat import Chat
from tests.support.clock import FakeClock

LE_LOI = GeoPoint(16.4637, 107.5909)
CHU_VAN_AN = GeoPoint(16.4688, 107.5964)
HUE = timedelta(hours=7)


def hue_time(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Huế as the aware UTC moment the clock gives."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - HUE


@pytest.fixture
def new_chat(
    database: Database, services: Any, nlu_parser: Any, clock: FakeClock
) -> Callable[..., Chat]:
    city = services.runtime.settings.city

    def make(user: str = "citizen-1", **options: Any) -> Chat:
        return Chat(database, city, nlu_parser, clock, user=user, **options)

    return make


@pytest.fixture
def chat(new_chat: Callable[..., Chat]) -> Chat:
    return new_chat()


def service_texts(replies: list[Reply]) -> list[str]:
    """The texts of the replies that show one service each (those with a map pin)."""
    return [reply.text for reply in replies if reply.venue is not None]


async def flow_of(database: Database, chat: Chat) -> str | None:
    """The dialog the chat's user is in, as the store keeps it."""
    async with database.unit_of_work() as store:
        user = await store.users.get_or_create(chat.channel, chat.user, chat.clock())
        conversation = await store.conversations.load(user.id)
    return conversation.flow if conversation else None
