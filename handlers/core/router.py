"""The one entry point: an incoming message to the replies, via commands, buttons or intent."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.alerts import router as alert_router
from handlers.core import help as help_flow
from handlers.core import questions
from handlers.core.context import Context, Turn
from handlers.core.model import IncomingMessage, Reply
from handlers.handling import router as handling
from handlers.report import deep_link
from handlers.report import issue as report_issue
from handlers.report import status as report_status
from handlers.report.draft import Draft
from handlers.services import find as find_service
from nlu.abuse import is_abusive
from nlu.questions import asks_question
from nlu.subsets import is_english
from storage.records import ConversationRecord, UserRecord

CHOICES_KEY = "_choices"
MENU_FLOW = "menu"
SHORT_INTENTS = {
    "greet": help_flow.welcome,
    "help": help_flow.help_text,
}
FIXED_ANSWERS = {
    "thanks": "thanks",
    "goodbye": "goodbye",
}
MIN_INTENT_CONFIDENCE = 0.5
# Questions these intents answer better than the general question answer does.
SELF_ANSWERING = frozenset({"check_status"})
MIN_REPORT_WORDS = 3
MIN_ENGLISH_WORDS = 3


async def dispatch(ctx: Context, message: IncomingMessage) -> list[Reply]:
    """Handle one message from a chat and return what to answer.

    Runs inside the caller's transaction; sends nothing itself.

    Args:
        ctx: The store of this update, the city, the NLU and the time.
        message: What the user did.

    Returns:
        The replies to send back to the same chat, in order.
    """
    language = "en" if (message.locale or "").lower().startswith("en") else "vi"
    user = await ctx.store.users.get_or_create(
        message.channel, message.user_key, ctx.now, message.display_name, language
    )
    member = None
    if message.member is not None:
        member = await ctx.store.users.get_or_create(
            message.channel, message.member.key, ctx.now, message.member.name, language
        )
    turn = Turn(ctx, _turn_language(user, message), member)
    conversation = await ctx.store.conversations.load(user.id)
    if message.edited and (conversation is None or conversation.flow != report_issue.FLOW):
        return []  # an edit changes a report being written, nothing else
    replies = await _route(turn, _numbered_choice(message, conversation), conversation)
    await _remember_menu(turn, replies)
    return replies


async def _route(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> list[Reply]:
    ctx, user = turn.ctx, turn.user
    if problem := _input_problem(turn, message):
        return problem
    if message.contact is not None:
        await ctx.store.users.set_contact(user.id, message.contact.phone, message.contact.name)
    message = help_flow.command_of_button(message)
    if message.command is not None:
        return await _command(turn, message, conversation)
    if message.choice is not None and (
        handled := await handling.on_choice(turn, message.choice)
        or await alert_router.on_choice(turn, message.choice, conversation)
    ):
        return handled
    if message.choice is not None and not message.choice.startswith("report:"):
        return await _menu_choice(turn, message.choice, conversation)
    if conversation is not None and (
        handled := await handling.on_flow(turn, conversation, message)
        or await alert_router.on_flow(turn, conversation, message)
    ):
        return handled
    if (
        conversation is not None
        and conversation.flow == find_service.FLOW
        and (looked_up := await find_service.proceed(turn, conversation, message)) is not None
    ):
        return looked_up
    if conversation is not None and conversation.flow == report_issue.FLOW:
        state = report_issue.State(conversation.state)
        draft = Draft.from_data(conversation.data)
        return await _run(turn, report_issue.proceed(turn, state, draft, message))
    return await _idle(turn, message)


def _turn_language(user: UserRecord, message: IncomingMessage) -> UserRecord:
    """A message written in English is answered in English, whatever the chat's language."""
    text = (message.text or "").strip()
    if message.command is not None or len(text.split()) < MIN_ENGLISH_WORDS:
        return user
    return replace(user, language="en") if is_english(text) else user


def _numbered_choice(
    message: IncomingMessage, conversation: ConversationRecord | None
) -> IncomingMessage:
    """Channels without buttons show numbered lists; a bare number picks from them."""
    offered: list[str] = conversation.data.get(CHOICES_KEY, []) if conversation else []
    text = (message.text or "").strip()
    if offered and text.isdigit() and 1 <= int(text) <= len(offered):
        return replace(message, text=None, choice=offered[int(text) - 1])
    return message


def _input_problem(turn: Turn, message: IncomingMessage) -> list[Reply] | None:
    length = len(message.text or "")
    if length > turn.ctx.limits.max_text_chars:
        return [Reply(turn.say("too_long", length=length, limit=turn.ctx.limits.max_text_chars))]
    has_text = bool((message.text or "").strip())
    things = (message.command, message.choice, message.location, message.contact)
    if (
        not has_text
        and not message.photos
        and not message.rejected_files
        and not any(thing is not None for thing in things)
    ):
        return [Reply(turn.say("empty"))]
    return None


