"""A fake Zalo OA Open API and OAuth server over real HTTP, and a citizen who makes events.

``FakeZalo`` answers like Zalo (HTTP 200, ``{"error": 0, "data": ...}`` or a negative
``error``) on the endpoints HueBot uses: ``/v3.0/oa/message/cs``, ``/v2.0/oa/upload/image``
and OAuth's ``/v4/oa/access_token``, which rotates tokens as Zalo does (a refresh token
works once; the old access token stops working). It also serves the images citizens
send, under ``/cdn/``. Every request is recorded; ``fail`` scripts error answers (-216,
quota errors, -32...). ``ZaloCitizen`` builds webhook events shaped like the samples in
tests/fixtures/zalo/, and ``signed`` signs them the way Zalo's documentation says.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

APP_ID = "1234567890123456789"
APP_SECRET = "app-secret-of-the-test-app"
OA_SECRET_KEY = "oa-secret-key-of-the-test-oa"
OA_ID = "388613280878808645"
FIRST_REFRESH = "refresh-token-1"
MESSAGE_PATH = "/v3.0/oa/message/cs"
UPLOAD_PATH = "/v2.0/oa/upload/image"
OAUTH_PATH = "/v4/oa/access_token"
MAX_UPLOAD = 1024 * 1024


def signed(event: dict[str, Any], key: str = OA_SECRET_KEY) -> tuple[bytes, dict[str, str]]:
    """The body and headers Zalo would POST: ``mac=`` + SHA-256(app_id + body + ts + key)."""
    body = json.dumps(event, ensure_ascii=False).encode()
    text = APP_ID + body.decode() + str(event.get("timestamp", "")) + key
    mac = "mac=" + hashlib.sha256(text.encode()).hexdigest()
    return body, {"X-ZEvent-Signature": mac, "Content-Type": "application/json"}


@dataclass
class Call:
    """One request the fake received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    accepted: bool = False


