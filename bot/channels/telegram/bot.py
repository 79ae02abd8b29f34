"""python-telegram-bot wiring: settings, the Application, and how calls are retried.

The Application is built with ``.updater(None)``: HueBot receives updates itself (its
own webhook route, or its own getUpdates loop that advances the offset only past
stored updates) and feeds each one to ``Application.process_update``.

``Caller`` runs every Bot API call: it waits out 429 ``retry_after``, retries network
errors with exponential backoff, and raises ``Unavailable`` when Telegram stays out of
reach. Logs carry method names and chat ids, never message content.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import warnings
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from telegram import BotCommand
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, ApplicationBuilder
from telegram.warnings import PTBDeprecationWarning

from bot.config import Runtime
from handlers import role_commands

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]
SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
COMMANDS = {lang: role_commands.menu(role_commands.CITIZEN, lang) for lang in ("vi", "en")}


class Unavailable(Exception):
    """Telegram could not be reached, even after retries."""


@dataclass(frozen=True, slots=True)
class TelegramSettings:
    """What the Telegram channel runs with (config.yml plus the environment)."""

    token: str
    webhook_secret: str
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    bot_username: str | None = None
    max_download_bytes: int = 20 * 1024 * 1024
    polling_timeout: int = 30
    album_wait: timedelta = timedelta(seconds=1.5)

    @property
    def bot_id(self) -> int:
        """The bot's id: the digits before the token's colon."""
        return int(self.token.split(":", 1)[0])

    @property
    def webhook(self) -> bool:
        """Webhook mode (else polling)."""
        return bool(self.webhook_url)


def telegram_settings(runtime: Runtime, env: Mapping[str, str]) -> TelegramSettings | None:
    """The channel's settings, or None when TELEGRAM_BOT_TOKEN is not set.

    Raises:
        ValueError: The token or TELEGRAM_WEBHOOK_SECRET is malformed.
    """
    token = runtime.telegram_token
    if not token:
        return None
    if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", token):
        raise ValueError("TELEGRAM_BOT_TOKEN does not look like a bot token")
    config = runtime.settings.channels.telegram
    return TelegramSettings(
        token=token,
        webhook_secret=webhook_secret(token, env),
        api_base_url=config.api_base_url,
        api_file_url=config.api_file_url,
        webhook_url=config.webhook_url,
        bot_username=config.bot_username,
        max_download_bytes=config.max_download_bytes,
        polling_timeout=config.polling_timeout_seconds,
        album_wait=timedelta(seconds=config.album_wait_seconds),
    )


def webhook_secret(token: str, env: Mapping[str, str]) -> str:
    """TELEGRAM_WEBHOOK_SECRET, or a secret derived from the bot token.

    The derived secret is stable across restarts and identical in every process that
    serves the bot, without being stored anywhere; whoever could compute it holds the
    token already.

    Raises:
        ValueError: TELEGRAM_WEBHOOK_SECRET is set but not 16-256 of [A-Za-z0-9_-].
    """
    given = env.get(SECRET_ENV)
    if given:
        if not SECRET_FORMAT.match(given):
            raise ValueError(f"{SECRET_ENV} must be 16 to 256 of A-Z, a-z, 0-9, _ and -")
        return given
    return hmac.new(token.encode(), b"huebot telegram webhook", hashlib.sha256).hexdigest()


def build_application(settings: TelegramSettings) -> Application:  # type: ignore[type-arg]
    """The PTB Application: HueBot's own update intake, so no Updater."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines hold the token
    return (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .updater(None)
        .connection_pool_size(16)
        .build()
    )


def bot_commands() -> dict[str, list[BotCommand]]:
    """The command menu per language."""
    return {lang: [BotCommand(*pair) for pair in pairs] for lang, pairs in COMMANDS.items()}


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


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


class Caller:
    """Runs Bot API calls with Telegram's flood control and network retries."""

    def __init__(self, sleep: Sleep = asyncio.sleep, attempts: int = 5) -> None:
        self._sleep = sleep
        self._attempts = attempts

    @property
    def sleep(self) -> Sleep:
        """How this caller waits (tests pass one that records)."""
        return self._sleep

    async def __call__(
        self, method: str, chat_id: int | None, call: Callable[[], Awaitable[T]]
    ) -> T:
        """Run ``call``; retry on 429 and network errors.

        Raises:
            Forbidden: The chat blocked the bot (never retried).
            BadRequest: Telegram refused the call (never retried).
            Unavailable: Still failing after all attempts.
        """
        backoff = Backoff()
        for attempt in range(1, self._attempts + 1):
            try:
                return await call()
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                log.warning(
                    "telegram %s chat=%s: flood control, waiting %ss", method, chat_id, wait
                )
                await self._sleep(wait)
            except (BadRequest, Forbidden):
                raise
            except NetworkError as exc:
                log.warning(
                    "telegram %s chat=%s: %s (attempt %d/%d)",
                    method, chat_id, type(exc).__name__, attempt, self._attempts,
                )  # fmt: skip
                if attempt < self._attempts:
                    await self._sleep(backoff.next())
        raise Unavailable(method)

    async def forever(self, method: str, call: Callable[[], Awaitable[T]]) -> T:
        """Run a start-up call until it succeeds; network trouble never ends the process.

        Raises:
            TelegramError: Telegram refused for good (a rejected token, a bad webhook URL).
        """
        backoff = Backoff()
        while True:
            try:
                return await self(method, None, call)
            except Unavailable:
                await self._sleep(backoff.next())
