"""The one entry point: an incoming message to the replies, through the flows' tables.

Every flow declares its commands, button prefixes and open-dialog handler as a
``Flow`` table (``handlers/<flow>/flows.py``); this module joins the tables, tries
them in order, keeps the resulting ``Step`` (the only code that does) and answers
what no flow takes: ``/start``, ``/cancel``, ``/lang``, ``/help`` and free text
outside a dialog, which it maps to a flow by intent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from handlers.alerts import flows as alert_flows
from handlers.core import help as help_flow
from handlers.core import questions
from handlers.core.context import Context, Turn
from handlers.core.conversation import MENU_FLOW, end, keep
from handlers.core.flow import CHOICES_KEY, Flow, Handler, Step, argument
from handlers.core.model import IncomingMessage, Reply
from handlers.crisis import flows as crisis_flows
from handlers.crisis import mode, sos
from handlers.handling import flows as handling_flows
from handlers.report import deep_link, issue
from handlers.report import flows as report_flows
from handlers.report.status import report_status
from handlers.services import find as find_service
from handlers.services import flows as service_flows
from nlu.abuse import is_abusive
from nlu.questions import asks_question
from nlu.subsets import is_english
from storage.records import ConversationRecord, UserRecord

Conversation = ConversationRecord | None
FIXED_ANSWERS = {
    "thanks": "thanks",
    "goodbye": "goodbye",
}
MIN_INTENT_CONFIDENCE = 0.5
# Questions these intents answer better than the general question answer does.
SELF_ANSWERING = frozenset({"check_status"})
MIN_REPORT_WORDS = 3
MIN_ENGLISH_WORDS = 3


async def _start(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    """``/start`` ends whatever was open; ``/start <id>`` opens a deep link's report."""
    if payload := argument(message):
        return await deep_link.start(turn, payload)
    return Step.end(await mode.lead(turn, help_flow.welcome(turn)))


async def _cancel(turn: Turn, message: IncomingMessage, conversation: Conversation) -> Step:
    """``/cancel`` and the cancel button end the open dialog."""
    in_flow = conversation is not None and conversation.flow != MENU_FLOW
    key = "cancelled" if message.choice is not None or in_flow else "nothing_to_cancel"
    return Step.end([Reply(turn.say(key))])


async def _lang(turn: Turn, message: IncomingMessage, _: Conversation) -> Step:
    return Step.stay((await help_flow.set_language(turn, argument(message)))[1])


async def _help(turn: Turn, _: IncomingMessage, __: Conversation) -> Step:
    return Step.stay(await mode.lead(turn, help_flow.help_text(turn)))


async def _menu(turn: Turn, message: IncomingMessage, conversation: Conversation) -> Step:
    """The main menu's buttons: report, my reports, help."""
    if message.choice == "menu:report":
        return await report_flows.resume(turn, conversation)
    if message.choice == "menu:mine":
        return Step.stay(await report_flows.my_reports(turn))
    if message.choice == "menu:help":
        return Step.stay(await mode.lead(turn, help_flow.help_text(turn)))
    return _stale(turn)


CORE = Flow(
    name=MENU_FLOW,
    states=("idle",),
    commands={"start": _start, "cancel": _cancel, "lang": _lang, "help": _help},
    buttons={"cancel": _cancel, "menu": _menu},
)
FLOWS: tuple[Flow, ...] = (
    CORE,
    *crisis_flows.FLOWS,
    *handling_flows.FLOWS,
    *alert_flows.FLOWS,
    *service_flows.FLOWS,
    *report_flows.FLOWS,
)


def _index(flows: tuple[Flow, ...]) -> tuple[dict[str, tuple[Handler, ...]], dict[str, Handler]]:
    """Commands (several flows may share one, tried in order) and button prefixes (one each)."""
    commands: dict[str, tuple[Handler, ...]] = {}
    buttons: dict[str, Handler] = {}
    for flow in flows:
        for name, handler in flow.commands.items():
            commands[name] = (*commands.get(name, ()), handler)
        for prefix, handler in flow.buttons.items():
            if prefix in buttons:
                raise ValueError(f"button prefix {prefix!r} is declared twice")
            buttons[prefix] = handler
    return commands, buttons


COMMANDS, BUTTONS = _index(FLOWS)
BY_NAME: Mapping[str, Flow] = {flow.name: flow for flow in FLOWS}


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
    if message.edited and (conversation is None or conversation.flow != issue.FLOW):
        return []  # an edit changes a report being written, nothing else
    step = await _route(turn, _numbered_choice(message, conversation), conversation)
    await keep(turn, _declared(step))
    return list(step.replies)


