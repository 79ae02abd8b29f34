"""Loading and validating config.yml; secrets and overrides from the environment.

An invalid file stops start-up with the file, the field path and what was
expected (``ConfigError``), never with a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.delivery.settings import DeliveryConfig
from bot.services_config import ServicesConfig
from handlers import City
from places.config import PlacesConfig, PlacesPaths, resolve_paths

DEFAULT_CONFIG = "config.yml"


class ConfigError(Exception):
    """config.yml cannot be used; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerConfig(_Strict):
    """Where the web server listens and how the public reaches it."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    public_url: str | None = None


class WebchatConfig(_Strict):
    """The built-in web chat."""

    enabled: bool = True
    cookie_secure: bool = False
    cookie_max_age_days: int = Field(default=365, gt=0)


class TelegramConfig(_Strict):
    """Telegram; the token comes from TELEGRAM_BOT_TOKEN (see docs/telegram.md).

    Polling unless ``webhook_url`` is set; the webhook's secret comes from
    TELEGRAM_WEBHOOK_SECRET or is derived from the token. ``api_base_url`` and
    ``api_file_url`` may point at a self-hosted Bot API server (larger files).
    """

    webhook_url: str | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    messages_per_second: float = Field(default=30, gt=0)
    bot_username: str | None = None
    max_download_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    polling_timeout_seconds: int = Field(default=30, ge=0, le=50)
    album_wait_seconds: float = Field(default=1.5, ge=0, le=30)


class ZaloConfig(_Strict):
    """Zalo Official Account; keys and tokens come from the environment (docs/zalo.md).

    ``max_event_age_seconds``: older webhook events (by their signed timestamp) are
    refused, as are events more than ``max_clock_skew_seconds`` in the future.
    ``reply_window_hours``/``replies_per_message``: Zalo's free replies after a citizen's
    message. ``send_outside_window``: still try (paid or refused by Zalo) instead of
    failing at once. ``http_media``: accept ``http://`` image links (tests only).
    """

    api_base_url: str = "https://openapi.zalo.me"
    oauth_base_url: str = "https://oauth.zaloapp.com"
    max_download_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    http_media: bool = False
    max_event_age_seconds: int = Field(default=3600, ge=60, le=86400)
    max_clock_skew_seconds: int = Field(default=300, ge=0, le=3600)
    reply_window_hours: float = Field(default=48, gt=0, le=168)
    replies_per_message: int = Field(default=8, ge=1, le=100)
    send_outside_window: bool = False
    refresh_margin_seconds: int = Field(default=3600, ge=60, le=43200)
    info_image_url: str | None = None


class MessengerConfig(_Strict):
    """Facebook Messenger (a Page); secrets come from the environment (docs/messenger.md).

    ``api_base_url`` is the versioned Graph API; a Graph-compatible local server may
    stand in for it. ``notice_tag``: the message tag for notices about a citizen's own
    report outside the 24-hour window (None: record them as not sendable).
    ``http_media``: accept ``http://`` attachment links (tests only).
    """

    api_base_url: str = Field(
        default="https://graph.facebook.com/v26.0", pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$"
    )
    max_download_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    http_media: bool = False
    notice_tag: Literal["ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE"] | None = "ACCOUNT_UPDATE"


class ChannelsConfig(_Strict):
    """The messengers and their settings."""

    webchat: WebchatConfig = WebchatConfig()
    telegram: TelegramConfig = TelegramConfig()
    zalo: ZaloConfig = ZaloConfig()
    messenger: MessengerConfig = MessengerConfig()


class LimitsConfig(_Strict):
    """Sizes and counts that protect the service."""

    max_photo_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    max_photos_per_report: int = Field(default=6, gt=0, le=20)
    max_text_chars: int = Field(default=4000, gt=0)
    max_request_bytes: int = Field(default=32 * 1024 * 1024, gt=0)


class PathsConfig(_Strict):
    """Where data lives; relative paths are taken from the config file's folder."""

    data_dir: Path = Path("data")
    database_url: str | None = None


class NluConfig(_Strict):
    """Language understanding: the embedded engine or a Rasa server."""

    backend: Literal["embedded", "rasa"] = "embedded"
    rasa_url: str | None = None
    timeout_seconds: float = Field(default=2.0, gt=0)
    model_dir: Path | None = None
    confident: float = Field(default=0.6, ge=0, le=1)
    margin: float = Field(default=0.2, ge=0, le=1)


