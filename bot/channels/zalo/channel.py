"""The Zalo channel of a running HueBot: its signed webhook route, its pipeline, its upkeep.

Zalo wants 200 within a couple of seconds, so ``/zalo/webhook`` does one idempotent
insert into the shared intake (``bot/channels/intake.py``; a citizen's message also
opens their reply window in that transaction): 200 once the event is committed (a
replay changes nothing), 503 when it could not be (Zalo delivers it again). Refused
without touching the store: 403 without an OA secret key (fail closed); 413 past
``MAX_BODY``; 401 when ``X-ZEvent-Signature`` is missing or wrong, or the event is for
another app; 400 when the body is not a JSON event, or its signed ``timestamp`` is
older than ``max_event_age`` or further than ``max_clock_skew`` in the future.

The signature, from Zalo's OA webhook documentation (sources: docs/zalo.md): ``mac=``
and the SHA-256 hex (a plain hash, not an HMAC) of the app's id, the body exactly as
received, the body's ``timestamp`` field and the OA's secret key (not the app's
secret). ``mac=<hex>`` and bare ``<hex>`` are accepted, in either case. The timestamp
is found in the raw bytes: an unsigned body costs a bounded read and a hash, no parse.

``start`` returns at once; a background task then seeds the tokens from the environment
(once), prunes old events, starts the workers, and keeps the access token fresh. Each
event takes the kit's pipeline (``bot/channels/pipeline.py``) with Zalo's duties around
it: a pressed button's text back to its payload, images fetched, who follows the OA,
``/sdt`` (or ``/phone``) answered with Zalo's form for sharing a phone number.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from bot.channels.base import Channel
from bot.channels.buttons import resolve_text
from bot.channels.http import Http
from bot.channels.intake import ChannelIntake, IntakeUnavailable
from bot.channels.pipeline import Pipeline
from bot.channels.running import Running
from bot.channels.zalo import TokenUnavailable, ZaloSettings
from bot.channels.zalo.client import Sleep, TokenKeeper, ZaloClient
from bot.channels.zalo.parse import Kind, ZaloInput, decode, incoming, parse_event
from bot.channels.zalo.render import Outgoing, render
from bot.channels.zalo.sender import Prepared, ZaloIO, ZaloSender, open_windows
from bot.core import Outcome, Services, utc_now
from bot.core.body import BodyTooLarge, read_bounded
from handlers import Channel as Messenger
from handlers import IncomingMessage, Reply
from storage.intake import Arrival, Claimed
from storage.store import Store

if TYPE_CHECKING:
    from bot.config import Runtime

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
PREFIX = "mac="
MAX_BODY = 256 * 1024  # events are small; images come as links
INFO_COMMANDS = ("sdt", "phone")
KEEP_FRESH_SECONDS = 300.0
RETRY_START_SECONDS = 5.0
_CANDIDATES: Final = 4  # each costs one SHA-256 of the body
_TIMESTAMP: Final = re.compile(rb'"timestamp"\s*:\s*"?(\d{1,20})"?')


class Intake:
    """What the route needs: the channel's settings, its queue and the clock."""

    def __init__(
        self, settings: ZaloSettings, queue: ChannelIntake, clock: Callable[[], datetime]
    ) -> None:
        self.settings, self.queue, self.clock = settings, queue, clock


INTAKE = web.AppKey("zalo_intake", Intake)


def setup(app: web.Application, intake: Intake | None) -> None:
    """Add the webhook route; without an ``intake`` every event is refused."""
    if intake is not None:
        app[INTAKE] = intake
    app.router.add_post(WEBHOOK_PATH, receive)


