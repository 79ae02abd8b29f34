"""Alerts: the broadcaster's dialog, issuing and CAP import, subscriptions, health notices."""
