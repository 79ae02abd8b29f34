"""Hostile benchmark: `huebot run` under malformed, oversized, forged and bomb-laden traffic.

``python -m bench.hostile_bench --out bench/hostile.json [--messages 2000] [--stores ...]``
starts the real server (``python -m bot run``, its own process) on each store, with its
Telegram channel in webhook mode and its Zalo channel pointed at the fake servers of
``tests/support`` (served here, on 127.0.0.1). It then sends ``--messages`` mixed hostile
requests per channel (``bench/hostile_traffic.py``) and reports, as JSON, per store and
channel: HTTP statuses, how many well-formed messages were answered, 5xx, whether the
server crashed, and the server's RSS before, after and at its peak (sampled every 50 ms
and from the kernel's high-water mark). Target: 0 x 5xx, 0 unanswered, 0 crashes and
RSS under 400 MB throughout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from aiohttp import web

from bench import hostile_traffic as traffic
from storage.db import Database
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.fake_zalo import APP_ID, APP_SECRET, OA_SECRET_KEY, FakeZalo

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-webhook-secret-0123456789"
RSS_LIMIT_MB = 400


class Server:
    """``huebot run`` in its own process, and its memory as /proc shows it."""

    def __init__(self, process: subprocess.Popen[bytes], base: str, log: Path) -> None:
        self.process, self.base, self.log = process, base, log
        self.samples: list[int] = []

    def rss_mb(self) -> int:
        """Resident set size now, in MB (0 once the process is gone)."""
        return self._status("VmRSS")

    def peak_mb(self) -> int:
        """The kernel's high-water mark of the resident set, in MB."""
        return self._status("VmHWM")

    def _status(self, field: str) -> int:
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1]) // 1024
        except OSError:
            pass
        return 0

    async def sample(self) -> None:
        """Record the RSS every 50 ms until cancelled."""
        while True:
            self.samples.append(self.rss_mb())
            await asyncio.sleep(0.05)


async def serve_fakes() -> tuple[FakeTelegram, FakeZalo, list[web.AppRunner]]:
    """The fake Bot API and the fake Zalo servers, each on a free port of 127.0.0.1."""
    telegram, zalo, runners = FakeTelegram(TOKEN), FakeZalo(), []
    for fake in (telegram, zalo):
        runner = web.AppRunner(fake.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        fake.base_url = f"http://127.0.0.1:{port}"
        runners.append(runner)
    return telegram, zalo, runners


def write_config(folder: Path, telegram: FakeTelegram, zalo: FakeZalo) -> Path:
    """config.yml with both messengers pointed at the fakes (as docs/*.md describe)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    channels = config.setdefault("channels", {})
    channels["telegram"] = {
        "webhook_url": "https://huebot.example/telegram/webhook",
        "api_base_url": telegram.api_url,
        "api_file_url": telegram.file_url,
        "album_wait_seconds": 0.2,
    }
    channels["zalo"] = {"api_base_url": zalo.base_url, "oauth_base_url": zalo.base_url,
                        "http_media": True}  # fmt: skip
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_server(folder: Path, url: str, config: Path, zalo: FakeZalo) -> Server:
    """``python -m bot run`` on a free port; returns once /healthz answers."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "HUEBOT_DATA_DIR": str(folder / "data"),
           "HUEBOT_CONFIG": str(config), "TELEGRAM_BOT_TOKEN": TOKEN,
           "TELEGRAM_WEBHOOK_SECRET": SECRET, "ZALO_APP_ID": APP_ID,
           "ZALO_APP_SECRET": APP_SECRET, "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
           "ZALO_REFRESH_TOKEN": zalo.refresh_token}  # fmt: skip
    log = folder / "server.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}", log)
    async with aiohttp.ClientSession() as session:
        for _ in range(1200):
            if process.poll() is not None:
                raise RuntimeError(f"huebot run exited: {log.read_text()[-2000:]}")
            try:
                async with session.get(server.base + "/healthz") as response:
                    if response.status == 200:
                        return server
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("huebot run did not start")


@asynccontextmanager
async def store(kind: str, folder: Path, pg_url: str) -> AsyncIterator[str]:
    """An empty, migrated store of ``kind``, dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'hostile.db'}"
        await _migrate(url)
        yield url
        return
    from sqlalchemy.engine import make_url

    name = f"huebot_hostile_{uuid.uuid4().hex[:8]}"
    await _admin(pg_url, f'CREATE DATABASE "{name}"')
    url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        await _migrate(url)
        yield url
    finally:
        await _admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await database.migrate()
    finally:
        await database.dispose()


async def _admin(url: str, sql: str) -> None:
    database = Database(url)
    try:
        async with database.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql(sql)
    finally:
        await database.dispose()


async def run_store(kind: str, messages: int, pg_url: str) -> dict[str, Any]:
    """Every channel's hostile traffic against one fresh server on one store."""
    telegram, zalo, runners = await serve_fakes()
    with tempfile.TemporaryDirectory(prefix="huebot-hostile-") as tmp:
        folder = Path(tmp)
        async with store(kind, folder, pg_url) as url:
            config = write_config(folder, telegram, zalo)
            server = await start_server(folder, url, config, zalo)
            try:
                result = await _drive(server, telegram, zalo, messages)
            finally:
                server.process.terminate()
                server.process.wait(timeout=30)
            result["server_errors_logged"] = server.log.read_text().count("Traceback")
    for runner in runners:
        await runner.cleanup()
    return result


async def _drive(
    server: Server, telegram: FakeTelegram, zalo: FakeZalo, messages: int
) -> dict[str, Any]:
    await asyncio.sleep(2)  # let start-up allocations settle
    before = server.rss_mb()
    sampler = asyncio.create_task(server.sample())
    began = time.perf_counter()
    channels = {}
    timeout = aiohttp.ClientTimeout(total=120)
    jar = aiohttp.DummyCookieJar()  # each request names its chat cookie itself
    async with aiohttp.ClientSession(timeout=timeout, cookie_jar=jar) as session:
        target = traffic.Target(server.base, session, SECRET, telegram, zalo)
        for name, run in traffic.CHANNELS.items():
            channels[name] = await run(target, messages)
    sampler.cancel()
    crashed = server.process.poll() is not None
    peak = max([server.peak_mb(), *server.samples])
    return {
        "channels": channels,
        "seconds": round(time.perf_counter() - began, 1),
        "crashed": crashed,
        "rss_mb": {"before": before, "after": server.rss_mb(), "peak": peak},
        "rss_under_limit_throughout": peak < RSS_LIMIT_MB,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "hostile.json")
    parser.add_argument("--messages", type=int, default=2000, help="per channel")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))  # fmt: skip
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "what": "mixed hostile requests per channel against `huebot run` (see docstring)",
        "messages_per_channel": args.messages,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "stores": {},
    }
    for kind in args.stores.split(","):
        report["stores"][kind] = asyncio.run(run_store(kind, args.messages, args.pg_url))
    report["verdict"] = traffic.verdict(report["stores"], RSS_LIMIT_MB)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report["verdict"], indent=2))
    return 0 if report["verdict"]["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
