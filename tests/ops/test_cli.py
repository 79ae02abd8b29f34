"""``huebot ops login-link`` and ``huebot ops sign-out``, on both stores."""

from __future__ import annotations

import argparse
from typing import Any

from bot import ops_cli
from bot.app import Services
from tests.ops.support import grant
from tests.support.clock import FakeClock
from tests.support.outbox import Mailbox, texts


async def run(services: Services, *words: str) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    ops_cli.add_commands(commands, argparse.ArgumentParser(add_help=False))
    args = parser.parse_args(["ops", *words])
    async with services.database.unit_of_work() as store:
        return await ops_cli._run(args, store, services.runtime)


async def test_login_link_goes_to_the_users_chat(
    ops_services: Services, clock: FakeClock, capsys: Any
):
    await grant(ops_services.database, "telegram", "77", "supervisor", None, clock())
    box = Mailbox(ops_services.database, "77")
    assert await run(ops_services, "login-link", "telegram:77") == 0
    sent = texts(await box.read())
    assert "/ops/login/" in sent and "Hoặc nhập mã" in sent
    assert await run(ops_services, "login-link", "telegram:77", "--print") == 0
    assert "/ops/login/" in capsys.readouterr().out
    assert await box.read() == []


async def test_login_link_refuses_unknown_users_and_citizens(
    ops_services: Services, clock: FakeClock
):
    assert await run(ops_services, "login-link", "telegram:404") == 1
    async with ops_services.database.unit_of_work() as store:
        await store.users.get_or_create("telegram", "5", clock())
    assert await run(ops_services, "login-link", "telegram:5") == 2


async def test_sign_out_ends_every_session(ops_services: Services, clock: FakeClock, capsys: Any):
    from datetime import timedelta

    user = await grant(ops_services.database, "webchat", "k" * 24, "admin", None, clock())
    async with ops_services.database.unit_of_work() as store:
        token = await store.ops.open_session(user.id, clock(), timedelta(hours=1))
    assert await run(ops_services, "sign-out", str(user.id)) == 0
    assert "1 session(s) ended" in capsys.readouterr().out
    async with ops_services.database.unit_of_work() as store:
        assert await store.ops.session_user(token, clock()) is None
