"""SLA deadlines in working days, as the team in London counts them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checker_console.domain.working_days import LONDON, add_working_days


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (datetime(2026, 11, 23, 10, 0, tzinfo=UTC), 2, datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),
        (datetime(2026, 11, 27, 16, 0, tzinfo=UTC), 2, datetime(2026, 12, 1, 16, 0, tzinfo=UTC)),
        (datetime(2026, 11, 28, 9, 0, tzinfo=UTC), 2, datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        (datetime(2026, 11, 29, 9, 0, tzinfo=UTC), 1, datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        (datetime(2026, 11, 25, 9, 0, tzinfo=UTC), 0, datetime(2026, 11, 25, 9, 0, tzinfo=UTC)),
    ],
    ids=[
        "monday-to-wednesday",
        "friday-to-tuesday",
        "saturday-to-tuesday",
        "sunday-to-monday",
        "zero",
    ],
)
def test_working_days_skip_weekends(start: datetime, days: int, due: datetime) -> None:
    assert add_working_days(start, days) == due


def test_deadline_keeps_the_london_time_of_day_across_the_clocks_going_forward() -> None:
    # Friday 27 March 2026, 17:00 GMT; the clocks go forward on Sunday 29 March.
    start = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)

    due = add_working_days(start, 2)

    assert due.astimezone(LONDON).replace(tzinfo=None) == datetime(2026, 3, 31, 17, 0)
    assert due == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)


def test_late_evening_utc_counts_from_the_london_date() -> None:
    # 23:30 UTC on Friday 31 July 2026 is already Saturday 00:30 in London (BST).
    start = datetime(2026, 7, 31, 23, 30, tzinfo=UTC)

    due = add_working_days(start, 1)

    assert due.astimezone(LONDON).date().isoformat() == "2026-08-03"  # Monday
