"""Following a broadcast from a terminal: a progress bar, then the report per channel."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Mapping
from typing import TextIO

from bot.delivery.progress import figures
from handlers import City
from handlers.alerts.render import Progress, progress_text
from storage.alerts import ACTIVE, AlertRecord
from storage.db import Database

BAR = 30
STALL_SECONDS = 30.0


def bar(progress: Progress, total: int, rate: float) -> str:
    """One line: ``[#####-----]  45%  4,500/10,000 sent · 3 failed · 2 blocked · 980/s``."""
    done = total - progress.remaining
    share = done / total if total else 1.0
    filled = round(BAR * share)
    eta = f" · {progress.remaining / rate:.0f}s left" if rate > 0 and progress.remaining else ""
    return (
        f"[{'#' * filled}{'-' * (BAR - filled)}] {share:4.0%}  {done:,}/{total:,} done · "
        f"{progress.total('sent'):,} sent · {progress.total('failed'):,} failed · "
        f"{progress.total('blocked'):,} blocked · {rate:,.0f}/s{eta}"
    )


async def follow(
    database: Database, alert_id: int, every: float = 1.0, out: TextIO = sys.stderr
) -> Progress:
    """Draw the bar until nothing of the alert waits on a pushed channel; returns the end."""
    started, last_change, last_done, warned = time.monotonic(), time.monotonic(), -1, False
    while True:
        alert, progress = await snapshot(database, alert_id)
        total = sum(f.sent + f.failed + f.blocked + f.waiting + f.other
                    for ch, f in progress.channels.items() if ch != "webchat")  # fmt: skip
        done = total - progress.remaining
        if done != last_done:
            last_done, last_change = done, time.monotonic()
        rate = progress.total("sent") / max(0.001, time.monotonic() - started)
        print(f"\r{bar(progress, total, rate)}", end="", file=out, flush=True)
        if progress.remaining == 0 or alert.status != ACTIVE:
            print(file=out)
            return progress
        if not warned and time.monotonic() - last_change > STALL_SECONDS:
            warned = True
            print("\nnothing is being delivered: is `huebot run` (or `huebot alert deliver`) "
                  "running with TELEGRAM_BOT_TOKEN?", file=out)  # fmt: skip
        await asyncio.sleep(every)


async def not_sendable(database: Database, alert_id: int) -> dict[str, int]:
    """The alert's deliveries the platform's policy forbade, by channel."""
    async with database.unit_of_work() as store:
        return await store.alerts.not_sendable(alert_id)


async def snapshot(database: Database, alert_id: int) -> tuple[AlertRecord, Progress]:
    """The alert and its deliveries now."""
    async with database.unit_of_work() as store:
        alert = await store.alerts.get(alert_id)
        if alert is None:
            raise LookupError(f"no alert {alert_id}")
        counts = await store.alerts.counts(alert_id)
    return alert, figures(alert_id, counts)


def describe(
    alert: AlertRecord, progress: Progress, city: City, unsendable: Mapping[str, int] | None = None
) -> str:
    """``huebot alert status``: the alert's fields and its deliveries per channel.

    ``unsendable`` counts, per channel, the failed deliveries the platform's policy
    forbade (Messenger outside the 24-hour window without an opt-in): they are listed
    on their own line so that nobody takes them for lost.
    """
    content, zone = alert.content, city.zone
    area = "whole city" if content.whole_city else ", ".join(content.wards)
    expires = (
        f"{content.expires_at.astimezone(zone):%Y-%m-%d %H:%M}" if content.expires_at else "-"
    )
    lines = [
        f"alert #{alert.id}  [{alert.status}]  {content.severity} / {content.category}",
        f"headline : {content.headline}",
        f"area     : {area}",
        f"sent     : {content.sent_at.astimezone(zone):%Y-%m-%d %H:%M}   expires: {expires}",
        f"source   : {content.source} ({content.identifier})",
        f"replaces : #{content.references_id}" if content.references_id else "replaces : -",
        f"queued   : {alert.recipients}",
    ]
    finished = alert.finished_at is not None or progress.remaining == 0
    lines += ["", progress_text(progress, "en", done=finished)]
    if unsendable:
        counts = ", ".join(f"{channel} {n}" for channel, n in sorted(unsendable.items()))
        lines.append(f"not sendable (of the failed; platform policy): {counts}")
    return "\n".join(lines)
