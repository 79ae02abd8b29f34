"""Outbound delivery: one outbox, one worker, the messenger's pacer.

Everything HueBot sends to someone other than the sender of the current update (alerts,
assignments, status changes) is an outbox row. The worker (``worker.py``) claims due
rows, sends them through a ``Sender`` per channel (``senders.py``) within the
messenger's limits (``bot/channels/pacer.py``, shared with chat replies) and records
each result (``recorder.py``). See docs/alerts.md.
"""
