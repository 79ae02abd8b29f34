"""Telegram: webhook or polling into the shared intake, PTB for parsing, Bot API for sending.

The parts: ``parse`` (updates to HueBot's terms) and ``render`` (replies to Telegram
messages), both pure; ``client`` (python-telegram-bot: retried calls, files, polling,
command menus); ``sender`` (the Bot API over aiohttp for everything sent: replies, button
answers and edits, outbox rows); ``channel`` (the webhook route and the channel the app
runs). This module holds what the channel runs with: config.yml's ``channels.telegram``
plus the environment.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.config import Runtime

SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


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
