"""The broadcaster's live progress: one message, edited in place every few seconds.

Each unfinished alert is taken by one process per turn (``Alerts.take_progress_turn``),
its deliveries counted, and the figures shown to the broadcaster who sent it: on
Telegram one message edited with editMessageText, on the web chat a notice at the start
and the delivery report at the end. An alert is finished when no pushed delivery waits.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from bot.channels.pacer import Pacer, Priority
from bot.delivery.senders import Poster
from handlers.alerts.render import ChannelFigures, Progress, progress_text
from storage.alerts import ACTIVE, AlertRecord
from storage.db import Database
from storage.delivery import BLOCKED, FAILED, SENT, WAITING

log = logging.getLogger(__name__)

WINDOW = 30.0  # seconds over which the live rate is measured


def figures(alert_id: int, counts: Mapping[tuple[str, str], int]) -> Progress:
    """Deliveries by channel, as the progress message shows them."""
    channels: dict[str, ChannelFigures] = {}
    for channel in sorted({ch for ch, _ in counts}):
        mine = {status: n for (ch, status), n in counts.items() if ch == channel}
        waiting = sum(mine.get(status, 0) for status in WAITING)
        known = mine.get(SENT, 0) + mine.get(FAILED, 0) + mine.get(BLOCKED, 0) + waiting
        channels[channel] = ChannelFigures(
            sent=mine.get(SENT, 0), failed=mine.get(FAILED, 0), blocked=mine.get(BLOCKED, 0),
            waiting=waiting, other=sum(mine.values()) - known,
        )  # fmt: skip
    return Progress(alert_id, channels)


class ProgressReporter:
    """Posts and edits progress messages; marks broadcasts finished."""

    def __init__(
        self, database: Database, posters: Mapping[str, Poster], pacers: Mapping[str, Pacer],
        clock: Callable[[], datetime], every: float,
    ) -> None:  # fmt: skip
        self._db, self._posters, self._pacers = database, posters, pacers
        self._clock, self._every = clock, timedelta(seconds=every)
        self._samples: dict[int, tuple[float, int]] = {}

    async def tick(self) -> None:
        """Report on every alert whose turn it is."""
        now = self._clock()
        async with self._db.unit_of_work() as store:
            alerts = await store.alerts.take_progress_turn(now, self._every)
        for alert in alerts:
            try:
                await self._report(alert, now)
            except Exception as exc:  # a failed edit must not stop the others
                log.warning("alert %s: progress not shown: %s", alert.id, type(exc).__name__)

    async def _report(self, alert: AlertRecord, now: datetime) -> None:
        async with self._db.unit_of_work() as store:
            counts = await store.alerts.counts(alert.id)
            user_id = alert.progress_user_id
            watcher = await store.users.get(user_id) if user_id is not None else None
        progress = self._measure(alert, figures(alert.id, counts), now)
        done = progress.remaining == 0 or alert.status != ACTIVE
        ref = alert.progress_ref
        poster = self._posters.get(watcher.channel) if watcher else None
        if watcher is not None and poster is not None and (poster.editable or done or not ref):
            text = progress_text(progress, watcher.language, done)
            pacer = self._pacers.get(watcher.channel)
            lane = pacer.lane(Priority.ALERT) if pacer is not None else None
            ref = await poster.post(watcher.external_id, text, ref, lane) or ref
        async with self._db.unit_of_work() as store:
            await store.alerts.save_progress(alert.id, ref, now if done else None)
        if done:
            self._samples.pop(alert.id, None)
            log.info("alert %s: broadcast finished", alert.id)

    def _measure(self, alert: AlertRecord, progress: Progress, now: datetime) -> Progress:
        """Add the rate (over the last ``WINDOW`` seconds where known) and the time taken."""
        sent, mono = progress.total("sent") + progress.total("failed"), time.monotonic()
        elapsed = max(0.001, (now - alert.created_at).total_seconds())
        before = self._samples.get(alert.id)
        if before is not None and 0 < mono - before[0] <= WINDOW:
            rate = (sent - before[1]) / (mono - before[0])
        else:
            rate = sent / elapsed
        if before is None or mono - before[0] > WINDOW:
            self._samples[alert.id] = (mono, sent)
        return Progress(alert.id, progress.channels, max(0.0, rate), elapsed)
