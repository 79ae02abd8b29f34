"""Benchmark: ``python -m bench.services_bench --out bench/services.json``.

Loads 10,000 services into a fresh store (SQLite by default, or ``--database-url``)
and times the real query path of a look-up: ``store.services.nearest`` (a box
prefilter on the indexed latitude/longitude in SQL, exact distances in Python),
and the whole answer (nearest candidates, holidays, opening hours, texts), each
inside an open unit of work as a message handler runs it. Reports wall-clock
p50/p99/max and the process CPU time per look-up (steadier on a busy machine).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import load_settings
from handlers import Context, GeoPoint, Turn
from handlers.services.lookup import Place, by_point
from storage.db import Database
from storage.records import UserRecord
from storage.services import ServiceEntry
from storage.store import Store

ROOT = Path(__file__).resolve().parent.parent
CENTRE = (16.4637, 107.5909)
KINDS = ("hospital", "pharmacy", "police", "fire_station", "shelter", "gas_station", "atm")
HOURS = ("24/7", "Mo-Su 07:00-22:00", "Mo-Fr 07:00-11:30,13:30-17:00; Sa 07:00-11:00; PH off")
NOW = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)


def synthetic(count: int, kinds: tuple[str, ...], seed: int = 1) -> list[ServiceEntry]:
    """Services over Huế city: two thirds packed around the centre, the rest spread wide."""
    rng = random.Random(seed)
    entries = []
    for i in range(count):
        if rng.random() < 2 / 3:
            lat, lon = rng.gauss(CENTRE[0], 0.03), rng.gauss(CENTRE[1], 0.03)
        else:
            lat, lon = rng.uniform(16.0, 16.75), rng.uniform(107.0, 108.0)
        entries.append(
            ServiceEntry(
                code=f"bench_{i}",
                kind=kinds[i % len(kinds)],
                name_vi=f"Dịch vụ {i}",
                name_en=f"Service {i}",
                phone="0234 3822 325",
                hours=HOURS[i % len(HOURS)],
                latitude=lat,
                longitude=lon,
                position=i,
            )
        )
    return entries


def query_points(count: int, seed: int = 2) -> list[tuple[float, float]]:
    """Where people ask from: mostly in town, some anywhere in the city."""
    rng = random.Random(seed)
    return [
        (rng.gauss(CENTRE[0], 0.04), rng.gauss(CENTRE[1], 0.04))
        if rng.random() < 0.8
        else (rng.uniform(16.0, 16.75), rng.uniform(107.0, 108.0))
        for _ in range(count)
    ]


async def timed(
    database: Database, points: list[tuple[float, float]], call: Callable[..., Awaitable[Any]]
) -> dict[str, float]:
    """Milliseconds per call, one call per point, inside one open unit of work."""
    samples, cpu = [], []
    async with database.unit_of_work() as store:
        for point in points[:50]:  # warm-up
            await call(store, point)
        for point in points:
            start, start_cpu = time.perf_counter_ns(), time.process_time_ns()
            await call(store, point)
            samples.append((time.perf_counter_ns() - start) / 1e6)
            cpu.append((time.process_time_ns() - start_cpu) / 1e6)
    samples.sort()
    cpu.sort()
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(samples[int(len(samples) * 0.99) - 1], 3),
        "max_ms": round(samples[-1], 3),
        "mean_ms": round(statistics.fmean(samples), 3),
        "cpu_p50_ms": round(statistics.median(cpu), 3),
        "cpu_p99_ms": round(cpu[int(len(cpu) * 0.99) - 1], 3),
        "queries": len(samples),
    }


async def scenario(database: Database, kinds: tuple[str, ...], args: argparse.Namespace) -> Any:
    """Load ``args.services`` services of ``kinds`` and time the look-ups for a pharmacy."""
    async with database.unit_of_work() as store:
        await store.services.load(synthetic(args.services, kinds), NOW, replace=True)
    points = query_points(args.queries)
    city = load_settings(ROOT / "config.yml").city
    user = UserRecord(0, "webchat", "bench", "vi", "citizen", None, True)

    async def nearest3(store: Store, point: tuple[float, float]) -> Any:
        return await store.services.nearest("pharmacy", point[0], point[1], 3)

    async def answer(store: Store, point: tuple[float, float]) -> Any:
        turn = Turn(Context(store, city, _NoNlu(), NOW), user)
        return await by_point(turn, "pharmacy", Place(point=GeoPoint(*point)), False)

    return {
        "services": args.services,
        "of_the_asked_type": args.services // len(kinds),
        "nearest_3": await timed(database, points, nearest3),
        "full_answer": await timed(database, points, answer),
    }


class _NoNlu:
    async def parse(self, text: str) -> dict[str, Any]:
        return {}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Both scenarios on one store; a temporary one unless a URL is given."""
    schema = None
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        if url.startswith("postgresql"):
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            await _schema(url, f'CREATE SCHEMA "{schema}"')
        database = Database(url, schema=schema)
        try:
            await database.migrate()
            result = {
                "store": url.split(":")[0],
                "all_one_type": await scenario(database, ("pharmacy",), args),
                "mixed_types": await scenario(database, KINDS, args),
            }
        finally:
            await database.dispose()
            if schema:
                await _schema(url, f'DROP SCHEMA "{schema}" CASCADE')
    result["target_p99_ms"] = 5.0
    result["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    return result


async def _schema(url: str, statement: str) -> None:
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(statement)
    await admin.dispose()


def main() -> None:
    """Run the benchmark and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/services.json"))
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--database-url", help="a PostgreSQL or SQLite URL (default: temp SQLite)")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
