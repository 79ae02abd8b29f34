"""The alert flows as tables: the broadcaster's ``/alert`` dialog and subscriptions.

Free text outside a dialog reaches alerts twice, through the router: a question
about health notices (before the NLU) and the subscribe/unsubscribe intents.
"""

from __future__ import annotations

from handlers.alerts import broadcast, health, subscriptions
from handlers.core.context import Turn
from handlers.core.flow import Flow, Step, argument
from handlers.core.model import IncomingMessage, Reply
from storage.records import ConversationRecord

SUBSCRIPTION_INTENTS = {"subscribe_alerts": "subscribe", "unsubscribe_alerts": "unsubscribe"}
MIN_CONFIDENCE = 0.5
Conversation = ConversationRecord | None


async def _alert(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    """``/alert`` starts the dialog; ``/alert cancel ID`` stops an alert."""
    return await broadcast.command(turn, argument(message))


async def _subscription_command(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    """``/subscribe [wards]``, ``/subscriptions``, ``/unsubscribe [wards|all]``."""
    return await subscriptions.command(turn, (message.command or "").lower(), argument(message))


async def on_text(turn: Turn, text: str) -> list[Reply] | None:
    """Free text before the NLU: a question about health notices."""
    if health.is_health_question(text):
        return await health.health_notices(turn)
    return None


async def on_intent(turn: Turn, intent: str, confidence: float, text: str) -> Step | None:
    """The subscribe_alerts and unsubscribe_alerts intents."""
    if intent not in SUBSCRIPTION_INTENTS or confidence < MIN_CONFIDENCE:
        return None
    return await subscriptions.command(turn, SUBSCRIPTION_INTENTS[intent], text)


BROADCAST = Flow(
    name=broadcast.FLOW,
    states=tuple(broadcast.State),
    commands={"alert": _alert},
    buttons={"alert": broadcast.press},
    on_message=broadcast.proceed,
)
SUBSCRIPTIONS = Flow(
    name=subscriptions.FLOW,
    states=tuple(subscriptions.State),
    commands={
        name: _subscription_command for name in ("subscribe", "subscriptions", "unsubscribe")
    },
    buttons={"sub": subscriptions.press},
    on_message=subscriptions.proceed,
)
FLOWS = (BROADCAST, SUBSCRIPTIONS)
