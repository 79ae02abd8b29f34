"""An alert fits one message: each field is capped, the description cut last, with a note.

A CAP file or a broadcaster may write a description of any length; a 1 MB one became 250
Telegram messages per recipient. ``fit_to_message`` caps the short fields, then shortens
the description (in every language the alert is read in) until the whole rendered alert
fits ``MESSAGE_CHARS`` with room for the markup a channel adds, ending it with a note
that says it was shortened and where the full text is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Final

from handlers.alerts.render import render_alert
from handlers.core.city import City
from handlers.core.i18n import say
from storage.alerts import AlertContent

MESSAGE_CHARS: Final = 3800  # Telegram's 4096, less room for HTML escapes and markup
HEADLINE_CHARS: Final = 200
INSTRUCTION_CHARS: Final = 600
SENDER_CHARS: Final = 120
LINK_CHARS: Final = 300
AREA_CHARS: Final = 500
LANGUAGES: Final = ("vi", "en")
_LONGEST_ID: Final = 10**9  # rendered with the widest alert number it may get


def fit_to_message(content: AlertContent, city: City) -> tuple[AlertContent, tuple[str, ...]]:
    """Cap ``content``'s fields so that it is one message in every language.

    Returns:
        The fitted content and the names of the fields that were cut (empty if none).
    """
    cut: list[str] = []
    fitted = replace(
        content,
        headline=_cap(content.headline, HEADLINE_CHARS, "headline", cut) or "",
        instruction=_cap(content.instruction, INSTRUCTION_CHARS, "instruction", cut),
        sender=_cap(content.sender, SENDER_CHARS, "sender", cut) or "",
        link=_cap(content.link, LINK_CHARS, "link", cut),
        area_desc=_cap(content.area_desc, AREA_CHARS, "area", cut),
        translations={k: _capped(v, cut) for k, v in content.translations.items()},
    )
    for language in LANGUAGES:
        fitted = _fit_description(fitted, language, city, cut)
    return fitted, tuple(dict.fromkeys(cut))


def _cap(value: str | None, limit: int, name: str, cut: list[str]) -> str | None:
    if value is None or len(value) <= limit:
        return value
    cut.append(name)
    return value[: limit - 1].rstrip() + "…"


def _capped(text: Mapping[str, str | None], cut: list[str]) -> dict[str, str | None]:
    capped = dict(text)
    capped["headline"] = _cap(text.get("headline"), HEADLINE_CHARS, "headline", cut)
    capped["instruction"] = _cap(text.get("instruction"), INSTRUCTION_CHARS, "instruction", cut)
    return capped


def _fit_description(
    content: AlertContent, language: str, city: City, cut: list[str]
) -> AlertContent:
    for _ in range(3):  # a cut changes only the description: one pass fits, two are spare
        over = len(render_alert(content, _LONGEST_ID, language, city)[0].text) - MESSAGE_CHARS
        if over <= 0:
            return content
        cut.append("description")
        content = _shorten(content, language, over)
    return content


def _shorten(content: AlertContent, language: str, over: int) -> AlertContent:
    note = say(language, "alert.shortened")
    own = content.translations.get(language) if language != content.language else None
    if own and own.get("description"):
        text = str(own["description"])
        kept = text[: max(0, len(text) - over - len(note))].rstrip() + note
        translations = {**content.translations, language: {**own, "description": kept}}
        return replace(content, translations=translations)
    text = content.description
    note = say(content.language, "alert.shortened")
    kept = text[: max(0, len(text) - over - len(note))].rstrip() + note
    return replace(content, description=kept)
