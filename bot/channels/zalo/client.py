"""The Zalo OA Open API (v3 messages, v2 image upload, image links) and the OA's tokens.

Zalo answers HTTP 200 with ``{"error": 0, "data": ...}``, or a negative ``error`` and a
``message``. A refused access token (-216, -220, -124) is refreshed once and the call
made again; other refusals raise ``ZaloError``; an unreachable server, a 5xx or a body
that is not JSON raise ``Unavailable`` (try again later). Logs carry codes and user
ids, never content.

The access token (about 25 hours) and the one-time refresh token (3 months) live in the
store (``zalo_token``), seeded once from ZALO_REFRESH_TOKEN (and ZALO_ACCESS_TOKEN); a
seed is never used twice: Zalo's refresh tokens work once. A token is refreshed
``refresh_margin`` before it expires, and at once on -216. One process takes a short
lease on the row, posts the refresh token to ``/v4/oa/access_token`` and saves the new
pair in one statement; the others wait for it. The new pair stays in memory until saved
and the old refresh token is never posted again; only a crash between Zalo's answer and
that commit loses it (then seed ZALO_REFRESH_TOKEN again).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from yarl import URL

from bot.channels.http import Http, download_image
from bot.channels.zalo import TokenUnavailable, ZaloSettings, post_refresh, seed_hash
from handlers import PhotoProblem
from storage.db import Database
from storage.zalo import TokenRecord, Tokens

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
TOKEN_ERRORS = frozenset({-216, -220, -124})
RATE_LIMITED = -32
NOT_FOLLOWING = -213
IMAGE_TYPES = ("image/jpeg", "image/png")
MAX_UPLOAD = 1024 * 1024  # Zalo's limit for an uploaded image
LEASE = timedelta(seconds=60)
WAIT_STEP = 0.2


class ZaloError(Exception):
    """Zalo refused the call (a negative ``error`` code)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"zalo {code}: {message}")
        self.code, self.message = code, message


class Unavailable(Exception):
    """Zalo could not be reached or answered nonsense; the call may be tried again."""


class ZaloClient:
    """The Open API calls HueBot makes."""

    def __init__(self, settings: ZaloSettings, http: Http, keeper: TokenKeeper) -> None:
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
            return await download_image(self._http(), url, limit)
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


class TokenKeeper:
    """Hands out a valid access token; refreshes it before it expires or when refused."""

    def __init__(
        self, settings: ZaloSettings, database: Database,
        http: Callable[[], aiohttp.ClientSession], clock: Callable[[], datetime],
        *, sleep: Sleep = asyncio.sleep, wait_seconds: float = 30.0,
    ) -> None:  # fmt: skip
        self._settings, self._db, self._http, self._clock = settings, database, http, clock
        self._sleep, self._wait = sleep, wait_seconds
        self.owner = uuid.uuid4().hex[:16]
        self._lock = asyncio.Lock()
        self._current: tuple[str, datetime | None] | None = None
        self._unsaved: Tokens | None = None

    async def bootstrap(self) -> bool:
        """Seed the store from the environment unless that seed was used before."""
        settings, now = self._settings, self._clock()
        access = settings.access_token
        async with self._db.unit_of_work() as store:
            seeded = await store.zalo_tokens.seed(
                settings.app_id, seed_hash(settings), settings.refresh_token, access, None, now
            )
        log.info("zalo: tokens %s", "seeded from the environment" if seeded else "kept")
        return seeded

    async def access_token(self) -> str:
        """A valid access token (refreshed first when it expires within the margin).

        Raises:
            TokenUnavailable: None can be had.
        """
        if self._current is not None and self._fresh(self._current[1]):
            return self._current[0]
        return await self.refresh(stale=None)

    async def refresh(self, stale: str | None) -> str:
        """A new access token: one other than ``stale`` (the one Zalo just refused).

        Raises:
            TokenUnavailable: Zalo refused the refresh token or could not be reached.
        """
        async with self._lock:
            await self._save_unsaved()
            record = self._unsaved_record() or await self._load()
            if self._usable(record, stale):
                return self._use(record)
            return await self._renew(record)

    def _usable(self, record: TokenRecord, stale: str | None) -> bool:
        token = record.access_token
        return bool(token) and token != stale and self._fresh(record.access_expires_at)

    def _fresh(self, expires_at: datetime | None) -> bool:
        margin = self._settings.refresh_margin
        return expires_at is None or expires_at - margin > self._clock()

    def _use(self, record: TokenRecord) -> str:
        assert record.access_token is not None
        self._current = (record.access_token, record.access_expires_at)
        return record.access_token

    async def _load(self) -> TokenRecord:
        async with self._db.unit_of_work() as store:
            record = await store.zalo_tokens.get(self._settings.app_id)
        if record is None:
            raise TokenUnavailable("no tokens stored: set ZALO_REFRESH_TOKEN")
        return record

    def _unsaved_record(self) -> TokenRecord | None:
        tokens = self._unsaved
        if tokens is None:
            return None
        return TokenRecord(tokens.access_token, tokens.access_expires_at, tokens.refresh_token,
                           tokens.refresh_expires_at, "", None, None)  # fmt: skip

    async def _renew(self, record: TokenRecord) -> str:
        if self._unsaved is None and not await self._take_lease():
            return await self._wait_for_other(record.access_token)
        if not record.refresh_token:
            await self._release()
            raise TokenUnavailable("no refresh token: set ZALO_REFRESH_TOKEN")
        try:
            now = self._clock()
            tokens = await post_refresh(self._http(), self._settings, record.refresh_token, now)
        except TokenUnavailable as exc:
            log.error("zalo: token refresh failed: %s", exc)
            await self._release()
            raise
        self._unsaved = tokens
        self._current = (tokens.access_token, tokens.access_expires_at)
        await self._save_unsaved()
        log.info("zalo: access token refreshed, valid until %s", tokens.access_expires_at)
        return tokens.access_token

    async def _take_lease(self) -> bool:
        now = self._clock()
        async with self._db.unit_of_work() as store:
            return await store.zalo_tokens.take_lease(
                self._settings.app_id, self.owner, now, now + LEASE
            )

    async def _release(self) -> None:
        try:
            async with self._db.unit_of_work() as store:
                await store.zalo_tokens.release(self._settings.app_id, self.owner)
        except Exception as exc:  # the lease runs out by itself
            log.warning("zalo: token lease not released: %s", type(exc).__name__)

    async def _save_unsaved(self) -> None:
        """Commit tokens Zalo gave us; on failure keep them for the next try."""
        tokens = self._unsaved
        if tokens is None:
            return
        try:
            async with self._db.unit_of_work() as store:
                await store.zalo_tokens.save(self._settings.app_id, tokens, self._clock())
        except Exception as exc:
            log.error("zalo: new tokens not saved yet (kept in memory): %s", type(exc).__name__)
            return
        self._unsaved = None

    async def _wait_for_other(self, stale: str | None) -> str:
        """Another process is refreshing: wait for its new token."""
        waited = 0.0
        while waited < self._wait:
            await self._sleep(WAIT_STEP)
            waited += WAIT_STEP
            record = await self._load()
            if self._usable(record, stale):
                return self._use(record)
            if record.lease_owner is None or await self._take_lease():
                return await self._renew(record)
        raise TokenUnavailable("another process holds the refresh lease")

    async def keep_fresh(self) -> None:
        """Refresh ahead of expiry even when nothing is sent, and save what is pending."""
        async with self._lock:
            await self._save_unsaved()
        await self.access_token()
