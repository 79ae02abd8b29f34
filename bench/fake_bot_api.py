"""A lean fake Telegram Bot API for the broadcast benchmark, enforcing a rate limit.

``python -m bench.fake_bot_api --rate 1000`` listens on 127.0.0.1 (a free port, printed
on stdout) and answers ``sendMessage`` like Telegram, or 429 with ``retry_after`` when
messages come faster than ``--rate`` a second (a token bucket holding ``--burst-seconds``
of traffic, as Telegram tolerates short bursts). ``GET /stats`` says what it accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from typing import Any

from aiohttp import web

RETRY_AFTER = 1


class Limiter:
    """A token bucket: ``rate`` a second, ``capacity`` at most."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.at = capacity, time.monotonic()

    def allow(self) -> bool:
        """Take a token if there is one."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class FakeBotApi:
    """sendMessage (and editMessageText) with a rate limit; counts per chat."""

    def __init__(self, rate: float, burst_seconds: float) -> None:
        self.limiter = Limiter(rate, max(1.0, rate * burst_seconds))
        self.chats: Counter[int] = Counter()
        self.rejected = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self.message_id = 0

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.api)
        app.router.add_get("/stats", self.stats)
        return app

    async def api(self, request: web.Request) -> web.Response:
        """One Bot API call."""
        body: dict[str, Any] = await request.json()
        if not self.limiter.allow():
            self.rejected += 1
            return web.json_response({
                "ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {RETRY_AFTER}",
                "parameters": {"retry_after": RETRY_AFTER},
            }, status=429)  # fmt: skip
        chat = int(body["chat_id"])
        if request.match_info["method"] == "sendMessage":
            self.chats[chat] += 1
            now = time.monotonic()
            self.first_at = self.first_at or now
            self.last_at = now
        self.message_id += 1
        chat_info = {"id": chat, "type": "private"}
        result = {"message_id": self.message_id, "date": int(time.time()), "chat": chat_info}
        return web.json_response({"ok": True, "result": result})

    async def stats(self, request: web.Request) -> web.Response:
        """What was accepted: totals, first and last times, chats that got more than one."""
        accepted = sum(self.chats.values())
        span = (self.last_at - self.first_at) if self.first_at and self.last_at else 0.0
        twice = [chat for chat, n in self.chats.items() if n > 1]
        return web.json_response({
            "accepted": accepted, "unique": len(self.chats), "rejected_429": self.rejected,
            "span_seconds": span, "duplicated_chats": twice[:1000],
            "duplicates": accepted - len(self.chats),
        })  # fmt: skip


async def serve(rate: float, burst_seconds: float) -> None:
    """Serve until killed; print the port first (as JSON on stdout)."""
    fake = FakeBotApi(rate, burst_seconds)
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(json.dumps({"port": runner.addresses[0][1]}), flush=True)
    await asyncio.Event().wait()


def main() -> None:
    """``python -m bench.fake_bot_api --rate N``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--burst-seconds", type=float, default=0.25)
    args = parser.parse_args()
    asyncio.run(serve(args.rate, args.burst_seconds))


if __name__ == "__main__":
    main()
