"""Officials act on reports: accept, transfer, reject, ask the citizen, resolve.

Payloads look like ``act:<action>:<code>[:<argument>]``. Nothing in a payload is
trusted: every press is checked against the store (who the user is, which unit
the report belongs to, what status it is in). Refusals are kept in the audit trail.
Actions that need words (a reason, a question, a result) return a ``Step`` that
keeps the official's conversation in flow ``official`` until the words come.
"""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.flow import Step
from handlers.core.model import Choice, IncomingMessage, Reply
from handlers.handling import notices, outcomes, unit_picker
from storage.handling import Change
from storage.records import OPEN_STATUSES, ConversationRecord, ReportRecord, Status
from storage.staff import SUPERVISING

FLOW = "official"
ACTIVE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.NEED_INFO, Status.REOPENED)
REASONS = ("not_ours", "spam", "duplicate")
STATES = (
    "transfer_pick",
    "transfer_reason",
    "reject_reason",
    "info_question",
    "resolve_note",
    "resolve_photo",
)


def may_handle(turn: Turn, report: ReportRecord) -> bool:
    """Supervisors act on every report; officials on their own unit's."""
    user = turn.user
    if user.role in SUPERVISING:
        return True
    return user.role == "official" and user.unit_code == report.unit_code


async def on_press(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step:
    """A button of an assignment message (or a step of an action) was pressed."""
    _, action, code, *rest = [*(message.choice or "").split(":"), "", ""][:4]
    report = await turn.ctx.store.reports.by_code(code)
    if report is None:
        return Step.stay([Reply(turn.say("status.not_found", code=code))])
    if not may_handle(turn, report):
        return Step.stay(await _deny(turn, report, action))
    reassigning = action in ("transfer", "to", "confirm") and turn.user.role in SUPERVISING
    if report.status not in ACTIVE and not (reassigning and report.status == Status.REJECTED):
        return Step.stay([_stale(turn, report)])
    if action == "done":
        return Step.end(await _finish_resolve(turn, report, conversation))
    return await _act(turn, report, action, rest[0] if rest else "")


async def _act(turn: Turn, report: ReportRecord, action: str, argument: str) -> Step:
    code = report.code
    if action == "transfer":
        return _pick_unit(turn, report, int(argument) if argument.isdigit() else 0)
    if action == "to" and argument in turn.ctx.city.units_by_code:
        return _await_words(turn, "transfer_reason", code, argument, "act.ask_reason")
    if action == "info":
        return _await_words(turn, "info_question", code, "", "act.ask_question")
    if action == "resolve":
        return _await_words(turn, "resolve_note", code, "", "act.ask_note")
    return Step.stay(await _decide(turn, report, action, argument))


async def _decide(turn: Turn, report: ReportRecord, action: str, argument: str) -> list[Reply]:
    if action == "accept":
        return await outcomes.accept(turn, report)
    if action == "confirm" and turn.user.role in SUPERVISING:
        return await outcomes.confirm_reject(turn, report)
    if action == "reject":
        return [_reasons(turn, report.code)]
    if action == "why" and argument in REASONS:
        reason = turn.say(f"act.reason.{argument}")
        return await outcomes.reject(turn, report, reason, argument == "not_ours")
    return [Reply(turn.say("stale_button"))]


async def on_words(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> Step:
    """The official answered a step: a reason, a question, a result or its photo."""
    assert conversation is not None  # the router calls this only while the flow is open
    state = conversation.state
    data = {key: str(value) for key, value in conversation.data.items()}
    report = await turn.ctx.store.reports.by_code(data.get("code", ""))
    if report is None or not may_handle(turn, report):
        return Step.end([Reply(turn.say("stale_button"))])
    if report.status not in ACTIVE and report.status != Status.REJECTED:
        return Step.end([_stale(turn, report)])
    if state == "resolve_photo":
        return await _result_photo(turn, report, data, message)
    text = (message.text or "").strip()
    if state == "transfer_pick" and text:
        return _pick_unit(turn, report, 0, text)
    if not text:
        return Step.stay([Reply(turn.say("act.ask_reason"))])
    if state == "resolve_note":
        return _await_words(
            turn, "resolve_photo", report.code, "", "act.ask_result_photo", note=text
        )
    return Step.end(await _relay(turn, report, state, data, text))


async def _relay(
    turn: Turn, report: ReportRecord, state: str, data: dict[str, str], text: str
) -> list[Reply]:
    if state == "transfer_reason":
        return await outcomes.transfer(turn, report, data["unit"], text)
    if state == "reject_reason":
        return await outcomes.reject(turn, report, text, True)
    return await outcomes.ask_citizen(turn, report, text)


async def _result_photo(
    turn: Turn, report: ReportRecord, data: dict[str, str], message: IncomingMessage
) -> Step:
    if not message.photos:
        done = Choice(turn.say("act.done"), f"act:done:{report.code}")
        return Step.stay([Reply(turn.say("act.ask_result_photo"), (done,))])
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
    return Step.end(await outcomes.resolve(turn, report, data.get("note", ""), photo.sha256))


async def _finish_resolve(
    turn: Turn, report: ReportRecord, conversation: ConversationRecord | None
) -> list[Reply]:
    note = ""
    if conversation and conversation.flow == FLOW and conversation.data.get("code") == report.code:
        note = str(conversation.data.get("note", ""))
    return await outcomes.resolve(turn, report, note, None)


def _await_words(turn: Turn, state: str, code: str, unit: str, ask: str, note: str = "") -> Step:
    data = {"code": code, "unit": unit, "note": note}
    choices: tuple[Choice, ...] = ()
    if state == "resolve_photo":
        choices = (Choice(turn.say("act.done"), f"act:done:{code}"),)
    hint = turn.say("act.reply_hint") if turn.member is not None else ""  # groups hear replies
    return Step.goto(FLOW, state, data, [Reply(turn.say(ask, code=code) + hint, choices)])


def _pick_unit(turn: Turn, report: ReportRecord, number: int, query: str | None = None) -> Step:
    """Offer the units a page at a time; words typed meanwhile search them by name.

    The buttons offered are kept, so a bare number picks one where a channel shows a list.
    """
    reply = unit_picker.page(turn, report, number, query)
    data = {"code": report.code, "unit": "", "note": ""}
    return Step.goto(FLOW, "transfer_pick", data, [reply], numbered=True)


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
