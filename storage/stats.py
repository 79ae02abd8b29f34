"""Performance figures from HueBot's own store: received, handled, open, on time, satisfied.

Every figure is about one *cohort*: the reports created in the period (and, when asked,
of one unit or one category). Statuses are read as they stand at ``now``, which the
caller passes in; nothing here reads the clock. Counting happens in SQL; percentiles
come from a window query returning at most four rows per group, so memory does not grow
with the number of reports. The definitions are in ``DEFINITIONS`` and docs/stats.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, case, distinct, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import BigInteger

from storage import models
from storage.records import OPEN_STATUSES, Status

HANDLED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})
PERCENTILES = ((1, 2), (9, 10))  # the median and the 90th percentile, as fractions

DEFINITIONS: dict[str, str] = {
    "received": "reports created in the period",
    "handled": "of those, reports whose status is now resolved or closed",
    "rejected": "of those, reports whose status is now rejected",
    "transferred": "of those, reports whose status is now transferred",
    "open": "of those, reports whose status is now open (received, assigned, in_progress, "
    "need_info, reopened); received = handled + rejected + transferred + open",
    "overdue": "of the open ones, those whose deadline_at is before now",
    "resolved": "of those, reports with a resolved_at, whatever their status now",
    "on_time": "of the resolved ones, those with resolved_at <= deadline_at",
    "late": "of the resolved ones, those with resolved_at > deadline_at",
    "rated": "of those, reports whose citizen answered 'Are you satisfied?' (satisfied set)",
    "satisfied": "of the rated ones, those who answered yes",
    "units_involved": "distinct units with at least one of those reports",
    "resolve_p50_seconds": "median of resolved_at - created_at over the resolved ones, in "
    "whole seconds (each time truncated to the second), interpolated linearly between "
    "ranks like PostgreSQL percentile_cont; null when nothing was resolved",
    "resolve_p90_seconds": "90th percentile of the same durations, same method",
    "urgent": "of those, urgent reports (an SOS)",
    "ack_p50_seconds": "median of acknowledged_at - created_at over the non-urgent ones a "
    "person has taken on (first move to in progress, more information asked or resolved by "
    "an official), same method; the figure iHanoi's rules hold to 8 working hours",
    "ack_p90_seconds": "90th percentile of the same durations",
    "urgent_ack_p50_seconds": "median of acknowledged_at - created_at over the urgent ones "
    "taken on, same method; iHanoi's rules hold urgent cases to 4 hours",
    "urgent_ack_p90_seconds": "90th percentile of the same durations",
    "on_time_share": "on_time / resolved; null when nothing was resolved",
    "satisfaction_rate": "satisfied / rated; null when nobody answered",
}

_COUNTS = (
    "received", "handled", "rejected", "transferred", "open", "overdue",
    "resolved", "on_time", "late", "rated", "satisfied", "units_involved", "urgent",
)  # fmt: skip

Key = InstrumentedAttribute[str] | InstrumentedAttribute[str | None] | None


class SecondsBetween(FunctionElement[int]):
    """Whole seconds from the second timestamp to the first, each truncated to the second."""

    type = BigInteger()
    inherit_cache = True
    name = "seconds_between"


@compiles(SecondsBetween, "sqlite")
def _seconds_sqlite(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return (
        f"(CAST(strftime('%s', {later}) AS INTEGER) - CAST(strftime('%s', {earlier}) AS INTEGER))"
    )


@compiles(SecondsBetween, "postgresql")
def _seconds_postgresql(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return (
        f"CAST(EXTRACT(EPOCH FROM date_trunc('second', {later})) "
        f"- EXTRACT(EPOCH FROM date_trunc('second', {earlier})) AS BIGINT)"
    )


@dataclass(frozen=True, slots=True)
class Period:
    """Creation times ``start <= created_at < end``; no start means since the beginning."""

    start: datetime | None
    end: datetime

    @classmethod
    def local_days(
        cls, since: date | None, until: date | None, zone: tzinfo, now: datetime
    ) -> Period:
        """Whole local days: from ``since`` 00:00 to the end of ``until`` (or to ``now``).

        Args:
            since: First local day, or None for no lower bound.
            until: Last local day (included), or None to end at ``now``.
            zone: The city's time zone.
            now: The current time (aware).

        Returns:
            The period in absolute times.

        Raises:
            ValueError: ``until`` is before ``since``.
        """
        start = datetime.combine(since, time(0), zone) if since else None
        end = datetime.combine(until + timedelta(days=1), time(0), zone) if until else now
        if start is not None and start >= end:
            raise ValueError("the period is empty: since is after until, or in the future")
        return cls(start, end)

    @classmethod
    def last_days(cls, days: int, zone: tzinfo, now: datetime) -> Period:
        """Today and the ``days - 1`` local days before it, up to ``now``."""
        if days < 1:
            raise ValueError("days must be at least 1")
        today = now.astimezone(zone).date()
        return cls.local_days(today - timedelta(days=days - 1), None, zone, now)


@dataclass(frozen=True, slots=True)
class StatsQuery:
    """Which reports to count: a period, optionally one unit, one category and one ward."""

    period: Period
    unit_code: str | None = None
    category: str | None = None
    ward: str | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures of one cohort (everything, a unit or a category); see ``DEFINITIONS``."""

    received: int = 0
    handled: int = 0
    rejected: int = 0
    transferred: int = 0
    open: int = 0
    overdue: int = 0
    resolved: int = 0
    on_time: int = 0
    late: int = 0
    rated: int = 0
    satisfied: int = 0
    units_involved: int = 0
    urgent: int = 0
    resolve_p50_seconds: float | None = None
    resolve_p90_seconds: float | None = None
    ack_p50_seconds: float | None = None
    ack_p90_seconds: float | None = None
    urgent_ack_p50_seconds: float | None = None
    urgent_ack_p90_seconds: float | None = None

    @property
    def on_time_share(self) -> float | None:
        """Resolved on or before the deadline, over resolved; None when none were."""
        return self.on_time / self.resolved if self.resolved else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Satisfied, over those who answered; None when nobody answered."""
        return self.satisfied / self.rated if self.rated else None

    def as_dict(self) -> dict[str, Any]:
        """Every figure under its documented key (``DEFINITIONS``), rates included."""
        rates = {"on_time_share": self.on_time_share, "satisfaction_rate": self.satisfaction_rate}
        return asdict(self) | rates


@dataclass(frozen=True, slots=True)
class Stats:
    """A query's figures at ``now``: overall, then per unit, category and ward, busiest first.

    A ward code "" counts the reports whose ward is not known.
    """

    query: StatsQuery
    now: datetime
    total: Figures
    units: tuple[tuple[str, Figures], ...]
    categories: tuple[tuple[str, Figures], ...]
    wards: tuple[tuple[str, Figures], ...] = ()


class Statistics:
    """Read-only figures for supervisors and the ``huebot stats`` command."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def figures(self, query: StatsQuery, now: datetime) -> Stats:
        """Count the reports ``query`` selects, as they stand at ``now``.

        Args:
            query: The period and the optional unit and category.
            now: The current time, for open and overdue figures.

        Returns:
            Totals and rows per unit, per category and per ward.
        """
        total = await self._grouped(query, now, None)
        units = await self._grouped(query, now, models.Report.unit_code)
        categories = await self._grouped(query, now, models.Report.category)
        wards = await self._grouped(query, now, models.Report.ward)
        return Stats(
            query, now, total.get(None, Figures()), _rows(units), _rows(categories), _rows(wards)
        )

    async def _grouped(self, query: StatsQuery, now: datetime, key: Key) -> dict[Any, Figures]:
        counts = (await self._session.execute(_counts(query, now, key))).mappings().all()
        report = models.Report
        spans = (
            _ranked(query, key),
            _ranked(query, key, report.acknowledged_at, report.urgent.is_(False)),
            _ranked(query, key, report.acknowledged_at, report.urgent.is_(True)),
        )
        durations = [
            _percentiles((await self._session.execute(span)).mappings().all()) for span in spans
        ]
        none = (None, None)
        return {
            row["key"]: _figures(row, *(found.get(row["key"], none) for found in durations))
            for row in counts
            if row["received"]
        }