async def _command(
    turn: Turn, message: IncomingMessage, conversation: ConversationRecord | None
) -> list[Reply]:
    name, argument = (message.command or "").lower(), (message.text or "").strip() or None
    store = turn.ctx.store
    if name == "start":
        await store.conversations.clear(turn.user.id)
        if argument:
            return await _run(turn, deep_link.start(turn, argument))
        return help_flow.welcome(turn)
    if (handled := await handling.on_command(turn, name, argument)) is not None:
        return handled
    if (handled := await alert_router.on_command(turn, name, argument)) is not None:
        return handled
    if name == "cancel":
        await store.conversations.clear(turn.user.id)
        in_flow = conversation is not None and conversation.flow != MENU_FLOW
        return [Reply(turn.say("cancelled" if in_flow else "nothing_to_cancel"))]
    if name == "lang":
        return (await help_flow.set_language(turn, argument))[1]
    if name == "status":
        return await report_status.report_status(turn, _ticket(argument))
    if name in ("myreports", "mine", "reports"):
        return await report_status.my_reports(turn)
    if name in ("report", "new"):
        return await _run(turn, report_issue.start(turn, replace(message, command=None)))
    return help_flow.help_text(turn)


async def _menu_choice(
    turn: Turn, payload: str, conversation: ConversationRecord | None
) -> list[Reply]:
    action, _, argument = payload.partition(":")
    if payload == "cancel":
        await turn.ctx.store.conversations.clear(turn.user.id)
        return [Reply(turn.say("cancelled"))]
    if payload == "menu:report":
        if conversation is not None and conversation.flow == report_issue.FLOW:
            draft = Draft.from_data(conversation.data)
            return await _run(turn, report_issue.advance(turn, draft, []))
        return await _run(turn, report_issue.advance(turn, Draft(), []))
    if payload == "menu:mine":
        return await report_status.my_reports(turn)
    if payload == "menu:help":
        return help_flow.help_text(turn)
    if action == "status":
        return await report_status.report_status(turn, _ticket(argument))
    if action == find_service.FLOW:
        return await find_service.on_choice(turn, payload, conversation)
    return [Reply(turn.say("stale_button"))]


async def _idle(turn: Turn, message: IncomingMessage) -> list[Reply]:
    if message.choice is not None:
        return [Reply(turn.say("stale_button"))]
    if not message.text:
        return await _run(turn, report_issue.start(turn, message))
    if (handled := await alert_router.on_text(turn, message.text)) is not None:
        return handled
    parse = await turn.ctx.nlu.parse(message.text)
    tickets = _entities(parse, "ticket_id")
    if tickets:
        return await report_status.report_status(turn, tickets[0])
    if find_service.is_lookup(parse, message.text):
        return await find_service.start(turn, message.text, parse)
    intent = parse.get("intent") or {}
    name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
    answers_itself = name in SELF_ANSWERING and confidence >= MIN_INTENT_CONFIDENCE
    if not answers_itself and asks_question(message.text):
        return await questions.answer(turn, message.text)
    if (handled := await alert_router.on_intent(turn, name, confidence, message.text)) is not None:
        return handled
    abusive = is_abusive(message.text)
    if abusive and (confidence < MIN_INTENT_CONFIDENCE or not name.startswith("report_")):
        return questions.calm(turn)
    unclear_but_long = (
        confidence < MIN_INTENT_CONFIDENCE and len(message.text.split()) >= MIN_REPORT_WORDS
    )
    if name.startswith("report_") or unclear_but_long:
        return await _run(turn, report_issue.start(turn, message))
    return await _short_answer(turn, name, confidence)


async def _short_answer(turn: Turn, intent: str, confidence: float) -> list[Reply]:
    if confidence < MIN_INTENT_CONFIDENCE:
        return help_flow.not_understood(turn)
    if intent in SHORT_INTENTS:
        return SHORT_INTENTS[intent](turn)
    if intent == "check_status":
        return await report_status.my_reports(turn)
    if intent in FIXED_ANSWERS:
        return [Reply(turn.say(FIXED_ANSWERS[intent]))]
    return help_flow.not_understood(turn)


async def _run(turn: Turn, step_coro: Any) -> list[Reply]:
    """Run a report step and keep its state (or end the dialog)."""
    step: report_issue.Step = await step_coro
    conversations = turn.ctx.store.conversations
    if step.state is None:
        await conversations.clear(turn.user.id)
        return step.replies
    data = step.draft.to_data()
    data[CHOICES_KEY] = [choice.payload for reply in step.replies for choice in reply.choices]
    await conversations.save(turn.user.id, report_issue.FLOW, step.state, data, turn.ctx.now)
    return step.replies


async def _remember_menu(turn: Turn, replies: list[Reply]) -> None:
    """Outside a dialog, keep the offered buttons so a bare number can pick one."""
    conversations = turn.ctx.store.conversations
    current = await conversations.load(turn.user.id)
    if current is not None and current.flow != MENU_FLOW:
        return
    offered = [choice.payload for reply in replies for choice in reply.choices]
    if offered:
        data = {CHOICES_KEY: offered}
        await conversations.save(turn.user.id, MENU_FLOW, "idle", data, turn.ctx.now)
    elif current is not None:
        await conversations.clear(turn.user.id)


def _entities(parse: dict[str, Any], entity: str) -> list[str]:
    return [str(e["value"]) for e in parse.get("entities", []) if e.get("entity") == entity]


def _ticket(argument: str | None) -> str | None:
    if not argument:
        return None
    digits = "".join(ch for ch in argument if ch.isdigit())
    return f"PA-{digits}" if digits else None
