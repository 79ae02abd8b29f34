"""Deep links: ``/start <payload>`` opens the report dialog with its kind and place filled in.

A QR code on a lamp post or a bin carries a link such as ``https://t.me/<bot>?start=<id>``;
the id names a stored definition (category, ward, a note saying where). Any channel
that can pass ``/start <id>`` gets the same dialog, so nothing here knows a messenger.
"""

from __future__ import annotations

import re

from handlers.core import help as help_flow
from handlers.core.context import Turn
from handlers.core.flow import Step
from handlers.core.model import Reply
from handlers.report import issue as report_issue
from handlers.report.draft import Draft

PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


async def start(turn: Turn, payload: str) -> Step:
    """Open the report dialog the link describes.

    Args:
        turn: The update and the user.
        payload: What followed ``/start`` (the link's id).

    Returns:
        The first step of a report with category, ward and the note as address; or,
        for an unknown link, the welcome with a note (the dialog is then over).
    """
    link = await turn.ctx.store.deep_links.get(payload) if PAYLOAD.match(payload) else None
    city = turn.ctx.city
    if link is None or link.category not in city.categories_by_code:
        unknown = Reply(turn.say("deeplink.unknown"))
        return Step.end([unknown, *help_flow.welcome(turn)])
    ward = city.ward(link.ward) if link.ward else None
    address = link.note or (ward.name if ward is not None else None)
    draft = Draft(
        category=link.category,
        category_fixed=True,
        ward=ward.codename if ward else None,
        address=address,
    )
    intro = turn.say(
        "deeplink.opened",
        category=city.category(link.category).name.in_language(turn.language),
        place=report_issue.place_text(turn, None, address),
    )
    return await report_issue.advance(turn, draft, [Reply(intro)])
