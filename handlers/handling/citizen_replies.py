"""The citizen's side of handling: answering a unit's question, rating the result.

While a unit's question is open, everything the citizen sends (text, photos, a
place) goes to that report, until they press "Done" or an official acts on the
report (``handlers.handling.outcomes`` closes the answer then).
"""

from __future__ import annotations

from datetime import timedelta

from handlers.core.context import Turn
from handlers.core.flow import Step
from handlers.core.i18n import say
from handlers.core.model import Choice, IncomingMessage, Reply
from handlers.handling import notices
from handlers.handling.assignment import send_assignment
from storage.handling import Change
from storage.records import ConversationRecord, ReportRecord, Status

ANSWER_FLOW = "answer"
COMMENT_FLOW = "rating_comment"
ANSWERING = (Status.NEED_INFO, Status.IN_PROGRESS)
DONE_WORDS = frozenset({"xong", "xong rồi", "xong roi", "done", "hết", "het", "đủ rồi", "du roi"})
# The unit's reopen notice waits this long for the citizen's comment, then goes without it.
REOPEN_HOLD = timedelta(minutes=10)


async def own_report(turn: Turn, code: str) -> ReportRecord | None:
    """The report if it is the user's own (citizens act on nothing else)."""
    report = await turn.ctx.store.reports.by_code(code)
    return report if report is not None and report.user_id == turn.user.id else None


async def start_answer(turn: Turn, code: str) -> Step:
    """The citizen pressed 'Answer': what they send next goes to the unit."""
    report = await own_report(turn, code)
    if report is None or report.status != Status.NEED_INFO:
        return Step.stay([Reply(turn.say("stale_button"))])
    prompt = Reply(turn.say("answer.prompt", code=code), (_done_button(turn, code),))
    return _keep_answering(code, False, prompt)


