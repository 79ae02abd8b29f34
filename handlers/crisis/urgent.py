"""The urgent lane: an SOS filed, told to its unit again until a person takes it on.

An urgent report goes to the crisis unit of config.yml (civil defence) ahead of every
other message, with a copy to the committee of its ward. Until an official
acknowledges it, the scheduler tells the unit again every ``resend_every`` and the
supervisors once ``acknowledge_within`` has passed; each is claimed with a
compare-and-set, so several processes send it once and a restart loses nothing.
The citizen is told when someone has it, and whatever they add reaches the unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from handlers.core.context import Context, Turn
from handlers.core.i18n import say
from handlers.core.model import IncomingMessage, Reply
from handlers.handling import notices
from handlers.handling.assignment import assignment, map_link, place_line
from handlers.report.draft import Draft
from storage.crisis import Unacknowledged
from storage.handling import Change
from storage.records import NewReport, ReportRecord, Status

CATEGORY = "disaster"
# Outbox priority (lower first, claimed by priority then id): ahead of an Extreme alert (0),
# so an SOS never waits behind a whole-city fan-out.
SOS = -1


def numbers(turn: Turn) -> str:
    """The emergency numbers as a phrase: "112 (tìm kiếm cứu nạn), 114 (…), 115 (…)"."""
    crisis = turn.ctx.city.crisis
    return ", ".join(
        f"{item.number} ({item.name.in_language(turn.language)})" for item in crisis.numbers
    )


def who_line(language: str, people: int | None, needs: tuple[str, ...]) -> str:
    """ "3 người: người già, trẻ em" in ``language``."""
    count = (
        say(language, "sos.people", n=people)
        if people is not None
        else say(language, "sos.people_unknown")
    )
    named = ", ".join(say(language, f"need.{need}") for need in needs)
    return f"{count}: {named}" if named else count


async def file(
    turn: Turn, draft: Draft, people: int | None, needs: tuple[str, ...]
) -> tuple[ReportRecord, str | None]:
    """File the urgent report and tell the unit and the ward's committee at once.

    Returns:
        The report, and the committee's name when one was told.
    """
    ctx, crisis = turn.ctx, turn.ctx.city.crisis
    report = await ctx.store.reports.create(
        NewReport(
            user_id=turn.user.id,
            channel=turn.user.channel,
            text=draft.text or turn.say("sos.button"),
            category=CATEGORY,
            unit_code=crisis.unit,
            created_at=ctx.now,
            deadline_at=ctx.now + crisis.resolve_in,
            ward=draft.ward,
            latitude=draft.location.latitude if draft.location else None,
            longitude=draft.location.longitude if draft.location else None,
            address=draft.address,
            photo_ids=tuple(draft.photo_ids),
            place=draft.place_vi,
            street=draft.street,
            urgent=True,
            people=people,
            needs=needs,
        )
    )
    await ctx.store.handling.change(
        report.id, Change("system", Status.RECEIVED, Status.ASSIGNED, ctx.now, note=crisis.unit)
    )
    await ctx.store.crisis.claim_resend(_first(report), ctx.now)
    await _to_unit(ctx, report, None)
    return report, await _to_committee(turn, report)


def _first(report: ReportRecord) -> Unacknowledged:
    return Unacknowledged(report.id, report.unit_code, report.created_at, None)


def _compose(
    ctx: Context, report: ReportRecord, heading_key: str | None, **values: object
) -> notices.Compose:
    def compose(language: str) -> list[Reply]:
        lines = [say(language, "sos.unit_title", code=report.code)]
        if heading_key:
            lines.insert(0, say(language, heading_key, code=report.code, **values))
        who = who_line(language, report.people, report.needs)
        lines += [say(language, "sos.unit_who", people=who), ""]
        lines.append(say(language, "sos.unit_ack_hint"))
        return assignment(ctx, report, language, "\n".join(lines), contact=None)

    return compose


async def _to_unit(
    ctx: Context, report: ReportRecord, heading_key: str | None, **values: object
) -> int:
    officials = await ctx.store.staff.officials_of(report.unit_code)
    compose = _compose(ctx, report, heading_key, **values)
    return len(await notices.send(ctx, officials, compose, "sos", SOS))


async def _to_committee(turn: Turn, report: ReportRecord) -> str | None:
    ctx = turn.ctx
    ward = ctx.city.ward(report.ward) if report.ward else None
    if ward is None or ward.committee is None or ward.committee == report.unit_code:
        return None
    unit = ctx.city.unit(report.unit_code)
    full = _compose(ctx, report, None)

    def copy(language: str) -> list[Reply]:
        replies = full(language)
        note = say(language, "sos.ward_copy", unit=unit.name.in_language(language))
        last = replies[-1]
        return [*replies[:-1], replace(last, text=f"{note}\n\n{last.text}", choices=())]

    officials = await ctx.store.staff.officials_of(ward.committee)
    await notices.send(ctx, officials, copy, "sos", SOS)
    return ctx.city.unit(ward.committee).name.in_language(turn.language)


async def describe(
    turn: Turn, report: ReportRecord, people: int | None, needs: tuple[str, ...]
) -> None:
    """Keep who is there and tell the unit."""
    await turn.ctx.store.crisis.describe(report.id, people, needs)
    merged = needs or report.needs
    await _update(turn, report, lambda language: who_line(language, people, merged))


async def pass_on(turn: Turn, report: ReportRecord, message: IncomingMessage) -> None:
    """Whatever the citizen adds (text, a new pin, photos) reaches the unit at once."""
    point = message.location
    photos = tuple(photo.sha256 for photo in message.photos)

    def text(language: str) -> str:
        parts = [message.text or ""]
        if point is not None:
            moved = replace(report, latitude=point.latitude, longitude=point.longitude)
            parts.append(f"📍 {map_link(moved)}")
        return " ".join(part for part in parts if part) or "📷"

    await _update(turn, report, text, photos)


async def _update(
    turn: Turn, report: ReportRecord, render: Callable[[str], str], photos: tuple[str, ...] = ()
) -> None:
    ctx = turn.ctx

    def compose(language: str) -> list[Reply]:
        body = say(language, "sos.unit_update", code=report.code, text=render(language))
        return [*(Reply("", image_sha256=sha) for sha in photos), Reply(body)]

    note = Change("citizen", report.status, "", ctx.now, turn.user.id, render("vi"))
    await ctx.store.handling.note(report.id, note)
    officials = await ctx.store.staff.officials_of(report.unit_code)
    await notices.send(ctx, officials, compose, "sos", SOS)


async def tick(ctx: Context) -> int:
    """Tell units again of urgent reports nobody has taken on; escalate the late ones.

    Returns:
        How many messages were queued.
    """
    crisis = ctx.city.crisis
    sent = 0
    for due in await ctx.store.crisis.unacknowledged(ctx.now, crisis.resend):
        if not await ctx.store.crisis.claim_resend(due, ctx.now):
            continue
        report = await ctx.store.handling.by_id(due.report_id)
        if report is None:
            continue
        minutes = int((ctx.now - report.created_at).total_seconds() // 60)
        sent += await _to_unit(ctx, report, "sos.unit_again", minutes=minutes)
        if ctx.now - report.created_at >= crisis.acknowledge_in:
            sent += await _escalate(ctx, report, minutes)
    return sent


async def _escalate(ctx: Context, report: ReportRecord, minutes: int) -> int:
    if not await ctx.store.crisis.claim_escalation(report.id, ctx.now):
        return 0
    unit = ctx.city.unit(report.unit_code)

    def compose(language: str) -> list[Reply]:
        text = say(
            language,
            "sos.supervisors",
            code=report.code,
            unit=unit.name.in_language(language),
            minutes=minutes,
            place=place_line(ctx, report, language),
        )
        return [Reply(text)]

    return len(await notices.to_supervisors(ctx, compose, "sos"))


async def acknowledged(ctx: Context, report: ReportRecord) -> None:
    """Tell the author of an urgent report that a person has it (the first time only)."""
    if not report.urgent or report.acknowledged_at is not None:
        return
    unit = ctx.city.unit(report.unit_code)

    def compose(language: str) -> list[Reply]:
        name = unit.name.in_language(language)
        return [Reply(say(language, "sos.acknowledged", unit=name, code=report.code))]

    author = await ctx.store.users.get(report.user_id)
    if author is not None and author.reachable:
        await notices.send(ctx, [author], compose, "status", SOS)
