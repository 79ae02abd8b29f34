"""Request bodies read under a byte cap and JSON parsed under a nesting cap.

``read_bounded`` counts the bytes as they arrive, whatever the transfer encoding
(``Content-Length`` or chunked), and stops at the first byte past the cap, so a client
can never make the process hold more than the cap. ``parse_json`` refuses text nested
deeper than ``MAX_DEPTH`` before the decoder sees it: Python's decoder recurses once per
level and a few thousand ``[`` end in ``RecursionError`` (an HTTP 500 otherwise).
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from aiohttp import web

CHUNK: Final = 64 * 1024
MAX_DEPTH: Final = 32  # a Telegram update or Zalo event nests about 6 levels
_STRING: Final = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET: Final = re.compile(r"[\[\]{}]")


class BodyTooLarge(Exception):
    """The request body is longer than the route accepts."""


class BadJson(ValueError):
    """The body is not UTF-8 JSON, or nests deeper than allowed."""


async def read_bounded(request: web.Request, limit: int) -> bytes:
    """Read the whole body, refusing it as soon as it exceeds ``limit`` bytes.

    Args:
        request: The incoming request (its body not yet read).
        limit: Largest accepted body, in bytes.

    Returns:
        The body exactly as received.

    Raises:
        BodyTooLarge: ``Content-Length`` or the bytes actually received exceed ``limit``.
    """
    if (request.content_length or 0) > limit:
        raise BodyTooLarge()
    kept = bytearray()
    while chunk := await request.content.read(CHUNK):
        if len(kept) + len(chunk) > limit:
            raise BodyTooLarge()
        kept += chunk
    return bytes(kept)


def parse_json(body: bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Decode UTF-8 JSON nested at most ``max_depth`` levels.

    Raises:
        BadJson: Not UTF-8, not JSON, or nested too deep.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadJson("not UTF-8") from exc
    if nesting(text) > max_depth:
        raise BadJson("nested too deep")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadJson("not JSON") from exc


def nesting(text: str) -> int:
    """How deep ``[`` and ``{`` nest in ``text``, outside JSON strings (an upper bound)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest
