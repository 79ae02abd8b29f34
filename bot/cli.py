"""``huebot``: run the service, migrate the store, look at reports, train the NLU."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence

from bot import (
    alerts_cli,
    crisis_cli,
    dialog_eval,
    logs,
    open311_cli,
    ops_cli,
    qr_cli,
    reports_cli,
    services_cli,
    staff_cli,
    stats_cli,
)
from bot.app import load_nlu, serve, sync_units
from bot.config import ConfigError, Runtime, config_path, resolve_runtime
from storage.db import Database

log = logging.getLogger("huebot")
MIGRATION_LOGS = ("run", "db")  # the commands that report migrations on stderr


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,  # so a subcommand's absent option keeps the global one
        help="config file (default: $HUEBOT_CONFIG or ./config.yml)",
    )
    parser = argparse.ArgumentParser(
        prog="huebot",
        description="HueBot: citizens' reports, look-ups and alerts for Huế, on messengers.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", parents=[common], help="migrate the store and serve")
    run.add_argument("--host", help="address to listen on (default: server.host)")
    run.add_argument("--port", type=int, help="port to listen on (default: server.port)")
    db = commands.add_parser("db", parents=[common], help="the store")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", parents=[common], help="migrate to the newest schema")
    reports_cli.add_commands(commands, common)
    staff_cli.add_commands(commands, common)
    stats_cli.add_commands(commands, common)
    dialog_eval.add_commands(commands, common)
    services_cli.add_commands(commands, common)
    alerts_cli.add_commands(commands, common)
    ops_cli.add_commands(commands, common)
    crisis_cli.add_commands(commands, common)
    open311_cli.add_commands(commands, common)
    qr_cli.add_command(commands, common)
    commands.add_parser("nlu", help="train, test or try the language model (huebot nlu -h)")
    commands.add_parser(
        "places", help="what HueBot understands of a place: find, at, test (huebot places -h)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``huebot`` command.

    Returns:
        The process exit code: 0 on success, 2 for a configuration problem.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["nlu"]:
        from nlu.cli import main as nlu_main

        return nlu_main(argv[1:])
    if argv[:1] == ["places"]:
        from places.cli import main as places_main

        return places_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        logs.configure(os.environ)
    except ValueError as exc:
        print(f"huebot: {exc}", file=sys.stderr)
        return 2
    if args.command not in MIGRATION_LOGS:
        for name in ("alembic", "storage.db"):  # every command migrates; only these say so
            logging.getLogger(name).setLevel(logging.WARNING)
    try:
        runtime = resolve_runtime(config_path(getattr(args, "config", None)))
    except ConfigError as exc:
        print(f"huebot: invalid configuration\n{exc}", file=sys.stderr)
        return 2
    return asyncio.run(_run_command(args, runtime))


RUNNERS: dict[str, Callable[[argparse.Namespace, Runtime], Awaitable[int]]] = {
    "services": services_cli.run,
    "stats": stats_cli.run,
    "users": staff_cli.run,
    "units": staff_cli.run,
    "alert": alerts_cli.run,
    "ops": ops_cli.run,
    "crisis": crisis_cli.run,
    "open311": open311_cli.run,
    "qr": qr_cli.run,
}


async def _run_command(args: argparse.Namespace, runtime: Runtime) -> int:
    if args.command == "run":
        server = runtime.settings.server
        await serve(runtime, args.host or server.host, args.port or server.port)
        return 0
    if args.command == "db":
        database = Database(runtime.database_url)
        try:
            await database.migrate()
            await sync_units(database, runtime.settings.city)
        finally:
            await database.dispose()
        print("database is up to date; units match config.yml")
        return 0
    if args.command == "dialog-eval":
        return await dialog_eval.run(args, runtime, load_nlu(runtime.settings.nlu))
    runner = RUNNERS.get(args.command, reports_cli.run)
    return await runner(args, runtime)
