"""Broadcast benchmark: HueBot's real delivery path against a strictly limited fake Bot API.

``python -m bench.broadcast_bench --out bench/broadcast.json [--quick]`` runs, each on a
fresh store: a whole-city alert to 10,000 Telegram users at 30/s; the same while 200
citizens chat with the bot (``bench/broadcast_chat.py``: ``huebot run`` answers them
through the same pacer); to 100,000 at 1000/s (paid broadcasts); and to 100,000 at
1000/s with the worker killed (SIGKILL) half-way and restarted. The alert is issued by
``handlers.alert_issue.issue`` (the real fan-out) and sent by ``huebot alert deliver``
(or ``huebot run``), each its own process; the fake server (``bench/fake_bot_api.py``,
its own process) answers 429 to any message that breaks Telegram's limit (N in any
sliding second, 1/s per chat) and counts what it accepted. The rate ratio counts every
accepted message (the alert's and the replies) per second of the alert, over the
configured rate. ``--quick`` uses 600 recipients and 50 citizens at 30/s, 5,000 at 1000/s.
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

import aiohttp
from sqlalchemy import Table, func, insert, select

from bench import broadcast_chat as chat
from bench.broadcast_chat import WEBHOOK
from bot.config import load_settings
from handlers.alerts.issue import draft, issue
from storage import models
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:BENCH-token_for_the_fake_server"
FIRST_CHAT = 1_000_000
SCENARIOS = {  # name: (recipients, quick recipients, rate, kill half-way)
    "free_30_per_s": (10_000, 600, 30, False),
    "paid_1000_per_s": (100_000, 5_000, 1000, False),
    "paid_1000_per_s_killed": (100_000, 5_000, 1000, True),
}
STORMS = {  # name: (recipients, quick, rate, citizens, quick citizens, think seconds)
    "free_30_per_s_citizens_chatting": (10_000, 600, 30, 200, 50, (20.0, 60.0)),
}
QUICK_THINK = (5.0, 15.0)


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


def write_config(folder: Path, base: str, rate: int, webhook: bool = False) -> Path:
    """config.yml with the Bot API on the fake server and the scenario's rate."""
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["channels"]["telegram"] = {"api_base_url": f"{base}/bot"}
    if webhook:
        config["channels"]["telegram"]["webhook_url"] = "https://huebot.example" + WEBHOOK
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
    config = write_config(folder, base, 30)
    return reap(start_worker(config, url, folder))[1]


def run_scenario(
    name: str, recipients: int, rate: int, kill: bool, url: str | None
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
        "tightest_span_seconds": got["tightest_span_seconds"],
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


def run_storm(
    name: str, recipients: int, rate: int, citizens: int, think: tuple[float, float],
    url: str | None,
) -> dict[str, Any]:  # fmt: skip
    """The alert sent by ``huebot run`` while citizens chat with it; the figures."""
    with tempfile.TemporaryDirectory(prefix="huebot-bench-") as tmp:
        folder = Path(tmp)
        store = url or f"sqlite:///{folder / 'bench.db'}"
        fan_out = asyncio.run(seed(store, recipients))
        fake, base = start_fake(rate)
        try:
            config = write_config(folder, base, rate, webhook=True)
            began = time.perf_counter()
            chatter = chat.Chatter(base, citizens, think)
            figures = storm(config, store, folder, base, recipients, chatter)
            sent, failed, got = asyncio.run(figures)
            wall = time.perf_counter() - began
        finally:
            fake.kill()
            fake.wait()
    first, last = got["first_at"] or 0.0, got["last_at"] or 0.0
    during = [(c, t) for c, t in sent if first <= t <= last]
    waits = chat.latencies(during, got["replies"])
    answers = sum(1 for times in got["replies"].values() for t in times if first <= t <= last)
    span = got["span_seconds"] or float("inf")
    achieved = (got["accepted"] - 1 + answers) / span
    return {
        "scenario": name, "recipients": recipients, "configured_rate": rate,
        "citizens": citizens, "achieved_rate": round(achieved, 1),
        "rate_ratio": round(achieved / rate, 4),
        "alert_rate": round((got["accepted"] - 1) / max(got["span_seconds"], 1e-9), 1),
        "received_429": got["rejected_429"], "busiest_window": got["busiest_window"],
        "tightest_span_seconds": got["tightest_span_seconds"],
        "missing": recipients - got["unique"], "duplicated": got["duplicates"],
        "citizen_messages_during_alert": len(during), "answered_during_alert": len(waits),
        "webhook_refused": failed, "reply_p50_ms": round(1000 * chat.percentile(waits, 0.5)),
        "reply_p99_ms": round(1000 * chat.percentile(waits, 0.99)),
        "reply_max_ms": round(1000 * max(waits, default=0.0)),
        "wall_seconds": round(wall, 1), "fan_out_seconds": round(fan_out, 2),
    }  # fmt: skip


async def storm(
    config: Path, store: str, folder: Path, base: str, recipients: int, chatter: chat.Chatter
) -> tuple[list[tuple[int, float]], int, dict[str, Any]]:
    """Run the server and the citizens until the alert is out; what they sent, the stats."""
    process, server = chat.start_server(config, store, folder, TOKEN)
    chatter.base = server
    try:
        async with aiohttp.ClientSession() as session:
            await chat.ready(session, server, process)
            chatting = asyncio.create_task(chatter.run(session, None))
            while stats(base)["accepted"] < recipients:
                if process.poll() is not None:
                    raise RuntimeError(f"huebot run exited; see {folder / 'server.log'}")
                await asyncio.sleep(0.5)
            chatter.stop.set()
            await asyncio.wait_for(chatting, timeout=120)
            await asyncio.sleep(3)  # the last answers
            return chatter.sent, chatter.failed, stats(base)
    finally:
        chat.stop_server(process)


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "broadcast.json")
    parser.add_argument("--quick", action="store_true", help="small counts, for a quick run")
    parser.add_argument("--only", choices=sorted({*SCENARIOS, *STORMS}), action="append")
    parser.add_argument("--database-url", help="a fresh, empty PostgreSQL database to use")
    args = parser.parse_args(argv)
    results = []
    for name in ("free_30_per_s", *STORMS, "paid_1000_per_s", "paid_1000_per_s_killed"):
        if args.only and name not in args.only:
            continue
        if name in STORMS:
            n, n_quick, rate, people, people_quick, think = STORMS[name]
            result = run_storm(
                name, n_quick if args.quick else n, rate, people_quick if args.quick else people,
                QUICK_THINK if args.quick else think, args.database_url,
            )  # fmt: skip
        else:
            full, quick, rate, kill = SCENARIOS[name]
            recipients = quick if args.quick else full
            result = run_scenario(name, recipients, rate, kill, args.database_url)
        print(json.dumps(result), flush=True)
        results.append(result)
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "quick": args.quick,
              "store": "postgresql" if args.database_url else "sqlite",
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "system": platform.platform(),
                          "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
              "results": results}  # fmt: skip
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
