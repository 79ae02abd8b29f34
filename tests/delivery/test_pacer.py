"""The pacer: the strict sliding window, per-chat and per-group spacing, priority, pauses.

Windows are shortened (tenths of a second) so the tests run quickly; every assertion
checks an invariant on the recorded start and end times of the sends, never a duration.
"""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

from bench.fake_bot_api import SlidingLimits
from bot.channels.pacer import Limits, Pacer, Priority
from tests.delivery.pacing import busiest_window, send_all


async def test_no_window_ever_holds_more_than_the_limit() -> None:
    limits = Limits(per_second=5, window_seconds=0.2, margin_seconds=0.001)
    pacer = Pacer(limits)
    spans = await send_all(pacer, [str(n) for n in range(40)])
    await pacer.close()
    assert len(spans) == 40
    assert busiest_window(spans, 0.2) == 5  # full windows, never more


async def test_one_message_per_chat_per_interval() -> None:
    limits = Limits(per_second=50, per_chat_seconds=0.1, margin_seconds=0.001)
    pacer = Pacer(limits)
    spans = await send_all(pacer, ["7"] * 4 + ["8"] * 4)
    await pacer.close()
    for chat in ("7", "8"):
        mine = sorted((s, e) for c, s, e in spans if c == chat)
        assert len(mine) == 4
        assert all(later[0] - earlier[1] >= 0.1 for earlier, later in pairwise(mine))


async def test_a_group_gets_its_own_per_window_limit() -> None:
    limits = Limits(per_second=100, per_chat_seconds=0, per_group_per_minute=3,
                    group_window_seconds=0.2, margin_seconds=0.001)  # fmt: skip
    pacer = Pacer(limits)
    spans = await send_all(pacer, ["-100"] * 7 + ["5"] * 1)
    await pacer.close()
    group = [span for span in spans if span[0] == "-100"]
    assert len(group) == 7
    assert busiest_window(group, 0.2) == 3


async def test_waiting_work_goes_by_priority() -> None:
    limits = Limits(per_second=1, window_seconds=0.05, margin_seconds=0)
    pacer = Pacer(limits)
    order: list[str] = []

    async def one(name: str, priority: Priority) -> None:
        async with pacer.slot(name, priority):
            order.append(name)

    first = await pacer.acquire("0", Priority.ROUTINE)  # holds the only place
    tasks = [asyncio.create_task(one(name, priority)) for name, priority in (
        ("routine", Priority.ROUTINE), ("alert", Priority.ALERT), ("reply", Priority.REPLY),
    )]  # fmt: skip
    while pacer.waiting < 3:
        await asyncio.sleep(0.001)
    await first.release()
    await asyncio.gather(*tasks)
    await pacer.close()
    assert order == ["reply", "alert", "routine"]


async def test_a_busy_chat_does_not_hold_up_the_others() -> None:
    limits = Limits(per_second=100, per_chat_seconds=5.0)
    pacer = Pacer(limits)
    async with pacer.slot("1", Priority.REPLY):
        pass
    late = asyncio.create_task(pacer.acquire("1", Priority.REPLY))  # waits 5 s
    other = await pacer.acquire("2", Priority.ROUTINE)  # behind it, but free
    await other.release()
    assert not late.done()
    late.cancel()
    await pacer.close()


async def test_a_pause_stops_the_whole_channel() -> None:
    limits = Limits(per_second=100, margin_seconds=0)
    pacer = Pacer(limits)
    await pacer.pause(0.15)
    paused_at = time.monotonic()
    assert pacer.paused
    spans = await send_all(pacer, ["1", "2", "3"], latency=0)
    await pacer.close()
    assert min(start for _, start, _ in spans) >= paused_at + 0.15 - 0.001


async def test_limits_refuse_nonsense_and_share_safely() -> None:
    share = Limits(per_second=30).share(4)
    assert (share.per_second, share.per_chat_seconds, share.per_group_per_minute) == (7, 4.0, 5)
    for bad in ({"per_second": 0}, {"window_seconds": 0}, {"margin_seconds": -1}):
        try:
            Limits(**bad)  # type: ignore[arg-type]
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")


def test_the_strict_fake_counts_any_sliding_window() -> None:
    fake = SlidingLimits(per_second=3, per_chat_seconds=1.0, per_group=2, group_window=60)
    assert [fake.allow(chat, t) for chat, t in ((1, 0.0), (2, 0.5), (3, 0.9))] == [True] * 3
    assert not fake.allow(4, 0.99)  # 4 within (0.0, 0.99]: not at the start of a second
    assert fake.allow(4, 1.0) and not fake.allow(5, 1.4)  # 0.0 left the window, 0.5 not
    assert not fake.allow(4, 1.6)  # chat 4 got one 0.6 s ago
    assert fake.allow(-7, 2.0) and fake.allow(-7, 3.1) and not fake.allow(-7, 4.2)
    assert fake.violations == {"window": 2, "chat": 1, "group": 1}


async def test_an_impatient_caller_gives_up_on_a_chat_that_must_wait() -> None:
    pacer = Pacer(Limits(per_second=100, per_chat_seconds=5.0))
    async with pacer.slot("1", Priority.REPLY):  # a reply went to chat 1 just now
        pass
    assert await pacer.try_acquire("1", Priority.ALERT, patience=0.05) is None
    permit = await pacer.try_acquire("2", Priority.ALERT, patience=0.05)
    assert permit is not None and permit.chat == "2"
    await permit.release()
    await pacer.close()
