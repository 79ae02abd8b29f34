"""A seeded report history, its bulk insert, and figures counted the plain way.

``expected`` is deliberately naive: it walks the generated rows in Python, with its
own status sets and the statistics module's percentiles, and shares no code with
storage/stats.py.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from handlers import City
from storage import models
from storage.db import Database

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 10:00 in Huế
HUE = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = 90
OPEN = {"received", "assigned", "in_progress", "need_info", "reopened"}
DONE = {"resolved", "closed"}

Row = dict[str, Any]


def generate(city: City, count: int, seed: int = 2026, now: datetime = NOW) -> list[Row]:
    """``count`` reports created over the ``DAYS`` days before ``now``, in every state."""
    rng = random.Random(seed)
    wards = [w.codename for w in city.wards] + [None]
    rows = []
    for i in range(count):
        category = rng.choice(city.categories)
        ward = rng.choice(wards)
        created = now - timedelta(seconds=rng.randrange(1, DAYS * 86400))
        deadline = created + category.deadline
        row = {
            "code": f"T-{i}",
            "text": "generated",
            "category": category.code,
            "unit_code": city.route(category.code, ward).code,
            "ward": ward,
            "channel": rng.choice(("telegram", "zalo", "webchat")),
            "created_at": created,
            "deadline_at": deadline,
        }
        row |= _outcome(rng, created, deadline, now)
        rows.append(row | _acknowledgement(random.Random(seed * 100_003 + i), row, now))
    return rows


def _acknowledgement(rng: random.Random, row: Row, now: datetime) -> Row:
    """Urgent now and then (disasters), and when a person first took it on, if one did.

    A separate generator per row, so the other fields stay what they were for a seed.
    """
    urgent = row["category"] == "disaster" and rng.random() < 0.5
    taken = row["status"] in {"in_progress", "need_info", "resolved", "closed", "reopened"}
    if not taken:
        return {"urgent": urgent, "acknowledged_at": None}
    until = min(row["resolved_at"] or now, now)
    span = max(int((until - row["created_at"]).total_seconds()), 1)
    moment = row["created_at"] + timedelta(seconds=rng.randrange(1, span + 1))
    return {"urgent": urgent, "acknowledged_at": moment}


def _outcome(rng: random.Random, created: datetime, deadline: datetime, now: datetime) -> Row:
    allowed = deadline - created
    roll = rng.random()
    if roll < 0.08:
        return _fields("rejected")
    if roll < 0.11:
        return _fields("transferred")
    if roll < 0.12 and deadline <= now:
        return _fields("resolved", resolved=deadline)  # exactly at the deadline: on time
    took = timedelta(seconds=int(allowed.total_seconds() * rng.uniform(0.05, 1.7)))
    if roll > 0.75 or created + took > now:
        return _fields(rng.choice(sorted(OPEN - {"reopened"})))
    satisfied = rng.choice((True, True, True, False, None, None))
    if roll > 0.70:  # resolved once, then reopened by an unhappy citizen
        return _fields("reopened", resolved=created + took, satisfied=False)
    return _fields(
        rng.choice(("resolved", "closed")), resolved=created + took, satisfied=satisfied
    )


def _fields(status: str, resolved: datetime | None = None, satisfied: bool | None = None) -> Row:
    rating = None if satisfied is None else (5 if satisfied else 2)
    return {"status": status, "resolved_at": resolved, "satisfied": satisfied, "rating": rating}


async def insert_history(database: Database, city: City, rows: list[Row]) -> None:
    """Units, one citizen, then every report in one executemany."""
    async with database.unit_of_work() as store:
        await store.units.sync((u.code, u.name.vi, u.name.en, None) for u in city.units)
        user = await store.users.get_or_create("webchat", "history", NOW)
    async with database.engine.begin() as conn:
        await conn.execute(insert(models.Report), [row | {"user_id": user.id} for row in rows])


def local_day(row: Row) -> date:
    """The day in Huế a report was created."""
    return row["created_at"].astimezone(HUE).date()


def expected(rows: Iterable[Row], now: datetime, keep: Callable[[Row], bool]) -> dict[str, Any]:
    """The figures of the kept rows, overall and per unit and per category."""
    kept = [row for row in rows if keep(row)]
    return {
        "total": figures(kept, now),
        "units": _by(kept, "unit_code", now),
        "categories": _by(kept, "category", now),
    }


def _by(rows: list[Row], field: str, now: datetime) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row[field], []).append(row)
    return {key: figures(group, now) for key, group in groups.items()}


def figures(rows: list[Row], now: datetime) -> dict[str, Any]:
    """Every documented figure of ``rows``, counted one by one."""
    open_rows = [r for r in rows if r["status"] in OPEN]
    resolved = [r for r in rows if r["resolved_at"] is not None]
    on_time = [r for r in resolved if r["resolved_at"] <= r["deadline_at"]]
    rated = [r for r in rows if r["satisfied"] is not None]
    satisfied = [r for r in rated if r["satisfied"]]
    durations = [
        int(r["resolved_at"].timestamp()) - int(r["created_at"].timestamp()) for r in resolved
    ]
    return {
        "received": len(rows),
        "handled": sum(r["status"] in DONE for r in rows),
        "rejected": sum(r["status"] == "rejected" for r in rows),
        "transferred": sum(r["status"] == "transferred" for r in rows),
        "open": len(open_rows),
        "overdue": sum(r["deadline_at"] < now for r in open_rows),
        "resolved": len(resolved),
        "on_time": len(on_time),
        "late": len(resolved) - len(on_time),
        "rated": len(rated),
        "satisfied": len(satisfied),
        "units_involved": len({r["unit_code"] for r in rows}),
        "resolve_p50_seconds": statistics.median(durations) if durations else None,
        "resolve_p90_seconds": _p90(durations),
        "urgent": sum(r["urgent"] for r in rows),
        **_acknowledged(rows, urgent=False, prefix="ack"),
        **_acknowledged(rows, urgent=True, prefix="urgent_ack"),
        "on_time_share": len(on_time) / len(resolved) if resolved else None,
        "satisfaction_rate": len(satisfied) / len(rated) if rated else None,
    }


def _p90(durations: list[int]) -> float | None:
    if len(durations) < 2:
        return float(durations[0]) if durations else None
    return statistics.quantiles(durations, n=10, method="inclusive")[8]


def _acknowledged(rows: list[Row], urgent: bool, prefix: str) -> dict[str, float | None]:
    durations = [
        int(r["acknowledged_at"].timestamp()) - int(r["created_at"].timestamp())
        for r in rows
        if r["acknowledged_at"] is not None and r["urgent"] == urgent
    ]
    return {
        f"{prefix}_p50_seconds": statistics.median(durations) if durations else None,
        f"{prefix}_p90_seconds": _p90(durations),
    }
