"""Logging for every ``huebot`` command, in one place: text or JSON, and the access log.

``HUEBOT_LOG_FORMAT=json`` writes one JSON object per line (``ts``, ``level``,
``logger``, ``event`` and any ``extra`` fields), for a log shipper; ``text`` (the
default) writes plain lines for a terminal. ``HUEBOT_LOG_LEVEL`` sets the level (INFO).
Nothing personal is logged: the code logs ids, not message text; on top of that every
line has Vietnamese phone numbers masked, and ``extra`` fields named like a chat or
user id are hashed (``hashed``). ``HUEBOT_ACCESS_LOG=1`` adds one line per HTTP request
(method, route, status, duration; no query string, the client address hashed).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

PHONE = re.compile(r"(?<!\d)(?:\+?84|0)\d{9,10}(?!\d)")
HASHED_FIELDS = frozenset({"chat_id", "user_key", "external_id", "user_id", "remote"})
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
ACCESS = "huebot.access"
HANDLER = "huebot"


def hashed(value: object) -> str:
    """A short, stable stand-in for an identifier (the same id always gives the same)."""
    return hashlib.sha256(str(value).encode()).hexdigest()[:12]


def mask(text: str) -> str:
    """``text`` with anything shaped like a Vietnamese phone number masked."""
    return PHONE.sub("[phone]", text)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; phone numbers masked, id fields hashed."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        event: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": mask(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                event[key] = hashed(value) if key in HASHED_FIELDS else _plain(value)
        if record.exc_info and record.exc_info[0] is not None:
            event["error"] = record.exc_info[0].__name__
            event["traceback"] = mask(self.formatException(record.exc_info))
        return json.dumps(event, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The plain format, with phone numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one masked line."""
        return mask(super().format(record))


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return mask(value) if isinstance(value, str) else value
    return mask(str(value))


def configure(env: Mapping[str, str]) -> None:
    """Set up the root logger from HUEBOT_LOG_FORMAT and HUEBOT_LOG_LEVEL.

    Raises:
        ValueError: HUEBOT_LOG_FORMAT is neither ``text`` nor ``json``.
    """
    chosen = env.get("HUEBOT_LOG_FORMAT", "text").strip().lower() or "text"
    if chosen not in ("text", "json"):
        raise ValueError(f"HUEBOT_LOG_FORMAT must be text or json, not {chosen!r}")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter(TEXT_FORMAT))
    handler.set_name(HANDLER)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER]:  # ours, from before
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(env.get("HUEBOT_LOG_LEVEL", "INFO").upper())


def access_log_wanted(env: Mapping[str, str]) -> bool:
    """Whether HUEBOT_ACCESS_LOG asks for a line per HTTP request."""
    return env.get("HUEBOT_ACCESS_LOG", "").strip().lower() in ("1", "true", "yes", "on")


class AccessLogger(AbstractAccessLogger):
    """One event per request: method, matched route, status, duration, hashed client."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """Log one finished request."""
        match = getattr(request, "match_info", None)  # only a web.Request has a route
        resource = match.route.resource if match is not None else None
        path = resource.canonical if resource is not None else "(unmatched)"
        self.logger.info(
            "%s %s %s", request.method, path, response.status,
            extra={
                "method": request.method, "route": path, "status": response.status,
                "duration_ms": round(time * 1000, 1), "remote": request.remote or "",
            },
        )  # fmt: skip
