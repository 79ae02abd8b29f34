"""Health and COVID notices on request: "có ca covid nào mới không", "dengue in Huế?".

Health notices are alerts of category Health; a question about a disease gets the
latest ones still in force.
"""

from __future__ import annotations

import re
import unicodedata

from handlers.alerts.render import render_alert
from handlers.core.context import Turn
from handlers.core.model import Reply
from nlu import fold

DISEASES = (
    r"covid|corona|sars cov|dengue|sot xuat huyet|sxh|tay chan mieng|dich benh|o dich"
    r"|cum gia cam|cum a|bach hau|measles|flu|influenza|epidemic|outbreak|thong bao y te"
    r"|health notices?|ca nhiem|ca mac|ca benh"
)
DISEASES_MARKED = r"dịch(?!\s+vụ)|sởi|cúm"
QUESTION = (
    r"khong|ko|chua|nao|gi|sao|the nao|bao nhieu|moi nhat|tinh hinh|any|is there|are there"
    r"|what|how many|latest|news"
)
MAX_QUESTION_WORDS = 20
SHOWN = 3
HEALTH_UNIT = "cdc_hue"


def is_health_question(text: str) -> bool:
    """True for a short question about a disease or health notices."""
    folded = fold(text)
    if len(folded.split()) > MAX_QUESTION_WORDS:
        return False
    marked = unicodedata.normalize("NFC", text).lower()
    disease = re.search(rf"\b(?:{DISEASES})\b", folded) or re.search(
        rf"\b(?:{DISEASES_MARKED})\b", marked
    )
    asks = "?" in text or re.search(rf"\b(?:{QUESTION})\b", folded)
    return bool(disease and asks)


async def health_notices(turn: Turn) -> list[Reply]:
    """The latest health notices still in force, or where to ask when there is none."""
    ctx = turn.ctx
    alerts = await ctx.store.alerts.in_force(ctx.now, category="Health", limit=SHOWN)
    if not alerts:
        return [Reply(turn.say("health.none", contact=_contact(turn)))]
    replies = [Reply(turn.say("health.intro"))]
    for alert in alerts:
        replies += render_alert(alert.content, alert.id, turn.language, ctx.city)
    return replies


def _contact(turn: Turn) -> str:
    unit = turn.ctx.city.units_by_code.get(HEALTH_UNIT)
    if unit is None or not unit.contact.phone:
        return ""
    name = unit.name.in_language(turn.language)
    return turn.say("health.contact", unit=name, phone=unit.contact.phone)
