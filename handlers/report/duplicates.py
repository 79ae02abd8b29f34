"""Before filing: is the same problem already reported nearby? Then offer to follow it.

The offer shows nothing another citizen wrote or photographed: only the kind, the
street or ward, how long ago and where it stands. Only the report offered can be
followed, and a follower hears of status changes only (``handlers.handling.outcomes``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.core.context import Turn
from handlers.core.model import Choice, Reply
from handlers.report.draft import Draft
from storage.records import ReportRecord

RADIUS_M = 150.0
WINDOW = timedelta(days=14)
STREET_WORDS = frozenset(
    {"đường", "duong", "kiệt", "kiet", "hẻm", "hem", "ngõ", "ngo", "số", "so", "street", "road"}
)


async def find(turn: Turn, draft: Draft) -> ReportRecord | None:
    """An open report of the same category within 150 m, or in the same ward and street.

    Distance decides between reports that both have a point; the street and the ward
    decide when either has none.
    """
    assert draft.category is not None
    handling, since = turn.ctx.store.handling, turn.ctx.now - WINDOW
    near: list[ReportRecord] = []
    if draft.location is not None:
        loc = draft.location
        near += await handling.nearby_open(
            draft.category, loc.latitude, loc.longitude, since, RADIUS_M
        )
    if not near and draft.ward:
        street = draft.street or await street_in(turn, draft.address or draft.text)
        same = (
            await handling.same_place_open(draft.category, draft.ward, street, since)
            if street
            else []
        )
        near += [r for r in same if draft.location is None or r.latitude is None]
    others = [r for r in near if r.user_id != turn.user.id]
    return others[0] if others else None


async def offer(turn: Turn, draft: Draft) -> Reply | None:
    """The question 'follow that one or file a new one?', when there is a match."""
    match = await find(turn, draft)
    draft.duplicate_checked = True
    if match is None:
        return None
    draft.offered = [match.code]
    return await _offer_reply(turn, match)


async def offer_again(turn: Turn, draft: Draft) -> Reply | None:
    """The offer made before, asked again (after a press that was not part of it)."""
    reports = turn.ctx.store.reports
    for code in draft.offered:
        if (report := await reports.by_code(code)) is not None:
            return await _offer_reply(turn, report)
    return None


async def _offer_reply(turn: Turn, match: ReportRecord) -> Reply:
    text = turn.say(
        "dup.offer",
        code=match.code,
        category=turn.ctx.city.category(match.category).name.in_language(turn.language),
        place=await public_place(turn, match) or turn.say("dup.near_you"),
        age=age(turn, match.created_at),
        status=turn.say(f"status.{match.status}"),
    )
    choices = (
        Choice(turn.say("dup.follow", code=match.code), f"report:follow:{match.code}"),
        Choice(turn.say("dup.new"), "report:new"),
    )
    return Reply(text, choices)


async def follow(turn: Turn, draft: Draft, code: str) -> list[Reply] | None:
    """Follow the report offered instead of filing a new one; None when it was not offered."""
    if code not in draft.offered:
        return None
    report = await turn.ctx.store.reports.by_code(code)
    if report is None or report.user_id == turn.user.id:
        return None
    await turn.ctx.store.handling.follow(report.id, turn.user.id, turn.ctx.now)
    return [Reply(turn.say("dup.following", code=code))]


async def public_place(turn: Turn, report: ReportRecord) -> str:
    """The street and ward of a report, without house number or exact point ('' if unknown)."""
    ward = turn.ctx.city.ward(report.ward) if report.ward else None
    street = await street_in(turn, report.address)
    parts = [turn.say("place.street", street=street) if street else "", ward.name if ward else ""]
    return ", ".join(part for part in parts if part)


def age(turn: Turn, since: datetime) -> str:
    """How long ago, in words ('3 giờ trước')."""
    minutes = int((turn.ctx.now - since).total_seconds() // 60)
    if minutes < 1:
        return turn.say("age.now")
    if minutes < 60:
        return turn.say("age.minutes", n=minutes)
    if minutes < 48 * 60:
        return turn.say("age.hours", n=minutes // 60)
    return turn.say("age.days", n=minutes // (24 * 60))


async def street_in(turn: Turn, text: str | None) -> str | None:
    """The street named in a text (NLU's ``street`` entity), without prefix or numbers."""
    if not text:
        return None
    parse = await turn.ctx.nlu.parse(text)
    for entity in parse.get("entities", []):
        if entity.get("entity") == "street":
            words = str(entity["value"]).split()
            names = [
                w for w in words
                if w.lower() not in STREET_WORDS and not any(ch.isdigit() for ch in w)
            ]  # fmt: skip
            return " ".join(names) or None
    return None
