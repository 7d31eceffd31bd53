"""How times and dates read on screen: Europe/London, day month year, 24-hour clock."""

from __future__ import annotations

from datetime import date, datetime

from checker_console.clock import london


def london_time(value: datetime | None) -> str:
    """ "12 May 2026, 14:05" in London time (GMT or BST, whichever applied then)."""
    if value is None:
        return ""
    local = london(value)
    return f"{local.day} {local:%B %Y, %H:%M}"


def long_date(value: date | None) -> str:
    """ "12 May 2001"."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"
