"""Officials act on reports: accept, transfer, reject, ask the citizen, resolve.

Payloads look like ``act:<action>:<code>[:<argument>]``. Nothing in a payload is
trusted: every press is checked against the store (who the user is, which unit
the report belongs to, what status it is in). Refusals are kept in the audit trail.
Actions that need words (a reason, a question, a result) keep their step in the
official's conversation (flow ``official``).
"""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.model import Choice, IncomingMessage, Reply
from handlers.handling import notices, outcomes, unit_picker
from storage.handling import Change
from storage.records import OPEN_STATUSES, ReportRecord, Status
from storage.staff import SUPERVISING

FLOW = "official"
ACTIVE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.NEED_INFO, Status.REOPENED)
REASONS = ("not_ours", "spam", "duplicate")


def may_handle(turn: Turn, report: ReportRecord) -> bool:
    """Supervisors act on every report; officials on their own unit's."""
    user = turn.user
    if user.role in SUPERVISING:
        return True
    return user.role == "official" and user.unit_code == report.unit_code


async def on_press(turn: Turn, payload: str) -> list[Reply]:
    """A button of an assignment message (or a step of an action) was pressed."""
    _, action, code, *rest = [*payload.split(":"), "", ""][:4]
    report = await turn.ctx.store.reports.by_code(code)
    if report is None:
        return [Reply(turn.say("status.not_found", code=code))]
    if not may_handle(turn, report):
        return await _deny(turn, report, action)
    reassigning = action in ("transfer", "to", "confirm") and turn.user.role in SUPERVISING
    if report.status not in ACTIVE and not (reassigning and report.status == Status.REJECTED):
        return [_stale(turn, report)]
    return await _act(turn, report, action, rest[0] if rest else "")


async def _act(turn: Turn, report: ReportRecord, action: str, argument: str) -> list[Reply]:
    code = report.code
    if action == "accept":
        return await outcomes.accept(turn, report)
    if action == "transfer":
        return await _pick_unit(turn, report, int(argument) if argument.isdigit() else 0)
    if action == "confirm" and turn.user.role in SUPERVISING:
        return await outcomes.confirm_reject(turn, report)
    if action == "to" and argument in turn.ctx.city.units_by_code:
        return await _await_words(turn, "transfer_reason", code, argument, "act.ask_reason")
    if action == "reject":
        return [_reasons(turn, code)]
    if action == "why" and argument in REASONS:
        reason = turn.say(f"act.reason.{argument}")
        return await outcomes.reject(turn, report, reason, argument == "not_ours")
    if action == "info":
        return await _await_words(turn, "info_question", code, "", "act.ask_question")
    if action == "resolve":
        return await _await_words(turn, "resolve_note", code, "", "act.ask_note")
    if action == "done":
        return await _finish_resolve(turn, report)
    return [Reply(turn.say("stale_button"))]


async def on_words(
    turn: Turn, state: str, data: dict[str, str], message: IncomingMessage
) -> list[Reply]:
    """The official answered a step: a reason, a question, a result or its photo."""
    report = await turn.ctx.store.reports.by_code(data.get("code", ""))
    if report is None or not may_handle(turn, report):
        await turn.ctx.store.conversations.clear(turn.user.id)
        return [Reply(turn.say("stale_button"))]
    if report.status not in ACTIVE and report.status != Status.REJECTED:
        await turn.ctx.store.conversations.clear(turn.user.id)
        return [_stale(turn, report)]
    if state == "resolve_photo":
        return await _result_photo(turn, report, data, message)
    text = (message.text or "").strip()
    if state == "transfer_pick" and text:
        return await _pick_unit(turn, report, 0, text)
    if not text:
        return [Reply(turn.say("act.ask_reason"))]
    await turn.ctx.store.conversations.clear(turn.user.id)
    if state == "transfer_reason":
        return await outcomes.transfer(turn, report, data["unit"], text)
    if state == "reject_reason":
        return await outcomes.reject(turn, report, text, True)
    if state == "info_question":
        return await outcomes.ask_citizen(turn, report, text)
    return await _await_words(
        turn, "resolve_photo", report.code, "", "act.ask_result_photo", note=text
    )


async def _result_photo(
    turn: Turn, report: ReportRecord, data: dict[str, str], message: IncomingMessage
) -> list[Reply]:
    if not message.photos:
        done = Choice(turn.say("act.done"), f"act:done:{report.code}")
        return [Reply(turn.say("act.ask_result_photo"), (done,))]
    photo = message.photos[0]
    photo_id = await turn.ctx.store.reports.add_photo(
        turn.user.id,
        photo.sha256,
        photo.content_type,
        photo.size,
        (photo.width, photo.height),
        turn.ctx.now,
    )
    await turn.ctx.store.handling.attach_photo(report.id, photo_id)
    await turn.ctx.store.conversations.clear(turn.user.id)
    return await outcomes.resolve(turn, report, data.get("note", ""), photo.sha256)


async def _finish_resolve(turn: Turn, report: ReportRecord) -> list[Reply]:
    conversation = await turn.ctx.store.conversations.load(turn.user.id)
    note = ""
    if conversation and conversation.flow == FLOW and conversation.data.get("code") == report.code:
        note = str(conversation.data.get("note", ""))
    await turn.ctx.store.conversations.clear(turn.user.id)
    return await outcomes.resolve(turn, report, note, None)


async def _await_words(
    turn: Turn, state: str, code: str, unit: str, ask: str, note: str = ""
) -> list[Reply]:
    data = {"code": code, "unit": unit, "note": note}
    await turn.ctx.store.conversations.save(turn.user.id, FLOW, state, data, turn.ctx.now)
    choices: tuple[Choice, ...] = ()
    if state == "resolve_photo":
        choices = (Choice(turn.say("act.done"), f"act:done:{code}"),)
    hint = turn.say("act.reply_hint") if turn.member is not None else ""  # groups hear replies
    return [Reply(turn.say(ask, code=code) + hint, choices)]


async def _pick_unit(
    turn: Turn, report: ReportRecord, number: int, query: str | None = None
) -> list[Reply]:
    """Offer the units a page at a time; words typed meanwhile search them by name.

    The buttons offered are kept, so a bare number picks one where a channel shows a list.
    """
    reply = unit_picker.page(turn, report, number, query)
    offered = [choice.payload for choice in reply.choices]
    data = {"code": report.code, "unit": "", "note": "", "_choices": offered}
    await turn.ctx.store.conversations.save(
        turn.user.id, FLOW, "transfer_pick", data, turn.ctx.now
    )
    return [reply]


def _reasons(turn: Turn, code: str) -> Reply:
    choices = tuple(
        Choice(turn.say(f"act.reason.{reason}"), f"act:why:{code}:{reason}") for reason in REASONS
    )
    return Reply(turn.say("act.reject_reasons", code=code), choices)


def _stale(turn: Turn, report: ReportRecord) -> Reply:
    status = turn.say(f"status.{report.status}")
    return Reply(turn.say("act.stale", code=report.code, status=status))


async def _deny(turn: Turn, report: ReportRecord, action: str) -> list[Reply]:
    change = Change(
        actor=f"user:{turn.user.id}",
        old_status=report.status,
        new_status="",
        at=turn.ctx.now,
        actor_user_id=turn.actor_id,
        note=f"refused {action[:20]!r}: not allowed for role {turn.user.role}",
    )
    await turn.ctx.store.handling.note(report.id, change)
    return [Reply(turn.say("act.denied", code=report.code))]


__all__ = ["FLOW", "OPEN_STATUSES", "may_handle", "notices", "on_press", "on_words"]
