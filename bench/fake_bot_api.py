"""A lean fake Telegram Bot API for the broadcast benchmark, as strict as Telegram's limit.

``python -m bench.fake_bot_api --rate 30`` listens on 127.0.0.1 (a free port, printed on
stdout) and answers ``sendMessage`` (and ``editMessageText``) like Telegram, or 429 with
``retry_after`` when a message would break the limit as Telegram defines it
(``SlidingLimits``): more than ``--rate`` messages in ANY sliding one-second window, a
second message to one chat within a second, more than 20 to a group in a minute. Times
are the moments requests arrive. A refused message does not count. ``GET /stats`` says
what it accepted and refused, and when each citizen's replies came (chats from
``CITIZENS_FROM`` on: they chat with the bot while it broadcasts). Start-up calls
(getMe, setWebhook...) are answered.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from collections import Counter, deque
from typing import Any

from aiohttp import web

RETRY_AFTER = 1
CITIZENS_FROM = 2_000_000  # chats from this id on are citizens who chat (their replies)
BOT = {"id": 123456789, "is_bot": True, "first_name": "HueBot", "username": "HueBenchBot"}
MESSAGES = {"sendMessage", "sendPhoto", "sendVenue", "editMessageText"}


class SlidingLimits:
    """Telegram's limit, strictly: N in any sliding window, 1/s per chat, 20/min per group."""

    def __init__(
        self, per_second: int, window: float = 1.0, per_chat_seconds: float = 1.0,
        per_group: int = 20, group_window: float = 60.0,
    ) -> None:  # fmt: skip
        self.per_second, self.window = per_second, window
        self.per_chat_seconds, self.per_group, self.group_window = (
            per_chat_seconds, per_group, group_window,
        )  # fmt: skip
        self._times: deque[float] = deque()
        self._chats: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}
        self.violations: Counter[str] = Counter()
        self.busiest = 0  # the most messages seen in one window
        self._last: deque[float] = deque(maxlen=per_second)
        self.tightest = math.inf  # the shortest span of per_second + 1 accepted messages

    def allow(self, chat: int, now: float) -> bool:
        """Count a message to ``chat`` arriving at ``now``; False (a 429) if it breaks a rule."""
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()
        rule = None
        if len(self._times) >= self.per_second:
            rule = "window"
        elif now - self._chats.get(chat, -math.inf) < self.per_chat_seconds:
            rule = "chat"
        elif chat < 0 and self._group_full(chat, now):
            rule = "group"
        if rule is not None:
            self.violations[rule] += 1
            return False
        self._times.append(now)
        self.busiest = max(self.busiest, len(self._times))
        if len(self._last) == self.per_second:
            self.tightest = min(self.tightest, now - self._last[0])
        self._last.append(now)
        self._chats[chat] = now
        if chat < 0:
            self._groups.setdefault(chat, deque()).append(now)
        return True

    def _group_full(self, chat: int, now: float) -> bool:
        times = self._groups.setdefault(chat, deque())
        while times and times[0] <= now - self.group_window:
            times.popleft()
        return len(times) >= self.per_group


class FakeBotApi:
    """Messages under ``SlidingLimits``, counted per chat; start-up calls answered."""

    def __init__(self, rate: int) -> None:
        self.limits = SlidingLimits(rate)
        self.chats: Counter[int] = Counter()
        self.replies: dict[int, list[float]] = {}
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
        """One Bot API call (JSON or a form, as python-telegram-bot sends)."""
        now = time.monotonic()  # the arrival, before the body is read
        method = request.match_info["method"]
        if request.content_type == "application/json":
            body: dict[str, Any] = await request.json()
        else:
            body = dict(await request.post())
        if method not in MESSAGES:
            return web.json_response({"ok": True, "result": BOT if method == "getMe" else True})
        chat = int(body["chat_id"])
        if not self.limits.allow(chat, now):
            return web.json_response({
                "ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {RETRY_AFTER}",
                "parameters": {"retry_after": RETRY_AFTER},
            }, status=429)  # fmt: skip
        if method == "sendMessage":
            self._count(chat, now)
        self.message_id += 1
        chat_info = {"id": chat, "type": "private"}
        result = {"message_id": self.message_id, "date": int(time.time()), "chat": chat_info}
        return web.json_response({"ok": True, "result": result})

    def _count(self, chat: int, now: float) -> None:
        if chat >= CITIZENS_FROM:
            self.replies.setdefault(chat, []).append(now)
            return
        self.chats[chat] += 1
        self.first_at = self.first_at or now
        self.last_at = now

    async def stats(self, request: web.Request) -> web.Response:
        """What was accepted: totals, first and last times, chats that got more than one."""
        accepted = sum(self.chats.values())
        span = (self.last_at - self.first_at) if self.first_at and self.last_at else 0.0
        twice = [chat for chat, n in self.chats.items() if n > 1]
        refused = self.limits.violations
        return web.json_response({
            "accepted": accepted, "unique": len(self.chats),
            "rejected_429": sum(refused.values()), "rejected_by_rule": dict(refused),
            "busiest_window": self.limits.busiest,
            "tightest_span_seconds": round(min(self.limits.tightest, 1e9), 4),
            "replies": {str(chat): times for chat, times in self.replies.items()},
            "span_seconds": span, "first_at": self.first_at, "last_at": self.last_at,
            "duplicated_chats": twice[:1000],
            "duplicates": accepted - len(self.chats),
        })  # fmt: skip


async def serve(rate: int) -> None:
    """Serve until killed; print the port first (as JSON on stdout)."""
    fake = FakeBotApi(rate)
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(json.dumps({"port": runner.addresses[0][1]}), flush=True)
    await asyncio.Event().wait()


def main() -> None:
    """``python -m bench.fake_bot_api --rate N``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.rate))


if __name__ == "__main__":
    main()
