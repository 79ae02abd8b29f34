"""load_parser(): backends, caching, and the synchronous parse()."""

from __future__ import annotations

from pathlib import Path

import pytest

import nlu
from nlu.embedded import EmbeddedParser
from nlu.rasa_backend import RasaParser


def test_embedded_parsers_are_cached_per_model_dir(tmp_path: Path) -> None:
    first = nlu.load_parser(model_dir=tmp_path / "m")
    assert isinstance(first, EmbeddedParser)
    assert nlu.load_parser("embedded", model_dir=tmp_path / "m") is first
    assert nlu.load_parser(model_dir=tmp_path / "other") is not first


def test_rasa_backend_wraps_the_embedded_fallback(tmp_path: Path) -> None:
    parser = nlu.load_parser(
        "rasa", model_dir=tmp_path, rasa_url="http://127.0.0.1:5005/", rasa_timeout=0.5
    )
    assert isinstance(parser, RasaParser)
    assert parser.endpoint == "http://127.0.0.1:5005/model/parse"
    assert parser.timeout == 0.5
    assert parser.fallback is nlu.load_parser(model_dir=tmp_path)


def test_rasa_backend_needs_a_url() -> None:
    with pytest.raises(ValueError, match="rasa_url"):
        nlu.load_parser("rasa")


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown NLU backend"):
        nlu.load_parser("spacy")
