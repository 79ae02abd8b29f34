"""A report whose author asked to keep their identity confidential.

The citizen asks at any point of the report ("giữ bí mật", "ẩn danh", "anonymous", or
the button on the summary). Officials, the unit's group chat, ``/report`` and the
dashboard then see the report with its text redacted (no phone numbers or names) and
no contact, only that it is confidential; the operations centre's admins may look up
the identity on the dashboard, and each look is written to the report's history.
Messages between the unit and the citizen still go through the bot.
"""

from __future__ import annotations

import re

from handlers.core.context import Turn
from handlers.core.model import Choice, Reply
from handlers.report.draft import Draft
from handlers.report.redaction import redact
from nlu.text import fold
from storage.records import ReportRecord

_ASKING = re.compile(
    r"\b(?:giu bi mat|bao mat danh tinh|an danh|giau ten|khong muon lo (?:ten|danh tinh)|"
    r"anonymous(?:ly)?|keep (?:me|my (?:name|identity)) (?:confidential|secret|private)|"
    r"confidential(?:ly)?|don'?t (?:share|show) my (?:name|identity|number))\b"
)
WORDS_ALONE = 6


def asked(text: str | None) -> bool:
    """Whether a message asks to keep the author's identity confidential."""
    return bool(text) and bool(_ASKING.search(fold(text or "")))


def only_asks(text: str) -> bool:
    """A short message that only asks it ("ẩn danh nhé"): not part of the description."""
    return asked(text) and len(text.split()) <= WORDS_ALONE


def choice(turn: Turn, draft: Draft) -> Choice:
    """The summary's button: ask for it, or take it back."""
    key = "confidential.off" if draft.confidential else "confidential.on"
    return Choice(turn.say(key), "report:confidential")


def noted(turn: Turn) -> Reply:
    """Said when the citizen asks."""
    return Reply(turn.say("confidential.noted"))


def text_for_staff(report: ReportRecord) -> str:
    """What officials read of the report: redacted when it is confidential."""
    return redact(report.text) if report.confidential else report.text


def contact_for_staff(report: ReportRecord, phone: str | None) -> str | None:
    """The author's phone for officials: never for a confidential report."""
    return None if report.confidential else phone
