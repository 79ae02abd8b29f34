"""The ``/messenger/webhook`` edge: the subscription check (GET) and signed events (POST).

Meta verifies the callback URL with a GET carrying ``hub.mode=subscribe``,
``hub.verify_token`` (the token the operator typed in the app dashboard,
MESSENGER_VERIFY_TOKEN) and ``hub.challenge``, which is answered as plain text.

Every event POST is signed: ``X-Hub-Signature-256: sha256=<hex>``, the HMAC-SHA256 of the
raw body keyed with the app secret (MESSENGER_APP_SECRET). Both checks compare in
constant time and fail closed: no secret or token configured means every request is
refused. A refused POST stores nothing. An accepted body is parsed (``parse.parse_body``)
and handed to ``accept`` (the intake), and Meta gets 200 quickly.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from bot.channels.intake import IntakeUnavailable
from bot.channels.messenger.parse import Parsed, parse_body
from bot.core.body import BadJson, BodyTooLarge, parse_json, read_bounded

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/messenger/webhook"
SIGNATURE_HEADER = "X-Hub-Signature-256"
PREFIX = "sha256="
MAX_BODY = 1024 * 1024

Accept = Callable[[Parsed], Awaitable[None]]


def signature(body: bytes, app_secret: str) -> str:
    """The header value Meta sends for ``body``: ``sha256=`` and the HMAC-SHA256 hex."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def authentic(header: str | None, body: bytes, app_secret: str) -> bool:
    """True when ``header`` is Meta's signature of ``body`` (compared in constant time).

    Args:
        header: The ``X-Hub-Signature-256`` value, or None when absent.
        body: The raw request body, exactly as received.
        app_secret: MESSENGER_APP_SECRET; empty means every event is refused.

    Returns:
        Whether the body was signed with our app secret.
    """
    if not header or not app_secret:
        return False
    given = header.strip()
    if given[: len(PREFIX)].lower() != PREFIX:
        return False
    expected = signature(body, app_secret)[len(PREFIX) :]
    return hmac.compare_digest(given[len(PREFIX) :].lower().encode(), expected.encode())


def challenge(query: Mapping[str, str], verify_token: str) -> str | None:
    """The ``hub.challenge`` to echo when the subscription request is ours, else None.

    Args:
        query: The GET request's query parameters.
        verify_token: MESSENGER_VERIFY_TOKEN; empty means every request is refused.

    Returns:
        The challenge text, or None (answer 403).
    """
    given = query.get("hub.verify_token", "")
    answer = query.get("hub.challenge", "")
    if not verify_token or query.get("hub.mode") != "subscribe" or not answer:
        return None
    if not hmac.compare_digest(given.encode(), verify_token.encode()):
        return None
    return answer


def verify_handler(verify_token: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The GET handler: 200 with the challenge as text/plain, or 403."""

    async def verify(request: web.Request) -> web.Response:
        answer = challenge(request.query, verify_token)
        if answer is None:
            log.warning("messenger: subscription check refused")
            return web.Response(status=403, text="forbidden")
        return web.Response(text=answer, content_type="text/plain")

    return verify


def events_handler(
    app_secret: str, accept: Accept
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The POST handler: check the signature on the raw body, parse, hand over, 200.

    A missing or wrong signature gets 403 and nothing is handed over; a signed body
    that is not JSON gets 400. When the intake cannot store the events the answer is
    503 (``accept`` raising anything else, 500), so Meta sends them again later (the
    intake dedupes them by their keys).
    """

    async def receive(request: web.Request) -> web.Response:
        try:
            body = await read_bounded(request, MAX_BODY)
        except BodyTooLarge:
            return web.Response(status=413, text="too large")
        if not authentic(request.headers.get(SIGNATURE_HEADER), body, app_secret):
            log.warning("messenger: webhook signature refused")
            return web.Response(status=403, text="forbidden")
        try:
            parsed = parse_body(parse_json(body))
        except BadJson:
            return web.Response(status=400, text="not json")
        if parsed.unknown:
            log.info("messenger: %d event(s) of unknown shape ignored", parsed.unknown)
        try:
            await accept(parsed)
        except IntakeUnavailable:
            return web.Response(status=503, text="try again")
        return web.Response(text="EVENT_RECEIVED")

    return receive


async def refuse(parsed: Parsed) -> None:
    """The ``accept`` of an unconfigured channel (never reached: no secret, no event)."""
    raise IntakeUnavailable("messenger is not configured")


def add_routes(app: web.Application, verify_token: str, app_secret: str, accept: Accept) -> None:
    """Serve GET and POST ``/messenger/webhook`` on ``app`` (empty secrets refuse all)."""
    app.router.add_get(WEBHOOK_PATH, verify_handler(verify_token))
    app.router.add_post(WEBHOOK_PATH, events_handler(app_secret, accept))
