"""Choosing the unit a report is transferred to: every unit, a page at a time, or by name.

The report's own ward committee comes first, then the city's units, then the other
ward committees. Typing part of a name (with or without accents) narrows the list.
"""

from __future__ import annotations

import unicodedata

from handlers.core.context import Turn
from handlers.core.model import Choice, Reply
from storage.records import ReportRecord

PAGE = 8
WARD_UNIT_PREFIX = "ubnd_"


def candidates(turn: Turn, report: ReportRecord) -> list[str]:
    """Unit codes in the order offered, without the report's current unit."""
    city = turn.ctx.city
    ward = city.ward(report.ward) if report.ward else None
    own = [ward.committee] if ward and ward.committee else []
    city_units = [u.code for u in city.units if not u.code.startswith(WARD_UNIT_PREFIX)]
    wards = sorted(
        (u.code for u in city.units if u.code.startswith(WARD_UNIT_PREFIX)),
        key=lambda code: fold(city.unit(code).name.vi),
    )
    ordered = own + city_units + [code for code in wards if code not in own]
    return [code for code in ordered if code != report.unit_code]


def fold(text: str) -> str:
    """Lower case without accents (đ as d), for matching what people type."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search(turn: Turn, report: ReportRecord, words: str) -> list[str]:
    """The candidates whose name (either language) or code holds every word typed."""
    wanted = fold(words).split()
    city = turn.ctx.city

    def matches(code: str) -> bool:
        names = city.unit(code).name
        haystack = fold(f"{names.vi} {names.en} {code.replace('_', ' ')}")
        return all(word in haystack for word in wanted)

    return [code for code in candidates(turn, report) if matches(code)]


def page(turn: Turn, report: ReportRecord, number: int = 0, query: str | None = None) -> Reply:
    """One page of units as buttons, with the next and previous pages."""
    codes = search(turn, report, query) if query else candidates(turn, report)
    if query and not codes:
        return Reply(turn.say("act.no_unit", query=query[:60]), _buttons(turn, report, 0, None))
    count = 1 if query else max(1, -(-len(codes) // PAGE))  # a search shows its best page
    number = min(max(number, 0), count - 1)
    lead = turn.say("act.pick_unit", code=report.code, page=number + 1, pages=count)
    return Reply(lead, _buttons(turn, report, number, codes))


def _buttons(
    turn: Turn, report: ReportRecord, number: int, codes: list[str] | None
) -> tuple[Choice, ...]:
    codes = candidates(turn, report) if codes is None else codes
    city, code = turn.ctx.city, report.code
    shown = codes[number * PAGE : (number + 1) * PAGE]
    choices = [
        Choice(city.unit(unit).name.in_language(turn.language), f"act:to:{code}:{unit}")
        for unit in shown
    ]
    if (number + 1) * PAGE < len(codes) and len(codes) == len(candidates(turn, report)):
        choices.append(Choice(turn.say("queue.next"), f"act:transfer:{code}:{number + 1}"))
    if number > 0:
        choices.append(Choice(turn.say("act.previous"), f"act:transfer:{code}:{number - 1}"))
    return tuple(choices)
