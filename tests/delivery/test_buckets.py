"""Token buckets with a clock the test moves: rates, bursts, pauses, chats."""

from __future__ import annotations

import asyncio

from bot.delivery.buckets import ChatBuckets, Throttle, TokenBucket
from bot.delivery.settings import ChannelRate


class FakeTime:
    """A monotonic clock whose sleep moves it forward."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def test_a_bucket_spaces_tokens_at_its_rate():
    time = FakeTime()
    bucket = TokenBucket(30, 1, time, time.sleep)
    start = time.now
    for _ in range(91):
        await bucket.take()
    assert abs((time.now - start) - 90 / 30) < 1e-9


async def test_a_burst_goes_out_at_once_then_the_rate_applies():
    time = FakeTime()
    bucket = TokenBucket(1, 3, time, time.sleep)
    for _ in range(3):
        await bucket.take()
    assert time.now == 1000.0
    await bucket.take()
    assert abs(time.now - 1001.0) < 1e-9


async def test_concurrent_takers_share_the_rate_in_order():
    time = FakeTime()
    bucket = TokenBucket(10, 1, time, time.sleep)
    done: list[int] = []

    async def take(index: int) -> None:
        await bucket.take()
        done.append(index)

    await asyncio.gather(*(take(i) for i in range(20)))
    assert done == list(range(20))
    assert abs(time.now - 1000.0 - 19 / 10) < 1e-9


async def test_a_pause_holds_every_token_then_restarts_without_a_burst():
    time = FakeTime()
    bucket = TokenBucket(100, 5, time, time.sleep)
    await bucket.take()
    bucket.pause(7)
    assert bucket.delay() == 7
    await bucket.take()
    assert abs(time.now - 1007.0) < 1e-9
    await bucket.take()
    assert abs(time.now - 1007.01) < 1e-9


async def test_a_sleeper_that_wakes_inside_a_pause_waits_for_its_end():
    time = FakeTime()
    bucket = TokenBucket(1, 1, time, time.sleep)
    await bucket.take()
    waiter = asyncio.create_task(bucket.take())  # its slot is 1 s away
    await asyncio.sleep(0)
    bucket.pause(10)
    await waiter
    assert time.now >= 1010.0


def test_each_private_chat_gets_one_message_a_second_after_a_short_burst():
    time = FakeTime()
    chats = ChatBuckets(ChannelRate(per_chat_per_second=1, per_chat_burst=2), time)
    for _ in range(2):
        assert chats.bucket("42").reserve() == 0
    assert chats.bucket("42").delay() == 1.0
    assert chats.bucket("43").delay() == 0


def test_a_group_chat_gets_twenty_messages_a_minute():
    time = FakeTime()
    chats = ChatBuckets(ChannelRate(per_group_per_minute=20), time)
    assert chats.bucket("-100123").reserve() == 0
    assert abs(chats.bucket("-100123").delay() - 3.0) < 1e-9


async def test_a_throttle_applies_the_chat_limit_and_the_overall_limit():
    time = FakeTime()
    throttle = Throttle(ChannelRate(messages_per_second=10, per_chat_burst=1), time, time.sleep)
    for chat in ("1", "2", "3"):
        await throttle.take(chat)
    assert abs(time.now - 1000.2) < 1e-9  # three chats: overall rate only
    assert throttle.chat_delay("1") > 0.7  # the same chat again: about a second after its first
    await throttle.take("1")
    assert abs(time.now - 1001.0) < 1e-9
    throttle.pause(3)
    assert throttle.paused
