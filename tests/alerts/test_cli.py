"""``huebot alert ...`` as an operator runs it: real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import alerts_cli
from bot.cli import build_parser
from bot.config import load_settings, resolve_runtime
from storage.db import Database
from tests.alerts.support import alert_rows, report_in, subscribe
from tests.conftest import CONFIG
from tests.delivery.processes import ROOT, process_store, write_config
from tests.delivery.support import add_users, delivered
from tests.support.fake_telegram import TOKEN, FakeTelegram

FIXTURES = Path(__file__).parent / "fixtures"


async def huebot(
    url: str, data_dir: Path, *args: str, config: Path = CONFIG
) -> subprocess.CompletedProcess[str]:
    """Run ``huebot`` and wait for it without blocking the event loop."""
    env = {**os.environ, "DATABASE_URL": url, "HUEBOT_DATA_DIR": str(data_dir),
           "HUEBOT_CONFIG": str(config), "TELEGRAM_BOT_TOKEN": TOKEN}  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return subprocess.CompletedProcess(args, process.returncode or 0, out.decode(), err.decode())


async def here(
    capsys: pytest.CaptureFixture[str], url: str, data_dir: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run a ``huebot alert`` command in this process (quicker than a new interpreter)."""
    parsed = build_parser().parse_args(list(args))
    runtime = resolve_runtime(CONFIG, {"DATABASE_URL": url, "HUEBOT_DATA_DIR": str(data_dir)})
    code = await alerts_cli.run(parsed, runtime)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


async def neighbours(url: str) -> None:
    database = Database(url)
    try:
        now = datetime.now(UTC)
        city = load_settings(CONFIG).city
        await database.migrate()
        async with database.unit_of_work() as store:
            await store.units.sync((u.code, u.name.vi, u.name.en, None) for u in city.units)
        people = await add_users(database, "telegram", (11, 12, 13, 14), now)
        await subscribe(database, people[0], "vy_da", now=now)
        await subscribe(database, people[1], "an_cuu", now=now)
        await report_in(database, city, people[2], "thuy_xuan", now)
        await subscribe(database, people[3], "kim_long", now=now)
    finally:
        await database.dispose()


async def rows_of(url: str, alert_id: int) -> dict[str, str]:
    database = Database(url)
    try:
        return await alert_rows(database, alert_id)
    finally:
        await database.dispose()


async def test_send_status_list_and_cancel(
    process_store_kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    async with process_store(process_store_kind, tmp_path) as url:
        await neighbours(url)
        sent = await here(capsys, url, tmp_path, "alert", "send", "--headline", "Mưa lớn",
                            "--body", "Ngập 0,5 m ven sông.", "--area", "vy_da,an_cuu",
                            "--severity", "Severe", "--expires", "6h", "--no-wait")  # fmt: skip
        assert sent.returncode == 0, sent.stderr
        assert "alert #1 queued for 2 people" in sent.stdout
        status = await here(capsys, url, tmp_path, "alert", "status", "1")
        assert "alert #1  [active]  Severe / Met" in status.stdout
        assert "Remaining: 2" in status.stdout
        listed = await here(capsys, url, tmp_path, "alert", "list")
        assert "Mưa lớn" in listed.stdout
        cancelled = await here(capsys, url, tmp_path, "alert", "cancel", "1")
        assert "alert #1 cancelled; 2 deliveries stopped" in cancelled.stdout
        assert set((await rows_of(url, 1)).values()) == {"cancelled"}
        wrong = await here(capsys, url, tmp_path, "alert", "send", "--headline", "x",
                           "--body", "y", "--area", "atlantis", "--severity", "Minor",
                           "--no-wait")  # fmt: skip
        assert wrong.returncode == 1 and "unknown ward(s): atlantis" in wrong.stderr


ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
FIXTURES_LAST = datetime.fromisoformat("2026-11-24T12:00:00+07:00")  # the cancel's <sent>


def cap_file(tmp_path: Path, name: str) -> Path:
    """A fixture with every time moved so the last message (the cancel) was sent an hour ago.

    The fixtures keep their times' order and gaps (sent, update, cancel, expiry), so the
    import sees the same story whatever today's date is.
    """
    shift = datetime.now(UTC) - timedelta(hours=1) - FIXTURES_LAST

    def moved(match: re.Match[str]) -> str:
        return (datetime.fromisoformat(match.group()) + shift).isoformat()

    text = ISO_TIME.sub(moved, (FIXTURES / name).read_text(encoding="utf-8"))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_import_cap_alert_update_and_cancel(
    process_store_kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    async def run(name: str, *extra: str) -> subprocess.CompletedProcess[str]:
        path = str(cap_file(tmp_path, name))
        return await here(capsys, url, tmp_path, "alert", "import", path, *extra)

    async with process_store(process_store_kind, tmp_path) as url:
        await neighbours(url)
        first = await run("cap_flood.xml", "--no-wait")
        assert first.returncode == 0, first.stderr
        assert await rows_of(url, 1) == {"11": "pending", "12": "pending", "13": "pending"}
        again = await run("cap_flood.xml")
        assert again.returncode == 1 and "imported before" in again.stderr
        update = await run("cap_flood_update.xml", "--no-wait")
        assert update.returncode == 0, update.stderr
        assert set((await rows_of(url, 1)).values()) == {"cancelled"}
        assert set(await rows_of(url, 2)) == {"11", "12", "13", "14"}  # Extreme, whole city
        cancel = await run("cap_flood_cancel.xml")
        assert cancel.returncode == 0 and "cancelled 1 alert(s)" in cancel.stdout
        assert set((await rows_of(url, 2)).values()) == {"cancelled"}


async def test_send_follows_delivery_with_a_progress_bar_and_a_report(
    process_store_kind: str, fake_telegram: FakeTelegram, tmp_path: Path
):
    config = write_config(tmp_path / "config.yml", fake_telegram.api_url, {
        "telegram": {"messages_per_second": 30}, "poll_seconds": 0.05,
    })  # fmt: skip
    async with process_store(process_store_kind, tmp_path) as url:
        await neighbours(url)
        send = asyncio.create_task(huebot(
            url, tmp_path, "alert", "send", "--headline", "Bão số 13", "--body", "Ở trong nhà.",
            "--area", "all", "--severity", "Extreme", config=config,
        ))  # fmt: skip
        deliver = await huebot(url, tmp_path, "alert", "deliver", "--until-idle", config=config)
        assert deliver.returncode == 0, deliver.stderr
        result = await send
    assert result.returncode == 0, result.stderr
    assert "[##############################] 100%" in result.stderr
    assert "Alert #1: delivered" in result.stdout and "Telegram: 4 sent" in result.stdout
    assert delivered(fake_telegram) == {11: 1, 12: 1, 13: 1, 14: 1}
