"""What each handling step changes, and who is told: the status machine of a report."""

from __future__ import annotations

from collections.abc import Callable

from handlers.core.city import Names
from handlers.core.context import Turn
from handlers.core.conversation import MENU_FLOW, HandOver, hand_over
from handlers.core.flow import Step
from handlers.core.i18n import say
from handlers.core.model import Choice, Reply
from handlers.crisis import urgent
from handlers.handling import notices
from handlers.handling.assignment import action_buttons, send_assignment
from handlers.handling.citizen_replies import ANSWER_FLOW
from storage.crisis import acknowledges
from storage.handling import Change
from storage.records import ConversationRecord, ReportRecord, Status


def _change(turn: Turn, old: str, new: str, note: str | None = None, **values: object) -> Change:
    return Change(
        actor=turn.user.role,
        old_status=old,
        new_status=new,
        at=turn.ctx.now,
        actor_user_id=turn.actor_id,
        note=note,
        values=tuple(values.items()),
    )


REASSIGN_NOTE = "sent back to the supervisors for reassignment"
CONFIRMED_NOTE = "rejection confirmed by a supervisor"


async def _apply(turn: Turn, report: ReportRecord, change: Change) -> bool:
    """Apply an official's change; the author's open answer to a question ends with it.

    The first time a person takes an urgent report on, its author is told at once.
    """
    if not await turn.ctx.store.handling.change(report.id, change):
        return False
    if acknowledges(change.actor, change.actor_user_id, change.new_status):
        await urgent.acknowledged(turn.ctx, report)

    def answering(current: ConversationRecord | None) -> bool:
        return bool(
            current and current.flow == ANSWER_FLOW and current.data.get("code") == report.code
        )

    await hand_over(turn.ctx, HandOver(report.user_id, answering, Step.end(())))
    return True


def awaiting_reassignment(report: ReportRecord) -> bool:
    """Rejected as 'not ours' and waiting for a supervisor: not final, citizens are not told."""
    if report.status != Status.REJECTED:
        return False
    marks = [e.note for e in report.events if e.note in (REASSIGN_NOTE, CONFIRMED_NOTE)]
    return bool(marks) and marks[-1] == REASSIGN_NOTE


def _done(turn: Turn, report: ReportRecord, status: str) -> list[Reply]:
    label = turn.say(f"status.{status}")
    return [Reply(turn.say("act.done_ok", code=report.code, status=label))]


def _stale(turn: Turn, report: ReportRecord) -> list[Reply]:
    label = turn.say(f"status.{report.status}")
    return [Reply(turn.say("act.stale", code=report.code, status=label))]


def status_notice(
    report: ReportRecord,
    status: str,
    own: bool,
    detail: Callable[[str], str] | None = None,
    image: str | None = None,
) -> notices.Compose:
    """A status change as the author (``own``) or a follower reads it, in any language."""

    def compose(language: str) -> list[Reply]:
        key = "notify.status" if own else "notify.followed_status"
        label = say(language, f"status.{status}")
        more = detail(language) if detail else ""
        text = say(language, key, code=report.code, status=label, detail=more)
        return [*([Reply("", image_sha256=image)] if image else []), Reply(text)]

    return compose


async def tell_citizens(
    turn: Turn,
    report: ReportRecord,
    status: str,
    detail_key: str | None,
    image: str | None = None,
    **values: object,
) -> None:
    """The author and followers hear of a status change, in their own language."""

    def detail(language: str) -> str:
        if detail_key is None:
            return ""
        local = {
            k: v.in_language(language) if isinstance(v, Names) else v for k, v in values.items()
        }
        return say(language, detail_key, **local)

    await notices.to_citizens(
        turn.ctx,
        report.id,
        report.user_id,
        status_notice(report, status, True, detail, image),
        status_notice(report, status, False, detail, image),
    )


async def accept(turn: Turn, report: ReportRecord) -> list[Reply]:
    """The unit takes the report on."""
    if report.status == Status.IN_PROGRESS:
        return _stale(turn, report)
    if not await _apply(turn, report, _change(turn, report.status, Status.IN_PROGRESS)):
        return _stale(turn, report)
    await tell_citizens(turn, report, Status.IN_PROGRESS, None)
    remaining = tuple(
        choice
        for choice in action_buttons(report.code, turn.language)
        if not choice.payload.startswith("act:accept:")
    )
    return [Reply(turn.say("act.accepted", code=report.code), remaining)]


async def transfer(turn: Turn, report: ReportRecord, unit_code: str, reason: str) -> list[Reply]:
    """Hand the report to another unit: transferred, then assigned there."""
    city = turn.ctx.city
    moved = _change(
        turn, report.status, Status.TRANSFERRED, f"{unit_code}: {reason}", unit_code=unit_code
    )
    if not await _apply(turn, report, moved):
        return _stale(turn, report)
    await _apply(turn, report, _change(turn, Status.TRANSFERRED, Status.ASSIGNED, unit_code))
    await send_assignment(turn.ctx, report.code, "assign.transferred", reason=reason)

    await tell_citizens(
        turn, report, Status.TRANSFERRED, "notify.unit", unit=city.unit(unit_code).name
    )
    return _done(turn, report, Status.TRANSFERRED)


