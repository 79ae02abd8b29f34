"""Several real ``huebot run`` processes on one PostgreSQL store, behind no balancer.

``Cluster`` writes one config.yml (the fake Bot API's address, a webhook URL, quick
scheduler and delivery), starts N processes on ports the system hands out, waits until
each is ready, posts webhook updates to any of them, and kills or stops them.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from bot.channels.telegram import webhook_secret
from bot.channels.telegram.channel import SECRET_HEADER, WEBHOOK_PATH
from tests.conftest import CONFIG, ROOT
from tests.support.fake_telegram import TOKEN

WEBHOOK_URL = "https://bot.example.test/telegram/webhook"


def free_port() -> int:
    """A port the system has just handed out on 127.0.0.1 (then closed for the process)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(path: Path, api_url: str, model_dir: Path, **sections: Any) -> Path:
    """config.yml with the Telegram API at ``api_url`` in webhook mode, and ``sections``."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config.setdefault("channels", {})["telegram"] = {
        "api_base_url": api_url, "webhook_url": WEBHOOK_URL,
    }  # fmt: skip
    config.setdefault("nlu", {})["model_dir"] = str(model_dir)
    for name, values in sections.items():
        config.setdefault(name, {}).update(values)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Member:
    """One ``huebot run`` process."""

    port: int
    log: Path
    process: subprocess.Popen[bytes]
    killed: bool = False

    @property
    def url(self) -> str:
        """Where it listens."""
        return f"http://127.0.0.1:{self.port}"

    def tail(self) -> str:
        """The end of its log (for failure messages)."""
        return self.log.read_text(errors="replace")[-3000:]


@dataclass
class Cluster:
    """N processes sharing one store and one config."""

    config: Path
    database_url: str
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)

    def start(self, count: int) -> list[Member]:
        """Start ``count`` processes at the same moment (they all migrate at start)."""
        started = [self._spawn(len(self.members) + i) for i in range(count)]
        self.members.extend(started)
        return started

    def _spawn(self, index: int) -> Member:
        port, log = free_port(), self.data_dir / f"huebot-{index}.log"
        env = {
            **os.environ, "HUEBOT_CONFIG": str(self.config), "DATABASE_URL": self.database_url,
            "HUEBOT_DATA_DIR": str(self.data_dir), "TELEGRAM_BOT_TOKEN": TOKEN, **self.env,
        }  # fmt: skip
        command = [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)]
        with log.open("ab") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        return Member(port, log, process)

    async def ready(self, timeout: float = 180.0) -> None:
        """Wait (bounded) until every process not killed answers /readyz with 200."""
        async with aiohttp.ClientSession() as http:
            for member in self.members:
                if not member.killed:
                    await _until_ready(http, member, timeout)

    async def post_update(self, http: aiohttp.ClientSession, member: Member, update: Any) -> int:
        """POST one update to a process's webhook, as Telegram does; the HTTP status."""
        headers = {SECRET_HEADER: webhook_secret(TOKEN, {})}
        async with http.post(member.url + WEBHOOK_PATH, json=update, headers=headers) as resp:
            return resp.status

    def kill(self, member: Member) -> None:
        """``kill -9``: no shutdown at all."""
        member.killed = True
        member.process.send_signal(signal.SIGKILL)
        member.process.wait(timeout=30)

    async def stop(self) -> list[int | None]:
        """SIGTERM to every process still running, then wait (bounded) for them."""
        for member in self.members:
            if member.process.poll() is None:
                member.process.send_signal(signal.SIGTERM)
        codes = []
        for member in self.members:
            try:
                codes.append(await asyncio.to_thread(member.process.wait, 60))
            except subprocess.TimeoutExpired:
                member.process.kill()
                codes.append(None)
        return codes

    def logs(self) -> str:
        """Every process's log tail."""
        return "\n".join(f"--- {m.log.name}\n{m.tail()}" for m in self.members)


async def _until_ready(http: aiohttp.ClientSession, member: Member, timeout: float) -> None:
    for _ in range(int(timeout / 0.2)):
        if member.process.poll() is not None:
            code = member.process.returncode
            raise AssertionError(f"huebot run exited {code}:\n{member.tail()}")
        try:
            async with http.get(member.url + "/readyz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"huebot run on port {member.port} not ready:\n{member.tail()}")
