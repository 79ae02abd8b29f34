"""The figures as HTML: headline cards, the unit league table, the category table."""

from __future__ import annotations

from bot.web.ops.filters import short_unit
from bot.web.ops.html import attrs, esc
from bot.web.ops.texts import t
from handlers import City
from handlers.handling.stats_view import DASH, category_name, hours, number, percent, unit_name
from storage.stats import Figures, Stats

HEADS = ("fig.received", "fig.handled", "fig.open", "fig.overdue", "fig.p50", "fig.p90",
         "fig.on_time", "fig.satisfaction", "fig.ack", "fig.urgent_ack")  # fmt: skip


def _hours(seconds: float | None, language: str) -> str:
    if seconds is None:
        return DASH
    return hours(seconds, language) + (" h" if language == "en" else " giờ")


def _values(f: Figures, language: str) -> tuple[str, ...]:
    return (
        number(f.received, language), number(f.handled, language), number(f.open, language),
        number(f.overdue, language), _hours(f.resolve_p50_seconds, language),
        _hours(f.resolve_p90_seconds, language), percent(f.on_time_share, language),
        percent(f.satisfaction_rate, language),
        span(f.ack_p50_seconds, f.ack_p90_seconds, language),
        span(f.urgent_ack_p50_seconds, f.urgent_ack_p90_seconds, language),
    )  # fmt: skip


def span(p50: float | None, p90: float | None, language: str) -> str:
    """ "1,5 / 6,0 giờ": the median and the 90th percentile."""
    if p50 is None:
        return DASH
    unit = " h" if language == "en" else " giờ"
    return f"{hours(p50, language)} / {hours(p90, language)}{unit}"


def cards(total: Figures, language: str) -> str:
    """The headline figures, one card each."""
    items = "".join(
        f"<div {attrs(class_='figure', data_figure=key.removeprefix('fig.'))}>"
        f"<span>{esc(t(language, key))}</span><strong>{esc(value)}</strong></div>"
        for key, value in zip(HEADS, _values(total, language), strict=True)
    )
    return f'<div class="figures">{items}</div>'


def league(stats: Stats, city: City, language: str) -> str:
    """Units ranked: on-time share, then satisfaction, then how many they received."""

    def rank(row: tuple[str, Figures]) -> tuple[float, float, int, str]:
        f = row[1]
        return (-(f.on_time_share or -1.0), -(f.satisfaction_rate or -1.0), -f.received, row[0])

    rows = sorted(stats.units, key=rank)
    return _table(
        [(short_unit(unit_name(city, code, language)), unit_name(city, code, language), f)
         for code, f in rows],
        language, ranked=True, css="league",
    )  # fmt: skip


def table(stats: Stats, city: City, language: str) -> str:
    """Categories, busiest first."""
    named = [
        (category_name(city, code, language), category_name(city, code, language), f)
        for code, f in stats.categories
    ]
    return _table(named, language, ranked=False, css="by-category")


def _table(rows: list[tuple[str, str, Figures]], language: str, ranked: bool, css: str) -> str:
    if not rows:
        return f'<p class="muted">{esc(t(language, "queue.empty"))}</p>'
    heads = ([t(language, "fig.rank")] if ranked else []) + [t(language, "fig.name")]
    heads += [t(language, key) for key in HEADS]
    head = "".join(f"<th>{esc(h)}</th>" for h in heads)
    body = ""
    for index, (short, full, figures) in enumerate(rows, start=1):
        cells = [str(index)] if ranked else []
        tds = "".join(f'<td class="num">{esc(c)}</td>' for c in cells)
        tds += f"<td {attrs(title=full)}>{esc(short)}</td>"
        tds += "".join(f'<td class="num">{esc(v)}</td>' for v in _values(figures, language))
        body += f"<tr>{tds}</tr>"
    return (
        f"<table {attrs(class_=f'figtable {css}')}><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
