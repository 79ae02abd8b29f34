"""A fake Graph API Send endpoint over real HTTP, as strict as Meta's documentation.

``FakeGraph`` answers ``POST /me/messages?access_token=...`` the way the Send API does:
``{"recipient_id", "message_id"}`` on success, HTTP 400 with Meta's error envelope
``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`` otherwise. It
refuses what Meta refuses: a wrong or expired Page token (190), a missing or unknown
``messaging_type`` or tag (100), more than 13 quick replies or titles over 20 characters,
a button template with more than 3 buttons or text over 640, a text over 2,000
characters, a message outside the 24-hour window (10/2018278) unless it carries a tag
the fake's policy allows, a citizen who blocked the Page (551), more than
``max_per_second`` sends in any sliding second (613). ``fail`` scripts any error. Every
request is recorded. Images citizens send are served under ``/cdn/``.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

PAGE_TOKEN = "page-token-of-the-test-page"
APP_SECRET = "app-secret-of-the-test-app"
VERIFY_TOKEN = "verify-token-of-the-test-app"
PAGE_ID = "104729318562210"
SEND_PATH = "/me/messages"
TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG")
TAGS = ("ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE", "HUMAN_AGENT")
WINDOW = timedelta(hours=24)


@dataclass
class Call:
    """One request the fake received."""

    path: str
    query: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    accepted: bool = False
    error: int | None = None


class Refused(Exception):
    """An error answer: Meta's envelope."""

    def __init__(self, code: int, message: str, subcode: int | None = None) -> None:
        super().__init__(message)
        self.code, self.subcode, self.message = code, subcode, message


class FakeGraph:
    """Meta's Send API and attachment CDN, as HueBot sees them."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.calls: list[Call] = []
        self.page_token = PAGE_TOKEN
        self.last_inbound: dict[str, datetime] = {}
        self.allowed_tags: set[str] = {"ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE"}
        self.optin_tokens: dict[str, str] = {}
        self.blocked: set[str] = set()
        self.max_per_second: int | None = None
        self.images: dict[str, tuple[bytes, str]] = {}
        self.base_url = ""
        self._sends: deque[datetime] = deque()
        self._failures: list[tuple[int, dict[str, Any]]] = []
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        """The aiohttp application to serve."""
        app = web.Application()
        app.router.add_post(SEND_PATH, self._send)
        app.router.add_get("/me", self._me)
        app.router.add_get("/cdn/{name}", self._cdn)
        return app

    # --- what tests script ---------------------------------------------------------------

    def inbound(self, psid: str, at: datetime | None = None) -> None:
        """The citizen wrote to the Page at ``at`` (now by default): the window opens."""
        self.last_inbound[psid] = at or self.clock()

    def fail(self, code: int, message: str, subcode: int | None = None, status: int = 400,
             times: int = 1) -> None:  # fmt: skip
        """Answer the next ``times`` sends with this Meta error."""
        error = _envelope(code, message, subcode)
        self._failures.extend([(status, error)] * times)

    def host(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Put an attachment on the CDN; returns its link."""
        name = f"att{next(self._ids)}.jpg"
        self.images[name] = (data, content_type)
        return f"{self.base_url}/cdn/{name}"

    # --- what tests read -----------------------------------------------------------------

    def sent(self, psid: str | None = None) -> list[dict[str, Any]]:
        """Bodies Meta accepted, to one citizen or all."""
        return [
            c.body for c in self.calls
            if c.path == SEND_PATH and c.accepted
            and (psid is None or c.body.get("recipient", {}).get("id") == psid)
        ]  # fmt: skip

    def texts(self, psid: str | None = None) -> list[str]:
        """The texts of accepted messages (a template's text; "" for images)."""
        return [_text_of(body["message"]) for body in self.sent(psid)]

    # --- the protocol --------------------------------------------------------------------

    async def _send(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read())
        except ValueError:
            body = None
        call = Call(SEND_PATH, dict(request.query), body if isinstance(body, dict) else {})
        self.calls.append(call)
        if self._failures:
            status, error = self._failures.pop(0)
            call.error = error["error"]["code"]
            return web.json_response(error, status=status)
        try:
            recipient = self._check(request, body)
        except Refused as refused:
            call.error = refused.code
            envelope = _envelope(refused.code, refused.message, refused.subcode)
            return web.json_response(envelope, status=400)
        call.accepted = True
        answer = {"recipient_id": recipient, "message_id": f"m_{next(self._ids):08d}"}
        return web.json_response(answer)

    def _check(self, request: web.Request, body: Any) -> str:
        if request.query.get("access_token") != self.page_token:
            raise Refused(190, "Invalid OAuth access token - Cannot parse access token")
        if not isinstance(body, dict) or not isinstance(body.get("message"), dict):
            raise Refused(100, "(#100) The parameter message is required")
        self._pace()
        recipient = self._recipient(body)
        _check_message(body["message"])
        return recipient

    def _pace(self) -> None:
        now = self.clock()
        while self._sends and now - self._sends[0] >= timedelta(seconds=1):
            self._sends.popleft()
        if self.max_per_second is not None and len(self._sends) >= self.max_per_second:
            raise Refused(613, "Calls to this api have exceeded the rate limit.")
        self._sends.append(now)

    def _recipient(self, body: dict[str, Any]) -> str:
        recipient = body.get("recipient")
        if not isinstance(recipient, dict):
            raise Refused(100, "(#100) The parameter recipient is required")
        token = recipient.get("notification_messages_token")
        if token is not None:
            if token not in self.optin_tokens:
                raise Refused(100, "(#100) Invalid notification_messages_token", 2018001)
            return self.optin_tokens[token]
        psid = str(recipient.get("id") or "")
        if not psid:
            raise Refused(100, "(#100) The parameter recipient is required")
        if psid in self.blocked:
            raise Refused(551, "This person isn't available right now.", 1545041)
        self._check_window(psid, body)
        return psid

    def _check_window(self, psid: str, body: dict[str, Any]) -> None:
        kind, tag = body.get("messaging_type"), body.get("tag")
        if kind not in TYPES:
            raise Refused(100, "(#100) Param messaging_type must be one of " + ", ".join(TYPES))
        if kind == "MESSAGE_TAG" and tag not in TAGS:
            raise Refused(100, "(#100) Param tag must be a valid message tag")
        last = self.last_inbound.get(psid)
        inside = last is not None and self.clock() - last < WINDOW
        if inside or (kind == "MESSAGE_TAG" and tag in self.allowed_tags):
            return
        raise Refused(10, "This message is sent outside of allowed window.", 2018278)

    async def _me(self, request: web.Request) -> web.Response:
        """``GET /me``: the Page behind the token (HueBot's health check)."""
        self.calls.append(Call("/me", dict(request.query)))
        if request.query.get("access_token") != self.page_token:
            envelope = _envelope(190, "Error validating access token: Session has expired", 463)
            return web.json_response(envelope, status=400)
        return web.json_response({"id": PAGE_ID, "name": "Hue-S"})

    async def _cdn(self, request: web.Request) -> web.Response:
        self.calls.append(Call("/cdn", {"name": request.match_info["name"]}))
        found = self.images.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])


