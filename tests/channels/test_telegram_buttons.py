"""Button presses on Telegram: the answer, the disarming edit and the reply on one path.

The edit that disarms a pressed message goes through the channel's own Bot API client
and pacer like any message to the chat, first in line; answerCallbackQuery takes no
pacer slot (Telegram's limits are on messages) but still waits out a 429. The fake Bot
API's strict mode counts edits like messages. Both stores, by webhook.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import Services, build_app
from bot.channels.telegram.channel import TelegramChannel
from tests.channels.citizen import Citizen
from tests.channels.conftest import Sleeps, Telegram, channel_settings
from tests.support.clock import FakeClock
from tests.support.fake_telegram import Call, FakeTelegram, eventually
from tests.support.fake_telegram_strict import MESSAGES

webhook = pytest.mark.parametrize("mode", ["webhook"], indirect=True)
PRESSERS = 40  # more chats than Telegram allows messages in a second
HELP = "Hướng dẫn"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


@pytest.fixture
async def crowd(
    services: Services, fake_telegram: FakeTelegram, clock: FakeClock, aiohttp_client: Any
) -> AsyncIterator[Telegram]:
    """The channel by webhook with a worker for every presser, so all presses go at once."""
    settings, sleeps = channel_settings(services, fake_telegram, webhook=True), Sleeps()
    channel = TelegramChannel(
        services, settings, clock=clock, sleep=sleeps, tick=0.05, workers=PRESSERS
    )
    client = await aiohttp_client(build_app(services, channel))
    await channel.start()
    await eventually(channel.ready.is_set)
    yield Telegram(fake_telegram, channel, services, clock, sleeps, client)
    await channel.stop()


async def menus(telegram: Telegram, people: list[Citizen]) -> None:
    """Each person writes /start and gets the menu, with its buttons."""
    await telegram.deliver(*[person.text("/start") for person in people])
    fake = telegram.fake
    await eventually(lambda: all(fake.delivered(p.id) for p in people), timeout=60)
    await telegram.settled()


def counted(fake: FakeTelegram, chat_id: int) -> list[Call]:
    """What Telegram's limit counts in one chat (messages and edits), in order."""
    return [c for c in fake.calls if c.method in MESSAGES and int(c.params["chat_id"]) == chat_id]


async def intake(telegram: Telegram) -> dict[str, int]:
    async with telegram.services.database.unit_of_work() as store:
        return await store.intake.counts("telegram")


async def test_many_presses_at_once_keep_telegrams_limits(crowd: Telegram):
    fake = crowd.fake
    limits = fake.strict(per_second=30)
    people = [Citizen(fake, 5_300_001 + n) for n in range(PRESSERS)]
    await menus(crowd, people)
    await crowd.deliver(*[person.press(HELP) for person in people])
    await eventually(lambda: len(fake.calls_to("editMessageText")) >= PRESSERS, timeout=60)
    await crowd.settled()
    assert [c.method for c in fake.calls if not c.ok] == []  # not one 429
    assert fake.violations == 0 and limits.busiest <= 30
    edits = fake.calls_to("editMessageText")
    assert sorted(int(edit.params["chat_id"]) for edit in edits) == [p.id for p in people]
    assert len(fake.calls_to("answerCallbackQuery")) == PRESSERS
    assert len(fake.delivered()) == 2 * PRESSERS
    for person in people:  # menu, edit, reply: a second apart at least, as Telegram asks
        times = [call.at for call in counted(fake, person.id)]
        assert len(times) == 3 and min(b - a for a, b in itertools.pairwise(times)) >= 1.0
    assert await intake(crowd) == {"done": 2 * PRESSERS}


@webhook
async def test_an_edit_telegram_refuses_does_not_stop_the_press(
    telegram: Telegram, citizen: Citizen
):
    fake = telegram.fake
    [menu] = await telegram.replies_after(1, citizen.text("/start"))
    fake.fail("editMessageText", 400, NOT_MODIFIED)
    [answer] = await telegram.replies_after(1, citizen.press(HELP))
    [edit] = fake.calls_to("editMessageText")
    assert not edit.ok and answer != menu
    assert [call.ok for call in fake.calls_to("answerCallbackQuery")] == [True]
    assert await intake(telegram) == {"done": 2}
    [after] = await telegram.replies_after(1, citizen.text("/help"))
    assert after == answer  # the chat goes on as if the edit had been made


@webhook
async def test_a_429_on_the_edit_holds_the_channel_for_its_retry_after(
    telegram: Telegram, citizen: Citizen
):
    fake = telegram.fake
    await telegram.replies_after(1, citizen.text("/start"))
    fake.fail("editMessageText", 429, "Too Many Requests: retry after 3", retry_after=3)
    await telegram.replies_after(1, citizen.press(HELP))
    refused, edit = fake.calls_to("editMessageText")
    reply = fake.delivered(citizen.id)[-1]
    assert not refused.ok and edit.ok
    assert edit.at - refused.at >= 3.0  # the pacer paused, not a quick retry
    assert reply.at - edit.at >= 1.0  # and the reply keeps the chat's second after it


@webhook
async def test_the_answer_takes_no_pacer_slot_and_the_edit_does(
    telegram: Telegram, citizen: Citizen
):
    fake = telegram.fake
    await telegram.replies_after(1, citizen.text("/start"))
    await telegram.channel.pacer.pause(4.0)  # as after a 429: no message goes out for 4 s
    paused_at = time.monotonic()
    await telegram.deliver(citizen.press(HELP))
    [answer] = await eventually(lambda: fake.calls_to("answerCallbackQuery"))
    [edit] = await eventually(lambda: fake.calls_to("editMessageText"))
    assert answer.at < paused_at + 4.0 <= edit.at
    await eventually(lambda: len(fake.delivered(citizen.id)) == 2)


@webhook
async def test_a_429_on_the_answer_is_waited_out_without_pausing_the_messages(
    telegram: Telegram, citizen: Citizen
):
    fake = telegram.fake
    await telegram.replies_after(1, citizen.text("/start"))
    fake.fail("answerCallbackQuery", 429, "Too Many Requests: retry after 7", retry_after=7)
    await telegram.replies_after(1, citizen.press(HELP))
    assert [call.ok for call in fake.calls_to("answerCallbackQuery")] == [False, True]
    assert 7 in telegram.sleeps.asked and not telegram.channel.pacer.paused
    assert [call.ok for call in fake.calls_to("editMessageText")] == [True]
