"""The performance figures as CSV rows, shared by ``huebot stats`` and the dashboard.

One row for the total, then each unit, category and ward (``scoped``); counts as
integers, hours with one decimal, shares with four.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from handlers.handling.stats_view import hours
from storage.stats import Figures, Stats

CSV_COUNTS = (
    "received", "handled", "rejected", "transferred", "open", "overdue", "resolved",
    "on_time", "late", "rated", "satisfied", "units_involved",
)  # fmt: skip


def scoped(stats: Stats) -> Iterator[tuple[str, str, Figures]]:
    """(scope, code, figures) for the total, then each unit, category and ward."""
    yield "total", "", stats.total
    yield from (("unit", code, figures) for code, figures in stats.units)
    yield from (("category", code, figures) for code, figures in stats.categories)
    yield from (("ward", code, figures) for code, figures in stats.wards)


def as_csv(stats: Stats) -> str:
    """One row for the total, each unit, category and ward; hours with one decimal."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rates = ("resolve_p50_hours", "resolve_p90_hours", "on_time_share", "satisfaction_rate")
    writer.writerow(("scope", "code", *CSV_COUNTS, *rates, *ACK_HOURS))
    for scope, code, f in scoped(stats):
        counts = [getattr(f, name) for name in CSV_COUNTS]
        durations = [_csv_hours(f.resolve_p50_seconds), _csv_hours(f.resolve_p90_seconds)]
        shares = [_csv_rate(f.on_time_share), _csv_rate(f.satisfaction_rate)]
        acks = [_csv_hours(getattr(f, name.replace("_hours", "_seconds"))) for name in ACK_HOURS]
        writer.writerow((scope, code, *counts, *durations, *shares, *acks))
    return out.getvalue().rstrip("\n")


ACK_HOURS = ("ack_p50_hours", "ack_p90_hours", "urgent_ack_p50_hours", "urgent_ack_p90_hours")


def _csv_hours(seconds: float | None) -> str:
    return "" if seconds is None else hours(seconds)


def _csv_rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.4f}"