def _check_message(message: dict[str, Any]) -> None:
    text, attachment = message.get("text"), message.get("attachment")
    if (text is None) == (attachment is None):
        raise Refused(100, "(#100) Must send either message text or an attachment")
    if text is not None and not 0 < len(str(text)) <= 2000:
        raise Refused(100, "(#100) Length of param message[text] must be less than 2000", 2018047)
    if isinstance(attachment, dict):
        _check_attachment(attachment)
    quick = message.get("quick_replies")
    if quick is not None:
        _check_quick_replies(quick)


def _check_attachment(attachment: dict[str, Any]) -> None:
    payload = attachment.get("payload")
    if not isinstance(payload, dict):
        raise Refused(100, "(#100) Invalid attachment payload")
    if attachment.get("type") == "image":
        if not str(payload.get("url", "")).startswith(("https://", "http://")):
            raise Refused(100, "(#100) Invalid image url", 2018008)
        return
    if attachment.get("type") != "template" or payload.get("template_type") != "button":
        raise Refused(100, "(#100) Unsupported attachment")
    buttons = payload.get("buttons")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise Refused(100, "(#100) param buttons must have between 1 and 3 elements")
    if not 0 < len(str(payload.get("text", ""))) <= 640:
        raise Refused(100, "(#100) Param text must be at most 640 characters long")
    for button in buttons:
        _check_button(button)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or button.get("type") != "postback":
        raise Refused(100, "(#100) Unsupported button type")
    if not 0 < len(str(button.get("title", ""))) <= 20:
        raise Refused(100, "(#100) Button title must be at most 20 characters")
    if not 0 < len(str(button.get("payload", ""))) <= 1000:
        raise Refused(100, "(#100) Button payload must be at most 1000 characters")


def _check_quick_replies(quick: Any) -> None:
    if not isinstance(quick, list) or not 1 <= len(quick) <= 13:
        raise Refused(100, "(#100) param quick_replies must have between 1 and 13 elements")
    for reply in quick:
        if not isinstance(reply, dict) or reply.get("content_type") != "text":
            raise Refused(100, "(#100) Unsupported quick reply content_type")
        if not 0 < len(str(reply.get("title", ""))) <= 20:
            raise Refused(100, "(#100) Quick reply title must be at most 20 characters")
        if not 0 < len(str(reply.get("payload", ""))) <= 1000:
            raise Refused(100, "(#100) Quick reply payload must be at most 1000 characters")


def _envelope(code: int, message: str, subcode: int | None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    error["fbtrace_id"] = "AbCdEfGhIjK"
    return {"error": error}


def _text_of(message: dict[str, Any]) -> str:
    if "text" in message:
        return str(message["text"])
    payload = message.get("attachment", {}).get("payload", {})
    return str(payload.get("text", ""))


async def serve_fake(aiohttp_server: Any, clock: Callable[[], datetime]) -> FakeGraph:
    """Start a ``FakeGraph`` on 127.0.0.1, port 0; its ``base_url`` is set."""
    fake = FakeGraph(clock)
    server = await aiohttp_server(fake.app(), host="127.0.0.1", port=0)
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake
