"""Waits that a stop can always end: an event with a timeout, and tasks told to finish.

On Python 3.11 ``asyncio.wait_for(event.wait(), seconds)`` loses a cancellation that
arrives while the event is being set: the inner task has finished, so ``wait_for``
returns its result and the caller's loop runs on, cancelled in vain (fixed in 3.12,
bpo-42130). A loop waiting that way for new work, cancelled just as work arrived, never
ends, and neither does the stop that waits for it. ``wait_event`` waits on the event
itself under ``asyncio.timeout``, which tells its own expiry from a cancellation.

``end_tasks`` cancels tasks and waits for them a bounded time; whatever did not end is
named in the log, and the caller's own cancellation is never swallowed (as a
``suppress(CancelledError)`` around ``await task`` would).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)


async def wait_event(event: asyncio.Event, seconds: float) -> bool:
    """Wait until ``event`` is set, at most ``seconds``.

    Args:
        event: What to wait for.
        seconds: The longest wait (0 or less: only look).

    Returns:
        True when the event is set, False when the time ran out first.
    """
    try:
        async with asyncio.timeout(max(0.0, seconds)):
            await event.wait()
    except TimeoutError:
        return event.is_set()
    return True


async def end_tasks(tasks: Iterable[asyncio.Task[object]], what: str, grace: float) -> int:
    """Cancel ``tasks`` and wait for them to end, at most ``grace`` seconds.

    A task that ended with an error (before or now) has it logged, so that it is not
    lost with the task.

    Args:
        tasks: The tasks to end (finished ones are only looked at).
        what: What they are, for the log lines.
        grace: The longest wait.

    Returns:
        How many tasks were still running when the wait was given up.
    """
    tasks = list(tasks)
    running = [task for task in tasks if not task.done()]
    for task in running:
        task.cancel()
    left: set[asyncio.Task[object]] = set()
    if running:
        _, left = await asyncio.wait(running, timeout=grace)
    for task in tasks:
        if task.done() and not task.cancelled() and (error := task.exception()) is not None:
            log.error("%s: task %s had failed: %s", what, task.get_name(),
                      type(error).__name__, exc_info=error)  # fmt: skip
    if left:
        names = sorted(task.get_name() for task in left)
        log.error("%s: gave up waiting %.1fs for %d task(s) to end: %s",
                  what, grace, len(left), ", ".join(names))  # fmt: skip
    return len(left)
