"""Assignment messages: what an official of the unit receives about a report."""

from __future__ import annotations

from datetime import timedelta

from handlers.core.context import Context
from handlers.core.i18n import format_time, say
from handlers.core.model import Choice, Reply
from handlers.handling import notices
from handlers.report import confidential
from storage.handling import Change
from storage.records import ReportRecord, Status

MAX_PHOTOS = 3


def map_link(report: ReportRecord) -> str:
    """An OpenStreetMap link to the report's place, or a dash."""
    if report.latitude is None or report.longitude is None:
        return "—"
    lat, lon = f"{report.latitude:.6f}", f"{report.longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


def place_line(ctx: Context, report: ReportRecord, language: str) -> str:
    """The place as understood (with its ward), else address and ward, else the point.

    "chưa rõ" only when the report has no place at all.
    """
    ward = ctx.city.ward(report.ward) if report.ward else None
    ward_name = ward.name if ward else ""
    described = report.place or report.address or ""
    if ward_name and ward_name.lower() in described.lower():
        ward_name = ""
    text = ", ".join(part for part in (described, ward_name) if part)
    if text:
        return text
    if report.latitude is not None and report.longitude is not None:
        return say(language, "report.place_gps", lat=report.latitude, lon=report.longitude)
    return say(language, "place.unknown")


def action_buttons(code: str, language: str) -> tuple[Choice, ...]:
    """The buttons an official handles a report with."""
    return tuple(
        Choice(say(language, f"act.{action}"), f"act:{action}:{code}")
        for action in ("accept", "transfer", "reject", "info", "resolve")
    )


def title(ctx: Context, report: ReportRecord, language: str) -> str:
    """The first line: new, reopened, or the report as it stands."""
    category = ctx.city.category(report.category).name.in_language(language)
    if report.status in (Status.RECEIVED, Status.ASSIGNED):
        return say(language, "assign.new", code=report.code, category=category)
    if report.status == Status.REOPENED:
        return say(language, "assign.reopened_title", code=report.code, category=category)
    status = say(language, f"status.{report.status}")
    return say(language, "assign.current", code=report.code, category=category, status=status)


def assignment(
    ctx: Context,
    report: ReportRecord,
    language: str,
    heading: str | None = None,
    contact: str | None = None,
) -> list[Reply]:
    """The message an official gets: photos, then the details with the action buttons."""
    priority = say(language, "assign.priority", n=report.priority) if report.priority else ""
    body = say(
        language,
        "assign.body",
        text=confidential.text_for_staff(report),
        place=place_line(ctx, report, language),
        map=map_link(report),
        deadline=format_time(report.deadline_at, ctx.city.zone, language),
        priority=priority,
    )
    text = f"{title(ctx, report, language)}\n{body}"
    contact = confidential.contact_for_staff(report, contact)
    if contact:
        text += say(language, "contact.line", phone=contact)
    if report.confidential:
        text += "\n" + say(language, "confidential.staff")
    if heading:
        text = f"{heading}\n\n{text}"
    photos = [Reply("", image_sha256=photo.sha256) for photo in report.photos[:MAX_PHOTOS]]
    return [*photos, Reply(text, action_buttons(report.code, language))]


async def assign(ctx: Context, report: ReportRecord, actor_user_id: int | None) -> None:
    """A new report goes to its unit: status assigned, a message to each official."""
    await ctx.store.handling.change(
        report.id,
        Change("system", Status.RECEIVED, Status.ASSIGNED, ctx.now, note=report.unit_code),
    )
    await send_assignment(ctx, report.code)


async def send_assignment(
    ctx: Context,
    code: str,
    heading_key: str | None = None,
    hold: timedelta | None = None,
    **values: object,
) -> list[int]:
    """(Re)send a report's assignment message to its unit's officials.

    Args:
        ctx: The update's context.
        code: The report.
        heading_key: A text put above the details (transferred, reopened…).
        hold: Keep the messages back this long (they may still be withdrawn).
        **values: The heading's placeholders.

    Returns:
        The outbox ids of the messages.
    """
    report = await ctx.store.reports.by_code(code)
    assert report is not None
    author = await ctx.store.users.get(report.user_id)
    contact = author.phone if author else None

    def compose(language: str) -> list[Reply]:
        heading = say(language, heading_key, code=code, **values) if heading_key else None
        return assignment(ctx, report, language, heading, contact)

    return await notices.to_unit(ctx, report.unit_code, compose, "assignment", hold)
