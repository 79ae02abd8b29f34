"""Fixtures for the NLU tests: small data sets and a fake Rasa server."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY_DATA = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - xin chào
    - chào bạn
    - hello
    - hi there
    - chao ad
    - good morning
- intent: report_lighting
  examples: |
    - đèn đường hư rồi
    - den duong khong sang
    - the street light is broken
    - đèn đường tắt cả tuần
    - bóng đèn đường bị vỡ
    - street lamps are off
"""


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """A two-intent Rasa NLU file that trains in well under a second."""
    path = tmp_path / "data" / "nlu.yml"
    path.parent.mkdir()
    path.write_text(TINY_DATA, encoding="utf-8")
    return path
