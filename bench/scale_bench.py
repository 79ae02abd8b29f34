"""Several-process benchmark: three ``huebot run`` processes on PostgreSQL (and Redis).

``python -m bench.scale_bench --out bench/scale.json [--quick]`` runs, each on a fresh
PostgreSQL database (TEST_DATABASE_URL, or postgresql://postgres@127.0.0.1:5432/test)
that the processes migrate themselves, against the fake Bot API of the tests:

- ``start``: three processes started at the same moment; seconds until all are ready;
- ``reminders``: deadline reminders due for 100 reports; missing and duplicates;
- ``webhook``: updates posted round-robin over the processes (one process first, as the
  baseline of the same run): updates per second, processed more than once, out of order;
- ``kill``: the same with one process killed (SIGKILL) right after the posts: lost.
- ``alert``: an alert to 3,000 people at 30/s through the three processes, against the
  fake in its strict mode (429 above the limit), then again with one process killed
  mid-way: combined rate, 429s, missing, duplicates. It needs the pacer shared in
  Redis (``tests/scale/alert_scenario.py``); without it the figure says "not run", why.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from storage.db import Database
from tests.scale import alert_scenario, scenarios
from tests.scale.cluster import Cluster, write_config
from tests.scale.support import fresh_database, reachable
from tests.support.fake_telegram import FakeTelegram

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
Scenario = Callable[[Cluster, FakeTelegram, Database], Awaitable[dict[str, Any]]]


@asynccontextmanager
async def fake_api() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API on 127.0.0.1, on a port the system hands out."""
    fake = FakeTelegram()
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.base_url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()


async def run(base: str, model: Path, work: Path, processes: int, job: Scenario) -> Any:
    """One scenario on a fresh database with ``processes`` new processes."""
    async with fake_api() as fake, fresh_database(base) as url:
        folder = Path(tempfile.mkdtemp(dir=work))
        (folder / "data").mkdir()
        config = write_config(folder / "config.yml", fake.api_url, model, **scenarios.settings())
        cluster = Cluster(config, url, folder / "data", env=scenarios.redis_env())
        database = Database(url)
        started = time.perf_counter()
        cluster.start(processes)
        try:
            await cluster.ready()
            ready = time.perf_counter() - started
            figures = await job(cluster, fake, database)
            return {"processes": processes, "ready_seconds": round(ready, 1), **figures}
        finally:
            await cluster.stop()
            await database.dispose()


async def bench(base: str, quick: bool) -> dict[str, Any]:
    """Every scenario, in order."""
    import nlu

    work = Path(tempfile.mkdtemp(prefix="huebot-scale-"))
    model = work / "model"
    nlu.prepare(model)
    chats = 60 if quick else 150  # two updates each: many chats, so processing is the bound
    results: dict[str, Any] = {}
    results["start_and_reminders"] = await run(base, model, work, 3, scenarios.reminders)
    results["webhook_1_process"] = await run(
        base, model, work, 1, scenarios.webhook(chats, 2, kill=False)
    )
    results["webhook_3_processes"] = await run(
        base, model, work, 3, scenarios.webhook(chats, 2, kill=False)
    )
    results["webhook_3_processes_one_killed"] = await run(
        base, model, work, 3, scenarios.webhook(chats, 2, kill=True)
    )
    if alert_scenario.available() is None:
        for name, kill in (("alert_3000_at_30_per_s", False), ("alert_3000_one_killed", True)):
            results[name] = await run(base, model, work, 3, alert_scenario.alert(3_000, kill=kill))
    else:
        results["alert_3000_at_30_per_s"] = alert_scenario.not_run()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/scale.json"))
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    base = os.environ.get("TEST_DATABASE_URL", DEFAULT_URL)
    if not reachable("127.0.0.1", 5432):
        raise SystemExit("the scale benchmark needs PostgreSQL on 127.0.0.1:5432")
    started = datetime.now(UTC)
    results = asyncio.run(bench(base, args.quick))
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_1_5_15": list(os.getloadavg())},
        "started": started.isoformat(timespec="seconds"),
        "quick": args.quick,
        "results": results,
    }  # fmt: skip
    args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
