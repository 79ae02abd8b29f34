"""Logs: one JSON event per line, no phone numbers, ids hashed; the opt-in access log."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from aiohttp import web

from bot import logs


def record(message: str, *args: Any, **extra: Any) -> logging.LogRecord:
    made = logging.makeLogRecord({"name": "huebot.test", "levelname": "INFO", "levelno": 20,
                                  "msg": message, "args": args})  # fmt: skip
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_a_json_event_is_one_line_with_phones_masked_and_ids_hashed():
    line = logs.JsonFormatter().format(
        record("contact %s saved\nnext", "0905123456", chat_id=987654321, update_id=42)
    )
    assert "\n" not in line
    event = json.loads(line)
    assert event["event"] == "contact [phone] saved\nnext"
    assert event["chat_id"] == logs.hashed(987654321) != "987654321"
    assert event["update_id"] == 42
    assert {"ts", "level", "logger"} <= set(event) and "0905123456" not in line


def test_text_lines_mask_phones_too():
    line = logs.TextFormatter(logs.TEXT_FORMAT).format(record("call +84905123456 now"))
    assert "+84905123456" not in line and "[phone]" in line


def test_an_exception_is_named_and_its_traceback_kept_in_the_event():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        made = record("failed")
        made.exc_info = sys.exc_info()
    event = json.loads(logs.JsonFormatter().format(made))
    assert event["error"] == "RuntimeError" and "boom" in event["traceback"]


def test_an_unknown_log_format_is_refused_with_a_clear_reason():
    with pytest.raises(ValueError, match="HUEBOT_LOG_FORMAT must be text or json"):
        logs.configure({"HUEBOT_LOG_FORMAT": "xml"})


@pytest.mark.parametrize(("value", "wanted"), [("1", True), ("on", True), ("", False),
                                               ("0", False)])  # fmt: skip
def test_the_access_log_is_opt_in(value: str, wanted: bool):
    assert logs.access_log_wanted({"HUEBOT_ACCESS_LOG": value}) is wanted
    assert logs.access_log_wanted({}) is False


async def test_the_access_log_names_the_route_not_the_ids_or_query(
    aiohttp_server: Any, aiohttp_client: Any, caplog: pytest.LogCaptureFixture
):
    async def report(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/ops/reports/{code}", report)
    server = await aiohttp_server(
        app, access_log_class=logs.AccessLogger, access_log=logging.getLogger(logs.ACCESS)
    )
    client = await aiohttp_client(server)
    with caplog.at_level(logging.INFO, logger=logs.ACCESS):
        assert (await client.get("/ops/reports/PA-10001?token=secret")).status == 200
        for _ in range(100):  # the server logs once the response is out
            if any(r.name == logs.ACCESS for r in caplog.records):
                break
            await asyncio.sleep(0.02)
    made = next(r for r in caplog.records if r.name == logs.ACCESS)
    event = json.loads(logs.JsonFormatter().format(made))
    assert event["route"] == "/ops/reports/{code}" and event["status"] == 200
    assert "PA-10001" not in json.dumps(event) and "secret" not in json.dumps(event)
    assert event["remote"] == logs.hashed("127.0.0.1")


def test_configuring_twice_keeps_one_handler_and_leaves_others_alone():
    root = logging.getLogger()
    before = [h for h in root.handlers if h.get_name() != logs.HANDLER]
    try:
        logs.configure({"HUEBOT_LOG_FORMAT": "json"})
        logs.configure({"HUEBOT_LOG_FORMAT": "text"})
        ours = [h for h in root.handlers if h.get_name() == logs.HANDLER]
        assert len(ours) == 1 and isinstance(ours[0].formatter, logs.TextFormatter)
        assert [h for h in root.handlers if h.get_name() != logs.HANDLER] == before
    finally:
        for handler in [h for h in root.handlers if h.get_name() == logs.HANDLER]:
            root.removeHandler(handler)
