"""A lean fake Telegram Bot API for the inbound benchmark: answers at once, notes arrivals.

``python -m bench.inbound_fake_api`` listens on 127.0.0.1 (a free port, printed on
stdout). Every Bot API method answers ``ok``; ``sendMessage`` (and the other sends)
record, per chat, when the first one arrived (``time.monotonic``, the same clock in
every process of this machine). ``GET /stats`` returns those times and the method counts;
``POST /reset`` forgets them. It enforces no rate limit: the inbound benchmark measures
how fast a bot answers, not how it paces.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from typing import Any

from aiohttp import web

SENDS = {"sendMessage", "sendPhoto", "sendVenue", "sendLocation"}


class FakeBotApi:
    """The Bot API methods a bot calls while answering messages."""

    def __init__(self) -> None:
        self.first_reply: dict[int, float] = {}
        self.methods: Counter[str] = Counter()
        self.message_id = 0

    def app(self) -> web.Application:
        """The aiohttp application."""
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self.api)
        app.router.add_get("/stats", self.stats)
        app.router.add_post("/reset", self.reset)
        return app

    async def api(self, request: web.Request) -> web.Response:
        """One Bot API call."""
        method = request.match_info["method"]
        body = await self._body(request)
        self.methods[method] += 1
        if method in SENDS:
            chat = int(body.get("chat_id", 0))
            self.first_reply.setdefault(chat, time.monotonic())
        return web.json_response({"ok": True, "result": self._result(method, body)})

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            return data if isinstance(data, dict) else {}
        return {key: value for key, value in (await request.post()).items()
                if isinstance(value, str)}  # fmt: skip

    def _result(self, method: str, body: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": 123456, "is_bot": True, "first_name": "Bench",
                    "username": "bench_bot", "can_join_groups": True,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False}  # fmt: skip
        if method in SENDS or method.startswith("edit"):
            self.message_id += 1
            chat = {"id": int(body.get("chat_id", 0) or 0), "type": "private"}
            return {"message_id": self.message_id, "date": int(time.time()), "chat": chat,
                    "text": str(body.get("text", ""))}  # fmt: skip
        return True

    async def stats(self, request: web.Request) -> web.Response:
        """When each chat got its first reply, and how often each method was called."""
        return web.json_response({
            "first_reply": {str(chat): at for chat, at in self.first_reply.items()},
            "methods": dict(self.methods),
        })  # fmt: skip

    async def reset(self, request: web.Request) -> web.Response:
        """Forget what was recorded."""
        self.first_reply.clear()
        self.methods.clear()
        return web.json_response({"ok": True})


async def serve() -> None:
    """Listen on a free port, print it, run until killed."""
    runner = web.AppRunner(FakeBotApi().app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(port, flush=True)
    await asyncio.Event().wait()


def main() -> None:
    """Command line entry point."""
    argparse.ArgumentParser(description=__doc__).parse_args()
    asyncio.run(serve())


if __name__ == "__main__":
    main()
