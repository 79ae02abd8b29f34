"""/metrics in Prometheus' text format: this process's counters and the store's gauges.

Counted in the process (since it started): updates received and replies given per
channel, updates that failed, and NLU parse latency. Read from the store at each scrape
(so every process reports the same): outbox depth and age, deliveries per result, and
reports per status. Set HUEBOT_METRICS_TOKEN to require ``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

import hmac
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.inbound import Inbox, Outcome, StoreUnavailable
from bot.web.ops.state import OPS
from handlers.model import IncomingMessage

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
TOKEN = web.AppKey("metrics_token", str)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class Registry:
    """The process's counters."""

    updates: Counter[str] = field(default_factory=Counter)
    replies: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    nlu_buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    nlu_count: int = 0
    nlu_sum: float = 0.0

    def observe_nlu(self, seconds: float) -> None:
        """Count one parse that took ``seconds``."""
        self.nlu_count += 1
        self.nlu_sum += seconds
        for index, bound in enumerate(BUCKETS):
            if seconds <= bound:
                self.nlu_buckets[index] += 1


METRICS = Registry()


class CountingInbox(Inbox):
    """The inbox, counting what comes in and what goes back (for /metrics)."""

    async def receive(self, message: IncomingMessage) -> Outcome:
        """``Inbox.receive``, counted per channel."""
        channel = str(message.channel)
        METRICS.updates[channel] += 1
        try:
            outcome = await super().receive(message)
        except StoreUnavailable:
            METRICS.failed[channel] += 1
            raise
        METRICS.replies[channel] += len(outcome.replies)
        return outcome


class TimedParser:
    """An NLU parser whose every parse is timed (other attributes pass through)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def parse(self, text: str) -> dict[str, Any]:
        """The inner parser's answer."""
        started = time.perf_counter()
        try:
            result: dict[str, Any] = await self._inner.parse(text)
        finally:
            METRICS.observe_nlu(time.perf_counter() - started)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


async def metrics(request: web.Request) -> web.StreamResponse:
    """GET /metrics."""
    token = request.app.get(TOKEN)
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent, token):
            raise web.HTTPUnauthorized(text="bearer token required")
    ops = request.app[OPS]
    now = ops.clock()
    async with ops.database.unit_of_work() as store:
        boxes = await store.ops_queue.outbox_counts()
        oldest = await store.ops_queue.oldest_waiting(now)
        reports = await store.ops_queue.status_counts()
    ages = {ch: max((now - at).total_seconds(), 0.0) for ch, at in oldest.items()}
    text = "\n".join([*_process_lines(), *_store_lines(boxes, ages, reports)]) + "\n"
    response = web.Response(text=text)
    response.headers["Content-Type"] = CONTENT_TYPE
    return response


def _process_lines() -> Iterator[str]:
    yield from _family(
        "huebot_updates_received_total",
        "counter",
        "Updates received from users, per channel.",
        METRICS.updates,
        "channel",
    )
    yield from _family(
        "huebot_replies_total",
        "counter",
        "Replies sent back to the same chat, per channel.",
        METRICS.replies,
        "channel",
    )
    yield from _family("huebot_updates_failed_total", "counter",
                       "Updates that could not be stored, per channel.", METRICS.failed,
                       "channel")  # fmt: skip
    name = "huebot_nlu_parse_seconds"
    yield f"# HELP {name} Time the language understanding took per parse."
    yield f"# TYPE {name} histogram"
    for bound, count in zip(BUCKETS, METRICS.nlu_buckets, strict=True):
        yield f'{name}_bucket{{le="{bound}"}} {count}'
    yield f'{name}_bucket{{le="+Inf"}} {METRICS.nlu_count}'
    yield f"{name}_sum {METRICS.nlu_sum:.6f}"
    yield f"{name}_count {METRICS.nlu_count}"


def _store_lines(
    boxes: Mapping[tuple[str, str], int], ages: Mapping[str, float], reports: Mapping[str, int]
) -> Iterator[str]:
    depth: Counter[str] = Counter()
    for (channel, status), n in boxes.items():
        if status in ("pending", "sending"):
            depth[channel] += n
    yield from _family(
        "huebot_outbox_depth",
        "gauge",
        "Outbox messages waiting to be sent, per channel.",
        depth,
        "channel",
    )
    yield from _family(
        "huebot_outbox_oldest_age_seconds",
        "gauge",
        "Age of the oldest due message not yet sent, per channel.",
        ages,
        "channel",
    )
    yield "# HELP huebot_outbox_messages Outbox messages per channel and result."
    yield "# TYPE huebot_outbox_messages gauge"
    for (channel, status), n in sorted(boxes.items()):
        labels = f'channel="{_label(channel)}",status="{_label(status)}"'
        yield f"huebot_outbox_messages{{{labels}}} {n}"
    yield from _family("huebot_reports", "gauge", "Reports per status.", reports, "status")


def _family(
    name: str, kind: str, help_text: str, values: Mapping[str, float], label: str
) -> Iterator[str]:
    yield f"# HELP {name} {help_text}"
    yield f"# TYPE {name} {kind}"
    for key, value in sorted(values.items()):
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        yield f'{name}{{{label}="{_label(key)}"}} {shown}'


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
