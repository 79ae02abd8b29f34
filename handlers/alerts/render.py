"""How alerts look to citizens and broadcasters: the message, its area, the progress of a send."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.core.city import City
from handlers.core.i18n import format_time, say
from handlers.core.model import Reply
from storage.alerts import AlertContent

SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor")
CATEGORIES = ("Met", "Geo", "Health", "Safety", "Infra", "Other")


@dataclass(frozen=True, slots=True)
class ChannelFigures:
    """One channel's deliveries of an alert."""

    sent: int = 0
    failed: int = 0
    blocked: int = 0
    waiting: int = 0
    other: int = 0


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a broadcast stands."""

    alert_id: int
    channels: dict[str, ChannelFigures] = field(default_factory=dict)
    rate: float = 0.0
    elapsed: float = 0.0

    def total(self, name: str) -> int:
        """A figure summed over the pushed channels (the web chat is polled, not pushed)."""
        return sum(
            getattr(figures, name) for ch, figures in self.channels.items() if ch != "webchat"
        )

    @property
    def remaining(self) -> int:
        """Messages still to send."""
        return self.total("waiting")


def render_alert(
    content: AlertContent, alert_id: int | None, language: str, city: City
) -> list[Reply]:
    """An alert as citizens receive it, in ``language`` where the alert has that language.

    Args:
        content: The alert.
        alert_id: Its id (None for a preview before it exists).
        language: The reader's language.
        city: For ward names and the time zone.

    Returns:
        One reply (with the alert's photo, if any).
    """
    text = content.translations.get(language) if language != content.language else None
    headline = (text or {}).get("headline") or content.headline
    description = (text or {}).get("description") or content.description
    instruction = (text or {}).get("instruction") or content.instruction
    head = say(language, f"alert.head.{content.severity}")
    lines = [f"{head} · {say(language, f'alert.cat.{content.category}')}", headline.strip(), ""]
    if description.strip() and description.strip() != headline.strip():
        lines += [description.strip(), ""]
    if instruction:
        lines.append(f"👉 {instruction.strip()}")
    lines += _details(content, alert_id, language, city)
    return [Reply("\n".join(lines).strip(), image_sha256=content.photo_sha256)]


def _details(content: AlertContent, alert_id: int | None, language: str, city: City) -> list[str]:
    lines = [say(language, "alert.area", area=area_name(content, language, city))]
    if content.expires_at is not None:
        when = format_time(content.expires_at, city.zone, language)
        lines.append(say(language, "alert.until", time=when))
    if content.link:
        lines.append(say(language, "alert.link", link=content.link))
    if content.references_id is not None:
        lines.append(say(language, "alert.replaces", id=content.references_id))
    if alert_id is None:
        lines.append(say(language, "alert.source_draft", sender=content.sender))
    else:
        lines.append(say(language, "alert.source", sender=content.sender, id=alert_id))
    lines.append(say(language, "alert.footer"))
    return lines


def area_name(content: AlertContent, language: str, city: City) -> str:
    """The alert's area as people say it."""
    if content.whole_city:
        return say(language, "alert.whole_city")
    return ", ".join(ward_names(content.wards, city))


def ward_names(codenames: tuple[str, ...] | list[str], city: City) -> list[str]:
    """Ward names for codenames (unknown ones as given)."""
    return [ward.name if (ward := city.ward(code)) else code for code in codenames]


def progress_text(progress: Progress, language: str, done: bool) -> str:
    """The broadcaster's progress message (edited in place) or the final report."""
    key = "progress.done_title" if done else "progress.title"
    lines = [say(language, key, id=progress.alert_id)]
    figures = {n: number(progress.total(n), language) for n in ("sent", "failed", "blocked")}
    lines.append(say(language, "progress.figures", **figures))
    if not done:
        rate = f"{progress.rate:.1f}".replace(".", "," if language != "en" else ".")
        eta = progress.remaining / progress.rate if progress.rate > 0 else None
        lines.append(say(language, "progress.pace", remaining=number(progress.remaining, language),
                         rate=rate, eta=duration(eta, language)))  # fmt: skip
        return "\n".join(lines)
    lines += [_channel_line(ch, figures, language) for ch, figures in progress.channels.items()]
    lines.append(say(language, "progress.took", duration=duration(progress.elapsed, language)))
    return "\n".join(lines)


def _channel_line(channel: str, figures: ChannelFigures, language: str) -> str:
    if channel == "webchat":
        return say(language, "progress.webchat", read=number(figures.sent, language),
                   waiting=number(figures.waiting, language))  # fmt: skip
    values = {n: number(getattr(figures, n), language) for n in ("sent", "failed", "blocked")}
    other = number(figures.other, language)
    return say(language, "progress.channel", channel=channel.capitalize(), other=other, **values)


def number(value: int, language: str) -> str:
    """An integer with thousands separators as each language writes them."""
    text = f"{value:,}"
    return text if language == "en" else text.replace(",", ".")


def duration(seconds: float | None, language: str) -> str:
    """A rough duration: "3 phút 10 giây" / "3 min 10 s"."""
    if seconds is None:
        return "?"
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    units = ("giờ", "phút", "giây") if language != "en" else ("h", "min", "s")
    parts = [f"{v} {u}" for v, u in zip((hours, minutes, secs), units, strict=True) if v]
    return " ".join(parts[:2]) or f"0 {units[2]}"