class OfficialsConfig(_Strict):
    """How reports are followed up with the units."""

    digest_hour: int = Field(default=7, ge=0, le=23)
    scheduler_interval_seconds: float = Field(default=60, gt=0)


class OpsConfig(_Strict):
    """The operations dashboard (/ops) and the Open311 API (docs/ops.md).

    Sign-in links point at ``server.public_url`` (the address officials' browsers use).
    ``tile_url`` is any XYZ tile server, or "" for none: the map always draws its offline
    base map (wards, main streets, landmarks from the gazetteer) under the points.
    """

    enabled: bool = True
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "© OpenStreetMap contributors"
    map_center: tuple[float, float] = (16.4637, 107.5909)
    map_zoom: int = Field(default=13, ge=1, le=19)
    session_hours: float = Field(default=12, gt=0, le=24 * 30)
    login_minutes: int = Field(default=15, gt=0, le=24 * 60)
    # Sign-in throttling (docs/ops.md): failures per address and per typed code before a
    # lock of login_lock_minutes; failures of anyone before a user's live codes are void.
    login_failures_per_ip: int = Field(default=10, ge=1, le=10_000)
    login_failures_per_code: int = Field(default=3, ge=1, le=100)
    login_failures_per_user: int = Field(default=20, ge=1, le=100_000)
    login_lock_minutes: float = Field(default=15, gt=0, le=24 * 60)
    cookie_secure: bool = False
    page_size: int = Field(default=50, gt=0, le=500)


class Settings(_Strict):
    """The whole of config.yml."""

    city: City
    server: ServerConfig = ServerConfig()
    channels: ChannelsConfig = ChannelsConfig()
    limits: LimitsConfig = LimitsConfig()
    paths: PathsConfig = PathsConfig()
    nlu: NluConfig = NluConfig()
    services: ServicesConfig = ServicesConfig()
    officials: OfficialsConfig = OfficialsConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    ops: OpsConfig = OpsConfig()
    places: PlacesConfig = PlacesConfig()


@dataclass(frozen=True, slots=True)
class Runtime:
    """Settings resolved against the environment: what the process actually uses."""

    settings: Settings
    config_path: Path
    data_dir: Path
    database_url: str
    telegram_token: str | None

    @property
    def media_dir(self) -> Path:
        """Photos: originals and public copies."""
        return self.data_dir / "media"

    @property
    def places_paths(self) -> PlacesPaths:
        """The gazetteer's files (``places:``), relative to the config file's folder."""
        return resolve_paths(self.settings.places, self.config_path.resolve().parent)


def load_settings(path: Path) -> Settings:
    """Read and validate config.yml.

    Args:
        path: The file.

    Returns:
        The validated settings.

    Raises:
        ConfigError: The file is missing, not YAML, or not valid.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {_yaml_problem(exc)}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None


def resolve_runtime(path: Path, env: Mapping[str, str] | None = None) -> Runtime:
    """Load the config and apply DATABASE_URL, HUEBOT_DATA_DIR and secrets.

    Args:
        path: config.yml.
        env: The environment (``os.environ`` when None).

    Returns:
        What the process runs with.
    """
    env = os.environ if env is None else env
    settings = load_settings(path)
    base = path.resolve().parent
    data_dir = (
        Path(env["HUEBOT_DATA_DIR"]) if env.get("HUEBOT_DATA_DIR") else settings.paths.data_dir
    )
    data_dir = data_dir if data_dir.is_absolute() else base / data_dir
    url = env.get("DATABASE_URL") or settings.paths.database_url
    url = url or f"sqlite:///{data_dir / 'huebot.db'}"
    return Runtime(
        settings=settings,
        config_path=path,
        data_dir=data_dir,
        database_url=url,
        telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
    )


def config_path(cli_value: str | None, env: Mapping[str, str] | None = None) -> Path:
    """The config file: --config, then HUEBOT_CONFIG, then ./config.yml."""
    env = os.environ if env is None else env
    return Path(cli_value or env.get("HUEBOT_CONFIG") or DEFAULT_CONFIG)


def _describe(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: {exc.error_count()} problem(s):"]
    for error in exc.errors(include_url=False):
        where = _location(error["loc"])
        got = _short(error.get("input"))
        lines.append(f"  {where}: {error['msg']}{got}")
    return "\n".join(lines)


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _short(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    shown = repr(value)
    return f" (got {shown[:60]})"


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return str(problem)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
