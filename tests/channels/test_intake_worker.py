"""The shared intake's own machinery on both stores: group commit, lanes, hand-over, retries."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.channels.commits import GroupCommit
from bot.channels.intake import ChannelIntake, IntakeUnavailable, Worker
from storage.db import Database
from storage.intake import Arrival, Claimed
from storage.store import Store
from tests.support.clock import FakeClock
from tests.support.fake_telegram import eventually

CHANNEL = "telegram"


def arrival(number: int, chat: str) -> Arrival:
    return Arrival(f"42:{number}", chat, number, {"n": number})


async def test_concurrent_writes_share_commits_and_a_bad_one_fails_alone(database: Database):
    commits = GroupCommit(database)

    async def good(store: Store, number: int) -> int:
        stored = await store.intake.add(CHANNEL, [arrival(number, str(number))], FakeClock()())
        return len(stored)

    async def bad(store: Store) -> int:
        raise ValueError("this write is refused")

    writes = [commits.run(lambda s, n=n: good(s, n)) for n in range(1, 21)]
    assert await asyncio.gather(*writes) == [1] * 20
    assert commits.commits == 1  # all twenty queued before the first commit began
    writes = [commits.run(lambda s, n=n: good(s, n)) for n in range(21, 26)]
    results = await asyncio.gather(*writes, commits.run(bad), return_exceptions=True)
    assert results[:5] == [1] * 5 and isinstance(results[5], ValueError)
    assert commits.commits == 1 + 5  # the batch failed: each good write on its own
    async with database.unit_of_work() as store:
        assert await store.intake.counts(CHANNEL) == {"pending": 25}


async def test_merged_writes_make_one_call_for_every_caller_and_fail_alone(database: Database):
    commits, calls = GroupCommit(database), []

    async def keep(store: Store, numbers: list[int]) -> list[int]:
        calls.append(list(numbers))
        if 13 in numbers:
            raise ValueError("this write is refused")
        stored = await store.intake.add(
            CHANNEL, [arrival(n, str(n)) for n in numbers], FakeClock()()
        )
        return [n * 10 for n in numbers] if len(stored) == len(numbers) else []

    writes = [commits.run_merged(keep, [n, n + 100]) for n in range(1, 11)]
    assert await asyncio.gather(*writes) == [[n * 10, (n + 100) * 10] for n in range(1, 11)]
    assert commits.commits == 1 and len(calls) == 1  # twenty arrivals, one insert
    writes = [commits.run_merged(keep, [n]) for n in (11, 12, 13)]
    results = await asyncio.gather(*writes, return_exceptions=True)
    assert results[:2] == [[110], [120]] and isinstance(results[2], ValueError)
    assert calls[1:] == [[11, 12, 13], [11], [12], [13]]  # the batch failed: one by one
    async with database.unit_of_work() as store:
        assert await store.intake.counts(CHANNEL) == {"pending": 22}


async def test_concurrent_requests_with_one_update_store_it_once(database: Database):
    intake = ChannelIntake(database, CHANNEL, FakeClock())
    again = [intake.store([arrival(7, "a")]) for _ in range(3)]  # a replay racing the first
    results = await asyncio.gather(*again, intake.store([arrival(8, "b"), arrival(8, "b")]))
    assert intake.commits.commits == 1
    assert [[one.fresh for one in stored] for stored in results] == [
        [True], [False], [False], [True, False]
    ]  # fmt: skip
    async with database.unit_of_work() as store:
        assert await store.intake.counts(CHANNEL) == {"pending": 2}


class Recorder:
    """A channel's processing: notes what it saw; fails the first try of chosen updates."""

    def __init__(self, fail_once: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        self.seen: list[tuple[str | None, int]] = []
        self._fail_once = set(fail_once)

    async def __call__(self, batch: list[Claimed]) -> None:
        for item in batch:
            await asyncio.sleep(0.01)  # let other chats interleave
            number = int(item.payload["n"])
            if number in self._fail_once:
                self._fail_once.discard(number)
                raise RuntimeError("first try fails")
            self.seen.append((item.chat_key, number))


async def serve(intake: ChannelIntake, process: Recorder, workers: int = 3) -> Any:
    stopping = asyncio.Event()
    tasks = [asyncio.create_task(Worker(intake, process, stopping, tick=3600).run())
             for _ in range(workers)]  # fmt: skip
    await asyncio.sleep(0.05)  # the workers' first look at the store, then they idle

    async def stop() -> None:
        stopping.set()
        intake.wake()
        await asyncio.gather(*tasks)
        await intake.commits.drain()

    return stop


async def test_stored_updates_reach_the_workers_in_memory_one_chat_in_order(
    database: Database,
):
    intake = ChannelIntake(database, CHANNEL, FakeClock())
    process = Recorder()
    stop = await serve(intake, process)
    numbers = [(n, "a" if n % 2 else "b") for n in range(1, 11)]
    for number, chat in numbers:  # one webhook request after another, as Telegram sends
        await intake.store([arrival(number, chat)])
    await eventually(lambda: len(process.seen) == 10)  # no look in the store: tick is an hour
    await stop()
    for chat in "ab":
        mine = [n for c, n in process.seen if c == chat]
        assert mine == sorted(mine) and len(mine) == 5
    async with database.unit_of_work() as store:
        assert await store.intake.counts(CHANNEL) == {"done": 10}


async def test_a_failed_update_holds_its_chat_until_its_retry(database: Database):
    clock = FakeClock()
    intake = ChannelIntake(database, CHANNEL, clock)
    process = Recorder(fail_once={1})
    stop = await serve(intake, process)
    await intake.store([arrival(1, "a"), arrival(2, "a"), arrival(3, "b")])
    await eventually(lambda: ("b", 3) in process.seen)
    await asyncio.sleep(0.1)
    assert ("a", 2) not in process.seen  # it waits for update 1's retry
    clock.advance(seconds=1.5)
    intake.wake()
    await eventually(lambda: len(process.seen) == 3)
    await stop()
    assert [n for c, n in process.seen if c == "a"] == [1, 2]


async def test_a_store_that_fails_stores_nothing_and_says_so(database: Database):
    intake = ChannelIntake(database, CHANNEL, FakeClock())
    await database.dispose()
    database.engine.pool._creator = None  # type: ignore[attr-defined]  # no new connection
    with pytest.raises(IntakeUnavailable):
        await intake.store([arrival(1, "a")])
