"""Routing for report handling: officials' buttons and steps, citizens' answers and ratings.

Each function returns None when the message is not about handling, so the main
router goes on.
"""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.model import IncomingMessage, Reply
from handlers.handling import actions, citizen_replies, ops_link, staff_views
from handlers.handling.stats_view import format_stats, parse_days
from storage.records import ConversationRecord
from storage.stats import Period, StatsQuery

TICKET_PREFIX = "PA-"


async def on_choice(turn: Turn, payload: str) -> list[Reply] | None:
    """Buttons: ``act:``, ``staff:``, ``rate:``, ``answer:``."""
    kind, _, rest = payload.partition(":")
    if kind == "act":
        return await actions.on_press(turn, payload)
    if kind == "staff":
        view, _, argument = rest.partition(":")
        if view == "mine" and argument.isdigit():
            return await staff_views.my_queue(turn, int(argument))
        return await staff_views.report_detail(turn, argument)
    if kind == "rate":
        code, _, verdict = rest.partition(":")
        if verdict == "skip":
            return await citizen_replies.comment(turn, code, None)
        return await citizen_replies.rate(turn, code, verdict)
    if kind == "answer":
        code, _, step = rest.partition(":")
        if step == "done":
            return await citizen_replies.finish_answer(turn, code)
        return await citizen_replies.start_answer(turn, code)
    return None


async def on_flow(
    turn: Turn, conversation: ConversationRecord, message: IncomingMessage
) -> list[Reply] | None:
    """A message while an official's step, an answer or a rating comment is awaited."""
    data = {key: str(value) for key, value in conversation.data.items()}
    if conversation.flow == actions.FLOW:
        return await actions.on_words(turn, conversation.state, data, message)
    if conversation.flow == citizen_replies.ANSWER_FLOW:
        return await citizen_replies.answer(turn, data, message)
    if conversation.flow == citizen_replies.COMMENT_FLOW:
        return await citizen_replies.comment(turn, data.get("code", ""), message.text)
    return None


async def on_command(turn: Turn, name: str, argument: str | None) -> list[Reply] | None:
    """``/mine``, ``/report PA-…`` (staff), ``/overdue``, ``/stats [days]``, ``/join CODE``."""
    if name == "mine" and staff_views.is_staff(turn):
        return await staff_views.my_queue(turn)
    if name == "report" and argument and staff_views.is_staff(turn):
        return await staff_views.report_detail(turn, _ticket(argument))
    if name == "overdue":
        return await staff_views.overdue(turn)
    if name == "join":
        return await _join(turn, argument)
    if name == "stats":
        return await _stats(turn, argument)
    if name == "ops":
        return await ops_link.on_command(turn, argument)
    return None


async def _stats(turn: Turn, argument: str | None) -> list[Reply]:
    """Supervisors see the whole city; an official sees their own unit."""
    if not staff_views.is_staff(turn):
        return [Reply(turn.say("staff.only"))]
    days = parse_days(argument)
    if days is None:
        return [Reply(turn.say("stats.usage"))]
    ctx = turn.ctx
    unit = turn.user.unit_code if turn.user.role == "official" else None
    query = StatsQuery(Period.last_days(days, ctx.city.zone, ctx.now), unit_code=unit)
    figures = await ctx.store.stats.figures(query, ctx.now)
    return [Reply(format_stats(figures, ctx.city, turn.language))]


async def _join(turn: Turn, code: str | None) -> list[Reply]:
    if not code:
        return [Reply(turn.say("join.usage"))]
    granted = await turn.ctx.store.staff.redeem_invite(code, turn.user.id, turn.ctx.now)
    if granted is None:
        return [Reply(turn.say("join.bad"))]
    unit_code, role = granted
    unit = turn.ctx.city.unit(unit_code).name.in_language(turn.language)
    if turn.member is not None:  # typed in a group: the whole group is the unit's inbox
        return [Reply(turn.say("join.group_ok", unit=unit))]
    return [Reply(turn.say("join.ok", role=turn.say(f"role.{role}"), unit=unit))]


def _ticket(argument: str) -> str:
    digits = "".join(ch for ch in argument if ch.isdigit())
    return f"{TICKET_PREFIX}{digits}"
