"""``huebot alert send|import|status|cancel|list|deliver``: alerts from a terminal.

``send`` and ``import`` store the alert and its deliveries and then follow them with a
progress bar; the sending itself is the delivery worker's, in ``huebot run`` or in
``huebot alert deliver`` (the worker alone, e.g. on another machine).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import sync_units
from bot.config import Runtime
from bot.core.clock import utc_now
from bot.delivery.follow import describe, follow, not_sendable, snapshot
from bot.delivery.setup import open_worker
from bot.leases import Heartbeat
from bot.media import MediaStore
from handlers import PhotoRef
from handlers.alerts.cap import MAX_CAP_BYTES, parse_cap
from handlers.alerts.issue import CERTAINTIES, URGENCIES, AlertProblem, cancel, draft, issue
from handlers.alerts.render import CATEGORIES, SEVERITIES
from storage.alerts import AlertContent
from storage.db import Database

DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``alert send|import|status|cancel|list|deliver`` to the command line."""
    alert = commands.add_parser("alert", parents=[common], help="send and follow alerts")
    actions = alert.add_subparsers(dest="alert_command", required=True, metavar="ACTION")
    _add_send(actions, common)
    imported = actions.add_parser("import", parents=[common], help="issue a CAP 1.2 XML alert")
    imported.add_argument("file", type=Path)
    imported.add_argument("--no-wait", action="store_true", help="do not follow delivery")
    for name, text in (("status", "an alert and its deliveries"), ("cancel", "stop an alert")):
        actions.add_parser(name, parents=[common], help=text).add_argument("id", type=int)
    actions.add_parser("list", parents=[common], help="the latest alerts")
    deliver = actions.add_parser("deliver", parents=[common], help="run the delivery worker")
    deliver.add_argument("--until-idle", action="store_true", help="stop when nothing waits")


