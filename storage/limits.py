"""What one stored field can hold, the same on SQLite and PostgreSQL.

PostgreSQL enforces ``VARCHAR(n)`` and refuses NUL characters and unpaired surrogates;
SQLite enforces none of it, so a name that one store keeps would fail a whole message
on the other. Values from platforms pass through these helpers where they enter
(``handlers.core.model``, the channel queues, ``Users``), so both stores keep exactly the
same thing. The lengths are read from the models, never repeated by hand.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

from storage import models


def column_length(column: Any) -> int:
    """The ``String(n)`` length of a mapped column, e.g. ``models.User.name``."""
    length = column.property.columns[0].type.length
    assert isinstance(length, int), column
    return length


NAME: Final = column_length(models.User.name)
PHONE: Final = column_length(models.User.phone)
EXTERNAL_ID: Final = column_length(models.User.external_id)
UPDATE_ID: Final = column_length(models.ProcessedUpdate.update_id)
CHAT_KEY: Final = column_length(models.ChannelUpdate.chat_key)
GROUP_KEY: Final = column_length(models.ChannelUpdate.group_key)
UPDATE_KIND: Final = column_length(models.ChannelUpdate.kind)
INTAKE_KEY: Final = column_length(models.ChannelUpdate.update_key)
FILENAME: Final = 120  # echoed back in a refusal; not stored


def clean(value: str) -> str:
    """``value`` without NUL characters or unpaired surrogates (neither store keeps them)."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def clip(value: str | None, limit: int, mark: str = "…") -> str | None:
    """Clean ``value`` and keep at most ``limit`` characters, ending a cut one with ``mark``.

    None and "" stay as they are.
    """
    if not value:
        return value
    value = clean(value)
    if len(value) <= limit:
        return value
    return value[: limit - len(mark)].rstrip() + mark


def fit_key(value: str, limit: int) -> str:
    """An identifier that fits ``limit``: itself, or a digest of it when longer.

    Unlike ``clip`` this never makes two different ids equal, so dedupe stays exact.
    """
    value = clean(value)
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()
    return "sha256:" + digest[: limit - len("sha256:")]
