"""Inbound benchmark: HueBot's webhook path against a bare python-telegram-bot echo bot.

``make bench-inbound`` (``python -m bench.inbound_bench --out bench/inbound.json``) starts,
as separate processes, a lean fake Bot API (``bench/inbound_fake_api.py``), the bare PTB
echo bot (``bench/ptb_echo.py``), HueBot itself (``huebot run``: the real config, the real
NLU, webhook mode, its Bot API on the fake) and the load (``bench/inbound_load.py``): the
same 2,000 Vietnamese free-text reports, 50 in flight. For each store (SQLite, PostgreSQL)
it reports both rates and their ratio, HueBot's p99 latency at half its measured rate,
and HueBot's peak RSS. ``--baseline-root`` measures another checkout's HueBot in the same
run (the code before a change); ``--profile DIR`` runs HueBot under cProfile.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:bench-huebot-token"
SECRET = "bench-webhook-secret-0123456789"
HALF_LOAD_SECONDS = 30  # the half-load run offers at most this long
PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(args: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None,
          log: Path | None = None) -> subprocess.Popen[bytes]:  # fmt: skip
    """A child process (stdout piped; stderr to ``log`` or dropped)."""
    err = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (kept for the child)
    return subprocess.Popen([sys.executable, *args], cwd=cwd, env=env or dict(os.environ),
                            stdout=subprocess.PIPE, stderr=err)  # fmt: skip


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 20 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def wait_until(check: Any, seconds: float, what: str) -> None:
    """Poll ``check()`` (async) until true."""
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def fake_stats(fake: str) -> dict[str, Any]:
    """What the fake Bot API recorded."""
    async with aiohttp.ClientSession() as session, session.get(f"{fake}/stats") as response:
        return dict(await response.json())


async def reset(fake: str) -> None:
    """Forget what the fake recorded."""
    async with aiohttp.ClientSession() as session, session.post(f"{fake}/reset"):
        pass


async def load(url: str, fake: str, first_chat: int, count: int, rate: float = 0.0,
               secret: str = "") -> dict[str, Any]:  # fmt: skip
    """Run the load generator as its own process; its JSON result."""
    args = ["-m", "bench.inbound_load", "--url", url, "--fake", fake, "--secret", secret,
            "--first-chat", str(first_chat), "--count", str(count), "--rate", str(rate)]
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )  # fmt: skip
    out, _ = await process.communicate()
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


async def bench_ptb(fake: str, count: int) -> dict[str, Any]:
    """The bare PTB echo bot's rate."""
    port = free_port()
    bot = spawn(["-m", "bench.ptb_echo", "--api", fake, "--port", str(port)])
    try:
        assert bot.stdout is not None and bot.stdout.readline().strip() == b"ready"
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        await load(url, fake, 1_000, 20)  # warm up
        await reset(fake)
        result = await load(url, fake, 20_000_000, count)
        result["peak_rss_mb"] = peak_rss_mb(bot.pid)
        return result
    finally:
        stop(bot)
        await reset(fake)


def huebot_env(root: Path, folder: Path, fake: str, database_url: str) -> dict[str, str]:
    """The environment and config.yml of a HueBot served from ``root``."""
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    port = free_port()
    config.setdefault("server", {}).update(host="127.0.0.1", port=port)
    config.setdefault("channels", {})["telegram"] = {
        "api_base_url": f"{fake}/bot", "api_file_url": f"{fake}/file/bot",
        "webhook_url": "https://bench.invalid/telegram/webhook",
    }  # fmt: skip
    # The echo bot sends as fast as it can; HueBot's pacer would hold its replies to the
    # free 30/s. At paid broadcasts' 1000/s the pacer still runs but the webhook path is
    # what is measured.
    config.setdefault("delivery", {})["telegram"] = {
        **config.get("delivery", {}).get("telegram", {}),
        "messages_per_second": 1000, "paid_broadcast": True,
    }  # fmt: skip
    path = folder / "config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return {**os.environ, "HUEBOT_CONFIG": str(path), "DATABASE_URL": database_url,
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "HUEBOT_DATA_DIR": str(folder / "data"), "PYTHONPATH": str(root),
            "BENCH_PORT": str(port)}  # fmt: skip


