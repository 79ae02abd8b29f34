"""The broadcast benchmark's storm: citizens chat with `huebot run` while an alert goes out.

``huebot run`` (its own process, Telegram in webhook mode, the delivery worker inside)
sends an alert already issued to its subscribers while ``citizens`` people write to it:
each posts ``/help`` to the webhook, waits for the answer, thinks a while and writes
again, until the alert is out. The fake Bot API (``bench/fake_bot_api.py``) records when
each answer arrived; a reply's latency is from the moment its update was posted to the
arrival of the first answer after it (both on this machine's monotonic clock).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.fake_bot_api import CITIZENS_FROM

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-webhook-secret-0123456789"
WEBHOOK = "/telegram/webhook"
_update_ids = itertools.count(900_000_001)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(config: Path, url: str, folder: Path, token: str) -> tuple[Any, str]:
    """``huebot run`` on a free port; its process and base URL."""
    port = free_port()
    env = {**os.environ, "HUEBOT_CONFIG": str(config), "DATABASE_URL": url,
           "HUEBOT_DATA_DIR": str(folder), "TELEGRAM_BOT_TOKEN": token,
           "TELEGRAM_WEBHOOK_SECRET": SECRET}  # fmt: skip
    log = (folder / "server.log").open("ab")
    command = [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def stop_server(process: Any) -> None:
    """SIGTERM, then wait for a graceful stop."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def ready(session: aiohttp.ClientSession, base: str, process: Any) -> None:
    """Wait until the server answers /healthz."""
    for _ in range(1200):
        if process.poll() is not None:
            raise RuntimeError("huebot run exited early; see server.log")
        try:
            async with session.get(f"{base}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("huebot run did not start")


def update(chat: int, message_id: int) -> dict[str, Any]:
    """A citizen's ``/help`` as Telegram posts it to the webhook."""
    person = {"id": chat, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
    command = [{"type": "bot_command", "offset": 0, "length": 5}]
    message = {"message_id": message_id, "date": int(time.time()), "from": person,
               "chat": {"id": chat, "type": "private", "first_name": "Dân"},
               "text": "/help", "entities": command}  # fmt: skip
    return {"update_id": next(_update_ids), "message": message}


class Chatter:
    """Citizens who write to the bot until ``stop`` is set; when each message left."""

    def __init__(self, base: str, citizens: int, think: tuple[float, float]) -> None:
        self.base, self.citizens, self.think = base, citizens, think
        self.sent: list[tuple[int, float]] = []  # chat, monotonic time posted
        self.failed = 0
        self.stop = asyncio.Event()

    async def run(self, session: aiohttp.ClientSession, replies: Any) -> None:
        """All citizens at once; ``replies(chat)`` says how many answers a chat got."""
        await asyncio.gather(*(self._one(session, CITIZENS_FROM + n, replies)
                               for n in range(self.citizens)))  # fmt: skip

    async def _one(self, session: aiohttp.ClientSession, chat: int, replies: Any) -> None:
        await asyncio.sleep(random.uniform(0, self.think[1]))
        for message_id in itertools.count(1):
            if self.stop.is_set():
                return
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            began = time.monotonic()
            async with session.post(f"{self.base}{WEBHOOK}", json=update(chat, message_id),
                                    headers=headers) as response:  # fmt: skip
                ok = response.status == 200
            if not ok:
                self.failed += 1
                continue
            self.sent.append((chat, began))
            await asyncio.sleep(random.uniform(*self.think))


def latencies(sent: list[tuple[int, float]], replies: dict[str, list[float]]) -> list[float]:
    """Each message's wait for its first answer (messages never answered are left out)."""
    waits = []
    arrivals = {int(chat): sorted(times) for chat, times in replies.items()}
    for chat, began in sent:
        after = [t for t in arrivals.get(chat, []) if t >= began]
        if after:
            waits.append(after[0] - began)
    return waits


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
