"""The emergency flows as tables: the SOS dialog (``/sos``, ``sos:`` buttons)."""

from __future__ import annotations

from handlers.core.context import Turn
from handlers.core.flow import Flow, Step
from handlers.core.model import IncomingMessage
from handlers.crisis import mode, sos
from storage.records import ConversationRecord


async def _sos(turn: Turn, message: IncomingMessage, _: ConversationRecord | None) -> Step:
    """``/sos`` (with or without words after it)."""
    return await sos.begin(turn, (message.text or "").strip() or None)


async def _crisis(turn: Turn, message: IncomingMessage, _: ConversationRecord | None) -> Step:
    """``crisis:alerts``: the alerts in force."""
    if message.choice == "crisis:alerts":
        return Step.stay(await mode.alerts_in_force(turn))
    return Step.stay([])


CRISIS = Flow(name="crisis", buttons={"crisis": _crisis})
SOS = Flow(
    name=sos.FLOW,
    states=tuple(sos.State),
    commands={"sos": _sos},
    buttons={"sos": sos.on_button},
    on_message=sos.on_message,
)
FLOWS = (SOS, CRISIS)