async def pg_database(action: str, name: str) -> None:
    """CREATE or DROP a PostgreSQL database of the bench's own."""
    import asyncpg  # only the PostgreSQL run needs it

    url = make_url(PG_URL)
    conn = await asyncpg.connect(host=url.host, port=url.port, user=url.username,
                                 password=url.password, database=url.database)  # fmt: skip
    try:
        sql = f'CREATE DATABASE "{name}"' if action == "create" else (
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # fmt: skip
        await conn.execute(sql)
    finally:
        await conn.close()


async def bench_huebot(root: Path, store: str, fake: str, count: int,
                       profile: Path | None) -> dict[str, Any]:  # fmt: skip
    """HueBot's rate with ``count`` in flight, then its latency at half that rate."""
    with tempfile.TemporaryDirectory(prefix="huebot-inbound-") as tmp:
        folder, name = Path(tmp), f"huebot_inbound_{uuid.uuid4().hex[:8]}"
        url = f"sqlite:///{folder / 'bench.db'}"
        if store == "postgresql":
            await pg_database("create", name)
            url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        env = huebot_env(root, folder, fake, url)
        run = [str(ROOT / "bench" / "huebot_main.py")]
        if profile is not None:
            run = ["-m", "cProfile", "-o", str(profile / f"huebot-{store}.prof"), *run]
        bot = spawn(run, cwd=root, env=env, log=folder / "huebot.log")
        try:
            return await measure(bot, env["BENCH_PORT"], fake, count)
        except BaseException:
            print((folder / "huebot.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            stop(bot)
            await reset(fake)
            if store == "postgresql":
                await pg_database("drop", name)


async def measure(bot: subprocess.Popen[bytes], port: str, fake: str,
                  count: int) -> dict[str, Any]:  # fmt: skip
    """Warm up, then the full load, then half of the rate it reached."""

    async def registered() -> bool:
        if bot.poll() is not None:
            raise SystemExit("huebot exited")
        return "setWebhook" in (await fake_stats(fake))["methods"]

    await wait_until(registered, 300, "huebot to register its webhook")
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    warm = await load(url, fake, 1_000, 20, secret=SECRET)
    assert warm["answered"] == 20, warm
    await reset(fake)
    full = await load(url, fake, 30_000_000, count, secret=SECRET)
    rate = max(full["rate"] / 2, 1.0)
    half_count = max(min(count // 2, int(rate * HALF_LOAD_SECONDS)), 1)
    half = await load(url, fake, 40_000_000, half_count, rate=rate, secret=SECRET)
    return {"full": full, "half_load": half, "peak_rss_mb": peak_rss_mb(bot.pid)}


async def bench_store(store: str, count: int, baseline: Path | None,
                      profile: Path | None) -> dict[str, Any]:  # fmt: skip
    """PTB and HueBot (and the baseline HueBot) against one fake, on one store."""
    api = spawn(["-m", "bench.inbound_fake_api"])
    try:
        assert api.stdout is not None
        fake = f"http://127.0.0.1:{int(api.stdout.readline())}"
        ptb = await bench_ptb(fake, count)
        huebot = await bench_huebot(ROOT, store, fake, count, profile)
        result: dict[str, Any] = {
            "ptb_echo": ptb, "huebot": huebot,
            "ratio": round(huebot["full"]["rate"] / ptb["rate"], 3) if ptb["rate"] else None,
        }  # fmt: skip
        if baseline is not None:
            before = await bench_huebot(baseline, store, fake, count, None)
            result["baseline_huebot"] = before
            result["baseline_ratio"] = round(before["full"]["rate"] / ptb["rate"], 3)
        return result
    finally:
        stop(api)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    """Every store, one after the other, with the machine's load before and after."""
    report: dict[str, Any] = {
        "messages": args.count, "in_flight": 50, "cpus": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "targets": {"ratio": 1.0, "p99_ms_at_half_load": 100, "peak_rss_mb": 300},
    }  # fmt: skip
    for store in args.stores.split(","):
        report[store] = await bench_store(store, args.count, args.baseline_root, args.profile)
        print(summary(store, report[store]), flush=True)
    report["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def summary(store: str, result: dict[str, Any]) -> str:
    """One line per store for the terminal."""
    huebot = result["huebot"]
    line = (f"{store}: PTB echo {result['ptb_echo']['rate']}/s, HueBot "
            f"{huebot['full']['rate']}/s, ratio {result['ratio']}; p99 at half load "
            f"{huebot['half_load']['p99_ms']} ms; peak RSS {huebot['peak_rss_mb']} MB")
    if "baseline_huebot" in result:
        line += (f"; before: {result['baseline_huebot']['full']['rate']}/s "
                 f"(ratio {result['baseline_ratio']})")
    return line


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "inbound.json")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--baseline-root", type=Path, default=None)
    parser.add_argument("--profile", type=Path, default=None)
    args = parser.parse_args()
    report = asyncio.run(main_async(args))
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
