"""One message, two problems: "đèn đường hỏng, dây điện rớt xuống đường".

The text is cut into clauses (at commas, semicolons, full stops, new lines and
"và", "còn", "and", "also"); each clause is classified on its own. When two clauses
are each clearly about a different kind of problem, the report dialog files the
first and then opens a report of its own for the second, so that neither (a fallen
power line least of all) is lost.
"""

from __future__ import annotations

import re

from handlers.core.city import CATEGORY_CODES
from handlers.core.context import Turn

CLAUSE_CONFIDENCE = 0.9
MIN_CLAUSE_WORDS = 2
_CLAUSE_RE = re.compile(
    r"[,;.!\n]+|\s+(?:và|va|còn|lại còn|với lại|and|also|plus)\s+", re.IGNORECASE
)


def clauses(text: str) -> list[str]:
    """The clauses of ``text`` with at least two words, in order."""
    parts = (part.strip() for part in _CLAUSE_RE.split(text))
    return [part for part in parts if len(part.split()) >= MIN_CLAUSE_WORDS]


async def problems(turn: Turn, text: str) -> list[tuple[str, str]]:
    """The distinct problems ``text`` names clearly, as (clause, category) in text order.

    Args:
        turn: This update (for the NLU).
        text: The report's description.

    Returns:
        One pair per category found with high confidence; empty when there are none.
    """
    found: list[tuple[str, str]] = []
    for clause in clauses(text):
        category = await _clear_category(turn, clause)
        if category is not None and all(category != known for _, known in found):
            found.append((clause, category))
    return found


async def _clear_category(turn: Turn, clause: str) -> str | None:
    parse = await turn.ctx.nlu.parse(clause)
    intent = parse.get("intent") or {}
    name = str(intent.get("name") or "")
    code = name.removeprefix("report_")
    confident = float(intent.get("confidence") or 0.0) >= CLAUSE_CONFIDENCE
    return code if name.startswith("report_") and code in CATEGORY_CODES and confident else None
