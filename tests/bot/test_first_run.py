"""The first `huebot run` trains the language model before it serves; CLIs stay quiet."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from nlu import TRAINING_NOTICE
from tests.bot.test_config_cli import ROOT, _get_when_up, huebot, write_config

MIGRATION_LINES = ("alembic.runtime.migration", "database migrated")


def store_env(tmp_path: Path, name: str) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / name}", "HUEBOT_DATA_DIR": str(tmp_path)}


def test_only_db_upgrade_reports_migrations_on_stderr(tmp_path):
    upgrade = huebot("db", "upgrade", env=store_env(tmp_path, "a.db"))
    assert upgrade.returncode == 0
    assert all(line in upgrade.stderr for line in MIGRATION_LINES)
    fresh = store_env(tmp_path, "b.db")  # a command on a new store still migrates it, quietly
    for command in (("users", "list"), ("reports", "list"), ("units", "invite", "hepco")):
        done = huebot(*command, env=fresh)
        assert done.returncode == 0, done.stderr
        assert done.stderr == "", (command, done.stderr)


def test_first_run_trains_the_model_before_it_serves(tmp_path):
    model_dir = tmp_path / "model"
    config = write_config(tmp_path, lambda d: d.setdefault("nlu", {}).update(
        model_dir=str(model_dir)))  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HUEBOT_CONFIG": str(config), **store_env(tmp_path, "r.db")}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        _get_when_up(f"http://127.0.0.1:{port}/healthz", server)
        assert (model_dir / "model.joblib").is_file()  # trained before the first request
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=60)[0]
    assert server.returncode == 0, output
    assert "database migrated" in output  # `run` keeps its migration lines
    assert TRAINING_NOTICE in output
    assert output.index(TRAINING_NOTICE) < output.index("HueBot listening")
