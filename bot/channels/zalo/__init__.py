"""Zalo: an Official Account's customer-service chat, on the shared channel kit.

The parts: ``parse`` (events to HueBot's terms) and ``render`` (replies to Zalo
messages), both pure; ``client`` (the Open API and the token keeper); ``sender`` (every
message sent: replies, the reply window's count, the outbox's sender); ``channel`` (the
signed ``/zalo/webhook`` route and the channel the app runs). This module holds what the
channel runs with, config.yml's ``channels.zalo`` plus secrets from the environment, and
the one OAuth call that trades a refresh token for a new pair.

ZALO_APP_ID turns the channel on. ZALO_APP_SECRET (the app's secret key, sent to Zalo's
OAuth server) and ZALO_REFRESH_TOKEN (or ZALO_ACCESS_TOKEN) are then required.
ZALO_OA_SECRET_KEY (the OA secret key that signs webhooks) may be missing: the channel can
still send, but every webhook is refused until it is set (fail closed).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from bot.config import Runtime
from storage.zalo import Tokens

log = logging.getLogger(__name__)

APP_ID = re.compile(r"^\d{1,40}$")
REFRESH_LIFETIME = timedelta(days=90)
DEFAULT_EXPIRES_IN = 90000


@dataclass(frozen=True, slots=True)
class ZaloSettings:
    """The Zalo channel's settings."""

    app_id: str
    app_secret: str
    oa_secret_key: str
    refresh_token: str
    access_token: str | None = None
    api_base_url: str = "https://openapi.zalo.me"
    oauth_base_url: str = "https://oauth.zaloapp.com"
    max_download_bytes: int = 10 * 1024 * 1024
    http_media: bool = False
    max_event_age: timedelta = timedelta(hours=1)
    max_clock_skew: timedelta = timedelta(minutes=5)
    reply_window: timedelta = timedelta(hours=48)
    replies_per_message: int = 8
    send_outside_window: bool = False
    refresh_margin: timedelta = timedelta(hours=1)
    info_image_url: str | None = None

    @property
    def api(self) -> str:
        """The Open API base, without a trailing slash."""
        return self.api_base_url.rstrip("/")

    @property
    def oauth(self) -> str:
        """The OAuth base, without a trailing slash."""
        return self.oauth_base_url.rstrip("/")


def zalo_settings(runtime: Runtime, env: Mapping[str, str]) -> ZaloSettings | None:
    """The channel's settings, or None when ZALO_APP_ID is not set.

    Raises:
        ValueError: ZALO_APP_ID is malformed, or a required secret is missing.
    """
    app_id = env.get("ZALO_APP_ID", "").strip()
    if not app_id:
        return None
    if not APP_ID.match(app_id):
        raise ValueError("ZALO_APP_ID must be the app's numeric id")
    refresh = env.get("ZALO_REFRESH_TOKEN", "").strip()
    access = env.get("ZALO_ACCESS_TOKEN", "").strip() or None
    missing = [name for name in ("ZALO_APP_SECRET",) if not env.get(name, "").strip()]
    if not refresh and not access:
        missing.append("ZALO_REFRESH_TOKEN")
    if missing:
        raise ValueError(f"Zalo needs {', '.join(missing)} (see docs/zalo.md)")
    key = env.get("ZALO_OA_SECRET_KEY", "").strip()
    if not key:
        log.warning("zalo: ZALO_OA_SECRET_KEY is not set; every webhook will be refused")
    return _from_config(runtime, app_id, env["ZALO_APP_SECRET"].strip(), key, refresh, access)


def _from_config(
    runtime: Runtime, app_id: str, app_secret: str, key: str, refresh: str, access: str | None
) -> ZaloSettings:
    config = runtime.settings.channels.zalo
    return ZaloSettings(
        app_id=app_id, app_secret=app_secret, oa_secret_key=key, refresh_token=refresh,
        access_token=access, api_base_url=config.api_base_url,
        oauth_base_url=config.oauth_base_url, max_download_bytes=config.max_download_bytes,
        http_media=config.http_media,
        max_event_age=timedelta(seconds=config.max_event_age_seconds),
        max_clock_skew=timedelta(seconds=config.max_clock_skew_seconds),
        reply_window=timedelta(hours=config.reply_window_hours),
        replies_per_message=config.replies_per_message,
        send_outside_window=config.send_outside_window,
        refresh_margin=timedelta(seconds=config.refresh_margin_seconds),
        info_image_url=config.info_image_url,
    )  # fmt: skip


def seed_hash(settings: ZaloSettings) -> str:
    """Which environment seed a stored row came from (a hash, never the token)."""
    seed = f"{settings.refresh_token}\n{settings.access_token or ''}"
    return hashlib.sha256(seed.encode()).hexdigest()


class TokenUnavailable(Exception):
    """No usable access token: Zalo refused the refresh or could not be reached."""


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
