"""``huebot services import|list``, and loading the directory named in config.yml at start.

An import is all or nothing: every row is checked first, and a file with any bad
row changes nothing (each problem is printed with its line number). A running bot
reads the directory from the store, so an import takes effect without a restart.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Runtime
from handlers.services.directory import Directory, DirectoryError, read_directory, ward_index
from storage.db import Database
from storage.services import HolidayEntry, ImportCounts, ServiceEntry
from storage.store import Store

log = logging.getLogger(__name__)


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``services import`` and ``services list`` to the command line."""
    services = commands.add_parser("services", parents=[common], help="the services directory")
    actions = services.add_subparsers(dest="services_command", required=True, metavar="ACTION")
    load = actions.add_parser(
        "import", parents=[common], help="load a directory file (CSV or YAML) into the store"
    )
    load.add_argument("file", type=Path, help="the directory file")
    load.add_argument(
        "--replace", action="store_true", help="remove the services the file does not list"
    )
    load.add_argument("--check", action="store_true", help="only check the file")
    listing = actions.add_parser("list", parents=[common], help="the directory as a table")
    listing.add_argument("--type", dest="kind")
    listing.add_argument("--ward")


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Run a ``services`` command; 1 when the file cannot be imported."""
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        return await execute(database, args, runtime)
    finally:
        await database.dispose()


async def execute(database: Database, args: argparse.Namespace, runtime: Runtime) -> int:
    """Run a ``services`` command on an open, migrated store."""
    if args.services_command == "list":
        async with database.unit_of_work() as store:
            print(format_table(await store.services.listing(args.kind, args.ward)))
        return 0
    return await _import(database, runtime, args.file, args.replace, args.check)


async def _import(
    database: Database, runtime: Runtime, path: Path, replace: bool, check: bool
) -> int:
    try:
        directory = read(path, runtime)
    except DirectoryError as exc:
        print(f"{path}: not imported, nothing changed:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if check:
        print(f"{path}: {len(directory.services)} services, all rows valid")
        return 0
    counts = await import_directory(database, runtime, directory, replace)
    sample = " (SAMPLE data)" if directory.sample else ""
    print(
        f"{path}{sample}: {counts.added} added, {counts.updated} updated, "
        f"{counts.removed} removed; {len(directory.services)} services in the file"
    )
    return 0


def read(path: Path, runtime: Runtime) -> Directory:
    """Read and check a directory file against the city's wards (DirectoryError if bad)."""
    wards = {ward.codename: ward.name for ward in runtime.settings.city.wards}
    return read_directory(path, ward_index(wards))


async def import_directory(
    database: Database, runtime: Runtime, directory: Directory, replace: bool
) -> ImportCounts:
    """Write a checked directory and config.yml's holidays in one transaction."""
    async with database.unit_of_work() as store:
        counts = await store.services.load(directory.services, datetime.now(UTC), replace)
        await _set_holidays(store, runtime)
    log.info(
        "services directory: %d added, %d updated, %d removed",
        counts.added,
        counts.updated,
        counts.removed,
    )
    return counts


async def load_at_start(database: Database, runtime: Runtime) -> None:
    """Write the holidays; load config.yml's directory file if the store has no services.

    A bad file is logged (each problem with its line) and the bot starts without it.
    """
    path = runtime.settings.services.directory_path(runtime.config_path)
    async with database.unit_of_work() as store:
        await _set_holidays(store, runtime)
        if path is None or await store.services.count() > 0:
            return
    try:
        directory = read(path, runtime)
    except DirectoryError as exc:
        log.error("services directory %s not loaded:\n%s", path, exc)
        return
    if directory.sample:
        log.warning("services directory %s is SAMPLE data; import the city's own", path)
    await import_directory(database, runtime, directory, replace=False)


async def _set_holidays(store: Store, runtime: Runtime) -> None:
    holidays = runtime.settings.services.holidays
    await store.services.set_holidays(
        HolidayEntry(h.day, h.name.vi, h.name.en, h.hours) for h in holidays
    )


def format_table(services: Sequence[ServiceEntry]) -> str:
    """Services as an aligned text table (code, type, ward, phone, hours, active, name)."""
    header = ("CODE", "TYPE", "WARD", "PHONE", "HOURS", "ACTIVE", "NAME")
    rows = [header] + [
        (
            s.code,
            s.kind,
            s.ward or "-",
            s.phone or "-",
            s.hours or "-",
            "yes" if s.active else "no",
            s.name_vi,
        )
        for s in services
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    if not services:
        lines.append("(no services)")
    return "\n".join(line.rstrip() for line in lines)
