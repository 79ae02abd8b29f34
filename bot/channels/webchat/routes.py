"""Web chat routes: the page, its JSON API, photo uploads and public photo copies."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from bot.channels.webchat import parse as webchat
from bot.channels.webchat.identity import ChatIdentity
from bot.core import Inbox, MediaStore, utc_now
from bot.core.body import BadJson, BodyTooLarge, parse_json, read_bounded
from bot.inbound import StoreUnavailable, failure_replies
from handlers import Channel, PhotoRef, RejectedFile, say

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "huebot_chat"
CHUNK = 64 * 1024
MAX_MESSAGE_BODY = 256 * 1024  # max_text_chars, JSON-escaped, and room for a polite refusal


INBOX = web.AppKey("inbox", Inbox)
MEDIA = web.AppKey("media", MediaStore)
SETTINGS = web.AppKey("webchat_settings", dict)
IDENTITY = web.AppKey("webchat_identity", ChatIdentity)


def setup(
    app: web.Application,
    inbox: Inbox,
    media: MediaStore,
    settings: dict[str, Any],
    identity: ChatIdentity,
) -> None:
    """Add the web chat to ``app``; ``identity`` signs the chat ids it issues."""
    app[INBOX], app[MEDIA], app[SETTINGS], app[IDENTITY] = inbox, media, settings, identity
    app.router.add_get("/", page)
    app.router.add_post("/api/chat/messages", post_message)
    app.router.add_post("/api/chat/photos", post_photos)
    app.router.add_get("/api/chat/inbox", get_inbox)
    app.router.add_get("/media/{sha256:[0-9a-f]{64}}", get_media)
    app.router.add_static("/static/", STATIC, append_version=False)


async def page(request: web.Request) -> web.StreamResponse:
    """The chat page; gives a visitor without a valid (signed) chat id a fresh one."""
    response = web.FileResponse(STATIC / "index.html")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'"
    )
    if not request.app[IDENTITY].verify(request.cookies.get(COOKIE)):
        _issue(request, response)
    return response


def _issue(request: web.Request, response: web.StreamResponse) -> None:
    """Set a fresh signed chat id on ``response``."""
    settings = request.app[SETTINGS]
    response.set_cookie(
        COOKIE,
        request.app[IDENTITY].issue(),
        max_age=settings["cookie_max_age"],
        httponly=True,
        samesite="Lax",
        secure=settings["cookie_secure"],
    )


async def post_message(request: web.Request) -> web.Response:
    """A text, button press or location from the page."""
    key = _chat_key(request)
    try:
        body = parse_json(await read_bounded(request, MAX_MESSAGE_BODY))
    except BodyTooLarge:
        limit = max(MAX_MESSAGE_BODY >> 10, 1)
        return _error(
            413, "too_large", "web.message_too_large", _locale(request, None), limit=limit
        )
    except BadJson:
        return _error(400, "bad_request", "web.bad_request", _locale(request, None))
    try:
        message = webchat.parse(body, key, utc_now())
    except webchat.BadMessage as exc:
        log.info("web chat message refused: %s", exc)
        return _error(400, "bad_request", "web.bad_request", _locale(request, body))
    return await _deliver(request, message)


async def post_photos(request: web.Request) -> web.Response:
    """One or more photos (multipart), with an optional caption."""
    key = _chat_key(request)
    limit = request.app[SETTINGS]["max_request_bytes"]
    if (request.content_length or 0) > limit:
        return _error(413, "too_large", "web.too_large", _locale(request, None), limit=limit >> 20)
    try:
        fields, files = await _read_upload(request, limit)
        message = webchat.photo_message(
            key,
            fields.get("id", ""),
            utc_now(),
            files,
            fields.get("caption"),
            fields.get("locale"),
        )
    except _TooLarge:
        return _error(413, "too_large", "web.too_large", _locale(request, None), limit=limit >> 20)
    except (webchat.BadMessage, ValueError, AssertionError):
        return _error(400, "bad_request", "web.bad_request", _locale(request, None))
    return await _deliver(request, message)


async def get_inbox(request: web.Request) -> web.Response:
    """Notices sent to this chat since ``after``, and the chat's language (None if new)."""
    key = _chat_key(request)
    try:
        after = max(int(request.query.get("after", "0")), 0)
    except ValueError:
        return _error(400, "bad_request", "web.bad_request", _locale(request, None))
    inbox = request.app[INBOX]
    notices = await inbox.webchat_inbox(key, after)
    messages = [{"id": row_id, "reply": webchat.render(reply)} for row_id, reply in notices]
    language = await inbox.chat_language(Channel.WEBCHAT, key)
    return web.json_response({"messages": messages, "language": language})


