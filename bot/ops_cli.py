"""``huebot ops login-link USER``, ``huebot ops sign-out USER`` (dashboard access) and
``huebot ops failed-updates`` (incoming updates given up on, with their errors).

USER is ``CHANNEL:ID`` (as ``huebot users list`` shows it) or a user's number. The
sign-in goes to the user's own chat through the outbox; ``--print`` shows it here instead
(for the first admin, before any chat works).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.app import sync_units
from bot.config import Runtime
from bot.core.clock import utc_now
from handlers import Context
from handlers.handling import ops_link
from storage.db import Database
from storage.records import UserRecord
from storage.store import Store


class _Nlu:
    async def parse(self, text: str) -> dict[str, Any]:
        return {}


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``ops login-link`` and ``ops sign-out`` to the command line."""
    ops = commands.add_parser("ops", parents=[common], help="the operations dashboard")
    actions = ops.add_subparsers(dest="ops_command", required=True, metavar="ACTION")
    link = actions.add_parser("login-link", parents=[common], help="send a one-time sign-in")
    link.add_argument("user", help="CHANNEL:ID (e.g. telegram:12345) or the user's number")
    link.add_argument("--print", action="store_true", help="print it instead of sending it")
    out = actions.add_parser("sign-out", parents=[common], help="end a user's sessions")
    out.add_argument("user", help="CHANNEL:ID or the user's number")
    failed = actions.add_parser(
        "failed-updates", parents=[common], help="incoming updates given up on, and why"
    )
    failed.add_argument("--limit", type=int, default=50)


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Run an ``ops`` command; 1 for an unknown user, 2 for one without a dashboard role."""
    settings = runtime.settings
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        await sync_units(database, settings.city)
        async with database.unit_of_work() as store:
            if args.ops_command == "failed-updates":
                return await print_failed(store, args.limit)
            return await _run(args, store, runtime)
    finally:
        await database.dispose()


async def _run(args: argparse.Namespace, store: Store, runtime: Runtime) -> int:
    settings = runtime.settings
    ops_link.configure(settings.server.public_url, settings.ops.login_minutes)
    user = await find_user(store, args.user)
    if user is None:
        print(f"huebot: no user {args.user}", file=sys.stderr)
        return 1
    if args.ops_command == "sign-out":
        count = await store.ops.end_sessions_of(user.id, utc_now())
        print(f"{count} session(s) ended")
        return 0
    if not ops_link.may_use_dashboard(user):
        print(f"huebot: {args.user} has no dashboard role ({user.role})", file=sys.stderr)
        return 2
    ctx = Context(store=store, city=runtime.settings.city, nlu=_Nlu(), now=utc_now())
    if args.print:
        print("\n".join(reply.text for reply in await ops_link.sign_in_replies(ctx, user)))
        return 0
    await ops_link.send_sign_in(ctx, user)
    print(f"sign-in sent to {user.channel}:{user.external_id}")
    return 0


async def print_failed(store: Store, limit: int) -> int:
    """List the updates the intake gave up on, every channel (never their content); 0."""
    found = await store.intake.failed(limit)
    rows = [("CHANNEL", "UPDATE", "USER", "TRIES", "FAILED AT", "ERROR")]
    rows += [
        (f.channel, f.update_id, f.user_key or "-", str(f.attempts),
         f"{(f.failed_at or f.received_at):%Y-%m-%d %H:%M:%S}", f.error or "-")
        for f in found[:limit]
    ]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    if not found:
        print("(no failed updates)")
    return 0


async def find_user(store: Store, wanted: str) -> UserRecord | None:
    """A user by ``CHANNEL:ID`` or by number."""
    if wanted.isdigit():
        return await store.users.get(int(wanted))
    channel, _, external_id = wanted.partition(":")
    return await store.users.find(channel, external_id) if external_id else None
