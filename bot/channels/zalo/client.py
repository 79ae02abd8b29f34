"""A small client for the Zalo OA Open API: v3 customer-service messages, v2 image upload,
and downloading the images citizens send.

Zalo answers HTTP 200 with ``{"error": 0, "data": ...}`` on success and a negative
``error`` with a ``message`` otherwise. A refused access token (-216, and its cousins
-220 and -124) is refreshed once and the call made again. Other refusals raise
``ZaloError``; an unreachable server, a 5xx or a body that is not JSON raise
``Unavailable`` (try again later). Logs carry codes and user ids, never content.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from yarl import URL

from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.tokens import TokenKeeper, TokenUnavailable
from handlers import PhotoProblem

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({-216, -220, -124})
RATE_LIMITED = -32
NOT_FOLLOWING = -213
IMAGE_TYPES = ("image/jpeg", "image/png")
MAX_UPLOAD = 1024 * 1024  # Zalo's limit for an uploaded image
OCTET = ("application/octet-stream", "binary/octet-stream", "")
CHUNK = 64 * 1024

FormFactory = Callable[[], aiohttp.FormData]


class ZaloError(Exception):
    """Zalo refused the call (a negative ``error`` code)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"zalo {code}: {message}")
        self.code, self.message = code, message


class Unavailable(Exception):
    """Zalo could not be reached or answered nonsense; the call may be tried again."""


class ZaloHttp:
    """One aiohttp session for the channel, opened on first use."""

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


class ZaloClient:
    """The Open API calls HueBot makes."""

    def __init__(self, settings: ZaloSettings, http: ZaloHttp, keeper: TokenKeeper) -> None:
        self._settings, self._http, self._keeper = settings, http, keeper

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send a customer-service message (``/v3.0/oa/message/cs``); returns ``data``.

        Raises:
            ZaloError: Zalo refused it.
            Unavailable: Zalo could not be reached, or no access token can be had.
        """
        return await self._call("/v3.0/oa/message/cs", lambda: body)

    async def upload_image(self, data: bytes, filename: str, content_type: str) -> str:
        """Upload a JPEG or PNG (``/v2.0/oa/upload/image``); returns its ``attachment_id``.

        Raises:
            ZaloError: Zalo refused it.
            Unavailable: Zalo could not be reached.
        """

        def form() -> aiohttp.FormData:
            built = aiohttp.FormData()
            built.add_field("file", data, filename=filename, content_type=content_type)
            return built

        answer = await self._call("/v2.0/oa/upload/image", form)
        attachment = answer.get("attachment_id")
        if not isinstance(attachment, str) or not attachment:
            raise Unavailable("upload answered without an attachment_id")
        return attachment

    async def download(self, url: str, limit: int) -> bytes | PhotoProblem:
        """Fetch an image a citizen sent, at most ``limit`` bytes, an image type only.

        Raises:
            Unavailable: The link could not be reached (try again later).
        """
        scheme = URL(url).scheme
        if scheme != "https" and not (scheme == "http" and self._settings.http_media):
            return PhotoProblem.UNSUPPORTED
        try:
            async with self._http().get(url, max_redirects=3) as response:
                return await _read_image(response, limit)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Unavailable(f"image download: {type(exc).__name__}") from exc

    async def _call(self, path: str, body: Callable[[], Any]) -> dict[str, Any]:
        try:
            token = await self._keeper.access_token()
            answer = await self._post(path, token, body())
            if answer["error"] in TOKEN_ERRORS:
                log.info("zalo %s: access token refused, refreshing", path)
                token = await self._keeper.refresh(stale=token)
                answer = await self._post(path, token, body())
        except TokenUnavailable as exc:
            raise Unavailable(str(exc)) from exc
        code = answer["error"]
        if code != 0:
            raise ZaloError(code, str(answer.get("message") or ""))
        data = answer.get("data")
        return data if isinstance(data, dict) else {}

    async def _post(self, path: str, token: str, body: Any) -> dict[str, Any]:
        url = f"{self._settings.api}{path}"
        kwargs = {"data": body} if isinstance(body, aiohttp.FormData) else {"json": body}
        try:
            async with self._http().post(url, headers={"access_token": token}, **kwargs) as r:
                if r.status >= 500:
                    raise Unavailable(f"{path}: HTTP {r.status}")
                answer: Any = await r.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise Unavailable(f"{path}: {type(exc).__name__}") from exc
        try:
            answer["error"] = int(answer.get("error", 0))
        except (AttributeError, TypeError, ValueError):
            raise Unavailable(f"{path}: unexpected answer") from None
        return dict(answer)


async def _read_image(response: aiohttp.ClientResponse, limit: int) -> bytes | PhotoProblem:
    if response.status != 200:
        log.info("zalo image link answered HTTP %s", response.status)
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
