"""deploy/ as far as it runs here: the files parse, and the systemd unit starts HueBot.

The unit's own ExecStart line, with its EnvironmentFile (the shipped example) and
``%i`` filled in, starts a real process that becomes ready, logs JSON with an access
log, and stops cleanly on the unit's KillSignal. Containers are not run here; the
compose file is checked for what it must hold.
"""

from __future__ import annotations

import asyncio
import configparser
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml

from tests.conftest import ROOT
from tests.scale.cluster import free_port, write_config

DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "systemd" / "huebot@.service"
INSTALLED = "/opt/huebot/.venv/bin/huebot"


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile and compose's env_file read them."""
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def read_unit(path: Path) -> configparser.ConfigParser:
    """A systemd unit file as sections of keys."""
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string(path.read_text(encoding="utf-8"))
    return unit


def test_the_compose_file_has_the_store_redis_replicas_and_a_tls_proxy():
    compose = yaml.safe_load((DEPLOY / "compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "huebot", "caddy"}
    huebot = services["huebot"]
    assert huebot["deploy"]["replicas"] >= 2
    assert "/readyz" in " ".join(huebot["healthcheck"]["test"])
    assert huebot["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert huebot["environment"]["REDIS_URL"].startswith("redis://")
    assert "443:443" in services["caddy"]["ports"]
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert "dynamic a huebot 8080" in caddyfile and "health_uri /readyz" in caddyfile
    assert (DEPLOY / huebot["build"]["dockerfile"].removeprefix("deploy/")).is_file()


def test_every_variable_of_the_env_example_is_documented():
    text = (DEPLOY / "huebot.env.example").read_text(encoding="utf-8")
    names = {line.lstrip("# ").partition("=")[0] for line in text.splitlines()
             if "=" in line and line.lstrip("# ")[:1].isupper()}  # fmt: skip
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert names and {n for n in names if f"`{n}`" not in guide} == set()


def test_the_systemd_units_verify():
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    # (the unit's path is where the guide installs HueBot; here it is this checkout)
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / f"huebot-units-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    try:
        text = UNIT.read_text(encoding="utf-8").replace(INSTALLED, huebot_command())
        (scratch / UNIT.name).write_text(text, encoding="utf-8")
        shutil.copy(DEPLOY / "systemd" / "huebot.target", scratch)
        for name in ("huebot@8081.service", "huebot.target"):
            done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(scratch / name)],
                                  capture_output=True, text=True, timeout=60)  # fmt: skip
            assert done.returncode == 0, done.stderr
    finally:
        shutil.rmtree(scratch)


def huebot_command() -> str:
    """This checkout's ``huebot`` script."""
    return str(Path(sys.executable).with_name("huebot"))


async def test_the_unit_command_line_and_env_file_start_and_stop_huebot(
    tmp_path: Path, trained_model: Path
):
    service = read_unit(UNIT)["Service"]
    env_file = DEPLOY / "huebot.env.example"
    assert service["EnvironmentFile"] == "/etc/huebot/huebot.env"
    port = free_port()
    command = shlex.split(service["ExecStart"].replace("%i", str(port)))
    assert command[0] == INSTALLED
    config = write_config(tmp_path / "config.yml", "http://127.0.0.1:9/bot", trained_model)
    env = {
        **read_env_file(env_file), "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'huebot.db'}",  # (no PostgreSQL needed)
        "HUEBOT_CONFIG": str(config), "HUEBOT_DATA_DIR": str(tmp_path / "data"),
    }  # fmt: skip
    process = subprocess.Popen([huebot_command(), *command[1:]], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        await wait_ready(process, port)
        process.send_signal(getattr(signal, service["KillSignal"]))
        _, err = await asyncio.to_thread(
            process.communicate, None, float(service["TimeoutStopSec"])
        )
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err.decode()[-2000:]
    events = [json.loads(line) for line in err.decode().splitlines() if line.strip()]
    assert any(e["logger"] == "huebot.access" and e["route"] == "/readyz" for e in events)
    assert all({"ts", "level", "logger", "event"} <= set(e) for e in events)


async def wait_ready(process: subprocess.Popen[bytes], port: int, timeout: float = 180) -> None:
    """Wait (bounded) for a 200 from /readyz; fail at once if the process exits."""
    async with aiohttp.ClientSession() as http:
        for _ in range(int(timeout / 0.2)):
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(f"exited {process.returncode}:\n{err[-2000:]}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("not ready in time")