async def answer(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step | None:
    """Put what the citizen sent into the report and pass it to the unit.

    Returns:
        None when the question is closed (the message is then handled as any other).
    """
    code = str(conversation.data.get("code", "")) if conversation is not None else ""
    report = await own_report(turn, code)
    if report is None or report.status not in ANSWERING:
        return None
    if (message.text or "").strip().lower() in DONE_WORDS:
        return await finish_answer(turn, code, conversation)
    await _attach_photos(turn, report, message)
    words = _words(message)
    if not words and not message.photos:
        prompt = Reply(turn.say("answer.prompt", code=code), (_done_button(turn, code),))
        return Step.stay([prompt])
    await _record_answer(turn, report, words or "📷")
    await notices.to_unit(turn.ctx, report.unit_code, _to_unit(code, words, message), "answer")
    thanks = turn.say("notify.answer_thanks", code=code)
    return _keep_answering(code, True, Reply(thanks, (_done_button(turn, code),)))


async def finish_answer(turn: Turn, code: str, conversation: ConversationRecord | None) -> Step:
    """The citizen said they are done: the unit hears so, the chat is free again."""
    answering = (
        conversation is not None
        and conversation.flow == ANSWER_FLOW
        and conversation.data.get("code") == code
    )
    if not answering or conversation is None:
        return Step.stay([Reply(turn.say("stale_button"))])
    report = await own_report(turn, code)
    if report is not None and conversation.data.get("sent") == "yes":

        def compose(language: str) -> list[Reply]:
            return [Reply(say(language, "notify.answer_done", code=code))]

        await notices.to_unit(turn.ctx, report.unit_code, compose, "answer")
    return Step.end([Reply(turn.say("answer.finished", code=code))])


def _keep_answering(code: str, sent: bool, reply: Reply) -> Step:
    data = {"code": code, "sent": "yes" if sent else "no"}
    return Step.goto(ANSWER_FLOW, "waiting", data, [reply])


def _done_button(turn: Turn, code: str) -> Choice:
    return Choice(turn.say("answer.done"), f"answer:{code}:done")


def _words(message: IncomingMessage) -> str:
    parts = [(message.text or "").strip()]
    point = message.location
    if point is not None and point.is_valid():
        lat, lon = f"{point.latitude:.6f}", f"{point.longitude:.6f}"
        parts.append(f"📍 https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}")
    return "\n".join(part for part in parts if part)


async def _attach_photos(turn: Turn, report: ReportRecord, message: IncomingMessage) -> None:
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


async def _record_answer(turn: Turn, report: ReportRecord, words: str) -> None:
    """The first answer puts the report back in progress; later ones join its history."""
    handling, now = turn.ctx.store.handling, turn.ctx.now
    note = f"answer: {words}"
    first = Change("citizen", Status.NEED_INFO, Status.IN_PROGRESS, now, turn.user.id, note)
    if report.status == Status.NEED_INFO and await handling.change(report.id, first):
        return
    await handling.note(report.id, Change("citizen", report.status, "", now, turn.user.id, note))


def _to_unit(code: str, words: str, message: IncomingMessage) -> notices.Compose:
    def compose(language: str) -> list[Reply]:
        photos = [Reply("", image_sha256=p.sha256) for p in message.photos[:3]]
        if words:
            text = say(language, "notify.answer", code=code, answer=words)
        else:
            text = say(language, "notify.answer_photo", code=code)
        return [*photos, Reply(text)]

    return compose


async def rate(turn: Turn, code: str, verdict: str) -> Step:
    """'Satisfied' closes the report; 'not satisfied' reopens it once, then closes it disputed."""
    report = await own_report(turn, code)
    if report is None:
        return Step.stay([Reply(turn.say("stale_button"))])
    if report.status != Status.RESOLVED:
        return Step.stay([Reply(turn.say("rate.already", code=code))])
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


async def _satisfied(turn: Turn, report: ReportRecord) -> Step:
    if not await turn.ctx.store.handling.change(
        report.id, _change(turn, Status.CLOSED, "satisfied", satisfied=True)
    ):
        return Step.stay([Reply(turn.say("rate.already", code=report.code))])
    return await _ask_comment(turn, report.code, turn.say("rate.thanks"))


async def _reopen(turn: Turn, report: ReportRecord) -> Step:
    """Reopen at once; the unit's notice is held a while for the citizen's comment."""
    change = _change(
        turn, Status.REOPENED, "not satisfied", satisfied=False, reopen_count=1, resolved_at=None
    )
    if not await turn.ctx.store.handling.change(report.id, change):
        return Step.stay([Reply(turn.say("rate.already", code=report.code))])
    held = await send_assignment(turn.ctx, report.code, "assign.reopened", REOPEN_HOLD)
    unit = turn.ctx.city.unit(report.unit_code)

    def compose(language: str) -> list[Reply]:
        text = say(
            language, "sup.reopened", code=report.code, unit=unit.name.in_language(language)
        )
        return [Reply(text)]

    await notices.to_supervisors(turn.ctx, compose, "escalation")
    lead = turn.say("rate.reopened", code=report.code)
    return await _ask_comment(turn, report.code, lead, held)


async def _disputed(turn: Turn, report: ReportRecord) -> Step:
    change = _change(
        turn, Status.CLOSED, "not satisfied again: disputed", satisfied=False, disputed=True
    )
    if not await turn.ctx.store.handling.change(report.id, change):
        return Step.stay([Reply(turn.say("rate.already", code=report.code))])

    def compose(language: str) -> list[Reply]:
        return [Reply(say(language, "sup.disputed", code=report.code))]

    await notices.to_supervisors(turn.ctx, compose, "escalation")
    return await _ask_comment(turn, report.code, turn.say("rate.disputed", code=report.code))


async def _ask_comment(turn: Turn, code: str, lead: str, held: list[int] | None = None) -> Step:
    data = {"code": code, "held": ",".join(str(i) for i in held or [])}
    skip = Choice(turn.say("rate.skip"), f"rate:{code}:skip")
    ask = Reply(f"{lead}\n{turn.say('rate.ask_comment')}", (skip,))
    return Step.goto(COMMENT_FLOW, "waiting", data, [ask])


async def comment(
    turn: Turn, code: str, text: str | None, conversation: ConversationRecord | None
) -> Step:
    """Keep the citizen's comment on their rating (or nothing, when they skip).

    After a reopening, the unit's held notice goes out now, with the comment.
    """
    held = ""
    if (
        conversation
        and conversation.flow == COMMENT_FLOW
        and conversation.data.get("code") == code
    ):
        held = str(conversation.data.get("held", ""))
    report = await own_report(turn, code)
    words = (text or "").strip()[:2000]
    if report is not None and words:
        await turn.ctx.store.handling.mark(report.id, rating_comment=words)
    if report is not None and held:
        await _release_reopen_notice(turn, code, [int(i) for i in held.split(",")], words)
    return Step.end([Reply(turn.say("rate.thanks"))])


async def _release_reopen_notice(turn: Turn, code: str, held: list[int], words: str) -> None:
    """Send the reopen notice now (with the comment), instead of the one held back."""
    withdrawn = await turn.ctx.store.outbox.withdraw(held)
    if words:
        await send_assignment(turn.ctx, code, "assign.reopened_comment", comment=words)
    elif withdrawn:
        await send_assignment(turn.ctx, code, "assign.reopened")
