"""The Telegram webhook: check the secret, store the update, answer at once.

The route does no work beyond one idempotent insert into the shared intake (see
``bot/channels/intake.py``): 200 once the update is committed, 503 when it
could not be (Telegram then delivers it again), 401 without touching anything when
the ``X-Telegram-Bot-Api-Secret-Token`` header is missing or wrong, 413 as soon as the
body passes ``MAX_BODY`` (chunked or not), 400 when it is not JSON or nests too deep.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from bot.channels.intake import ChannelIntake, IntakeUnavailable
from bot.core.body import BadJson, BodyTooLarge, parse_json, read_bounded

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # updates are a few kilobytes; files are fetched separately

QUEUE = web.AppKey("telegram_queue", ChannelIntake)
SECRET = web.AppKey("telegram_secret", bytes)


def setup(app: web.Application, queue: ChannelIntake, secret: str) -> None:
    """Add the webhook route to ``app``.

    Raises:
        ValueError: ``secret`` is empty (the route never runs unauthenticated).
    """
    if not secret:
        raise ValueError("the Telegram webhook needs a secret token")
    app[QUEUE], app[SECRET] = queue, secret.encode()
    app.router.add_post(WEBHOOK_PATH, receive)


async def receive(request: web.Request) -> web.Response:
    """One update from Telegram."""
    if not authentic(request.headers.get(SECRET_HEADER), request.app[SECRET]):
        log.warning("telegram webhook: request without the right secret refused")
        return web.Response(status=401)
    try:
        raw = parse_json(await read_bounded(request, MAX_BODY))
    except BodyTooLarge:
        return web.Response(status=413)
    except BadJson:
        return web.Response(status=400)
    if not isinstance(raw, dict) or type(raw.get("update_id")) is not int:
        return web.Response(status=400)
    try:
        await request.app[QUEUE].store_raw([raw])
    except IntakeUnavailable:
        return web.Response(status=503)
    return web.Response(status=200)


def authentic(header: str | None, secret: bytes) -> bool:
    """The header equals the secret (compared in constant time); False when absent."""
    if not header or not secret:
        return False
    return hmac.compare_digest(header.encode(), secret)
