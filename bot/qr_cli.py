"""``huebot qr``: a PNG QR code that opens a report of a kind, at a place, on Telegram.

The link is ``https://t.me/<bot>?start=<id>``; ``id`` names a row of ``deep_link``
(category, ward, note), because Telegram allows only 64 characters of [A-Za-z0-9_-]
after ``start=``. ``handlers/report/deep_link.py`` opens the dialog from it.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import qrcode
from telegram import Bot

from bot.config import Runtime
from bot.core.clock import utc_now
from storage.db import Database
from storage.telegram import DeepLinkRecord


class QrError(Exception):
    """The QR code cannot be made; the message says why."""


def add_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``huebot qr``."""
    qr = commands.add_parser(
        "qr", parents=[common], help="make a QR code that opens a report (Telegram deep link)"
    )
    qr.add_argument("--category", required=True, help="report category code, e.g. lighting")
    qr.add_argument("--ward", help="ward codename, e.g. vy_da")
    qr.add_argument("--note", help='where exactly, e.g. "Cột đèn 12 Lê Lợi"')
    qr.add_argument("--out", metavar="PNG", help="file to write (default: qr-<id>.png)")
    qr.add_argument("--bot", help="bot username (default: channels.telegram.bot_username, "
                                  "else asked from Telegram with TELEGRAM_BOT_TOKEN)")  # fmt: skip


async def run(args: argparse.Namespace, runtime: Runtime) -> int:
    """Create the link and write its QR code; print the link and the file."""
    try:
        url, path = await make_qr(
            runtime, args.category, args.ward, args.note, args.bot,
            Path(args.out) if args.out else None,
        )  # fmt: skip
    except QrError as exc:
        print(f"huebot qr: {exc}")
        return 2
    print(f"{url}\n{path}")
    return 0


async def make_qr(
    runtime: Runtime,
    category: str,
    ward: str | None,
    note: str | None,
    bot: str | None,
    out: Path | None,
    database: Database | None = None,
) -> tuple[str, Path]:
    """Store a deep link and write its QR code (in ``database``, or the configured store).

    Returns:
        The t.me link and the PNG written.

    Raises:
        QrError: Unknown category or ward, or no way to know the bot's username.
    """
    city = runtime.settings.city
    if category not in city.categories_by_code:
        raise QrError(
            f"unknown category {category!r}; one of {', '.join(city.categories_by_code)}"
        )
    if ward and city.ward(ward) is None:
        raise QrError(f"unknown ward {ward!r} (use its codename, e.g. vy_da)")
    username = bot or runtime.settings.channels.telegram.bot_username or await _ask(runtime)
    note = (note or "").strip() or None
    if database is not None:
        link = await _create(database, category, ward, note)
    else:
        link = await _store(runtime, category, ward, note)
    url = deep_link_url(username, link.id)
    path = out or Path(f"qr-{link.id}.png")
    await asyncio.to_thread(write_png, url, path)
    return url, path


def deep_link_url(username: str, link_id: str) -> str:
    """The link a phone camera opens in Telegram."""
    return f"https://t.me/{username.lstrip('@')}?start={link_id}"


def write_png(url: str, path: Path) -> None:
    """Write ``url`` as a QR code (error correction M: survives some dirt on a lamp post)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10)
    code.add_data(url)
    code.make(fit=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    code.make_image().save(str(path))


async def _store(
    runtime: Runtime, category: str, ward: str | None, note: str | None
) -> DeepLinkRecord:
    database = Database(runtime.database_url)
    try:
        await database.migrate()
        return await _create(database, category, ward, note)
    finally:
        await database.dispose()


async def _create(
    database: Database, category: str, ward: str | None, note: str | None
) -> DeepLinkRecord:
    async with database.unit_of_work() as store:
        return await store.deep_links.create(category, ward, note, utc_now())


async def _ask(runtime: Runtime) -> str:
    """The bot's username from getMe."""
    if not runtime.telegram_token:
        raise QrError("give --bot, or set channels.telegram.bot_username or TELEGRAM_BOT_TOKEN")
    config = runtime.settings.channels.telegram
    async with Bot(runtime.telegram_token, config.api_base_url, config.api_file_url) as bot:
        return str(bot.username)