async def get_media(request: web.Request) -> web.StreamResponse:
    """The EXIF-free copy of a photo (never the original)."""
    media = request.app[MEDIA]
    sha256 = request.match_info["sha256"]
    path = media.public_path(sha256)
    if path is None:
        raise web.HTTPNotFound()
    response = web.FileResponse(path)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.content_type = media.content_type(sha256) or "application/octet-stream"
    return response


async def _deliver(request: web.Request, message: Any) -> web.Response:
    try:
        outcome = await request.app[INBOX].receive(message)
    except StoreUnavailable:
        replies = [webchat.render(r) for r in failure_replies(message.locale)]
        body = {"error": {"code": "unavailable", "message": replies[0]["text"]}}
        return web.json_response(body, status=503)
    replies = [webchat.render(r) for r in outcome.replies]
    return web.json_response({"replies": replies, "language": outcome.language})


class _TooLarge(Exception):
    pass


async def _read_upload(
    request: web.Request, limit: int
) -> tuple[dict[str, str], tuple[PhotoRef | RejectedFile, ...]]:
    reader = await request.multipart()
    fields: dict[str, str] = {}
    files: list[PhotoRef | RejectedFile] = []
    total = 0
    media = request.app[MEDIA]
    while (part := await reader.next()) is not None:
        assert isinstance(part, BodyPartReader)
        data, total = await _read_part(part, media.max_bytes, total, limit)
        if part.name == "file":
            files.append(await media.accept(data, part.filename))
        elif part.name in ("id", "caption", "locale"):
            fields[part.name] = data.decode("utf-8", errors="replace")[:8000]
    return fields, tuple(files)


async def _read_part(
    part: BodyPartReader, part_limit: int, total: int, limit: int
) -> tuple[bytes, int]:
    """Read a part, keeping at most ``part_limit + 1`` bytes (enough to say 'too large')."""
    kept = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        total += len(chunk)
        if total > limit:
            raise _TooLarge()
        if len(kept) <= part_limit:
            kept += chunk[: part_limit + 1 - len(kept)]
    return bytes(kept), total


def _chat_key(request: web.Request) -> str:
    """The chat of a signed id; a missing or unsigned one is refused and replaced."""
    cookie = request.cookies.get(COOKIE)
    if cookie is None or not request.app[IDENTITY].verify(cookie):
        if cookie:
            log.info("web chat id not issued here refused")
        language = _locale(request, None)
        body = {"error": {"code": "no_session", "message": say(language, "web.no_cookie")}}
        refusal = web.HTTPUnauthorized(text=json.dumps(body), content_type="application/json")
        _issue(request, refusal)
        raise refusal
    return webchat.user_key(cookie)


def _locale(request: web.Request, body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("locale"), str):
        return "en" if body["locale"].startswith("en") else "vi"
    return "en" if request.headers.get("Accept-Language", "").startswith("en") else "vi"


def _error(status: int, code: str, key: str, language: str, **values: object) -> web.Response:
    body = {"error": {"code": code, "message": say(language, key, **values)}}
    return web.json_response(body, status=status)