def _cohort(query: StatsQuery) -> list[ColumnElement[bool]]:
    report = models.Report
    where = [report.created_at < query.period.end]
    if query.period.start is not None:
        where.append(report.created_at >= query.period.start)
    if query.unit_code is not None:
        where.append(report.unit_code == query.unit_code)
    if query.category is not None:
        where.append(report.category == query.category)
    if query.ward is not None:
        where.append(report.ward == query.ward)
    return where


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count(case((condition, 1)))


def _counts(query: StatsQuery, now: datetime, key: Key) -> Select[Any]:
    report = models.Report
    is_open = report.status.in_(sorted(OPEN_STATUSES))
    columns = [
        func.count(),
        _count_if(report.status.in_(sorted(HANDLED_STATUSES))),
        _count_if(report.status == Status.REJECTED),
        _count_if(report.status == Status.TRANSFERRED),
        _count_if(is_open),
        _count_if(is_open & (report.deadline_at < now)),
        func.count(report.resolved_at),
        _count_if(report.resolved_at <= report.deadline_at),
        _count_if(report.resolved_at > report.deadline_at),
        func.count(report.satisfied),
        _count_if(report.satisfied.is_(True)),
        func.count(distinct(report.unit_code)),
        _count_if(report.urgent.is_(True)),
    ]
    labelled = [column.label(name) for column, name in zip(columns, _COUNTS, strict=True)]
    counted = select(_key(key), *labelled).where(*_cohort(query))
    return counted.group_by(key) if key is not None else counted


