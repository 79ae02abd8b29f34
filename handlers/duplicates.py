"""Before filing: is the same problem already reported nearby? Then offer to follow it."""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Turn
from handlers.model import Choice, Reply
from handlers.report_draft import Draft
from storage.records import ReportRecord

RADIUS_M = 150.0
WINDOW = timedelta(days=14)
STREET_WORDS = ("đường", "duong", "kiệt", "kiet", "hẻm", "hem", "street", "road")


async def find(turn: Turn, draft: Draft) -> ReportRecord | None:
    """An open report of the same category within 150 m, or in the same ward and street."""
    assert draft.category is not None
    handling, since = turn.ctx.store.handling, turn.ctx.now - WINDOW
    if draft.location is not None:
        loc = draft.location
        near = await handling.nearby_open(
            draft.category, loc.latitude, loc.longitude, since, RADIUS_M
        )
    elif draft.ward and (street := await _street(turn, draft)):
        near = await handling.same_place_open(draft.category, draft.ward, street, since)
    else:
        near = []
    mine = [r for r in near if r.user_id != turn.user.id]
    return mine[0] if mine else None


async def offer(turn: Turn, draft: Draft) -> Reply | None:
    """The question 'follow that one or file a new one?', when there is a match."""
    match = await find(turn, draft)
    draft.duplicate_checked = True
    if match is None:
        return None
    text = turn.say("dup.offer", code=match.code, text=match.text[:140])
    choices = (
        Choice(turn.say("dup.follow", code=match.code), f"report:follow:{match.code}"),
        Choice(turn.say("dup.new"), "report:new"),
    )
    return Reply(text, choices)


async def follow(turn: Turn, code: str) -> list[Reply]:
    """Follow an existing report instead of filing a new one."""
    report = await turn.ctx.store.reports.by_code(code)
    if report is None:
        return [Reply(turn.say("status.not_found", code=code))]
    await turn.ctx.store.handling.follow(report.id, turn.user.id, turn.ctx.now)
    return [Reply(turn.say("dup.following", code=code))]


async def _street(turn: Turn, draft: Draft) -> str | None:
    """The street named in the address (NLU's ``street`` entity, without its prefix)."""
    parse = await turn.ctx.nlu.parse(draft.address or draft.text or "")
    for entity in parse.get("entities", []):
        if entity.get("entity") == "street":
            words = str(entity["value"]).split()
            names = [w for w in words if w.lower() not in STREET_WORDS and not w.isdigit()]
            return " ".join(names) or None
    return None