class FakeZalo:
    """Zalo's Open API, OAuth server and image CDN, as HueBot sees them."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.access_token: str | None = None
        self.refresh_token = FIRST_REFRESH
        self.expires_in = "90000"
        self.unfollowed: set[str] = set()
        self.images: dict[str, tuple[bytes, str]] = {}
        self.uploads: dict[str, bytes] = {}
        self.oauth_gate: asyncio.Event | None = None
        self._failures: dict[str, list[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self.base_url = ""

    def app(self) -> web.Application:
        """The aiohttp application to serve."""
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post(MESSAGE_PATH, self._message)
        app.router.add_post(UPLOAD_PATH, self._upload)
        app.router.add_post(OAUTH_PATH, self._oauth)
        app.router.add_get("/cdn/{name}", self._cdn)
        return app

    # --- what tests script ---------------------------------------------------------------

    def fail(self, path: str, code: int, message: str, times: int = 1) -> None:
        """Answer the next ``times`` calls to ``path`` with Zalo error ``code``."""
        self._failures.setdefault(path, []).extend([{"error": code, "message": message}] * times)

    def expire_access_token(self) -> None:
        """The current access token stops working (Zalo then answers -216)."""
        self.access_token = f"expired-{next(self._ids)}"

    def host(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Put an image on the CDN; returns its link."""
        name = f"img{next(self._ids)}.jpg"
        self.images[name] = (data, content_type)
        return f"{self.base_url}/cdn/{name}"

    # --- what tests read -----------------------------------------------------------------

    def calls_to(self, path: str) -> list[Call]:
        """The recorded calls to one endpoint, in order."""
        return [call for call in self.calls if call.path == path]

    def sent(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Messages Zalo accepted (bodies of ``/message/cs``), to one citizen or all."""
        return [
            c.body for c in self.calls_to(MESSAGE_PATH)
            if c.accepted and (user_id is None or _recipient(c.body) == user_id)
        ]  # fmt: skip

    def texts(self, user_id: str | None = None) -> list[str]:
        """The texts of accepted messages ("" for images and forms)."""
        return [str(body["message"].get("text", "")) for body in self.sent(user_id)]

    def buttons(self, user_id: str) -> list[dict[str, Any]]:
        """The buttons of the newest accepted message to ``user_id`` that has any."""
        for body in reversed(self.sent(user_id)):
            payload = body["message"].get("attachment", {}).get("payload", {})
            if payload.get("buttons"):
                return list(payload["buttons"])
        return []

    # --- the protocol --------------------------------------------------------------------

    async def _message(self, request: web.Request) -> web.Response:
        call = Call(MESSAGE_PATH, dict(request.headers), await request.json())
        self.calls.append(call)
        refused = self._refusal(request, MESSAGE_PATH)
        if refused is None and _recipient(call.body) in self.unfollowed:
            refused = {"error": -213, "message": "User has not followed OA"}
        if refused is not None:
            return web.json_response(refused)
        call.accepted = True
        data = {"message_id": f"m{next(self._ids)}", "user_id": _recipient(call.body)}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form.get("file")
        content = upload.file.read() if isinstance(upload, web.FileField) else b""
        self.calls.append(Call(UPLOAD_PATH, dict(request.headers), files={"file": content}))
        refused = self._refusal(request, UPLOAD_PATH)
        if refused is None and not 0 < len(content) <= MAX_UPLOAD:
            refused = {"error": -210, "message": "File size exceeds the limit"}
        if refused is not None:
            return web.json_response(refused)
        attachment = f"att{next(self._ids)}"
        self.uploads[attachment] = content
        return web.json_response({"error": 0, "message": "Success",
                                  "data": {"attachment_id": attachment}})  # fmt: skip

    async def _oauth(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.calls.append(
            Call(OAUTH_PATH, dict(request.headers), {k: str(v) for k, v in form.items()})
        )
        if self.oauth_gate is not None:
            await self.oauth_gate.wait()
        good = (
            request.headers.get("secret_key") == APP_SECRET and form.get("app_id") == APP_ID
            and form.get("grant_type") == "refresh_token"
            and form.get("refresh_token") == self.refresh_token
        )  # fmt: skip
        if not good:
            refused = {"error": -14014, "error_name": "Invalid refresh token",
                       "error_description": "refresh token is invalid"}  # fmt: skip
            return web.json_response(refused)
        number = next(self._ids)
        self.access_token, self.refresh_token = f"access-{number}", f"refresh-{number}"
        return web.json_response({"access_token": self.access_token,
                                  "refresh_token": self.refresh_token,
                                  "expires_in": self.expires_in})  # fmt: skip

    async def _cdn(self, request: web.Request) -> web.Response:
        self.calls.append(
            Call("/cdn", dict(request.headers), {"name": request.match_info["name"]})
        )
        found = self.images.get(request.match_info["name"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])

    def _refusal(self, request: web.Request, path: str) -> dict[str, Any] | None:
        if self._failures.get(path):
            return self._failures[path].pop(0)
        token = request.headers.get("access_token")
        if self.access_token is None or token != self.access_token:
            return {"error": -216, "message": "Access token is invalid"}
        return None


def _recipient(body: dict[str, Any]) -> str:
    return str(body.get("recipient", {}).get("user_id", ""))


class ZaloCitizen:
    """One person chatting with the OA; every event carries the clock's time."""

    def __init__(self, fake: FakeZalo, clock: Any, user_id: str = "5810042000123456789"):
        self.fake, self.clock, self.id = fake, clock, user_id
        self._msg_ids = itertools.count(1)

    def event(self, name: str, **fields: Any) -> dict[str, Any]:
        """An event of this citizen, stamped with the clock's time in milliseconds."""
        now: datetime = self.clock()
        base = {"app_id": APP_ID, "user_id_by_app": "552177279717587730", "event_name": name,
                "timestamp": str(int(now.timestamp() * 1000)), "sender": {"id": self.id},
                "recipient": {"id": OA_ID}}  # fmt: skip
        return {**base, **fields}

    def message(self, name: str, **message: Any) -> dict[str, Any]:
        """A ``user_send_*`` event with a fresh ``msg_id``."""
        msg_id = f"{self.id[-6:]}{next(self._msg_ids):06d}"
        return self.event(name, message={"msg_id": msg_id, **message})

    def text(self, text: str) -> dict[str, Any]:
        """A text message."""
        return self.message("user_send_text", text=text)

    def image(self, data: bytes, caption: str = "", content_type: str = "image/jpeg"):
        """A photo: Zalo sends a link to it and a thumbnail."""
        url = self.fake.host(data, content_type)
        attachment = {"type": "image", "payload": {"thumbnail": url, "url": url}}
        return self.message("user_send_image", text=caption, attachments=[attachment])

    def location(self, latitude: float, longitude: float) -> dict[str, Any]:
        """A shared position (coordinates as strings, as Zalo sends them)."""
        point = {"latitude": str(latitude), "longitude": str(longitude)}
        attachment = {"type": "location", "payload": {"coordinates": point}}
        return self.message("user_send_location", attachments=[attachment])

    def file(self, data: bytes, name: str) -> dict[str, Any]:
        """A file (a document, or a photo sent as a file)."""
        payload = {"url": self.fake.host(data, "application/octet-stream"), "size": str(len(data)),
                   "name": name, "checksum": "x", "type": name.rsplit(".", 1)[-1]}  # fmt: skip
        return self.message("user_send_file", attachments=[{"type": "file", "payload": payload}])

    def sticker(self) -> dict[str, Any]:
        """A sticker."""
        payload = {"id": "12345", "url": f"{self.fake.base_url}/cdn/sticker"}
        return self.message("user_send_sticker", attachments=[{"type": "sticker",
                                                               "payload": payload}])  # fmt: skip

    def follow(self, name: str = "follow") -> dict[str, Any]:
        """``follow`` or ``unfollow``: the user is the follower, there is no sender."""
        event = self.event(name, oa_id=OA_ID, follower={"id": self.id}, source="oa_profile")
        del event["sender"], event["recipient"]
        return event

    def submit_info(self, name: str, phone: str) -> dict[str, Any]:
        """The citizen filled in and sent the OA's form for their details."""
        info = {"name": name, "phone": phone, "user_dob": "30/10/1999", "gender": "Nữ",
                "full_address": {"user_city": "Huế", "user_address": "1 Lê Lợi"}}  # fmt: skip
        return self.event("user_submit_info", info=info)

    def echo(self, text: str) -> dict[str, Any]:
        """Zalo's echo of a message the OA sent (``oa_send_text``)."""
        event = self.message("oa_send_text", text=text)
        event["sender"], event["recipient"] = {"id": OA_ID}, {"id": self.id}
        return event

    def press(self, label: str) -> dict[str, Any]:
        """Press the newest button whose title contains ``label``: Zalo sends its payload."""
        for button in self.fake.buttons(self.id):
            if label in button["title"]:
                return self.text(button["payload"])
        raise AssertionError(f"no button {label!r} for {self.id}")


# --- the channel under test ------------------------------------------------------------


async def serve_fake(aiohttp_server: Any) -> FakeZalo:
    """Start a ``FakeZalo`` on 127.0.0.1, on a free port."""
    fake = FakeZalo()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


def zalo_env(fake: FakeZalo, **changes: str) -> dict[str, str]:
    """The environment of a bot connected to the fake OA."""
    env = {
        "ZALO_APP_ID": APP_ID,
        "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
    }
    return {**env, "ZALO_REFRESH_TOKEN": fake.refresh_token, **changes}


def zalo_settings_for(
    services: Any, fake: FakeZalo, env: dict[str, str] | None = None, **config_fields: Any
) -> Any:
    """config.yml's zalo section pointed at the fake, resolved as `huebot run` does."""
    import dataclasses

    from bot.channels.zalo import zalo_settings
    from bot.config import ZaloConfig

    config = ZaloConfig(
        api_base_url=fake.base_url, oauth_base_url=fake.base_url, http_media=True, **config_fields
    )
    settings = services.runtime.settings
    channels = settings.channels.model_copy(update={"zalo": config})
    runtime = dataclasses.replace(
        services.runtime, settings=settings.model_copy(update={"channels": channels})
    )
    return zalo_settings(runtime, env if env is not None else zalo_env(fake))
