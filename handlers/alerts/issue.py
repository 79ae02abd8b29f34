"""Issuing, updating and cancelling alerts: the one path the chat, the CLI and CAP share.

``issue`` runs inside the caller's transaction: the alert, the alert it replaces and one
outbox row per recipient commit together, and the delivery worker takes it from there.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from handlers.alerts.fit import fit_to_message
from handlers.alerts.render import CATEGORIES, SEVERITIES, render_alert
from handlers.core.city import City
from handlers.core.model import reply_to_dict
from nlu import fold
from storage.alerts import REPLACED, AlertContent, Audience
from storage.crisis import WHOLE_CITY
from storage.store import Store

URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
PRIORITY = {"Extreme": 0, "Severe": 1, "Moderate": 2, "Minor": 2}  # routine notices are 3-5
EVERYONE_SEVERITIES = frozenset({"Extreme", "Severe"})
CRISIS_SEVERITY = "Extreme"  # switches crisis mode on for the alert's area
DEFAULT_EXPIRY = timedelta(hours=24)
BROADCASTER_ROLES = frozenset({"broadcaster", "admin"})
LANGUAGES = ("vi", "en")
CATEGORY_WORDS = (
    ("Health", r"covid|corona|dich benh|o dich|bung phat dich|benh|sot xuat huyet|dengue"
               r"|tay chan mieng|y te|ngo doc|cum gia cam|bach hau|epidemic|outbreak|disease"
               r"|measles|health"),
    ("Geo", r"sat lo|lo dat|lo nui|dong dat|landslide|earthquake"),
    ("Met", r"ap thap|mua lon|lu|lu quet|ngap|nang nong|gio manh|ret dam|storm|typhoon|flood"
            r"|rain|heat"),
    ("Infra", r"mat dien|cat dien|mat nuoc|cat nuoc|power cut|outage|bridge"),
    ("Safety", r"dam chay|vu chay|hoa hoan|chay lon|chay rung|fire|explosion"),
)  # fmt: skip
# Words that fold into others ("bão" storm / "báo" report): matched with their marks.
MARKED_WORDS = {"Health": r"dịch(?!\s+vụ)|sởi|cúm", "Met": r"bão", "Safety": r"cháy|nổ"}


class AlertProblem(ValueError):
    """An alert that cannot be issued as given; the message says why."""


@dataclass(frozen=True, slots=True)
class Issued:
    """An alert on its way."""

    alert_id: int
    recipients: int
    shortened: tuple[str, ...] = ()  # fields cut to fit one message (alert_fit)


def audience_of(content: AlertContent, city: City) -> Audience:
    """Who an alert reaches: the area's subscribers and recent reporters; everyone (but
    those who opted out) for a whole-city alert of severity Severe or Extreme."""
    wards = tuple(w.codename for w in city.wards) if content.whole_city else content.wards
    everyone = content.whole_city and content.severity in EVERYONE_SEVERITIES
    return Audience(wards, everyone)


def check(content: AlertContent, city: City, now: datetime) -> None:
    """Raise ``AlertProblem`` unless the alert can be issued."""
    if not content.headline.strip():
        raise AlertProblem("the headline is empty")
    if content.severity not in SEVERITIES:
        raise AlertProblem(f"severity must be one of {', '.join(SEVERITIES)}")
    if content.category not in CATEGORIES:
        raise AlertProblem(f"category must be one of {', '.join(CATEGORIES)}")
    unknown = [ward for ward in content.wards if city.ward(ward) is None]
    if unknown:
        raise AlertProblem(f"unknown ward(s): {', '.join(unknown)}")
    if not content.whole_city and not content.wards:
        raise AlertProblem("the area names no ward (use the whole city or name wards)")
    if content.expires_at is not None and content.expires_at <= now:
        raise AlertProblem("the alert has already expired")


async def issue(
    store: Store, city: City, content: AlertContent, now: datetime, watcher: int | None = None
) -> Issued:
    """Store an alert and queue it for every recipient, each in their language.

    Args:
        store: The caller's unit of work.
        city: Wards and time zone.
        content: The alert; ``references_id`` names an alert it replaces.
        now: The time.
        watcher: A user to show the broadcast's progress to (the broadcaster).

    Returns:
        Its id, how many people it was queued for, and which fields were cut so that
        it is one message (``handlers/alerts/fit.py``).

    Raises:
        AlertProblem: The alert is not valid.
    """
    check(content, city, now)
    content, shortened = fit_to_message(content, city)
    if content.references_id is not None:
        await store.alerts.close(content.references_id, now, REPLACED)
        await store.crisis.end_from(f"alert:{content.references_id}", actor="alert", now=now)
    alert_id = await store.alerts.create(content, now)
    payloads = {
        ("*" if language == "vi" else language): {
            "replies": [reply_to_dict(r) for r in render_alert(content, alert_id, language, city)]
        }
        for language in LANGUAGES
    }
    audience = audience_of(content, city)
    count = await store.alerts.fan_out(
        alert_id, audience, payloads, PRIORITY[content.severity], now, content.expires_at
    )
    if watcher is not None:
        await store.alerts.watch(alert_id, watcher)
    if content.severity == CRISIS_SEVERITY:
        await _crisis_on(store, content, alert_id, now)
    return Issued(alert_id, count, shortened)


async def _crisis_on(store: Store, content: AlertContent, alert_id: int, now: datetime) -> None:
    """An Extreme alert puts its wards (or the city) in crisis mode until it is cancelled."""
    areas = [WHOLE_CITY] if content.whole_city else list(content.wards)
    for area in areas:
        await store.crisis.start(
            area, source=f"alert:{alert_id}", actor="alert", now=now, reason=content.headline
        )


async def cancel(store: Store, alert_id: int, now: datetime) -> int | None:
    """Cancel an alert: its undelivered messages are never sent.

    Returns:
        How many deliveries were stopped; None when there is no such alert.
    """
    if await store.alerts.get(alert_id) is None:
        return None
    await store.crisis.end_from(f"alert:{alert_id}", actor="alert", now=now)
    return await store.alerts.close(alert_id, now)


def new_identifier() -> str:
    """A CAP identifier for an alert HueBot composes itself."""
    return f"huebot-{uuid.uuid4()}"


def guess_category(text: str) -> str:
    """The CAP category a text most likely belongs to (Other when nothing matches)."""
    folded, marked = fold(text), unicodedata.normalize("NFC", text).lower()
    for category, words in CATEGORY_WORDS:
        if re.search(rf"\b(?:{words})\b", folded):
            return category
        if category in MARKED_WORDS and re.search(rf"\b(?:{MARKED_WORDS[category]})\b", marked):
            return category
    return "Other"


def draft(
    headline: str, description: str, *, severity: str, whole_city: bool,
    wards: tuple[str, ...], now: datetime, sender: str, **extra: object,
) -> AlertContent:  # fmt: skip
    """A new alert with HueBot's defaults (category guessed, 24 hours, Immediate, Observed).

    ``extra`` sets any other ``AlertContent`` field.
    """
    content = AlertContent(
        identifier=new_identifier(), sender=sender, headline=headline.strip(),
        description=description.strip() or headline.strip(), severity=severity,
        category=guess_category(f"{headline}\n{description}"), urgency="Immediate",
        certainty="Observed", whole_city=whole_city, wards=wards, sent_at=now,
        expires_at=now + DEFAULT_EXPIRY,
    )  # fmt: skip
    return replace(content, **extra)  # type: ignore[arg-type]
