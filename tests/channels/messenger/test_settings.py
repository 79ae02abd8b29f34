"""The Messenger channel's settings: secrets from the environment, the rest from config.yml."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.messenger.client import messenger_settings
from bot.config import ConfigError, load_settings, resolve_runtime
from tests.support.fake_messenger import APP_SECRET, PAGE_TOKEN, VERIFY_TOKEN

ROOT = Path(__file__).resolve().parents[3]


def config_with(tmp_path: Path, messenger: str) -> Path:
    text = (ROOT / "config.yml").read_text(encoding="utf-8")
    text = text.replace("  zalo: {}\n", f"  zalo: {{}}\n  messenger:\n{messenger}", 1)
    path = tmp_path / "config.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_come_from_the_environment_and_config(tmp_path: Path) -> None:
    path = config_with(tmp_path, "    api_base_url: http://127.0.0.1:8999/v26.0\n")
    runtime = resolve_runtime(path, env={})
    env = {
        "MESSENGER_PAGE_TOKEN": f" {PAGE_TOKEN} ",
        "MESSENGER_APP_SECRET": APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN,
    }
    settings = messenger_settings(runtime, env)
    assert settings is not None
    assert (settings.page_token, settings.api) == (PAGE_TOKEN, "http://127.0.0.1:8999/v26.0")
    assert settings.notice_tag == "ACCOUNT_UPDATE"
    assert messenger_settings(runtime, {}) is None
    with pytest.raises(ValueError, match="MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN"):
        messenger_settings(runtime, {"MESSENGER_PAGE_TOKEN": PAGE_TOKEN})


def test_the_default_is_the_versioned_graph_api() -> None:
    settings = load_settings(ROOT / "config.yml")
    assert settings.channels.messenger.api_base_url == "https://graph.facebook.com/v26.0"


@pytest.mark.parametrize(
    "messenger",
    [
        "    api_base_url: graph.facebook.com\n",
        "    notice_tag: NEWS_UPDATE\n",
        "    max_download_bytes: 0\n",
    ],
)
def test_bad_messenger_config_stops_start_up(tmp_path: Path, messenger: str) -> None:
    with pytest.raises(ConfigError, match="messenger"):
        load_settings(config_with(tmp_path, messenger))
