"""HueBot's parse answer has the shape of a recorded Rasa 3 /model/parse answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from nlu.embedded import EmbeddedParser
from nlu.rasa_backend import to_parse_result

FIXTURE = Path(__file__).parent / "fixtures" / "rasa3_model_parse.json"
RASA_CONFIG = Path(__file__).parents[2] / "nlu" / "data" / "rasa_config.yml"
TEXT = "đèn đường Lê Lợi tắt cả tuần, p. Vỹ Dạ"


def shape_differences(ours: Any, rasa: Any, path: str = "$") -> list[str]:
    """Where ``ours`` differs from ``rasa`` in keys or value types, recursively.

    Lists are compared element by element with the recorded list's first element (an
    empty recorded list must stay empty); numbers must be of the same Python type.
    """
    if isinstance(rasa, dict):
        if not isinstance(ours, dict):
            return [f"{path}: {type(ours).__name__} instead of an object"]
        if set(ours) != set(rasa):
            return [f"{path}: keys {sorted(ours)} instead of {sorted(rasa)}"]
        return [d for k in rasa for d in shape_differences(ours[k], rasa[k], f"{path}.{k}")]
    if isinstance(rasa, list):
        if not isinstance(ours, list):
            return [f"{path}: {type(ours).__name__} instead of a list"]
        if not rasa:
            return [] if not ours else [f"{path}: not empty"]
        return [
            d for i, o in enumerate(ours) for d in shape_differences(o, rasa[0], f"{path}[{i}]")
        ]
    if type(ours) is not type(rasa):
        return [f"{path}: {type(ours).__name__} instead of {type(rasa).__name__}"]
    return []


@pytest.fixture(scope="module")
def rasa_answer() -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return answer


def test_the_comparison_sees_the_old_differences(rasa_answer: dict[str, Any]) -> None:
    old = json.loads(json.dumps(rasa_answer))
    del old["intent"]["id"]
    old["entities"][0]["confidence"] = old["entities"][0].pop("confidence_entity")
    assert shape_differences(old, rasa_answer) == [
        "$.intent: keys ['confidence', 'name'] instead of ['confidence', 'id', 'name']",
        "$.entities[0]: keys ['confidence', 'end', 'entity', 'extractor', 'start', 'value']"
        " instead of ['confidence_entity', 'end', 'entity', 'extractor', 'start', 'value']",
    ]


def test_embedded_answer_matches_rasa_key_by_key(
    nlu_parser: Any, rasa_answer: dict[str, Any]
) -> None:
    assert isinstance(nlu_parser, EmbeddedParser)
    ours = nlu_parser.parse_sync(TEXT)
    assert shape_differences(ours, rasa_answer) == []
    assert len(ours["entities"]) == 2  # the street and the ward were both compared
    assert len(ours["intent_ranking"]) == len(rasa_answer["intent_ranking"]) == 10
    assert ours["intent"] == ours["intent_ranking"][0]
    assert ours["text_tokens"][:3] == [[0, 3], [4, 9], [10, 12]]


def test_intent_ids_are_stable_and_distinct(nlu_parser: Any) -> None:
    first = nlu_parser.parse_sync("mất điện cả khu")["intent_ranking"]
    again = nlu_parser.parse_sync("đường ngập sâu")["intent_ranking"]
    ids = {r["name"]: r["id"] for r in first}
    assert len(set(ids.values())) == len(ids)
    assert all(ids[r["name"]] == r["id"] for r in again if r["name"] in ids)


def test_rasa_answer_passes_through_unchanged(rasa_answer: dict[str, Any]) -> None:
    assert to_parse_result(rasa_answer["text"], rasa_answer) == rasa_answer


def test_rasa_pipeline_config_is_beside_the_data() -> None:
    config = yaml.safe_load(RASA_CONFIG.read_text(encoding="utf-8"))
    names = [step["name"] for step in config["pipeline"]]
    assert "DIETClassifier" in names and "EntitySynonymMapper" in names
    assert "FallbackClassifier" not in names  # its nlu_fallback intent is unknown to HueBot
    diet = next(s for s in config["pipeline"] if s["name"] == "DIETClassifier")
    assert diet["ranking_length"] == 10
