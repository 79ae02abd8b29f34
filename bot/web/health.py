"""/healthz (liveness and state) and /readyz (may this process take traffic now).

/healthz: is the store reachable, is the outbox moving, when did each channel last hear
from a user, and are this process's background workers running.

503 when the store does not answer (take this process out of rotation); otherwise 200
with ``status`` "ok", or "degraded" when a watched worker has stopped or the oldest due
outbox message has waited longer than ``STALLED_SECONDS`` (no delivery worker is
sending). Workers are watched with ``watch(app, name, probe)``.

/readyz: 200 only when the store answers, its schema is at this code's newest migration,
and every channel registered with ``expect(app, name, probe)`` has started; otherwise
503 with what is missing. Both list the platforms registered with ``platform(app, name,
check)``: configured, and whether the platform's API accepts our credentials now (an
unreachable platform makes /healthz "degraded", never /readyz unready: every process
would be taken out of rotation for a fault none of them can fix). A load balancer
sends webhooks only to ready processes; a process whose code is older than the
store's schema (the old half of a rolling upgrade) stops being ready.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from storage.db import Database

DATABASE = web.AppKey("database", Database)
PROBES = web.AppKey("health_probes", dict)
STARTED = web.AppKey("ready_probes", dict)
CLOCK = web.AppKey("health_clock", object)
PLATFORMS = web.AppKey("health_platforms", dict)
STALLED_SECONDS = 300.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def setup(
    app: web.Application, database: Database, clock: Callable[[], datetime] = _utc_now
) -> None:
    """Add /healthz and /readyz."""
    app[DATABASE], app[CLOCK], app[PROBES], app[STARTED] = database, clock, {}, {}
    app[PLATFORMS] = {}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)


def watch(app: web.Application, name: str, probe: Callable[[], bool]) -> None:
    """Report a background worker of this process: ``probe()`` is True while it runs."""
    app[PROBES][name] = probe


def expect(app: web.Application, name: str, probe: Callable[[], bool]) -> None:
    """Make readiness wait for ``probe()`` (a channel that has started) to be True."""
    app[STARTED][name] = probe


def platform(
    app: web.Application, name: str, check: Callable[[], Awaitable[dict[str, Any]]]
) -> None:
    """Report a platform's state (``{"configured", "reachable", ...}``; ``check`` caches)."""
    app[PLATFORMS][name] = check


async def _platforms(request: web.Request) -> dict[str, dict[str, Any]]:
    return {name: await check() for name, check in sorted(request.app[PLATFORMS].items())}


async def readyz(request: web.Request) -> web.Response:
    """200 when this process can serve: store up, schema at head, channels started."""
    database = request.app[DATABASE]
    store_up = await database.ping()
    schema = "unknown"
    if store_up:
        try:
            schema = "at head" if await database.at_head() else "behind"
        except Exception as exc:  # the store went away between the two questions
            schema = f"unreadable ({type(exc).__name__})"
    channels = {
        name: "started" if probe() else "starting"
        for name, probe in sorted(request.app[STARTED].items())
    }
    ready = store_up and schema == "at head" and all(s == "started" for s in channels.values())
    body: dict[str, Any] = {
        "ready": ready, "store": "up" if store_up else "down", "schema": schema,
        "channels": channels,
    }  # fmt: skip
    platforms = await _platforms(request)
    if platforms:
        body["platforms"] = platforms
    return web.json_response(body, status=200 if ready else 503)


async def healthz(request: web.Request) -> web.Response:
    """200 when the store answers (status ok or degraded), 503 when it does not."""
    database = request.app[DATABASE]
    if not await database.ping():
        return web.json_response({"status": "unavailable", "store": "down"}, status=503)
    clock: Callable[[], datetime] = request.app[CLOCK]  # type: ignore[assignment]
    now = clock()
    async with database.unit_of_work() as store:
        contact = await store.ops_queue.last_contact()
        waiting = await store.ops_queue.oldest_waiting(now)
    oldest = max(((now - at).total_seconds() for at in waiting.values()), default=0.0)
    workers = {name: "alive" if probe() else "stopped" for name, probe in _probes(request)}
    delivery = "stalled" if oldest > STALLED_SECONDS else "ok"
    platforms = await _platforms(request)
    healthy = delivery == "ok" and all(state == "alive" for state in workers.values())
    healthy = healthy and all(p.get("reachable") is not False for p in platforms.values())
    body: dict[str, Any] = {
        "status": "ok" if healthy else "degraded",
        "store": "up",
        "workers": workers,
        "outbox": {"delivery": delivery, "oldest_due_seconds": round(oldest, 1)},
        "channels": {
            channel: {
                "last_contact": at.isoformat(),
                "seconds_ago": round((now - at).total_seconds()),
            }
            for channel, at in sorted(contact.items())
        },
    }
    if platforms:
        body["platforms"] = platforms
    return web.json_response(body)


def _probes(request: web.Request) -> list[tuple[str, Callable[[], bool]]]:
    return sorted(request.app[PROBES].items())
