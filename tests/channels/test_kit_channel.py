"""One contract, every channel: Telegram, Zalo and the web chat meet ``bot.channels.base``.

Each channel runs against its fake platform on 127.0.0.1 (the web chat against the
store its page polls); the assertions are on what the fake recorded or the store holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.app import Services
from bot.channels.base import Channel
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.webchat.channel import PagePost, WebchatChannel
from bot.channels.zalo.channel import ZaloChannel
from handlers import Choice, Reply
from tests.channels.citizen import Citizen
from tests.channels.conftest import Sleeps, channel_settings
from tests.support.clock import FakeClock
from tests.support.fake_telegram import FakeTelegram, eventually
from tests.support.fake_zalo import ZaloCitizen, serve_fake, zalo_settings_for

WEB_KEY = "w" * 32


@dataclass
class Harness:
    """A started channel, how a person's text reaches it, and the texts it showed."""

    channel: Channel[Any, Any]
    user_key: str
    raw_text: Callable[[str], Any]
    shown: Callable[[], Awaitable[list[str]]]


async def telegram_harness(services: Services, clock: FakeClock, server: Any) -> Harness:
    fake = FakeTelegram()
    fake.base_url = str((await server(fake.app())).make_url("")).rstrip("/")
    settings = channel_settings(services, fake, webhook=False)
    channel = TelegramChannel(services, settings, clock=clock, sleep=Sleeps(), tick=0.05)
    await channel.start()
    await eventually(channel.ready.is_set)
    citizen = Citizen(fake)

    async def shown() -> list[str]:
        return fake.texts(citizen.id)

    return Harness(channel, str(citizen.id), citizen.text, shown)


async def zalo_harness(services: Services, clock: FakeClock, server: Any) -> Harness:
    fake = await serve_fake(server)
    channel = ZaloChannel(services, zalo_settings_for(services, fake), clock=clock, tick=0.05)
    await channel.start()
    await eventually(channel.ready.is_set)
    citizen = ZaloCitizen(fake, clock)

    async def shown() -> list[str]:
        return fake.texts(citizen.id)

    return Harness(channel, citizen.id, citizen.text, shown)


async def webchat_harness(services: Services, clock: FakeClock, server: Any) -> Harness:
    channel = WebchatChannel(services.database, clock)
    sequence = iter(range(1, 1000))

    def raw_text(text: str) -> PagePost:
        return PagePost(WEB_KEY, {"id": f"message-{next(sequence):04d}", "text": text})

    async def shown() -> list[str]:
        return [reply.text for _, reply in await services.inbox.webchat_inbox(WEB_KEY, 0)]

    return Harness(channel, WEB_KEY, raw_text, shown)


HARNESSES = {"telegram": telegram_harness, "zalo": zalo_harness, "webchat": webchat_harness}


@pytest.fixture(params=sorted(HARNESSES))
async def harness(
    request: pytest.FixtureRequest, services: Services, clock: FakeClock, aiohttp_server: Any
) -> AsyncIterator[Harness]:
    made = await HARNESSES[request.param](services, clock, aiohttp_server)
    yield made
    await made.channel.stop()


async def test_parse_gives_the_message_a_request_carries(harness: Harness, clock: FakeClock):
    [message] = await harness.channel.parse(harness.raw_text("Đèn đường hỏng ở Lê Lợi"))
    assert (message.channel, message.user_key) == (harness.channel.name, harness.user_key)
    assert (message.text, message.command) == ("Đèn đường hỏng ở Lê Lợi", None)
    [command] = await harness.channel.parse(harness.raw_text("/status PA-1000"))
    assert (command.command, command.text) == ("status", "PA-1000")
    assert command.update_id != message.update_id


async def test_render_puts_the_choices_on_the_last_call(harness: Harness):
    reply = Reply("Chọn loại sự cố. " * 400, (Choice("Đèn đường", "category:lighting"),))
    calls = harness.channel.render(reply, "vi")
    assert len(calls) >= 1 and calls == harness.channel.render(reply, "vi")
    choices = [bool(_choices_of(call)) for call in calls]
    assert choices == [False] * (len(calls) - 1) + [True]


def _choices_of(call: Any) -> Any:
    if isinstance(call, dict):
        return call["choices"]
    return getattr(call, "choices", None) or getattr(call, "buttons", None)


async def test_send_shows_the_replies_in_the_chat(harness: Harness, services: Services):
    [message] = await harness.channel.parse(harness.raw_text("Xin chào"))
    await services.inbox.receive(message)  # the chat is known once it has written
    before = len(await harness.shown())
    await harness.channel.send(harness.user_key, [Reply("Cảm ơn bạn đã báo.")])

    for _ in range(100):
        if len(await harness.shown()) > before:
            break
        await asyncio.sleep(0.02)
    assert any("Cảm ơn bạn đã báo." in text for text in (await harness.shown())[before:])