def _add_send(actions: Any, common: argparse.ArgumentParser) -> None:
    send = actions.add_parser("send", parents=[common], help="issue an alert to an area")
    send.add_argument("--headline", required=True)
    send.add_argument("--body", required=True, help="the description")
    send.add_argument("--instruction", help="what people should do")
    send.add_argument("--area", required=True, help="ward codenames, comma-separated, or all")
    send.add_argument("--severity", required=True, choices=SEVERITIES)
    send.add_argument("--category", choices=CATEGORIES, help="default: guessed from the text")
    send.add_argument("--urgency", choices=URGENCIES, default="Immediate")
    send.add_argument("--certainty", choices=CERTAINTIES, default="Observed")
    send.add_argument("--expires", default="24h", help="6h, 90m, 2d or an ISO 8601 time")
    for field in ("headline", "body", "instruction"):
        send.add_argument(f"--{field}-en", help=f"the {field} in English")
    send.add_argument("--link", help="a web page with more")
    send.add_argument("--photo", type=Path, help="a JPEG, PNG or WebP shown with the alert")
    send.add_argument("--replaces", type=int, metavar="ID", help="the alert this one updates")
    send.add_argument("--sender", help="who issues it (default: the city)")
    send.add_argument("--no-wait", action="store_true", help="do not follow delivery")


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Run an ``alert`` command; 1 when it cannot be done (the reason on stderr)."""
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        await sync_units(database, runtime.settings.city)
        return await _command(args, runtime, database)
    except (ValueError, LookupError, OSError) as exc:  # AlertProblem is a ValueError
        print(f"huebot alert: {exc}", file=sys.stderr)
        return 1
    finally:
        await database.dispose()


async def _command(args: argparse.Namespace, runtime: Runtime, database: Database) -> int:
    command, city = args.alert_command, runtime.settings.city
    if command == "send":
        return await _issue(args, runtime, database, _content(args, runtime, utc_now()))
    if command == "import":
        return await _import(args, runtime, database)
    if command == "status":
        alert, progress = await snapshot(database, args.id)
        print(describe(alert, progress, city, await not_sendable(database, args.id)))
        return 0
    if command == "cancel":
        async with database.unit_of_work() as store:
            stopped = await cancel(store, args.id, utc_now())
        if stopped is None:
            raise LookupError(f"no alert {args.id}")
        print(f"alert #{args.id} cancelled; {stopped} deliveries stopped")
        return 0
    if command == "list":
        return await _list(database, runtime)
    return await _deliver(args, runtime, database)


def _content(args: argparse.Namespace, runtime: Runtime, now: datetime) -> AlertContent:
    city = runtime.settings.city
    area = [part.strip() for part in args.area.split(",") if part.strip()]
    whole = area == ["all"]
    translation = {"headline": args.headline_en, "description": args.body_en,
                   "instruction": args.instruction_en}  # fmt: skip
    content = draft(
        args.headline, args.body, severity=args.severity, whole_city=whole,
        wards=() if whole else tuple(area), now=now, sender=args.sender or city.name.vi,
        instruction=args.instruction, expires_at=expiry(args.expires, now),
        urgency=args.urgency, certainty=args.certainty, link=args.link,
        references_id=args.replaces, source="cli",
        translations={"en": translation} if args.headline_en else {},
    )  # fmt: skip
    if args.category:
        content = replace(content, category=args.category)
    if args.photo:
        content = replace(content, photo_sha256=_photo(args.photo, runtime))
    return content


def expiry(value: str, now: datetime) -> datetime:
    """``6h``, ``90m``, ``2d`` from now, or an ISO 8601 time (with its offset)."""
    match = DURATION.match(value.strip().lower())
    if match:
        return now + timedelta(**{UNITS[match.group(2)]: float(match.group(1))})
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise AlertProblem(f"--expires {value!r}: use 6h, 90m, 2d or an ISO time") from None
    if moment.tzinfo is None:
        raise AlertProblem("--expires needs a time zone offset, e.g. 2026-11-24T18:00+07:00")
    return moment


def _photo(path: Path, runtime: Runtime) -> str:
    media = MediaStore(runtime.media_dir, runtime.settings.limits.max_photo_bytes)
    kept = media.ingest(path.read_bytes(), path.name)
    if not isinstance(kept, PhotoRef):
        raise AlertProblem(f"{path}: not an acceptable photo ({kept.problem.value})")
    return kept.sha256


async def _issue(
    args: argparse.Namespace, runtime: Runtime, database: Database, content: AlertContent
) -> int:
    async with database.unit_of_work() as store:
        issued = await issue(store, runtime.settings.city, content, utc_now())
    print(f"alert #{issued.alert_id} queued for {issued.recipients} people")
    if issued.shortened:
        fields = ", ".join(issued.shortened)
        print(f"note: shortened to fit one message: {fields} (the text says so)", file=sys.stderr)
    if not args.no_wait and issued.recipients:
        await follow(database, issued.alert_id)
        alert, progress = await snapshot(database, issued.alert_id)
        print(describe(alert, progress, runtime.settings.city))
    return 0


async def _import(args: argparse.Namespace, runtime: Runtime, database: Database) -> int:
    message = parse_cap(read_cap_file(args.file), runtime.settings.city)
    async with database.unit_of_work() as store:
        if await store.alerts.by_identifier(message.identifier) is not None:
            raise AlertProblem(f"CAP alert {message.identifier!r} was imported before")
        referenced = [await store.alerts.by_identifier(ref) for ref in message.references]
    known = [alert.id for alert in referenced if alert is not None]
    if message.msg_type == "Cancel":
        async with database.unit_of_work() as store:
            stopped = [await cancel(store, alert_id, utc_now()) for alert_id in known]
        print(
            f"cancelled {len(known)} alert(s); {sum(n or 0 for n in stopped)} deliveries stopped"
        )
        return 0 if known else 1
    assert message.content is not None
    content = replace(message.content, references_id=known[0] if known else None)
    return await _issue(args, runtime, database, content)


def read_cap_file(path: Path) -> bytes:
    """The file's bytes, refused before it is read whole when over ``MAX_CAP_BYTES``.

    Raises:
        AlertProblem: The file is too large.
    """
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(MAX_CAP_BYTES + 1)  # a pipe has no size: stop one byte over
    if max(size, len(data)) > MAX_CAP_BYTES:
        raise AlertProblem(f"{path.name} is over {MAX_CAP_BYTES // 1024} KB (a CAP file's limit)")
    return data


async def _list(database: Database, runtime: Runtime) -> int:
    async with database.unit_of_work() as store:
        alerts = await store.alerts.latest()
    zone = runtime.settings.city.zone
    for alert in alerts:
        c = alert.content
        when = c.sent_at.astimezone(zone)
        print(f"#{alert.id:<5} {when:%Y-%m-%d %H:%M}  {alert.status:<9} {c.severity:<8} "
              f"{c.category:<6} {alert.recipients:>8}  {c.headline[:60]}")  # fmt: skip
    if not alerts:
        print("(no alerts)")
    return 0


async def _deliver(args: argparse.Namespace, runtime: Runtime, database: Database) -> int:
    from bot.channels.telegram import telegram_settings

    media = MediaStore(runtime.media_dir, runtime.settings.limits.max_photo_bytes)
    worker = open_worker(runtime, database, media, telegram_settings(runtime, os.environ))
    if worker is None or not worker.pumps:
        raise AlertProblem("nothing to deliver to: set TELEGRAM_BOT_TOKEN (delivery.enabled)")
    channels = [pump.channel for pump in worker.pumps]
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    heartbeat = Heartbeat(database, utc_now)
    await heartbeat.start()  # takes back what a killed process held, before claiming
    await worker.start()
    try:
        while not stop.is_set():
            await asyncio.wait([asyncio.ensure_future(stop.wait())], timeout=1.0)
            if args.until_idle and not worker.busy:
                async with database.unit_of_work() as store:
                    if await store.delivery.waiting(channels) == 0:
                        break
    finally:
        await worker.stop()
        await heartbeat.stop()
    return 0
