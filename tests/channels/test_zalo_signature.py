"""``X-ZEvent-Signature``: one test per accepted form, and the look-alikes that are refused.

Expected values are computed here from the documented formula, independently of
``bot.channels.zalo.channel``: ``mac=`` + SHA-256 hex of app id + raw body + the body's
timestamp + the OA secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest

from bot.channels.zalo.channel import authentic, signature

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "zalo"
APP_ID, KEY = "360846524940903967", "oa-secret-key"
BODY = (FIXTURES / "gotest_user_send_image.json").read_bytes()
TIMESTAMP = str(json.loads(BODY)["timestamp"])


def documented(app_id: str = APP_ID, body: bytes = BODY, ts: str = TIMESTAMP, key: str = KEY):
    return hashlib.sha256(app_id.encode() + body + ts.encode() + key.encode()).hexdigest()


def check(header: str | None, **changes: object) -> bool:
    args = {"app_id": APP_ID, "body": BODY, "timestamp": TIMESTAMP, "oa_secret_key": KEY}
    args.update(changes)
    return authentic(header, **args)  # type: ignore[arg-type]


def test_zalos_form_mac_equals_hex_is_accepted():
    assert check(f"mac={documented()}")
    assert signature(APP_ID, BODY, TIMESTAMP, KEY) == f"mac={documented()}"


def test_the_bare_hex_is_accepted():
    assert check(documented())


def test_upper_case_hex_and_prefix_are_accepted():
    assert check(f"MAC={documented().upper()}")


def test_a_vietnamese_body_is_hashed_as_its_raw_bytes():
    body = json.dumps({"timestamp": TIMESTAMP, "text": "Đèn hỏng ở Lê Lợi"}, ensure_ascii=False)
    raw = body.encode()
    assert check(f"mac={documented(body=raw)}", body=raw)
    assert not check(f"mac={documented(body=raw)}", body=body.encode("unicode_escape"))


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("mac=", id="prefix-only"),
        pytest.param(f"mac={documented(key='other')}", id="wrong-key"),
        pytest.param(f"mac={documented(app_id='1')}", id="other-app"),
        pytest.param(f"mac={documented(ts=str(int(TIMESTAMP) + 1))}", id="other-timestamp"),
        pytest.param(f"mac={documented(body=BODY + b' ')}", id="body-changed"),
        pytest.param(f"sha256={documented()}", id="other-prefix"),
        pytest.param(
            "mac=" + hmac.new(KEY.encode(), BODY, hashlib.sha256).hexdigest(), id="hmac-of-body"
        ),
        pytest.param(
            "mac=" + hashlib.sha256(BODY + KEY.encode()).hexdigest(), id="without-app-and-time"
        ),
    ],
)
def test_look_alikes_are_refused(header: str | None):
    assert not check(header)


def test_no_key_configured_refuses_everything():
    """Fail closed: even a signature made with an empty key is refused."""
    assert not check(f"mac={documented(key='')}", oa_secret_key="")


def test_no_timestamp_or_app_id_refuses_everything():
    assert not check(f"mac={documented(ts='')}", timestamp="")
    assert not check(f"mac={documented(app_id='')}", app_id="")
