"""Service-level deadlines counted in working days, as the team reads them in Europe/London.

Saturdays and Sundays are skipped; bank holidays are not (yet) known here, so a deadline that
falls after one is a day early, which errs on the side of the applicant.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_SATURDAY = 5


def is_working_day(moment: datetime, tz: ZoneInfo = LONDON) -> bool:
    return moment.astimezone(tz).weekday() < _SATURDAY


def add_working_days(start: datetime, days: int, tz: ZoneInfo = LONDON) -> datetime:
    """``start`` moved on by ``days`` working days, at the same London wall-clock time.

    A case submitted on Friday at 16:00 with two working days is due on Tuesday at 16:00; one
    submitted on Saturday is due on Tuesday too (Monday is the first working day after it).
    The result has ``start``'s time zone.
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    local = start.astimezone(tz)
    day = local.date()
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if day.weekday() < _SATURDAY:
            remaining -= 1
    due = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=tz)
    return due.astimezone(start.tzinfo)
