"""A small run of the hostile benchmark's mix against the whole app, on both stores.

The same requests as ``make bench-hostile`` (``bench/hostile_traffic.py``), a few dozen
per channel: no 5xx, every well-formed message answered, every other one refused with
the status it deserves.
"""

from __future__ import annotations

import aiohttp

from bench import hostile_traffic as traffic
from tests.channels.conftest import SECRET
from tests.hostile.conftest import Hostile

PER_CHANNEL = 20


async def test_a_hostile_mix_gets_no_5xx_and_every_message_an_answer(hostile: Hostile):
    base = str(hostile.client.make_url("")).rstrip("/")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        target = traffic.Target(
            base, session, SECRET, hostile.fake_telegram, hostile.fake_zalo, hostile.services.clock
        )
        results = {name: await run(target, PER_CHANNEL) for name, run in traffic.CHANNELS.items()}
    for name, result in results.items():
        assert result["requests"] == PER_CHANNEL, name
        assert result["5xx"] == 0 and result["client_errors"] == 0, (name, result)
        assert result["unexpected_statuses"] == {}, (name, result)
        assert result["expected_answers"] > 0 and result["unanswered"] == 0, (name, result)
