"""The Messenger channel's settings and a small client for the Graph Send API.

Secrets come from the environment only: MESSENGER_PAGE_TOKEN (the Page access token)
turns the channel on; MESSENGER_APP_SECRET (signs webhooks) and MESSENGER_VERIFY_TOKEN
(the subscription check) are then required. config.yml's ``channels.messenger`` gives
``api_base_url`` (the versioned Graph API, or a compatible local server).

``send`` posts a request body to ``{api_base_url}/me/messages`` with the Page token as
``access_token`` and returns Meta's ``{"recipient_id", "message_id"}``. Meta's error
envelope ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`` is
mapped: rate limits raise ``RateLimited`` (pause the channel), a citizen who cannot be
reached (blocked the Page, left, or out of the window) ``Unreachable``, a dead or
revoked token ``TokenExpired`` (the operator must act), a server fault or no answer
``Unavailable`` (try again later), anything else ``MessengerError``. Logs carry codes
and trace ids, never tokens or content.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from yarl import URL

from bot.channels.http import download_image
from bot.config import Runtime
from handlers import PhotoProblem

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80006})
UNREACHABLE_CODES = frozenset({551})
OUTSIDE_WINDOW = (10, 2018278)
NO_SUCH_USER = (100, 2018001)
TOKEN_CODES = frozenset({190, 102})
RETRY_CODES = frozenset({1, 2})


@dataclass(frozen=True, slots=True)
class MessengerSettings:
    """The Messenger channel's settings."""

    page_token: str
    app_secret: str
    verify_token: str
    api_base_url: str = "https://graph.facebook.com/v26.0"
    max_download_bytes: int = 25 * 1024 * 1024
    http_media: bool = False
    notice_tag: str | None = "ACCOUNT_UPDATE"

    @property
    def api(self) -> str:
        """The Graph API base, without a trailing slash."""
        return self.api_base_url.rstrip("/")

    @property
    def account(self) -> str:
        """The Page, as the shared pacer's keys name it (a digest of its token)."""
        return hashlib.sha256(self.page_token.encode()).hexdigest()[:16]


def messenger_settings(runtime: Runtime, env: Mapping[str, str]) -> MessengerSettings | None:
    """The channel's settings, or None when MESSENGER_PAGE_TOKEN is not set.

    Raises:
        ValueError: The app secret or the verify token is missing.
    """
    token = env.get("MESSENGER_PAGE_TOKEN", "").strip()
    if not token:
        return None
    names = ("MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN")
    missing = [name for name in names if not env.get(name, "").strip()]
    if missing:
        raise ValueError(f"Messenger needs {', '.join(missing)} (see docs/messenger.md)")
    config = runtime.settings.channels.messenger
    return MessengerSettings(
        page_token=token,
        app_secret=env["MESSENGER_APP_SECRET"].strip(),
        verify_token=env["MESSENGER_VERIFY_TOKEN"].strip(),
        api_base_url=config.api_base_url,
        max_download_bytes=config.max_download_bytes,
        http_media=config.http_media,
        notice_tag=config.notice_tag,
    )


class MessengerError(Exception):
    """Meta refused the call; ``code``/``subcode`` are Meta's."""

    def __init__(self, code: int, subcode: int | None, message: str, trace: str = "") -> None:
        super().__init__(f"messenger {code}/{subcode}: {message}")
        self.code, self.subcode, self.message, self.trace = code, subcode, message, trace


class RateLimited(MessengerError):
    """Too many calls: pause the channel and try again later."""


class Unreachable(MessengerError):
    """This citizen cannot be messaged (blocked the Page, gone, or out of the window)."""

    @property
    def outside_window(self) -> bool:
        """Whether Meta refused because the messaging window is closed."""
        return (self.code, self.subcode) == OUTSIDE_WINDOW


class TokenExpired(MessengerError):
    """The Page access token is expired or revoked: the operator must set a new one."""


class Unavailable(Exception):
    """Meta could not be reached or answered nonsense; the call may be tried again."""


def classify(error: Mapping[str, Any]) -> MessengerError:
    """Meta's ``error`` object as the exception that says what to do about it."""
    code = _int(error.get("code")) or 0
    subcode = _int(error.get("error_subcode"))
    args = (code, subcode, str(error.get("message") or ""), str(error.get("fbtrace_id") or ""))
    if code in RATE_LIMIT_CODES:
        return RateLimited(*args)
    if code in TOKEN_CODES:
        return TokenExpired(*args)
    unreachable = code in UNREACHABLE_CODES or code == 200
    if unreachable or (code, subcode) in (OUTSIDE_WINDOW, NO_SUCH_USER):
        return Unreachable(*args)
    return MessengerError(*args)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


class MessengerClient:
    """The Send API calls HueBot makes, over one aiohttp session opened on first use."""

    def __init__(self, settings: MessengerSettings, timeout: float = 20.0) -> None:
        self._settings = settings
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        """Close the session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send one message (``POST /me/messages``); returns Meta's answer.

        Raises:
            MessengerError: Meta refused it (one of the subclasses says why).
            Unavailable: Meta could not be reached or failed; try again later.
        """
        url = f"{self._settings.api}/me/messages"
        params = {"access_token": self._settings.page_token}
        try:
            async with self._http().post(url, params=params, json=body) as response:
                answer: Any = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise Unavailable(f"send: {type(exc).__name__}") from exc
        error = answer.get("error") if isinstance(answer, dict) else None
        if isinstance(error, dict):
            raise self._refused(error, status)
        if status >= 400 or not isinstance(answer, dict) or "message_id" not in answer:
            raise Unavailable(f"send: HTTP {status}, unexpected answer")
        return answer

    def _refused(self, error: dict[str, Any], status: int) -> Exception:
        refused = classify(error)
        log.info(
            "messenger send refused: %s/%s (trace %s)",
            refused.code, refused.subcode, refused.trace or "-",
        )  # fmt: skip
        if refused.code in RETRY_CODES or (status >= 500 and type(refused) is MessengerError):
            return Unavailable(f"send: Meta error {refused.code}")
        return refused

    async def me(self) -> str:
        """The Page's id (``GET /me``): a cheap call that proves the token works.

        Raises:
            MessengerError: Meta refused the token (``TokenExpired`` when dead).
            Unavailable: Meta could not be reached.
        """
        params = {"access_token": self._settings.page_token, "fields": "id"}
        try:
            async with self._http().get(f"{self._settings.api}/me", params=params) as response:
                answer: Any = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise Unavailable(f"me: {type(exc).__name__}") from exc
        error = answer.get("error") if isinstance(answer, dict) else None
        if isinstance(error, dict):
            raise classify(error)
        if not isinstance(answer, dict) or not answer.get("id"):
            raise Unavailable("me: unexpected answer")
        return str(answer["id"])

    async def download(self, url: str) -> bytes | PhotoProblem:
        """Fetch an attachment a citizen sent, within the size limit, an image type only.

        Raises:
            Unavailable: The link could not be reached (try again later).
        """
        scheme = URL(url).scheme
        if scheme != "https" and not (scheme == "http" and self._settings.http_media):
            return PhotoProblem.UNSUPPORTED
        try:
            return await download_image(self._http(), url, self._settings.max_download_bytes)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Unavailable(f"attachment download: {type(exc).__name__}") from exc
