"""aiohttp routes that are not a messenger's: the dashboard, Open311, health and metrics."""
