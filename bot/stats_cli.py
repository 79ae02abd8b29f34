"""``huebot stats``: the performance figures as a table, JSON or CSV.

Dates are local days in the city's time zone; ``--until`` includes its whole day.
Definitions: docs/stats.md (and ``storage.stats.DEFINITIONS``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from typing import Any

from bot.config import Runtime
from bot.stats_export import as_csv, scoped
from handlers import City, Names
from handlers.handling.stats_view import DASH, hours, percent
from storage.db import Database
from storage.stats import DEFINITIONS, Figures, Period, Statistics, Stats, StatsQuery

FORMATS = ("table", "json", "csv")
COLUMNS = (
    ("RECEIVED", "received"), ("HANDLED", "handled"), ("REJECTED", "rejected"),
    ("TRANSFERRED", "transferred"), ("OPEN", "open"), ("OVERDUE", "overdue"),
    ("RESOLVED", "resolved"), ("LATE", "late"), ("UNITS", "units_involved"),
)  # fmt: skip


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``stats`` to the command line."""
    stats = commands.add_parser(
        "stats", parents=[common], help="performance figures (docs/stats.md)"
    )
    stats.add_argument("--since", type=local_date, metavar="DATE", help="first local day")
    stats.add_argument("--until", type=local_date, metavar="DATE", help="last local day")
    stats.add_argument("--unit", metavar="CODE", help="only this unit's reports")
    stats.add_argument("--category", metavar="CODE", help="only this category")
    stats.add_argument("--ward", metavar="CODE", help="only this ward (codename, e.g. vy_da)")
    stats.add_argument("--format", choices=FORMATS, default="table")


def local_date(text: str) -> date:
    """A YYYY-MM-DD date for argparse."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-24") from None


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Print the figures; 2 when the unit, the category or the dates make no sense."""
    city = runtime.settings.city
    now = datetime.now(UTC)
    try:
        query = build_query(args, city, now)
    except ValueError as exc:
        print(f"huebot stats: {exc}", file=sys.stderr)
        return 2
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        stats = await collect(database, query, now)
    finally:
        await database.dispose()
    print(render(stats, city, args.format))
    return 0


def build_query(args: argparse.Namespace, city: City, now: datetime) -> StatsQuery:
    """The query the options ask for; ValueError for an unknown code or an empty period."""
    if args.unit is not None and args.unit not in city.units_by_code:
        raise ValueError(f"unknown unit {args.unit!r} (see config.yml)")
    if args.category is not None and args.category not in city.categories_by_code:
        raise ValueError(f"unknown category {args.category!r} (see config.yml)")
    ward = getattr(args, "ward", None)
    if ward is not None and city.ward(ward) is None:
        raise ValueError(f"unknown ward {ward!r} (see config.yml)")
    period = Period.local_days(args.since, args.until, city.zone, now)
    return StatsQuery(period, args.unit, args.category, ward)


async def collect(database: Database, query: StatsQuery, now: datetime) -> Stats:
    """Read the figures in one read-only unit of work."""
    async with database.session() as session:
        return await Statistics(session).figures(query, now)


def render(stats: Stats, city: City, output: str) -> str:
    """The figures in ``output`` format: table, json or csv."""
    if output == "json":
        return json.dumps(as_json(stats, city), ensure_ascii=False, indent=2)
    if output == "csv":
        return as_csv(stats)
    return as_table(stats, city)


def as_json(stats: Stats, city: City) -> dict[str, Any]:
    """Everything, durations in seconds, rates as fractions (null when undefined)."""
    zone = city.zone
    period = stats.query.period
    return {
        "period": {
            "since": period.start.astimezone(zone).isoformat() if period.start else None,
            "until": period.end.astimezone(zone).isoformat(),
            "now": stats.now.astimezone(zone).isoformat(),
            "timezone": city.timezone,
        },
        "filters": {
            "unit": stats.query.unit_code,
            "category": stats.query.category,
            "ward": stats.query.ward,
        },
        "total": stats.total.as_dict(),
        "units": [_named(code, f, _unit_names(city, code)) for code, f in stats.units],
        "categories": [
            _named(code, f, _category_names(city, code)) for code, f in stats.categories
        ],
        "wards": [_named(code, f, _ward_names(city, code)) for code, f in stats.wards],
        "definitions": DEFINITIONS,
    }


def _unit_names(city: City, code: str) -> Names | None:
    unit = city.units_by_code.get(code)
    return unit.name if unit is not None else None


def _category_names(city: City, code: str) -> Names | None:
    category = city.categories_by_code.get(code)
    return category.name if category is not None else None


def _ward_names(city: City, code: str) -> Names | None:
    ward = city.ward(code) if code else None
    return Names(vi=ward.name, en=ward.name) if ward is not None else None


def _named(code: str, figures: Figures, names: Names | None) -> dict[str, Any]:
    known = {"name_vi": names.vi, "name_en": names.en} if names is not None else {}
    return {"code": code, **known, **figures.as_dict()}


def as_table(stats: Stats, city: City) -> str:
    """An aligned table: the total first, then each unit, category and ward."""
    header = ("SCOPE", "CODE", *(title for title, _ in COLUMNS), "P50 H", "P90 H")
    header += ("ON TIME", "SATISFIED", "RATED", "ACK P50 H", "URGENT ACK P50 H")
    rows = [header] + [_table_row(scope, code, f) for scope, code, f in scoped(stats)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [_title(stats, city), ""]
    for row in rows:
        cells = (
            cell.rjust(w) if i > 1 else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        lines.append("  ".join(cells).rstrip())
    if not stats.total.received:
        lines.append("(no reports in this period)")
    return "\n".join(lines)


def _table_row(scope: str, code: str, f: Figures) -> tuple[str, ...]:
    counts = tuple(str(getattr(f, name)) for _, name in COLUMNS)
    durations = (hours(f.resolve_p50_seconds), hours(f.resolve_p90_seconds))
    shares = (percent(f.on_time_share), percent(f.satisfaction_rate), str(f.rated))
    acks = (hours(f.ack_p50_seconds), hours(f.urgent_ack_p50_seconds))
    return (scope, code or DASH, *counts, *durations, *shares, *acks)


def _title(stats: Stats, city: City) -> str:
    zone = city.zone
    period = stats.query.period
    since = period.start.astimezone(zone).strftime("%Y-%m-%d %H:%M") if period.start else "start"
    until = period.end.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    scope = f"unit {stats.query.unit_code or 'all'}, category {stats.query.category or 'all'}"
    scope += f", ward {stats.query.ward or 'all'}"
    now = stats.now.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return f"Reports created {since} to {until} ({city.timezone}); {scope}; as of {now}"
