"""Greeting, help, language, and the short answers that need no dialog."""

from __future__ import annotations

from dataclasses import replace

from handlers import find_service
from handlers.context import Turn
from handlers.model import Choice, Reply

LANGUAGES = ("vi", "en")


def menu(turn: Turn) -> tuple[Choice, ...]:
    """The main actions as buttons."""
    return (
        Choice(turn.say("menu.report"), "menu:report"),
        Choice(turn.say("menu.mine"), "menu:mine"),
        find_service.menu_choice(turn.language),
        Choice(turn.say("menu.help"), "menu:help"),
    )


def welcome(turn: Turn) -> list[Reply]:
    """What /start and a greeting answer."""
    return [Reply(turn.say("welcome"), menu(turn))]


def help_text(turn: Turn) -> list[Reply]:
    """What HueBot can do and how to ask."""
    return [Reply(turn.say("help"), menu(turn))]


def not_understood(turn: Turn) -> list[Reply]:
    """A polite 'I did not get that' with the main actions."""
    return [Reply(turn.say("not_understood"), menu(turn))]


async def set_language(turn: Turn, argument: str | None) -> tuple[Turn, list[Reply]]:
    """``/lang vi|en``: remember the language and answer in it."""
    language = (argument or "").strip().lower()[:2]
    if language not in LANGUAGES:
        return turn, [Reply(turn.say("lang.usage"))]
    await turn.ctx.store.users.set_language(turn.user.id, language)
    turn = Turn(turn.ctx, replace(turn.user, language=language), turn.member)
    return turn, [Reply(turn.say("lang.set"), menu(turn))]
