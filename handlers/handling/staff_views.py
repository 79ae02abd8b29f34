"""What officials and supervisors ask for in chat: their queue, a report, what is overdue."""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.i18n import format_time
from handlers.core.model import Choice, Reply
from handlers.handling.assignment import assignment
from handlers.report.status import history_lines
from storage.records import ReportRecord
from storage.staff import SUPERVISING

PAGE = 10


def is_staff(turn: Turn) -> bool:
    """Officials and supervisors (and admins)."""
    return turn.user.role == "official" or turn.user.role in SUPERVISING


async def my_queue(turn: Turn, page: int = 0) -> list[Reply]:
    """The open reports of the official's unit, oldest deadline first, a page at a time."""
    unit = turn.user.unit_code
    if turn.user.role != "official" or unit is None:
        return [Reply(turn.say("staff.only"))]
    reports = await turn.ctx.store.handling.unit_queue(unit, page * PAGE, PAGE + 1)
    if not reports and page == 0:
        return [Reply(turn.say("queue.empty"))]
    lines = [turn.say("queue.header", page=page + 1)]
    lines += [_line(turn, r) for r in reports[:PAGE]]
    choices = [Choice(r.code, f"staff:report:{r.code}") for r in reports[:PAGE]]
    if len(reports) > PAGE:
        choices.append(Choice(turn.say("queue.next"), f"staff:mine:{page + 1}"))
    return [Reply("\n".join(lines), tuple(choices))]


async def report_detail(turn: Turn, code: str) -> list[Reply]:
    """A report in full, with its history and photos, for those who may handle it."""
    from handlers.handling.actions import may_handle

    report = await turn.ctx.store.reports.by_code(code)
    if report is None or not is_staff(turn) or not may_handle(turn, report):
        return [Reply(turn.say("status.not_found", code=code))]
    author = await turn.ctx.store.users.get(report.user_id)
    replies = assignment(turn.ctx, report, turn.language, None, author.phone if author else None)
    lines = history_lines(turn, report, names=True)  # who pressed, in a group too
    history = "\n".join([turn.say("status.history"), *lines])
    return [*replies, Reply(history)]


async def overdue(turn: Turn) -> list[Reply]:
    """Supervisors: every open report past its deadline."""
    if turn.user.role not in SUPERVISING:
        return [Reply(turn.say("staff.only"))]
    reports = await turn.ctx.store.handling.overdue(turn.ctx.now, limit=50)
    if not reports:
        return [Reply(turn.say("overdue.none"))]
    lines = [_line(turn, r) for r in reports]
    text = turn.say("sup.overdue", count=len(reports), lines="\n".join(lines))
    return [Reply(text, tuple(Choice(r.code, f"staff:report:{r.code}") for r in reports[:10]))]


def _line(turn: Turn, report: ReportRecord) -> str:
    category = turn.ctx.city.category(report.category).name.in_language(turn.language)
    status = turn.say(f"status.{report.status}")
    deadline = format_time(report.deadline_at, turn.ctx.city.zone, turn.language)
    late = " ⏰" if report.deadline_at < turn.ctx.now else ""
    sos = "🆘 " if report.urgent else ""
    return f"• {sos}{report.code} · {category} · {status} · {deadline}{late}"
