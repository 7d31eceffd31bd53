"""The sentences the dashboard says about its figures (no browser needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from checker_console.ui.components.chart import csv_text
from checker_console.ui.pages.dashboard_views import change_words, clears_words

NOW = datetime(2026, 10, 29, 12, tzinfo=UTC)  # Thursday, GMT


def test_the_change_on_the_period_before_is_said_in_words() -> None:
    assert change_words(108, 100) == "up 8% on the period before"
    assert change_words(92, 100) == "down 8% on the period before"
    assert change_words(100, 100) == "the same as the period before"
    assert change_words(5, 0) == "none in the period before"


def test_the_forecast_names_a_london_weekday_and_time_and_the_date_when_far_off() -> None:
    assert clears_words(NOW + timedelta(hours=26), NOW) == "Friday 14:00"
    assert clears_words(datetime(2026, 10, 24, 13, tzinfo=UTC), NOW - timedelta(days=1)) == (
        "Saturday 14:00"  # BST
    )
    assert clears_words(NOW + timedelta(days=9), NOW) == "Saturday 7 November, 12:00"
    assert clears_words(None, NOW) == "not forecast"


def test_csv_cells_that_a_spreadsheet_would_run_are_made_plain_text() -> None:
    rows = [["=HYPERLINK(1)", "3"], ["-SUM(A1)", "-2"], ["a, b", "1"]]
    text = csv_text(["Reason", "Count"], rows)
    assert text.splitlines() == ["Reason,Count", "'=HYPERLINK(1),3", "'-SUM(A1),-2", '"a, b",1']
