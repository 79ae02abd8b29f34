"""``huebot open311 keys add|list|revoke``: API keys of the city systems that file reports."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.config import Runtime
from bot.core.clock import utc_now
from storage.db import Database


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``open311 keys add|list|revoke`` to the command line."""
    open311 = commands.add_parser(
        "open311", parents=[common], help="the Open311 API (docs/ops.md)"
    )
    groups = open311.add_subparsers(dest="open311_command", required=True, metavar="WHAT")
    keys = groups.add_parser("keys", parents=[common], help="API keys for filing requests")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", parents=[common], help="make a key (shown once)")
    add.add_argument("name", help="who uses it, e.g. hue-s-app")
    add.add_argument("--unit", help="a unit's key also reads that unit's reports in full")
    actions.add_parser("list", parents=[common], help="every key (never the key itself)")
    revoke = actions.add_parser("revoke", parents=[common], help="stop a key working")
    revoke.add_argument("key", metavar="NAME_OR_ID")


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Run an ``open311 keys`` command; 1 when there is no such key, 2 for a taken name."""
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        return await _run(args, database)
    finally:
        await database.dispose()


async def _run(args: argparse.Namespace, database: Database) -> int:
    now = utc_now()
    async with database.unit_of_work() as store:
        if args.keys_command == "add":
            taken = {key.name for key in await store.ops.keys()}
            if args.name in taken:
                print(f"huebot: a key named {args.name!r} exists", file=sys.stderr)
                return 2
            unit = getattr(args, "unit", None)
            key_id, key = await store.ops.add_key(args.name, now, unit)
            reads = f", reads unit {unit} in full" if unit else ""
            print(f"{key}\nkey #{key_id} for {args.name}{reads}: shown once, keep it secret")
            return 0
        if args.keys_command == "revoke":
            if not await store.ops.revoke_key(args.key, now):
                print(f"huebot: no live key {args.key!r}", file=sys.stderr)
                return 1
            print(f"key {args.key} revoked")
            return 0
        keys = await store.ops.keys()
    rows = [("ID", "NAME", "UNIT", "CREATED", "LAST USED", "REVOKED")]
    rows += [
        (str(k.id), k.name, k.unit_code or "-", _day(k.created_at), _day(k.last_used_at),
         _day(k.revoked_at))
        for k in keys
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _day(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "-"
