"""Greeting, help, language, and the short answers that need no dialog.

/help knows the asker's role: an official, supervisor, broadcaster or admin also gets
their own commands (``handlers/role_commands.py``) and a button for each that needs no
argument, which is the role's menu on messengers without per-person command menus.
"""

from __future__ import annotations

from dataclasses import replace

from handlers import role_commands
from handlers.core.context import Turn
from handlers.core.model import Choice, IncomingMessage, Reply
from handlers.services import find as find_service

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
    """What HueBot can do and how to ask; a role holder's own commands and menu too."""
    role, language = turn.user.role, turn.language
    own = role_commands.staff_help(role, language)
    if own is None:
        return [Reply(turn.say("help"), menu(turn))]
    buttons = role_commands.staff_choices(role, language)
    choices = tuple(Choice(label, payload) for label, payload in buttons)
    return [Reply(f"{turn.say('help')}\n\n{own}", choices or menu(turn))]


def command_of_button(message: IncomingMessage) -> IncomingMessage:
    """A role-menu button (``cmd:overdue``, ``cmd:stats:7``) read as the command it stands for."""
    action, _, rest = (message.choice or "").partition(":")
    name, _, argument = rest.partition(":")
    if action != "cmd" or name not in role_commands.BUTTON_COMMANDS:
        return message
    return replace(message, command=name, choice=None, text=argument or None)


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
