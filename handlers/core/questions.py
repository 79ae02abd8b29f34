"""Messages that are not reports: questions, and strong words without a problem.

A question gets what HueBot can say: the unit that knows about its topic and that
unit's phone, the alert subscription for weather, and always the city's hotline.
It never opens a report draft or a category picker.
"""

from __future__ import annotations

from handlers.core import help as help_flow
from handlers.core.city import CATEGORY_CODES
from handlers.core.context import Turn
from handlers.core.model import Reply
from nlu.questions import topic_of_question

MIN_TOPIC_CONFIDENCE = 0.5
ABOUT_REPORTING = ("phan anh", "bao cao", "report", "complain")
ALERT_WORDS = ("canh bao", "alert", "warning")
WEATHER_WORDS = frozenset(
    ["mua", "bao", "lu", "thoi", "tiet", "rain", "storm", "typhoon", "weather", "flood"]
)


async def answer(turn: Turn, text: str) -> list[Reply]:
    """Answer a question as far as HueBot can, always with the city's hotline.

    Args:
        turn: This update and its user.
        text: The question.

    Returns:
        One reply with the answer and the main menu.
    """
    topic = topic_of_question(text)
    if any(word in topic for word in ABOUT_REPORTING):
        return help_flow.help_text(turn)
    lines = [turn.say("question.unanswered")]
    if (unit_line := await _unit_line(turn, topic)) is not None:
        lines.append(unit_line)
    if WEATHER_WORDS & set(topic.split()) or any(word in topic for word in ALERT_WORDS):
        lines.append(turn.say("question.alerts"))
    if turn.ctx.city.hotline:
        lines.append(turn.say("question.hotline", phone=turn.ctx.city.hotline))
    lines.append(turn.say("question.report_hint"))
    return [Reply("\n".join(lines), help_flow.menu(turn))]


async def _unit_line(turn: Turn, topic: str) -> str | None:
    """ "Ask this unit" when the question is clearly about one kind of problem."""
    if not topic:
        return None
    parse = await turn.ctx.nlu.parse(topic)
    intent = parse.get("intent") or {}
    code = str(intent.get("name") or "").removeprefix("report_")
    if code not in CATEGORY_CODES or float(intent.get("confidence") or 0) < MIN_TOPIC_CONFIDENCE:
        return None
    city = turn.ctx.city
    category = city.category(code)
    unit = city.unit(category.unit)
    if not unit.contact.phone:
        return None
    return turn.say(
        "question.ask_unit",
        topic=category.name.in_language(turn.language).lower(),
        unit=unit.name.in_language(turn.language),
        phone=unit.contact.phone,
    )


def calm(turn: Turn) -> list[Reply]:
    """A calm answer to strong words that carry no problem to report."""
    return [Reply(turn.say("abuse.calm"), help_flow.menu(turn))]
