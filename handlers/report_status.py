"""A citizen's reports: the list of their latest, and one report in detail."""

from __future__ import annotations

import handlers.report_texts  # noqa: F401  (registers the texts)
from handlers.context import Turn
from handlers.model import Choice, GeoPoint, Reply
from handlers.report_issue import place_text
from storage.records import EventRecord, ReportRecord

SHOWN_EVENTS = 10


async def my_reports(turn: Turn) -> list[Reply]:
    """The user's latest reports, each a button to its detail."""
    reports = await turn.ctx.store.reports.of_user(turn.user.id, limit=10)
    if not reports:
        return [Reply(turn.say("mine.none"))]
    lines = [turn.say("mine.header")]
    lines += [_line(turn, report) for report in reports]
    choices = tuple(Choice(report.code, f"status:{report.code}") for report in reports[:5])
    return [Reply("\n".join(lines), choices)]


async def report_status(turn: Turn, code: str | None) -> list[Reply]:
    """One of the user's reports with its history; nobody else's."""
    if not code:
        return [Reply(turn.say("status.usage"))]
    report = await turn.ctx.store.reports.by_code(code)
    if report is None or report.user_id != turn.user.id:
        return [Reply(turn.say("status.not_found", code=code))]
    replies = [Reply(_detail(turn, report))]
    replies += [Reply("", image_sha256=photo.sha256) for photo in report.photos[:3]]
    return replies


def _line(turn: Turn, report: ReportRecord) -> str:
    return turn.say(
        "mine.line",
        code=report.code,
        category=_category(turn, report.category),
        status=turn.say(f"status.{report.status}"),
        date=turn.time(report.created_at),
    )


def _category(turn: Turn, code: str) -> str:
    return turn.ctx.city.category(code).name.in_language(turn.language)


def _detail(turn: Turn, report: ReportRecord) -> str:
    location = None
    if report.latitude is not None and report.longitude is not None:
        location = GeoPoint(report.latitude, report.longitude)
    text = turn.say(
        "status.detail",
        code=report.code,
        category=_category(turn, report.category),
        text=report.text,
        place=place_text(turn, location, report.address),
        unit=turn.ctx.city.unit(report.unit_code).name.in_language(turn.language),
        status=turn.say(f"status.{report.status}"),
        created=turn.time(report.created_at),
        deadline=turn.time(report.deadline_at),
    )
    return "\n".join([text, turn.say("status.history"), *history_lines(turn, report)])


def history_lines(turn: Turn, report: ReportRecord) -> list[str]:
    """The latest status changes of a report, one line each (refused actions left out)."""
    shown = [event for event in report.events if event.new_status]
    return [_event(turn, event) for event in shown[-SHOWN_EVENTS:]]


def _event(turn: Turn, event: EventRecord) -> str:
    status = turn.say(f"status.{event.new_status}") if event.new_status else ""
    note = f" — {event.note}" if event.note else ""
    return f"• {turn.time(event.at)}: {status}{note}"
