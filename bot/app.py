"""The composition root: store, media, NLU, inbox and web routes wired in one place."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from bot.config import NluConfig, Runtime
from bot.inbound import Inbox, utc_now
from bot.media import MediaStore
from bot.web import health, webchat
from handlers import Limits, Parser
from handlers.city import City
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a running HueBot holds."""

    runtime: Runtime
    database: Database
    media: MediaStore
    inbox: Inbox


def load_nlu(config: NluConfig) -> Parser:
    """The configured language understanding (trains the embedded model if needed)."""
    import nlu

    return nlu.load_parser(
        backend=config.backend,
        model_dir=config.model_dir,
        rasa_url=config.rasa_url,
        rasa_timeout=config.timeout_seconds,
    )


async def sync_units(database: Database, city: City) -> None:
    """Mirror config.yml's units into the store, which reports reference."""
    async with database.unit_of_work() as store:
        await store.units.sync((u.code, u.name.vi, u.name.en, u.contact.phone) for u in city.units)


async def open_services(
    runtime: Runtime,
    *,
    parser: Parser | None = None,
    clock: Callable[[], datetime] = utc_now,
    migrate: bool = True,
    schema: str | None = None,
) -> Services:
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
    if migrate:
        await database.migrate()
    await sync_units(database, settings.city)
    nlu_parser = parser if parser is not None else await asyncio.to_thread(load_nlu, settings.nlu)
    media = MediaStore(runtime.media_dir, settings.limits.max_photo_bytes)
    limits = Limits(
        max_text_chars=settings.limits.max_text_chars,
        max_photos_per_report=settings.limits.max_photos_per_report,
        confident=settings.nlu.confident,
        margin=settings.nlu.margin,
    )
    inbox = Inbox(database, settings.city, nlu_parser, limits, clock)
    return Services(runtime, database, media, inbox)


def build_app(services: Services) -> web.Application:
    """The aiohttp application serving every route."""
    settings = services.runtime.settings
    app = web.Application(client_max_size=settings.limits.max_request_bytes)
    health.setup(app, services.database)
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
        )
    return app


async def serve(runtime: Runtime, host: str, port: int) -> None:
    """Run HueBot until SIGINT or SIGTERM."""
    services = await open_services(runtime)
    runner = web.AppRunner(build_app(services), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("HueBot listening on http://%s:%s", host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("HueBot stopping")
        await runner.cleanup()
        await services.database.dispose()
