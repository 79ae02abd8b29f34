"""The dialog-level place evaluation: "where?" only when the place is missing. Both stores."""

from __future__ import annotations

from typing import Any

from bot.dialog_eval import run_rows, summarize
from places.evaluation import SETS, read_rows
from storage.db import Database


async def test_on_the_held_out_set_where_is_asked_only_when_the_place_is_missing(
    database: Database, services: Any, nlu_parser: Any
):
    rows = read_rows(SETS["heldout"])
    city = services.runtime.settings.city
    figures = summarize(await run_rows(database, (city, nlu_parser, services.places), rows))
    assert figures["with_place"] >= 100 and figures["without_place"] >= 20
    assert figures["asked_where_with_place_rate"] <= 0.10, figures["asked_although_given"]
    assert figures["asked_where_without_place_rate"] == 1.0
    assert figures["meets_targets"]


async def test_without_the_gazetteer_the_dialog_asks_where_every_time(
    database: Database, services: Any, nlu_parser: Any
):
    rows = [r for r in read_rows(SETS["heldout"]) if r["place"] == "yes"][:20]
    city = services.runtime.settings.city
    figures = summarize(await run_rows(database, (city, nlu_parser, None), rows))
    assert figures["asked_where_with_place_rate"] > 0.5 and not figures["meets_targets"]