def _key(key: Key) -> ColumnElement[Any]:
    return (key if key is not None else literal(None)).label("key")


def _ranked(
    query: StatsQuery,
    key: Key,
    end: InstrumentedAttribute[datetime | None] = models.Report.resolved_at,
    *where: ColumnElement[bool],
) -> Select[Any]:
    """The only durations percentile_cont needs: ranks floor and ceil of 1 + p(n-1).

    A duration runs from created_at to ``end`` (resolved by default, or the first
    acknowledgement), over the cohort's reports that have one and match ``where``.
    """
    report = models.Report
    seconds = SecondsBetween(end, report.created_at)
    partition = [key] if key is not None else None
    ranked = (
        select(
            _key(key),
            seconds.label("seconds"),
            func.row_number().over(partition_by=partition, order_by=seconds).label("rank"),
            func.count().over(partition_by=partition).label("size"),
        )
        .where(*_cohort(query), end.is_not(None), *where)
        .subquery()
    )
    wanted = [  # floor and ceil of (size - 1) * p, plus one
        ranked.c.rank == 1 + ((ranked.c.size - 1) * num + up * (den - 1)) // den
        for num, den in PERCENTILES
        for up in (0, 1)
    ]
    return select(ranked.c.key, ranked.c.size, ranked.c.rank, ranked.c.seconds).where(or_(*wanted))


def _percentiles(rows: Sequence[Mapping[str, Any]]) -> dict[Any, tuple[float, ...]]:
    ranks: dict[Any, dict[int, int]] = defaultdict(dict)
    sizes: dict[Any, int] = {}
    for row in rows:
        ranks[row["key"]][int(row["rank"])] = int(row["seconds"])
        sizes[row["key"]] = int(row["size"])
    return {
        key: tuple(_interpolate(ranks[key], size, p) for p in PERCENTILES)
        for key, size in sizes.items()
    }


def _interpolate(values: dict[int, int], size: int, fraction: tuple[int, int]) -> float:
    """percentile_cont: between the values at ranks floor and ceil of 1 + p * (size - 1)."""
    num, den = fraction
    low, rest = divmod((size - 1) * num, den)
    below = values[low + 1]
    if not rest:
        return float(below)
    return below + (values[low + 2] - below) * rest / den


def _figures(
    row: Mapping[str, Any],
    resolve: Sequence[float | None],
    ack: Sequence[float | None],
    urgent_ack: Sequence[float | None],
) -> Figures:
    counts = {name: int(row[name] or 0) for name in _COUNTS}
    return Figures(
        **counts,
        resolve_p50_seconds=resolve[0],
        resolve_p90_seconds=resolve[1],
        ack_p50_seconds=ack[0],
        ack_p90_seconds=ack[1],
        urgent_ack_p50_seconds=urgent_ack[0],
        urgent_ack_p90_seconds=urgent_ack[1],
    )


def _rows(groups: dict[Any, Figures]) -> tuple[tuple[str, Figures], ...]:
    rows = [("" if key is None else str(key), figures) for key, figures in groups.items()]
    return tuple(sorted(rows, key=lambda row: (-row[1].received, row[0])))