async def reject(
    turn: Turn, report: ReportRecord, reason: str, tell_supervisors: bool
) -> list[Reply]:
    """The unit declines the report (not theirs, spam, duplicate).

    Spam and duplicates are final and the citizens are told. 'Not ours' goes to the
    supervisors, who transfer it or confirm the rejection; the citizens hear the outcome.
    """
    if not await _apply(turn, report, _change(turn, report.status, Status.REJECTED, reason)):
        return _stale(turn, report)
    if not tell_supervisors:
        await tell_citizens(turn, report, Status.REJECTED, "notify.reason", reason=reason)
        return _done(turn, report, Status.REJECTED)
    mark = Change("system", Status.REJECTED, "", turn.ctx.now, note=REASSIGN_NOTE)
    await turn.ctx.store.handling.note(report.id, mark)
    unit = turn.ctx.city.unit(report.unit_code)

    def compose(language: str) -> list[Reply]:
        name = unit.name.in_language(language)
        text = say(language, "sup.rejected", code=report.code, reason=reason, unit=name)
        pick = Choice(say(language, "act.transfer"), f"act:transfer:{report.code}")
        confirm = Choice(say(language, "act.confirm_reject"), f"act:confirm:{report.code}")
        return [Reply(text, (pick, confirm))]

    await notices.to_supervisors(turn.ctx, compose, "escalation")
    return _done(turn, report, Status.REJECTED)


async def confirm_reject(turn: Turn, report: ReportRecord) -> list[Reply]:
    """A supervisor agrees no unit should take the report: now the citizens are told."""
    if not awaiting_reassignment(report):
        return _stale(turn, report)
    mark = Change(turn.user.role, Status.REJECTED, "", turn.ctx.now, turn.user.id, CONFIRMED_NOTE)
    await turn.ctx.store.handling.note(report.id, mark)
    rejected = [e for e in report.events if e.new_status == Status.REJECTED]
    reason = (rejected[-1].note if rejected else None) or "—"
    await tell_citizens(turn, report, Status.REJECTED, "notify.reason", reason=reason)
    return _done(turn, report, Status.REJECTED)


async def ask_citizen(turn: Turn, report: ReportRecord, question: str) -> list[Reply]:
    """Relay a question to the citizen; their answer comes back into the report."""
    if not await _apply(turn, report, _change(turn, report.status, Status.NEED_INFO, question)):
        return _stale(turn, report)
    await _await_answer(turn, report)

    def compose(language: str) -> list[Reply]:
        text = say(language, "notify.question", code=report.code, question=question)
        answer = Choice(say(language, "menu.answer"), f"answer:{report.code}")
        return [Reply(text, (answer,))]

    followers = status_notice(report, Status.NEED_INFO, False)
    await notices.to_citizens(turn.ctx, report.id, report.user_id, compose, followers)
    return _done(turn, report, Status.NEED_INFO)


async def _await_answer(turn: Turn, report: ReportRecord) -> None:
    """Put the author in 'answer' mode unless they are in the middle of another dialog."""

    def free(current: ConversationRecord | None) -> bool:
        return current is None or current.flow == MENU_FLOW

    step = Step.goto(ANSWER_FLOW, "waiting", {"code": report.code}, ())
    await hand_over(turn.ctx, HandOver(report.user_id, free, step))


async def resolve(turn: Turn, report: ReportRecord, note: str, photo: str | None) -> list[Reply]:
    """Done: the citizen sees the result and is asked whether they are satisfied."""
    change = _change(
        turn,
        report.status,
        Status.RESOLVED,
        note or None,
        resolved_at=turn.ctx.now,
        rating_asked_at=turn.ctx.now,
    )
    if not await _apply(turn, report, change):
        return _stale(turn, report)

    def rate_buttons(language: str) -> tuple[Choice, ...]:
        return (
            Choice(say(language, "rate.yes"), f"rate:{report.code}:yes"),
            Choice(say(language, "rate.no"), f"rate:{report.code}:no"),
        )

    ctx = turn.ctx

    def compose(language: str) -> list[Reply]:
        label = say(language, f"status.{Status.RESOLVED}")
        detail = say(language, "notify.result", note=note) if note else ""
        text = say(language, "notify.status", code=report.code, status=label, detail=detail)
        ask = say(language, "rate.ask", code=report.code)
        shown = [Reply("", image_sha256=photo)] if photo else []
        return [*shown, Reply(f"{text}\n\n{ask}", rate_buttons(language))]

    def result(language: str) -> str:
        return say(language, "notify.result", note=note) if note else ""

    followers = status_notice(report, Status.RESOLVED, False, result, photo)
    await notices.to_citizens(ctx, report.id, report.user_id, compose, followers)
    return _done(turn, report, Status.RESOLVED)
