"""What each handling step changes, and who is told: the status machine of a report."""

from __future__ import annotations

from collections.abc import Callable

from handlers import notices
from handlers.assignment import action_buttons, send_assignment
from handlers.city import Names
from handlers.context import Turn
from handlers.i18n import say
from handlers.model import Choice, Reply
from storage.handling import Change
from storage.records import ReportRecord, Status


def _change(turn: Turn, old: str, new: str, note: str | None = None, **values: object) -> Change:
    return Change(
        actor=turn.user.role,
        old_status=old,
        new_status=new,
        at=turn.ctx.now,
        actor_user_id=turn.user.id,
        note=note,
        values=tuple(values.items()),
    )


async def _apply(turn: Turn, report: ReportRecord, change: Change) -> bool:
    return await turn.ctx.store.handling.change(report.id, change)


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
    """The unit declines the report (not theirs, spam, duplicate)."""
    if not await _apply(turn, report, _change(turn, report.status, Status.REJECTED, reason)):
        return _stale(turn, report)
    await tell_citizens(turn, report, Status.REJECTED, "notify.reason", reason=reason)
    if tell_supervisors:
        unit = turn.ctx.city.unit(report.unit_code)

        def compose(language: str) -> list[Reply]:
            text = say(
                language,
                "sup.rejected",
                code=report.code,
                reason=reason,
                unit=unit.name.in_language(language),
            )
            pick = Choice(say(language, "act.transfer"), f"act:transfer:{report.code}")
            return [Reply(text, (pick,))]

        await notices.to_supervisors(turn.ctx, compose, "escalation")
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
    conversations = turn.ctx.store.conversations
    current = await conversations.load(report.user_id)
    if current is None or current.flow == "menu":
        await conversations.save(
            report.user_id, "answer", "waiting", {"code": report.code}, turn.ctx.now
        )


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