async def receive(request: web.Request) -> web.Response:
    """One event from Zalo."""
    intake = request.app.get(INTAKE)
    if intake is None or not intake.settings.oa_secret_key:
        log.warning("zalo webhook: refused, no OA secret key is configured")
        return web.Response(status=403)
    try:
        body = await read_bounded(request, MAX_BODY)
    except BodyTooLarge:
        return web.Response(status=413)
    settings = intake.settings
    timestamp = signed_timestamp(request.headers.get(SIGNATURE_HEADER), body, settings)
    if timestamp is None:
        log.warning("zalo webhook: event without a valid signature refused")
        return web.Response(status=401)
    raw = decode(body)
    if raw is None or str(raw.get("timestamp", "")) != timestamp:
        return web.Response(status=400)
    if str(raw.get("app_id", settings.app_id)) != settings.app_id:
        log.warning("zalo webhook: event for another app refused")
        return web.Response(status=401)
    return await _accept(intake, raw)


def signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The header value Zalo sends for this body: ``mac=`` and the SHA-256 hex."""
    data = app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()
    return PREFIX + hashlib.sha256(data).hexdigest()


def authentic(
    header: str | None, app_id: str, body: bytes, timestamp: str | None, oa_secret_key: str
) -> bool:
    """True when ``header`` is Zalo's signature of ``body`` (compared in constant time).

    Fails closed: no header, app id, timestamp or key (ZALO_OA_SECRET_KEY) means False.
    """
    if not header or not app_id or not timestamp or not oa_secret_key:
        return False
    given = header.strip()
    if given[: len(PREFIX)].lower() == PREFIX:
        given = given[len(PREFIX) :]
    expected = signature(app_id, body, timestamp, oa_secret_key)[len(PREFIX) :]
    return hmac.compare_digest(given.lower().encode(), expected.encode())


def signed_timestamp(header: str | None, body: bytes, settings: ZaloSettings) -> str | None:
    """The ``timestamp`` the signature covers, found in the raw body without decoding it.

    Each ``"timestamp": ...`` value in the body (at most a few) is tried; the decoded
    event must then carry the same value at its top level. None: no candidate fits.
    """
    for match in itertools.islice(_TIMESTAMP.finditer(body), _CANDIDATES):
        candidate = match.group(1).decode("ascii")
        if authentic(header, settings.app_id, body, candidate, settings.oa_secret_key):
            return candidate
    return None


async def _accept(intake: Intake, raw: dict[str, Any]) -> web.Response:
    read = parse_event(raw)
    now, settings = intake.clock(), intake.settings
    sent_at = read.sent_at
    if sent_at is None or not (
        now - settings.max_event_age <= sent_at <= now + settings.max_clock_skew
    ):
        log.warning("zalo webhook: event %s refused: stale or future timestamp", read.key)
        return web.Response(status=400)
    if read.kind is Kind.IGNORED:
        log.debug("zalo webhook: %s event ignored", read.event)
        return web.Response(status=200)
    try:
        millis = int(min(sent_at, now).timestamp() * 1000)  # kept in order of its time
        await intake.queue.store([Arrival(read.key, read.user_key, millis, raw, kind=read.event)])
    except IntakeUnavailable:
        return web.Response(status=503)
    return web.Response(status=200)


class ZaloPipeline(Pipeline[ZaloInput]):
    """One read event: Zalo's duties, then the kit's path."""

    channel = Messenger.ZALO

    def __init__(
        self, services: Services[Runtime], io: ZaloIO, clock: Callable[[], datetime]
    ) -> None:
        super().__init__(services.inbox, services.database, clock)
        self._io = io

    async def message(self, read: ZaloInput) -> IncomingMessage | None:
        """The message, images fetched and button resolved; None: ignored, (un)follow,
        or a request for Zalo's contact form (answered here)."""
        if read.kind is Kind.IGNORED:
            log.debug("zalo event %s (%s) ignored", read.key, read.event)
            return None
        if read.kind in (Kind.FOLLOW, Kind.UNFOLLOW):
            await self.set_reachable(read.user_key, read.kind is Kind.FOLLOW)
            return None
        if read.command in INFO_COMMANDS:
            await self._io.request_info(read.user_key, await self.language(read.user_key))
            return None
        choice = await self._resolve(read)
        return incoming(read, self.clock(), await self._io.fetch(read.images), choice)

    async def prepare(self, store: Store, user_key: str, replies: list[Reply],
                      language: str) -> list[Prepared]:  # fmt: skip
        """Rendered, with button texts, in the update's own transaction."""
        return await self._io.prepare_in(store, user_key, replies, language)

    async def send(self, read: ZaloInput, outcome: Outcome) -> None:
        """The replies, to the citizen who wrote."""
        await self._io.send(read.user_key, outcome.replies, outcome.prepared)

    async def _resolve(self, read: ZaloInput) -> str | None:
        """A pressed button's payload (its text came back as the message); a citizen who
        writes is reachable again, whatever an unfollow said before."""
        async with self.db.unit_of_work() as store:
            await store.users.set_reachable(self.channel, read.user_key, True)
            if not read.text or read.command is not None:
                return None
            payload = await resolve_text(store.buttons, self.channel, read.user_key, read.text)
        if payload is not None:
            log.info("zalo event %s: a button was pressed", read.key)
        return payload


