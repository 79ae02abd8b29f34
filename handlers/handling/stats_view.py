"""The ``/stats [days]`` answer for supervisors: figures as chat text, in Vietnamese or English.

A pure formatter: it takes the figures ``storage.stats`` computed and returns text.
The number helpers are shared with the ``huebot stats`` command.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from handlers.core.city import City
from handlers.core.i18n import say
from storage.stats import Figures, Period, Stats

DASH = "—"
ROWS_SHOWN = 5
DEFAULT_DAYS = 30
MAX_DAYS = 366


def parse_days(argument: str | None) -> int | None:
    """The ``days`` of ``/stats [days]``: 30 when absent, None when not 1 to 366."""
    text = (argument or "").strip()
    if not text:
        return DEFAULT_DAYS
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_DAYS:
        return None
    return int(text)


def number(value: int, language: str) -> str:
    """A count with thousands grouped: 12.345 in Vietnamese, 12,345 in English."""
    grouped = f"{value:,}"
    return grouped if language == "en" else grouped.replace(",", ".")


def one_decimal(value: float, scale: int = 1) -> str:
    """``value * scale`` with one decimal, halves rounded up as people expect (5.25 -> 5.3)."""
    return str((Decimal(repr(value)) * scale).quantize(Decimal("0.1"), ROUND_HALF_UP))


def hours(seconds: float | None, language: str = "en") -> str:
    """Seconds as hours with one decimal (comma in Vietnamese); a dash for None."""
    if seconds is None:
        return DASH
    shown = one_decimal(seconds / 3600)
    return shown if language == "en" else shown.replace(".", ",")


def percent(rate: float | None, language: str = "en") -> str:
    """A share as a percentage with one decimal (comma in Vietnamese); a dash for None."""
    if rate is None:
        return DASH
    shown = f"{one_decimal(rate, 100)}%"
    return shown if language == "en" else shown.replace(".", ",")


def period_label(period: Period, zone: ZoneInfo, language: str) -> str:
    """The period as local days: 18/11/2026 – 24/11/2026, or from the start."""
    pattern = "%Y-%m-%d" if language == "en" else "%d/%m/%Y"
    last = (period.end - timedelta(microseconds=1)).astimezone(zone)
    end = last.strftime(pattern)
    if period.start is None:
        return say(language, "stats.since_start", end=end)
    return f"{period.start.astimezone(zone).strftime(pattern)} – {end}"


def format_stats(stats: Stats, city: City, language: str, rows: int = ROWS_SHOWN) -> str:
    """The ``/stats`` answer: the summary, then the busiest units and categories.

    Args:
        stats: The figures (``Statistics.figures``).
        city: For unit and category names and the time zone.
        language: ``vi`` or ``en``.
        rows: How many units and how many categories to list at most.

    Returns:
        The chat text.
    """
    period = period_label(stats.query.period, city.zone, language)
    lines = [say(language, "stats.title", period=period)]
    scope = _scope(stats, city, language)
    if scope:
        lines.append(say(language, "stats.scope", scope=scope))
    lines += summary_lines(stats.total, language)
    if not stats.total.received:
        return "\n".join([*lines, say(language, "stats.none")])
    units = [(unit_name(city, code, language), f) for code, f in stats.units]
    categories = [(category_name(city, code, language), f) for code, f in stats.categories]
    lines += _section("stats.by_unit", units, language, rows)
    lines += _section("stats.by_category", categories, language, rows)
    return "\n".join(lines)


def summary_lines(total: Figures, language: str) -> list[str]:
    """The overall figures, one theme a line."""
    counts = {
        key: number(value, language)
        for key, value in total.as_dict().items()
        if isinstance(value, int)
    }
    times = {
        "p50": hours(total.resolve_p50_seconds, language),
        "p90": hours(total.resolve_p90_seconds, language),
    }
    return [
        say(language, "stats.received", **counts),
        say(language, "stats.open", **counts),
        say(language, "stats.units", units=counts["units_involved"]),
        say(language, "stats.time", **times),
        say(
            language,
            "stats.ack",
            p50=hours(total.ack_p50_seconds, language),
            p90=hours(total.ack_p90_seconds, language),
            u50=hours(total.urgent_ack_p50_seconds, language),
            u90=hours(total.urgent_ack_p90_seconds, language),
        ),
        say(language, "stats.on_time", share=percent(total.on_time_share, language), **counts),
        say(
            language,
            "stats.satisfaction",
            rate=percent(total.satisfaction_rate, language),
            **counts,
        ),
    ]


def unit_name(city: City, code: str, language: str) -> str:
    """A unit's name in ``language``, or its code when config.yml no longer has it."""
    unit = city.units_by_code.get(code)
    return unit.name.in_language(language) if unit is not None else code


def category_name(city: City, code: str, language: str) -> str:
    """A category's name in ``language``, or its code when config.yml does not have it."""
    category = city.categories_by_code.get(code)
    return category.name.in_language(language) if category is not None else code


def _section(
    title: str, rows: Sequence[tuple[str, Figures]], language: str, limit: int
) -> list[str]:
    lines = ["", say(language, title)]
    for name, figures in rows[:limit]:
        lines.append(
            say(
                language,
                "stats.row",
                name=name,
                received=number(figures.received, language),
                handled=number(figures.handled, language),
                overdue=number(figures.overdue, language),
                share=percent(figures.on_time_share, language),
                rate=percent(figures.satisfaction_rate, language),
            )
        )
    if len(rows) > limit:
        lines.append(say(language, "stats.more", count=len(rows) - limit))
    return lines


def _scope(stats: Stats, city: City, language: str) -> str:
    parts = []
    if stats.query.unit_code:
        parts.append(unit_name(city, stats.query.unit_code, language))
    if stats.query.category:
        parts.append(category_name(city, stats.query.category, language))
    return " · ".join(parts)
