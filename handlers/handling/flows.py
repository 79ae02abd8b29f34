"""The handling flows as tables: officials' actions and views, citizens' answers and ratings.

Each handler returns None when the message is not for it, so the router goes on.
"""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.flow import Flow, Step, argument, stay
from handlers.core.model import IncomingMessage, Reply
from handlers.handling import actions, citizen_replies, ops_link, staff_views
from handlers.handling.stats_view import format_stats, parse_days
from handlers.report.flows import TICKET_PREFIX, ticket
from storage.records import ConversationRecord
from storage.stats import Period, StatsQuery

Conversation = ConversationRecord | None


async def _staff_button(turn: Turn, message: IncomingMessage, _conversation: Conversation) -> Step:
    """``staff:mine:<page>`` and ``staff:report:<code>``."""
    view, _, rest = (message.choice or "").removeprefix("staff:").partition(":")
    if view == "mine" and rest.isdigit():
        return Step.stay(await staff_views.my_queue(turn, int(rest)))
    return Step.stay(await staff_views.report_detail(turn, rest))


async def _mine(turn: Turn, _: IncomingMessage, __: Conversation) -> Step | None:
    """``/mine`` is the unit's queue for staff (for citizens, their own reports)."""
    return stay(await staff_views.my_queue(turn) if staff_views.is_staff(turn) else None)


async def _report(turn: Turn, message: IncomingMessage, _: Conversation) -> Step | None:
    """``/report PA-…`` shows staff a report (for citizens, ``/report`` starts one)."""
    code = argument(message)
    if not code or not staff_views.is_staff(turn):
        return None
    return Step.stay(await staff_views.report_detail(turn, ticket(code) or TICKET_PREFIX))


async def _overdue(turn: Turn, _: IncomingMessage, __: Conversation) -> Step:
    return Step.stay(await staff_views.overdue(turn))


async def _ops(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    return Step.stay(await ops_link.on_command(turn, argument(message)))


async def _stats(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    """Supervisors see the whole city; an official sees their own unit."""
    if not staff_views.is_staff(turn):
        return Step.stay([Reply(turn.say("staff.only"))])
    days = parse_days(argument(message))
    if days is None:
        return Step.stay([Reply(turn.say("stats.usage"))])
    ctx = turn.ctx
    unit = turn.user.unit_code if turn.user.role == "official" else None
    query = StatsQuery(Period.last_days(days, ctx.city.zone, ctx.now), unit_code=unit)
    figures = await ctx.store.stats.figures(query, ctx.now)
    return Step.stay([Reply(format_stats(figures, ctx.city, turn.language))])


async def _join(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    code = argument(message)
    if not code:
        return Step.stay([Reply(turn.say("join.usage"))])
    granted = await turn.ctx.store.staff.redeem_invite(code, turn.user.id, turn.ctx.now)
    if granted is None:
        return Step.stay([Reply(turn.say("join.bad"))])
    unit_code, role = granted
    unit = turn.ctx.city.unit(unit_code).name.in_language(turn.language)
    if turn.member is not None:  # typed in a group: the whole group is the unit's inbox
        return Step.stay([Reply(turn.say("join.group_ok", unit=unit))])
    return Step.stay([Reply(turn.say("join.ok", role=turn.say(f"role.{role}"), unit=unit))])


async def _answer_button(turn: Turn, message: IncomingMessage, conversation: Conversation) -> Step:
    """``answer:<code>`` opens the answer; ``answer:<code>:done`` closes it."""
    code, _, step = (message.choice or "").removeprefix("answer:").partition(":")
    if step == "done":
        return await citizen_replies.finish_answer(turn, code, conversation)
    return await citizen_replies.start_answer(turn, code)


async def _rate_button(turn: Turn, message: IncomingMessage, conversation: Conversation) -> Step:
    """``rate:<code>:yes|no`` rates the result; ``rate:<code>:skip`` skips the comment."""
    code, _, verdict = (message.choice or "").removeprefix("rate:").partition(":")
    if verdict == "skip":
        return await citizen_replies.comment(turn, code, None, conversation)
    return await citizen_replies.rate(turn, code, verdict)


async def _comment(turn: Turn, message: IncomingMessage, conversation: Conversation) -> Step:
    code = str(conversation.data.get("code", "")) if conversation is not None else ""
    return await citizen_replies.comment(turn, code, message.text, conversation)


OFFICIAL = Flow(
    name=actions.FLOW,
    states=actions.STATES,
    buttons={"act": actions.on_press},
    on_message=actions.on_words,
)
STAFF = Flow(
    name="staff",
    commands={
        "mine": _mine,
        "report": _report,
        "overdue": _overdue,
        "join": _join,
        "stats": _stats,
        "ops": _ops,
    },
    buttons={"staff": _staff_button},
)
ANSWER = Flow(
    name=citizen_replies.ANSWER_FLOW,
    states=("waiting",),
    buttons={"answer": _answer_button},
    on_message=citizen_replies.answer,
)
RATING = Flow(
    name=citizen_replies.COMMENT_FLOW,
    states=("waiting",),
    buttons={"rate": _rate_button},
    on_message=_comment,
)
FLOWS = (OFFICIAL, STAFF, ANSWER, RATING)
