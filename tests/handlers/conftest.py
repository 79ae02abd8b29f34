"""Shared fixtures of the dialog tests: the handling tests' people and a citizen's chat."""

from typing import Any

import pytest

from storage.db import Database
from tests.handlers.handling.test_handling import people, staffed  # noqa: F401  (fixtures)
from tests.support.chat import Chat
from tests.support.clock import FakeClock


@pytest.fixture
def chat(database: Database, services: Any, nlu_parser: Any, clock: FakeClock) -> Chat:
    """One web chat citizen talking to the handlers, with the real NLU and gazetteer."""
    city = services.runtime.settings.city
    return Chat(database, city, nlu_parser, clock, places=services.places)
