"""``huebot dialog-eval``: does the report dialog ask "where?" only when it must?

Each labelled message of the gazetteer's evaluation set (``places/data/eval/``) is sent
as the first message of a fresh chat through ``handlers.dispatch``, with the real NLU
and gazetteer, on a throw-away SQLite store. The dialog "asks where" when its answer
requests a location. Targets: at most 1 in 10 messages that give a usable place are
asked, and every message that gives none and describes a problem (the NLU's intent is a
report) is. Messages without a place that are no problem at all (a greeting, thanks)
are counted apart: asking them "where?" would be wrong.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import handlers
from bot.config import Runtime
from bot.core.clock import utc_now
from bot.gazetteer import LivePlaces
from handlers import Channel, City, Context, IncomingMessage, Parser, Places, Reply
from places.evaluation import SETS, read_rows
from storage.db import Database

Parts = tuple[City, Parser, Places | None]

MAX_ASKED_WITH_PLACE = 0.10


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the dialog did with one labelled first message."""

    text: str
    place_given: bool
    asked_where: bool
    asked_ward: bool
    report_started: bool
    describes_problem: bool


async def first_answer(
    database: Database, ctx_parts: Parts, text: str, key: str, now: datetime
) -> list[Reply]:
    """The replies to ``text`` as the first message of chat ``key``."""
    city, parser, places = ctx_parts
    message = IncomingMessage(Channel.WEBCHAT, key, f"{key}-1", now, text=text)
    async with database.unit_of_work() as store:
        ctx = Context(store=store, city=city, nlu=parser, now=now, places=places)
        return await handlers.dispatch(ctx, message)


async def run_rows(
    database: Database,
    ctx_parts: Parts,
    rows: list[dict[str, str]],
    clock: Callable[[], datetime] = utc_now,
) -> list[Outcome]:
    """Send every row's text as a first message; return what the dialog did."""
    outcomes = []
    for index, row in enumerate(rows):
        replies = await first_answer(database, ctx_parts, row["text"], f"eval-{index}", clock())
        intent = (await ctx_parts[1].parse(row["text"])).get("intent") or {}
        payloads = [choice.payload for reply in replies for choice in reply.choices]
        outcomes.append(
            Outcome(
                text=row["text"],
                place_given=row["place"] == "yes",
                asked_where=any(reply.ask_location for reply in replies),
                asked_ward=any(p.startswith("report:ward:") for p in payloads),
                report_started=any(p.startswith("report:") for p in payloads)
                or any(reply.ask_location for reply in replies),
                describes_problem=str(intent.get("name", "")).startswith("report_"),
            )
        )
    return outcomes


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """The figures: how often "where?" is asked with and without a place given."""
    given = [o for o in outcomes if o.place_given]
    missing = [o for o in outcomes if not o.place_given and o.describes_problem]
    other = [o for o in outcomes if not o.place_given and not o.describes_problem]
    asked_given = [o for o in given if o.asked_where]
    asked_missing = [o for o in missing if o.asked_where]
    rate_given = len(asked_given) / len(given) if given else 0.0
    rate_missing = len(asked_missing) / len(missing) if missing else 1.0
    return {
        "messages": len(outcomes),
        "with_place": len(given),
        "asked_where_with_place": len(asked_given),
        "asked_where_with_place_rate": rate_given,
        "asked_ward_with_place": sum(o.asked_ward for o in given),
        "without_place": len(missing),
        "asked_where_without_place": len(asked_missing),
        "asked_where_without_place_rate": rate_missing,
        "no_place_not_a_problem": len(other),
        "asked_where_not_a_problem": sum(o.asked_where for o in other),
        "meets_targets": rate_given <= MAX_ASKED_WITH_PLACE and rate_missing == 1.0,
        "asked_although_given": [o.text for o in asked_given],
        "not_asked_although_missing": [asdict(o) for o in missing if not o.asked_where],
        "not_a_problem": [o.text for o in other],
    }


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``dialog-eval`` to the command line."""
    command = commands.add_parser(
        "dialog-eval", parents=[common], help='how often the report dialog asks "where?"'
    )
    command.add_argument("--set", choices=sorted(SETS), default="heldout")
    command.add_argument("--json", action="store_true", help="print JSON")


async def run(args: argparse.Namespace, runtime: Runtime, parser: Parser) -> int:
    """Evaluate on a throw-away store; 0 when the targets are met, 1 otherwise."""
    settings = runtime.settings
    places = LivePlaces(runtime.places_paths, settings.places.reload_check_seconds)
    rows = read_rows(SETS[args.set])
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'eval.db'}")
        try:
            await database.migrate()
            outcomes = await run_rows(database, (settings.city, parser, places), rows)
        finally:
            await database.dispose()
    figures = summarize(outcomes)
    print(json.dumps(figures, ensure_ascii=False, indent=2) if args.json else table(figures))
    return 0 if figures["meets_targets"] else 1


def table(figures: dict[str, Any]) -> str:
    """The figures as a few readable lines."""
    return "\n".join(
        [
            f"messages: {figures['messages']}",
            f'place given: {figures["with_place"]}, asked "where?": '
            f"{figures['asked_where_with_place']} ({figures['asked_where_with_place_rate']:.1%},"
            f" target <= {MAX_ASKED_WITH_PLACE:.0%}); asked for the ward: "
            f"{figures['asked_ward_with_place']}",
            f'no place, describes a problem: {figures["without_place"]}, asked "where?": '
            f"{figures['asked_where_without_place']} "
            f"({figures['asked_where_without_place_rate']:.1%}, target 100%)",
            f"no place, not a problem (greeting, thanks): {figures['no_place_not_a_problem']}"
            f', asked "where?": {figures["asked_where_not_a_problem"]}',
            *(f"  not a problem: {text}" for text in figures["not_a_problem"]),
            *(f"  asked although given: {text}" for text in figures["asked_although_given"]),
            *(
                f"  not asked although missing: {row['text']}"
                for row in figures["not_asked_although_missing"]
            ),
            f"targets met: {'yes' if figures['meets_targets'] else 'no'}",
        ]
    )
