"""``huebot reports list|show``: the operators' view of reports in a terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from bot.app import sync_units
from bot.config import Runtime
from bot.core.clock import utc_now
from bot.media import MediaStore
from handlers import City
from storage.db import Database
from storage.records import ReportFilter, ReportRecord
from storage.store import Store


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``reports list`` and ``reports show`` to the command line."""
    reports = commands.add_parser("reports", parents=[common], help="look at reports")
    actions = reports.add_subparsers(dest="reports_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", parents=[common], help="the latest reports as a table")
    listing.add_argument("--status")
    listing.add_argument("--category")
    listing.add_argument("--unit")
    listing.add_argument("--ward")
    listing.add_argument("--limit", type=int, default=50)
    show = actions.add_parser("show", parents=[common], help="one report with its history")
    show.add_argument("code", help="ticket code, e.g. PA-10001")
    approve = actions.add_parser(
        "approve", parents=[common], help="show a report's text and photos publicly as written"
    )
    approve.add_argument("code", help="ticket code, e.g. PA-10001")


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Run a ``reports`` command (list, show, approve); 1 when a report is not found."""
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        await sync_units(database, runtime.settings.city)
        async with database.unit_of_work() as store:
            if args.reports_command == "approve":
                return await _approve(store, args.code)
            if args.reports_command == "list":
                wanted = ReportFilter(args.status, args.category, args.unit, args.ward, args.limit)
                print(format_table(await store.reports.search(wanted), runtime.settings.city))
                return 0
            report = await store.reports.by_code(args.code.strip().upper())
    finally:
        await database.dispose()
    if report is None:
        print(f"no report {args.code}", file=sys.stderr)
        return 1
    print(format_report(report, runtime))
    return 0


async def _approve(store: Store, code: str) -> int:
    """Approve a report for public display (Open311, public maps); 1 when not found."""
    wanted = code.strip().upper()
    if not await store.reports.approve(wanted, utc_now()):
        print(f"no report {code}", file=sys.stderr)
        return 1
    print(f"{wanted}: text and photos approved for public display")
    return 0


def format_table(reports: Sequence[ReportRecord], city: City) -> str:
    """Reports as an aligned text table (code, time, category, unit, ward, status)."""
    header = ("CODE", "TIME", "CATEGORY", "UNIT", "WARD", "STATUS")
    rows = [header] + [
        (
            r.code,
            r.created_at.astimezone(city.zone).strftime("%Y-%m-%d %H:%M"),
            r.category,
            r.unit_code,
            r.ward or "-",
            r.status,
        )
        for r in reports
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    if not reports:
        lines.append("(no reports)")
    return "\n".join(line.rstrip() for line in lines)


def format_report(report: ReportRecord, runtime: Runtime) -> str:
    """One report in full: fields, photos (private originals) and the audit trail."""
    city = runtime.settings.city
    zone = city.zone
    place = (
        f"{report.latitude:.6f}, {report.longitude:.6f}" if report.latitude is not None else "-"
    )
    lines = [
        f"{report.code}  [{report.status}]",
        f"category : {report.category} ({city.category(report.category).name.en})",
        f"unit     : {report.unit_code} ({city.unit(report.unit_code).name.vi})",
        f"ward     : {report.ward or '-'}",
        f"location : {place}",
        f"address  : {report.address or '-'}",
        f"channel  : {report.channel}",
        f"created  : {report.created_at.astimezone(zone):%Y-%m-%d %H:%M %Z}",
        f"deadline : {report.deadline_at.astimezone(zone):%Y-%m-%d %H:%M %Z}",
        f"text     : {report.text}",
        f"photos   : {len(report.photos)}",
        f"public   : {report.public_id} ({'approved' if report.approved_at else 'redacted'})",
    ]
    media = MediaStore(runtime.media_dir)
    for photo in report.photos:
        path = media.original_path(photo.sha256) or f"(missing) {photo.sha256}"
        size = f"{photo.width}x{photo.height} {photo.size} B"
        lines.append(f"  - {photo.content_type} {size} {path}")
    lines.append("history  :")
    for event in report.events:
        change = f"{event.old_status or '-'} -> {event.new_status or '-'}"
        note = f"  {event.note}" if event.note else ""
        lines.append(
            f"  {event.at.astimezone(zone):%Y-%m-%d %H:%M}  {event.actor:<10} {change}{note}"
        )
    return "\n".join(lines)
