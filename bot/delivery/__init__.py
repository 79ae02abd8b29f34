"""Outbound delivery: one outbox, one worker, a token bucket per messenger.

Everything HueBot sends to someone other than the sender of the current update (alerts,
assignments, status changes) is an outbox row. The worker (``worker.py``) claims due
rows, sends them through a ``Sender`` per channel (``senders.py``) at the channel's
rate (``buckets.py``) and records each result (``recorder.py``). See docs/alerts.md.
"""
