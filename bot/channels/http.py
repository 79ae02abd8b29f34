"""The HTTP pieces every messenger's client shares: one session, backoff, pacing, images.

``Http`` opens one aiohttp session on first use (and again after it was closed).
``Backoff`` doubles a retry's wait. ``slot`` is the pacer glue of every send: the
delivery worker's lane when it gives one, else the channel's pacer at reply priority
(a citizen who just wrote), else no pacing at all. ``download_image`` fetches an image
a citizen sent as a link, bounded in size and type.
"""

from __future__ import annotations

import contextlib
import logging
from contextlib import AbstractAsyncContextManager

import aiohttp

from bot.channels.pacer import Pacer, Priority
from bot.delivery.senders import Lane
from handlers import PhotoProblem

log = logging.getLogger(__name__)

OCTET = ("application/octet-stream", "binary/octet-stream", "")
CHUNK = 64 * 1024


class Http:
    """One aiohttp session for a channel's client, opened on first use."""

    def __init__(self, timeout: float = 20.0, connections: int = 32) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    def __call__(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        """Close the session."""
        if self._session is not None:
            await self._session.close()
            self._session = None


class Backoff:
    """Doubling delays: 1, 2, 4... seconds up to ``cap``."""

    def __init__(self, base: float = 1.0, cap: float = 60.0) -> None:
        self._base, self._cap, self._next = base, cap, base

    def next(self) -> float:
        """The next delay."""
        delay, self._next = self._next, min(self._next * 2, self._cap)
        return delay

    def reset(self) -> None:
        """Back to the shortest delay."""
        self._next = self._base


def slot(
    user_key: str, lane: Lane | None, pacer: Pacer | None = None
) -> AbstractAsyncContextManager[object]:
    """``async with slot(...):`` around one platform call to ``user_key``.

    Args:
        user_key: The chat the call goes to.
        lane: The delivery worker's lane (an outbox row), if any.
        pacer: The channel's pacer, used at reply priority when there is no lane.
    """
    if lane is not None:
        return lane.slot(user_key)
    if pacer is not None:
        return pacer.slot(user_key, Priority.REPLY)
    return contextlib.nullcontext()


async def download_image(
    session: aiohttp.ClientSession, url: str, limit: int
) -> bytes | PhotoProblem:
    """Fetch an image link: at most ``limit`` bytes of an image (or untyped) body.

    Raises:
        aiohttp.ClientError, TimeoutError: The link could not be reached.
    """
    async with session.get(url, max_redirects=3) as response:
        if response.status != 200:
            log.info("image link answered HTTP %s", response.status)
            return PhotoProblem.CORRUPT
        kind = response.content_type.lower()
        if not kind.startswith("image/") and kind not in OCTET:
            return PhotoProblem.UNSUPPORTED
        if response.content_length is not None and response.content_length > limit:
            return PhotoProblem.TOO_LARGE
        data = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK):
            data += chunk
            if len(data) > limit:
                return PhotoProblem.TOO_LARGE
        return bytes(data)
