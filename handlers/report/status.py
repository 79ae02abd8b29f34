"""A citizen's reports: the list of their latest, and one report in detail.

A citizen sees their own reports in full, and the reports they follow as the
public sees them: kind, street or ward, unit, status and dates, with the history
of status changes but none of the author's words, photos or exact point.
"""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.model import Choice, GeoPoint, Reply
from handlers.handling.outcomes import CONFIRMED_NOTE, REASSIGN_NOTE, awaiting_reassignment
from handlers.report import duplicates
from handlers.report.issue import place_text
from storage.records import EventRecord, ReportRecord, Status
from storage.staff import SUPERVISING

SHOWN_EVENTS = 10
STAFF_ACTORS = ("official", *SUPERVISING)  # whose names a staff history shows


async def my_reports(turn: Turn) -> list[Reply]:
    """The user's latest reports and those they follow, each a button to its detail."""
    listed = await turn.ctx.store.reports.of_user(turn.user.id, limit=10, following=True)
    if not listed:
        return [Reply(turn.say("mine.none"))]
    reports = [await _with_events(turn, report) for report in listed]
    lines = [turn.say("mine.header")]
    lines += [_line(turn, report) for report in reports]
    choices = tuple(Choice(report.code, f"status:{report.code}") for report in reports[:5])
    return [Reply("\n".join(lines), choices)]


async def report_status(turn: Turn, code: str | None) -> list[Reply]:
    """One of the user's reports (or one they follow) with its history; nobody else's."""
    if not code:
        return [Reply(turn.say("status.usage"))]
    report = await turn.ctx.store.reports.by_code(code)
    if report is None:
        return [Reply(turn.say("status.not_found", code=code))]
    if report.user_id == turn.user.id:
        replies = [Reply(_detail(turn, report))]
        return replies + [Reply("", image_sha256=p.sha256) for p in report.photos[:3]]
    if await turn.ctx.store.handling.is_follower(report.id, turn.user.id):
        return [Reply(await _followed_detail(turn, report))]
    return [Reply(turn.say("status.not_found", code=code))]


async def _with_events(turn: Turn, report: ReportRecord) -> ReportRecord:
    """A rejected report's history decides what its citizens see; others need none."""
    if report.status != Status.REJECTED:
        return report
    return await turn.ctx.store.reports.by_code(report.code) or report


def status_label(turn: Turn, report: ReportRecord) -> str:
    """The status as citizens see it: a rejection is shown once it is final."""
    if awaiting_reassignment(report):
        return turn.say("status.rerouting")
    return turn.say(f"status.{report.status}")


def _line(turn: Turn, report: ReportRecord) -> str:
    line = turn.say(
        "mine.line",
        code=report.code,
        category=_category(turn, report.category),
        status=status_label(turn, report),
        date=turn.time(report.created_at),
    )
    return line if report.user_id == turn.user.id else line + turn.say("mine.followed")


def _category(turn: Turn, code: str) -> str:
    return turn.ctx.city.category(code).name.in_language(turn.language)


def _unit(turn: Turn, code: str) -> str:
    return turn.ctx.city.unit(code).name.in_language(turn.language)


def _detail(turn: Turn, report: ReportRecord) -> str:
    location = None
    if report.latitude is not None and report.longitude is not None:
        location = GeoPoint(report.latitude, report.longitude)
    text = turn.say(
        "status.detail",
        code=report.code,
        category=_category(turn, report.category),
        text=report.text,
        place=place_text(turn, location, report.address, report.place),
        unit=_unit(turn, report.unit_code),
        status=status_label(turn, report),
        created=turn.time(report.created_at),
        deadline=turn.time(report.deadline_at),
    )
    history = history_lines(turn, report, citizen=True)
    return "\n".join([text, turn.say("status.history"), *history])


async def _followed_detail(turn: Turn, report: ReportRecord) -> str:
    text = turn.say(
        "status.followed_detail",
        code=report.code,
        category=_category(turn, report.category),
        place=await duplicates.public_place(turn, report) or turn.say("place.unknown"),
        unit=_unit(turn, report.unit_code),
        status=status_label(turn, report),
        created=turn.time(report.created_at),
        deadline=turn.time(report.deadline_at),
    )
    history = history_lines(turn, report, notes=False, citizen=True)
    return "\n".join([text, turn.say("status.history"), *history])


def history_lines(
    turn: Turn,
    report: ReportRecord,
    notes: bool = True,
    citizen: bool = False,
    names: bool = False,
) -> list[str]:
    """The latest status changes of a report, one line each (refused actions left out).

    Args:
        turn: Who is reading, for the language.
        report: The report, with its events.
        notes: Show what was written with each change, and the citizen's later answers
            (False for a follower).
        citizen: Leave out a rejection that is not final (sent back for reassignment).
        names: Say which official made each change (a group's member who pressed);
            for staff only, and never a citizen's name.
    """
    events = report.events
    shown = [
        event
        for index, event in enumerate(events)
        if (event.new_status or (notes and _later_answer(event)))
        and not (citizen and _interim_rejection(event, events[index + 1 :]))
    ]
    return [_event(turn, event, notes, names) for event in shown[-SHOWN_EVENTS:]]


def _later_answer(event: EventRecord) -> bool:
    """What the citizen added to an answer after the first message."""
    return event.actor == "citizen" and (event.note or "").startswith("answer:")


def _interim_rejection(event: EventRecord, later: tuple[EventRecord, ...]) -> bool:
    if event.new_status != Status.REJECTED:
        return False
    marks: list[str] = []
    for after in later:
        if after.new_status:
            break
        if after.note in (REASSIGN_NOTE, CONFIRMED_NOTE):
            marks.append(after.note)
    return REASSIGN_NOTE in marks and CONFIRMED_NOTE not in marks


def _event(turn: Turn, event: EventRecord, notes: bool, names: bool = False) -> str:
    status = turn.say(f"status.{event.new_status}") if event.new_status else "💬"
    note = f" — {note_text(turn, event.note)}" if notes and event.note else ""
    staff = names and event.actor in STAFF_ACTORS and event.actor_name
    by = turn.say("history.by", name=event.actor_name) if staff else ""
    return f"• {turn.time(event.at)}: {status}{note}{by}"


def note_text(turn: Turn, note: str) -> str:
    """An audit note as people read it: a unit's code becomes the unit's name."""
    units = turn.ctx.city.units_by_code
    head, sep, rest = note.partition(": ")
    if head == "answer" and sep:
        return turn.say("history.answer", answer=rest)
    if note in units:
        return _unit(turn, note)
    if sep and head in units:
        return f"{_unit(turn, head)}: {rest}"
    return note
