"""Time-driven handling: reminders, escalation, daily digests, unanswered ratings.

Everything is read from the store and marked done in it, so a restart loses and
repeats nothing. ``tick`` is called by the shell's scheduler with the current time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from handlers.core.context import Context
from handlers.core.i18n import format_time, say
from handlers.core.model import Choice, Reply
from handlers.crisis import urgent
from handlers.handling import notices
from storage.handling import Change
from storage.records import ReportRecord, Status

RATING_WAIT = timedelta(days=7)
DIGEST_LINES = 15


@dataclass(frozen=True, slots=True)
class TickResult:
    """What one pass did (for logs and tests)."""

    reminded: int = 0
    escalated: int = 0
    digests: int = 0
    closed_unrated: int = 0
    urgent: int = 0


async def tick(ctx: Context, digest_hour: int) -> TickResult:
    """Do whatever time has made due."""
    return TickResult(
        reminded=await remind(ctx),
        escalated=await escalate(ctx),
        digests=await digest(ctx, digest_hour),
        closed_unrated=await close_unrated(ctx),
        urgent=await urgent.tick(ctx),
    )


async def remind(ctx: Context) -> int:
    """At 75 % of the time, remind the unit once (claimed, so once across processes)."""
    sent = 0
    for report in await ctx.store.handling.due_reminders(ctx.now):
        if await ctx.store.handling.claim(report.id, "reminded_at", ctx.now):
            await notices.to_unit(ctx, report.unit_code, _reminder(ctx, report), "reminder")
            sent += 1
    return sent


def _reminder(ctx: Context, report: ReportRecord) -> notices.Compose:
    def compose(language: str) -> list[Reply]:
        text = say(
            language,
            "unit.reminder",
            code=report.code,
            category=ctx.city.category(report.category).name.in_language(language),
            deadline=format_time(report.deadline_at, ctx.city.zone, language),
        )
        return [Reply(text, (Choice(report.code, f"staff:report:{report.code}"),))]

    return compose


async def escalate(ctx: Context) -> int:
    """At the deadline: mark overdue in the history, one message to the supervisors."""
    due = [
        report
        for report in await ctx.store.handling.due_escalations(ctx.now)
        if await ctx.store.handling.claim(report.id, "escalated_at", ctx.now)
    ]
    for report in due:
        await ctx.store.handling.note(
            report.id, Change("system", report.status, "", ctx.now, note="overdue")
        )
    if due:
        await notices.to_supervisors(ctx, _overdue_list(ctx, due), "escalation")
    return len(due)


def _overdue_list(ctx: Context, reports: Sequence[ReportRecord]) -> notices.Compose:
    listed = list(reports)

    def compose(language: str) -> list[Reply]:
        lines = "\n".join(_line(ctx, r, language) for r in listed[:30])
        text = say(language, "sup.overdue", count=len(listed), lines=lines)
        return [Reply(text, tuple(Choice(r.code, f"staff:report:{r.code}") for r in listed[:10]))]

    return compose


async def digest(ctx: Context, hour: int) -> int:
    """Once a day at ``hour`` (city time): each unit's open and overdue reports.

    Only during that hour: a process started later in the day sends nothing until the
    next morning. Each unit's digest is claimed in the store for the day, so restarts
    and several processes send it once.
    """
    local = ctx.now.astimezone(ctx.city.zone)
    if local.hour != hour:
        return 0
    by_unit: dict[str, list[ReportRecord]] = defaultdict(list)
    for unit in ctx.city.units:
        by_unit[unit.code] = list(await ctx.store.handling.unit_queue(unit.code, 0, 200))
    sent = 0
    for unit_code, reports in by_unit.items():
        key = f"digest:{unit_code}:{local.date().isoformat()}"
        if not reports or not await ctx.store.handling.claim_mark(key, ctx.now):
            continue
        await notices.to_unit(ctx, unit_code, _digest(ctx, reports, local.date()), "digest")
        sent += 1
    return sent


def _digest(ctx: Context, reports: list[ReportRecord], day: date) -> notices.Compose:
    overdue = sum(1 for r in reports if r.deadline_at < ctx.now)

    def compose(language: str) -> list[Reply]:
        lines = "\n".join(_line(ctx, r, language) for r in reports[:DIGEST_LINES])
        text = say(
            language,
            "unit.digest",
            date=f"{day:%d/%m/%Y}",
            open=len(reports),
            overdue=overdue,
            lines=lines,
        )
        return [Reply(text)]

    return compose


async def close_unrated(ctx: Context) -> int:
    """A resolved report with no rating after 7 days is closed (a compare-and-set)."""
    closed = 0
    for report in await ctx.store.handling.unrated_since(ctx.now - RATING_WAIT):
        change = Change(
            "system", Status.RESOLVED, Status.CLOSED, ctx.now, note="no rating in 7 days"
        )
        closed += await ctx.store.handling.change(report.id, change)  # False: done elsewhere
    return closed


def _line(ctx: Context, report: ReportRecord, language: str) -> str:
    category = ctx.city.category(report.category).name.in_language(language)
    deadline = format_time(report.deadline_at, ctx.city.zone, language)
    late = " ⏰" if report.deadline_at < ctx.now else ""
    return f"• {report.code} · {category} · {deadline}{late}"
