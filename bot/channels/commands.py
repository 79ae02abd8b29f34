"""The one command parser every messenger uses: ``/status PA-1`` -> ``("status", "PA-1")``.

A command is a slash, 1-32 letters, digits or underscores (Telegram's rule, case
ignored), optionally ``@botname``, then optionally the argument after whitespace.
Where a platform names the bot (Telegram groups), a command addressed to another bot
is not ours: it comes back as ``("", None)`` so the channel can ignore it.
"""

from __future__ import annotations

import re

COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@(\w+))?(?:\s+(.*))?$", re.DOTALL)


def split_command(text: str | None, username: str | None = None) -> tuple[str | None, str | None]:
    """Split a command from its argument.

    Args:
        text: What the person wrote (None for a message without text).
        username: This bot's name, where the platform lets commands name a bot.

    Returns:
        ``(command, argument)`` with the command lower-cased, ``(None, text)`` for a
        text that is not a command, ``("", None)`` for a command to another bot.
    """
    match = COMMAND.match(text.strip()) if text else None
    if match is None:
        return None, text
    target = match.group(2)
    if target is not None and username is not None and target.lower() != username.lower():
        return "", None
    return match.group(1).lower(), match.group(3)
