"""The Zalo webhook: check the signature, refuse stale events, store the event, answer at once.

Zalo wants 200 within a couple of seconds, so the route does no work beyond one
idempotent insert into the shared intake (see ``bot/channels/intake.py``; a citizen's
message also opens their reply window in that transaction): 200 once the event is committed
(or was stored before: a replay changes nothing), 503 when it could not be (Zalo then
delivers it again). Refused without touching the store:

* 403 when the channel has no OA secret key (or is not configured): fail closed;
* 413 as soon as the body passes ``MAX_BODY``, chunked or not (nothing more is read);
* 401 when ``X-ZEvent-Signature`` is missing or wrong (``zalo.signature.authentic``),
  or the event is for another app;
* 400 when the body is not a JSON event (or nests too deep), or its signed ``timestamp``
  is older than ``max_event_age`` or further than ``max_clock_skew`` in the future.

The signed string includes the body's own ``timestamp``. It is found in the raw bytes,
so the signature is checked before the body is decoded: an unsigned body costs one
bounded read and a hash, never a JSON parse.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from aiohttp import web

from bot.channels.intake import ChannelIntake, IntakeUnavailable
from bot.channels.zalo.parse import Kind, ZaloInput, parse_event
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.signature import SIGNATURE_HEADER, authentic
from bot.core.body import BadJson, BodyTooLarge, parse_json, read_bounded
from storage.intake import Arrival, Stored
from storage.store import Store

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/webhook"
MAX_BODY = 256 * 1024  # events are small; images come as links
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
    raw = _decode(body)
    if raw is None or str(raw.get("timestamp", "")) != timestamp:
        return web.Response(status=400)
    if str(raw.get("app_id", settings.app_id)) != settings.app_id:
        log.warning("zalo webhook: event for another app refused")
        return web.Response(status=401)
    return await _accept(intake, raw)


def signed_timestamp(header: str | None, body: bytes, settings: ZaloSettings) -> str | None:
    """The ``timestamp`` the signature covers, found in the raw body without decoding it.

    Each ``"timestamp": ...`` value in the body (at most a few) is tried; the decoded
    event must then carry the same value at its top level.

    Returns:
        The signed timestamp, or None when no candidate makes the signature authentic.
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
        await intake.queue.store([arrival(raw, read, min(sent_at, now))])
    except IntakeUnavailable:
        return web.Response(status=503)
    return web.Response(status=200)


def arrival(raw: dict[str, Any], read: ZaloInput, sent_at: datetime) -> Arrival:
    """An event as the intake keeps it: keyed by ``msg_id``, in order of its time."""
    millis = int(sent_at.timestamp() * 1000)
    return Arrival(read.key, read.user_key, millis, raw, kind=read.event)


async def open_windows(store: Store, stored: list[Stored]) -> None:
    """A citizen's new message opens their reply window (in the storing transaction)."""
    for one in stored:
        if one.fresh and parse_event(one.arrival.payload).kind is Kind.MESSAGE:
            at = datetime.fromtimestamp(one.arrival.position / 1000, UTC)
            await store.zalo_windows.touch(one.arrival.chat_key or "", at)


def _decode(body: bytes) -> dict[str, Any] | None:
    try:
        raw = parse_json(body)
    except BadJson:
        return None
    return raw if isinstance(raw, dict) else None