def _declared(step: Step) -> Step:
    """The step, if it moves the conversation only to a declared flow and state.

    Raises:
        ValueError: The flow or its state is not in the tables (a handler's mistake).
    """
    if step.keep or step.flow is None:
        return step
    flow = BY_NAME.get(step.flow)
    if flow is None or step.state not in flow.states:
        raise ValueError(f"undeclared flow state {step.flow}/{step.state}")
    return step


async def _route(turn: Turn, message: IncomingMessage, conversation: Conversation) -> Step:
    if problem := _input_problem(turn, message):
        return Step.stay(problem)
    if message.contact is not None:
        await turn.ctx.store.users.set_contact(
            turn.user.id, message.contact.phone, message.contact.name
        )
    message = help_flow.command_of_button(message)
    if message.command is not None:
        return await _command(turn, message, conversation)
    if message.choice is not None and (step := await _button(turn, message, conversation)):
        return step
    flow = BY_NAME.get(conversation.flow) if conversation is not None else None
    if (
        flow is not None
        and flow.name != sos.FLOW
        and (rescue := await sos.interrupt(turn, message))
    ):
        return rescue  # a clear call for rescue comes before any open dialog
    if flow is not None and flow.on_message is not None:
        if (step := await flow.on_message(turn, message, conversation)) is not None:
            return step
        await end(turn)  # the flow gave the message back: it is over
    return await _idle(turn, message)


async def _command(turn: Turn, message: IncomingMessage, conversation: Conversation) -> Step:
    """The first flow that takes the command answers it; an unknown one gets the help."""
    for handler in COMMANDS.get((message.command or "").lower(), ()):
        if (step := await handler(turn, message, conversation)) is not None:
            return step
    return Step.stay(await mode.lead(turn, help_flow.help_text(turn)))


async def _button(turn: Turn, message: IncomingMessage, conversation: Conversation) -> Step | None:
    """The flow that declared the button's prefix; None lets the open dialog have it."""
    button = BUTTONS.get((message.choice or "").partition(":")[0])
    if button is None:
        return _stale(turn)
    return await button(turn, message, conversation)


def _stale(turn: Turn) -> Step:
    return Step.stay([Reply(turn.say("stale_button"))])


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


async def _idle(turn: Turn, message: IncomingMessage) -> Step:
    """A message outside any dialog: a ticket code, a look-up, a question or a report."""
    if message.choice is not None:
        return _stale(turn)
    if not message.text:
        return await issue.start(turn, message)
    if (rescue := await sos.detect(turn, message)) is not None:
        return rescue
    if (handled := await alert_flows.on_text(turn, message.text)) is not None:
        return Step.stay(handled)
    parse = await turn.ctx.nlu.parse(message.text)
    if tickets := _entities(parse, "ticket_id"):
        return Step.stay(await report_status(turn, tickets[0]))
    if find_service.is_lookup(parse, message.text):
        return await find_service.start(turn, message.text, parse)
    return await _by_intent(turn, message, parse)


async def _by_intent(turn: Turn, message: IncomingMessage, parse: dict[str, Any]) -> Step:
    text = message.text or ""
    intent = parse.get("intent") or {}
    name, confidence = str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)
    answers_itself = name in SELF_ANSWERING and confidence >= MIN_INTENT_CONFIDENCE
    if not answers_itself and asks_question(text):
        return Step.stay(await questions.answer(turn, text))
    if (step := await alert_flows.on_intent(turn, name, confidence, text)) is not None:
        return step
    if is_abusive(text) and (confidence < MIN_INTENT_CONFIDENCE or not name.startswith("report_")):
        return Step.stay(questions.calm(turn))
    unclear_but_long = confidence < MIN_INTENT_CONFIDENCE and len(text.split()) >= MIN_REPORT_WORDS
    if name.startswith("report_") or unclear_but_long:
        return await issue.start(turn, message)
    return Step.stay(await _short_answer(turn, name, confidence))


async def _short_answer(turn: Turn, intent: str, confidence: float) -> list[Reply]:
    if confidence < MIN_INTENT_CONFIDENCE:
        return await mode.lead(turn, help_flow.not_understood(turn))
    if intent == "greet":
        return await mode.lead(turn, help_flow.welcome(turn))
    if intent == "help":
        return await mode.lead(turn, help_flow.help_text(turn))
    if intent == "check_status":
        return await report_flows.my_reports(turn)
    if intent in FIXED_ANSWERS:
        return [Reply(turn.say(FIXED_ANSWERS[intent]))]
    return await mode.lead(turn, help_flow.not_understood(turn))


def _entities(parse: dict[str, Any], entity: str) -> list[str]:
    return [str(e["value"]) for e in parse.get("entities", []) if e.get("entity") == entity]
