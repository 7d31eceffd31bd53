"""One place that says what time it is, so tests and the lifecycle agree on UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def utcnow() -> datetime:
    return datetime.now(UTC)


def london(value: datetime) -> datetime:
    """A stored UTC time as people in the team read it."""
    return value.astimezone(LONDON)
