"""The embedded parser end to end: Rasa's output shape, intents, calibration."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import nlu
from nlu.embedded import EmbeddedParser
from nlu.evaluation import predict, reliability
from nlu.rasa_yaml import load_training_data
from nlu.store import PACKAGE_DIR

HELDOUT = PACKAGE_DIR / "data" / "heldout" / "test.yml"

CLEAR_EXAMPLES = [
    ("Đường Lê Lợi ngập sâu quá, xe chết máy", "report_flooding"),
    ("duong truoc nha ngap het roi", "report_flooding"),
    ("The street is flooded after the rain", "report_flooding"),
    ("ổ gà to giữa đường Hùng Vương", "report_road"),
    ("there is a big pothole on the road", "report_road"),
    ("rác không ai thu gom cả tuần nay", "report_garbage"),
    ("rac chat dong o dau kiet", "report_garbage"),
    ("đèn đường tắt hết, kiệt tối om", "report_lighting"),
    ("den duong ko sang", "report_lighting"),
    ("the street lights are not working", "report_lighting"),
    ("cây đổ chắn ngang đường", "report_trees"),
    ("a tree fell across the road", "report_trees"),
    ("mất nước từ sáng tới giờ", "report_water_supply"),
    ("cúp điện cả xóm rồi", "report_electricity"),
    ("power outage in our street", "report_electricity"),
    ("tai nạn giao thông ở ngã tư, có người bị thương", "report_traffic"),
    ("hát karaoke tới 12h đêm không ngủ được", "report_security"),
    ("sạt lở đất, nhà sắp sập, cần cứu hộ", "report_disaster"),
    ("phản ánh pa 10234 xử lý tới đâu rồi", "check_status"),
    ("what's the status of PA-10234", "check_status"),
    ("nhà thuốc gần nhất ở đâu", "find_service"),
    ("where is the nearest hospital", "find_service"),
    ("đăng ký nhận cảnh báo bão lũ", "subscribe_alerts"),
    ("hủy nhận cảnh báo", "unsubscribe_alerts"),
    ("stop sending me alerts", "unsubscribe_alerts"),
    ("xin chào", "greet"),
    ("hello", "greet"),
    ("tạm biệt", "goodbye"),
    ("cảm ơn nhiều nha", "thanks"),
    ("thank you", "thanks"),
    ("bot này dùng sao vậy", "help"),
    ("how do I use this?", "help"),
]


@pytest.fixture(scope="module")
def parser(nlu_parser: Any) -> EmbeddedParser:
    """The session's embedded parser, trained once (see tests/conftest.py)."""
    assert isinstance(nlu_parser, EmbeddedParser)
    return nlu_parser


@pytest.mark.parametrize(("text", "intent"), CLEAR_EXAMPLES)
def test_clear_examples(parser: EmbeddedParser, text: str, intent: str) -> None:
    assert parser.parse_sync(text)["intent"]["name"] == intent


def test_output_has_rasa_shape(parser: EmbeddedParser) -> None:
    text = "cúp điện ở kiệt 5 Đội Cung, p. Phú Xuân"
    result = asyncio.run(parser.parse(text))
    assert set(result) == {
        "text",
        "intent",
        "entities",
        "text_tokens",
        "intent_ranking",
        "response_selector",
    }
    assert result["text"] == text
    assert set(result["intent"]) == {"id", "name", "confidence"}
    ranking = result["intent_ranking"]
    assert len(ranking) == 10
    assert ranking[0] == result["intent"]
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert all(isinstance(c, float) and 0.0 <= c <= 1.0 for c in confidences)
    assert sum(confidences) <= 1.0 + 1e-9
    assert {r["name"] for r in ranking} <= set(nlu.INTENTS)
    assert [(e["entity"], e["value"]) for e in result["entities"]] == [
        ("street", "kiệt 5 Đội Cung"),
        ("ward", "phu_xuan"),
    ]


def test_intents_are_the_fixed_codes(parser: EmbeddedParser) -> None:
    assert sorted(parser.model().intents) == sorted(nlu.INTENTS)


def test_confidence_is_calibrated_on_the_heldout_set(parser: EmbeddedParser) -> None:
    predictions = predict(parser.model(), load_training_data([HELDOUT]).examples)
    report = reliability(predictions)
    accuracy = sum(p.expected == p.predicted for p in predictions) / len(predictions)
    mean_confidence = sum(p.confidence for p in predictions) / len(predictions)
    assert abs(mean_confidence - accuracy) < 0.08
    assert report["ece"] < 0.1


def test_wrong_answers_are_less_confident_than_right_ones(parser: EmbeddedParser) -> None:
    predictions = predict(parser.model(), load_training_data([HELDOUT]).examples)
    right = [p.confidence for p in predictions if p.predicted == p.expected]
    wrong = [p.confidence for p in predictions if p.predicted != p.expected]
    assert sum(right) / len(right) > 0.8
    assert not wrong or sum(wrong) / len(wrong) < sum(right) / len(right) - 0.2


def test_heldout_file_is_not_training_data() -> None:
    assert HELDOUT.parent != Path(nlu.store.DEFAULT_DATA_DIR)
    assert not HELDOUT.is_relative_to(nlu.store.DEFAULT_DATA_DIR)


def test_sync_parse_uses_the_default_embedded_engine(
    parser: EmbeddedParser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(nlu._embedded, nlu.store.DEFAULT_MODEL_DIR.resolve(), parser)
    result = nlu.parse("mất điện rồi")
    assert result["intent"]["name"] == "report_electricity"
    assert result == parser.parse_sync("mất điện rồi")


def test_fast_single_message_path_matches_scikit_learn(parser: EmbeddedParser) -> None:
    model = parser.model()
    texts = [t for t, _ in CLEAR_EXAMPLES] + ["", "???", "👋", "PA-1"]
    fast, reference = model.scores(texts), model.pipeline_scores(texts)
    assert fast.shape == reference.shape == (len(texts), len(model.intents))
    assert abs(fast - reference).max() < 1e-5
