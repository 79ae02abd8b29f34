"""Broadcast benchmark: HueBot's real delivery path against a rate-limited fake Bot API.

``python -m bench.broadcast_bench --out bench/broadcast.json [--quick]`` runs, each on a
fresh store: a whole-city alert to 100,000 Telegram users at 1000/s (paid broadcasts),
to 10,000 at 30/s, and to 100,000 at 1000/s with the worker killed (SIGKILL) half-way
and restarted. The alert is issued by ``handlers.alert_issue.issue`` (the real fan-out)
and sent by ``huebot alert deliver`` (the real worker, in its own process); the fake
server (``bench/fake_bot_api.py``, its own process) answers 429 above the rate and counts
what it accepted. ``--quick`` uses 5,000 / 600 / 5,000 recipients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, insert, select

from bot.config import load_settings
from handlers.alerts.issue import draft, issue
from storage import models
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:BENCH-token_for_the_fake_server"
FIRST_CHAT = 1_000_000
SCENARIOS = {  # name: (recipients, quick recipients, rate, kill half-way)
    "paid_1000_per_s": (100_000, 5_000, 1000.0, False),
    "free_30_per_s": (10_000, 600, 30.0, False),
    "paid_1000_per_s_killed": (100_000, 5_000, 1000.0, True),
}


async def seed(url: str, recipients: int) -> float:
    """Fresh store, ``recipients`` Telegram users, one whole-city alert; returns fan-out s."""
    database = Database(url)
    try:
        await database.migrate()
        now = datetime.now(UTC)
        table = cast(Table, models.User.__table__)
        for start in range(0, recipients, 5000):
            rows = [{"channel": "telegram", "external_id": str(FIRST_CHAT + i), "language": "vi",
                     "role": "citizen", "reachable": True, "created_at": now, "last_seen_at": now}
                    for i in range(start, min(recipients, start + 5000))]  # fmt: skip
            async with database.engine.begin() as conn:
                await conn.execute(insert(table), rows)
        city = load_settings(ROOT / "config.yml").city
        content = draft("Bão số 13 đổ bộ", "Người dân ở trong nhà, tránh xa bờ sông.",
                        severity="Extreme", whole_city=True, wards=(), now=now,
                        sender=city.name.vi)  # fmt: skip
        began = time.perf_counter()
        async with database.unit_of_work() as store:
            issued = await issue(store, city, content, now)
        assert issued.recipients == recipients, issued
        return time.perf_counter() - began
    finally:
        await database.dispose()


def start_fake(rate: float) -> tuple[subprocess.Popen[str], str]:
    """The fake Bot API process and its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.fake_bot_api", "--rate", str(rate)], cwd=ROOT,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    port = json.loads(process.stdout.readline())["port"]
    return process, f"http://127.0.0.1:{port}"


def stats(base: str) -> dict[str, Any]:
    """What the fake server accepted so far."""
    with urllib.request.urlopen(f"{base}/stats", timeout=10) as response:  # loopback only
        result: dict[str, Any] = json.load(response)
        return result


