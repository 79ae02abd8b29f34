"""Updates an intake queue gave up on, as the operators list them (both channels)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FailedUpdate:
    """An update given up on: which, whose, how often tried, when, and why."""

    channel: str
    update_id: str
    user_key: str | None
    attempts: int
    received_at: datetime
    failed_at: datetime | None
    error: str | None
