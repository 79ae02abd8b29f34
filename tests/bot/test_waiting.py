"""Waits a stop can always end (``bot/core/waiting.py``): no cancellation is ever lost."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.core.waiting import end_tasks, wait_event

ENOUGH = 5.0  # seconds: far beyond what any of these waits needs, even on a loaded machine


async def test_a_wait_says_whether_the_event_came_or_the_time_ran_out():
    event = asyncio.Event()
    assert await wait_event(event, 0.01) is False
    assert await wait_event(event, 0) is False
    event.set()
    assert await wait_event(event, 0) is True
    assert await wait_event(event, 10) is True


async def test_a_loop_cancelled_just_as_its_event_is_set_ends():
    """On Python 3.11 ``asyncio.wait_for(event.wait(), t)`` loses this cancellation."""
    event, turns = asyncio.Event(), 0

    async def poll_for_work() -> None:
        nonlocal turns
        while True:
            turns += 1
            event.clear()
            await wait_event(event, 0.02)

    loop = asyncio.create_task(poll_for_work())
    await asyncio.sleep(0.05)
    event.set()  # work arrives ...
    loop.cancel()  # ... the moment the loop is told to stop
    done, _ = await asyncio.wait([loop], timeout=ENOUGH)
    assert loop in done and loop.cancelled(), f"still polling after {turns} turns"


async def test_ending_tasks_gives_up_on_one_that_ignores_cancellation_and_names_it(
    caplog: pytest.LogCaptureFixture,
):
    stop_ignoring = asyncio.Event()

    async def stubborn() -> None:
        while not stop_ignoring.is_set():
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                continue

    obedient = asyncio.create_task(asyncio.sleep(60), name="obedient")
    mule = asyncio.create_task(stubborn(), name="mule")
    await asyncio.sleep(0)
    try:
        with caplog.at_level(logging.ERROR, logger="bot.core.waiting"):
            left = await end_tasks([obedient, mule], "test loops", 0.1)
        assert left == 1 and obedient.cancelled() and not mule.done()
        assert "test loops: gave up waiting 0.1s for 1 task(s) to end: mule" in caplog.text
    finally:
        stop_ignoring.set()
        await asyncio.wait([mule], timeout=ENOUGH)


async def test_ending_tasks_never_swallows_the_callers_own_cancellation():
    let_go = asyncio.Event()

    async def ignores_cancellation() -> None:
        while not let_go.is_set():
            try:
                await let_go.wait()
            except asyncio.CancelledError:
                continue

    mule = asyncio.create_task(ignores_cancellation())
    await asyncio.sleep(0)
    stopping = asyncio.create_task(end_tasks([mule], "test", 60))
    try:
        await asyncio.sleep(0.01)
        stopping.cancel()  # whoever stops gives up on the stop itself
        done, _ = await asyncio.wait([stopping], timeout=ENOUGH)
        assert stopping in done and stopping.cancelled()
    finally:
        let_go.set()
        await asyncio.wait([mule, stopping], timeout=ENOUGH)


async def test_ending_tasks_logs_the_error_a_task_ended_with(caplog: pytest.LogCaptureFixture):
    async def fails() -> None:
        raise LookupError("broken")

    failed = asyncio.create_task(fails(), name="failing")
    await asyncio.wait([failed])
    with caplog.at_level(logging.ERROR, logger="bot.core.waiting"):
        assert await end_tasks([failed], "test loops", 1) == 0
    assert "test loops: task failing had failed: LookupError" in caplog.text