class ZaloChannel(Channel[dict[str, Any], Outgoing]):
    """HueBot on a Zalo Official Account."""

    name = "zalo"

    def __init__(
        self, services: Services[Runtime], settings: ZaloSettings, *,
        clock: Callable[[], datetime] = utc_now, sleep: Sleep = asyncio.sleep,
        workers: int = 4, tick: float = 1.0, keep_fresh: float = KEEP_FRESH_SECONDS,
    ) -> None:  # fmt: skip
        self.settings, self._services, self._clock = settings, services, clock
        self.http = Http()
        self.tokens = TokenKeeper(settings, services.database, self.http, clock, sleep=sleep)
        self.client = ZaloClient(settings, self.http, self.tokens)
        self.running = running = Running(
            services, Messenger.ZALO, clock, workers=workers, tick=tick,
            account=settings.app_id, on_stored=open_windows,
        )  # fmt: skip
        self.queue, self.pacer, self.ready = running.queue, running.pacer, running.ready
        self.io = ZaloIO(
            self.client, services.database, services.media, clock, settings, self.pacer
        )
        self.intake = Intake(settings, self.queue, clock)
        self._pipeline = ZaloPipeline(services, self.io, clock)
        self._keep_fresh = keep_fresh

    def sender(self) -> ZaloSender:
        """The delivery worker's sender for this OA (it shares the channel's tokens)."""
        return ZaloSender(self.io, self._services.database, self.settings, self._clock)

    async def start(self) -> None:
        """Begin serving in the background."""
        self.running.spawn(self._serve())

    async def stop(self) -> None:
        """Let the workers finish the event in hand, then close connections."""
        await self.running.stop()
        await self.http.close()

    async def parse(self, raw: dict[str, Any]) -> list[IncomingMessage]:
        """The message one Zalo event carries, images fetched and a button resolved."""
        message = await self._pipeline.message(parse_event(raw))
        return [] if message is None else [message]

    def render(self, reply: Reply, language: str) -> list[Outgoing]:
        """``reply`` as Zalo customer-service messages (``render.render``)."""
        return render(reply, language)

    async def send(self, user_key: str, replies: list[Reply]) -> None:
        """Send ``replies`` to the follower ``user_key``."""
        await self.io.send(user_key, replies)

    async def _serve(self) -> None:
        running = self.running
        while not running.stopping.is_set():  # the store may not answer yet
            try:
                await self.tokens.bootstrap()
                await running.prune()
                break
            except Exception as exc:
                log.warning("zalo: start-up waits for the store: %s", type(exc).__name__)
                await running.pause(RETRY_START_SECONDS)
        running.start_workers(self._process)
        log.info("zalo: serving app %s", self.settings.app_id)
        self.ready.set()
        while not running.stopping.is_set():  # the access token, fresh even when idle
            try:
                await self.tokens.keep_fresh()
            except TokenUnavailable as exc:
                log.error("zalo: no usable access token: %s", exc)
            except Exception as exc:  # the store is down: next round
                log.warning("zalo: token upkeep: %s", type(exc).__name__)
            await running.pause(self._keep_fresh)

    async def _process(self, batch: list[Claimed]) -> None:
        for event in batch:
            await self._pipeline.handle(parse_event(event.payload))
