"""Running ``huebot alert deliver`` as a real process against a test store and fake server.

A PostgreSQL store for a subprocess is a database of its own (the process cannot be
handed a schema), created here and dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from storage.db import Database
from tests.support.fake_telegram import TOKEN

ROOT = Path(__file__).resolve().parents[2]


def write_config(path: Path, api_url: str, delivery: dict[str, Any]) -> Path:
    """config.yml with the Telegram API at ``api_url`` and these delivery settings."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config.setdefault("channels", {})["telegram"] = {"api_base_url": api_url}
    config["delivery"] = delivery
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@asynccontextmanager
async def process_store(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated, empty store a subprocess can open by URL alone."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.db'}"
        await _migrate(url)
        yield url
        return
    base = os.environ["TEST_DATABASE_URL"]
    name = f"huebot_proc_{uuid.uuid4().hex[:10]}"
    await _admin(base, f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        await _migrate(url)
        yield url
    finally:
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrate(url: str) -> None:
    database = Database(url)
    await database.migrate()
    await database.dispose()


async def _admin(url: str, sql: str) -> None:
    admin = Database(url)
    async with admin.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql(sql)
    await admin.dispose()


def start_delivery(config: Path, url: str, data_dir: Path, *extra: str) -> subprocess.Popen[bytes]:
    """``huebot alert deliver`` in its own process."""
    env = {
        **os.environ, "HUEBOT_CONFIG": str(config), "DATABASE_URL": url,
        "HUEBOT_DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": TOKEN,
    }  # fmt: skip
    command = [sys.executable, "-m", "bot", "alert", "deliver", *extra]
    log = (data_dir / "delivery.log").open("ab")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


async def wait_exit(process: subprocess.Popen[bytes], timeout: float = 120.0) -> int:
    """The exit code, waiting without blocking the event loop (bounded)."""
    for _ in range(int(timeout / 0.05)):
        code = process.poll()
        if code is not None:
            return code
        await asyncio.sleep(0.05)
    process.kill()
    raise AssertionError("the delivery process did not finish")


async def wait_while_running(
    condition: Callable[[], bool], process: subprocess.Popen[bytes], data_dir: Path,
    timeout: float = 90.0,
) -> None:  # fmt: skip
    """Wait (bounded) for ``condition``; fail at once, with its log, if the process dies."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        if process.poll() is not None:
            log = (data_dir / "delivery.log").read_text(errors="replace")[-3000:]
            raise AssertionError(f"delivery process exited {process.returncode}:\n{log}")
        await asyncio.sleep(0.02)
    raise AssertionError(f"condition not met within {timeout}s")
