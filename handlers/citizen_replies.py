"""The citizen's side of handling: answering a unit's question, rating the result."""

from __future__ import annotations

from handlers import notices
from handlers.context import Turn
from handlers.i18n import say
from handlers.model import Choice, IncomingMessage, Reply
from storage.handling import Change
from storage.records import ReportRecord, Status

ANSWER_FLOW = "answer"
COMMENT_FLOW = "rating_comment"


async def own_report(turn: Turn, code: str) -> ReportRecord | None:
    """The report if it is the user's own (citizens act on nothing else)."""
    report = await turn.ctx.store.reports.by_code(code)
    return report if report is not None and report.user_id == turn.user.id else None


async def start_answer(turn: Turn, code: str) -> list[Reply]:
    """The citizen pressed 'Answer': their next message goes to the unit."""
    report = await own_report(turn, code)
    if report is None or report.status != Status.NEED_INFO:
        return [Reply(turn.say("stale_button"))]
    data = {"code": code}
    await turn.ctx.store.conversations.save(
        turn.user.id, ANSWER_FLOW, "waiting", data, turn.ctx.now
    )
    return [Reply(turn.say("answer.prompt", code=code))]


async def answer(turn: Turn, code: str, message: IncomingMessage) -> list[Reply]:
    """Put the citizen's answer (text and photos) into the report; back to the unit."""
    await turn.ctx.store.conversations.clear(turn.user.id)
    report = await own_report(turn, code)
    if report is None or report.status != Status.NEED_INFO:
        return [Reply(turn.say("stale_button"))]
    for photo in message.photos:
        photo_id = await turn.ctx.store.reports.add_photo(
            turn.user.id,
            photo.sha256,
            photo.content_type,
            photo.size,
            (photo.width, photo.height),
            turn.ctx.now,
        )
        await turn.ctx.store.handling.attach_photo(report.id, photo_id)
    text = (message.text or "").strip() or "📷"
    change = Change(
        "citizen",
        Status.NEED_INFO,
        Status.IN_PROGRESS,
        turn.ctx.now,
        turn.user.id,
        f"answer: {text}",
    )
    if not await turn.ctx.store.handling.change(report.id, change):
        return [Reply(turn.say("stale_button"))]

    def compose(language: str) -> list[Reply]:
        photos = [Reply("", image_sha256=p.sha256) for p in message.photos[:3]]
        return [*photos, Reply(say(language, "notify.answer", code=code, answer=text))]

    await notices.to_unit(turn.ctx, report.unit_code, compose, "answer")
    return [Reply(turn.say("notify.answer_thanks", code=code))]


async def rate(turn: Turn, code: str, verdict: str) -> list[Reply]:
    """'Satisfied' closes the report; 'not satisfied' reopens it once, then closes it disputed."""
    report = await own_report(turn, code)
    if report is None:
        return [Reply(turn.say("stale_button"))]
    if report.status != Status.RESOLVED:
        return [Reply(turn.say("rate.already", code=code))]
    if verdict == "yes":
        return await _satisfied(turn, report)
    if report.reopen_count == 0:
        return await _reopen(turn, report)
    return await _disputed(turn, report)


def _change(turn: Turn, new: str, note: str, **values: object) -> Change:
    return Change(
        "citizen",
        Status.RESOLVED,
        new,
        turn.ctx.now,
        turn.user.id,
        note,
        tuple({"rated_at": turn.ctx.now, **values}.items()),
    )


async def _satisfied(turn: Turn, report: ReportRecord) -> list[Reply]:
    if not await turn.ctx.store.handling.change(
        report.id, _change(turn, Status.CLOSED, "satisfied", satisfied=True)
    ):
        return [Reply(turn.say("rate.already", code=report.code))]
    return await _ask_comment(turn, report.code, turn.say("rate.thanks"))


async def _reopen(turn: Turn, report: ReportRecord) -> list[Reply]:
    change = _change(
        turn, Status.REOPENED, "not satisfied", satisfied=False, reopen_count=1, resolved_at=None
    )
    if not await turn.ctx.store.handling.change(report.id, change):
        return [Reply(turn.say("rate.already", code=report.code))]
    from handlers.assignment import send_assignment

    await send_assignment(turn.ctx, report.code, "assign.reopened", comment="")
    unit = turn.ctx.city.unit(report.unit_code)

    def compose(language: str) -> list[Reply]:
        text = say(
            language, "sup.reopened", code=report.code, unit=unit.name.in_language(language)
        )
        return [Reply(text)]

    await notices.to_supervisors(turn.ctx, compose, "escalation")
    return await _ask_comment(turn, report.code, turn.say("rate.reopened", code=report.code))


async def _disputed(turn: Turn, report: ReportRecord) -> list[Reply]:
    change = _change(
        turn, Status.CLOSED, "not satisfied again: disputed", satisfied=False, disputed=True
    )
    if not await turn.ctx.store.handling.change(report.id, change):
        return [Reply(turn.say("rate.already", code=report.code))]

    def compose(language: str) -> list[Reply]:
        return [Reply(say(language, "sup.disputed", code=report.code))]

    await notices.to_supervisors(turn.ctx, compose, "escalation")
    return await _ask_comment(turn, report.code, turn.say("rate.disputed", code=report.code))


async def _ask_comment(turn: Turn, code: str, lead: str) -> list[Reply]:
    data = {"code": code}
    await turn.ctx.store.conversations.save(
        turn.user.id, COMMENT_FLOW, "waiting", data, turn.ctx.now
    )
    skip = Choice(turn.say("rate.skip"), f"rate:{code}:skip")
    return [Reply(f"{lead}\n{turn.say('rate.ask_comment')}", (skip,))]


async def comment(turn: Turn, code: str, text: str | None) -> list[Reply]:
    """Keep the citizen's comment on their rating (or nothing, when they skip)."""
    await turn.ctx.store.conversations.clear(turn.user.id)
    report = await own_report(turn, code)
    if report is not None and text and text.strip():
        await turn.ctx.store.handling.mark(report.id, rating_comment=text.strip()[:2000])
    return [Reply(turn.say("rate.thanks"))]
