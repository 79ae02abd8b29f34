"""A fake Telegram Bot API server over real HTTP, and a fake citizen who makes updates.

``FakeTelegram`` speaks the Bot API (POSTs to ``/bot<token>/<method>``, ``{"ok", "result"}``
answers, files under ``/file/bot<token>/<path>``) for the methods HueBot uses and records
every request (and when it arrived). ``fail`` scripts errors (429, 5xx); chats in
``blocked`` get 403; ``strict()`` enforces Telegram's limit (fake_telegram_strict.py).
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.fake_telegram_menus import CommandMenus
from tests.support.fake_telegram_strict import TOO_MANY, StrictMode

TOKEN = "123456789:TEST-token_for_the_fake_server"
BOT_ID = 123456789
USERNAME = "HueTestBot"
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "link_preview_options", "scope"}
GET_FILE_LIMIT = 20 * 1024 * 1024
VENUE_REQUIRED = ("chat_id", "latitude", "longitude", "title", "address")


@dataclass
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    ok: bool = True  # False when the fake answered with an error
    message_id: int = 0  # the message a successful send made
    at: float = 0.0  # when it arrived (time.monotonic)


async def eventually(condition: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Wait until ``condition()`` is truthy (bounded; polls, never measures time)."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)
    return value


class FakeTelegram(CommandMenus, StrictMode):
    """The Bot API as HueBot sees it (command menus: ``tests/support/fake_telegram_menus.py``)."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.blocked: set[int] = set()
        self.files: dict[str, bytes] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._arrived = asyncio.Event()
        self._message_id = 1000
        self.offset = 0  # the highest offset asked for: updates below it are confirmed
        self.base_url = ""
        self.init_menus()

    def app(self) -> web.Application:
        """The aiohttp application to serve."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        return app

    @property
    def api_url(self) -> str:
        """What ``channels.telegram.api_base_url`` should be."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        """What ``channels.telegram.api_file_url`` should be."""
        return f"{self.base_url}/file/bot"

    # --- what tests script -------------------------------------------------------------

    def push(self, *updates: dict[str, Any]) -> None:
        """Queue updates for getUpdates."""
        self._updates.extend(updates)
        self._arrived.set()

    def fail(self, method: str, status: int, description: str, times: int = 1, **params: Any):
        """Answer the next ``times`` calls of ``method`` with an error."""
        body = {"ok": False, "error_code": status, "description": description}
        if params:
            body["parameters"] = params
        self._failures.setdefault(method, []).extend([(status, body)] * times)

    # --- what tests read ---------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """The recorded calls of one method, in order."""
        return [call for call in self.calls if call.method == method]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """sendMessage and sendPhoto calls (to one chat), refused ones included."""
        return [
            c for c in self.calls
            if c.method in ("sendMessage", "sendPhoto")
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]  # fmt: skip

    def delivered(self, chat_id: int | None = None) -> list[Call]:
        """The sendMessage and sendPhoto calls that succeeded: what the chat shows."""
        return [call for call in self.sent(chat_id) if call.ok]

    def venues(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The venues delivered (to one chat), in order, as the chat's client gets them."""
        return [
            self.messages[(int(c.params["chat_id"]), c.message_id)]["venue"]
            for c in self.calls_to("sendVenue")
            if c.ok and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]  # fmt: skip

    def texts(self, chat_id: int | None = None) -> list[str]:
        """The texts (or captions) delivered, as HTML."""
        calls = self.delivered(chat_id)
        return [c.params.get("text") or c.params.get("caption") or "" for c in calls]

    # --- the protocol --------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method, arrived = request.match_info["method"], time.monotonic()
        params, files = await _read_params(request)
        call = Call(method, params, files, at=arrived)
        self.calls.append(call)
        if self._refused(method, params, arrived):
            call.ok = False
            return web.json_response(TOO_MANY, status=429)
        if self._failures.get(method):
            status, body = self._failures[method].pop(0)
            call.ok = False
            return web.json_response(body, status=status)
        handler = getattr(self, f"_do_{_snake(method)}", None)
        result = await handler(params, files) if handler else _error(404, "Not Found")
        if isinstance(result, web.Response):
            call.ok = False
            return result
        if isinstance(result, dict) and "message_id" in result:
            call.message_id = int(result["message_id"])
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        self.calls.append(Call("downloadFile", {"path": request.match_info["path"]}))
        file_id = request.match_info["path"].split("/")[-1].rsplit(".", 1)[0]
        if file_id not in self.files:
            return _error(404, "Not Found")
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")

    async def _do_get_me(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return {"id": BOT_ID, "is_bot": True, "first_name": "HueBot", "username": USERNAME}

    async def _do_get_updates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        offset = int(params.get("offset") or 0)
        self.offset = max(self.offset, offset)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]  # confirmed
        if not self._updates:
            self._arrived.clear()
            wait = min(float(params.get("timeout") or 0), 1.0)
            try:
                await asyncio.wait_for(self._arrived.wait(), wait)
            except TimeoutError:
                return []
        return [u for u in self._updates if u["update_id"] >= offset][:100]

    async def _do_set_webhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _do_delete_webhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _do_answer_callback_query(self, params: dict[str, Any], files: Any) -> Any:
        return True

    async def _do_send_message(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return self._deliver(params, {"text": _plain(params["text"])})

    async def _do_send_photo(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        sizes = [{"file_id": f"sent{self._message_id}", "file_unique_id": "u", "width": 90,
                  "height": 90}]  # fmt: skip
        extra: dict[str, Any] = {"photo": sizes}
        if params.get("caption"):
            extra["caption"] = _plain(params["caption"])
        return self._deliver(params, extra)

    async def _do_send_venue(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        """sendVenue: chat_id, latitude, longitude, title and address are all required."""
        for name in VENUE_REQUIRED:
            if params.get(name) is None or str(params[name]).strip() == "":
                return _error(400, f'Bad Request: parameter "{name}" is required')
        point = _point(params["latitude"], params["longitude"])
        if point is None:
            return _error(400, "Bad Request: wrong venue location specified")
        location = {"latitude": point[0], "longitude": point[1]}
        venue = {"location": location, "title": str(params["title"]),
                 "address": str(params["address"])}  # fmt: skip
        return self._deliver(params, {"location": location, "venue": venue})

    async def _do_edit_message_text(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        message = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        message["text"] = _plain(params["text"])
        message.pop("reply_markup", None)  # an edit without a keyboard removes it
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _do_edit_message_reply_markup(self, params: dict[str, Any], files: Any) -> Any:
        message = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        message.pop("reply_markup", None)
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _do_get_file(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        file_id = params["file_id"]
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        if size > GET_FILE_LIMIT:
            return _error(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                "file_path": f"photos/{file_id}.jpg"}  # fmt: skip

    def _deliver(self, params: dict[str, Any], content: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        self._message_id += 1
        message: dict[str, Any] = {
            "message_id": self._message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "HueBot", "username": USERNAME},
            **content,
        }
        if "inline_keyboard" in (params.get("reply_markup") or {}):  # only these stay on it
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, self._message_id)] = message
        return message


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    if request.content_type == "application/json":
        return dict(await request.json()), files
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, str):
            params[name] = json.loads(value) if name in JSON_FIELDS else value
        else:
            files[name] = value.file.read()
            params[name] = f"<file {value.filename}>"
    return params, files


def _point(latitude: Any, longitude: Any) -> tuple[float, float] | None:
    """A venue's position as Telegram takes it (numbers in range), or None."""
    try:
        point = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    in_range = -90.0 <= point[0] <= 90.0 and -180.0 <= point[1] <= 180.0
    return point if in_range else None


def _plain(text: str) -> str:
    """What a client shows for an HTML message: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _error(status: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": status, "description": description}
    return web.json_response(body, status=status)
