"""Messenger adapters: each translates platform updates and replies."""
