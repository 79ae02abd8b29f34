"""The OA's access token (about 25 hours) and its one-time refresh token (3 months).

Both live in the store (``zalo_token``), seeded once from ZALO_REFRESH_TOKEN (and
ZALO_ACCESS_TOKEN if given); the same value in the environment is never used twice,
because Zalo's refresh tokens work once. A token is refreshed ``refresh_margin`` before it
expires, and at once when Zalo answers -216 (invalid access token).

Refreshing, across processes: one process takes a short lease on the row, posts the
refresh token to ``/v4/oa/access_token`` (grant_type=refresh_token, app_id, the app secret
in the ``secret_key`` header) and saves the new access *and* refresh tokens in one
statement, ending the lease. The others wait for the new row. The old refresh token is
dead from the moment Zalo answers, so the new pair is kept in memory until it is saved
(saving is retried) and the old one is never posted again. The only loss left is a crash
between Zalo's answer and that commit: then ZALO_REFRESH_TOKEN must be seeded again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from bot.channels.zalo.settings import ZaloSettings
from storage.db import Database
from storage.zalo import TokenRecord, Tokens

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
REFRESH_LIFETIME = timedelta(days=90)
DEFAULT_EXPIRES_IN = 90000
LEASE = timedelta(seconds=60)
WAIT_STEP = 0.2


class TokenUnavailable(Exception):
    """No usable access token: Zalo refused the refresh or could not be reached."""


def seed_hash(settings: ZaloSettings) -> str:
    """Which environment seed a stored row came from (a hash, never the token)."""
    seed = f"{settings.refresh_token}\n{settings.access_token or ''}"
    return hashlib.sha256(seed.encode()).hexdigest()


async def post_refresh(
    http: aiohttp.ClientSession, settings: ZaloSettings, refresh_token: str, now: datetime
) -> Tokens:
    """Trade the refresh token for a new pair at Zalo's OAuth v4 endpoint.

    Raises:
        TokenUnavailable: Zalo refused (the message says why) or could not be reached.
    """
    form = {"refresh_token": refresh_token, "app_id": settings.app_id,
            "grant_type": "refresh_token"}  # fmt: skip
    headers = {"secret_key": settings.app_secret}
    url = f"{settings.oauth}/v4/oa/access_token"
    try:
        async with http.post(url, data=form, headers=headers) as response:
            answer: Any = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise TokenUnavailable(f"oauth unreachable: {type(exc).__name__}") from exc
    if not isinstance(answer, dict) or not answer.get("access_token"):
        answer = answer if isinstance(answer, dict) else {}
        reason = answer.get("error_name") or answer.get("error_description") or "no token"
        raise TokenUnavailable(f"oauth {answer.get('error', '?')}: {reason}")
    seconds = str(answer.get("expires_in") or DEFAULT_EXPIRES_IN)
    lifetime = timedelta(seconds=int(seconds) if seconds.isdigit() else DEFAULT_EXPIRES_IN)
    new_refresh = str(answer.get("refresh_token") or refresh_token)
    return Tokens(str(answer["access_token"]), now + lifetime, new_refresh, now + REFRESH_LIFETIME)


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
