"""``huebot crisis on|off|status``: switch crisis mode for a ward or the whole city.

In crisis mode citizens of the area are offered SOS, the nearest shelters and the
current alerts first, and are told that units may answer non-urgent reports after
the emergency. ``status`` lists the areas in crisis mode and the urgent reports that
nobody has acknowledged yet.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from bot.app import sync_units
from bot.config import Runtime
from bot.core.clock import utc_now
from handlers import City
from storage.crisis import WHOLE_CITY
from storage.db import Database
from storage.reports import ticket_code
from storage.store import Store

EVERYWHERE = ("all", WHOLE_CITY)


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``crisis on``, ``crisis off`` and ``crisis status`` to the command line."""
    crisis = commands.add_parser("crisis", parents=[common], help="switch crisis mode")
    actions = crisis.add_subparsers(dest="crisis_command", required=True, metavar="ACTION")
    on = actions.add_parser("on", parents=[common], help="crisis mode for a ward or the city")
    on.add_argument("--area", required=True, help="ward codename (e.g. vy_da) or 'all'")
    on.add_argument("--reason", help="what is happening, for the record")
    off = actions.add_parser("off", parents=[common], help="back to normal")
    off.add_argument("--area", default="all", help="ward codename or 'all' (default)")
    actions.add_parser("status", parents=[common], help="areas in crisis, unacknowledged SOS")


def area_of(value: str, city: City) -> str:
    """The stored area for a ward codename or ``all``.

    Raises:
        ValueError: ``value`` names no ward of the city.
    """
    if value.strip().lower() in EVERYWHERE:
        return WHOLE_CITY
    codenames = {ward.codename for ward in city.wards}
    if value not in codenames:
        raise ValueError(
            f"unknown area {value!r}: use 'all' or one of {', '.join(sorted(codenames))}"
        )
    return value


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Run a ``crisis`` command; 2 for an unknown area."""
    city = runtime.settings.city
    try:
        area = area_of(args.area, city) if hasattr(args, "area") else None
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        await sync_units(database, city)
        async with database.unit_of_work() as store:
            return await _act(store, args, area)
    finally:
        await database.dispose()


async def _act(store: Store, args: argparse.Namespace, area: str | None) -> int:
    now = utc_now()
    if args.crisis_command == "on" and area is not None:
        started = await store.crisis.start(
            area, source="operator", actor="cli", now=now, reason=args.reason
        )
        print(f"crisis mode {'on' if started else 'was already on'} for {_name(area)}")
        return 0
    if args.crisis_command == "off":
        ended = await store.crisis.end(None if area == WHOLE_CITY else area, actor="cli", now=now)
        print(f"crisis mode off for {ended} area(s)")
        return 0
    active = await store.crisis.active()
    if not active:
        print("no area is in crisis mode")
    for row in active:
        since = row.started_at.strftime("%Y-%m-%d %H:%M UTC")
        print(
            f"crisis: {_name(row.area)} since {since} ({row.source}) {row.reason or ''}".rstrip()
        )
    waiting = await store.crisis.unacknowledged(now, every=timedelta(0), limit=1000)
    print(f"urgent reports nobody has acknowledged: {len(waiting)}")
    for item in waiting:
        minutes = int((now - item.created_at).total_seconds() // 60)
        print(f"  {ticket_code(item.report_id)} to {item.unit_code}, waiting {minutes} min")
    return 0


def _name(area: str) -> str:
    return "the whole city" if area == WHOLE_CITY else area
