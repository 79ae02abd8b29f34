"""The ``delivery`` section of config.yml: rates per messenger, leases, retries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

TELEGRAM_FREE_RATE = 30.0
TELEGRAM_PAID_RATE = 1000.0


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelRate(_Strict):
    """How fast one messenger may be sent to.

    ``messages_per_second`` is for the whole bot (this process: with several processes,
    give each its share). ``per_chat_*`` limits one private chat, ``per_group_per_minute``
    one group chat. ``paid_broadcast`` (Telegram) sends alerts with
    ``allow_paid_broadcast``, which lifts the overall limit to 1000/s for a fee.
    """

    messages_per_second: float = Field(default=TELEGRAM_FREE_RATE, gt=0, le=10000)
    burst: int = Field(default=1, ge=1, le=1000)
    per_chat_per_second: float = Field(default=1.0, gt=0)
    per_chat_burst: int = Field(default=3, ge=1)
    per_group_per_minute: float = Field(default=20.0, gt=0)
    paid_broadcast: bool = False


class DeliveryConfig(_Strict):
    """The delivery worker."""

    enabled: bool = True
    telegram: ChannelRate = ChannelRate()
    zalo: ChannelRate = ChannelRate(messages_per_second=10, per_chat_burst=1)
    claim_seconds: float = Field(default=2.0, gt=0, le=60)
    lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    poll_seconds: float = Field(default=0.5, gt=0, le=60)
    max_in_flight: int = Field(default=64, ge=1, le=1000)
    record_seconds: float = Field(default=0.1, ge=0, le=5)
    max_attempts: int = Field(default=5, ge=1, le=50)
    backoff_seconds: float = Field(default=5.0, gt=0)
    backoff_max_seconds: float = Field(default=900.0, gt=0)
    progress_seconds: float = Field(default=3.0, gt=0)

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
        return {"telegram": self.telegram, "zalo": self.zalo}.get(channel)
