"""Expiry (with the passport's 6-month grace) and age."""

from __future__ import annotations

from datetime import date

import pytest

from checker_console.domain.document_checks import (
    ExpiryState,
    add_months,
    age_on,
    expiry_status,
)
from checker_console.domain.reasons import DocumentKind

TODAY = date(2026, 3, 15)


def test_document_is_in_date_through_its_expiry_day() -> None:
    status = expiry_status(DocumentKind.DRIVING_LICENCE, TODAY, TODAY)

    assert status.state is ExpiryState.IN_DATE and status.accepted
    assert status.text == "In date: expires 15 March 2026."


def test_passport_expired_five_months_ago_is_accepted_within_the_grace() -> None:
    status = expiry_status(DocumentKind.PASSPORT, date(2025, 10, 15), TODAY)

    assert status.state is ExpiryState.PASSPORT_GRACE and status.accepted
    assert "accept until 15 April 2026" in status.text


def test_passport_grace_ends_on_the_day_six_months_after_expiry() -> None:
    assert expiry_status("passport", date(2025, 9, 15), TODAY).accepted
    status = expiry_status("passport", date(2025, 9, 14), TODAY)

    assert status.state is ExpiryState.EXPIRED and not status.accepted
    assert "more than 6 months ago" in status.text
    assert status.last_accepted_day == date(2026, 3, 14)


def test_driving_licence_gets_no_grace_the_day_after_expiry() -> None:
    status = expiry_status(DocumentKind.DRIVING_LICENCE, date(2026, 3, 14), TODAY)

    assert status.state is ExpiryState.EXPIRED
    assert "only passports are accepted past their expiry date" in status.text


def test_unknown_document_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        expiry_status("library_card", TODAY, TODAY)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2025, 7, 15), 6, date(2026, 1, 15)),
    ],
)
def test_adding_months_keeps_to_the_last_day_of_short_months(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_age_counts_whole_years_and_turns_on_the_birthday() -> None:
    assert age_on(date(2000, 3, 15), TODAY) == 26
    assert age_on(date(2000, 3, 16), TODAY) == 25


def test_leap_day_birthday_turns_a_year_older_on_first_of_march() -> None:
    assert age_on(date(2004, 2, 29), date(2025, 2, 28)) == 20
    assert age_on(date(2004, 2, 29), date(2025, 3, 1)) == 21


def test_age_of_a_birth_date_in_the_future_is_an_error() -> None:
    with pytest.raises(ValueError, match="enter a date of birth in the past"):
        age_on(date(2030, 1, 1), TODAY)
