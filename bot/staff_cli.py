"""``huebot users grant|revoke|list`` and ``huebot units invite``: who acts for the city."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.app import sync_units
from bot.config import Runtime
from bot.core.clock import utc_now
from storage.db import Database
from storage.staff import ROLES

CHANNELS = ("telegram", "zalo", "webchat")
UNIT_ROLES = ("official",)


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``users`` and ``units`` to the command line."""
    users = commands.add_parser("users", parents=[common], help="roles of officials and staff")
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    grant = actions.add_parser("grant", parents=[common], help="give a chat a role")
    revoke = actions.add_parser("revoke", parents=[common], help="make a chat a citizen again")
    for parser in (grant, revoke):
        parser.add_argument("--channel", required=True, choices=CHANNELS)
        parser.add_argument("--id", required=True, help="the chat's id on that channel")
    grant.add_argument("--role", required=True, choices=[r for r in ROLES if r != "citizen"])
    grant.add_argument("--unit", help="unit code (required for officials)")
    actions.add_parser("list", parents=[common], help="everyone who holds a role")
    units = commands.add_parser("units", parents=[common], help="units and their invites")
    unit_actions = units.add_subparsers(dest="units_command", required=True, metavar="ACTION")
    invite = unit_actions.add_parser("invite", parents=[common], help="a one-time /join code")
    invite.add_argument("code", help="unit code, e.g. hepco")
    invite.add_argument("--role", default="official", choices=UNIT_ROLES)


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Run a ``users`` or ``units`` command; 2 for a wrong unit, 1 for an unknown user."""
    city = runtime.settings.city
    unit = getattr(args, "unit", None) if args.command == "users" else args.code
    if unit is not None and unit not in city.units_by_code:
        print(f"huebot: no unit {unit!r} in {runtime.config_path}", file=sys.stderr)
        return 2
    if getattr(args, "role", None) == "official" and unit is None:
        print("huebot: an official needs --unit", file=sys.stderr)
        return 2
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        await sync_units(database, city)
        return await _run(args, database)
    finally:
        await database.dispose()


async def _run(args: argparse.Namespace, database: Database) -> int:
    async with database.unit_of_work() as store:
        if args.command == "units":
            code = await store.staff.create_invite(args.code, args.role, utc_now())
            print(f"{code}\nvalid for 72 hours, once: the official sends  /join {code}")
            return 0
        if args.users_command == "grant":
            user = await store.staff.grant(args.channel, args.id, args.role, args.unit, utc_now())
            print(f"{user.channel}:{user.external_id} is now {user.role} {user.unit_code or ''}")
            return 0
        if args.users_command == "revoke":
            if not await store.staff.revoke(args.channel, args.id):
                print(f"huebot: no user {args.channel}:{args.id}", file=sys.stderr)
                return 1
            print(f"{args.channel}:{args.id} is now a citizen")
            return 0
        members = await store.staff.members()
    rows = [("CHANNEL", "ID", "ROLE", "UNIT", "NAME")]
    rows += [
        (m.channel, m.external_id, m.role, m.unit_code or "-", m.name or "-") for m in members
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0
