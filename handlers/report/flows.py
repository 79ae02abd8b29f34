"""The report flows as tables: the report dialog, and a report's status.

Free text outside a dialog starts a report through the router (the NLU decides).
"""

from __future__ import annotations

from dataclasses import replace

from handlers.core.context import Turn
from handlers.core.flow import Flow, Step, argument
from handlers.core.model import IncomingMessage, Reply
from handlers.report import issue, status
from handlers.report.draft import Draft
from storage.records import ConversationRecord

TICKET_PREFIX = "PA-"
Conversation = ConversationRecord | None


def ticket(text: str | None) -> str | None:
    """The ticket code in what the user typed ("12345", "pa-12345"), or None."""
    digits = "".join(ch for ch in text or "" if ch.isdigit())
    return f"{TICKET_PREFIX}{digits}" if digits else None


async def start(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    """``/report``, ``/new`` or a first message that describes a problem."""
    return await issue.start(turn, replace(message, command=None))


async def resume(turn: Turn, conversation: Conversation) -> Step:
    """The menu's "report" button: go on with an open draft, or begin one."""
    if conversation is not None and conversation.flow == issue.FLOW:
        return await issue.advance(turn, Draft.from_data(conversation.data), [])
    return await issue.advance(turn, Draft(), [])


async def _in_dialog(
    turn: Turn, message: IncomingMessage, conversation: Conversation
) -> Step | None:
    """A message or a ``report:`` button while the dialog is open; None outside it."""
    if conversation is None or conversation.flow != issue.FLOW:
        return None
    state = issue.State(conversation.state)
    return await issue.proceed(turn, state, Draft.from_data(conversation.data), message)


async def _status(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    """``/status PA-…`` and the ``status:PA-…`` button."""
    if message.command is not None:
        code = argument(message)
    else:
        code = (message.choice or "").partition(":")[2]
    return Step.stay(await status.report_status(turn, ticket(code)))


async def _mine(turn: Turn, _: IncomingMessage, __: Conversation) -> Step:
    """``/myreports`` (also ``/mine``, ``/reports``): the user's own reports."""
    return Step.stay(await status.my_reports(turn))


async def my_reports(turn: Turn) -> list[Reply]:
    """The user's own reports (the menu button and the check_status intent)."""
    return await status.my_reports(turn)


REPORT = Flow(
    name=issue.FLOW,
    states=tuple(issue.State),
    commands={"report": start, "new": start},
    buttons={"report": _in_dialog},
    on_message=_in_dialog,
)
STATUS = Flow(
    name="status",
    commands={"status": _status, "myreports": _mine, "mine": _mine, "reports": _mine},
    buttons={"status": _status},
)
FLOWS = (REPORT, STATUS)
