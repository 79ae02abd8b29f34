"""The embedded model is saved with a fingerprint and retrained when it goes stale."""

from __future__ import annotations

import json
from pathlib import Path

from nlu.embedded import EmbeddedParser
from nlu.engine import config_copy
from nlu.store import META_FILE, MODEL_FILE, fingerprint, stored_fingerprint


def saved_at(model_dir: Path) -> float:
    return float(json.loads((model_dir / META_FILE).read_text())["saved_at"])


def test_first_use_trains_and_saves(tiny_data: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    parser = EmbeddedParser(model_dir, [tiny_data])
    assert parser.parse_sync("đèn đường hư")["intent"]["name"] == "report_lighting"
    assert (model_dir / MODEL_FILE).exists()
    assert stored_fingerprint(model_dir) == fingerprint([tiny_data], parser.config)


def test_an_up_to_date_model_is_loaded_not_retrained(tiny_data: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    EmbeddedParser(model_dir, [tiny_data]).model()
    first = saved_at(model_dir)
    again = EmbeddedParser(model_dir, [tiny_data])
    assert again.parse_sync("hello")["intent"]["name"] == "greet"
    assert saved_at(model_dir) == first


def test_changed_data_retrains(tiny_data: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    EmbeddedParser(model_dir, [tiny_data]).model()
    old = stored_fingerprint(model_dir)
    tiny_data.write_text(tiny_data.read_text() + "    - chào buổi tối\n", encoding="utf-8")
    EmbeddedParser(model_dir, [tiny_data]).model()
    new = stored_fingerprint(model_dir)
    assert new != old
    assert new == fingerprint([tiny_data], config_copy())


def test_changed_config_retrains(tiny_data: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    EmbeddedParser(model_dir, [tiny_data]).model()
    old = stored_fingerprint(model_dir)
    other = config_copy({"classifier": {"C": 3.0}})
    EmbeddedParser(model_dir, [tiny_data], other).model()
    assert stored_fingerprint(model_dir) not in (None, old)


def test_a_corrupt_model_file_is_replaced(tiny_data: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    EmbeddedParser(model_dir, [tiny_data]).model()
    (model_dir / MODEL_FILE).write_bytes(b"not a model")
    parser = EmbeddedParser(model_dir, [tiny_data])
    assert parser.parse_sync("hi there")["intent"]["name"] == "greet"
    assert (model_dir / MODEL_FILE).read_bytes() != b"not a model"


def test_fingerprint_ignores_file_order_but_not_content(tiny_data: Path, tmp_path: Path) -> None:
    other = tmp_path / "data" / "more.yml"
    other.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    config = config_copy()
    assert fingerprint([tiny_data, other], config) == fingerprint([other, tiny_data], config)
    assert fingerprint([tiny_data.parent], config) == fingerprint([tiny_data, other], config)
    assert fingerprint([tiny_data], config) != fingerprint([tiny_data, other], config)


def test_an_unwritable_model_dir_still_gives_a_parser(tiny_data: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the model directory should be", encoding="utf-8")
    parser = EmbeddedParser(blocker / "model", [tiny_data])
    assert parser.parse_sync("hello")["intent"]["name"] == "greet"
    assert stored_fingerprint(blocker / "model") is None
