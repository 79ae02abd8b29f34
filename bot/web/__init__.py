"""aiohttp routes: web chat, webhooks, health."""
