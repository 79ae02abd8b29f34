"""The ``delivery`` section of config.yml: limits per messenger, leases, retries."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.channels.pacer import Limits
from bot.channels.pacer_limits import MESSENGER_PER_CHAT_SECONDS, MESSENGER_PER_SECOND

TELEGRAM_FREE_RATE = 30.0
TELEGRAM_PAID_RATE = 1000.0


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelRate(_Strict):
    """How fast one messenger may be sent to, as the platform counts it: strictly.

    ``messages_per_second`` is for the whole bot: at most that many in any sliding
    second (shared by every process through Redis when ``REDIS_URL`` is set; see
    docs/alerts.md). ``per_chat_per_second`` limits one chat (one message per
    ``1/per_chat_per_second`` seconds), ``per_group_per_minute`` one group chat in any
    minute. ``margin_seconds`` widens each window for uneven clocks. ``paid_broadcast``
    (Telegram) sends alerts with ``allow_paid_broadcast``, which lifts the overall limit
    to 1000/s for a fee.
    """

    messages_per_second: int = Field(default=int(TELEGRAM_FREE_RATE), ge=1, le=10000)
    per_chat_per_second: float = Field(default=1.0, gt=0)
    per_group_per_minute: int = Field(default=20, ge=1)
    margin_seconds: float = Field(default=0.005, ge=0, le=1)
    paid_broadcast: bool = False

    def limits(self, groups: bool = True) -> Limits:
        """The pacer's limits."""
        return Limits(
            per_second=self.messages_per_second,
            per_chat_seconds=1.0 / self.per_chat_per_second,
            per_group_per_minute=self.per_group_per_minute,
            margin_seconds=self.margin_seconds,
            groups=groups,
        )  # fmt: skip


class DeliveryConfig(_Strict):
    """The delivery worker."""

    enabled: bool = True
    telegram: ChannelRate = ChannelRate()
    zalo: ChannelRate = ChannelRate(messages_per_second=10)
    messenger: ChannelRate = ChannelRate(
        messages_per_second=MESSENGER_PER_SECOND,
        per_chat_per_second=1.0 / MESSENGER_PER_CHAT_SECONDS,
    )
    claim_seconds: float = Field(default=2.0, gt=0, le=60)
    lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    poll_seconds: float = Field(default=0.5, gt=0, le=60)
    max_in_flight: int = Field(default=64, ge=1, le=1000)
    record_seconds: float = Field(default=0.1, ge=0, le=5)
    max_attempts: int = Field(default=5, ge=1, le=50)
    backoff_seconds: float = Field(default=5.0, gt=0)
    backoff_max_seconds: float = Field(default=900.0, gt=0)
    progress_seconds: float = Field(default=3.0, gt=0)
    redis_url: str | None = None  # REDIS_URL in the environment wins

    @model_validator(mode="after")
    def _telegram_limit(self) -> DeliveryConfig:
        rate = self.telegram.messages_per_second
        if rate > TELEGRAM_PAID_RATE:
            raise ValueError(f"telegram: at most {TELEGRAM_PAID_RATE:g} messages per second")
        if rate > TELEGRAM_FREE_RATE and not self.telegram.paid_broadcast:
            raise ValueError(
                f"telegram: above {TELEGRAM_FREE_RATE:g} messages per second needs "
                "paid_broadcast: true (Telegram's paid broadcasts)"
            )
        return self

    def rate_of(self, channel: str) -> ChannelRate | None:
        """The limits of a pushed channel (None for the web chat, which is polled)."""
        rates = {"telegram": self.telegram, "zalo": self.zalo, "messenger": self.messenger}
        return rates.get(channel)


def limits_of(config: DeliveryConfig, channel: str) -> Limits:
    """The pacer's limits of a pushed channel (only Telegram has group chats).

    Raises:
        ValueError: The channel is not pushed (the web chat is polled).
    """
    rate = config.rate_of(channel)
    if rate is None:
        raise ValueError(f"no delivery rate for channel {channel!r}")
    return rate.limits(groups=channel == "telegram")


def redis_url(config: DeliveryConfig) -> str | None:
    """Where the pacers share their limits: REDIS_URL, else ``delivery.redis_url``."""
    return os.environ.get("REDIS_URL") or config.redis_url
