"""The composition root: store, media, NLU, inbox and web routes wired in one place."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot import logs, services_cli
from bot.channels.base import Channel
from bot.channels.messenger import webhook as messenger_web
from bot.channels.telegram import channel as telegram_web
from bot.channels.webchat import routes as webchat
from bot.channels.webchat.identity import load_identity
from bot.channels.zalo import channel as zalo_web
from bot.config import NluConfig, Runtime
from bot.core import Clock, Services, utc_now
from bot.gazetteer import LivePlaces
from bot.inbound import Inbox
from bot.leases import Heartbeat
from bot.media import MediaStore
from bot.scheduler import Scheduler
from bot.web import health, ops
from bot.web.ops import metrics as ops_metrics
from handlers import City, Limits, Parser
from storage.db import Database

if TYPE_CHECKING:
    from bot.channels.messenger.live import LiveMessenger
    from bot.channels.telegram.channel import TelegramChannel
    from bot.channels.zalo.channel import ZaloChannel
    from bot.delivery.worker import DeliveryWorker

__all__ = ["Services", "build_app", "open_scheduler", "open_services", "serve"]

log = logging.getLogger(__name__)


def open_scheduler(services: Services[Runtime]) -> Scheduler:
    """The deadline scheduler for this store (see handlers/handling/deadlines.py)."""
    officials = services.runtime.settings.officials
    return Scheduler(
        services.database,
        services.runtime.settings.city,
        services.nlu,
        services.clock,
        officials.digest_hour,
        officials.scheduler_interval_seconds,
    )


def load_nlu(config: NluConfig) -> Parser:
    """The configured language understanding, ready to answer at once.

    The embedded model (also the Rasa backend's fallback) is loaded now, and trained
    first when missing or stale, with a line on stderr saying so: no citizen's message
    ever waits for a training.
    """
    import nlu

    parser = nlu.load_parser(
        backend=config.backend,
        model_dir=config.model_dir,
        rasa_url=config.rasa_url,
        rasa_timeout=config.timeout_seconds,
    )
    nlu.prepare(config.model_dir, _announce)
    return parser


async def close_nlu(parser: Parser) -> None:
    """Release what the parser holds open (the Rasa backend's HTTP connection)."""
    close = getattr(parser, "close", None)
    if close is not None:
        await close()


def _announce(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def sync_units(database: Database, city: City) -> None:
    """Mirror config.yml's units into the store, which reports reference."""
    async with database.unit_of_work() as store:
        await store.units.sync((u.code, u.name.vi, u.name.en, u.contact.phone) for u in city.units)


async def open_services(
    runtime: Runtime,
    *,
    parser: Parser | None = None,
    clock: Clock = utc_now,
    migrate: bool = True,
    schema: str | None = None,
) -> Services[Runtime]:
    """Open the store (migrating it first), load the NLU, and build the inbox.

    Args:
        runtime: Settings resolved against the environment.
        parser: An NLU to use instead of the configured one.
        clock: Where "now" comes from.
        migrate: Bring the schema up to date first.
        schema: PostgreSQL schema (tests run side by side in their own).

    Returns:
        The services, ready to serve.
    """
    settings = runtime.settings
    database = Database(runtime.database_url, schema=schema)
    async with database.start_up_lock():  # processes started together go one by one
        if migrate:
            await database.migrate()
        await sync_units(database, settings.city)
        await services_cli.load_at_start(database, runtime)
    nlu_parser = parser if parser is not None else await asyncio.to_thread(load_nlu, settings.nlu)
    nlu_parser = ops_metrics.TimedParser(nlu_parser)  # NLU latency for /metrics
    media = MediaStore(runtime.media_dir, settings.limits.max_photo_bytes)
    limits = Limits(
        max_text_chars=settings.limits.max_text_chars,
        max_photos_per_report=settings.limits.max_photos_per_report,
        confident=settings.nlu.confident,
        margin=settings.nlu.margin,
    )
    places = LivePlaces(runtime.places_paths, settings.places.reload_check_seconds)
    inbox: Inbox = ops_metrics.CountingInbox(
        database, settings.city, nlu_parser, limits, clock, places=places
    )
    return Services(runtime, database, media, inbox, nlu_parser, clock, places)


def build_app(
    services: Services[Runtime],
    telegram: TelegramChannel | None = None,
    zalo: ZaloChannel | None = None,
    messenger: LiveMessenger | None = None,
) -> web.Application:
    """The aiohttp application serving every route (the Telegram webhook if configured).

    The Zalo and Messenger webhook routes are always there: without a configured
    channel they refuse every event (fail closed).
    """
    settings = services.runtime.settings
    app = web.Application(client_max_size=settings.limits.max_request_bytes)
    health.setup(app, services.database, services.clock)
    if settings.channels.webchat.enabled:
        webchat.setup(
            app,
            services.inbox,
            services.media,
            {
                "cookie_secure": settings.channels.webchat.cookie_secure,
                "cookie_max_age": settings.channels.webchat.cookie_max_age_days * 86400,
                "max_request_bytes": settings.limits.max_request_bytes,
            },
            load_identity(services.runtime.data_dir),
        )
    if telegram is not None and telegram.settings.webhook:
        telegram_web.setup(app, telegram.queue, telegram.settings.webhook_secret)
    zalo_web.setup(app, zalo.intake if zalo is not None else None)
    _messenger_routes(app, messenger)
    for name, channel in (("telegram", telegram), ("zalo", zalo), ("messenger", messenger)):
        if channel is not None:
            health.expect(app, name, channel.ready.is_set)  # /readyz waits for it
    if settings.ops.enabled:
        ops.setup(app, services)
    return app


def _messenger_routes(app: web.Application, messenger: LiveMessenger | None) -> None:
    """``/messenger/webhook``, and the channel's state in /healthz when it is configured."""
    if messenger is None:
        messenger_web.add_routes(app, "", "", messenger_web.refuse)
        health.platform(app, "messenger", _not_configured)
        return
    settings = messenger.settings
    messenger_web.add_routes(app, settings.verify_token, settings.app_secret, messenger.accept)
    health.platform(app, "messenger", messenger.reach.check)


async def _not_configured() -> dict[str, Any]:
    return {"configured": False}


def open_telegram(services: Services[Runtime]) -> TelegramChannel | None:
    """The Telegram channel when TELEGRAM_BOT_TOKEN is set (see docs/telegram.md)."""
    from bot.channels.telegram import telegram_settings
    from bot.channels.telegram.channel import TelegramChannel

    settings = telegram_settings(services.runtime, os.environ)
    return TelegramChannel(services, settings) if settings else None


def open_zalo(services: Services[Runtime]) -> ZaloChannel | None:
    """The Zalo channel when ZALO_APP_ID is set (see docs/zalo.md)."""
    from bot.channels.zalo import zalo_settings
    from bot.channels.zalo.channel import ZaloChannel

    settings = zalo_settings(services.runtime, os.environ)
    return ZaloChannel(services, settings) if settings else None


def open_messenger(services: Services[Runtime]) -> LiveMessenger | None:
    """The Messenger channel when MESSENGER_PAGE_TOKEN is set (see docs/messenger.md)."""
    from bot.channels.messenger.client import messenger_settings
    from bot.channels.messenger.live import LiveMessenger

    settings = messenger_settings(services.runtime, os.environ)
    return LiveMessenger(services, settings, clock=services.clock) if settings else None


def open_delivery(
    services: Services[Runtime],
    telegram: TelegramChannel | None,
    zalo: ZaloChannel | None = None,
    messenger: LiveMessenger | None = None,
) -> DeliveryWorker | None:
    """The outbox's delivery worker (docs/alerts.md), pushing to the configured channels.

    Each running channel lends its sender and its pacer: chat replies and outbox rows go
    through one client and one pacer per messenger.
    """
    from bot.delivery.senders import Poster, Sender
    from bot.delivery.setup import open_worker

    if not services.runtime.settings.delivery.enabled:
        return None
    senders: list[Sender] = []
    posters: dict[str, Poster] = {}
    pacers = {}
    for channel in (telegram, zalo, messenger):
        if channel is not None:
            sender = channel.sender()
            senders.append(sender)
            posters[sender.channel] = sender
            pacers[sender.channel] = channel.pacer
    return open_worker(
        services.runtime, services.database, services.media, None, services.clock,
        extra_senders=senders, extra_posters=posters, pacers=pacers,
    )  # fmt: skip


async def serve(runtime: Runtime, host: str, port: int) -> None:
    """Run HueBot until SIGINT or SIGTERM."""
    services = await open_services(runtime)
    heartbeat = Heartbeat(services.database, services.clock)
    await heartbeat.start()  # takes back what a killed process held, before claiming
    telegram = open_telegram(services)
    zalo = open_zalo(services)
    messenger = open_messenger(services)
    access = logging.getLogger(logs.ACCESS) if logs.access_log_wanted(os.environ) else None
    app = build_app(services, telegram, zalo, messenger)
    runner = web.AppRunner(app, access_log=access, access_log_class=logs.AccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    stop = asyncio.Event()  # from the moment the server answers, a signal stops it cleanly
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await site.start()
    ops_metrics.name_process()
    log.info("HueBot listening on http://%s:%s", host, port)
    scheduler = open_scheduler(services)
    scheduler.start()
    channels: list[Channel[Any, Any]] = [c for c in (telegram, zalo) if c is not None]
    for channel in channels:
        await channel.start()
    if messenger is not None:
        await messenger.start()
    delivery = open_delivery(services, telegram, zalo, messenger)
    if delivery is not None:
        await delivery.start()
    # What start-up built (config, model, routes) lives as long as the process: out of
    # the collector's sight, a full collection walks only what serving creates.
    gc.freeze()
    try:
        await stop.wait()
    finally:
        log.info("HueBot stopping")
        await scheduler.stop()
        if delivery is not None:
            await delivery.stop()
        for channel in channels:
            await channel.stop()
        if messenger is not None:
            await messenger.stop()
        await heartbeat.stop()
        await runner.cleanup()
        await close_nlu(services.nlu)
        await services.database.dispose()
