"""Fixtures of the several-process tests: the fake Bot API, a trained model, a cluster.

The cluster's processes run on a fresh PostgreSQL database made for the test (they
migrate it themselves, all at the same moment) and need Redis for the shared limits;
without either the tests skip and say which is missing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.scale import scenarios
from tests.scale.cluster import Cluster, write_config
from tests.scale.support import fresh_database, postgres_url, require_redis
from tests.support.fake_telegram import FakeTelegram


@pytest.fixture
async def fake_telegram(aiohttp_server: Any) -> FakeTelegram:
    """The fake Bot API, listening on 127.0.0.1 on a free port."""
    fake = FakeTelegram()
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded NLU model, trained once, for every process to load."""
    import nlu

    model_dir = tmp_path_factory.mktemp("scale-model")
    nlu.prepare(model_dir)
    return model_dir


@pytest.fixture
async def cluster(
    fake_telegram: FakeTelegram, trained_model: Path, tmp_path: Path
) -> AsyncIterator[Cluster]:
    """A cluster (not started) on a fresh, empty PostgreSQL database; stopped at the end."""
    base = postgres_url()
    require_redis()
    config = write_config(
        tmp_path / "config.yml", fake_telegram.api_url, trained_model, **scenarios.settings()
    )
    async with fresh_database(base) as url:
        data = tmp_path / "data"
        data.mkdir()
        group = Cluster(config, url, data, env=scenarios.redis_env())
        try:
            yield group
        finally:
            await group.stop()
