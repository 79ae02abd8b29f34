"""Shared fixtures: the network tripwire, both stores, the NLU, the running services.

Every test that takes ``database_url`` (directly or through ``services``) runs on
SQLite and on PostgreSQL. PostgreSQL needs TEST_DATABASE_URL; without it those
runs skip with a reason, and CI always sets it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from bot.app import Services, open_services
from bot.config import Runtime, resolve_runtime
from storage.db import Database
from tests.support.clock import FakeClock

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.yml"


def all_tables() -> list[str]:
    """Every table the models define (truncated between PostgreSQL tests)."""
    from storage.models import Base

    return [table.name for table in Base.metadata.sorted_tables]


# --- the network tripwire -------------------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback_only(address: Any) -> None:
    if isinstance(address, str | bytes):  # unix socket
        return
    host = str(address[0])
    if host.startswith("127.") or host in ("::1", "localhost") or host.startswith("::ffff:127."):
        return
    raise ConnectionRefusedError(f"tests may only connect to loopback, not {host}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _loopback_only(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _loopback_only(address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def network_tripwire(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection that is not to this machine."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


def run_sync(coro: Any) -> Any:
    """Run a coroutine to the end from sync code, even inside a running loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --- the stores ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "huebot.db"

    async def build() -> None:
        database = Database(f"sqlite:///{path}")
        await database.migrate()
        await database.dispose()

    run_sync(build())
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[tuple[str, str]]:
    """A migrated schema of its own on TEST_DATABASE_URL, dropped at the end."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (CI sets it)")
    schema = f"huebot_test_{uuid.uuid4().hex[:10]}"
    run_sync(_create_schema(url, schema))
    yield url, schema
    run_sync(_drop_schema(url, schema))


async def _create_schema(url: str, schema: str) -> None:
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    await admin.dispose()
    database = Database(url, schema=schema)
    await database.migrate()
    await database.dispose()


async def _drop_schema(url: str, schema: str) -> None:
    admin = Database(url)
    async with admin.engine.begin() as conn:
        await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    await admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_kind(request: pytest.FixtureRequest) -> str:
    """Which store this run of the test uses."""
    return str(request.param)


@pytest.fixture
async def db_target(
    store_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> tuple[str, str | None]:
    """(database URL, schema) of a fresh, migrated, empty store."""
    if store_kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "huebot.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}", None
    url, schema = request.getfixturevalue("postgres_schema")
    database = Database(url, schema=schema)
    async with database.engine.begin() as conn:
        names = ", ".join(f'"{table}"' for table in all_tables())
        await conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    await database.dispose()
    return url, schema


@pytest.fixture
async def database(db_target: tuple[str, str | None]) -> AsyncIterator[Database]:
    """A fresh, migrated, empty store (SQLite and PostgreSQL)."""
    url, schema = db_target
    db = Database(url, schema=schema)
    yield db
    await db.dispose()


# --- the application -------------------------------------------------------------------


@pytest.fixture(scope="session")
def nlu_parser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The real embedded NLU, trained once for the whole run, before the first test uses it.

    As in ``huebot run``, no message waits for a training: a first test timing the bot's
    answer would otherwise spend its wait training the model.
    """
    import nlu

    model_dir = tmp_path_factory.mktemp("nlu-model")
    parser = nlu.load_parser(model_dir=model_dir)
    nlu.prepare(model_dir)
    return parser


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves by hand."""
    return FakeClock()


@pytest.fixture
def runtime(db_target: tuple[str, str | None], tmp_path: Path) -> Runtime:
    """config.yml with this test's store and data folder."""
    env = {"DATABASE_URL": db_target[0], "HUEBOT_DATA_DIR": str(tmp_path / "data")}
    return resolve_runtime(CONFIG, env)


@pytest.fixture
async def services(
    runtime: Runtime, db_target: tuple[str, str | None], nlu_parser: Any, clock: FakeClock
) -> AsyncIterator[Services]:
    """HueBot's services on this test's store, with the real NLU and a fake clock."""
    opened = await open_services(
        runtime, parser=nlu_parser, clock=clock, migrate=False, schema=db_target[1]
    )
    yield opened
    await opened.database.dispose()
