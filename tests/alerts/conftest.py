"""Alert fixtures: the city, the store of a running HueBot, the fake Bot API."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import Services
from handlers import City
from storage.db import Database
from tests.delivery.conftest import fake_telegram, process_store_kind  # noqa: F401  (fixtures)


@pytest.fixture
def city(services: Services) -> City:
    """Huế as config.yml describes it."""
    return services.runtime.settings.city


@pytest.fixture
def db(services: Services) -> Database:
    """The services' store (units synced, so reports can be filed)."""
    return services.database


@pytest.fixture
def parser(nlu_parser: Any) -> Any:
    """The real NLU."""
    return nlu_parser
