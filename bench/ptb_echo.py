"""The bare python-telegram-bot echo bot the inbound benchmark compares HueBot with.

``python -m bench.ptb_echo --api URL --port N`` runs a PTB ``Application`` built with
``.updater(None)`` behind an aiohttp webhook route (as PTB's ``customwebhookbot``
examples do): the route feeds ``Update.de_json`` into the application's update queue and
answers 200, and one ``MessageHandler`` replies with the message's text. Nothing is
stored. It prints ``ready`` once it serves.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

TOKEN = "123456:bench-echo-token"


async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the message's own text."""
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


def build(api: str) -> Application[Any, Any, Any, Any, Any, Any]:
    """The echo bot, its Bot API at ``api``, without an Updater."""
    application = (
        Application.builder().token(TOKEN).base_url(f"{api}/bot").updater(None).build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


async def serve(api: str, port: int) -> None:
    """Serve the webhook route on ``port`` until killed."""
    application = build(api)

    async def webhook(request: web.Request) -> web.Response:
        update = Update.de_json(await request.json(), application.bot)
        await application.update_queue.put(update)
        return web.Response()

    app = web.Application()
    app.router.add_post("/telegram/webhook", webhook)
    runner = web.AppRunner(app, access_log=None)
    async with application:
        await application.start()
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        print("ready", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.api, args.port))


if __name__ == "__main__":
    main()
