"""The intake never loses or repeats an update: webhook secret, 5xx, offsets, restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.channels.telegram.channel import TelegramChannel
from handlers import say
from storage import models
from tests.channels.citizen import Citizen
from tests.channels.conftest import SECRET, Telegram, channel_settings
from tests.support.fake_telegram import FakeTelegram, eventually
from tests.support.faults import failing_inserts


async def retry_at(telegram: Telegram) -> datetime:
    """When the (only) stored update may next be claimed."""
    async with telegram.services.database.engine.connect() as conn:
        row = models.ChannelUpdate
        value = await conn.scalar(select(func.coalesce(row.lease_until, row.next_at)))
    return value or datetime.max.replace(tzinfo=UTC)


async def counts(telegram: Telegram) -> dict[str, int]:
    async with telegram.services.database.unit_of_work() as store:
        return await store.intake.counts("telegram")


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
@pytest.mark.parametrize(
    "secret", [None, "", "wrong-secret-0123456789", SECRET[:-1], SECRET + "x"]
)
async def test_a_forged_webhook_request_is_refused_and_touches_nothing(
    telegram: Telegram, citizen: Citizen, secret: str | None
):
    status = await telegram.post(citizen.text("/help"), secret)
    assert status == 401
    assert await counts(telegram) == {}
    assert telegram.fake.delivered() == []


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
@pytest.mark.parametrize("body", [[1, 2], {"message": {}}, {"update_id": "7"}, "null"])
async def test_a_webhook_body_that_is_no_update_is_a_bad_request(telegram: Telegram, body: Any):
    assert await telegram.post(body, SECRET) == 400
    assert await counts(telegram) == {}


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
async def test_the_webhook_answers_503_when_the_store_cannot_take_the_update(
    telegram: Telegram, citizen: Citizen
):
    update = citizen.text("/help")
    async with failing_inserts(telegram.services.database, "channel_update"):
        assert await telegram.post(update, SECRET) == 503
    assert await counts(telegram) == {}
    assert await telegram.post(update, SECRET) == 200  # Telegram delivers it again
    await eventually(lambda: telegram.fake.delivered(citizen.id))
    await telegram.settled()
    assert await counts(telegram) == {"done": 1}


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
async def test_a_redelivered_update_is_acknowledged_and_ignored(
    telegram: Telegram, citizen: Citizen
):
    update = citizen.text("/help")
    await telegram.replies_after(1, update)
    assert await telegram.deliver(update, update) == [200, 200]
    await telegram.settled()
    assert len(telegram.fake.delivered(citizen.id)) == 1
    assert await counts(telegram) == {"done": 1}


@pytest.mark.parametrize("mode", ["polling"], indirect=True)
async def test_polling_moves_the_offset_only_past_stored_updates(
    telegram: Telegram, citizen: Citizen
):
    fake = telegram.fake
    update = citizen.text("/help")
    async with failing_inserts(telegram.services.database, "channel_update"):
        fake.push(update)
        await eventually(lambda: len(polls_with(fake, update["update_id"])) >= 2)
        assert fake.offset <= update["update_id"]  # never confirmed while not stored
    await eventually(lambda: fake.offset == update["update_id"] + 1)
    await eventually(lambda: fake.delivered(citizen.id))
    assert [c.params.get("offset") for c in fake.calls_to("getUpdates")][-1] == str(
        update["update_id"] + 1
    )


def polls_with(fake: FakeTelegram, update_id: int) -> list[Any]:
    """getUpdates calls made while ``update_id`` was still unconfirmed."""
    return [
        c for c in fake.calls_to("getUpdates") if int(c.params.get("offset") or 0) <= update_id
    ]


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
async def test_the_webhook_answers_before_processing_and_a_restart_resumes(
    telegram: Telegram, citizen: Citizen, fake_telegram: FakeTelegram
):
    await telegram.channel.stop()  # no worker runs: the webhook only stores and answers
    assert await telegram.deliver(citizen.text("/help"), citizen.text("/myreports")) == [200] * 2
    assert await counts(telegram) == {"pending": 2} and telegram.fake.delivered() == []
    settings = channel_settings(telegram.services, fake_telegram, webhook=True)
    again = TelegramChannel(telegram.services, settings, clock=telegram.clock, tick=0.05)
    await again.start()
    try:
        await eventually(lambda: len(fake_telegram.delivered(citizen.id)) == 2)
    finally:
        await again.stop()
    first, second = fake_telegram.texts(citizen.id)
    assert "/status PA-12345" in first and second == say("vi", "mine.none")  # in order


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
async def test_network_errors_to_telegram_are_retried_with_backoff(
    telegram: Telegram, citizen: Citizen
):
    telegram.fake.fail("sendMessage", 502, "Bad Gateway", times=2)
    [answer] = await telegram.replies_after(1, citizen.text("/help"))
    assert "/status PA-12345" in answer
    assert telegram.sleeps.asked[:2] == [1.0, 2.0]
    assert len(telegram.fake.calls_to("sendMessage")) == 3


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
async def test_an_update_that_keeps_failing_is_retried_later(telegram: Telegram, citizen: Citizen):
    telegram.fake.fail("sendMessage", 502, "Bad Gateway", times=5)  # all of one round
    await telegram.deliver(citizen.text("/help"))
    await eventually(lambda: len(telegram.fake.calls_to("sendMessage")) == 5)
    assert telegram.fake.delivered(citizen.id) == []
    for _ in range(500):  # until the worker has put it back for later (not just leased it)
        if await retry_at(telegram) <= telegram.clock() + timedelta(seconds=10):
            break
        await asyncio.sleep(0.02)
    telegram.clock.advance(seconds=5)  # past the retry delay
    telegram.channel.queue.wake()
    await eventually(lambda: telegram.fake.delivered(citizen.id))
    await telegram.settled()
    assert await counts(telegram) == {"done": 1}


@pytest.mark.parametrize("mode", ["webhook"], indirect=True)
async def test_two_processes_share_one_bot_each_update_once_and_in_order(
    telegram: Telegram, fake_telegram: FakeTelegram
):
    settings = channel_settings(telegram.services, fake_telegram, webhook=True)
    other = TelegramChannel(telegram.services, settings, clock=telegram.clock, tick=0.05)
    await other.start()
    people = [Citizen(fake_telegram, user_id=5_000_000 + n) for n in range(3)]
    try:
        await eventually(other.ready.is_set)
        for _ in range(2):
            await telegram.deliver(*[p.text(t) for p in people for t in ("/help", "/myreports")])
        await eventually(lambda: len(fake_telegram.delivered()) == 12)
        await telegram.settled()
    finally:
        await other.stop()
    help_text, none_text = say("vi", "help"), say("vi", "mine.none")
    for person in people:
        assert fake_telegram.texts(person.id) == [help_text, none_text] * 2
    assert len(fake_telegram.delivered()) == 12
