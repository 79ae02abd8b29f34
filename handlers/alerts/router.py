"""Routing for alerts: ``/alert``, subscriptions, ``alert:``/``sub:`` buttons, health questions.

Each function returns None when the message is not about alerts, so the main router
goes on.
"""

from __future__ import annotations

from handlers.alerts import broadcast as alerts
from handlers.alerts import health as alert_health
from handlers.alerts import subscriptions
from handlers.core.context import Turn
from handlers.core.model import IncomingMessage, Reply
from storage.records import ConversationRecord

SUBSCRIPTION_COMMANDS = frozenset({"subscribe", "subscriptions", "unsubscribe"})
SUBSCRIPTION_INTENTS = {"subscribe_alerts": "subscribe", "unsubscribe_alerts": "unsubscribe"}
MIN_CONFIDENCE = 0.5


async def on_command(turn: Turn, name: str, argument: str | None) -> list[Reply] | None:
    """``/alert``, ``/subscribe``, ``/subscriptions``, ``/unsubscribe``."""
    if name == "alert":
        return await alerts.command(turn, argument)
    if name in SUBSCRIPTION_COMMANDS:
        return await subscriptions.command(turn, name, argument)
    return None


async def on_choice(
    turn: Turn, payload: str, conversation: ConversationRecord | None
) -> list[Reply] | None:
    """Buttons: ``alert:`` (the broadcaster's dialog) and ``sub:`` (subscriptions)."""
    if payload.startswith("alert:"):
        return await alerts.press(turn, payload, conversation)
    if payload.startswith("sub:"):
        return await subscriptions.press(turn, payload)
    return None


async def on_flow(
    turn: Turn, conversation: ConversationRecord, message: IncomingMessage
) -> list[Reply] | None:
    """A message while the alert dialog or a subscription question is open."""
    if conversation.flow == alerts.FLOW:
        return await alerts.proceed(turn, conversation, message)
    if conversation.flow == subscriptions.FLOW:
        return await subscriptions.proceed(turn, message)
    return None


async def on_text(turn: Turn, text: str) -> list[Reply] | None:
    """Free text before the NLU: a question about health notices."""
    if alert_health.is_health_question(text):
        return await alert_health.health_notices(turn)
    return None


async def on_intent(turn: Turn, intent: str, confidence: float, text: str) -> list[Reply] | None:
    """The subscribe_alerts and unsubscribe_alerts intents."""
    if intent not in SUBSCRIPTION_INTENTS or confidence < MIN_CONFIDENCE:
        return None
    return await subscriptions.command(turn, SUBSCRIPTION_INTENTS[intent], text)
