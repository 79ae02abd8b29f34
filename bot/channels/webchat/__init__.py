"""The built-in web chat: its page, JSON API and photo uploads."""
