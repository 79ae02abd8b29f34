"""Button tokens for every messenger: what a pressed button stands for.

A button's payload (``report:send``, ``rate:PA-10001:yes``) never leaves HueBot. The
platform carries a token instead, stored in the one ``button`` table
(``storage/buttons.py``) for the chat it was shown in, and a press is resolved back:

- where the platform sends back opaque data (Telegram's callback data, 64 bytes at
  most) the token is random: ``issue_token`` (``issue_tokens`` for a message's
  buttons) / ``resolve_token``;
- where a press comes back as the person's own text (Zalo's ``oa.query.show``) the
  button's text is the token, made unique per chat (``label``, ``label (2)``…) so an
  older button keeps its meaning: ``issue_text`` / ``resolve_text``.

A token is only good in the chat it was issued to, and tokens unused for ``KEEP`` are
pruned.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from storage.buttons import Buttons

KEEP = timedelta(days=30)
MAX_VARIANTS = 50
TOKEN_BYTES = 9  # 12 URL-safe characters


def text_token(text: str) -> str:
    """The token of a button text (its SHA-256: texts may be long)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()


def variants(label: str) -> Iterator[str]:
    """``label``, then ``label (2)`` … ``label (MAX_VARIANTS)``."""
    yield label
    yield from (f"{label} ({number})" for number in range(2, MAX_VARIANTS + 1))


async def issue_token(
    buttons: Buttons, channel: str, user_key: str, payload: str, now: datetime
) -> str:
    """A fresh random token standing for ``payload`` in this chat."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if await buttons.add(channel, user_key, token, payload, now):
            return token


async def issue_tokens(
    buttons: Buttons, channel: str, user_key: str, payloads: Iterable[str], now: datetime
) -> dict[str, str]:
    """A fresh token for each distinct payload (a message's buttons), by payload."""
    return {
        payload: await issue_token(buttons, channel, user_key, payload, now)
        for payload in dict.fromkeys(payloads)
    }


async def resolve_token(buttons: Buttons, channel: str, user_key: str, token: str) -> str | None:
    """The payload behind a pressed button's token, or None (unknown, expired, another's)."""
    return await buttons.payload(channel, user_key, token)


async def issue_text(
    buttons: Buttons, channel: str, user_key: str, label: str, payload: str, now: datetime
) -> str:
    """The text to put on a button standing for ``payload`` in this chat.

    ``label`` itself unless it already stands for another payload here; then the first
    free ``label (n)``. Should all be taken, ``label`` (a press then means its old payload).
    """
    for text in variants(label):
        if await buttons.bind(channel, user_key, text_token(text), payload, now):
            return text
    return label


async def resolve_text(buttons: Buttons, channel: str, user_key: str, text: str) -> str | None:
    """The payload behind a button whose text came back as the message, or None."""
    return await buttons.payload(channel, user_key, text_token(text))
