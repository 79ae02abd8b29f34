"""The report dialog's category buttons: the likeliest few, or all of them."""

from __future__ import annotations

from handlers.core.city import CATEGORY_CODES
from handlers.core.context import Turn
from handlers.core.model import Choice, Reply
from handlers.report.draft import Draft


def category_label(turn: Turn, code: str) -> str:
    """A category's name in the user's language."""
    return turn.ctx.city.category(code).name.in_language(turn.language)


def suggest_categories(turn: Turn, draft: Draft) -> Reply:
    """The three likeliest categories as buttons, and "another"."""
    if not draft.ranking:
        return all_categories(turn)
    best = [code for code, _ in draft.ranking[:3]]
    choices = [Choice(category_label(turn, code), f"report:cat:{code}") for code in best]
    choices.append(Choice(turn.say("report.other_category"), "report:cat:other"))
    return Reply(turn.say("report.ask_category"), tuple(choices))


def all_categories(turn: Turn) -> Reply:
    """Every category as a button."""
    choices = tuple(
        Choice(category_label(turn, code), f"report:cat:{code}") for code in CATEGORY_CODES
    )
    return Reply(turn.say("report.all_categories"), choices)
