"""``python -m bot stats`` as a real process, on SQLite and on a PostgreSQL database of its own."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import make_url

from bot.cli import build_parser
from bot.config import load_settings
from storage.db import Database
from storage.stats import DEFINITIONS
from tests.stats.history import Row, expected, generate, insert_history, local_day

ROOT = Path(__file__).resolve().parents[2]
HUE = ZoneInfo("Asia/Ho_Chi_Minh")
WIRED = "stats" in build_parser().format_help()
pytestmark = pytest.mark.skipif(not WIRED, reason="huebot stats is not in bot/cli.py yet")


def huebot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated store: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'stats.db'}"
        await _migrate(url)
        yield url
        return
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI sets it)")
    name = f"huebot_stats_{uuid.uuid4().hex[:10]}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    try:
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        await _migrate(url)
        yield url
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _migrate(url: str) -> None:
    database = Database(url)
    await database.migrate()
    await database.dispose()


async def _admin(url: str, statement: str) -> None:
    database = Database(url)
    async with database.engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql(statement)
    await database.dispose()


async def test_stats_command_in_every_format(store_url: str, tmp_path: Path):
    city = load_settings(ROOT / "config.yml").city
    history = generate(city, 1000, seed=5, now=datetime.now(UTC))
    database = Database(store_url)
    await insert_history(database, city, history)
    await database.dispose()
    env = {"DATABASE_URL": store_url, "HUEBOT_DATA_DIR": str(tmp_path)}
    since = (datetime.now(HUE) - timedelta(days=45)).date()
    options = ("stats", "--since", since.isoformat(), "--unit", "hepco")

    done = huebot(*options, "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    now = datetime.fromisoformat(output["period"]["now"])

    def keep(row: Row) -> bool:
        return row["unit_code"] == "hepco" and local_day(row) >= since

    want = expected(history, now, keep)["total"]
    got = {key: output["total"][key] for key in DEFINITIONS}
    assert got == {k: pytest.approx(v) if isinstance(v, float) else v for k, v in want.items()}

    done = huebot(*options, "--format", "csv", env=env)
    total = next(csv.DictReader(io.StringIO(done.stdout)))
    assert done.returncode == 0 and total["scope"] == "total"
    assert int(total["received"]) == want["received"] and int(total["late"]) == want["late"]
    assert float(total["resolve_p50_hours"]) == pytest.approx(
        want["resolve_p50_seconds"] / 3600, abs=0.05
    )

    done = huebot(*options, env=env)
    assert done.returncode == 0 and "unit hepco, category all" in done.stdout
    line = next(row for row in done.stdout.splitlines() if row.startswith("total"))
    assert line.split()[2] == str(want["received"])


def test_stats_command_refuses_an_unknown_unit(tmp_path: Path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "HUEBOT_DATA_DIR": str(tmp_path)}
    done = huebot("stats", "--unit", "nobody", env=env)
    assert done.returncode == 2 and "unknown unit 'nobody'" in done.stderr
    assert "Traceback" not in done.stderr
