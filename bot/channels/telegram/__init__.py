"""Telegram: webhook or polling into the shared intake, PTB for parsing, Bot API for sending."""
