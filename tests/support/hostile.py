"""Hostile request bodies: chunked streams, oversized and deeply nested JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator

CHUNK = 64 * 1024


async def chunked(data: bytes, chunk: int = CHUNK) -> AsyncIterator[bytes]:
    """Yield ``data`` piece by piece: aiohttp's client then sends it chunked, no length."""
    for start in range(0, len(data), chunk):
        yield data[start : start + chunk]


def huge_json(size: int) -> bytes:
    """A syntactically valid JSON object of about ``size`` bytes."""
    return b'{"update_id": 1, "pad": "' + b"x" * size + b'"}'


def deep_json(depth: int = 20_000) -> bytes:
    """An array nested ``depth`` levels: Python's decoder recurses once per level."""
    return b"[" * depth + b"]" * depth


def deep_object(depth: int = 5_000) -> bytes:
    """An object whose ``update_id`` is fine but which nests ``depth`` levels below it."""
    return b'{"update_id": 7, "message": ' + deep_json(depth) + b"}"