def write_config(folder: Path, base: str, rate: float) -> Path:
    """config.yml with the Bot API on the fake server and the scenario's rate."""
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["channels"]["telegram"] = {"api_base_url": f"{base}/bot"}
    config["delivery"] = {
        "telegram": {"messages_per_second": rate, "paid_broadcast": rate > 30},
        "lease_seconds": 5, "poll_seconds": 0.2,
    }  # fmt: skip
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def start_worker(config: Path, url: str, folder: Path) -> subprocess.Popen[bytes]:
    """``huebot alert deliver --until-idle`` in its own process."""
    env = {**os.environ, "HUEBOT_CONFIG": str(config), "DATABASE_URL": url,
           "HUEBOT_DATA_DIR": str(folder), "TELEGRAM_BOT_TOKEN": TOKEN}  # fmt: skip
    log = (folder / "worker.log").open("ab")
    command = [sys.executable, "-m", "bot", "alert", "deliver", "--until-idle"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def reap(process: subprocess.Popen[bytes]) -> tuple[int, float]:
    """Wait for a worker; its exit status and CPU seconds (user + system)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime


def deliver(
    config: Path, url: str, folder: Path, base: str, kill_at: int | None
) -> dict[str, Any]:
    """Run the worker (killing it once ``kill_at`` messages arrived); CPU and wall time."""
    began, cpu, killed_after, processes = time.perf_counter(), 0.0, None, 1
    claimed_at_kill = None
    worker = start_worker(config, url, folder)
    if kill_at is not None:
        while stats(base)["accepted"] < kill_at:
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        cpu += reap(worker)[1]
        killed_after = stats(base)["accepted"]
        claimed_at_kill = asyncio.run(claimed(url))
        worker, processes = start_worker(config, url, folder), 2
    code, seconds = reap(worker)
    if code != 0:
        raise RuntimeError(f"worker exited {code}; see {folder / 'worker.log'}")
    return {"cpu_seconds": cpu + seconds, "wall_seconds": time.perf_counter() - began,
            "killed_after": killed_after, "processes": processes,
            "claimed_at_kill": claimed_at_kill}  # fmt: skip


async def claimed(url: str) -> int:
    """Rows claimed and not recorded (``sending``): the most that may come twice."""
    database = Database(url)
    try:
        async with database.engine.connect() as conn:
            query = select(func.count()).where(models.Outbox.status == "sending")
            return int((await conn.execute(query)).scalar_one())
    finally:
        await database.dispose()


def startup_cpu(folder: Path, url: str, base: str) -> float:
    """CPU seconds a worker process spends with nothing to send (imports, start, stop)."""
    config = write_config(folder, base, 30.0)
    return reap(start_worker(config, url, folder))[1]


def run_scenario(
    name: str, recipients: int, rate: float, kill: bool, url: str | None
) -> dict[str, Any]:
    """One scenario on a fresh store; the figures."""
    with tempfile.TemporaryDirectory(prefix="huebot-bench-") as tmp:
        folder = Path(tmp)
        store = url or f"sqlite:///{folder / 'bench.db'}"
        fan_out = asyncio.run(seed(store, recipients))
        fake, base = start_fake(rate)
        try:
            config = write_config(folder, base, rate)
            run = deliver(config, store, folder, base, recipients // 2 if kill else None)
            got = stats(base)
            idle = startup_cpu(folder, store, base)
        finally:
            fake.kill()
            fake.wait()
    achieved = (got["accepted"] - 1) / got["span_seconds"] if got["span_seconds"] else 0.0
    return {
        "scenario": name, "recipients": recipients, "configured_rate": rate,
        "achieved_rate": round(achieved, 1), "rate_ratio": round(achieved / rate, 4),
        "received_429": got["rejected_429"], "missing": recipients - got["unique"],
        "duplicated": got["duplicates"], "killed_after": run["killed_after"],
        "claimed_unrecorded_at_kill": run["claimed_at_kill"],
        "cpu_ms_per_message": round(1000 * run["cpu_seconds"] / max(1, got["accepted"]), 3),
        "cpu_ms_per_message_without_startup": round(
            1000 * (run["cpu_seconds"] - idle * run["processes"]) / max(1, got["accepted"]), 3
        ),
        "startup_cpu_seconds": round(idle, 2),
        "worker_cpu_seconds": round(run["cpu_seconds"], 2),
        "wall_seconds": round(run["wall_seconds"], 1), "fan_out_seconds": round(fan_out, 2),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "broadcast.json")
    parser.add_argument("--quick", action="store_true", help="small counts, for a quick run")
    parser.add_argument("--only", choices=sorted(SCENARIOS), action="append")
    parser.add_argument("--database-url", help="a fresh, empty PostgreSQL database to use")
    args = parser.parse_args(argv)
    results = []
    for name, (full, quick, rate, kill) in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        result = run_scenario(name, quick if args.quick else full, rate, kill, args.database_url)
        print(json.dumps(result), flush=True)
        results.append(result)
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
              "store": "postgresql" if args.database_url else "sqlite",
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "system": platform.platform()},
              "results": results}  # fmt: skip
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
