"""/metrics in Prometheus' text format, built with prometheus-client.

One registry per process. Counted in the process (since it started): updates received
and replies given per channel, updates that failed, NLU parse latency, scheduled notices
claimed, and the standard ``process_*`` series. Read from the store at each scrape (so
every process reports the same values): outbox depth and age, deliveries per result,
and reports per status. ``huebot_process_info{holder=...}`` names the process.

With several processes, Prometheus scrapes each one as its own target (one
``instance`` label per process) and aggregates at query time: ``sum without(instance)``
for the counters, ``max without(instance)`` for the store gauges. There is no shared
multiprocess directory; that mode is for workers forked by one server (gunicorn), not
for separate processes or containers. Set HUEBOT_METRICS_TOKEN to require
``Authorization: Bearer TOKEN``.
"""

from __future__ import annotations

import hmac
import time
from collections import Counter as Tally
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.core.ports import Prepare
from bot.inbound import Inbox, Outcome, StoreUnavailable
from bot.leases import holder_name
from bot.web.ops.state import OPS
from handlers import IncomingMessage

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
TOKEN = web.AppKey("metrics_token", str)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

disable_created_metrics()  # type: ignore[no-untyped-call]  # no *_created series: start times are process_start_time_seconds
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
UPDATES = Counter(
    "huebot_updates_received", "Updates received from users, per channel.", ["channel"],
    registry=REGISTRY,
)  # fmt: skip
REPLIES = Counter(
    "huebot_replies", "Replies sent back to the same chat, per channel.", ["channel"],
    registry=REGISTRY,
)  # fmt: skip
FAILED = Counter(
    "huebot_updates_failed", "Updates that could not be stored, per channel.", ["channel"],
    registry=REGISTRY,
)  # fmt: skip
NLU_SECONDS = Histogram(
    "huebot_nlu_parse_seconds", "Time the language understanding took per parse.",
    buckets=BUCKETS, registry=REGISTRY,
)  # fmt: skip
SCHEDULED = Counter(
    "huebot_scheduled_notices", "Scheduled jobs this process claimed and did, per kind.",
    ["kind"], registry=REGISTRY,
)  # fmt: skip
PROCESS = Info("huebot_process", "Which process this is (its lease holder name).",
               registry=REGISTRY)  # fmt: skip


def name_process() -> None:
    """Label this process's series with its holder name (call once it is running)."""
    PROCESS.info({"holder": holder_name()})


class CountingInbox(Inbox):
    """The inbox, counting what comes in and what goes back (for /metrics)."""

    async def receive(self, message: IncomingMessage, prepare: Prepare | None = None) -> Outcome:
        """``Inbox.receive``, counted per channel."""
        channel = str(message.channel)
        UPDATES.labels(channel).inc()
        try:
            outcome = await super().receive(message, prepare)
        except StoreUnavailable:
            FAILED.labels(channel).inc()
            raise
        REPLIES.labels(channel).inc(len(outcome.replies))
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
            NLU_SECONDS.observe(time.perf_counter() - started)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class StoreSnapshot(Collector):
    """The store's gauges as read at one scrape."""

    def __init__(
        self,
        boxes: Mapping[tuple[str, str], int],
        ages: Mapping[str, float],
        reports: Mapping[str, int],
    ) -> None:
        self._boxes, self._ages, self._reports = boxes, ages, reports

    def collect(self) -> list[GaugeMetricFamily]:
        """The outbox and report gauges."""
        depth: Tally[str] = Tally()
        for (channel, status), n in self._boxes.items():
            if status in ("pending", "sending"):
                depth[channel] += n
        messages = GaugeMetricFamily(
            "huebot_outbox_messages", "Outbox messages per channel and result.",
            labels=["channel", "status"],
        )  # fmt: skip
        for (channel, status), n in sorted(self._boxes.items()):
            messages.add_metric([channel, status], n)
        waiting = "Outbox messages waiting to be sent, per channel."
        oldest = "Age of the oldest due message not yet sent, per channel."
        return [
            _gauge("huebot_outbox_depth", waiting, "channel", depth),
            _gauge("huebot_outbox_oldest_age_seconds", oldest, "channel", self._ages),
            messages,
            _gauge("huebot_reports", "Reports per status.", "status", self._reports),
        ]


def _gauge(name: str, help_text: str, label: str, values: Mapping[str, float]) -> Any:
    family = GaugeMetricFamily(name, help_text, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family


async def metrics(request: web.Request) -> web.StreamResponse:
    """GET /metrics."""
    token = request.app.get(TOKEN)
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent, token):
            raise web.HTTPUnauthorized(text="bearer token required")
    response = web.Response(body=generate_latest(REGISTRY) + await _store_text(request))
    response.headers["Content-Type"] = CONTENT_TYPE
    return response


async def _store_text(request: web.Request) -> bytes:
    ops = request.app[OPS]
    now = ops.clock()
    async with ops.database.unit_of_work() as store:
        boxes = await store.ops_queue.outbox_counts()
        oldest = await store.ops_queue.oldest_waiting(now)
        reports = await store.ops_queue.status_counts()
    ages = {ch: max((now - at).total_seconds(), 0.0) for ch, at in oldest.items()}
    snapshot = CollectorRegistry(auto_describe=True)
    snapshot.register(StoreSnapshot(boxes, ages, reports))
    return generate_latest(snapshot)
